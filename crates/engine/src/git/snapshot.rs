//! The tracked revision resolved to a commit, and the files under the tracked path at that
//! commit, read from the cache without a working tree.

use super::error::{Error, Operation, Result};
use super::mirror::Mirror;
use super::spec::{RepoPath, Revision, Source};
use crate::commit::summarize;
use shipdeck_ipc::workspace::CommitSummary;
use std::fs;
use std::path::Path;

/// The tracked path at one commit. Cheap to clone and to keep: files are read on demand through
/// the [`Mirror`] it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub commit: CommitSummary,
    pub revision: Revision,
    pub path: RepoPath,
    /// The tree (a directory) or blob (a single file) at `path`.
    entry: git2::Oid,
    is_dir: bool,
}

/// A file under a snapshot's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// `/`-separated, relative to the snapshot's path.
    pub path: String,
    pub size: usize,
}

impl Snapshot {
    /// Whether the tracked path is a directory (otherwise a single file).
    pub fn is_dir(&self) -> bool {
        self.is_dir
    }

    /// Whether both snapshots hold the same files under their paths (same tree or blob id),
    /// whatever the commits.
    pub fn same_files(&self, other: &Snapshot) -> bool {
        self.entry == other.entry && self.is_dir == other.is_dir
    }
}

impl Mirror {
    /// Resolves the tracked revision in the cache (after [`Mirror::update`] or a fetch): a
    /// branch through its remote-tracking ref, a tag peeled to its commit, a SHA as is. Then
    /// checks that the tracked path exists in that commit.
    pub fn resolve(&self, source: &Source) -> Result<Snapshot> {
        let revision = source.revision();
        let commit = self.find_commit(revision).map_err(|e| Error::NotFound {
            op: Operation::Resolve,
            url: source.url().to_string(),
            what: revision.to_string(),
            detail: e.message().into(),
        })?;
        let path = source.path();
        let (entry, is_dir) = if path.is_root() {
            let tree = commit
                .tree()
                .map_err(|e| Error::cache(self.dir(), e.message()))?;
            (tree.id(), true)
        } else {
            let tree = commit
                .tree()
                .map_err(|e| Error::cache(self.dir(), e.message()))?;
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
        Ok(Snapshot {
            commit: summarize(&commit),
            revision: revision.clone(),
            path: path.clone(),
            entry,
            is_dir,
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
    /// link could point outside the tracked path, and submodules are not fetched.
    pub fn list_files(&self, snapshot: &Snapshot) -> Result<Vec<FileEntry>> {
        let odb = self
            .repo
            .odb()
            .map_err(|e| Error::cache(self.dir(), e.message()))?;
        self.entries(snapshot)?
            .into_iter()
            .map(|(path, id, _)| {
                // The header alone gives the size without inflating the file.
                let (size, _) = odb
                    .read_header(id)
                    .map_err(|e| Error::cache(self.dir(), e.message()))?;
                Ok(FileEntry { path, size })
            })
            .collect()
    }

    /// One file, by its path relative to the snapshot's path.
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
        let blob = self
            .repo
            .find_blob(blob_id)
            .map_err(|e| Error::cache(self.dir(), e.message()))?;
        Ok(blob.content().to_vec())
    }

    /// Writes the files under the snapshot's path into `dest`, which must not exist, for tools
    /// that need a directory (`kustomize build`, `helm template`). Written into a sibling first
    /// and renamed, so `dest` either holds the whole snapshot or does not exist. Executable bits
    /// are kept; symlinks and submodules are skipped (see [`Mirror::list_files`]).
    pub fn export(&self, snapshot: &Snapshot, dest: &Path) -> Result<()> {
        let write_err = |path: &Path, e: std::io::Error| Error::Write {
            path: path.to_path_buf(),
            detail: e.to_string(),
        };
        if dest.exists() {
            return Err(Error::Write {
                path: dest.to_path_buf(),
                detail: "it already exists; export into a new directory".into(),
            });
        }
        let parent = dest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| write_err(parent, e))?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "export".into());
        let partial = tempfile::Builder::new()
            .prefix(&format!(".{name}.partial-"))
            .tempdir_in(parent)
            .map_err(|e| write_err(parent, e))?;
        for (path, id, executable) in self.entries(snapshot)? {
            let blob = self
                .repo
                .find_blob(id)
                .map_err(|e| Error::cache(self.dir(), e.message()))?;
            let target = partial.path().join(&path);
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir).map_err(|e| write_err(dir, e))?;
            }
            fs::write(&target, blob.content()).map_err(|e| write_err(&target, e))?;
            if executable {
                set_executable(&target).map_err(|e| write_err(&target, e))?;
            }
        }
        let built = partial.keep();
        fs::rename(&built, dest).map_err(|e| {
            let _ = fs::remove_dir_all(&built);
            write_err(dest, e)
        })
    }

    /// (relative path, blob id, executable) of every regular file under the snapshot, sorted.
    fn entries(&self, snapshot: &Snapshot) -> Result<Vec<(String, git2::Oid, bool)>> {
        if !snapshot.is_dir {
            let name = file_name(&snapshot.path).to_string();
            return Ok(vec![(name, snapshot.entry, false)]);
        }
        let tree = self.tree(snapshot.entry)?;
        let mut found = Vec::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            let mode = entry.filemode();
            let executable = mode == i32::from(git2::FileMode::BlobExecutable);
            let regular = executable || mode == i32::from(git2::FileMode::Blob);
            if let (true, Some(name)) = (regular, entry.name()) {
                found.push((format!("{dir}{name}"), entry.id(), executable));
            }
            git2::TreeWalkResult::Ok
        })
        .map_err(|e| Error::cache(self.dir(), e.message()))?;
        found.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(found)
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

#[cfg(unix)]
fn set_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_executable(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
