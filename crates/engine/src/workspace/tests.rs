use super::*;
use std::fs;

/// A real repository built commit by commit, with explicit authors and times.
struct Fixture {
    dir: tempfile::TempDir,
    repo: git2::Repository,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        Self { dir, repo }
    }

    fn commit(&self, files: &[(&str, &str)], author: &str, time: i64, message: &str) {
        for (path, content) in files {
            let full = self.dir.path().join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, content).unwrap();
        }
        let mut index = self.repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::new(
            author,
            &format!("{}@example.com", author.to_lowercase()),
            &git2::Time::new(time, 0),
        )
        .unwrap();
        let parent = self.repo.head().ok().map(|h| h.peel_to_commit().unwrap());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        self.repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap();
    }
}

#[test]
fn overview_lists_app_dirs_with_their_last_change() {
    let fx = Fixture::new();
    fx.commit(
        &[
            ("apps/web/deploy.yaml", "a: 1"),
            ("apps/api/deploy.yml", "b: 1"),
        ],
        "Ada",
        1_000,
        "Add web and api",
    );
    fx.commit(&[("apps/web/svc.json", "{}")], "Grace", 2_000, "Expose web");
    fx.commit(&[("README.md", "hi")], "Linus", 3_000, "Docs only");

    let overview = Workspace::open(fx.dir.path()).unwrap().overview().unwrap();

    assert_eq!(overview.commit_count, 3);
    assert_eq!(overview.authors, ["Ada", "Grace", "Linus"]);
    assert_eq!(overview.head.summary, "Docs only");
    assert_eq!(overview.head.author_time, 3_000);
    let dirs: Vec<_> = overview
        .manifest_dirs
        .iter()
        .map(|d| {
            let change = d.last_change.as_ref().unwrap();
            (d.path.as_str(), d.manifest_files, change.summary.as_str())
        })
        .collect();
    assert_eq!(
        dirs,
        [
            ("apps/api", 1, "Add web and api"),
            ("apps/web", 2, "Expose web")
        ]
    );
}

#[test]
fn without_apps_dir_top_level_manifest_dirs_count() {
    let fx = Fixture::new();
    fx.commit(
        &[
            ("billing/d.yaml", "x: 1"),
            ("docs/readme.txt", "no manifests"),
        ],
        "Ada",
        10,
        "init",
    );
    let overview = Workspace::open(fx.dir.path()).unwrap().overview().unwrap();
    let names: Vec<_> = overview.manifest_dirs.iter().map(|d| &d.name).collect();
    assert_eq!(names, ["billing"]);
}

#[test]
fn recent_commits_are_newest_first_with_parents() {
    let fx = Fixture::new();
    fx.commit(&[("a/x.yaml", "1")], "Ada", 100, "first");
    fx.commit(&[("a/x.yaml", "2")], "Ada", 200, "second");
    let commits = Workspace::open(fx.dir.path())
        .unwrap()
        .recent_commits(10)
        .unwrap();
    assert_eq!(commits.len(), 2);
    assert_eq!(commits[0].summary, "second");
    assert_eq!(commits[0].parents, [commits[1].sha.clone()]);
    assert!(commits[1].parents.is_empty());
}

#[test]
fn errors_say_what_to_do() {
    let empty = tempfile::tempdir().unwrap();
    let err = Workspace::open(empty.path()).err().unwrap();
    assert!(err.to_string().contains("is not a Git repository"), "{err}");

    git2::Repository::init(empty.path()).unwrap();
    let err = Workspace::open(empty.path())
        .unwrap()
        .overview()
        .unwrap_err();
    assert!(matches!(err, WorkspaceError::Empty { .. }), "{err}");
}
