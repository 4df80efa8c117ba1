//! Clusters as the UI sees them: kubeconfig contexts, connection checks and their failures.

use serde::{Deserialize, Serialize};

/// How a kubeconfig user authenticates. Only the kind is shown, never the material.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum AuthMethod {
    Token,
    ClientCertificate,
    /// An exec credential plugin, e.g. `aws`, `gke-gcloud-auth-plugin`.
    Exec {
        command: String,
    },
    Password,
    /// No credential in the kubeconfig: one from the keyring is needed.
    None,
}

/// A context found in the kubeconfig.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KubeContext {
    pub name: String,
    pub cluster: String,
    pub server: Option<String>,
    pub user: Option<String>,
    pub namespace: Option<String>,
    pub auth: AuthMethod,
    pub is_current: bool,
}

/// What a successful connection check learned.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClusterProbe {
    pub server_version: String,
    pub platform: String,
    /// Round trip of the version request, in milliseconds.
    pub rtt_ms: u32,
    /// What the user should know although the check passed, e.g. that TLS verification is
    /// off for this cluster.
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// Why a cluster could not be reached, so the UI can say what to do about it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum ConnectionFailure {
    /// Nothing answers at the server address (refused, reset, or timed out).
    Unreachable,
    /// The server's host name does not resolve.
    Dns,
    /// TLS failed: the server certificate does not match the CA, or the CA/cert is invalid.
    Tls,
    /// The server rejected the credentials (401).
    Unauthorized,
    /// The credentials are valid but lack permission (403).
    Forbidden,
    /// The kubeconfig names an exec plugin that is not installed.
    ExecPluginMissing,
    /// The kubeconfig has no such context, or cannot be read.
    InvalidKubeconfig,
    /// Anything else; the message has the detail.
    Other,
}
