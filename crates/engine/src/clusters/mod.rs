//! Clusters: reading kubeconfig the way kubectl does, resolving credentials from the keyring in
//! memory, connecting with kube-rs, and saying precisely why a connection failed.

mod classify;
mod connect;
mod kubeconfig;

pub use connect::{ClusterTarget, client, probe};
pub use kubeconfig::{KubeconfigSource, contexts, load};

use shipdeck_ipc::clusters::ConnectionFailure;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("reading the kubeconfig failed: {0}")]
    Kubeconfig(String),
    #[error(
        "the kubeconfig has no context named '{context}'; available: {available}. Re-add the cluster from the current kubeconfig"
    )]
    MissingContext { context: String, available: String },
    #[error("reading the credential from the keyring failed: {0}")]
    Credentials(#[from] crate::credentials::Error),
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
            Error::Credentials(_) => ConnectionFailure::Other,
            Error::Connect { failure, .. } => *failure,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
