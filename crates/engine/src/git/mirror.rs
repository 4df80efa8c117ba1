//! The local cache of one repository: a bare clone in a directory the caller chooses.
//!
//! Bare, because Shipdeck never edits the files: it reads trees straight from the object
//! database ([`Snapshot`](super::Snapshot)) and exports a subtree only when a tool such as
//! `kustomize` needs real files. A working tree would double the disk use, could be left
//! half-checked-out by a crash, and could only show one revision at a time.
//!
//! Clones are atomic: the repository is built in a hidden sibling directory
//! (`.<name>.partial-XXXX`) and renamed into place only when the fetch succeeded, so a failed or
//! cancelled clone leaves nothing behind. A crash of the whole process can leave such a sibling;
//! it is inert and safe to delete.

use super::error::{Error, Operation, Result};
use super::history::PathHistory;
use super::progress::{CancelToken, Progress};
use super::remote::{Call, REMOTE, redirect_config};
use super::spec::{Revision, Source};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

pub struct Mirror {
    pub(crate) repo: git2::Repository,
    dir: PathBuf,
    /// Per tracked path, what the last [`Mirror::resolve`] found (see [`super::history`]).
    pub(crate) path_history: RefCell<HashMap<String, PathHistory>>,
}

impl std::fmt::Debug for Mirror {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mirror")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// What `ls-remote` says about the tracked ref compared with the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteState {
    /// The remote ref points where the cached one does: nothing to fetch.
    Unchanged { sha: String },
    /// The remote ref moved (or was never fetched): fetch.
    Moved {
        cached: Option<String>,
        remote: String,
    },
    /// A commit is tracked: it cannot move, and is fetched only if missing.
    Pinned,
}

/// The outcome of [`Mirror::update`].
#[derive(Debug, Clone)]
pub struct Update {
    pub snapshot: super::Snapshot,
    /// Whether anything was downloaded; false when `ls-remote` showed nothing moved.
    pub fetched: bool,
}

impl Mirror {
    /// Opens an existing cache, pointing its remote at `source`'s URL in case the user edited
    /// it since the clone.
    pub fn open(dir: &Path, source: &Source) -> Result<Self> {
        let repo = git2::Repository::open_bare(dir).map_err(|e| Error::cache(dir, e.message()))?;
        let url = source.url().as_str();
        let same_url = repo
            .find_remote(REMOTE)
            .ok()
            .is_some_and(|r| r.url() == Some(url));
        if !same_url {
            let updated = match repo.find_remote(REMOTE) {
                Ok(_) => repo.remote_set_url(REMOTE, url),
                Err(_) => repo.remote(REMOTE, url).map(drop),
            };
            updated.map_err(|e| Error::cache(dir, e.message()))?;
        }
        set_redirect_config(&repo, source).map_err(|e| Error::cache(dir, e.message()))?;
        Ok(Self {
            repo,
            dir: dir.to_path_buf(),
            path_history: RefCell::default(),
        })
    }

    /// Clones `source` into `dir`, which must not exist yet. Fetches only what the tracked
    /// revision needs (see [`refspecs`]). On failure or cancellation `dir` does not exist.
    pub fn clone(
        dir: &Path,
        source: &Source,
        cancel: &CancelToken,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<Self> {
        if dir.exists() {
            return Err(Error::cache(
                dir,
                "the directory already exists; open it instead of cloning",
            ));
        }
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "repo".into());
        fs::create_dir_all(parent).map_err(|e| Error::cache(parent, e))?;
        let partial = tempfile::Builder::new()
            .prefix(&format!(".{name}.partial-"))
            .tempdir_in(parent)
            .map_err(|e| Error::cache(parent, e))?;
        {
            let repo = git2::Repository::init_bare(partial.path())
                .map_err(|e| Error::cache(partial.path(), e.message()))?;
            let mut remote = repo
                .remote(REMOTE, source.url().as_str())
                .map_err(|e| Error::cache(partial.path(), e.message()))?;
            set_redirect_config(&repo, source)
                .map_err(|e| Error::cache(partial.path(), e.message()))?;
            let call = Call::new(source, cancel);
            call.fetch(
                &mut remote,
                &refspecs(source.revision()),
                Operation::Clone,
                progress,
            )?;
            drop(remote);
            // A fetch of a branch or tag the remote lacks succeeds with nothing fetched; fail
            // the clone instead of keeping a cache that can never resolve.
            let cloned = Mirror {
                repo,
                dir: partial.path().to_path_buf(),
                path_history: RefCell::default(),
            };
            if let Err(e) = cloned.find_commit(source.revision()) {
                return Err(Error::NotFound {
                    op: Operation::Clone,
                    url: source.url().to_string(),
                    what: source.revision().to_string(),
                    detail: match source.revision().remote_ref() {
                        Some(remote_ref) => format!("the remote has no {remote_ref}"),
                        None => e.message().to_string(),
                    },
                });
            }
        }
        // `partial` is still owned here, so any error above removed it on drop.
        let built = partial.keep();
        if let Err(e) = fs::rename(&built, dir) {
            let _ = fs::remove_dir_all(&built);
            return Err(Error::cache(dir, e));
        }
        Self::open(dir, source)
    }

    /// [`open`](Self::open) when `dir` holds a cache, [`clone`](Self::clone) otherwise.
    pub fn open_or_clone(
        dir: &Path,
        source: &Source,
        cancel: &CancelToken,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<Self> {
        if dir.exists() {
            Self::open(dir, source)
        } else {
            Self::clone(dir, source, cancel, progress)
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Asks the remote where the tracked ref points, without downloading objects, and compares
    /// with the cache. This is what makes polling cheap: one round trip when nothing moved.
    pub fn check_remote(&self, source: &Source, cancel: &CancelToken) -> Result<RemoteState> {
        let (Some(remote_ref), Some(local_ref)) = (
            source.revision().remote_ref(),
            source.revision().local_ref(),
        ) else {
            return Ok(RemoteState::Pinned);
        };
        let call = Call::new(source, cancel);
        let mut remote = self.origin()?;
        let remote_oid =
            call.ls_remote(&mut remote, &remote_ref)?
                .ok_or_else(|| Error::NotFound {
                    op: Operation::CheckRemote,
                    url: source.url().to_string(),
                    what: source.revision().to_string(),
                    detail: format!("the remote has no {remote_ref}"),
                })?;
        let cached = self.repo.refname_to_id(&local_ref).ok();
        Ok(if cached == Some(remote_oid) {
            RemoteState::Unchanged {
                sha: remote_oid.to_string(),
            }
        } else {
            RemoteState::Moved {
                cached: cached.map(|o| o.to_string()),
                remote: remote_oid.to_string(),
            }
        })
    }

    /// Fetches what the tracked revision needs, unconditionally.
    pub fn fetch(
        &self,
        source: &Source,
        cancel: &CancelToken,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<()> {
        let call = Call::new(source, cancel);
        let mut remote = self.origin()?;
        call.fetch(
            &mut remote,
            &refspecs(source.revision()),
            Operation::Fetch,
            progress,
        )
    }

    /// Brings the cache up to date the cheap way and resolves the revision: `ls-remote` first,
    /// fetch only when the ref moved (or, for a pinned commit, when it is not cached yet).
    pub fn update(
        &self,
        source: &Source,
        cancel: &CancelToken,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<Update> {
        let fetched = match self.check_remote(source, cancel)? {
            RemoteState::Unchanged { .. } => false,
            RemoteState::Moved { .. } => {
                self.fetch(source, cancel, progress)?;
                true
            }
            RemoteState::Pinned => {
                if self.find_commit(source.revision()).is_ok() {
                    false
                } else {
                    self.fetch(source, cancel, progress)?;
                    true
                }
            }
        };
        Ok(Update {
            snapshot: self.resolve(source)?,
            fetched,
        })
    }

    fn origin(&self) -> Result<git2::Remote<'_>> {
        self.repo
            .find_remote(REMOTE)
            .map_err(|e| Error::cache(&self.dir, e.message()))
    }
}

/// Keeps the cache's `http.followRedirects` in step with the source's auth (see
/// [`redirect_config`]); written only when it differs, since it runs on every open.
fn set_redirect_config(repo: &git2::Repository, source: &Source) -> Result<(), git2::Error> {
    let wanted = redirect_config(source.auth());
    let mut config = repo.config()?.open_level(git2::ConfigLevel::Local)?;
    if config.get_string("http.followRedirects").ok().as_deref() != Some(wanted) {
        config.set_str("http.followRedirects", wanted)?;
    }
    Ok(())
}

/// What to fetch for a revision. Branches and tags fetch only their own ref, so a repository
/// with many branches costs no more than one. A commit may be on any branch, and servers do not
/// generally serve a bare SHA, so it fetches all branches and tags.
pub(crate) fn refspecs(revision: &Revision) -> Vec<String> {
    match (revision.remote_ref(), revision.local_ref()) {
        (Some(remote), Some(local)) => vec![format!("+{remote}:{local}")],
        _ => vec![
            format!("+refs/heads/*:refs/remotes/{REMOTE}/*"),
            "+refs/tags/*:refs/tags/*".into(),
        ],
    }
}
