//! Undo of one Deployment the way `kubectl rollout undo` does it: the pod template of the
//! ReplicaSet with the previous revision (`deployment.kubernetes.io/revision`) put back into
//! the Deployment. Pure: given the live Deployment and its ReplicaSets, which template and
//! revision to go back to.

use serde_json::Value;

pub const REVISION: &str = "deployment.kubernetes.io/revision";

/// The previous revision's pod template and its number, or why there is none.
pub fn previous_template(
    deployment: &Value,
    replica_sets: &[Value],
) -> Result<(Value, u64), String> {
    let name = deployment
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let uid = deployment.pointer("/metadata/uid").and_then(Value::as_str);
    // As kubectl: a paused Deployment would not roll out the template put back.
    if deployment.pointer("/spec/paused").and_then(Value::as_bool) == Some(true) {
        return Err(format!(
            "Deployment {name} is paused: resume it first (kubectl rollout resume), then undo"
        ));
    }
    let current = revision(deployment).ok_or_else(|| {
        format!("Deployment {name} has no revision yet: there is nothing to undo")
    })?;
    let owned = replica_sets.iter().filter(|rs| {
        rs.pointer("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .is_some_and(|owners| {
                owners.iter().any(|o| {
                    o.get("kind").and_then(Value::as_str) == Some("Deployment")
                        && o.get("uid").and_then(Value::as_str) == uid
                })
            })
    });
    let (previous, number) = owned
        .filter_map(|rs| Some((rs, revision(rs)?)))
        .filter(|(_, n)| *n < current)
        .max_by_key(|(_, n)| *n)
        .ok_or_else(|| {
            format!(
                "Deployment {name} has no revision before {current} to go back to (its older ReplicaSets are gone: see revisionHistoryLimit)"
            )
        })?;
    let mut template = previous
        .pointer("/spec/template")
        .cloned()
        .ok_or_else(|| format!("the ReplicaSet of revision {number} has no pod template"))?;
    // The hash the Deployment controller adds to tell its ReplicaSets apart is not part of
    // what the user declared; it is added again.
    if let Some(labels) = template
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove("pod-template-hash");
    }
    Ok((template, number))
}

fn revision(object: &Value) -> Option<u64> {
    object
        .pointer("/metadata/annotations")?
        .get(REVISION)?
        .as_str()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rs(name: &str, owner: &str, revision: &str, image: &str) -> Value {
        json!({"metadata": {"name": name, "annotations": {REVISION: revision},
                "ownerReferences": [{"kind": "Deployment", "uid": owner}]},
               "spec": {"template": {"metadata": {"labels": {"app": "web", "pod-template-hash": "abc"}},
                         "spec": {"containers": [{"name": "api", "image": image}]}}}})
    }

    #[test]
    fn the_previous_revision_of_this_deployment_is_chosen_without_its_hash_label() {
        let deployment =
            json!({"metadata": {"name": "web", "uid": "u1", "annotations": {REVISION: "4"}}});
        let sets = [
            rs("web-1", "u1", "1", "web:1"),
            rs("web-3", "u1", "3", "web:3"),
            rs("web-4", "u1", "4", "web:4"),
            rs("other-3b", "u2", "3", "other"),
            rs("other-9", "u2", "9", "other"),
        ];
        let (template, number) = previous_template(&deployment, &sets).unwrap();
        assert_eq!(number, 3);
        assert_eq!(template["spec"]["containers"][0]["image"], "web:3");
        assert_eq!(template["metadata"]["labels"], json!({"app": "web"}));
        let first =
            json!({"metadata": {"name": "web", "uid": "u1", "annotations": {REVISION: "1"}}});
        let err = previous_template(&first, &sets).unwrap_err();
        assert!(err.contains("no revision before 1"), "{err}");
        let fresh = json!({"metadata": {"name": "web", "uid": "u1"}});
        assert!(previous_template(&fresh, &sets).is_err());
        let mut paused = deployment.clone();
        paused["spec"] = json!({"paused": true});
        let err = previous_template(&paused, &sets).unwrap_err();
        assert!(err.contains("paused"), "{err}");
    }
}
