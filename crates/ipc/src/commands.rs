//! Names of the backend commands the UI may invoke, and their argument types.
//!
//! The Tauri capability file allows exactly these; a test in `src-tauri` checks the two agree.

use crate::config::{ApplicationEntry, IgnoreRule, RepositoryEntry, Revision};
use serde::{Deserialize, Serialize};

pub const APP_INFO: &str = "app_info";
pub const WORKSPACE_OVERVIEW: &str = "workspace_overview";
pub const RECENT_COMMITS: &str = "recent_commits";
pub const SETTINGS_GET: &str = "settings_get";
pub const KUBE_CONTEXTS: &str = "kube_contexts";
pub const CLUSTER_ADD: &str = "cluster_add";
pub const CLUSTER_REMOVE: &str = "cluster_remove";
pub const CLUSTER_SET_CREDENTIAL: &str = "cluster_set_credential";
pub const REPOSITORY_SAVE: &str = "repository_save";
pub const REPOSITORY_REMOVE: &str = "repository_remove";
pub const REPOSITORY_TEST: &str = "repository_test";
pub const OPERATION_CANCEL: &str = "operation_cancel";
pub const APPLICATION_SAVE: &str = "application_save";
pub const APPLICATION_REMOVE: &str = "application_remove";
pub const CONNECTIONS_OVERVIEW: &str = "connections_overview";
pub const APPLICATION_DRIFT: &str = "application_drift";
pub const APPLICATION_PREVIEW: &str = "application_preview";
pub const APPLICATION_IGNORE: &str = "application_ignore";
pub const DRIFT_EVENTS: &str = "drift_events";
pub const APPLICATION_SYNC: &str = "application_sync";
pub const PRUNE_CANDIDATES: &str = "prune_candidates";
pub const DEPLOYMENTS: &str = "deployments";
pub const ROLLBACK_PREVIEW: &str = "rollback_preview";
pub const APPLICATION_ROLLBACK: &str = "application_rollback";
pub const APPLICATION_KILL_SWITCH: &str = "application_kill_switch";
pub const APPLICATION_SYNC_POLICY: &str = "application_sync_policy";
pub const APPLICATION_UNDO: &str = "application_undo";
pub const APPLICATION_SYNC_SWITCH: &str = "application_sync_switch";
pub const DORA_METRICS: &str = "dora_metrics";
pub const HISTORY_IMPORT: &str = "history_import";
pub const HISTORY_EXPORT: &str = "history_export";
pub const DORA_CHARTS: &str = "dora_charts";
pub const DORA_CHART_EXPORT: &str = "dora_chart_export";
pub const DORA_BEHIND: &str = "dora_behind";
pub const TIMELINE: &str = "timeline";
pub const DEPLOYMENT_DIFF: &str = "deployment_diff";
pub const DEPLOYMENT_INCIDENT: &str = "deployment_incident";

/// Every command the backend registers.
pub const ALL: &[&str] = &[
    APP_INFO,
    WORKSPACE_OVERVIEW,
    RECENT_COMMITS,
    SETTINGS_GET,
    KUBE_CONTEXTS,
    CLUSTER_ADD,
    CLUSTER_REMOVE,
    CLUSTER_SET_CREDENTIAL,
    REPOSITORY_SAVE,
    REPOSITORY_REMOVE,
    REPOSITORY_TEST,
    OPERATION_CANCEL,
    APPLICATION_SAVE,
    APPLICATION_REMOVE,
    CONNECTIONS_OVERVIEW,
    APPLICATION_DRIFT,
    APPLICATION_PREVIEW,
    APPLICATION_IGNORE,
    DRIFT_EVENTS,
    APPLICATION_SYNC,
    PRUNE_CANDIDATES,
    DEPLOYMENTS,
    ROLLBACK_PREVIEW,
    APPLICATION_ROLLBACK,
    APPLICATION_KILL_SWITCH,
    APPLICATION_SYNC_POLICY,
    APPLICATION_UNDO,
    APPLICATION_SYNC_SWITCH,
    DORA_METRICS,
    HISTORY_IMPORT,
    HISTORY_EXPORT,
    DORA_CHARTS,
    DORA_CHART_EXPORT,
    DORA_BEHIND,
    TIMELINE,
    DEPLOYMENT_DIFF,
    DEPLOYMENT_INCIDENT,
];

/// A sync the window runs: progress streams to a channel (`onProgress`, a
/// `tauri::ipc::Channel<SyncProgress>` on the backend side), `operation` names it for
/// `operation_cancel`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SyncArgs {
    pub request: crate::deploy::SyncRequest,
    pub operation: String,
}

/// What a rollback of `app` to `to` (by default the last known good one) would change.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RollbackPreviewArgs {
    pub app: String,
    #[serde(default)]
    pub to: Option<String>,
}

/// Application `id`'s auto-sync, self-heal, prune and record keeping.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SyncPolicyArgs {
    pub id: String,
    pub policy: crate::config::SyncPolicy,
}

/// Undo of one Deployment of `app` to its previous ReplicaSet revision (`kubectl rollout undo`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct UndoArgs {
    pub app: String,
    pub namespace: String,
    pub name: String,
    pub operation: String,
}

/// One of an application's sync switches.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SyncSwitch {
    AutoSync,
    SelfHeal,
    Prune,
}

/// Turns one switch of application `id` on or off, leaving the others as stored (a window's
/// older copy of them must not undo a kill switch).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SyncSwitchArgs {
    pub id: String,
    pub switch: SyncSwitch,
    pub on: bool,
}

/// The kill switch of application `app`: pause auto-sync and self-heal, roll back.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KillSwitchArgs {
    pub app: String,
    /// The deployment the user saw as the target; `None` lets the engine choose the last known
    /// good one.
    #[serde(default)]
    pub to: Option<String>,
    pub operation: String,
}

/// A rollback of `app` to deployment `to` (by default the last known good one).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RollbackArgs {
    pub app: String,
    #[serde(default)]
    pub to: Option<String>,
    pub operation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecentCommitsArgs {
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IdArgs {
    pub id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClusterAddArgs {
    pub id: String,
    pub context: String,
}

/// Which cluster credential the user is entering.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum ClusterCredential {
    /// A bearer token.
    Token,
    /// A PEM private key for the kubeconfig user's client certificate.
    ClientKey,
}

/// A credential typed by the user; the backend moves it straight into the OS keyring.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClusterCredentialArgs {
    pub id: String,
    pub kind: ClusterCredential,
    pub value: String,
}

#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RepositorySaveArgs {
    pub entry: RepositoryEntry,
    /// Password, token or SSH passphrase; `None` keeps the stored one.
    pub secret: Option<String>,
}

#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RepositoryTestArgs {
    pub entry: RepositoryEntry,
    pub secret: Option<String>,
    pub revision: Revision,
    pub path: String,
    /// Chosen by the UI so it can cancel this test with [`OPERATION_CANCEL`].
    pub operation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OperationArgs {
    pub operation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ApplicationSaveArgs {
    pub entry: ApplicationEntry,
}

/// Compare application `id` at another `revision` (a branch, tag or commit of its
/// repository) with its cluster, without changing the application.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PreviewArgs {
    pub id: String,
    pub revision: String,
    /// Chosen by the UI so it can cancel the preview with [`OPERATION_CANCEL`].
    pub operation: String,
}

/// Add (or, with `remove`, take away) an ignore rule of application `id`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IgnoreArgs {
    pub id: String,
    pub rule: IgnoreRule,
    #[serde(default)]
    pub remove: bool,
}

/// Facts about the running app, shown in Settings and used to locate logs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AppInfo {
    pub version: String,
    pub log_dir: String,
    pub data_dir: String,
    /// The workspace repository the app opened, if any.
    pub workspace: Option<String>,
    pub settings_file: String,
}

// Deliberately no Debug on the argument types that carry credentials.
impl std::fmt::Debug for ClusterCredentialArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterCredentialArgs")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}
