//! The annotation that marks what Shipdeck applied, and which application it belongs to.
//!
//! Argo CD's format (`app:group/Kind:namespace/name`) under Shipdeck's own key. The object's
//! identity is part of the value: a copy of a tracked object (same annotation, other name or
//! namespace) names another object and is not tracked, so nothing untracked is ever called an
//! application's own.

use crate::manifests::ObjectId;
use serde_json::Value;

pub const ANNOTATION: &str = "shipdeck.dev/tracking-id";

/// The annotation's value for `id` in application `app`.
pub fn value(app: &str, id: &ObjectId) -> String {
    format!(
        "{app}:{}/{}:{}/{}",
        id.group,
        id.kind,
        id.namespace.as_deref().unwrap_or(""),
        id.name
    )
}

/// Sets the annotation on `object` (a desired object about to be compared or applied).
pub fn stamp(object: &mut Value, app: &str, id: &ObjectId) {
    let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    let annotations = metadata
        .entry("annotations")
        .or_insert_with(|| Value::Object(Default::default()));
    if !annotations.is_object() {
        *annotations = Value::Object(Default::default());
    }
    if let Some(map) = annotations.as_object_mut() {
        map.insert(ANNOTATION.into(), Value::String(value(app, id)));
    }
}

/// The application a live object belongs to: the one its annotation names, if the annotation
/// names this very object.
pub fn owner(object: &Value, id: &ObjectId) -> Option<String> {
    let annotation = object
        .pointer("/metadata/annotations")?
        .get(ANNOTATION)?
        .as_str()?;
    let (app, _) = annotation.split_once(':')?;
    (annotation == value(app, id)).then(|| app.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn id(namespace: Option<&str>, name: &str) -> ObjectId {
        ObjectId {
            group: "apps".into(),
            kind: "Deployment".into(),
            namespace: namespace.map(str::to_string),
            name: name.into(),
        }
    }

    #[test]
    fn a_stamped_object_is_owned_and_a_copy_of_it_is_not() {
        let mut object = json!({"metadata": {"name": "web", "namespace": "shop"}});
        stamp(&mut object, "storefront", &id(Some("shop"), "web"));
        assert_eq!(
            object.pointer("/metadata/annotations/shipdeck.dev~1tracking-id"),
            Some(&json!("storefront:apps/Deployment:shop/web"))
        );
        assert_eq!(
            owner(&object, &id(Some("shop"), "web")).as_deref(),
            Some("storefront")
        );
        // The same annotation copied onto another object names the original.
        assert_eq!(owner(&object, &id(Some("shop"), "web-copy")), None);
        assert_eq!(owner(&object, &id(Some("staging"), "web")), None);
        assert_eq!(owner(&json!({"metadata": {}}), &id(None, "web")), None);
    }

    #[test]
    fn cluster_scoped_objects_have_an_empty_namespace_part() {
        let ns = ObjectId {
            group: String::new(),
            kind: "Namespace".into(),
            namespace: None,
            name: "shop".into(),
        };
        assert_eq!(value("a", &ns), "a:/Namespace:/shop");
    }
}
