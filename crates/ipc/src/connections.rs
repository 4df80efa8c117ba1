//! Live state of the configured connections: each cluster's reachability and each
//! application's tracked revision, pushed to the UI as it changes.

use crate::clusters::{ClusterProbe, ConnectionFailure};
use crate::config::{ApplicationEntry, Revision};
use crate::workspace::CommitSummary;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum ClusterState {
    Checking,
    Connected(ClusterProbe),
    Failed {
        failure: ConnectionFailure,
        message: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClusterStatus {
    pub id: String,
    pub context: String,
    pub state: ClusterState,
    /// Something wrong with Shipdeck's own work on this cluster (e.g. its check task crashed
    /// and was restarted), shown next to the state.
    #[serde(default)]
    pub notice: Option<String>,
}

/// Where an application's Git side stands.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum RevisionState {
    /// The first fetch has not finished; its transfer progress once the server reports it.
    Fetching(Option<GitProgress>),
    Resolved(CommitSummary),
    /// The last poll failed; the last good revision is kept.
    Failed {
        message: String,
        last_good: Option<CommitSummary>,
        retry_in_secs: u64,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ApplicationStatus {
    pub app: ApplicationEntry,
    /// The state of the source it tracks (the same value as that source's in
    /// [`ConnectionsOverview::repositories`]).
    pub revision: RevisionState,
    /// The last commit at or before the tracked revision that changed the application's path
    /// (what lead time is measured from); `None` until resolved.
    #[serde(default)]
    pub path_commit: Option<CommitSummary>,
    /// The manifests at the tracked revision, once rendered.
    pub render: Option<RenderSummary>,
    /// How the cluster compares with those manifests, once compared.
    #[serde(default)]
    pub sync: Option<crate::drift::SyncSummary>,
    /// Something wrong with Shipdeck's own work on this application (e.g. a background task
    /// crashed and was restarted), shown on its card.
    #[serde(default)]
    pub notice: Option<String>,
    /// What auto-sync or self-heal last did or why self-heal stopped.
    #[serde(default)]
    pub automation: Option<String>,
}

/// What rendering an application's manifests produced. Errors name the file and line; the
/// objects that did render are still listed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct RenderSummary {
    /// The commit these manifests were rendered from.
    #[serde(default)]
    pub commit: String,
    /// `group/Kind/namespace/name` of each object, in render order.
    pub objects: Vec<String>,
    pub errors: Vec<String>,
    /// Set when nothing could be rendered (e.g. kustomize not installed).
    pub failed: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct ConnectionsOverview {
    /// Increases with every state the engine publishes; the UI drops a state whose `seq` is
    /// below the one it shows, so it never goes back to an older state.
    #[serde(default)]
    pub seq: u64,
    /// Set while `settings.toml` holds an edit that cannot be used (it does not parse or is
    /// invalid); the engine keeps following the last good settings and never overwrites it.
    #[serde(default)]
    pub settings_error: Option<String>,
    pub clusters: Vec<ClusterStatus>,
    pub applications: Vec<ApplicationStatus>,
    /// Every configured repository, with the state of each revision polled from it. A
    /// repository's failure (a credential the keyring cannot give, a server that is gone) is
    /// said here once; the cards of its applications only point at it.
    #[serde(default)]
    pub repositories: Vec<RepositoryStatus>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RepositoryStatus {
    pub id: String,
    pub url: String,
    /// One per revision some application tracks, in the order of the applications; empty
    /// when no application uses the repository (it is then not polled).
    pub sources: Vec<SourceStatus>,
}

/// One revision of a repository, polled once for every application that tracks it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SourceStatus {
    pub revision: Revision,
    pub state: RevisionState,
    /// Ids of the applications that track this revision.
    pub applications: Vec<String>,
    /// Something wrong with Shipdeck's own work on this source (its poller crashed and was
    /// restarted).
    #[serde(default)]
    pub notice: Option<String>,
}

/// Progress of a long Git operation the user started (and may cancel by its id).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GitProgress {
    pub operation: String,
    pub received_objects: u64,
    pub total_objects: u64,
    pub received_bytes: u64,
}

/// Result of testing a repository: the commit the revision resolves to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RepositoryCheck {
    pub commit: CommitSummary,
    pub files_under_path: u32,
}
