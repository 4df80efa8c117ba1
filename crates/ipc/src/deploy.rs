//! Syncs, rollbacks and the deployment records they leave: what the window streams while a
//! sync runs, what the command line prints, and what the team reads back from the cluster.
//! Secret values never reach these types in plain text outside the cluster's own records.

use crate::status::HealthStatus;
use serde::{Deserialize, Serialize};

/// One object by identity, as the diff view's selection names it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceRef {
    /// API group; empty for the core group.
    pub group: String,
    pub kind: String,
    /// `None` for cluster-scoped objects (and namespaced ones left to the default namespace).
    pub namespace: Option<String>,
    pub name: String,
}

impl ResourceRef {
    /// `Kind/namespace/name`, or `Kind/name`, as `kubectl` names objects.
    pub fn display(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}/{ns}/{}", self.kind, self.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }
}

/// What the user asked to sync.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct SyncRequest {
    pub app: String,
    /// The reviewed selection; empty means the whole application.
    #[serde(default)]
    pub resources: Vec<ResourceRef>,
    /// Delete objects tracked as the application's that Git no longer declares. The exact
    /// list must have been confirmed: `prune_confirmed` is that list, and a sync whose
    /// candidates differ from it is refused rather than deleting something not shown.
    #[serde(default)]
    pub prune: bool,
    #[serde(default)]
    pub prune_confirmed: Vec<ResourceRef>,
    /// Take over fields another manager owns (after the user saw the conflict).
    #[serde(default)]
    pub force: bool,
    /// The commit the user reviewed: the sync is refused if the application has rendered
    /// another one since, so nothing unreviewed is applied.
    #[serde(default)]
    pub reviewed_commit: Option<String>,
}

/// Why a deployment was made.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum DeploymentKind {
    Sync,
    AutoSync,
    SelfHeal,
    Rollback,
    Undo,
    Hotfix,
}

impl DeploymentKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Sync => "sync",
            Self::AutoSync => "auto-sync",
            Self::SelfHeal => "self-heal",
            Self::Rollback => "rollback",
            Self::Undo => "undo",
            Self::Hotfix => "hotfix",
        }
    }

    /// The kind whose [`label`](Self::label) is `label`.
    pub fn from_label(label: &str) -> Option<Self> {
        [
            Self::Sync,
            Self::AutoSync,
            Self::SelfHeal,
            Self::Rollback,
            Self::Undo,
            Self::Hotfix,
        ]
        .into_iter()
        .find(|k| k.label() == label)
    }

    /// Made because something went wrong, not planned (DORA's rework).
    pub fn is_repair(self) -> bool {
        matches!(self, Self::Rollback | Self::Undo | Self::Hotfix)
    }
}

/// How a deployment ended, or that it has not.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum DeploymentResult {
    /// Written when it started and not yet updated: still running, or cut off (a killed app,
    /// a lost connection) when no sync of the application holds the lease any more.
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl DeploymentResult {
    /// The result whose [`label`](Self::label) is `label`.
    pub fn from_label(label: &str) -> Option<Self> {
        [
            Self::Running,
            Self::Succeeded,
            Self::Failed,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|r| r.label() == label)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }
}

/// What happened to one object.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum ApplyAction {
    Created,
    Configured,
    Unchanged,
    Pruned,
    Failed,
    /// Not reached: the sync ended (a failure before it, a cancel, a lost connection) first.
    NotApplied,
}

impl ApplyAction {
    pub fn label(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Configured => "configured",
            Self::Unchanged => "unchanged",
            Self::Pruned => "pruned",
            Self::Failed => "failed",
            Self::NotApplied => "not applied",
        }
    }
}

/// One field another manager owns, which a sync without force would not take.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FieldConflict {
    pub field: String,
    pub manager: String,
}

/// One object's part in a deployment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ResourceResult {
    pub resource: ResourceRef,
    pub action: ApplyAction,
    /// The server's message for a failure; what was removed by hand-edit cleanup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<FieldConflict>,
    /// The last health seen, for kinds with a health rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<HealthStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_message: Option<String>,
}

/// Where a deployment's record is kept.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RecordPlace {
    /// In the cluster, where the team sees it.
    Cluster,
    /// Only on this desk: the cluster refused it (no permission); Secret values masked.
    Local,
}

/// A deployment as the team sees it: the record's metadata without its manifests.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Deployment {
    /// `APP.SEQ`: unique per application and cluster, stable across desks.
    pub id: String,
    pub app: String,
    pub cluster: String,
    pub seq: u64,
    pub kind: DeploymentKind,
    pub result: DeploymentResult,
    /// A `running` record no sync holds the lease for: cut off.
    #[serde(default)]
    pub interrupted: bool,
    pub revision: String,
    /// The commits this deployment brought (newest first), as far as the desk knew them.
    #[serde(default)]
    pub commits: Vec<String>,
    /// The selection; empty for the whole application.
    #[serde(default)]
    pub selection: Vec<ResourceRef>,
    /// RFC 3339.
    pub started_at: String,
    #[serde(default)]
    pub finished_at: Option<String>,
    /// The OS user, and the cluster identity the sync ran as.
    pub by: String,
    #[serde(default)]
    pub identity: Option<String>,
    /// For a rollback or undo: the deployment it answers.
    #[serde(default)]
    pub answers: Option<String>,
    /// For a rollback: the deployment whose manifests it re-applied.
    #[serde(default)]
    pub restores: Option<String>,
    #[serde(default)]
    pub health: Option<HealthStatus>,
    /// Why it failed or was cancelled, in words.
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub resources: Vec<ResourceResult>,
    /// Whether the record still holds its manifests (old ones keep metadata only), so it can
    /// be rolled back to.
    pub has_manifests: bool,
    pub place: RecordPlace,
    /// The user marked it as having caused an incident.
    #[serde(default)]
    pub incident: bool,
}

impl Deployment {
    /// What a rollback can go back to: it succeeded and its manifests are kept.
    pub fn can_restore(&self) -> bool {
        self.result == DeploymentResult::Succeeded && self.has_manifests
    }
}

/// What streams to the window while a sync or rollback runs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum SyncProgress {
    /// The record is written; `total` objects will be applied.
    Started { deployment: String, total: usize },
    /// One object applied (or pruned, or failed).
    Applied {
        result: ResourceResult,
        done: usize,
        total: usize,
    },
    /// Rollout: each object's health, and how many are Healthy.
    Health {
        resources: Vec<ResourceResult>,
        healthy: usize,
        total: usize,
    },
    /// The end, with the record as written.
    Finished { deployment: Deployment },
}

/// What a rollback would change, shown before the one confirmation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RollbackPreview {
    /// The deployment whose manifests would be re-applied.
    pub target: Deployment,
    /// The deployment being answered (the newest one).
    pub answers: Option<Deployment>,
    /// Live → restored, from a server-side dry run.
    pub report: crate::drift::DriftReport,
}

/// What a sync would prune, to confirm before it runs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct PruneCandidates {
    pub resources: Vec<ResourceRef>,
}
