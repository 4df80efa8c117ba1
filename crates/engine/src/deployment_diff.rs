//! What a deployment changed: its manifests against another deployment's (by default the one
//! before it), from what their records keep, without Git or the live cluster. Compared with
//! the drift review's rules ([`crate::drift::compare`]): objects normalised, Secret values
//! masked, lists matched by name. The report reads the base as `live` and the deployment as
//! `desired`, so `missing` is an object the deployment added and `extra` one it removed.

use crate::deployments::{self, Context, Error, Result, manifests_of};
use crate::drift::compare::{Sides, compare};
use crate::drift::policy::Policy;
use crate::manifests::ObjectId;
use crate::records::Manifest;
use shipdeck_ipc::deploy::{Deployment, RecordPlace, ResourceRef};
use shipdeck_ipc::drift::DriftReport;
use shipdeck_ipc::timeline::DeploymentDiff;
use std::collections::{BTreeMap, BTreeSet};

/// Deployment `id` of the application against `against`, or the last known good deployment
/// before it (as a rollback chooses one: what was running when it started, as far as the
/// records say).
pub async fn of(
    cx: &Context<'_>,
    history: &[Deployment],
    id: &str,
    against: Option<&str>,
) -> Result<DeploymentDiff> {
    let find = |wanted: &str| {
        history.iter().position(|d| d.id == wanted).ok_or_else(|| {
            Error::NotFound(format!(
                "application '{}' has no deployment {wanted} in its records",
                cx.app.id
            ))
        })
    };
    let at = find(id)?;
    let deployment = history[at].clone();
    let base = match against {
        Some(other) if other == id => {
            return Err(Error::Refused(format!(
                "choose another deployment than {id} to compare it with"
            )));
        }
        Some(other) => Some(history[find(other)?].clone()),
        None => deployments::last_good_before(history, at).cloned(),
    };
    let after = manifests_of(cx, &deployment).await?;
    let before = match &base {
        Some(b) => Some(manifests_of(cx, b).await?),
        None => None,
    };
    let mut notes = Vec::new();
    if base.is_none() {
        notes.push(format!(
            "No earlier successful deployment of {} keeps its manifests: every object is shown as added.",
            cx.app.id
        ));
    }
    let shared = shared_scope(&deployment, base.as_ref(), &mut notes);
    // A record kept on this desk holds Secret values masked: they cannot be compared.
    let masked = std::iter::once(&deployment)
        .chain(base.as_ref())
        .any(|d| d.place == RecordPlace::Local);
    if masked {
        notes.push(
            "A record kept on this desk holds Secret values masked, so Secrets are not compared."
                .into(),
        );
    }
    let report = diff(before.as_deref(), &after, shared.as_ref(), masked);
    Ok(DeploymentDiff {
        deployment,
        against: base,
        report,
        notes,
    })
}

/// The objects both sides speak for: a sync of a selection says nothing about the others.
/// `None`: every object.
fn shared_scope(
    deployment: &Deployment,
    base: Option<&Deployment>,
    notes: &mut Vec<String>,
) -> Option<BTreeSet<ResourceRef>> {
    let mut scope: Option<BTreeSet<ResourceRef>> = None;
    for d in std::iter::once(deployment).chain(base) {
        if d.selection.is_empty() {
            continue;
        }
        notes.push(format!(
            "{} synced a selection ({}): only those objects are compared.",
            d.id,
            deployments::list(&d.selection)
        ));
        let chosen: BTreeSet<ResourceRef> = d.selection.iter().cloned().collect();
        scope = Some(match scope {
            Some(s) => s.intersection(&chosen).cloned().collect(),
            None => chosen,
        });
    }
    scope
}

/// `after` against `before` (`None`: nothing before), for the objects in `scope` (`None`:
/// all), in identity order.
pub fn diff(
    before: Option<&[Manifest]>,
    after: &[Manifest],
    scope: Option<&BTreeSet<ResourceRef>>,
    secrets_masked: bool,
) -> DriftReport {
    let by_id = |manifests: &[Manifest]| -> BTreeMap<ResourceRef, Manifest> {
        manifests
            .iter()
            .filter(|m| scope.is_none_or(|s| s.contains(&m.resource)))
            .map(|m| (m.resource.clone(), m.clone()))
            .collect()
    };
    let before = by_id(before.unwrap_or_default());
    let after = by_id(after);
    let ids: BTreeSet<&ResourceRef> = before.keys().chain(after.keys()).collect();
    // No ignore rules: a deployment diff shows everything its manifests changed.
    let policy = Policy::default();
    let resources = ids
        .into_iter()
        .map(|r| {
            let (old, new) = (before.get(r), after.get(r));
            let id = ObjectId {
                group: r.group.clone(),
                kind: r.kind.clone(),
                namespace: r.namespace.clone(),
                name: r.name.clone(),
            };
            let version = new.or(old).map(|m| m.version.as_str()).unwrap_or("v1");
            let predicted = new.map(|m| Ok(m.object.clone()));
            let mut compared = compare(
                Sides {
                    id: &id,
                    version,
                    declared: new.map(|m| &m.object),
                    predicted: predicted.as_ref(),
                    live: old.map(|m| &m.object),
                },
                &policy,
            );
            if secrets_masked && is_secret(new.or(old).map(|m| &m.object)) {
                compared.status = shipdeck_ipc::SyncStatus::Unknown;
                compared.reason = None;
                compared.changes.clear();
                compared.message = Some(
                    "its values are masked in a record kept on this desk: not compared".into(),
                );
            }
            compared
        })
        .collect();
    DriftReport::new(resources)
}

fn is_secret(object: Option<&serde_json::Value>) -> bool {
    object.is_some_and(crate::drift::mask::is_secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use shipdeck_ipc::SyncStatus;
    use shipdeck_ipc::drift::DriftReason;

    fn manifest(kind: &str, name: &str, object: serde_json::Value) -> Manifest {
        Manifest {
            resource: ResourceRef {
                group: if kind == "Deployment" {
                    "apps".into()
                } else {
                    String::new()
                },
                kind: kind.into(),
                namespace: Some("shop".into()),
                name: name.into(),
            },
            version: "v1".into(),
            object,
        }
    }

    fn web(image: &str) -> Manifest {
        manifest(
            "Deployment",
            "web",
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                   "metadata": {"name": "web", "namespace": "shop"},
                   "spec": {"replicas": 2, "template": {"spec": {"containers": [
                       {"name": "web", "image": image}]}}}}),
        )
    }

    fn secret(value: &str) -> Manifest {
        manifest(
            "Secret",
            "db",
            json!({"apiVersion": "v1", "kind": "Secret",
                   "metadata": {"name": "db", "namespace": "shop"},
                   "stringData": {"password": value}}),
        )
    }

    fn config() -> Manifest {
        manifest(
            "ConfigMap",
            "old",
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "old", "namespace": "shop"}, "data": {"a": "1"}}),
        )
    }

    fn by_name<'a>(report: &'a DriftReport, name: &str) -> &'a shipdeck_ipc::drift::ResourceDrift {
        report.resources.iter().find(|r| r.name == name).unwrap()
    }

    #[test]
    fn a_changed_image_an_added_and_a_removed_object_are_told_apart() {
        let before = [web("web:1"), config()];
        let after = [web("web:2"), secret("s3cr3t")];
        let report = diff(Some(&before), &after, None, false);
        let web = by_name(&report, "web");
        assert_eq!(web.reason, Some(DriftReason::Modified));
        assert_eq!(web.changes.len(), 1, "{:?}", web.changes);
        assert_eq!(
            web.changes[0].path,
            "/spec/template/spec/containers/0/image"
        );
        assert_eq!(web.changes[0].live, Some(json!("web:1")));
        assert_eq!(web.changes[0].desired, Some(json!("web:2")));
        assert_eq!(by_name(&report, "db").reason, Some(DriftReason::Missing));
        assert_eq!(by_name(&report, "old").reason, Some(DriftReason::Extra));
    }

    #[test]
    fn secret_values_never_appear_only_that_they_changed() {
        let report = diff(Some(&[secret("hunter2")]), &[secret("s3cr3t")], None, false);
        let text = serde_json::to_string(&report).unwrap();
        assert!(
            !text.contains("hunter2") && !text.contains("s3cr3t"),
            "{text}"
        );
        let db = by_name(&report, "db");
        assert_eq!(db.reason, Some(DriftReason::Modified), "{db:?}");
    }

    #[test]
    fn secrets_masked_on_this_desk_are_not_compared() {
        let report = diff(
            Some(&[secret("<masked value 1>")]),
            &[secret("<masked value 1>")],
            None,
            true,
        );
        let db = by_name(&report, "db");
        assert_eq!(db.status, SyncStatus::Unknown, "{db:?}");
        assert!(db.message.as_deref().unwrap().contains("masked"));
    }

    #[test]
    fn the_same_manifests_are_in_sync() {
        let report = diff(Some(&[web("web:1")]), &[web("web:1")], None, false);
        assert_eq!(report.resources[0].status, SyncStatus::Synced);
        assert!(report.resources[0].changes.is_empty());
    }

    #[test]
    fn a_selection_compares_only_its_objects() {
        let before = [web("web:1"), config()];
        let after = [web("web:2")];
        let scope: BTreeSet<ResourceRef> = [after[0].resource.clone()].into();
        let report = diff(Some(&before), &after, Some(&scope), false);
        assert_eq!(report.resources.len(), 1);
        assert_eq!(report.resources[0].name, "web");
    }

    #[test]
    fn with_nothing_before_everything_is_added() {
        let report = diff(None, &[web("web:1")], None, false);
        assert_eq!(report.resources[0].reason, Some(DriftReason::Missing));
        assert!(
            report.resources[0]
                .desired_yaml
                .as_deref()
                .unwrap()
                .contains("web:1")
        );
    }
}
