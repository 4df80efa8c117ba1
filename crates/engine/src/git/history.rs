//! The last commit that changed a path: what a deployment of that path really ships, and the
//! start of its lead time.

use super::mirror::Mirror;
use super::spec::RepoPath;
use std::path::Path;

/// The most commits walked back from the resolved one. A path untouched for longer is
/// reported as changed by the oldest commit walked, which is late enough to be harmless for
/// lead time and keeps a poll round bounded on huge histories.
pub const MAX_PATH_HISTORY: usize = 10_000;

/// What the last walk found for a path, so that the next round walks only the new commits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PathHistory {
    /// The commit the walk started from, and the path's tree or blob there.
    pub from: git2::Oid,
    pub entry: git2::Oid,
    /// The answer: the last commit that changed the path, as of `from`.
    pub changed_in: git2::Oid,
}

impl Mirror {
    /// The newest commit, walking first parents back from `commit`, whose tree or blob at
    /// `path` differs from its parent's (or that has no parent). `entry` is the path's id at
    /// `commit`.
    ///
    /// First parents only: on a branch that merges feature branches, the merge commit is
    /// where the change reached the branch, which is what a deployment follows. A missing
    /// parent (a shallow cache) ends the walk as a root would. Bounded by
    /// [`MAX_PATH_HISTORY`].
    pub(crate) fn path_commit<'r>(
        &'r self,
        commit: &git2::Commit<'r>,
        path: &RepoPath,
        entry: git2::Oid,
    ) -> git2::Commit<'r> {
        let known = self.path_history.borrow().get(path.as_str()).copied();
        let mut current = commit.clone();
        for _ in 0..MAX_PATH_HISTORY {
            // Every commit walked so far has the same entry as `commit`, so once the walk
            // reaches the last round's start with that entry, the last answer holds.
            let hit = known.filter(|k| k.from == current.id() && k.entry == entry);
            if let Some(found) = hit.and_then(|k| self.repo.find_commit(k.changed_in).ok()) {
                current = found;
                break;
            }
            let Ok(parent) = current.parent(0) else {
                break;
            };
            if self.entry_at(&parent, path) != Some(entry) {
                break;
            }
            current = parent;
        }
        self.path_history.borrow_mut().insert(
            path.as_str().to_string(),
            PathHistory {
                from: commit.id(),
                entry,
                changed_in: current.id(),
            },
        );
        current
    }

    /// The tree or blob at `path` in `commit`, `None` when absent (or unreadable).
    fn entry_at(&self, commit: &git2::Commit<'_>, path: &RepoPath) -> Option<git2::Oid> {
        if path.is_root() {
            return Some(commit.tree_id());
        }
        let tree = commit.tree().ok()?;
        tree.get_path(Path::new(path.as_str())).ok().map(|e| e.id())
    }
}

/// The commits a deployment of `path` at `to` brings after one at `from`: those reachable from
/// `to` and not from `from` (all of `to`'s history when `from` is `None` or unknown here) that
/// changed `path`, newest first, first parents only, at most `limit`. DORA's lead time counts
/// from each. Read from the bare mirror at `mirror` without writing to it.
pub fn commits_between(
    mirror: &Path,
    to: &str,
    from: Option<&str>,
    path: &str,
    limit: usize,
) -> Result<Vec<String>, git2::Error> {
    let repo = git2::Repository::open_bare(mirror)?;
    let mut walk = repo.revwalk()?;
    walk.simplify_first_parent()?;
    walk.push(git2::Oid::from_str(to)?)?;
    if let Some(from) = from.and_then(|f| git2::Oid::from_str(f).ok())
        && repo.find_commit(from).is_ok()
    {
        walk.hide(from)?;
    }
    let path = path.trim_matches('/');
    let entry = |commit: &git2::Commit<'_>| -> Option<git2::Oid> {
        if path.is_empty() {
            return Some(commit.tree_id());
        }
        commit
            .tree()
            .ok()?
            .get_path(Path::new(path))
            .ok()
            .map(|e| e.id())
    };
    let mut out = Vec::new();
    for oid in walk.take(MAX_PATH_HISTORY) {
        let commit = repo.find_commit(oid?)?;
        let here = entry(&commit);
        let before = commit.parent(0).ok().and_then(|p| entry(&p));
        if here != before {
            out.push(commit.id().to_string());
            if out.len() >= limit {
                break;
            }
        }
    }
    Ok(out)
}

/// When commit `sha` was committed (seconds since the epoch) and by whom, if `repo` (a bare
/// mirror, opened once by the caller) holds it. Read-only: a history index looks commits up
/// without fetching.
pub fn commit_facts(repo: &git2::Repository, sha: &str) -> Option<(i64, String)> {
    let commit = repo.find_commit(git2::Oid::from_str(sha).ok()?).ok()?;
    let author = commit.author().name().unwrap_or("").to_string();
    Some((commit.time().seconds(), author))
}
