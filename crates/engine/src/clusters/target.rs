//! A cluster as Shipdeck stores it, and the endpoint its stored credentials are bound to.

use super::kubeconfig::load;
use super::{Error, KubeconfigSource, Result};
use crate::credentials::CredentialKey;
use kube::config::{Cluster, Context, Kubeconfig};
use shipdeck_ipc::clusters::ConnectionFailure;

/// A cluster as Shipdeck stores it: its id (the keyring key), the context, where to read it,
/// and which credential Shipdeck itself stored for it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterTarget {
    pub id: String,
    pub context: String,
    pub source: KubeconfigSource,
    /// `None`: the kubeconfig carries all the credentials and the keyring is never read, so a
    /// cluster works on a machine with no keyring at all.
    pub stored: Option<StoredCredential>,
}

/// A credential Shipdeck stored in the keyring for a cluster, filling in (or replacing) the
/// kubeconfig user's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoredCredential {
    Token,
    ClientKey,
}

impl StoredCredential {
    pub fn key(self, cluster: &str) -> CredentialKey {
        match self {
            Self::Token => CredentialKey::ClusterToken(cluster.to_string()),
            Self::ClientKey => CredentialKey::ClusterClientKey(cluster.to_string()),
        }
    }
}

/// The endpoint a cluster's stored credential is bound to: the server of its context and the
/// context's name, e.g. `https://10.0.0.1:6443 (context prod)`. Store a credential with
/// `store.set_bound(&kind.key(id), &cluster_endpoint(&target)?, &secret)`.
pub fn cluster_endpoint(target: &ClusterTarget) -> Result<String> {
    endpoint(&load(&target.source)?, target)
}

pub(super) fn endpoint(config: &Kubeconfig, target: &ClusterTarget) -> Result<String> {
    let (_, cluster) = select(config, target)?;
    let server = cluster
        .server
        .as_deref()
        .map(|s| s.trim().trim_end_matches('/'))
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::Connect {
            failure: ConnectionFailure::InvalidKubeconfig,
            message: format!(
                "context '{}' names a cluster without a server address; fix the kubeconfig",
                target.context
            ),
        })?;
    Ok(format!("{server} (context {})", target.context))
}

/// The target's context and its cluster's entry.
pub(super) fn select<'a>(
    config: &'a Kubeconfig,
    target: &ClusterTarget,
) -> Result<(&'a Context, &'a Cluster)> {
    let Some(context) = config
        .contexts
        .iter()
        .find(|c| c.name == target.context)
        .and_then(|c| c.context.as_ref())
    else {
        let available: Vec<_> = config.contexts.iter().map(|c| c.name.as_str()).collect();
        return Err(Error::MissingContext {
            context: target.context.clone(),
            available: if available.is_empty() {
                "none".into()
            } else {
                available.join(", ")
            },
        });
    };
    let cluster = config
        .clusters
        .iter()
        .find(|c| c.name == context.cluster)
        .and_then(|c| c.cluster.as_ref())
        .ok_or_else(|| Error::Connect {
            failure: ConnectionFailure::InvalidKubeconfig,
            message: format!(
                "context '{}' names cluster '{}', which the kubeconfig does not define; fix the \
                 kubeconfig or re-add the cluster",
                target.context, context.cluster
            ),
        })?;
    Ok((context, cluster))
}
