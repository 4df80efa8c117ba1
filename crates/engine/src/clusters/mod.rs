//! Clusters: reading kubeconfig the way kubectl does, resolving credentials (the keyring's,
//! the exec plugin's) in memory, keeping one client per cluster, and saying precisely why a
//! connection failed.

mod classify;
mod connect;
mod exec;
mod kubeconfig;
mod pool;
mod probe;
mod target;

pub use exec::DEFAULT_TIMEOUT as DEFAULT_EXEC_TIMEOUT;
pub use kubeconfig::{KubeconfigSource, contexts, load};
pub use pool::ClusterClients;
pub use probe::{client, probe, reachable};
pub use target::{ClusterTarget, StoredCredential, cluster_endpoint};

use shipdeck_ipc::clusters::ConnectionFailure;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("reading the kubeconfig failed: {0}")]
    Kubeconfig(String),
    #[error(
        "the kubeconfig has no context named '{context}'; available: {available}. Re-add the cluster from the current kubeconfig"
    )]
    MissingContext { context: String, available: String },
    /// The keyring's own messages say what to do (unlock it, enter the credential again).
    #[error("{0}")]
    Credentials(#[from] crate::credentials::Error),
    #[error(
        "{what} is not in the OS keyring (it may have been removed there); enter it again in \
         Settings → Clusters for cluster '{cluster}'"
    )]
    MissingCredential { cluster: String, what: String },
    #[error("{message}")]
    Connect {
        failure: ConnectionFailure,
        message: String,
    },
}

impl Error {
    /// The failure kind for the UI.
    pub fn failure(&self) -> ConnectionFailure {
        match self {
            Error::Kubeconfig(_) | Error::MissingContext { .. } => {
                ConnectionFailure::InvalidKubeconfig
            }
            Error::Credentials(_) | Error::MissingCredential { .. } => ConnectionFailure::Other,
            Error::Connect { failure, .. } => *failure,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
