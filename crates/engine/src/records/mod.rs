//! Deployment records: what each sync, rollback and undo did, kept where the team can read
//! it. Like Helm's release records, each is written to the cluster it deployed to, as Secrets
//! in one namespace ([`cluster`]), so a colleague sees it, rolls back to it and counts it;
//! where the cluster refuses (no permission), on this desk only ([`local`]), with Secret
//! values masked. A record is written when its deployment starts and updated when it ends, so
//! one cut off stays visible as such.

pub mod cluster;
pub mod codec;
pub mod lease;
pub mod local;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use shipdeck_ipc::deploy::{Deployment, ResourceRef};

/// The namespace records and leases live in unless the settings name another.
pub const DEFAULT_NAMESPACE: &str = "shipdeck-system";

/// How many of an application's newest records keep their manifests; older ones keep only
/// their metadata (they still count in the history, but cannot be rolled back to).
pub const DEFAULT_KEEP_MANIFESTS: usize = 10;

/// A record: the deployment as the team sees it, and the manifests it applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub deployment: Deployment,
    /// `None` once dropped for age.
    pub manifests: Option<Vec<Manifest>>,
}

/// One object as it was applied (with its tracking annotation).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub resource: ResourceRef,
    /// The version part of its apiVersion.
    pub version: String,
    pub object: Value,
}

/// Why records could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The cluster refused (RBAC): the caller falls back to this desk and says so.
    #[error("the cluster refused access to deployment records in namespace {namespace}: {message}")]
    Forbidden { namespace: String, message: String },
    #[error("deployment {0} has no record")]
    NotFound(String),
    #[error("the deployment record {name} is damaged: {message}")]
    Damaged { name: String, message: String },
    #[error("{0}")]
    Cluster(String),
    /// Written by someone else since it was read (a resourceVersion precondition failed).
    #[error("the record changed while it was being written: {0}")]
    Conflict(String),
    #[error("the local deployment records could not be used: {0}")]
    Local(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// The id of deployment `seq` of `app`.
pub fn id(app: &str, seq: u64) -> String {
    format!("{app}.{seq}")
}

/// The application and sequence number in a deployment id.
pub fn parse_id(id: &str) -> Option<(&str, u64)> {
    let (app, seq) = id.rsplit_once('.')?;
    Some((app, seq.parse().ok()?))
}
