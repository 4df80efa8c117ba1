//! Health of a live object, the way Argo CD and kubectl judge it (`../shared/design/domain.md`),
//! one file per kind: Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, Service, Ingress,
//! PersistentVolumeClaim, Job, CronJob and HorizontalPodAutoscaler. An application's health is
//! the worst of the resources it declares ([`worst`], in the order [`HealthStatus`] pins).
//!
//! Pure: each assessment reads the object's JSON as the API server returned it. A kind without
//! a rule has no health (`None`), as in Argo CD, and does not weigh on its application.

mod cronjob;
mod daemonset;
mod deployment;
mod hpa;
mod ingress;
mod job;
mod pod;
mod pvc;
mod replicaset;
mod service;
mod statefulset;

use serde_json::Value;
use shipdeck_ipc::status::HealthStatus;

/// A health and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub status: HealthStatus,
    pub message: Option<String>,
}

impl Health {
    pub fn healthy() -> Self {
        Self {
            status: HealthStatus::Healthy,
            message: None,
        }
    }

    pub fn new(status: HealthStatus, message: impl Into<String>) -> Self {
        Self {
            status,
            message: Some(message.into()),
        }
    }
}

/// Whether `object` is a Deployment whose `Progressing` condition says its progress deadline
/// passed, and said so before `at` (so about an earlier rollout).
pub fn deadline_passed_before(object: &Value, at: jiff::Timestamp) -> bool {
    let Some(progressing) = condition(object, "Progressing") else {
        return false;
    };
    let exceeded =
        progressing.get("reason").and_then(Value::as_str) == Some("ProgressDeadlineExceeded");
    let updated = progressing
        .get("lastUpdateTime")
        .and_then(Value::as_str)
        .and_then(|t| t.parse::<jiff::Timestamp>().ok());
    exceeded && updated.is_some_and(|t| t < at)
}

/// The health of `object` (a live object as JSON); `None` for a kind without a rule.
pub fn assess(object: &Value) -> Option<Health> {
    if object.pointer("/metadata/deletionTimestamp").is_some() {
        return Some(Health::new(HealthStatus::Progressing, "Pending deletion"));
    }
    let api_version = text(object, "/apiVersion");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    match (group, text(object, "/kind")) {
        ("apps", "Deployment") => Some(deployment::assess(object)),
        ("apps", "StatefulSet") => Some(statefulset::assess(object)),
        ("apps", "DaemonSet") => Some(daemonset::assess(object)),
        ("apps", "ReplicaSet") => Some(replicaset::assess(object)),
        ("", "Pod") => Some(pod::assess(object)),
        ("", "Service") => Some(service::assess(object)),
        ("", "PersistentVolumeClaim") => Some(pvc::assess(object)),
        ("networking.k8s.io", "Ingress") => Some(ingress::assess(object)),
        ("batch", "Job") => Some(job::assess(object)),
        ("batch", "CronJob") => Some(cronjob::assess(object)),
        ("autoscaling", "HorizontalPodAutoscaler") => Some(hpa::assess(object)),
        _ => None,
    }
}

/// The worst of `statuses` (Healthy when there are none).
pub fn worst(statuses: impl IntoIterator<Item = HealthStatus>) -> HealthStatus {
    statuses.into_iter().max().unwrap_or(HealthStatus::Healthy)
}

fn text<'v>(object: &'v Value, pointer: &str) -> &'v str {
    object
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn int(object: &Value, pointer: &str) -> Option<i64> {
    object.pointer(pointer).and_then(Value::as_i64)
}

/// Whether the controller has seen the latest spec (`metadata.generation` ≤
/// `status.observedGeneration`).
fn observed(object: &Value) -> bool {
    match (
        int(object, "/metadata/generation"),
        int(object, "/status/observedGeneration"),
    ) {
        (Some(generation), Some(seen)) => generation <= seen,
        (None, _) => true,
        (Some(_), None) => false,
    }
}

/// The condition of `kind` in `status.conditions`.
fn condition<'v>(object: &'v Value, kind: &str) -> Option<&'v Value> {
    object
        .pointer("/status/conditions")
        .and_then(Value::as_array)?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(kind))
}

/// A load balancer has an address (`status.loadBalancer.ingress`).
fn has_address(object: &Value) -> bool {
    object
        .pointer("/status/loadBalancer/ingress")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn anything_being_deleted_is_progressing_and_unknown_kinds_have_no_health() {
        let deleting = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"deletionTimestamp": "2026-11-29T10:00:00Z"}});
        assert_eq!(assess(&deleting).unwrap().status, HealthStatus::Progressing);
        assert_eq!(
            assess(&json!({"apiVersion": "v1", "kind": "ConfigMap"})),
            None
        );
        assert_eq!(
            assess(&json!({"apiVersion": "example.com/v1", "kind": "Deployment"})),
            None,
            "a Deployment of another group is not apps/Deployment"
        );
    }

    #[test]
    fn the_worst_wins_in_the_pinned_order() {
        use HealthStatus::*;
        assert_eq!(worst([Healthy, Progressing, Suspended]), Progressing);
        assert_eq!(worst([Missing, Degraded]), Degraded);
        assert_eq!(worst([Degraded, Unknown]), Unknown);
        assert_eq!(worst([]), Healthy);
    }
}
