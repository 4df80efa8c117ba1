//! Clusters: added from the kubeconfig, removed, and given a credential that goes straight to
//! the OS keyring, bound to the cluster's server.

use super::error::{Error, Result, invalid};
use super::{Engine, no_secrets};
use crate::clusters::{self as kube_clusters, KubeconfigSource};
use crate::credentials::{self, CredentialKey};
use crate::monitor::cluster_target;
use crate::settings::model::Cluster;
use crate::settings::wire;
use shipdeck_ipc::clusters::KubeContext;
use shipdeck_ipc::commands::ClusterCredential as IpcCredential;
use shipdeck_ipc::config as ipc;

impl Engine {
    /// The contexts of the user's kubeconfig, as kubectl reads it.
    pub fn kube_contexts(&self) -> Result<Vec<KubeContext>> {
        let config = kube_clusters::load(&KubeconfigSource::Default)?;
        Ok(kube_clusters::contexts(&config))
    }

    pub fn add_cluster(&self, id: &str, context: &str) -> Result<ipc::Settings> {
        let contexts = self.kube_contexts()?;
        if !contexts.iter().any(|c| c.name == context) {
            return invalid(format!(
                "the kubeconfig has no context named '{context}'; pick one from the list"
            ));
        }
        let (_, saved) = self.change_settings(
            |s| {
                s.clusters.push(Cluster {
                    id: id.trim().to_string(),
                    context: context.to_string(),
                    kubeconfig: vec![],
                    credential: None,
                });
                Ok::<_, Error>(())
            },
            no_secrets,
        )?;
        Ok(saved)
    }

    /// Removes a cluster no application uses, and its keyring entries.
    pub fn remove_cluster(&self, id: &str) -> Result<ipc::Settings> {
        let (_, saved) = self.change_settings(
            |s| {
                if s.cluster(id).is_none() {
                    return Err(Error::NotFound(format!("there is no cluster '{id}'")));
                }
                if let Some(used) = s.applications.iter().find(|a| a.cluster == id) {
                    return invalid(format!(
                        "application '{}' deploys to cluster '{id}'; remove or move it first",
                        used.id
                    ));
                }
                s.clusters.retain(|c| c.id != id);
                Ok(())
            },
            |()| {
                for key in cluster_keys(id) {
                    self.secrets.delete(&key)?;
                }
                Ok(())
            },
        )?;
        Ok(saved)
    }

    /// Moves a token or client key typed by the user into the OS keyring, bound to the
    /// cluster's server, marks the cluster as having it, and checks the cluster again at once.
    pub fn set_cluster_credential(
        &self,
        id: &str,
        kind: IpcCredential,
        value: &str,
    ) -> Result<ipc::Settings> {
        let (key, secret) = credentials::cluster_credential(id, kind, value)?;
        let credential = Some(wire::credential_from_ipc(kind));
        let ((_, same_kind), saved) = self.change_settings(
            |s| {
                let Some(cluster) = s.clusters.iter_mut().find(|c| c.id == id) else {
                    return Err(Error::NotFound(format!("there is no cluster '{id}'")));
                };
                let endpoint = kube_clusters::cluster_endpoint(&cluster_target(cluster))?;
                let same_kind = cluster.credential == credential;
                cluster.credential = credential;
                Ok((endpoint, same_kind))
            },
            |(endpoint, _)| {
                self.secrets.set_bound(&key, endpoint, &secret)?;
                // One credential per cluster: the other kind, if stored before, is removed so it
                // cannot be sent along.
                for other in cluster_keys(id).into_iter().filter(|k| *k != key) {
                    self.secrets.delete(&other)?;
                }
                Ok(())
            },
        )?;
        // Another kind changed the entry, which the monitor restarted already.
        if same_kind {
            self.monitor.restart_cluster(id);
        }
        Ok(saved)
    }
}

fn cluster_keys(id: &str) -> [CredentialKey; 2] {
    [
        CredentialKey::ClusterToken(id.to_string()),
        CredentialKey::ClusterClientKey(id.to_string()),
    ]
}
