//! How the store learns what the team did: the deployment records of an application (from its
//! cluster, where every desk writes them, and this desk's own) and the commits they brought,
//! looked up in the Git mirrors already on this machine. Re-indexing is idempotent.

use super::replicasets::DeploymentName;
use super::store::{Error, Imported, Origin, Store};
use crate::deployments::{self, Context};
use crate::settings::model::Revision;
use shipdeck_ipc::deploy::{Deployment, DeploymentResult};
use shipdeck_ipc::history::{HistoryEvent, Outcome};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The most one application's indexing may take (the window's and the command line's).
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Reads the application's deployment records and stores them, with the commits they brought
/// that a mirror under one of `mirror_roots` (`ROOT/REPOSITORY-ID/…`) holds, and the rollouts
/// of `workloads` (its Deployments) that the cluster remembers from before its first record.
pub async fn application(
    cx: &Context<'_>,
    store: Arc<Store>,
    mirror_roots: &[PathBuf],
    workloads: &[DeploymentName],
) -> Result<Imported, IndexError> {
    let deployments = deployments::history(cx)
        .await
        .map_err(|e| IndexError::Records(e.to_string()))?;
    let first = deployments
        .iter()
        .filter_map(|d| d.started_at.parse::<jiff::Timestamp>().ok())
        .min();
    let mut events =
        super::replicasets::events(cx.client, &cx.app.id, &cx.cluster.id, workloads, first)
            .await
            .map_err(IndexError::Records)?;
    let repos: Vec<PathBuf> = mirror_roots
        .iter()
        .flat_map(|root| bare_repositories(&root.join(&cx.app.repository), 3))
        .collect();
    // Argo CD's syncs from before the first record cannot change once there is one: listed
    // (every Application of the cluster) once per process, not every round.
    let argo_read = first.map(|f| (cx.cluster.id.clone(), cx.app.id.clone(), f.as_millisecond()));
    let known = argo_read.as_ref().is_some_and(|key| {
        ARGO_READ
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(key)
    });
    let mut argo_complete = true;
    let argo = match cx.settings.repository(&cx.app.repository) {
        Some(repository) if !known => {
            let source = super::argocd::Source {
                repository_url: &repository.url,
                path: &cx.app.path,
            };
            super::argocd::entries(cx.client, &source, first)
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(app = %cx.app.id, "{e}");
                    argo_complete = false;
                    Vec::new()
                })
        }
        _ => Vec::new(),
    };
    let (app, cluster) = (cx.app.id.clone(), cx.cluster.id.clone());
    let (tip, path) = (tip_of(&cx.app.revision), cx.app.path.clone());
    // Git and SQLite block: off the async runtime.
    tokio::task::spawn_blocking(move || {
        let mirrors = Mirrors::open(&repos);
        events.extend(events_of(&deployments, &app, &cluster, &mirrors));
        let synced_by_argo = super::argocd::events(&argo, &app, &cluster, |to, from| {
            // The first entry's commits are not known: everything before it is not its own.
            let from = from?;
            repos.iter().find_map(|r| {
                crate::git::commits_between(r, to, Some(from), &path, MAX_COMMITS_BROUGHT)
                    .ok()
                    .filter(|c| !c.is_empty())
            })
        });
        events.extend(commits_of(&synced_by_argo, &app, &mirrors));
        events.extend(synced_by_argo);
        let indexed = store.import(events, Origin::Cluster)?;
        if let Some(key) = argo_read.filter(|_| argo_complete) {
            ARGO_READ
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key);
        }
        let (log, walked) = path_log(&repos, &tip, &path, &app);
        let logged = store.import(log, Origin::Git)?;
        // Only once stored: a write that failed is walked again next round.
        if let Some(walked) = walked {
            walked.remember();
        }
        Ok(Imported {
            commits: indexed.commits + logged.commits,
            ..indexed
        })
    })
    .await
    .map_err(|e| IndexError::Records(e.to_string()))?
    .map_err(IndexError::Store)
}

/// The most commits one deployment from another tool's history is said to bring.
const MAX_COMMITS_BROUGHT: usize = 200;

/// The commits `events`' deployments brought that `mirrors` know, as commit events.
fn commits_of(events: &[HistoryEvent], app: &str, mirrors: &Mirrors) -> Vec<HistoryEvent> {
    let mut seen = BTreeSet::new();
    events
        .iter()
        .flat_map(|e| match e {
            HistoryEvent::Deployment { commits, .. } => commits.as_slice(),
            _ => &[],
        })
        .filter(|sha| seen.insert(sha.as_str()))
        .filter_map(|sha| {
            let (seconds, author) = mirrors.commit(sha)?;
            Some(HistoryEvent::Commit {
                app: app.to_string(),
                sha: sha.clone(),
                committed_at: jiff::Timestamp::from_second(seconds).ok()?.to_string(),
                author,
            })
        })
        .collect()
}

/// The most commits of an application's path taken from its mirror's log each time.
pub const PATH_COMMITS: usize = 500;

/// What to start an application's log from: its branch or tag as the mirror keeps it, or
/// its fixed commit.
fn tip_of(revision: &Revision) -> String {
    let git = match revision {
        Revision::Branch(b) => crate::git::Revision::Branch(b.clone()),
        Revision::Tag(t) => crate::git::Revision::Tag(t.clone()),
        Revision::Commit(c) => return c.clone(),
    };
    git.local_ref().unwrap_or_default()
}

/// Applications whose Argo CD syncs before their first record (cluster, application, its
/// start in ms) were read and stored.
static ARGO_READ: std::sync::Mutex<BTreeSet<(String, String, i64)>> =
    std::sync::Mutex::new(BTreeSet::new());

/// An application's path log walked at a mirror's tip: (mirror, application, path) → tip.
/// Process-wide, so the window's indexing rounds walk a log again only when its mirror moved.
struct Walked {
    key: (PathBuf, String, String),
    tip: git2::Oid,
}

static WALKED: std::sync::Mutex<BTreeMap<(PathBuf, String, String), git2::Oid>> =
    std::sync::Mutex::new(BTreeMap::new());

impl Walked {
    fn is_known(&self) -> bool {
        WALKED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&self.key)
            == Some(&self.tip)
    }

    fn remember(self) {
        WALKED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(self.key, self.tip);
    }
}

/// The newest [`PATH_COMMITS`] commits that changed `path`, from the first of `repos` that
/// has `tip`: the application's history from before Shipdeck and what is not deployed yet,
/// for the timeline; and the walk to remember once they are stored. Nothing when the log
/// was walked at this tip before (the mirror did not move).
fn path_log(
    repos: &[PathBuf],
    tip: &str,
    path: &str,
    app: &str,
) -> (Vec<HistoryEvent>, Option<Walked>) {
    for dir in repos {
        let Ok(repo) = git2::Repository::open_bare(dir) else {
            continue;
        };
        let Ok(oid) = repo
            .revparse_single(tip)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
        else {
            continue;
        };
        let walked = Walked {
            key: (dir.clone(), app.to_string(), path.to_string()),
            tip: oid,
        };
        if walked.is_known() {
            return (Vec::new(), None);
        }
        let Ok(shas) = crate::git::commits_between(dir, &oid.to_string(), None, path, PATH_COMMITS)
        else {
            continue;
        };
        let events = shas
            .into_iter()
            .filter_map(|sha| {
                let (seconds, author) = crate::git::commit_facts(&repo, &sha)?;
                let at = jiff::Timestamp::from_second(seconds).ok()?;
                Some(HistoryEvent::Commit {
                    app: app.to_string(),
                    sha,
                    committed_at: at.to_string(),
                    author,
                })
            })
            .collect();
        return (events, Some(walked));
    }
    (Vec::new(), None)
}

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("the deployment records could not be read: {0}")]
    Records(String),
    #[error(transparent)]
    Store(#[from] Error),
}

/// The Git mirrors commits are looked up in, each opened once.
pub struct Mirrors(Vec<git2::Repository>);

impl Mirrors {
    pub fn open(paths: &[PathBuf]) -> Self {
        Self(
            paths
                .iter()
                .filter_map(|p| git2::Repository::open_bare(p).ok())
                .collect(),
        )
    }

    fn commit(&self, sha: &str) -> Option<(i64, String)> {
        self.0
            .iter()
            .find_map(|repo| crate::git::commit_facts(repo, sha))
    }
}

/// Finished deployments of application `app` on cluster `cluster` as events, preceded by the
/// commits they brought that `mirrors` know (committed when, by whom). The application and
/// cluster are the ones asked about, whatever a record says (a record names them, but the
/// cluster it was read from is the one it speaks for). A deployment still running, or cut off,
/// is left out: it has no end yet, and counts in no period.
pub fn events_of(
    deployments: &[Deployment],
    app: &str,
    cluster: &str,
    mirrors: &Mirrors,
) -> Vec<HistoryEvent> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for d in deployments {
        let (Some(finished_at), Some(result)) = (&d.finished_at, outcome(d.result)) else {
            continue;
        };
        for sha in &d.commits {
            if !seen.insert(sha.clone()) {
                continue;
            }
            let Some((seconds, author)) = mirrors.commit(sha) else {
                continue;
            };
            let Ok(at) = jiff::Timestamp::from_second(seconds) else {
                continue;
            };
            out.push(HistoryEvent::Commit {
                app: app.to_string(),
                sha: sha.clone(),
                committed_at: at.to_string(),
                author,
            });
        }
        out.push(HistoryEvent::Deployment {
            app: app.to_string(),
            cluster: cluster.to_string(),
            id: d.id.clone(),
            kind: d.kind,
            started_at: d.started_at.clone(),
            finished_at: finished_at.clone(),
            result,
            revision: d.revision.clone(),
            commits: d.commits.clone(),
            answers: d.answers.clone(),
            incident: d.incident,
        });
    }
    out
}

fn outcome(result: DeploymentResult) -> Option<Outcome> {
    match result {
        DeploymentResult::Running => None,
        DeploymentResult::Succeeded => Some(Outcome::Succeeded),
        DeploymentResult::Failed => Some(Outcome::Failed),
        DeploymentResult::Cancelled => Some(Outcome::Cancelled),
    }
}

/// The bare repositories at or under `root`, at most `depth` directories down (the window
/// keeps a repository's mirrors in one directory per branch and URL).
fn bare_repositories(root: &Path, depth: usize) -> Vec<PathBuf> {
    if root.join("HEAD").is_file() && root.join("objects").is_dir() {
        return vec![root.to_path_buf()];
    }
    if depth == 0 {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .flat_map(|e| bare_repositories(&e.path(), depth - 1))
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args([
                "-c",
                "user.name=Maya Chen",
                "-c",
                "user.email=m@example.com",
            ])
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    #[test]
    fn the_log_of_an_applications_path_holds_only_its_commits_once() {
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join("work");
        std::fs::create_dir_all(work.join("apps/web")).unwrap();
        git(&work, &["init", "-q", "-b", "main"]);
        for (file, message) in [
            ("apps/web/a.yaml", "web one"),
            ("other.txt", "not web"),
            ("apps/web/b.yaml", "web two"),
        ] {
            std::fs::write(work.join(file), message).unwrap();
            git(&work, &["add", "-A"]);
            git(&work, &["commit", "-q", "-m", message]);
        }
        let bare = dir.path().join("mirror");
        git(
            dir.path(),
            &[
                "clone",
                "-q",
                "--bare",
                work.to_str().unwrap(),
                bare.to_str().unwrap(),
            ],
        );
        let repos = [dir.path().join("no-such-mirror"), bare.clone()];
        let (log, walked) = path_log(&repos, "refs/heads/main", "apps/web", "web");
        let shas: Vec<&str> = log
            .iter()
            .map(|e| match e {
                HistoryEvent::Commit {
                    sha, author, app, ..
                } => {
                    assert_eq!((app.as_str(), author.as_str()), ("web", "Maya Chen"));
                    sha.as_str()
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(shas.len(), 2, "{log:?}");
        // Not stored yet: walked again.
        assert_eq!(
            path_log(&repos, "refs/heads/main", "apps/web", "web")
                .0
                .len(),
            2
        );
        walked.unwrap().remember();
        // Stored, and the mirror did not move: nothing to walk again…
        assert!(
            path_log(&repos, "refs/heads/main", "apps/web", "web")
                .0
                .is_empty()
        );
        // …but another application of the same path has its own.
        assert_eq!(
            path_log(&repos, "refs/heads/main", "apps/web", "web-prod")
                .0
                .len(),
            2
        );
        assert_eq!(path_log(&repos, "refs/heads/main", "", "all").0.len(), 3);
        // A clone the way the window mirrors a branch: under refs/remotes/origin.
        git(
            &bare,
            &["update-ref", "refs/remotes/origin/main", "refs/heads/main"],
        );
        let tip = tip_of(&Revision::Branch("main".into()));
        assert_eq!(path_log(&repos, &tip, "apps/web", "web-mirror").0.len(), 2);
    }

    #[test]
    fn a_branch_is_read_where_the_mirror_keeps_it() {
        assert_eq!(
            tip_of(&Revision::Branch("main".into())),
            "refs/remotes/origin/main"
        );
        assert_eq!(tip_of(&Revision::Tag("v1".into())), "refs/tags/v1");
        assert_eq!(tip_of(&Revision::Commit("abc".into())), "abc");
    }
}
