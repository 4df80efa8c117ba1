//! Applying one object: a server-side apply with Shipdeck's field manager, then removing the
//! fields someone added by hand that the drift view shows (a server-side apply keeps fields
//! other managers own, so without this a sync would leave that drift in place).

use crate::drift::compare::{Sides, compare};
use crate::drift::policy::{FIELD_MANAGER, Policy};
use crate::drift::predict::{CALL_TIMEOUT, Kind};
use crate::manifests::RenderedObject;
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use serde_json::{Value, json};
use shipdeck_ipc::deploy::{ApplyAction, FieldConflict, ResourceResult};

use super::reference;

pub fn api(client: &kube::Client, kind: &Kind, namespace: Option<&str>) -> Api<DynamicObject> {
    match (kind.namespaced, namespace) {
        (true, Some(ns)) => Api::namespaced_with(client.clone(), ns, &kind.resource),
        (true, None) => Api::default_namespaced_with(client.clone(), &kind.resource),
        (false, _) => Api::all_with(client.clone(), &kind.resource),
    }
}

/// Applies `object` (already stamped with its tracking annotation). Takes over fields other
/// managers own only when `force`; otherwise a conflict fails the object and names them.
pub async fn apply(
    client: &kube::Client,
    kind: &Kind,
    object: &RenderedObject,
    policy: &Policy,
    force: bool,
) -> ResourceResult {
    let resource = reference(&object.id);
    let api = api(client, kind, object.id.namespace.as_deref());
    let failed = |message: String, conflicts: Vec<FieldConflict>| ResourceResult {
        resource: resource.clone(),
        action: ApplyAction::Failed,
        message: Some(message),
        conflicts,
        health: None,
        health_message: None,
    };
    let before = match bounded(api.get_opt(&object.id.name)).await {
        Ok(found) => found.and_then(|o| o.metadata.resource_version),
        Err(e) => return failed(said(&e), Vec::new()),
    };
    let mut params = PatchParams::apply(FIELD_MANAGER);
    if force {
        params = params.force();
    }
    let live = match bounded(api.patch(&object.id.name, &params, &Patch::Apply(&object.object)))
        .await
    {
        Ok(live) => live,
        Err(kube::Error::Api(status)) if status.code == 409 => {
            let conflicts = conflicts(&status);
            let owners: Vec<String> = conflicts
                .iter()
                .map(|c| format!("{} (owned by {})", c.field, c.manager))
                .collect();
            return failed(
                format!(
                    "fields another manager owns would change: {}. Sync again with \"take over fields\" to apply them anyway",
                    owners.join(", ")
                ),
                conflicts,
            );
        }
        Err(e) => return failed(said(&e), Vec::new()),
    };
    let after = live.metadata.resource_version.clone();
    let mut action = match (&before, &after) {
        (None, _) => ApplyAction::Created,
        (Some(b), Some(a)) if b == a => ApplyAction::Unchanged,
        _ => ApplyAction::Configured,
    };
    let live = match serde_json::to_value(&live) {
        Ok(v) => v,
        Err(e) => return failed(e.to_string(), Vec::new()),
    };
    let mut message = None;
    match remove_added_by_hand(&api, object, live, policy).await {
        Ok(removed) if removed.is_empty() => {}
        Ok(removed) => {
            action = ApplyAction::Configured;
            message = Some(format!(
                "removed fields added by hand: {}",
                removed.join(", ")
            ));
        }
        Err((added, e)) => {
            return failed(
                format!(
                    "applied, but the fields added by hand ({}) could not be removed: {}",
                    added.join(", "),
                    said(&e)
                ),
                Vec::new(),
            );
        }
    }
    ResourceResult {
        resource,
        action,
        message,
        conflicts: Vec::new(),
        health: None,
        health_message: None,
    }
}

/// How often the removal is tried again after the object changed under it (a controller
/// writes to an object right after it is applied: the Deployment controller its revision).
const REMOVAL_ATTEMPTS: usize = 5;
const REMOVAL_BACKOFF: std::time::Duration = std::time::Duration::from_millis(100);

/// Removes the fields added by hand from `live` (the object as applied); returns their
/// pointers. Each removal is guarded by the value it removes and the whole by the object's
/// version, so an edit in between (a controller reordering a list) makes the server refuse it
/// rather than remove another item; then the object is read again and the fields worked out
/// again.
async fn remove_added_by_hand(
    api: &Api<DynamicObject>,
    object: &RenderedObject,
    mut live: Value,
    policy: &Policy,
) -> Result<Vec<String>, (Vec<String>, kube::Error)> {
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    let mut attempt = 1;
    loop {
        let added = added_by_hand(object, &live, policy);
        if added.is_empty() {
            return Ok(added);
        }
        let version = live
            .pointer("/metadata/resourceVersion")
            .cloned()
            .unwrap_or(Value::Null);
        let mut ops =
            vec![json!({"op": "test", "path": "/metadata/resourceVersion", "value": version})];
        for p in &added {
            let value = live.pointer(p).cloned().unwrap_or(Value::Null);
            ops.push(json!({"op": "test", "path": p, "value": value}));
            ops.push(json!({"op": "remove", "path": p}));
        }
        let patch: json_patch::Patch = serde_json::from_value(Value::Array(ops))
            .map_err(|e| (added.clone(), kube::Error::SerdeError(e)))?;
        let refused =
            match bounded(api.patch(&object.id.name, &params, &Patch::<()>::Json(patch))).await {
                Ok(_) => return Ok(added),
                // A failed `test` (the object changed since it was read).
                Err(kube::Error::Api(status))
                    if (status.code == 422 || status.code == 409) && attempt < REMOVAL_ATTEMPTS =>
                {
                    status
                }
                Err(e) => return Err((added, e)),
            };
        tracing::debug!(object = %object.id.name, "removal refused, reading again: {}", refused.message);
        // A controller writing to the object is usually done within a moment: wait a little
        // longer each time rather than read it again in the middle of its writes.
        tokio::time::sleep(REMOVAL_BACKOFF * attempt as u32).await;
        attempt += 1;
        live = match bounded(api.get(&object.id.name)).await {
            Ok(o) => {
                serde_json::to_value(o).map_err(|e| (added.clone(), kube::Error::SerdeError(e)))?
            }
            Err(e) => return Err((added, e)),
        };
    }
}

/// Pointers of the fields a manager that edits by hand added to `live` and Git does not
/// declare, later list items first so that removing one does not move the next: the same
/// fields the drift view shows as drift (ignore rules respected).
fn added_by_hand(object: &RenderedObject, live: &Value, policy: &Policy) -> Vec<String> {
    let predicted = Ok(live.clone());
    let compared = compare(
        Sides {
            id: &object.id,
            version: &object.version,
            declared: Some(&object.object),
            predicted: Some(&predicted),
            live: Some(live),
        },
        policy,
    );
    let mut pointers: Vec<String> = compared
        .changes
        .iter()
        .filter(|c| c.desired.is_none() && c.live.is_some())
        .filter(|c| c.manager.as_deref().is_some_and(|m| policy.is_manual(m)))
        .map(|c| c.path.clone())
        .collect();
    pointers.sort_by_key(|p| {
        std::cmp::Reverse(
            p.split('/')
                .map(|s| s.parse::<usize>().map_or(Err(s.to_string()), Ok))
                .collect::<Vec<_>>(),
        )
    });
    pointers
}

/// The fields and managers of a server-side apply conflict.
fn conflicts(status: &kube::core::Status) -> Vec<FieldConflict> {
    status
        .details
        .as_ref()
        .map(|d| {
            d.causes
                .iter()
                .map(|c| FieldConflict {
                    field: c.field.clone(),
                    // `conflict with "kubectl" with subresource "scale" using apps/v1`
                    manager: c
                        .message
                        .split('"')
                        .nth(1)
                        .unwrap_or(&c.message)
                        .to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The server's own message, or that the cluster could not be asked.
pub fn said(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(status) => status.message.clone(),
        other => format!("the cluster could not be asked: {other}"),
    }
}

pub async fn bounded<T>(
    call: impl std::future::Future<Output = kube::Result<T>>,
) -> kube::Result<T> {
    match tokio::time::timeout(CALL_TIMEOUT, call).await {
        Ok(result) => result,
        Err(_) => Err(kube::Error::Service(
            format!("the API server did not answer within {CALL_TIMEOUT:?}").into(),
        )),
    }
}
