//! What is stripped from both sides before comparing, so that only desired state is compared:
//! bookkeeping the API server writes, Shipdeck's own annotation, kubectl's copy of the last
//! applied object, status, and fields a controller fills by design.

use super::tracking;
use serde_json::Value;

/// Server bookkeeping under `metadata`, never desired state.
const METADATA: [&str; 7] = [
    "managedFields",
    "resourceVersion",
    "uid",
    "generation",
    "creationTimestamp",
    "selfLink",
    "deletionGracePeriodSeconds",
];

/// kubectl's client-side apply keeps the whole applied object here, Secret values included.
pub(crate) const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Normalises `object` in place.
pub fn normalize(object: &mut Value) {
    let aggregated = object.get("aggregationRule").is_some() && is_cluster_role(object);
    let Some(map) = object.as_object_mut() else {
        return;
    };
    // Status is what controllers observed, not what Git asks for.
    map.remove("status");
    // An aggregated ClusterRole's rules are filled by the controller from the roles it selects.
    if aggregated {
        map.remove("rules");
    }
    let Some(metadata) = map.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    for field in METADATA {
        metadata.remove(field);
    }
    for field in ["annotations", "labels"] {
        let Some(entries) = metadata.get_mut(field).and_then(Value::as_object_mut) else {
            continue;
        };
        entries.remove(tracking::ANNOTATION);
        entries.remove(LAST_APPLIED);
        if entries.is_empty() {
            metadata.remove(field);
        }
    }
}

fn is_cluster_role(object: &Value) -> bool {
    object.get("kind").and_then(Value::as_str) == Some("ClusterRole")
        && object
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("rbac.authorization.k8s.io/"))
}

/// Whether a field at `pointer` is one [`normalize`] removes (so never drift).
pub fn is_normalized_away(pointer: &str) -> bool {
    pointer == "/status"
        || pointer.starts_with("/status/")
        || METADATA.iter().any(|f| {
            pointer == format!("/metadata/{f}") || pointer.starts_with(&format!("/metadata/{f}/"))
        })
        || pointer.starts_with(&format!(
            "/metadata/annotations/{}",
            tracking::ANNOTATION.replace('/', "~1")
        ))
        || pointer.starts_with(&format!(
            "/metadata/annotations/{}",
            LAST_APPLIED.replace('/', "~1")
        ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bookkeeping_status_and_our_annotation_go_and_the_rest_stays() {
        let mut live = json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": "web",
                "uid": "1",
                "resourceVersion": "9",
                "generation": 2,
                "creationTimestamp": "2026-01-01T00:00:00Z",
                "managedFields": [{"manager": "shipdeck"}],
                "annotations": {
                    "shipdeck.dev/tracking-id": "a:apps/Deployment:/web",
                    "kubectl.kubernetes.io/last-applied-configuration": "{\"secret\":1}"
                },
                "labels": {"app": "web"}
            },
            "spec": {"replicas": 2},
            "status": {"readyReplicas": 2}
        });
        normalize(&mut live);
        assert_eq!(
            live,
            json!({
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "web", "labels": {"app": "web"}},
                "spec": {"replicas": 2}
            })
        );
    }

    #[test]
    fn an_aggregated_cluster_role_loses_its_rules_and_a_plain_one_keeps_them() {
        let role = |aggregated: bool| {
            let mut r = json!({
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": "view-all"},
                "rules": [{"verbs": ["get"]}]
            });
            if aggregated {
                r["aggregationRule"] = json!({"clusterRoleSelectors": []});
            }
            normalize(&mut r);
            r
        };
        assert!(role(true).get("rules").is_none());
        assert!(role(false).get("rules").is_some());
    }

    #[test]
    fn pointers_under_removed_fields_are_recognised() {
        assert!(is_normalized_away("/status/replicas"));
        assert!(is_normalized_away("/metadata/managedFields/0"));
        assert!(is_normalized_away(
            "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration"
        ));
        assert!(!is_normalized_away("/metadata/labels/app"));
        assert!(!is_normalized_away("/statusx"));
    }
}
