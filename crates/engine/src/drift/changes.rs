//! Field-by-field differences between two objects, as JSON pointers into them, with a short
//! human label for each ("spec.template.spec.containers[api].image").
//!
//! Lists whose items all carry a `name` (containers, env, ports, volumes) are matched by name,
//! so inserting one item reports that item, not every item after it.

use super::fields::escape;
use serde_json::{Map, Value};

/// One difference. A side without the field is `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// RFC 6901 pointer; into `live` when the live side has the field, else into `desired`.
    pub pointer: String,
    /// `spec.replicas`, `spec.template.spec.containers[api].image`.
    pub label: String,
    pub live: Option<Value>,
    pub desired: Option<Value>,
}

/// Every leaf where `live` and `desired` differ, fields in key order, list items in order.
pub fn diff(live: &Value, desired: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk(Some(live), Some(desired), &mut Path::default(), &mut out);
    out
}

#[derive(Default, Clone)]
struct Path {
    pointer: String,
    label: String,
}

impl Path {
    fn field(&self, name: &str) -> Path {
        Path {
            pointer: format!("{}/{}", self.pointer, escape(name)),
            label: if self.label.is_empty() {
                name.to_string()
            } else {
                format!("{}.{name}", self.label)
            },
        }
    }

    fn item(&self, index: usize, name: Option<&str>) -> Path {
        Path {
            pointer: format!("{}/{index}", self.pointer),
            label: match name {
                Some(n) => format!("{}[{n}]", self.label),
                None => format!("{}[{index}]", self.label),
            },
        }
    }
}

fn walk(live: Option<&Value>, desired: Option<&Value>, at: &mut Path, out: &mut Vec<Change>) {
    match (live, desired) {
        (Some(Value::Object(l)), Some(Value::Object(d))) => objects(l, d, at, out),
        (Some(Value::Array(l)), Some(Value::Array(d))) => arrays(l, d, at, out),
        (l, d) if l == d => {}
        (l, d) => out.push(Change {
            pointer: at.pointer.clone(),
            label: at.label.clone(),
            live: l.cloned(),
            desired: d.cloned(),
        }),
    }
}

fn objects(
    live: &Map<String, Value>,
    desired: &Map<String, Value>,
    at: &Path,
    out: &mut Vec<Change>,
) {
    let mut keys: Vec<&String> = live.keys().collect();
    keys.extend(desired.keys().filter(|k| !live.contains_key(*k)));
    for key in keys {
        let (l, d) = (live.get(key), desired.get(key));
        // Most of an object matches: compare before paying for the path strings.
        if l != d {
            walk(l, d, &mut at.field(key), out);
        }
    }
}

fn arrays(live: &[Value], desired: &[Value], at: &Path, out: &mut Vec<Change>) {
    if let (Some(l), Some(d)) = (names(live), names(desired)) {
        for (i, name) in l.iter().enumerate() {
            let other = d.iter().position(|n| n == name).map(|j| &desired[j]);
            if other != Some(&live[i]) {
                walk(Some(&live[i]), other, &mut at.item(i, Some(name)), out);
            }
        }
        for (j, name) in d.iter().enumerate() {
            if !l.contains(name) {
                walk(None, Some(&desired[j]), &mut at.item(j, Some(name)), out);
            }
        }
        return;
    }
    // Lists of scalars (args, command) and of unnamed objects: compared item by item when the
    // lengths agree, else shown whole, which reads better than a shifted item-by-item list.
    if live.len() == desired.len() {
        for i in 0..live.len() {
            if live[i] != desired[i] {
                walk(
                    Some(&live[i]),
                    Some(&desired[i]),
                    &mut at.item(i, None),
                    out,
                );
            }
        }
    } else {
        out.push(Change {
            pointer: at.pointer.clone(),
            label: at.label.clone(),
            live: Some(Value::Array(live.to_vec())),
            desired: Some(Value::Array(desired.to_vec())),
        });
    }
}

/// The `name` of every item, if every item is an object with a unique string `name`.
fn names(items: &[Value]) -> Option<Vec<String>> {
    let names: Vec<String> = items
        .iter()
        .map(|i| i.get("name")?.as_str().map(str::to_string))
        .collect::<Option<_>>()?;
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    (unique.len() == names.len() && !names.is_empty()).then_some(names)
}

/// One line for a reviewer: "spec.replicas 5 → 3, containers[api].image a:1 → a:2".
pub fn summary(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| {
            let side = |v: &Option<Value>| match v {
                None => "(none)".to_string(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => {
                    let text = other.to_string();
                    if text.chars().count() > 40 {
                        format!("{}…", text.chars().take(40).collect::<String>())
                    } else {
                        text
                    }
                }
            };
            format!("{} {} → {}", c.label, side(&c.live), side(&c.desired))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn named_items_are_matched_by_name() {
        let live = json!({"spec": {"replicas": 5, "containers": [
            {"name": "api", "image": "a:1", "env": [{"name": "A", "value": "1"}, {"name": "DEBUG", "value": "1"}]},
        ]}});
        let desired = json!({"spec": {"replicas": 3, "containers": [
            {"name": "api", "image": "a:2", "env": [{"name": "A", "value": "1"}]},
        ]}});
        let changes = diff(&live, &desired);
        let found: Vec<(&str, &str)> = changes
            .iter()
            .map(|c| (c.pointer.as_str(), c.label.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "/spec/containers/0/env/1",
                    "spec.containers[api].env[DEBUG]"
                ),
                ("/spec/containers/0/image", "spec.containers[api].image"),
                ("/spec/replicas", "spec.replicas"),
            ]
        );
        assert_eq!(changes[0].desired, None);
        assert_eq!(
            summary(&changes[1..]),
            "spec.containers[api].image a:1 → a:2, spec.replicas 5 → 3"
        );
    }

    #[test]
    fn equal_objects_have_no_changes_and_keys_with_slashes_are_escaped() {
        let a = json!({"metadata": {"annotations": {"example.com/x": "1"}}, "args": ["a", "b"]});
        assert!(diff(&a, &a).is_empty());
        let b = json!({"metadata": {"annotations": {"example.com/x": "2"}}, "args": ["a"]});
        let changes = diff(&a, &b);
        assert_eq!(changes[0].pointer, "/args");
        assert_eq!(changes[0].live, Some(json!(["a", "b"])));
        assert_eq!(changes[1].pointer, "/metadata/annotations/example.com~1x");
    }
}
