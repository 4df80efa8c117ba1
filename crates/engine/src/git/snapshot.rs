//! The tracked revision resolved to a commit, and the files under the tracked path at that
//! commit, read from the cache without a working tree. Exporting to a directory is in
//! [`export`](super::export).

use super::error::{Error, Operation, Result};
use super::export::ExportLimits;
use super::mirror::Mirror;
use super::spec::{RepoPath, Revision, Source};
use crate::commit::summarize;
use shipdeck_ipc::workspace::CommitSummary;
use std::path::{Path, PathBuf};

/// The tracked path at one commit. Cheap to clone and to keep: files are read on demand through
/// the [`Mirror`] it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The commit the revision points at.
    pub commit: CommitSummary,
    /// The last commit that changed the tracked path, as of `commit` (see
    /// [`Mirror::resolve`]): what a deployment of this path really ships, and what lead time
    /// is measured from. Equal to `commit` when that commit changed the path.
    pub path_commit: CommitSummary,
    pub revision: Revision,
    pub path: RepoPath,
    /// The tree (a directory) or blob (a single file) at `path`.
    pub(crate) entry: git2::Oid,
    is_dir: bool,
    /// The root tree of `commit`, for [`Mirror::export_tree`].
    pub(crate) tree: git2::Oid,
}

/// A file under a snapshot's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// `/`-separated, relative to the snapshot's path.
    pub path: String,
    pub size: usize,
}

impl Snapshot {
    /// A snapshot of the root of a made-up commit, for unit tests of logic that only passes
    /// snapshots along.
    #[cfg(test)]
    pub(crate) fn for_tests(sha: &str, summary: &str) -> Self {
        let commit = CommitSummary {
            sha: sha.into(),
            author: "Test".into(),
            author_email: "t@example.com".into(),
            author_time: 0,
            commit_time: 0,
            summary: summary.into(),
            parents: Vec::new(),
        };
        Self {
            path_commit: commit.clone(),
            commit,
            revision: Revision::branch("main").expect("a valid branch"),
            path: RepoPath::root(),
            entry: git2::Oid::zero(),
            is_dir: true,
            tree: git2::Oid::zero(),
        }
    }

    /// Whether the tracked path is a directory (otherwise a single file).
    pub fn is_dir(&self) -> bool {
        self.is_dir
    }

    /// Whether both snapshots hold the same files under their paths (same tree or blob id),
    /// whatever the commits.
    pub fn same_files(&self, other: &Snapshot) -> bool {
        self.entry == other.entry && self.is_dir == other.is_dir
    }

    /// Where the tracked path lies in a directory written by [`Mirror::export_tree`].
    pub fn path_in(&self, export_root: &Path) -> PathBuf {
        let mut path = export_root.to_path_buf();
        path.extend(self.path.as_str().split('/').filter(|p| !p.is_empty()));
        path
    }
}

impl Mirror {
    /// Resolves the tracked revision in the cache (after [`Mirror::update`] or a fetch): a
    /// branch through its remote-tracking ref, a tag peeled to its commit, a SHA as is. Then
    /// checks that the tracked path exists in that commit, and finds the last commit that
    /// changed it (see the `history` module).
    pub fn resolve(&self, source: &Source) -> Result<Snapshot> {
        let revision = source.revision();
        let commit = self.find_commit(revision).map_err(|e| Error::NotFound {
            op: Operation::Resolve,
            url: source.url().to_string(),
            what: revision.to_string(),
            detail: e.message().into(),
        })?;
        self.snapshot_at(source, commit)
    }

    /// [`resolve`](Self::resolve) pinned to `sha`, a commit the tracked revision pointed at
    /// (e.g. when the poller saw it): the source's path at exactly that commit, whatever the
    /// ref points at now.
    pub fn resolve_at(&self, source: &Source, sha: &str) -> Result<Snapshot> {
        let commit = git2::Oid::from_str(sha)
            .and_then(|id| self.repo.find_commit(id))
            .map_err(|e| Error::NotFound {
                op: Operation::Resolve,
                url: source.url().to_string(),
                what: format!("commit `{sha}`"),
                detail: e.message().into(),
            })?;
        self.snapshot_at(source, commit)
    }

    fn snapshot_at(&self, source: &Source, commit: git2::Commit<'_>) -> Result<Snapshot> {
        let revision = source.revision();
        let path = source.path();
        let tree = commit
            .tree()
            .map_err(|e| Error::cache(self.dir(), e.message()))?;
        let (entry, is_dir) = if path.is_root() {
            (tree.id(), true)
        } else {
            match tree.get_path(Path::new(path.as_str())) {
                Ok(entry) if entry.kind() == Some(git2::ObjectType::Tree) => (entry.id(), true),
                Ok(entry) if entry.kind() == Some(git2::ObjectType::Blob) => (entry.id(), false),
                _ => {
                    return Err(Error::PathMissing {
                        path: path.to_string(),
                        revision: revision.to_string(),
                        short_sha: short(commit.id()),
                    });
                }
            }
        };
        let path_commit = self.path_commit(&commit, path, entry);
        Ok(Snapshot {
            path_commit: summarize(&path_commit),
            commit: summarize(&commit),
            revision: revision.clone(),
            path: path.clone(),
            entry,
            is_dir,
            tree: tree.id(),
        })
    }

    pub(crate) fn find_commit(&self, revision: &Revision) -> Result<git2::Commit<'_>, git2::Error> {
        match revision.local_ref() {
            Some(local) => self.repo.find_reference(&local)?.peel_to_commit(),
            None => self.repo.find_commit_by_prefix(revision.name()),
        }
    }

    /// The regular files under the snapshot's path, sorted, with their sizes so callers can
    /// refuse oversized files before reading them. Symlinks and submodules are left out: a
    /// link could point outside the tracked path, and submodules are not fetched. Fails with
    /// [`Error::UnsafePath`] on a hostile entry name, and with [`Error::TooManyFiles`] past
    /// the default entry limit (see [`ExportLimits`]).
    pub fn list_files(&self, snapshot: &Snapshot) -> Result<Vec<FileEntry>> {
        Ok(self
            .entries(snapshot, &ExportLimits::listing())?
            .into_iter()
            .map(|item| FileEntry {
                path: item.path,
                size: usize::try_from(item.size).unwrap_or(usize::MAX),
            })
            .collect())
    }

    /// One file, by its path relative to the snapshot's path; refused past the default
    /// per-file limit of [`ExportLimits`], checked before the file is inflated.
    pub fn read_file(&self, snapshot: &Snapshot, relative: &str) -> Result<Vec<u8>> {
        let missing = || Error::PathMissing {
            path: join(&snapshot.path, relative),
            revision: snapshot.revision.to_string(),
            short_sha: snapshot.commit.short_sha().into(),
        };
        let relative = RepoPath::parse(relative).map_err(|_| missing())?;
        let blob_id = if snapshot.is_dir {
            let tree = self.tree(snapshot.entry)?;
            let entry = tree
                .get_path(Path::new(relative.as_str()))
                .map_err(|_| missing())?;
            if entry.kind() != Some(git2::ObjectType::Blob) {
                return Err(missing());
            }
            entry.id()
        } else if relative.as_str() == file_name(&snapshot.path) {
            snapshot.entry
        } else {
            return Err(missing());
        };
        let size = self.blob_size(blob_id)?;
        let limit = ExportLimits::default().get_max_file_bytes();
        if size > limit {
            return Err(Error::FileTooLarge {
                path: join(&snapshot.path, relative.as_str()),
                short_sha: snapshot.commit.short_sha().into(),
                size,
                limit,
            });
        }
        let blob = self
            .repo
            .find_blob(blob_id)
            .map_err(|e| Error::cache(self.dir(), e.message()))?;
        Ok(blob.content().to_vec())
    }

    fn tree(&self, id: git2::Oid) -> Result<git2::Tree<'_>> {
        self.repo
            .find_tree(id)
            .map_err(|e| Error::cache(self.dir(), e.message()))
    }
}

fn short(id: git2::Oid) -> String {
    id.to_string()[..7].to_string()
}

fn file_name(path: &RepoPath) -> &str {
    path.as_str().rsplit('/').next().unwrap_or_default()
}

fn join(base: &RepoPath, relative: &str) -> String {
    if base.is_root() {
        relative.to_string()
    } else {
        format!("{}/{}", base.as_str(), relative.trim_start_matches('/'))
    }
}
