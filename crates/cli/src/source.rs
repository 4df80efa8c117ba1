//! Where the manifests come from: a directory on disk as it is, or a Git repository at a
//! revision, cloned into Shipdeck's cache and its whole tree exported, as the engine's monitor
//! does (so a kustomize overlay reaches `../../base` and a chart its `file://` dependencies).
//!
//! The command line keeps its own mirrors (`<cache>/mirrors/cli/`), so it never races the
//! window's poller on one repository; a lock file per mirror keeps two command lines apart.
//! Clones and fetches have the engine's Git timeouts (connect 10 s, read 30 s).

use crate::revision;
use anyhow::{Context, Result, anyhow, bail};
use shipdeck_engine::git::{
    self, CancelToken, ErrorKind, ExportLimits, Mirror, Progress, Revision, Snapshot,
};
use shipdeck_engine::monitor::SourceKey;
use shipdeck_ipc::workspace::CommitSummary;
use std::path::{Path, PathBuf};

/// A repository tree ready to render.
pub struct Tree {
    /// The repository's root: paths are relative to it, and nothing outside it is read.
    pub root: PathBuf,
    /// What was rendered, for a Git source: the revision and its commit.
    pub commit: Option<(Revision, CommitSummary)>,
    /// The export, removed when the tree is dropped.
    _export: Option<tempfile::TempDir>,
}

impl Tree {
    /// The files of `dir` as they are on disk, with `dir` as the repository's root.
    pub fn local(dir: &Path, path: &str) -> Result<Tree> {
        let root = dir
            .canonicalize()
            .with_context(|| format!("--repo {}: no such directory", shown(dir)))?;
        if !root.is_dir() {
            bail!("--repo {} is not a directory", shown(dir));
        }
        if !root.join(path).is_dir() {
            bail!(
                "--path {path} is not a directory in {}; give it relative to the repository's root",
                root.display()
            );
        }
        Ok(Tree {
            root,
            commit: None,
            _export: None,
        })
    }

    /// "branch `main` at 1a2b3c4" for a Git tree; `None` for files on disk.
    pub fn describe(&self) -> Option<String> {
        self.commit
            .as_ref()
            .map(|(revision, commit)| format!("{revision} at {}", commit.short_sha()))
    }
}

/// A Git repository to check out.
pub struct Remote {
    pub url: String,
    pub auth: git::Auth,
    /// Tried in order; the next only when the repository has no such ref.
    pub revisions: Vec<Revision>,
    /// The directory to render, relative to the repository's root (checked at the commit).
    pub path: String,
    /// Where this repository's mirrors live.
    pub mirrors: PathBuf,
}

impl Remote {
    /// Clones or updates the mirror and exports the commit's whole tree into `scratch`.
    pub async fn checkout(self, scratch: &Path) -> Result<Tree> {
        let scratch = scratch.to_path_buf();
        tokio::task::spawn_blocking(move || self.checkout_blocking(&scratch))
            .await
            .map_err(|e| anyhow!("the Git checkout stopped: {e}"))?
    }

    fn checkout_blocking(self, scratch: &Path) -> Result<Tree> {
        let mut tried = Vec::new();
        for (i, revision) in self.revisions.iter().enumerate() {
            let source =
                git::Source::parse(&self.url, revision.clone(), &self.path, self.auth.clone())
                    .with_context(|| format!("--repo {}", without_userinfo(&self.url)))?;
            let last = i + 1 == self.revisions.len();
            match self.fetch(&source) {
                Ok((mirror, snapshot)) => return export(&mirror, snapshot, scratch),
                Err(e) if e.kind() == ErrorKind::NotFound && !last => tried.push(revision),
                Err(e) if e.kind() == ErrorKind::NotFound && !tried.is_empty() => {
                    let all: Vec<String> = self.revisions.iter().map(|r| r.to_string()).collect();
                    return Err(anyhow!(e).context(format!(
                        "{} not found in {}",
                        all.join(" or "),
                        without_userinfo(&self.url)
                    )));
                }
                Err(e) => return Err(e.into()),
            }
        }
        bail!("no revision to check out")
    }

    fn fetch(&self, source: &git::Source) -> Result<(Mirror, Snapshot), git::Error> {
        let key = SourceKey {
            repository: String::new(),
            revision: revision::to_settings(source.revision()),
        };
        let name = key.dir_name(&self.url);
        let dir = self.mirrors.join(&name);
        let cache_error = |e: std::io::Error| git::Error::Cache {
            path: self.mirrors.clone(),
            detail: e.to_string(),
        };
        std::fs::create_dir_all(&self.mirrors).map_err(cache_error)?;
        // Held until the export is written; released when the process exits, however it exits.
        let lock = std::fs::File::create(self.mirrors.join(format!("{name}.lock")))
            .map_err(cache_error)?;
        // Best effort: a file system without locks still works for one command line at a time.
        let _ = lock.lock();
        let cancel = CancelToken::new();
        let mut quiet = |_: &Progress| {};
        let mirror = match Mirror::open_or_clone(&dir, source, &cancel, &mut quiet) {
            Ok(mirror) => mirror,
            // A cache that no longer opens (interrupted by hand, disk trouble) is only a cache.
            Err(e) if e.kind() != ErrorKind::NotFound && dir.exists() => {
                tracing::warn!("recloning {}: {e}", dir.display());
                std::fs::remove_dir_all(&dir).map_err(cache_error)?;
                Mirror::clone(&dir, source, &cancel, &mut quiet)?
            }
            Err(e) => return Err(e),
        };
        let update = mirror.update(source, &cancel, &mut quiet)?;
        Ok((mirror, update.snapshot))
    }
}

fn export(mirror: &Mirror, snapshot: Snapshot, scratch: &Path) -> Result<Tree> {
    std::fs::create_dir_all(scratch)
        .with_context(|| format!("creating scratch space in {}", scratch.display()))?;
    let dir = tempfile::Builder::new()
        .prefix("checkout-")
        .tempdir_in(scratch)
        .with_context(|| format!("creating scratch space in {}", scratch.display()))?;
    let root = dir.path().join("tree");
    mirror.export_tree(&snapshot, &root, &ExportLimits::default())?;
    Ok(Tree {
        root,
        commit: Some((snapshot.revision.clone(), snapshot.commit)),
        _export: Some(dir),
    })
}

/// `--repo` as it may be printed: a user part pasted into a URL may be a token.
fn shown(dir: &Path) -> String {
    without_userinfo(&dir.display().to_string())
}

/// `repo` without the user part of a URL, which is where people paste tokens
/// (`https://user:TOKEN@host/…` → `https://host/…`, `user:TOKEN@host:path` → `host:path`). Every
/// message that repeats `--repo` goes through here: the engine refuses such URLs without
/// echoing them, and so must the command line.
pub fn without_userinfo(repo: &str) -> String {
    if let Some((scheme, rest)) = repo.split_once("://") {
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        return match authority.rfind('@') {
            Some(at) => format!("{scheme}://{}{tail}", &authority[at + 1..]),
            None => repo.to_string(),
        };
    }
    // scp-like `[user[:secret]@]host:path`: an `@` before the first `/`, with a colon.
    let end = repo.find('/').unwrap_or(repo.len());
    let head = &repo[..end];
    match head.rfind('@') {
        Some(at) if head.contains(':') => repo[at + 1..].to_string(),
        _ => repo.to_string(),
    }
}

/// Whether `--repo` names a Git URL rather than a directory on disk.
pub fn is_url(repo: &str) -> bool {
    if Path::new(repo).exists() {
        return false;
    }
    // `scheme://…`, or scp-like `[user@]host:path` (a colon before any slash).
    repo.contains("://")
        || repo
            .find(':')
            .is_some_and(|colon| !repo[..colon].contains('/') && colon > 1)
}

#[cfg(test)]
mod tests {
    use super::without_userinfo;

    #[test]
    fn the_user_part_of_a_url_is_never_shown() {
        for (repo, shown) in [
            (
                "https://user:s3cret@127.0.0.1:1/x.git",
                "https://127.0.0.1:1/x.git",
            ),
            (
                "https://s3cret@git.example/org/x.git",
                "https://git.example/org/x.git",
            ),
            ("https://a:b@c@git.example", "https://git.example"),
            (
                "ssh://git@git.example/org/x.git",
                "ssh://git.example/org/x.git",
            ),
            ("user:s3cret@git.example:org/x.git", "git.example:org/x.git"),
            ("git@git.example:org/x.git", "git.example:org/x.git"),
            // Nothing to take out.
            (
                "https://git.example/org/x.git?at=a@b",
                "https://git.example/org/x.git?at=a@b",
            ),
            ("/src/repo@2", "/src/repo@2"),
            ("./repo", "./repo"),
        ] {
            assert_eq!(without_userinfo(repo), shown, "{repo}");
        }
    }
}
