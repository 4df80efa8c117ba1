//! The settings as Shipdeck keeps them on disk (format 2) and works with in memory. These types
//! belong to the engine: the IPC types are mapped to and from them at the boundary
//! ([`super::wire`]), so renaming a field on the wire never changes `settings.toml`.

use serde::{Deserialize, Serialize};

/// Everything Shipdeck is configured with.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Settings {
    #[serde(default)]
    pub clusters: Vec<Cluster>,
    #[serde(default)]
    pub repositories: Vec<Repository>,
    #[serde(default)]
    pub applications: Vec<Application>,
    #[serde(default, skip_serializing_if = "Drift::is_default")]
    pub drift: Drift,
    #[serde(default, skip_serializing_if = "Deployments::is_default")]
    pub deployments: Deployments,
    /// Named groups of applications, for the team's DORA metrics.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<Team>,
}

/// A named group of applications (`[[teams]]`), measured together.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Team {
    pub id: String,
    #[serde(default)]
    pub applications: Vec<String>,
}

/// Where deployment records and sync leases live in each cluster.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Deployments {
    /// Empty means [`crate::records::DEFAULT_NAMESPACE`].
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
}

impl Deployments {
    fn is_default(&self) -> bool {
        self == &Deployments::default()
    }

    pub fn namespace(&self) -> &str {
        if self.namespace.is_empty() {
            crate::records::DEFAULT_NAMESPACE
        } else {
            &self.namespace
        }
    }
}

/// How drift is judged, for every application.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Drift {
    /// Field managers that edit by hand; empty means
    /// [`crate::drift::policy::DEFAULT_MANUAL_MANAGERS`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manual_managers: Vec<String>,
}

impl Drift {
    fn is_default(&self) -> bool {
        self == &Drift::default()
    }

    /// What counts as drift for every application, before its own ignore rules.
    pub fn policy(&self) -> crate::drift::policy::Policy {
        let mut policy = crate::drift::policy::Policy::default();
        if !self.manual_managers.is_empty() {
            policy.manual_managers = self.manual_managers.clone();
        }
        policy
    }
}

/// A kubeconfig context, remembered by id.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Cluster {
    pub id: String,
    pub context: String,
    /// Kubeconfig files merged in order; empty means `KUBECONFIG` or `~/.kube/config`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kubeconfig: Vec<String>,
    /// The credential Shipdeck stored in the OS keyring for this cluster. Without one the
    /// keyring is never touched for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<ClusterCredential>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ClusterCredential {
    Token,
    ClientKey,
}

/// A Git repository of manifests.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Repository {
    pub id: String,
    pub url: String,
    #[serde(default)]
    pub auth: RepositoryAuth,
    #[serde(default = "default_poll_interval")]
    pub poll_interval_secs: u32,
}

pub const DEFAULT_POLL_INTERVAL_SECS: u32 = 30;

fn default_poll_interval() -> u32 {
    DEFAULT_POLL_INTERVAL_SECS
}

/// How Shipdeck authenticates to a remote; the secret itself is in the keyring.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RepositoryAuth {
    #[default]
    None,
    /// A password or token; an empty username sends a token the way forges expect.
    Https {
        username: String,
    },
    SshKey {
        private_key: String,
        has_passphrase: bool,
    },
    SshAgent,
}

impl RepositoryAuth {
    /// A stable name for the kind of authentication, part of what a stored secret is bound to.
    pub fn kind(&self) -> &'static str {
        match self {
            RepositoryAuth::None => "none",
            RepositoryAuth::Https { .. } => "https",
            RepositoryAuth::SshKey { .. } => "ssh_key",
            RepositoryAuth::SshAgent => "ssh_agent",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Revision {
    Branch(String),
    Tag(String),
    Commit(String),
}

/// (repository, revision, path) deployed to (cluster, namespace).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Application {
    pub id: String,
    pub repository: String,
    pub revision: Revision,
    /// Relative to the repository root, `/`-separated; empty for the root.
    pub path: String,
    pub cluster: String,
    pub namespace: String,
    #[serde(default, skip_serializing_if = "Helm::is_default")]
    pub helm: Helm,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<IgnoreRule>,
    #[serde(default, skip_serializing_if = "SyncPolicy::is_default")]
    pub sync: SyncPolicy,
}

/// Auto-sync, self-heal and prune for one application; all off by default.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct SyncPolicy {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub auto_sync: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub self_heal: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prune: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_manifests: Option<u32>,
}

impl SyncPolicy {
    fn is_default(&self) -> bool {
        self == &SyncPolicy::default()
    }

    pub fn keep_manifests(&self) -> usize {
        self.keep_manifests
            .map_or(crate::records::DEFAULT_KEEP_MANIFESTS, |k| k as usize)
    }
}

pub use crate::drift::policy::IgnoreRule;

/// Helm options; used when the application's path holds a chart.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Helm {
    /// Relative to the repository root.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values_files: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub values: String,
    /// Empty means the application id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub release_name: String,
}

impl Helm {
    fn is_default(&self) -> bool {
        self == &Helm::default()
    }
}

impl Application {
    /// What counts as drift for this application, under `drift`.
    pub fn policy(&self, drift: &Drift) -> crate::drift::policy::Policy {
        crate::drift::policy::Policy {
            ignore: self.ignore.clone(),
            ..drift.policy()
        }
    }

    pub fn release_name(&self) -> &str {
        if self.helm.release_name.is_empty() {
            &self.id
        } else {
            &self.helm.release_name
        }
    }

    /// How its chart is rendered: the values files in order, then the inline values (when not
    /// blank), as the window and the command line both render it.
    pub fn helm_options(&self) -> crate::manifests::HelmOptions {
        let mut helm = crate::manifests::HelmOptions::default();
        for file in &self.helm.values_files {
            helm = helm.values_file(file);
        }
        if !self.helm.values.trim().is_empty() {
            helm = helm.values(self.helm.values.clone());
        }
        helm
    }
}

impl Settings {
    pub fn cluster(&self, id: &str) -> Option<&Cluster> {
        self.clusters.iter().find(|c| c.id == id)
    }

    pub fn repository(&self, id: &str) -> Option<&Repository> {
        self.repositories.iter().find(|r| r.id == id)
    }

    pub fn application(&self, id: &str) -> Option<&Application> {
        self.applications.iter().find(|a| a.id == id)
    }

    pub fn application_mut(&mut self, id: &str) -> Option<&mut Application> {
        self.applications.iter_mut().find(|a| a.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifests::HelmOptions;

    #[test]
    fn helm_options_are_the_values_files_in_order_then_inline_values_unless_blank() {
        let mut app = Application {
            id: "web".into(),
            repository: "r".into(),
            revision: Revision::Branch("main".into()),
            path: "chart".into(),
            cluster: "c".into(),
            namespace: "ns".into(),
            helm: Helm {
                values_files: vec!["values.yaml".into(), "prod.yaml".into()],
                values: "replicas: 2\n".into(),
                release_name: "shop".into(),
            },
            ignore: Vec::new(),
            sync: Default::default(),
        };
        assert_eq!(
            app.helm_options(),
            HelmOptions::default()
                .values_file("values.yaml")
                .values_file("prod.yaml")
                .values("replicas: 2\n")
        );
        app.helm.values = " \n".into();
        assert_eq!(app.helm_options().values, None);
    }
}
