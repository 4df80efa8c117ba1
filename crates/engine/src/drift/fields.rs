//! Field ownership from `metadata.managedFields`: which manager set which field.
//!
//! The `FieldsV1` format is a trie: `f:name` a field, `k:{"name":"api"}` the list item with
//! those keys, `v:<json>` a set member, `i:3` a list index, and `.` the node itself.

use serde_json::{Map, Value};

/// One step into an object.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Field(String),
    /// The list item whose fields equal these.
    Key(Map<String, Value>),
    /// The set member equal to this.
    Member(Value),
    Index(usize),
}

/// What one manager owns, leaf by leaf.
#[derive(Debug, Clone, PartialEq)]
pub struct Owned {
    pub manager: String,
    /// `Apply` or `Update`.
    pub operation: String,
    pub subresource: Option<String>,
    /// Each owned field; an item owned as a whole (its `.`) comes before its fields.
    pub paths: Vec<Vec<Step>>,
}

/// The ownership recorded on a live object.
pub fn owned(object: &Value) -> Vec<Owned> {
    let Some(entries) = object
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|entry| {
            let text = |k: &str| entry.get(k).and_then(Value::as_str).map(str::to_string);
            let mut paths = Vec::new();
            walk(entry.get("fieldsV1")?, &mut Vec::new(), &mut paths);
            Some(Owned {
                manager: text("manager").unwrap_or_default(),
                operation: text("operation").unwrap_or_default(),
                subresource: text("subresource").filter(|s| !s.is_empty()),
                paths,
            })
        })
        .collect()
}

fn walk(node: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    let Some(children) = node.as_object() else {
        return;
    };
    // A list item's `.` means the manager added the whole item. A field's `.` with fields
    // under it only means the manager made the map exist (`kubectl label` on an object
    // without labels): its fields say what it set, and removing the map would take other
    // managers' entries with it.
    let whole_field = matches!(prefix.last(), Some(Step::Field(_))) && children.len() > 1;
    if (children.is_empty() || (children.contains_key(".") && !whole_field)) && !prefix.is_empty() {
        out.push(prefix.clone());
    }
    for (key, child) in children {
        let step = if let Some(name) = key.strip_prefix("f:") {
            Step::Field(name.to_string())
        } else if let Some(json) = key.strip_prefix("k:") {
            match serde_json::from_str(json) {
                Ok(Value::Object(keys)) => Step::Key(keys),
                _ => continue,
            }
        } else if let Some(json) = key.strip_prefix("v:") {
            match serde_json::from_str(json) {
                Ok(value) => Step::Member(value),
                Err(_) => continue,
            }
        } else if let Some(index) = key.strip_prefix("i:") {
            match index.parse() {
                Ok(i) => Step::Index(i),
                Err(_) => continue,
            }
        } else {
            continue;
        };
        prefix.push(step);
        walk(child, prefix, out);
        prefix.pop();
    }
}

/// The value at `path` in `object` and its RFC 6901 pointer, if `object` has it.
pub fn resolve<'a>(object: &'a Value, path: &[Step]) -> Option<(String, &'a Value)> {
    resolve_with(object, path, false)
}

/// [`resolve`] in a manifest as written, before the server defaults it: a list item matches a
/// key when the key fields it states match and those it leaves out are ones the server fills
/// in with the key's value (a Service port without `protocol` is the stored item keyed `port`
/// and `TCP`).
pub fn resolve_declared<'a>(object: &'a Value, path: &[Step]) -> Option<(String, &'a Value)> {
    resolve_with(object, path, true)
}

fn resolve_with<'a>(
    object: &'a Value,
    path: &[Step],
    defaults_missing: bool,
) -> Option<(String, &'a Value)> {
    let mut pointer = String::new();
    let mut here = object;
    for step in path {
        let (segment, next) = match step {
            Step::Field(name) => (escape(name), here.as_object()?.get(name)?),
            Step::Key(keys) => {
                let items = here.as_array()?;
                let i = items.iter().position(|item| {
                    keys.iter().all(|(k, v)| match item.get(k) {
                        Some(x) => same_key(x, v),
                        None => defaults_missing && is_default_key(k, v),
                    })
                })?;
                (i.to_string(), &items[i])
            }
            Step::Member(value) => {
                let items = here.as_array()?;
                let i = items.iter().position(|item| item == value)?;
                (i.to_string(), &items[i])
            }
            Step::Index(i) => (i.to_string(), here.as_array()?.get(*i)?),
        };
        pointer.push('/');
        pointer.push_str(&segment);
        here = next;
    }
    Some((pointer, here))
}

/// A list key field the server fills in when a manifest leaves it out, with that value: only
/// then does an item without it match (a UDP port added next to a declared port without
/// `protocol` is another item, not the declared one).
fn is_default_key(field: &str, value: &Value) -> bool {
    matches!((field, value.as_str()), ("protocol", Some("TCP")))
}

/// Keys in managedFields are written as the server stores them (`"containerPort":80`); a
/// manifest may say `"80"` where the schema would coerce, so numbers and strings compare by text.
fn same_key(a: &Value, b: &Value) -> bool {
    a == b
        || match (a, b) {
            (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) => {
                n.to_string() == *s
            }
            _ => false,
        }
}

pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The manager owning the field at `pointer` in `object`: the owner of the deepest owned path
/// at or above it (a list item owned as a whole owns its fields).
pub fn owner_of(object: &Value, owners: &[Owned], pointer: &str) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for owned in owners {
        for path in &owned.paths {
            let Some((at, _)) = resolve(object, path) else {
                continue;
            };
            let covers = pointer == at || pointer.starts_with(&format!("{at}/"));
            if covers && best.is_none_or(|(len, _)| at.len() > len) {
                best = Some((at.len(), &owned.manager));
            }
        }
    }
    best.map(|(_, manager)| manager.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn live() -> Value {
        json!({
            "metadata": {
                "name": "web",
                "labels": {"app": "web", "team": "x"},
                "managedFields": [
                    {"manager": "shipdeck", "operation": "Apply", "fieldsV1": {
                        "f:metadata": {"f:labels": {"f:app": {}}},
                        "f:spec": {"f:template": {"f:spec": {"f:containers": {
                            "k:{\"name\":\"api\"}": {".": {}, "f:name": {}, "f:image": {}}
                        }}}}
                    }},
                    {"manager": "kubectl-label", "operation": "Update", "fieldsV1": {
                        "f:metadata": {"f:labels": {"f:team": {}}}
                    }},
                    {"manager": "kubectl-set", "operation": "Update", "fieldsV1": {
                        "f:spec": {"f:template": {"f:spec": {"f:containers": {
                            "k:{\"name\":\"api\"}": {"f:env": {
                                "k:{\"name\":\"DEBUG\"}": {".": {}, "f:name": {}, "f:value": {}}
                            }}
                        }}}}
                    }}
                ]
            },
            "spec": {"template": {"spec": {"containers": [
                {"name": "sidecar", "image": "s"},
                {"name": "api", "image": "a:1", "env": [{"name": "DEBUG", "value": "1"}]}
            ]}}}
        })
    }

    #[test]
    fn ownership_is_read_leaf_by_leaf_and_resolved_to_pointers() {
        let object = live();
        let owners = owned(&object);
        assert_eq!(owners.len(), 3);
        let label = &owners[1];
        assert_eq!(label.manager, "kubectl-label");
        assert_eq!(
            resolve(&object, &label.paths[0]).map(|(p, v)| (p, v.clone())),
            Some(("/metadata/labels/team".into(), json!("x")))
        );
        let env: Vec<String> = owners[2]
            .paths
            .iter()
            .filter_map(|p| resolve(&object, p).map(|(at, _)| at))
            .collect();
        assert_eq!(
            env,
            [
                "/spec/template/spec/containers/1/env/0",
                "/spec/template/spec/containers/1/env/0/name",
                "/spec/template/spec/containers/1/env/0/value"
            ]
        );
    }

    #[test]
    fn the_deepest_owner_wins() {
        let object = live();
        let owners = owned(&object);
        let owner = |p: &str| owner_of(&object, &owners, p);
        assert_eq!(
            owner("/spec/template/spec/containers/1/image").as_deref(),
            Some("shipdeck")
        );
        assert_eq!(
            owner("/spec/template/spec/containers/1/env/0/value").as_deref(),
            Some("kubectl-set")
        );
        assert_eq!(owner("/spec/template/spec/containers/0/image"), None);
    }
}
