//! Test helpers for Shipdeck's integration tests against the local control plane
//! (`cargo xtask cluster up`, see `docs/cluster.md`).
//!
//! - [`kubeconfig`] finds the cluster and starts it once per test run if it is not up.
//! - [`client`] gives a client for a named context (`shipdeck-a`, `shipdeck-b-cert`, …).
//! - [`with_namespace`] runs a test body in a fresh, labelled namespace and deletes it after,
//!   even when the body panics (keep it with `SHIPDECK_KEEP_NAMESPACES=1`).
//! - [`eventually`] polls a condition with a bound and fails with the last observation.
//! - [`kubectl`] runs the pinned kubectl v1.34.2 (`$SHIPDECK_KUBECTL`, built and set by
//!   `cargo xtask test`) as `kubectl --kubeconfig <kubeconfig()> --context <context> <args>`,
//!   killed after [`KUBECTL_TIMEOUT`] (60 s), and returns its [`std::process::Output`];
//!   [`kubectl_ok`] also requires exit status 0 and returns stdout. Both block the calling
//!   thread and panic, naming `cargo xtask test`, when `SHIPDECK_KUBECTL` is not set.
//! - [`server_side_apply`] applies objects the way a sync does (a forced server-side apply
//!   under a field manager).
//!
//! ```no_run
//! use shipdeck_testkit::{contexts, kubectl_ok};
//!
//! let namespaces = kubectl_ok(contexts::A, &["get", "ns", "-o", "name"]);
//! assert!(namespaces.contains("namespace/kube-system"));
//! ```

mod apply;
mod cluster;
mod cut;
pub mod git_http;
mod kubectl;
pub mod manifests;
mod namespace;
pub mod ports;
pub mod server;
mod silent;
mod wait;

pub use apply::server_side_apply;
pub use cluster::{client, kubeconfig};
pub use cut::CuttableLink;
pub use kubectl::{KUBECTL_TIMEOUT, kubectl, kubectl_ok, kubectl_path, kubectl_with_env};
pub use namespace::{TEST_LABEL, with_namespace};
pub use ports::free_port;
pub use silent::SilentServer;
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
