//! Applying objects the way a sync does: a forced server-side apply under a field manager, so a
//! test starts from what the cluster holds right after Shipdeck applied (the engine's drift
//! tests and the command line's `plan` tests share it).

use kube::Client;
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::GroupVersionKind;
use kube::discovery::{self, Scope};
use serde_json::Value;

/// Applies each object (in order) with a forced server-side apply as `field_manager`. Objects
/// carry their namespace in `metadata.namespace`; the kind's scope comes from discovery.
/// Panics naming the object when one cannot be applied.
pub async fn server_side_apply(client: &Client, field_manager: &str, objects: &[Value]) {
    for object in objects {
        let text = |pointer| object.pointer(pointer).and_then(Value::as_str);
        let (api_version, kind) = (
            text("/apiVersion").unwrap_or_default(),
            text("/kind").unwrap_or_default(),
        );
        let name = text("/metadata/name").unwrap_or_default();
        let what = format!("{api_version} {kind} {name}");
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        let gvk = GroupVersionKind::gvk(group, version, kind);
        let (resource, capabilities) = discovery::pinned_kind(client, &gvk)
            .await
            .unwrap_or_else(|e| panic!("the cluster does not serve {what}: {e}"));
        let api: Api<DynamicObject> = match (capabilities.scope, text("/metadata/namespace")) {
            (Scope::Namespaced, Some(ns)) => Api::namespaced_with(client.clone(), ns, &resource),
            (Scope::Namespaced, None) => panic!("{what} has no namespace"),
            (Scope::Cluster, _) => Api::all_with(client.clone(), &resource),
        };
        api.patch(
            name,
            &PatchParams::apply(field_manager).force(),
            &Patch::Apply(object),
        )
        .await
        .unwrap_or_else(|e| panic!("applying {what}: {e}"));
    }
}
