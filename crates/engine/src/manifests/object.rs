//! Documents to Kubernetes objects: the identity of each object and where it came from.

use super::parse::Document;
use serde_json::Value;
use std::fmt;
use std::path::PathBuf;

/// The identity of an object in a cluster: group, kind, namespace and name. The version is not
/// part of it: `apps/v1` and `apps/v1beta2` Deployments of the same name are the same object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId {
    /// API group; empty for the core group (`apiVersion: v1`).
    pub group: String,
    pub kind: String,
    /// `None` for cluster-scoped objects once the default namespace has been applied.
    pub namespace: Option<String>,
    pub name: String,
}

impl fmt::Display for ObjectId {
    /// `group/Kind/namespace/name`, the order Argo CD shows; empty parts are left out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.group.is_empty() {
            write!(f, "{}/", self.group)?;
        }
        write!(f, "{}/", self.kind)?;
        if let Some(namespace) = &self.namespace {
            write!(f, "{namespace}/")?;
        }
        f.write_str(&self.name)
    }
}

/// Where an object was declared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Source {
    /// Relative to the application's root. For Kustomize it is the kustomization file (the
    /// build output has no per-file origin); for Helm, the template named by the `# Source:`
    /// comment Helm writes above each document, relative to the chart.
    pub path: PathBuf,
    /// 0-based index among the non-empty documents of the file (or of the tool's output).
    pub document: usize,
    /// 1-based line where the document starts, in the file (or in the tool's output).
    pub line: u64,
    /// Index in the `items` of the `List` the object was declared in, if it was.
    pub item: Option<usize>,
}

/// One object the application declares, as it will be sent to the cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedObject {
    pub id: ObjectId,
    /// Version part of `apiVersion` (`v1` in `apps/v1`).
    pub version: String,
    pub source: Source,
    /// The whole object. When the default namespace was applied, `metadata.namespace` holds it.
    pub object: Value,
}

impl RenderedObject {
    /// `apiVersion` as written in manifests: `version` for the core group, else `group/version`.
    pub fn api_version(&self) -> String {
        if self.id.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.id.group, self.version)
        }
    }
}

/// Where in a file a document (or an item of a `List`) that is not a valid object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub line: u64,
    pub document: usize,
    pub item: Option<usize>,
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Humans count documents and items from 1.
        write!(f, "line {} (document {}", self.line, self.document + 1)?;
        if let Some(item) = self.item {
            write!(f, ", List item {}", item + 1)?;
        }
        f.write_str(")")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{at}: this document is {found}, not a Kubernetes object (a mapping with apiVersion, kind and metadata.name)"
    )]
    NotAMapping { at: At, found: &'static str },
    #[error(
        "{at}: the object has no {field}; every Kubernetes object needs apiVersion, kind and metadata.name"
    )]
    MissingField { at: At, field: &'static str },
    #[error("{at}: {field} must be a non-empty string, found {found}")]
    NotAString {
        at: At,
        field: &'static str,
        found: &'static str,
    },
    #[error("{at}: a {kind} must hold its objects in an `items` list")]
    ListWithoutItems { at: At, kind: String },
}

impl Error {
    pub fn at(&self) -> At {
        match self {
            Error::NotAMapping { at, .. }
            | Error::MissingField { at, .. }
            | Error::NotAString { at, .. }
            | Error::ListWithoutItems { at, .. } => *at,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The objects a document declares: itself, or the items of a `List` (which kubectl expands).
/// Each invalid item is its own error so the valid ones still render.
pub fn from_document(path: &std::path::Path, document: Document) -> Vec<Result<RenderedObject>> {
    let at = At {
        line: document.line,
        document: document.index,
        item: None,
    };
    let source = Source {
        path: path.to_path_buf(),
        document: document.index,
        line: document.line,
        item: None,
    };
    if is_list(&document.value) {
        let kind = string_at(&document.value, &["kind"])
            .unwrap_or_default()
            .to_string();
        let mut list = document.value;
        let Some(Value::Array(items)) = list.get_mut("items").map(Value::take) else {
            return vec![Err(Error::ListWithoutItems { at, kind })];
        };
        return items
            .into_iter()
            .enumerate()
            .map(|(item, value)| {
                let at = At {
                    item: Some(item),
                    ..at
                };
                let source = Source {
                    item: Some(item),
                    ..source.clone()
                };
                object(value, at, source)
            })
            .collect();
    }
    vec![object(document.value, at, source)]
}

/// `kind: List` (kubectl's generic list, `apiVersion: v1`), or a typed list such as
/// `ConfigMapList`: kubectl expands both.
fn is_list(value: &Value) -> bool {
    match string_at(value, &["kind"]) {
        Some("List") => true,
        Some(kind) => kind.ends_with("List") && value.get("items").is_some_and(Value::is_array),
        None => false,
    }
}

fn object(value: Value, at: At, source: Source) -> Result<RenderedObject> {
    if !value.is_object() {
        return Err(Error::NotAMapping {
            at,
            found: type_name(&value),
        });
    }
    let api_version = required(&value, &["apiVersion"], "apiVersion", at)?;
    let kind = required(&value, &["kind"], "kind", at)?.to_string();
    let name = required(&value, &["metadata", "name"], "metadata.name", at)?.to_string();
    let namespace = match value.pointer("/metadata/namespace") {
        None | Some(Value::Null) => None,
        Some(Value::String(namespace)) if namespace.is_empty() => None,
        Some(Value::String(namespace)) => Some(namespace.clone()),
        Some(other) => {
            return Err(Error::NotAString {
                at,
                field: "metadata.namespace",
                found: type_name(other),
            });
        }
    };
    let (group, version) = match api_version.split_once('/') {
        Some((group, version)) => (group.to_string(), version.to_string()),
        None => (String::new(), api_version.to_string()),
    };
    Ok(RenderedObject {
        id: ObjectId {
            group,
            kind,
            namespace,
            name,
        },
        version,
        source,
        object: value,
    })
}

fn required<'v>(value: &'v Value, path: &[&str], field: &'static str, at: At) -> Result<&'v str> {
    let mut node = value;
    for key in path {
        match node.get(key) {
            Some(next) => node = next,
            None => return Err(Error::MissingField { at, field }),
        }
    }
    match node {
        Value::String(text) if !text.is_empty() => Ok(text),
        Value::Null => Err(Error::MissingField { at, field }),
        other => Err(Error::NotAString {
            at,
            field,
            found: type_name(other),
        }),
    }
}

fn string_at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v str> {
    path.iter()
        .try_fold(value, |node, key| node.get(key))
        .and_then(Value::as_str)
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(text) if text.is_empty() => "an empty string",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    fn doc(value: Value) -> Document {
        Document {
            index: 2,
            line: 7,
            value,
        }
    }

    fn one(value: Value) -> Result<RenderedObject> {
        from_document(Path::new("a.yaml"), doc(value)).remove(0)
    }

    #[test]
    fn identity_splits_api_version_into_group_and_version() {
        let obj = one(json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "prod"}}))
        .unwrap();
        assert_eq!(obj.id.to_string(), "apps/Deployment/prod/web");
        assert_eq!(
            (obj.version.as_str(), obj.api_version()),
            ("v1", "apps/v1".into())
        );
        assert_eq!((obj.source.document, obj.source.line), (2, 7));

        let core =
            one(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}})).unwrap();
        assert_eq!(
            (core.id.group.as_str(), core.id.namespace.clone()),
            ("", None)
        );
        assert_eq!(core.api_version(), "v1");
    }

    #[test]
    fn lists_expand_into_their_items_and_bad_items_are_errors_of_their_own() {
        let objects = from_document(
            Path::new("list.yaml"),
            doc(json!({"apiVersion": "v1", "kind": "List", "items": [
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}},
            ]})),
        );
        assert_eq!(objects.len(), 2);
        let first = objects[0].as_ref().unwrap();
        assert_eq!(first.source.item, Some(0));
        let err = objects[1].as_ref().unwrap_err();
        assert!(matches!(
            err,
            Error::MissingField {
                field: "metadata.name",
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            "line 7 (document 3, List item 2): the object has no metadata.name; every Kubernetes object needs apiVersion, kind and metadata.name"
        );
    }

    #[test]
    fn documents_that_are_not_objects_say_what_they_are() {
        let err = one(json!("just text")).unwrap_err();
        assert!(
            err.to_string()
                .contains("is a string, not a Kubernetes object"),
            "{err}"
        );
        let err =
            one(json!({"apiVersion": "v1", "kind": 3, "metadata": {"name": "x"}})).unwrap_err();
        assert!(
            matches!(err, Error::NotAString { field: "kind", .. }),
            "{err}"
        );
        let err = one(json!({"kind": "Pod", "metadata": {"name": "x"}})).unwrap_err();
        assert!(
            matches!(
                err,
                Error::MissingField {
                    field: "apiVersion",
                    ..
                }
            ),
            "{err}"
        );
    }
}
