//! KWOK: fake nodes whose pods become Running and Ready without a kubelet, and the pod stages
//! that implement Shipdeck's failure convention (see `kwok-stages.yaml`).

use super::api;
use super::layout::{self, Cluster};
use super::pki::Pki;
use anyhow::Result;
use std::time::Duration;

/// The pod stages: KWOK's defaults plus the `:broken` image convention.
pub const STAGES: &str = include_str!("kwok-stages.yaml");

/// Annotation that tells KWOK a node is one of its fakes.
const FAKE_NODE_ANNOTATION: (&str, &str) = ("kwok.x-k8s.io/node", "fake");
pub const NODE_NAME: &str = "kwok-node-0";

pub fn write_config() -> Result<()> {
    Ok(std::fs::write(layout::kwok_config(), STAGES)?)
}

/// Arguments for this cluster's KWOK: only annotated nodes (so it never touches a real one).
pub fn args(cluster: &Cluster) -> Vec<String> {
    let (key, value) = FAKE_NODE_ANNOTATION;
    vec![
        format!("--kubeconfig={}", cluster.components_kubeconfig().display()),
        format!("--config={}", layout::kwok_config().display()),
        "--manage-all-nodes=false".into(),
        format!("--manage-nodes-with-annotation-selector={key}={value}"),
        "--manage-nodes-with-label-selector=".into(),
    ]
}

/// Registers the fake node. Capacity and allocatable must be set or nothing schedules; the
/// taint-free node takes any pod. Node status may be set on create (a kubelet does the same).
pub fn create_node(cluster: &Cluster, pki: &Pki) -> Result<()> {
    let (key, value) = FAKE_NODE_ANNOTATION;
    let resources = r#"{"cpu":"32","memory":"256Gi","pods":"250"}"#;
    let node = format!(
        r#"{{"apiVersion":"v1","kind":"Node","metadata":{{"name":"{NODE_NAME}",
        "annotations":{{"{key}":"{value}","node.alpha.kubernetes.io/ttl":"0"}},
        "labels":{{"kubernetes.io/hostname":"{NODE_NAME}","kubernetes.io/os":"linux",
        "kubernetes.io/arch":"amd64","type":"kwok"}}}},
        "status":{{"capacity":{resources},"allocatable":{resources}}}}}"#
    );
    api::create(cluster, pki, "/api/v1/nodes", &node)
}

/// Waits until KWOK has marked the fake node Ready (it then takes pods).
pub fn wait_node_ready(cluster: &Cluster, pki: &Pki, timeout: Duration) -> bool {
    super::process::wait_until(timeout, || {
        api::get(cluster, pki, &format!("/api/v1/nodes/{NODE_NAME}"))
            // Go writes a condition's fields in declaration order: type, then status. The
            // server pretty-prints for curl, hence the whitespace removal.
            .is_ok_and(|body| {
                let compact: String = body.split_whitespace().collect();
                compact.contains(r#""type":"Ready","status":"True""#)
            })
    })
}
