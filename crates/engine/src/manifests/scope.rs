//! Namespaced or cluster-scoped: which objects get the application's default namespace.
//!
//! The authority is the cluster's discovery API, which a render does not need and may not have.
//! So the scope comes from, in order:
//! 1. CustomResourceDefinitions declared in the same render (their `spec.scope`), so an
//!    application that ships a CRD and its custom resources renders right before it is applied;
//! 2. a [`ScopeLookup`]: [`BuiltinScopes`] by default, or one backed by discovery when a cluster
//!    is at hand (any `Fn(&str, &str) -> Option<bool>` is one);
//! 3. otherwise the kind is taken as namespaced, as most kinds, custom ones included, are.
//!    A wrong guess shows up when the object is applied: the API server rejects a namespace on
//!    a cluster-scoped object, so nothing lands silently in the wrong place.

use super::object::RenderedObject;
use serde_json::Value;
use std::collections::HashMap;

/// Tells whether objects of a kind are namespaced: `Some(true)` namespaced, `Some(false)`
/// cluster-scoped, `None` when it does not know (the kind is then taken as namespaced).
pub trait ScopeLookup {
    /// `group` is empty for the core group.
    fn is_namespaced(&self, group: &str, kind: &str) -> Option<bool>;
}

impl<F: Fn(&str, &str) -> Option<bool>> ScopeLookup for F {
    fn is_namespaced(&self, group: &str, kind: &str) -> Option<bool> {
        self(group, kind)
    }
}

/// The cluster-scoped kinds of Kubernetes itself (as of 1.34). Anything else is unknown.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuiltinScopes;

impl ScopeLookup for BuiltinScopes {
    fn is_namespaced(&self, group: &str, kind: &str) -> Option<bool> {
        CLUSTER_SCOPED.contains(&(group, kind)).then_some(false)
    }
}

/// `(group, kind)` of every built-in cluster-scoped kind, from `kubectl api-resources
/// --namespaced=false` on Kubernetes 1.34 (review kinds included: they are never stored, but
/// a manifest may still declare one).
const CLUSTER_SCOPED: &[(&str, &str)] = &[
    ("", "ComponentStatus"),
    ("", "Namespace"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
    (
        "admissionregistration.k8s.io",
        "MutatingAdmissionPolicyBinding",
    ),
    (
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
    ),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    (
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicyBinding",
    ),
    (
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
    ),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("apiregistration.k8s.io", "APIService"),
    ("authentication.k8s.io", "SelfSubjectReview"),
    ("authentication.k8s.io", "TokenReview"),
    ("authorization.k8s.io", "SelfSubjectAccessReview"),
    ("authorization.k8s.io", "SelfSubjectRulesReview"),
    ("authorization.k8s.io", "SubjectAccessReview"),
    ("certificates.k8s.io", "CertificateSigningRequest"),
    ("certificates.k8s.io", "ClusterTrustBundle"),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    ("internal.apiserver.k8s.io", "StorageVersion"),
    ("networking.k8s.io", "IPAddress"),
    ("networking.k8s.io", "IngressClass"),
    ("networking.k8s.io", "ServiceCIDR"),
    ("node.k8s.io", "RuntimeClass"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("resource.k8s.io", "DeviceClass"),
    ("resource.k8s.io", "ResourceSlice"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("storage.k8s.io", "VolumeAttributesClass"),
    ("storagemigration.k8s.io", "StorageVersionMigration"),
];

/// Gives namespaced objects without a namespace `default_namespace`, and drops the namespace of
/// cluster-scoped objects (the API server ignores it; keeping it would give one object two
/// identities).
pub(crate) fn apply_default_namespace(
    objects: &mut [RenderedObject],
    default_namespace: &str,
    lookup: &dyn ScopeLookup,
) {
    let declared = declared_scopes(objects);
    for object in objects {
        let key = (object.id.group.clone(), object.id.kind.clone());
        let namespaced = declared
            .get(&key)
            .copied()
            .or_else(|| lookup.is_namespaced(&key.0, &key.1))
            .unwrap_or(true);
        let metadata = object
            .object
            .get_mut("metadata")
            .and_then(Value::as_object_mut);
        if !namespaced {
            object.id.namespace = None;
            if let Some(metadata) = metadata {
                metadata.remove("namespace");
            }
        } else if object.id.namespace.is_none() && !default_namespace.is_empty() {
            object.id.namespace = Some(default_namespace.to_string());
            if let Some(metadata) = metadata {
                metadata.insert("namespace".into(), default_namespace.into());
            }
        }
    }
}

/// `(group, kind) -> namespaced` of the CRDs in the render.
fn declared_scopes(objects: &[RenderedObject]) -> HashMap<(String, String), bool> {
    objects
        .iter()
        .filter(|o| o.id.group == "apiextensions.k8s.io" && o.id.kind == "CustomResourceDefinition")
        .filter_map(|crd| {
            let spec = crd.object.get("spec")?;
            let group = spec.get("group")?.as_str()?;
            let kind = spec.pointer("/names/kind")?.as_str()?;
            let namespaced = spec.get("scope")?.as_str()? != "Cluster";
            Some(((group.to_string(), kind.to_string()), namespaced))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifests::object::from_document;
    use crate::manifests::parse::Document;
    use serde_json::json;
    use std::path::Path;

    fn objects(values: Vec<Value>) -> Vec<RenderedObject> {
        values
            .into_iter()
            .enumerate()
            .map(|(index, value)| {
                from_document(
                    Path::new("x.yaml"),
                    Document {
                        index,
                        line: 1,
                        value,
                    },
                )
                .remove(0)
                .unwrap()
            })
            .collect()
    }

    fn namespaces(objects: &[RenderedObject]) -> Vec<Option<&str>> {
        objects.iter().map(|o| o.id.namespace.as_deref()).collect()
    }

    #[test]
    fn namespaced_objects_get_the_default_and_cluster_scoped_ones_none() {
        let mut objs = objects(vec![
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "namespace": "own"}}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "c"}}),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "d", "namespace": "junk"}}),
            json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "e"}}),
        ]);
        apply_default_namespace(&mut objs, "team", &BuiltinScopes);
        assert_eq!(
            namespaces(&objs),
            [Some("team"), Some("own"), None, None, Some("team")]
        );
        assert_eq!(
            objs[0].object.pointer("/metadata/namespace"),
            Some(&json!("team"))
        );
        assert_eq!(objs[3].object.pointer("/metadata/namespace"), None);
    }

    #[test]
    fn crds_in_the_render_and_caller_lookups_decide_custom_kinds() {
        let mut objs = objects(vec![
            json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                "metadata": {"name": "gadgets.example.com"},
                "spec": {"group": "example.com", "scope": "Cluster", "names": {"kind": "Gadget"}}}),
            json!({"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "g"}}),
            json!({"apiVersion": "example.com/v1", "kind": "Gizmo", "metadata": {"name": "z"}}),
        ]);
        let discovery = |group: &str, kind: &str| {
            (group, kind)
                .eq(&("example.com", "Gizmo"))
                .then_some(false)
                .or_else(|| BuiltinScopes.is_namespaced(group, kind))
        };
        apply_default_namespace(&mut objs, "team", &discovery);
        assert_eq!(namespaces(&objs), [None, None, None]);
    }
}
