//! The settings as the UI sees them (`shipdeck_ipc::config`) and as the engine keeps them
//! ([`super::model`]). The only place the two meet.

use super::model;
use shipdeck_ipc::commands::ClusterCredential;
use shipdeck_ipc::config as ipc;

pub fn to_ipc(s: &model::Settings) -> ipc::Settings {
    ipc::Settings {
        clusters: s.clusters.iter().map(cluster_to_ipc).collect(),
        repositories: s.repositories.iter().map(repository_to_ipc).collect(),
        applications: s.applications.iter().map(application_to_ipc).collect(),
        drift: ipc::DriftSettings {
            manual_managers: s.drift.manual_managers.clone(),
        },
        deployments: ipc::DeploymentSettings {
            namespace: s.deployments.namespace.clone(),
        },
        teams: s
            .teams
            .iter()
            .map(|t| ipc::TeamEntry {
                id: t.id.clone(),
                applications: t.applications.clone(),
            })
            .collect(),
    }
}

pub fn cluster_to_ipc(c: &model::Cluster) -> ipc::ClusterEntry {
    ipc::ClusterEntry {
        id: c.id.clone(),
        context: c.context.clone(),
        kubeconfig: c.kubeconfig.clone(),
        credential: c.credential.map(credential_to_ipc),
    }
}

pub fn credential_to_ipc(c: model::ClusterCredential) -> ClusterCredential {
    match c {
        model::ClusterCredential::Token => ClusterCredential::Token,
        model::ClusterCredential::ClientKey => ClusterCredential::ClientKey,
    }
}

pub fn credential_from_ipc(c: ClusterCredential) -> model::ClusterCredential {
    match c {
        ClusterCredential::Token => model::ClusterCredential::Token,
        ClusterCredential::ClientKey => model::ClusterCredential::ClientKey,
    }
}

pub fn repository_to_ipc(r: &model::Repository) -> ipc::RepositoryEntry {
    ipc::RepositoryEntry {
        id: r.id.clone(),
        url: r.url.clone(),
        auth: match &r.auth {
            model::RepositoryAuth::None => ipc::RepoAuth::None,
            model::RepositoryAuth::Https { username } => ipc::RepoAuth::Https {
                username: username.clone(),
            },
            model::RepositoryAuth::SshKey {
                private_key,
                has_passphrase,
            } => ipc::RepoAuth::SshKey {
                private_key: private_key.clone(),
                has_passphrase: *has_passphrase,
            },
            model::RepositoryAuth::SshAgent => ipc::RepoAuth::SshAgent,
        },
        poll_interval_secs: r.poll_interval_secs,
    }
}

pub fn repository_from_ipc(r: ipc::RepositoryEntry) -> model::Repository {
    model::Repository {
        id: r.id,
        url: r.url.trim().to_string(),
        auth: match r.auth {
            ipc::RepoAuth::None => model::RepositoryAuth::None,
            ipc::RepoAuth::Https { username } => model::RepositoryAuth::Https {
                username: username.trim().to_string(),
            },
            ipc::RepoAuth::SshKey {
                private_key,
                has_passphrase,
            } => model::RepositoryAuth::SshKey {
                private_key: private_key.trim().to_string(),
                has_passphrase,
            },
            ipc::RepoAuth::SshAgent => model::RepositoryAuth::SshAgent,
        },
        poll_interval_secs: r.poll_interval_secs,
    }
}

pub fn revision_to_ipc(r: &model::Revision) -> ipc::Revision {
    match r {
        model::Revision::Branch(n) => ipc::Revision::Branch(n.clone()),
        model::Revision::Tag(n) => ipc::Revision::Tag(n.clone()),
        model::Revision::Commit(n) => ipc::Revision::Commit(n.clone()),
    }
}

pub fn revision_from_ipc(r: ipc::Revision) -> model::Revision {
    match r {
        ipc::Revision::Branch(n) => model::Revision::Branch(n.trim().to_string()),
        ipc::Revision::Tag(n) => model::Revision::Tag(n.trim().to_string()),
        ipc::Revision::Commit(n) => model::Revision::Commit(n.trim().to_string()),
    }
}

pub fn application_to_ipc(a: &model::Application) -> ipc::ApplicationEntry {
    ipc::ApplicationEntry {
        id: a.id.clone(),
        repository: a.repository.clone(),
        revision: revision_to_ipc(&a.revision),
        path: a.path.clone(),
        cluster: a.cluster.clone(),
        namespace: a.namespace.clone(),
        helm: ipc::HelmSettings {
            values_files: a.helm.values_files.clone(),
            values: a.helm.values.clone(),
            release_name: a.helm.release_name.clone(),
        },
        ignore: a.ignore.iter().map(ignore_rule_to_ipc).collect(),
        sync: ipc::SyncPolicy {
            auto_sync: a.sync.auto_sync,
            self_heal: a.sync.self_heal,
            prune: a.sync.prune,
            keep_manifests: a.sync.keep_manifests,
        },
    }
}

pub fn ignore_rule_to_ipc(r: &model::IgnoreRule) -> ipc::IgnoreRule {
    match r {
        model::IgnoreRule::Pointer { pointer, kind } => ipc::IgnoreRule::Pointer {
            pointer: pointer.clone(),
            kind: kind.clone(),
        },
        model::IgnoreRule::Manager { manager } => ipc::IgnoreRule::Manager {
            manager: manager.clone(),
        },
    }
}

/// Trimmed; a blank kind means every kind.
pub fn ignore_rule_from_ipc(r: ipc::IgnoreRule) -> model::IgnoreRule {
    match r {
        ipc::IgnoreRule::Pointer { pointer, kind } => model::IgnoreRule::Pointer {
            pointer: pointer.trim().to_string(),
            kind: kind.map(|k| k.trim().to_string()).filter(|k| !k.is_empty()),
        },
        ipc::IgnoreRule::Manager { manager } => model::IgnoreRule::Manager {
            manager: manager.trim().to_string(),
        },
    }
}

pub fn application_from_ipc(a: ipc::ApplicationEntry) -> model::Application {
    model::Application {
        id: a.id,
        repository: a.repository,
        revision: revision_from_ipc(a.revision),
        path: a.path.trim().trim_matches('/').to_string(),
        cluster: a.cluster,
        namespace: a.namespace.trim().to_string(),
        helm: model::Helm {
            values_files: a
                .helm
                .values_files
                .into_iter()
                .map(|f| f.trim().to_string())
                .filter(|f| !f.is_empty())
                .collect(),
            values: a.helm.values,
            release_name: a.helm.release_name.trim().to_string(),
        },
        ignore: a.ignore.into_iter().map(ignore_rule_from_ipc).collect(),
        sync: sync_policy_from_ipc(a.sync),
    }
}

pub fn sync_policy_from_ipc(p: ipc::SyncPolicy) -> model::SyncPolicy {
    model::SyncPolicy {
        auto_sync: p.auto_sync,
        self_heal: p.self_heal,
        prune: p.prune,
        keep_manifests: p.keep_manifests,
    }
}
