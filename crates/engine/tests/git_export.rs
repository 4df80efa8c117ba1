//! Exporting a commit to a directory: the whole tree for kustomize and Helm layouts, hostile
//! trees served by a real server, and the size limits.

mod support;

use git2::{ObjectType, Oid};
use shipdeck_engine::git::{
    Auth, CancelToken, ErrorKind, ExportLimits, Mirror, Revision, Snapshot, Source,
};
use std::path::Path;
use support::daemon::GitDaemon;
use support::fixture::Origin;
use tempfile::TempDir;

fn source(url: &str, path: &str) -> Source {
    Source::parse(url, Revision::branch("main").unwrap(), path, Auth::None).expect("valid source")
}

fn clone_and_resolve(dir: &Path, src: &Source) -> (Mirror, Snapshot) {
    let mirror = Mirror::clone(dir, src, &CancelToken::new(), &mut |_| {}).expect("clone");
    let snapshot = mirror.resolve(src).expect("resolve");
    (mirror, snapshot)
}

/// Every file (not directory) below `dir`, relative, sorted.
fn files_below(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    found.sort();
    found
}

// ---- the whole tree ------------------------------------------------------------------------

#[test]
fn export_tree_writes_the_whole_commit_so_overlays_reach_their_base() {
    let origin = Origin::new();
    origin.write("base/kustomization.yaml", "resources: [deployment.yaml]\n");
    origin.write("base/deployment.yaml", "kind: Deployment\n");
    origin.write(
        "overlays/prod/kustomization.yaml",
        "resources: [../../base]\n",
    );
    origin.symlink("../../README.md", "overlays/prod/readme-link");
    origin.commit("base and overlay");
    origin.push();
    let cache = TempDir::new().unwrap();
    let src = source(&origin.bare().display().to_string(), "overlays/prod");
    let (mirror, snapshot) = clone_and_resolve(&cache.path().join("m"), &src);

    let out = cache.path().join("out").join("tree");
    mirror
        .export_tree(&snapshot, &out, &ExportLimits::default())
        .unwrap();
    let app = snapshot.path_in(&out);
    assert_eq!(app, out.join("overlays").join("prod"));
    assert_eq!(
        std::fs::read_to_string(app.join("../../base/deployment.yaml")).unwrap(),
        "kind: Deployment\n"
    );
    assert_eq!(
        files_below(&out),
        [
            "README.md",
            "apps/web/deployment.yaml",
            "apps/web/hooks/run.sh",
            "apps/web/service.yaml",
            "base/deployment.yaml",
            "base/kustomization.yaml",
            "overlays/prod/kustomization.yaml",
        ],
        "symlinks are skipped"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(out.join("apps/web/hooks/run.sh"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o111, 0o111, "the executable bit is kept");
    let siblings: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(siblings, ["tree"], "no partial directory is left");
    assert_eq!(
        mirror
            .export_tree(&snapshot, &out, &ExportLimits::default())
            .unwrap_err()
            .kind(),
        ErrorKind::Write,
        "an existing directory is never written into"
    );
}

// ---- size limits ---------------------------------------------------------------------------

#[test]
fn size_and_count_limits_refuse_the_export_and_name_the_limit() {
    let origin = Origin::new();
    origin.write("apps/web/big.yaml", &"x".repeat(100_000));
    origin.commit("a big file");
    origin.push();
    let cache = TempDir::new().unwrap();
    let src = source(&origin.bare().display().to_string(), "apps/web");
    let (mirror, snapshot) = clone_and_resolve(&cache.path().join("m"), &src);
    let short = &snapshot.commit.sha[..7];

    let cases = [
        (
            "per file",
            ExportLimits::default().max_file_bytes(50_000),
            vec!["`apps/web/big.yaml`", "100000 bytes", "50000 bytes", short],
        ),
        (
            "total",
            ExportLimits::default().max_total_bytes(100_010),
            vec!["100010 bytes", short],
        ),
        (
            "count",
            ExportLimits::default().max_files(3),
            vec!["more than 3 files", short],
        ),
    ];
    for (i, (case, limits, expected)) in cases.into_iter().enumerate() {
        let out = cache.path().join(format!("out{i}"));
        let err = mirror.export_tree(&snapshot, &out, &limits).unwrap_err();
        eprintln!("{case}: {err}");
        assert_eq!(err.kind(), ErrorKind::TooLarge, "{case}: {err}");
        for text in expected {
            assert!(err.to_string().contains(text), "{case}: {err} lacks {text}");
        }
        assert!(
            !out.exists(),
            "{case}: a refused export left {}",
            out.display()
        );
    }
    let left: Vec<_> = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["m"], "no partial directory is left");

    // The path-only export and single files have the per-file limit too.
    let out = cache.path().join("path-only");
    mirror.export(&snapshot, &out).unwrap();
    assert_eq!(
        std::fs::metadata(out.join("big.yaml")).unwrap().len(),
        100_000
    );
    let at_limit = ExportLimits::default().max_file_bytes(100_000);
    mirror
        .export_tree(&snapshot, &cache.path().join("at-limit"), &at_limit)
        .expect("a file exactly at the limit is exported");
}

// ---- hostile trees -------------------------------------------------------------------------

/// A bare repository whose objects are written raw, bypassing every name check of git and
/// libgit2, as a hostile server would serve them.
struct RawRepo {
    repo: git2::Repository,
}

impl RawRepo {
    fn init(path: &Path) -> Self {
        Self {
            repo: git2::Repository::init_bare(path).unwrap(),
        }
    }

    fn blob(&self, content: &[u8]) -> Oid {
        self.repo
            .odb()
            .unwrap()
            .write(ObjectType::Blob, content)
            .unwrap()
    }

    /// A tree object from `(mode, name, id)` entries, sorted as git sorts them (directories
    /// as if their name ended in `/`) so that lookups by path work; duplicates are kept.
    fn tree(&self, entries: &[Entry]) -> Oid {
        let mut entries = entries.to_vec();
        let key = |(mode, name, _): &Entry| {
            let mut key = name.to_vec();
            if *mode == DIR {
                key.push(b'/');
            }
            key
        };
        entries.sort_by_key(key);
        let mut raw = Vec::new();
        for (mode, name, id) in entries {
            raw.extend_from_slice(mode.as_bytes());
            raw.push(b' ');
            raw.extend_from_slice(name);
            raw.push(0);
            raw.extend_from_slice(id.as_bytes());
        }
        self.repo
            .odb()
            .unwrap()
            .write(ObjectType::Tree, &raw)
            .unwrap()
    }

    /// Commits `tree` on `main` (raw too, so libgit2 never parses the tree to write it).
    fn commit(&self, tree: Oid, message: &str) -> Oid {
        let raw = format!(
            "tree {tree}\nauthor Mallory <m@example.com> 1700000000 +0000\n\
             committer Mallory <m@example.com> 1700000000 +0000\n\n{message}\n"
        );
        let id = self
            .repo
            .odb()
            .unwrap()
            .write(ObjectType::Commit, raw.as_bytes())
            .unwrap();
        self.repo
            .reference("refs/heads/main", id, true, "hostile commit")
            .unwrap();
        self.repo.set_head("refs/heads/main").unwrap();
        id
    }
}

const FILE: &str = "100644";
const DIR: &str = "40000";

/// A tree entry: mode, name, id.
type Entry = (&'static str, &'static [u8], Oid);

fn entry(mode: &'static str, name: &'static [u8], id: Oid) -> Entry {
    (mode, name, id)
}

/// Builds the hostile entries of a root tree from the marker blob and a hook script.
type Hostile = fn(&RawRepo, Oid, Oid) -> Vec<Entry>;

#[test]
fn hostile_trees_served_over_git_daemon_are_refused_and_nothing_escapes() {
    // (repository name, hostile root entries, the path the message must name)
    let cases: [(&str, Hostile, &str); 8] = [
        (
            "dotdot-dir",
            |raw, marker, _| {
                let inner = raw.tree(&[entry(FILE, b"marker", marker)]);
                let up = raw.tree(&[entry(DIR, b"..", inner)]);
                vec![entry(DIR, b"..", up)]
            },
            "`..`",
        ),
        (
            "dotdot-file",
            |_, marker, _| vec![entry(FILE, b"..", marker)],
            "`..`",
        ),
        (
            "dot-git",
            |raw, _, hook| {
                let hooks = raw.tree(&[entry(FILE, b"post-checkout", hook)]);
                let git = raw.tree(&[entry(DIR, b"hooks", hooks)]);
                vec![entry(DIR, b".git", git)]
            },
            "`.git`",
        ),
        (
            "dot-git-upper",
            |raw, marker, _| {
                vec![entry(
                    DIR,
                    b".GIT",
                    raw.tree(&[entry(FILE, b"config", marker)]),
                )]
            },
            "`.GIT`",
        ),
        (
            "ntfs-alias",
            |raw, marker, _| {
                vec![entry(
                    DIR,
                    b"git~1",
                    raw.tree(&[entry(FILE, b"config", marker)]),
                )]
            },
            "`git~1`",
        ),
        (
            "slash-in-name",
            |_, marker, _| vec![entry(FILE, b"../../marker", marker)],
            "`../../marker`",
        ),
        (
            "backslash-in-name",
            |_, marker, _| vec![entry(FILE, b"..\\..\\marker", marker)],
            "marker",
        ),
        (
            "nested-dotdot",
            |raw, marker, _| {
                let inner = raw.tree(&[entry(FILE, b"marker", marker)]);
                let up = raw.tree(&[entry(DIR, b"..", inner)]);
                let x = raw.tree(&[entry(DIR, b"x", up)]);
                vec![entry(DIR, b"docs", x)]
            },
            "`docs/x/..`",
        ),
    ];
    let served = TempDir::new().unwrap();
    for (name, hostile, _) in &cases {
        let raw = RawRepo::init(&served.path().join(format!("{name}.git")));
        let marker = raw.blob(b"written by a hostile repository\n");
        let hook = raw.blob(b"#!/bin/sh\necho pwned\n");
        let web = raw.tree(&[entry(
            FILE,
            b"configmap.yaml",
            raw.blob(b"kind: ConfigMap\n"),
        )]);
        let apps = raw.tree(&[entry(DIR, b"web", web)]);
        let mut root = hostile(&raw, marker, hook);
        root.push(entry(DIR, b"apps", apps));
        raw.commit(raw.tree(&root), name);
    }
    let daemon = GitDaemon::start(served.path());

    for (name, _, shown) in &cases {
        let work = TempDir::new().unwrap();
        // The export goes two levels down, so that `..` and `../..` would land inside `work`.
        let dest = work.path().join("exports").join("app");
        let src = source(&daemon.url(&format!("{name}.git")), "");
        let (mirror, snapshot) = clone_and_resolve(&work.path().join("cache"), &src);
        let short = snapshot.commit.short_sha().to_string();

        let result = mirror.export_tree(&snapshot, &dest, &ExportLimits::default());
        let mut written = files_below(work.path());
        written.retain(|f| !f.starts_with("cache"));
        assert!(
            written.is_empty(),
            "{name}: files were written outside the cache: {written:?}"
        );
        assert!(!dest.exists(), "{name}: the export exists");
        let err = result.expect_err(name);
        eprintln!("{name}: {err}");
        assert_eq!(err.kind(), ErrorKind::UnsafePath, "{name}: {err}");
        let message = err.to_string();
        for text in ["unsafe path", "refused to export", short.as_str(), shown] {
            assert!(message.contains(text), "{name}: `{message}` lacks {text}");
        }

        // Listing walks the same names and refuses the same way.
        let err = mirror.list_files(&snapshot).expect_err(name);
        assert_eq!(err.kind(), ErrorKind::UnsafePath, "{name} (list): {err}");
        // The path-only export of a clean subtree is not affected.
        let web = source(&daemon.url(&format!("{name}.git")), "apps/web");
        let web_snapshot = mirror.resolve(&web).unwrap();
        let web_out = work.path().join("web");
        mirror.export(&web_snapshot, &web_out).unwrap();
        assert_eq!(files_below(&web_out), ["configmap.yaml"], "{name}");
    }
}

#[test]
fn a_path_listed_twice_is_refused_not_overwritten() {
    let served = TempDir::new().unwrap();
    let raw = RawRepo::init(&served.path().join("twice.git"));
    let first = raw.blob(b"kind: First\n");
    let second = raw.blob(b"kind: Second\n");
    let root = raw.tree(&[
        entry(FILE, b"a.yaml", first),
        entry(FILE, b"a.yaml", second),
    ]);
    raw.commit(root, "twice");
    let daemon = GitDaemon::start(served.path());
    let work = TempDir::new().unwrap();
    let src = source(&daemon.url("twice.git"), "");
    let (mirror, snapshot) = clone_and_resolve(&work.path().join("cache"), &src);
    let dest = work.path().join("out");
    let err = mirror
        .export_tree(&snapshot, &dest, &ExportLimits::default())
        .unwrap_err();
    eprintln!("{err}");
    assert_eq!(err.kind(), ErrorKind::UnsafePath, "{err}");
    assert!(err.to_string().contains("a.yaml"), "{err}");
    assert!(!dest.exists());
}
