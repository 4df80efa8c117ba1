//! Writing a commit's files to a directory for tools that need real files (`kustomize build`,
//! `helm template`), and reading tree listings, safely against hostile repositories.
//!
//! Git does not check tree entry names when it fetches, so a server can hand over a tree with
//! entries named `..`, `.git` or `a/b`. Every name is checked before anything is written, and
//! the whole export is refused on the first bad one ([`Error::UnsafePath`]): a repository that
//! holds such a name is hostile or broken, and rendering part of it would be wrong either way.
//! Symlinks and submodules are skipped, so nothing written can point elsewhere; directories and
//! files are created only inside a fresh directory, and a file is never opened twice.
//!
//! Sizes are read from the object headers before any file is inflated, so an oversized export
//! is refused before it costs memory or disk ([`ExportLimits`]).

use super::error::{Error, Result};
use super::mirror::Mirror;
use super::snapshot::Snapshot;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Bounds on one export (and on any tree walk, for the entry count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportLimits {
    max_total_bytes: u64,
    max_file_bytes: u64,
    max_files: u64,
}

impl Default for ExportLimits {
    /// 256 MiB in all, 8 MiB per file, 50,000 entries: far above any manifests repository,
    /// far below what would hurt a laptop.
    fn default() -> Self {
        Self {
            max_total_bytes: 256 * 1024 * 1024,
            max_file_bytes: 8 * 1024 * 1024,
            max_files: 50_000,
        }
    }
}

impl ExportLimits {
    /// The most bytes all exported files may hold together.
    #[must_use]
    pub fn max_total_bytes(mut self, bytes: u64) -> Self {
        self.max_total_bytes = bytes;
        self
    }

    /// The most bytes one file may hold.
    #[must_use]
    pub fn max_file_bytes(mut self, bytes: u64) -> Self {
        self.max_file_bytes = bytes;
        self
    }

    /// The most tree entries (files, directories, links) walked. Counting directories too
    /// bounds a tree that lists the same subtree many times over.
    #[must_use]
    pub fn max_files(mut self, files: u64) -> Self {
        self.max_files = files;
        self
    }

    pub fn get_max_total_bytes(&self) -> u64 {
        self.max_total_bytes
    }

    pub fn get_max_file_bytes(&self) -> u64 {
        self.max_file_bytes
    }

    pub fn get_max_files(&self) -> u64 {
        self.max_files
    }

    /// For listings, which read no contents: only the entry count applies.
    pub(crate) fn listing() -> Self {
        Self::default()
            .max_total_bytes(u64::MAX)
            .max_file_bytes(u64::MAX)
    }
}

/// A regular file found in a tree walk.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// `/`-separated, relative to the walked tree; every component checked.
    pub path: String,
    pub id: git2::Oid,
    pub executable: bool,
    pub size: u64,
}

impl Mirror {
    /// Writes the whole tree of the snapshot's commit into `dest`, which must not exist, so
    /// that the tracked path renders in its repository: a kustomize overlay reaching
    /// `../../base`, a Helm chart with `file://` dependencies. The tracked path is then at
    /// [`Snapshot::path_in`]`(dest)`.
    ///
    /// Atomic: written into a hidden sibling (`.<name>.partial-XXXX`) and renamed, so `dest`
    /// either holds the whole tree or does not exist. Refused, with nothing written, when an
    /// entry name is unsafe or a limit is exceeded. Executable bits are kept; symlinks and
    /// submodules are skipped.
    pub fn export_tree(
        &self,
        snapshot: &Snapshot,
        dest: &Path,
        limits: &ExportLimits,
    ) -> Result<()> {
        let items = self.walk(snapshot.tree, snapshot, limits)?;
        self.write_atomically(snapshot, &items, dest)
    }

    /// Writes only the files under the snapshot's path into `dest` (which must not exist), with
    /// the default [`ExportLimits`] and the same guarantees as [`Mirror::export_tree`]. Enough
    /// for plain manifests; kustomize and Helm layouts that reach outside the path need
    /// [`Mirror::export_tree`].
    pub fn export(&self, snapshot: &Snapshot, dest: &Path) -> Result<()> {
        let items = self.entries(snapshot, &ExportLimits::default())?;
        self.write_atomically(snapshot, &items, dest)
    }

    /// The regular files under the snapshot's path (a one-file list when the path is a file),
    /// sorted by path.
    pub(crate) fn entries(&self, snapshot: &Snapshot, limits: &ExportLimits) -> Result<Vec<Item>> {
        if snapshot.is_dir() {
            return self.walk(snapshot.entry, snapshot, limits);
        }
        let name = snapshot
            .path
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or_default();
        let size = self.blob_size(snapshot.entry)?;
        check_sizes(snapshot, name, size, size, limits)?;
        Ok(vec![Item {
            path: name.to_string(),
            id: snapshot.entry,
            executable: false,
            size,
        }])
    }

    /// Every regular file below the tree `root`, checking each name and the limits as it
    /// goes. Iterative, so a deeply nested hostile tree cannot overflow the stack.
    fn walk(
        &self,
        root: git2::Oid,
        snapshot: &Snapshot,
        limits: &ExportLimits,
    ) -> Result<Vec<Item>> {
        let mut found = Vec::new();
        let mut pending = vec![(root, String::new())];
        let (mut entries, mut total) = (0u64, 0u64);
        while let Some((tree_id, prefix)) = pending.pop() {
            let tree = self
                .repo
                .find_tree(tree_id)
                .map_err(|e| Error::cache(self.dir(), e.message()))?;
            for entry in tree.iter() {
                entries += 1;
                if entries > limits.max_files {
                    return Err(Error::TooManyFiles {
                        short_sha: snapshot.commit.short_sha().into(),
                        limit: limits.max_files,
                    });
                }
                let name = entry.name_bytes();
                if let Some(reason) = unsafe_name(name) {
                    return Err(Error::UnsafePath {
                        path: format!("{prefix}{}", String::from_utf8_lossy(name).escape_debug()),
                        short_sha: snapshot.commit.short_sha().into(),
                        reason,
                    });
                }
                // Not UTF-8: no manifest tool looks for such a file, and it could not be named
                // in messages or on every platform. Skipped like a symlink.
                let Ok(name) = std::str::from_utf8(name) else {
                    tracing::debug!(dir = %prefix, "skipping a tree entry whose name is not UTF-8");
                    continue;
                };
                let path = format!("{prefix}{name}");
                let mode = entry.filemode();
                if mode == i32::from(git2::FileMode::Tree) {
                    pending.push((entry.id(), format!("{path}/")));
                    continue;
                }
                let executable = mode == i32::from(git2::FileMode::BlobExecutable);
                if !executable && mode != i32::from(git2::FileMode::Blob) {
                    continue; // Symlinks, submodules.
                }
                let size = self.blob_size(entry.id())?;
                total = total.saturating_add(size);
                check_sizes(snapshot, &path, size, total, limits)?;
                found.push(Item {
                    path,
                    id: entry.id(),
                    executable,
                    size,
                });
            }
        }
        found.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(found)
    }

    /// The size from the object header: the file is not inflated.
    pub(crate) fn blob_size(&self, id: git2::Oid) -> Result<u64> {
        let odb = self
            .repo
            .odb()
            .map_err(|e| Error::cache(self.dir(), e.message()))?;
        let (size, _) = odb
            .read_header(id)
            .map_err(|e| Error::cache(self.dir(), e.message()))?;
        Ok(size as u64)
    }

    fn write_atomically(&self, snapshot: &Snapshot, items: &[Item], dest: &Path) -> Result<()> {
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
        for item in items {
            self.write_file(snapshot, partial.path(), item)?;
        }
        // `partial` is still owned here, so any error above removed it on drop.
        let built = partial.keep();
        fs::rename(&built, dest).map_err(|e| {
            let _ = fs::remove_dir_all(&built);
            write_err(dest, e)
        })
    }

    fn write_file(&self, snapshot: &Snapshot, root: &Path, item: &Item) -> Result<()> {
        // Components were checked in the walk; join them one by one rather than trusting
        // `Path::join` with a string that could hold a separator.
        let mut target = PathBuf::from(root);
        target.extend(item.path.split('/'));
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(|e| write_err(dir, e))?;
        }
        let blob = self
            .repo
            .find_blob(item.id)
            .map_err(|e| Error::cache(self.dir(), e.message()))?;
        let mut options = fs::OpenOptions::new();
        // Never an existing file: a tree listing one name twice, or two names that differ
        // only in case on a case-insensitive disk, is refused rather than overwritten.
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(if item.executable { 0o755 } else { 0o644 });
        }
        let mut file = options.open(&target).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::UnsafePath {
                    path: item.path.escape_debug().to_string(),
                    short_sha: snapshot.commit.short_sha().into(),
                    reason: "the path occurs twice, or twice differing only in case",
                }
            } else {
                write_err(&target, e)
            }
        })?;
        file.write_all(blob.content())
            .map_err(|e| write_err(&target, e))
    }
}

fn write_err(path: &Path, e: std::io::Error) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

fn check_sizes(
    snapshot: &Snapshot,
    path: &str,
    size: u64,
    total: u64,
    limits: &ExportLimits,
) -> Result<()> {
    let short_sha = || snapshot.commit.short_sha().to_string();
    if size > limits.max_file_bytes {
        return Err(Error::FileTooLarge {
            path: path.escape_debug().to_string(),
            short_sha: short_sha(),
            size,
            limit: limits.max_file_bytes,
        });
    }
    if total > limits.max_total_bytes {
        return Err(Error::ExportTooLarge {
            path: path.escape_debug().to_string(),
            short_sha: short_sha(),
            limit: limits.max_total_bytes,
        });
    }
    Ok(())
}

/// Why a tree entry name must not be written, or `None` when it is safe. Refuses what Git
/// itself refuses to check out (`verify_path` in git's `read-cache.c`), on every platform,
/// since a cache may be copied and the rules are cheap.
pub(crate) fn unsafe_name(name: &[u8]) -> Option<&'static str> {
    if name.is_empty() {
        return Some("an empty name");
    }
    if name == b"." || name == b".." {
        return Some("a `.` or `..` entry, which would leave its directory");
    }
    if name.iter().any(|b| matches!(b, b'/' | b'\\')) {
        return Some("a name holding a path separator");
    }
    if name.contains(&0) {
        return Some("a name holding a NUL byte");
    }
    if name.iter().all(|b| matches!(b, b'.' | b' ')) {
        return Some("a name of only dots and spaces, which Windows reads as `.` or `..`");
    }
    if is_git_dir_alias(name) {
        return Some("a `.git` entry, which Git reserves for the repository itself");
    }
    None
}

/// `.git` in any case, and the names Windows and macOS treat as `.git`: trailing dots and
/// spaces and alternate data streams (NTFS), the 8.3 short name `git~1`, and zero-width code
/// points HFS+ ignores.
fn is_git_dir_alias(name: &[u8]) -> bool {
    let text = String::from_utf8_lossy(name);
    let visible: String = text.chars().filter(|c| !is_hfs_ignorable(*c)).collect();
    let stream_free = visible.split(':').next().unwrap_or_default();
    let trimmed = stream_free.trim_end_matches(['.', ' ']);
    trimmed.eq_ignore_ascii_case(".git") || trimmed.eq_ignore_ascii_case("git~1")
}

/// The code points HFS+ drops when it compares names (as listed in git's `utf8.c`).
fn is_hfs_ignorable(c: char) -> bool {
    matches!(c,
        '\u{200c}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{206a}'..='\u{206f}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_refused() {
        let refused: &[&[u8]] = &[
            b"",
            b".",
            b"..",
            b"...",
            b" ",
            b".git",
            b".GIT",
            b".Git",
            b".git.",
            b".git ",
            b".git. .",
            b".git::$INDEX_ALLOCATION",
            b"git~1",
            b"GIT~1",
            ".g\u{200c}it".as_bytes(),
            "\u{feff}.git".as_bytes(),
            b"a/b",
            b"..\\..\\x",
            b"a\0b",
        ];
        for name in refused {
            assert!(
                unsafe_name(name).is_some(),
                "{:?} was accepted",
                String::from_utf8_lossy(name)
            );
        }
        let fine: &[&[u8]] = &[
            b"a",
            b".gitignore",
            b".gitkeep",
            b"git",
            b".github",
            b"..a",
            b"a..",
            b"kustomization.yaml",
            b"\xff\xfe",
        ];
        for name in fine {
            assert_eq!(
                unsafe_name(name),
                None,
                "{:?}",
                String::from_utf8_lossy(name)
            );
        }
    }

    #[test]
    fn limits_are_built_from_the_defaults() {
        let limits = ExportLimits::default().max_file_bytes(10).max_files(3);
        assert_eq!(limits.get_max_file_bytes(), 10);
        assert_eq!(limits.get_max_files(), 3);
        assert_eq!(limits.get_max_total_bytes(), 256 * 1024 * 1024);
    }
}
