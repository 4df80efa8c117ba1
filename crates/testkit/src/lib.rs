//! Test helpers for Shipdeck's integration tests against the local control plane
//! (`cargo xtask cluster up`, see `docs/cluster.md`).
//!
//! - [`kubeconfig`] finds the cluster and starts it once per test run if it is not up.
//! - [`client`] gives a client for a named context (`shipdeck-a`, `shipdeck-b-cert`, …).
//! - [`with_namespace`] runs a test body in a fresh, labelled namespace and deletes it after,
//!   even when the body panics (keep it with `SHIPDECK_KEEP_NAMESPACES=1`).
//! - [`eventually`] polls a condition with a bound and fails with the last observation.

mod cluster;
mod namespace;
pub mod ports;
mod wait;

pub use cluster::{client, kubeconfig};
pub use namespace::{TEST_LABEL, with_namespace};
pub use ports::free_port;
pub use wait::eventually;

/// Context names written by `cargo xtask cluster up`.
pub mod contexts {
    /// Cluster A, token user bound to cluster-admin.
    pub const A: &str = "shipdeck-a";
    /// Cluster B, token user bound to cluster-admin.
    pub const B: &str = "shipdeck-b";
    /// Cluster A, client-certificate user bound to cluster-admin.
    pub const A_CERT: &str = "shipdeck-a-cert";
    /// Cluster B, client-certificate user bound to cluster-admin.
    pub const B_CERT: &str = "shipdeck-b-cert";
    /// Cluster A, token user with no RBAC rights.
    pub const A_NOBODY: &str = "shipdeck-a-nobody";
    /// Cluster B, token user with no RBAC rights.
    pub const B_NOBODY: &str = "shipdeck-b-nobody";
}
