//! Where the running control plane keeps its files, and which loopback ports it uses.
//!
//! Ports are fixed so a kubeconfig stays valid across restarts and `status`/`down` can check
//! them without a state file. They sit below Linux's ephemeral range (32768+), so outgoing
//! connections never take them, and away from the well-known Kubernetes ports (2379, 6443,
//! 10250-10259) so a real cluster on the same machine does not clash.

use crate::paths;
use std::path::PathBuf;

/// etcd's client port (plain HTTP on loopback; both API servers share this one etcd).
pub const ETCD_CLIENT_PORT: u16 = 17379;
/// etcd's peer port (a single-member cluster, but etcd always listens on it).
pub const ETCD_PEER_PORT: u16 = 17380;

/// One of the two clusters: its own API server, controller-manager, scheduler and KWOK, with
/// its data under its own etcd prefix.
#[derive(Clone, Copy, Debug)]
pub struct Cluster {
    /// `a` or `b`: suffix of component names and folders.
    pub id: &'static str,
    /// Name of the kubeconfig cluster and of the token-admin context.
    pub context: &'static str,
    pub apiserver_port: u16,
    /// Service IPs are only allocated, never routed; distinct ranges keep the clusters apart.
    pub service_cidr: &'static str,
}

pub const CLUSTERS: [Cluster; 2] = [
    Cluster {
        id: "a",
        context: "shipdeck-a",
        apiserver_port: 17443,
        service_cidr: "10.96.0.0/16",
    },
    Cluster {
        id: "b",
        context: "shipdeck-b",
        apiserver_port: 17444,
        service_cidr: "10.97.0.0/16",
    },
];

impl Cluster {
    pub fn server(&self) -> String {
        format!("https://127.0.0.1:{}", self.apiserver_port)
    }
    pub fn etcd_prefix(&self) -> String {
        format!("/shipdeck-{}", self.id)
    }
    /// Kubeconfig used by this cluster's controller-manager, scheduler and KWOK.
    pub fn components_kubeconfig(&self) -> PathBuf {
        root().join(format!("components-{}.kubeconfig", self.id))
    }
}

/// `<cache>/cluster`: everything the running control plane writes.
pub fn root() -> PathBuf {
    paths::cache_dir().join("cluster")
}

/// The kubeconfig for people, tests and the demo (contexts `shipdeck-a`, `shipdeck-b`, …).
pub fn kubeconfig() -> PathBuf {
    root().join("kubeconfig")
}

/// Exists while a completed `up` runs; removed by `down` and by the next cold `up`.
pub fn up_marker() -> PathBuf {
    root().join("up.ok")
}

pub fn pki_dir() -> PathBuf {
    root().join("pki")
}

pub fn etcd_data_dir() -> PathBuf {
    root().join("etcd")
}

pub fn log_dir() -> PathBuf {
    root().join("logs")
}

pub fn pid_dir() -> PathBuf {
    root().join("pids")
}

/// KWOK's stage configuration (the failure convention lives there).
pub fn kwok_config() -> PathBuf {
    root().join("kwok-stages.yaml")
}
