//! Live state of the configured connections: each cluster's reachability and each
//! application's tracked revision, pushed to the UI as it changes.

use crate::clusters::{ClusterProbe, ConnectionFailure};
use crate::config::ApplicationEntry;
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
    pub revision: RevisionState,
    /// The manifests at the tracked revision, once rendered.
    pub render: Option<RenderSummary>,
}

/// What rendering an application's manifests produced. Errors name the file and line; the
/// objects that did render are still listed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct RenderSummary {
    /// `group/Kind/namespace/name` of each object, in render order.
    pub objects: Vec<String>,
    pub errors: Vec<String>,
    /// Set when nothing could be rendered (e.g. kustomize not installed).
    pub failed: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct ConnectionsOverview {
    pub clusters: Vec<ClusterStatus>,
    pub applications: Vec<ApplicationStatus>,
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
