//! Format 1 of `settings.toml` (Shipdeck 0.1), frozen here so it can always be read and
//! migrated. Do not change these types: they describe files that exist on users' disks.

use super::model;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Settings {
    #[serde(default)]
    clusters: Vec<Cluster>,
    #[serde(default)]
    repositories: Vec<Repository>,
    #[serde(default)]
    applications: Vec<Application>,
}

#[derive(Deserialize)]
struct Cluster {
    id: String,
    context: String,
    #[serde(default)]
    kubeconfig: Vec<String>,
}

#[derive(Deserialize)]
struct Repository {
    id: String,
    url: String,
    #[serde(default)]
    auth: Auth,
    #[serde(default = "interval")]
    poll_interval_secs: u32,
}

fn interval() -> u32 {
    30
}

#[derive(Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Auth {
    #[default]
    None,
    Https {
        username: String,
    },
    SshKey {
        private_key: String,
        has_passphrase: bool,
    },
    SshAgent,
}

#[derive(Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
enum Revision {
    Branch(String),
    Tag(String),
    Commit(String),
}

#[derive(Deserialize)]
struct Application {
    id: String,
    repository: String,
    revision: Revision,
    path: String,
    cluster: String,
    namespace: String,
}

/// Format 1 to format 2. Clusters get no stored-credential marker: format 1 kept cluster
/// secrets in the keyring unbound to their server, and those are not used any more (see the
/// README), so the keyring is not read for them until a credential is entered again.
pub fn migrate(old: Settings) -> model::Settings {
    model::Settings {
        clusters: old
            .clusters
            .into_iter()
            .map(|c| model::Cluster {
                id: c.id,
                context: c.context,
                kubeconfig: c.kubeconfig,
                credential: None,
            })
            .collect(),
        repositories: old
            .repositories
            .into_iter()
            .map(|r| model::Repository {
                id: r.id,
                url: r.url,
                auth: match r.auth {
                    Auth::None => model::RepositoryAuth::None,
                    Auth::Https { username } => model::RepositoryAuth::Https { username },
                    Auth::SshKey {
                        private_key,
                        has_passphrase,
                    } => model::RepositoryAuth::SshKey {
                        private_key,
                        has_passphrase,
                    },
                    Auth::SshAgent => model::RepositoryAuth::SshAgent,
                },
                poll_interval_secs: r.poll_interval_secs,
            })
            .collect(),
        applications: old
            .applications
            .into_iter()
            .map(|a| model::Application {
                id: a.id,
                repository: a.repository,
                revision: match a.revision {
                    Revision::Branch(n) => model::Revision::Branch(n),
                    Revision::Tag(n) => model::Revision::Tag(n),
                    Revision::Commit(n) => model::Revision::Commit(n),
                },
                path: a.path,
                cluster: a.cluster,
                namespace: a.namespace,
                helm: model::Helm::default(),
                ignore: Vec::new(),
                sync: Default::default(),
            })
            .collect(),
        drift: model::Drift::default(),
        deployments: Default::default(),
        teams: Vec::new(),
    }
}
