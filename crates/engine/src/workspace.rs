//! The workspace: a Git repository of Kubernetes manifests, read with git2.
//!
//! Manifest directories are the sub-directories of `apps/` when it exists, otherwise the
//! top-level directories that hold manifests. Each is reported with the last commit that changed
//! it, found in one walk of the history.

use crate::commit::summarize;
use shipdeck_ipc::workspace::{CommitSummary, ManifestDir, WorkspaceOverview};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error(
        "{path} is not a Git repository ({source}); point Shipdeck at a clone of your manifests repository"
    )]
    Open { path: PathBuf, source: git2::Error },
    #[error("the repository at {path} has no commits yet; commit your manifests first")]
    Empty { path: PathBuf },
    #[error("reading the repository at {path} failed: {source}")]
    Read { path: PathBuf, source: git2::Error },
}

pub type Result<T, E = WorkspaceError> = std::result::Result<T, E>;

const MANIFEST_EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

pub struct Workspace {
    repo: git2::Repository,
    path: PathBuf,
}

impl Workspace {
    pub fn open(path: &Path) -> Result<Self> {
        let repo = git2::Repository::open(path).map_err(|source| WorkspaceError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Self {
            repo,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The commit HEAD points at, or `None` before the first commit. Cheap: reads refs only.
    pub fn head_id(&self) -> Option<String> {
        Some(self.repo.head().ok()?.target()?.to_string())
    }

    fn read_err(&self) -> impl Fn(git2::Error) -> WorkspaceError + '_ {
        |source| WorkspaceError::Read {
            path: self.path.clone(),
            source,
        }
    }

    fn head_commit(&self) -> Result<git2::Commit<'_>> {
        match self.repo.head() {
            Ok(head) => head.peel_to_commit().map_err(self.read_err()),
            Err(e) if e.code() == git2::ErrorCode::UnbornBranch => Err(WorkspaceError::Empty {
                path: self.path.clone(),
            }),
            Err(e) => Err(self.read_err()(e)),
        }
    }

    /// Commits reachable from HEAD, newest first.
    fn walk(&self) -> Result<impl Iterator<Item = Result<git2::Commit<'_>>> + '_> {
        let head = self.head_commit()?;
        let mut walk = self.repo.revwalk().map_err(self.read_err())?;
        walk.set_sorting(git2::Sort::TIME | git2::Sort::TOPOLOGICAL)
            .map_err(self.read_err())?;
        walk.push(head.id()).map_err(self.read_err())?;
        Ok(walk.map(move |oid| {
            oid.and_then(|oid| self.repo.find_commit(oid))
                .map_err(self.read_err())
        }))
    }

    pub fn recent_commits(&self, limit: usize) -> Result<Vec<CommitSummary>> {
        self.walk()?
            .take(limit)
            .map(|c| c.map(|c| summarize(&c)))
            .collect()
    }

    pub fn overview(&self) -> Result<WorkspaceOverview> {
        let head = self.head_commit()?;
        let head_tree = head.tree().map_err(self.read_err())?;
        let dirs = self.manifest_dir_paths(&head_tree)?;

        let mut last_change: Vec<Option<CommitSummary>> = vec![None; dirs.len()];
        let mut authors = BTreeSet::new();
        let mut commit_count = 0u32;
        for commit in self.walk()? {
            let commit = commit?;
            commit_count += 1;
            authors.insert(String::from_utf8_lossy(commit.author().name_bytes()).into_owned());
            let tree = commit.tree().map_err(self.read_err())?;
            let parent_tree = match commit.parent(0) {
                Ok(p) => Some(p.tree().map_err(self.read_err())?),
                Err(_) => None,
            };
            for (i, dir) in dirs.iter().enumerate() {
                if last_change[i].is_some() {
                    continue;
                }
                let here = tree.get_path(Path::new(dir)).ok().map(|e| e.id());
                let before = parent_tree
                    .as_ref()
                    .and_then(|t| t.get_path(Path::new(dir)).ok())
                    .map(|e| e.id());
                if here.is_some() && here != before {
                    last_change[i] = Some(summarize(&commit));
                }
            }
        }

        let manifest_dirs = dirs
            .into_iter()
            .zip(last_change)
            .map(|(path, last_change)| {
                let manifest_files = count_manifests(&self.repo, &head_tree, &path);
                ManifestDir {
                    name: path.rsplit('/').next().unwrap_or(&path).to_string(),
                    path,
                    manifest_files,
                    last_change,
                }
            })
            .collect();

        let branch = self
            .repo
            .head()
            .ok()
            .filter(|h| h.is_branch())
            .and_then(|h| h.shorthand().map(str::to_string));
        Ok(WorkspaceOverview {
            path: self.path.display().to_string(),
            branch,
            head: summarize(&head),
            commit_count,
            authors: authors.into_iter().collect(),
            manifest_dirs,
        })
    }

    fn manifest_dir_paths(&self, root: &git2::Tree<'_>) -> Result<Vec<String>> {
        let (base, tree) = match root.get_path(Path::new("apps")) {
            Ok(entry) if entry.kind() == Some(git2::ObjectType::Tree) => {
                let tree = self.repo.find_tree(entry.id()).map_err(self.read_err())?;
                ("apps/", tree)
            }
            _ => ("", root.clone()),
        };
        Ok(tree
            .iter()
            .filter(|e| e.kind() == Some(git2::ObjectType::Tree))
            .filter_map(|e| e.name().map(|n| format!("{base}{n}")))
            .filter(|path| count_manifests(&self.repo, root, path) > 0)
            .collect())
    }
}

fn count_manifests(repo: &git2::Repository, root: &git2::Tree<'_>, dir: &str) -> u32 {
    let Some(tree) = root
        .get_path(Path::new(dir))
        .ok()
        .and_then(|e| repo.find_tree(e.id()).ok())
    else {
        return 0;
    };
    let mut count = 0;
    let _ = tree.walk(git2::TreeWalkMode::PreOrder, |_, entry| {
        let is_manifest = entry.kind() == Some(git2::ObjectType::Blob)
            && entry
                .name()
                .and_then(|n| n.rsplit_once('.'))
                .is_some_and(|(_, ext)| MANIFEST_EXTENSIONS.contains(&ext));
        count += u32::from(is_manifest);
        git2::TreeWalkResult::Ok
    });
    count
}

#[cfg(test)]
mod tests;
