//! Where manifests come from outside the monitor (`shipdeck plan`/`diff`, the window's
//! preview of another revision): a directory on disk as it is, or a Git repository at a
//! revision, cloned into Shipdeck's cache and its whole tree exported, as the monitor does (so a
//! kustomize overlay reaches `../../base` and a chart its `file://` dependencies). Then
//! [`render`] renders a path of it.
//!
//! Each caller keeps its own mirrors (the command line under `<cache>/mirrors/cli/`, the
//! window's previews under `<cache>/mirrors/preview/`), so none races the window's poller on
//! one repository; a lock file per mirror, held from before the clone or fetch until the export
//! is written, keeps two processes apart.
//!
//! Clones and fetches have the engine's Git timeouts (connect 10 s, and 30 s of silence in a
//! read) and, over them, an overall deadline and a cancel token: a server that trickles data
//! never holds a caller for ever, and the deadline bounds how much a clone can download. The
//! export is bounded by [`ExportLimits`] (256 MiB in all, 8 MiB per file, 50,000 entries).

pub mod application;
pub mod render;

use crate::git::{
    self, CancelToken, ErrorKind, ExportLimits, Mirror, Progress, Revision, Snapshot, spelled,
};
use crate::monitor::SourceKey;
use shipdeck_ipc::workspace::CommitSummary;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The repository (a URL, a directory) cannot be used.
    #[error("{0}")]
    Repository(String),
    /// The path in the repository cannot be used.
    #[error("{0}")]
    Path(String),
    #[error("{0}")]
    Git(#[from] git::Error),
    #[error("{tried} not found in {url}: {source}")]
    NotFound {
        tried: String,
        url: String,
        source: Box<git::Error>,
    },
    #[error("cloning or fetching {url} did not finish within {deadline:?}")]
    TooSlow { url: String, deadline: Duration },
    #[error("{0}")]
    Io(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

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
            .map_err(|_| Error::Repository(format!("{}: no such directory", shown(dir))))?;
        if !root.is_dir() {
            return Err(Error::Repository(format!(
                "{} is not a directory",
                shown(dir)
            )));
        }
        if !root.join(path).is_dir() {
            return Err(Error::Path(format!(
                "{path} is not a directory in {}; give it relative to the repository's root",
                root.display()
            )));
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
    /// Clones or updates the mirror and exports the commit's whole tree into `scratch`. The
    /// clone or fetch (with the wait for another process's lock on the mirror) must be done
    /// within `deadline`; past it, or once `cancel` is cancelled, the Git call is cancelled and
    /// this fails at once.
    pub async fn checkout(
        self,
        scratch: &Path,
        cancel: &CancelToken,
        deadline: Duration,
    ) -> Result<Tree> {
        let scratch = scratch.to_path_buf();
        let url = without_userinfo(&self.url);
        let cancel = cancel.clone();
        let (fetched, was_fetched) = tokio::sync::oneshot::channel::<()>();
        let job = {
            let cancel = cancel.clone();
            tokio::task::spawn_blocking(move || {
                let mut fetched = Some(fetched);
                self.checkout_blocking(&scratch, &cancel, &mut || {
                    if let Some(fetched) = fetched.take() {
                        let _ = fetched.send(());
                    }
                })
            })
        };
        // Resolves when the fetch is done, or when the job ended without one (its error is the
        // job's result).
        tokio::select! {
            waited = tokio::time::timeout(deadline, was_fetched) => {
                if waited.is_err() {
                    // The Git call stops at its next callback; nobody waits for it.
                    cancel.cancel();
                    return Err(Error::TooSlow { url, deadline });
                }
            }
            () = cancel.cancelled() => {
                return Err(Error::Git(git::Error::Cancelled {
                    op: git::Operation::Fetch,
                    url,
                }));
            }
        }
        job.await
            .map_err(|e| Error::Io(format!("the Git checkout stopped: {e}")))?
    }

    /// Fetches the first revision the repository has, calls `fetched`, and exports it. The
    /// mirror's lock is held from before the fetch until the export is written.
    fn checkout_blocking(
        self,
        scratch: &Path,
        cancel: &CancelToken,
        fetched: &mut dyn FnMut(),
    ) -> Result<Tree> {
        let mut tried = Vec::new();
        for (i, revision) in self.revisions.iter().enumerate() {
            let source =
                git::Source::parse(&self.url, revision.clone(), &self.path, self.auth.clone())
                    .map_err(|e| {
                        Error::Repository(format!("{}: {e}", without_userinfo(&self.url)))
                    })?;
            let last = i + 1 == self.revisions.len();
            match self.fetch(&source, cancel) {
                Ok((mirror, snapshot, lock)) => {
                    fetched();
                    // Nobody waits for an export any more (up to the export limits of disk work).
                    if cancel.is_cancelled() {
                        return Err(Error::Git(git::Error::Cancelled {
                            op: git::Operation::Fetch,
                            url: without_userinfo(&self.url),
                        }));
                    }
                    let tree = export(&mirror, snapshot, scratch);
                    drop(lock);
                    return tree;
                }
                Err(e) if e.kind() == ErrorKind::NotFound && !last => tried.push(revision),
                Err(e) if e.kind() == ErrorKind::NotFound && !tried.is_empty() => {
                    let all: Vec<String> = self.revisions.iter().map(|r| r.to_string()).collect();
                    return Err(Error::NotFound {
                        tried: all.join(" or "),
                        url: without_userinfo(&self.url),
                        source: Box::new(e),
                    });
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::Repository("no revision to check out".into()))
    }

    /// The mirror updated to `source`'s revision, and the mirror's lock, which the caller
    /// holds until it has exported the snapshot: another command line would otherwise re-clone
    /// (remove) the mirror under the export; so would a preview in the window.
    fn fetch(
        &self,
        source: &git::Source,
        cancel: &CancelToken,
    ) -> Result<(Mirror, Snapshot, File), git::Error> {
        let key = SourceKey {
            repository: String::new(),
            revision: spelled::to_settings(source.revision()),
        };
        let name = key.dir_name(&self.url);
        let dir = self.mirrors.join(&name);
        let cache_error = |e: std::io::Error| git::Error::Cache {
            path: self.mirrors.clone(),
            detail: e.to_string(),
        };
        std::fs::create_dir_all(&self.mirrors).map_err(cache_error)?;
        // Held until the export is written (returned to the caller); released when the process
        // exits, however it exits.
        let lock = File::create(self.mirrors.join(format!("{name}.lock"))).map_err(cache_error)?;
        // Polled, so that a cancel (or the deadline) is not stuck behind another process that
        // holds the mirror. Best effort: a file system without locks still works for one
        // process at a time.
        while let Err(std::fs::TryLockError::WouldBlock) = lock.try_lock() {
            if cancel.is_cancelled() {
                return Err(git::Error::Cancelled {
                    op: git::Operation::Fetch,
                    url: without_userinfo(&self.url),
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut quiet = |_: &Progress| {};
        let mirror = match Mirror::open_or_clone(&dir, source, cancel, &mut quiet) {
            Ok(mirror) => mirror,
            // A cache that no longer opens (interrupted by hand, disk trouble) is only a cache.
            Err(e) if e.kind() != ErrorKind::NotFound && dir.exists() => {
                tracing::warn!("recloning {}: {e}", dir.display());
                std::fs::remove_dir_all(&dir).map_err(cache_error)?;
                Mirror::clone(&dir, source, cancel, &mut quiet)?
            }
            Err(e) => return Err(e),
        };
        let update = mirror.update(source, cancel, &mut quiet)?;
        Ok((mirror, update.snapshot, lock))
    }
}

fn export(mirror: &Mirror, snapshot: Snapshot, scratch: &Path) -> Result<Tree> {
    let dir = std::fs::create_dir_all(scratch)
        .and_then(|()| {
            tempfile::Builder::new()
                .prefix("checkout-")
                .tempdir_in(scratch)
        })
        .map_err(|e| {
            Error::Io(format!(
                "creating scratch space in {}: {e}",
                scratch.display()
            ))
        })?;
    let root = dir.path().join("tree");
    mirror.export_tree(&snapshot, &root, &ExportLimits::default())?;
    Ok(Tree {
        root,
        commit: Some((snapshot.revision.clone(), snapshot.commit)),
        _export: Some(dir),
    })
}

/// A repository directory as it may be printed: a user part pasted into a URL may be a token.
fn shown(dir: &Path) -> String {
    without_userinfo(&dir.display().to_string())
}

/// `repo` without the user part of a URL, which is where people paste tokens
/// (`https://user:TOKEN@host/…` → `https://host/…`, `user:TOKEN@host:path` → `host:path`). Every
/// message that repeats a repository goes through here: Git sources refuse such URLs without
/// echoing them, and so must everything around them.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A Git repository in `dir` with `apps/web/cm.yaml` on `main`.
    fn repository(dir: &Path) {
        let repo = git2::Repository::init(dir).unwrap();
        std::fs::create_dir_all(dir.join("apps/web")).unwrap();
        std::fs::write(
            dir.join("apps/web/cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
        )
        .unwrap();
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let me = git2::Signature::now("Shipdeck tests", "tests@shipdeck.example").unwrap();
        let commit = repo
            .commit(None, &me, &me, "web", &tree, &[])
            .map(|id| repo.find_commit(id).unwrap())
            .unwrap();
        repo.branch("main", &commit, true).unwrap();
    }

    #[test]
    fn the_mirror_stays_locked_from_the_fetch_until_the_export_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let origin = dir.path().join("origin");
        repository(&origin);
        let mirrors = dir.path().join("mirrors");
        let remote = Remote {
            url: origin.display().to_string(),
            auth: git::Auth::None,
            revisions: spelled::default_branches(),
            path: "apps/web".into(),
            mirrors: mirrors.clone(),
        };
        let lock_file = || {
            let locks: Vec<PathBuf> = std::fs::read_dir(&mirrors)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "lock"))
                .collect();
            assert_eq!(locks.len(), 1, "{locks:?}");
            File::open(&locks[0]).unwrap()
        };
        let mut checked = false;
        // Between the fetch and the export, another command line could not take the lock.
        let tree = remote
            .checkout_blocking(
                &dir.path().join("scratch"),
                &CancelToken::new(),
                &mut || {
                    assert!(
                        matches!(
                            lock_file().try_lock(),
                            Err(std::fs::TryLockError::WouldBlock)
                        ),
                        "the mirror's lock was released before the export"
                    );
                    checked = true;
                },
            )
            .unwrap();
        assert!(checked);
        assert!(tree.root.join("apps/web/cm.yaml").is_file());
        // Once exported, it is free.
        lock_file().try_lock().unwrap();
    }

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
