//! What the user configures: clusters, repositories and applications. Stored by the backend in
//! a versioned TOML file; credentials are never part of it (they live in the OS keyring).

use serde::{Deserialize, Serialize};

/// A cluster: a kubeconfig context, remembered by id.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClusterEntry {
    pub id: String,
    pub context: String,
    /// Kubeconfig files to read, merged in order; empty means `KUBECONFIG` or `~/.kube/config`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kubeconfig: Vec<String>,
    /// Which credential Shipdeck keeps in the OS keyring for this cluster, if any. The keyring
    /// is read only for clusters that have one.
    #[serde(default)]
    pub credential: Option<crate::commands::ClusterCredential>,
}

/// How Shipdeck authenticates to a Git remote. Secrets are in the keyring, keyed by the
/// repository id; this only says which kind to use.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RepoAuth {
    /// Public HTTPS, git://, or a local path.
    #[default]
    None,
    /// HTTPS with a password or token from the keyring. An empty username sends a token
    /// the way forges expect (`x-access-token`).
    Https { username: String },
    /// SSH with a private key file; its passphrase, if any, is in the keyring. The SSH user
    /// is part of the URL (`git@host:org/repo.git`).
    SshKey {
        private_key: String,
        has_passphrase: bool,
    },
    /// SSH through the running ssh-agent.
    SshAgent,
}

/// A Git repository of manifests.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RepositoryEntry {
    pub id: String,
    pub url: String,
    #[serde(default)]
    pub auth: RepoAuth,
    /// How often to poll for new commits, in seconds.
    #[serde(default = "default_interval")]
    pub poll_interval_secs: u32,
}

pub const DEFAULT_POLL_INTERVAL_SECS: u32 = 30;

fn default_interval() -> u32 {
    DEFAULT_POLL_INTERVAL_SECS
}

/// What an application tracks in its repository.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Revision {
    Branch(String),
    Tag(String),
    Commit(String),
}

/// An application: (repository, revision, path) deployed to (cluster, namespace).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ApplicationEntry {
    pub id: String,
    pub repository: String,
    pub revision: Revision,
    /// Directory inside the repository, relative, `/`-separated; empty for the root.
    pub path: String,
    pub cluster: String,
    pub namespace: String,
    /// How a Helm chart at `path` is rendered; ignored for other kinds of manifests.
    #[serde(default)]
    pub helm: HelmSettings,
    /// Differences not to count as drift for this application.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<IgnoreRule>,
    /// Auto-sync, self-heal, prune and how many records keep their manifests.
    #[serde(default)]
    pub sync: SyncPolicy,
}

/// How an application is synced. Everything automatic is off by default.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct SyncPolicy {
    /// Sync when a new revision arrives.
    #[serde(default)]
    pub auto_sync: bool,
    /// Re-apply the desired state after live drift (with backoff; stops when it fights
    /// another controller).
    #[serde(default)]
    pub self_heal: bool,
    /// Prune is preselected for this application's syncs (each sync still shows the list).
    #[serde(default)]
    pub prune: bool,
    /// How many of the newest deployment records keep their manifests (can be rolled back
    /// to); `None` means the default, 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_manifests: Option<u32>,
}

/// A difference not to count as drift, the way Argo CD's `ignoreDifferences` says it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(tag = "match", rename_all = "snake_case")]
pub enum IgnoreRule {
    /// The field at this RFC 6901 pointer (`/spec/replicas`) and everything under it, in every
    /// resource or only in resources of `kind`.
    Pointer {
        pointer: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: Option<String>,
    },
    /// Fields this field manager owns in the live object (`vpa-recommender`).
    Manager { manager: String },
}

/// Helm options of an application. No network access is used while rendering: dependencies
/// must be vendored under `charts/` or be `file://` charts in the same repository.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct HelmSettings {
    /// Values files, relative to the repository root, applied in order.
    #[serde(default)]
    pub values_files: Vec<String>,
    /// Inline values (YAML), applied after the files.
    #[serde(default)]
    pub values: String,
    /// The release name; empty means the application id.
    #[serde(default)]
    pub release_name: String,
}

/// Everything Shipdeck is configured with.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Settings {
    #[serde(default)]
    pub clusters: Vec<ClusterEntry>,
    #[serde(default)]
    pub repositories: Vec<RepositoryEntry>,
    #[serde(default)]
    pub applications: Vec<ApplicationEntry>,
    #[serde(default)]
    pub drift: DriftSettings,
    #[serde(default)]
    pub deployments: DeploymentSettings,
    #[serde(default)]
    pub teams: Vec<TeamEntry>,
}

/// A named group of applications, measured together in the DORA metrics.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct TeamEntry {
    pub id: String,
    /// Application ids.
    #[serde(default)]
    pub applications: Vec<String>,
}

/// Where deployment records and sync leases are kept in each cluster.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct DeploymentSettings {
    /// Empty means `shipdeck-system`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
}

/// Managers that edit by hand, by default: kubectl and its per-command managers
/// (`kubectl-edit`, `kubectl-label`, `kubectl-set`, `kubectl-scale`, `kubectl-rollout`,
/// `kubectl-patch`, `kubectl-client-side-apply`, …) and the usual desktop and web clients.
pub const DEFAULT_MANUAL_MANAGERS: [&str; 8] = [
    "kubectl",
    "kubectl-*",
    "k9s",
    "Lens",
    "OpenLens",
    "headlamp",
    "dashboard",
    "Mozilla",
];

/// Whether `manager` matches one of `patterns` (`*` at the end matches any suffix), without
/// case.
pub fn manager_matches<S: AsRef<str>>(patterns: &[S], manager: &str) -> bool {
    let manager = manager.to_ascii_lowercase();
    patterns.iter().any(|pattern| {
        let pattern = pattern.as_ref().to_ascii_lowercase();
        match pattern.strip_suffix('*') {
            Some(prefix) => manager.starts_with(prefix),
            None => manager == pattern,
        }
    })
}

/// How drift is judged, for every application.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct DriftSettings {
    /// Field managers that edit by hand, whose additions to fields Git does not declare are
    /// drift; `*` at the end matches any suffix. Empty means the defaults (kubectl and its
    /// per-command managers, k9s, Lens, OpenLens, Headlamp, the dashboard, browsers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manual_managers: Vec<String>,
}

impl DriftSettings {
    /// Whether `manager` edits by hand under these settings (the defaults when none are set).
    pub fn is_manual(&self, manager: &str) -> bool {
        if self.manual_managers.is_empty() {
            manager_matches(&DEFAULT_MANUAL_MANAGERS, manager)
        } else {
            manager_matches(&self.manual_managers, manager)
        }
    }
}
