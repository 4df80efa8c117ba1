//! The workspace: the Git repository of manifests Shipdeck was opened on.

use serde::{Deserialize, Serialize};

/// One commit, with what the timeline and lead-time computations need.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommitSummary {
    pub sha: String,
    pub author: String,
    pub author_email: String,
    /// Seconds since the Unix epoch.
    pub author_time: i64,
    pub commit_time: i64,
    /// First line of the message.
    pub summary: String,
    pub parents: Vec<String>,
}

impl CommitSummary {
    pub fn short_sha(&self) -> &str {
        &self.sha[..self.sha.len().min(7)]
    }
}

/// A directory of manifests at the top of the workspace (`apps/<name>` in the demo).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestDir {
    pub name: String,
    /// Path relative to the repository root.
    pub path: String,
    /// Manifest files (`.yaml`, `.yml`, `.json`) below it.
    pub manifest_files: u32,
    /// The last commit that touched it.
    pub last_change: Option<CommitSummary>,
}

/// What the Overview shows about the workspace repository.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WorkspaceOverview {
    pub path: String,
    pub branch: Option<String>,
    pub head: CommitSummary,
    pub commit_count: u32,
    pub authors: Vec<String>,
    pub manifest_dirs: Vec<ManifestDir>,
}
