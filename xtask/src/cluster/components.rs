//! The processes of the control plane and their command lines. One etcd serves both clusters
//! (each API server under its own `--etcd-prefix`), which saves one process's CPU and memory;
//! each cluster has its own API server, controller-manager, scheduler and KWOK.

use super::build::Binaries;
use super::kwok;
use super::layout::{self, CLUSTERS, Cluster, ETCD_CLIENT_PORT, ETCD_PEER_PORT};
use super::pki::Pki;
use std::path::PathBuf;

/// One process to run: its name (pid and log files), binary, arguments and listening port.
pub struct Component {
    pub name: String,
    pub binary: PathBuf,
    pub args: Vec<String>,
    /// The port it listens on, if it serves anything we need.
    pub port: Option<u16>,
}

/// Names of every component, in start order; `down` stops them in reverse.
pub fn names() -> Vec<String> {
    let mut names = vec!["etcd".to_string()];
    for prefix in [
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "kwok",
    ] {
        names.extend(CLUSTERS.iter().map(|c| format!("{prefix}-{}", c.id)));
    }
    names
}

/// Every port the control plane listens on (for `status` and `verify_down`).
pub fn ports() -> Vec<u16> {
    let mut ports = vec![ETCD_CLIENT_PORT, ETCD_PEER_PORT];
    ports.extend(CLUSTERS.iter().map(|c| c.apiserver_port));
    ports
}

/// The listening port of a component, by name.
pub fn port_of(name: &str) -> Option<u16> {
    if name == "etcd" {
        return Some(ETCD_CLIENT_PORT);
    }
    let cluster = CLUSTERS
        .iter()
        .find(|c| name == format!("kube-apiserver-{}", c.id))?;
    Some(cluster.apiserver_port)
}

pub fn etcd(bins: &Binaries) -> Component {
    let client = format!("http://127.0.0.1:{ETCD_CLIENT_PORT}");
    let peer = format!("http://127.0.0.1:{ETCD_PEER_PORT}");
    Component {
        name: "etcd".into(),
        binary: bins.get("etcd"),
        args: vec![
            "--name=shipdeck".into(),
            format!("--data-dir={}", layout::etcd_data_dir().display()),
            format!("--listen-client-urls={client}"),
            format!("--advertise-client-urls={client}"),
            format!("--listen-peer-urls={peer}"),
            format!("--initial-advertise-peer-urls={peer}"),
            format!("--initial-cluster=shipdeck={peer}"),
            // Throwaway test data: skipping fsync keeps a shared 2-core machine responsive.
            "--unsafe-no-fsync=true".into(),
            "--log-level=warn".into(),
        ],
        port: Some(ETCD_CLIENT_PORT),
    }
}

pub fn apiserver(bins: &Binaries, cluster: &Cluster, pki: &Pki) -> Component {
    let path = |p: &PathBuf| p.display().to_string();
    Component {
        name: format!("kube-apiserver-{}", cluster.id),
        binary: bins.get("kube-apiserver"),
        args: vec![
            format!("--etcd-servers=http://127.0.0.1:{ETCD_CLIENT_PORT}"),
            format!("--etcd-prefix={}", cluster.etcd_prefix()),
            "--bind-address=127.0.0.1".into(),
            "--advertise-address=127.0.0.1".into(),
            format!("--secure-port={}", cluster.apiserver_port),
            format!("--tls-cert-file={}", path(&pki.serving_cert)),
            format!("--tls-private-key-file={}", path(&pki.serving_key)),
            format!("--client-ca-file={}", path(&pki.ca_cert)),
            format!("--token-auth-file={}", path(&pki.token_file)),
            "--authorization-mode=RBAC".into(),
            format!("--service-account-issuer={}", cluster.server()),
            format!(
                "--service-account-key-file={}",
                path(&pki.service_account_key)
            ),
            format!(
                "--service-account-signing-key-file={}",
                path(&pki.service_account_key)
            ),
            format!("--service-cluster-ip-range={}", cluster.service_cidr),
            // The `kubernetes` Service's endpoints would point at 127.0.0.1, which endpoint
            // validation rejects; nothing here routes Service traffic anyway.
            "--endpoint-reconciler-type=none".into(),
            "--profiling=false".into(),
        ],
        port: Some(cluster.apiserver_port),
    }
}

pub fn controller_manager(bins: &Binaries, cluster: &Cluster, pki: &Pki) -> Component {
    Component {
        name: format!("kube-controller-manager-{}", cluster.id),
        binary: bins.get("kube-controller-manager"),
        args: vec![
            format!("--kubeconfig={}", cluster.components_kubeconfig().display()),
            // nodeipam would hand out pod CIDRs to nodes; KWOK assigns pod IPs itself.
            "--controllers=*,-nodeipam".into(),
            format!(
                "--service-account-private-key-file={}",
                pki.service_account_key.display()
            ),
            format!("--root-ca-file={}", pki.ca_cert.display()),
            "--leader-elect=false".into(),
            // KWOK reports its node's status about once a minute, past the default 50 s grace:
            // the node would flap NotReady and take its pods' readiness with it.
            "--node-monitor-grace-period=5m".into(),
            // No metrics/health endpoint: one fewer port per cluster to clash or leak.
            "--secure-port=0".into(),
            "--profiling=false".into(),
        ],
        port: None,
    }
}

pub fn scheduler(bins: &Binaries, cluster: &Cluster) -> Component {
    Component {
        name: format!("kube-scheduler-{}", cluster.id),
        binary: bins.get("kube-scheduler"),
        args: vec![
            format!("--kubeconfig={}", cluster.components_kubeconfig().display()),
            "--leader-elect=false".into(),
            "--secure-port=0".into(),
            "--profiling=false".into(),
        ],
        port: None,
    }
}

pub fn kwok(bins: &Binaries, cluster: &Cluster) -> Component {
    Component {
        name: format!("kwok-{}", cluster.id),
        binary: bins.get("kwok"),
        args: kwok::args(cluster),
        port: None,
    }
}
