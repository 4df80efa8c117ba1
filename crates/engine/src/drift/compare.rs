//! One resource compared: the live object against the API server's prediction of it after a
//! sync (a server-side apply dry run of what Git declares), plus the fields someone added by
//! hand, which a dry run keeps and so would never show.

use super::changes::{self, Change};
use super::fields::{self, Owned};
use super::mask::Masker;
use super::normalize::{is_normalized_away, normalize};
use super::policy::Policy;
use crate::manifests::ObjectId;
use serde_json::Value;
use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::drift::{DriftReason, FieldChange, IgnoredChange, ResourceDrift};

/// What is known about one resource.
#[derive(Debug, Clone, Copy)]
pub struct Sides<'a> {
    pub id: &'a ObjectId,
    /// Version part of the apiVersion compared.
    pub version: &'a str,
    /// The object as Git declares it; `None` for a tracked live object gone from Git.
    pub declared: Option<&'a Value>,
    /// The server's answer to a forced server-side apply dry run of `declared`, or why it
    /// refused; `None` when no dry run was made (an extra resource).
    pub predicted: Option<&'a Result<Value, String>>,
    pub live: Option<&'a Value>,
}

/// Resource `id` at `version` with `status` and nothing found yet.
pub(super) fn resource(id: &ObjectId, version: &str, status: SyncStatus) -> ResourceDrift {
    ResourceDrift {
        health: None,
        group: id.group.clone(),
        version: version.to_string(),
        kind: id.kind.clone(),
        namespace: id.namespace.clone(),
        name: id.name.clone(),
        status,
        reason: None,
        changes: Vec::new(),
        ignored: Vec::new(),
        message: None,
        live_yaml: None,
        desired_yaml: None,
    }
}

pub fn compare(sides: Sides<'_>, policy: &Policy) -> ResourceDrift {
    let mut out = resource(sides.id, sides.version, SyncStatus::Synced);
    let mut masker = Masker::default();
    let mut clean = |value: &Value| {
        let mut value = value.clone();
        // Items of a list come without apiVersion and kind; masking and normalising go by them.
        with_identity(&mut value, sides.id, sides.version);
        normalize(&mut value);
        masker.mask(&mut value);
        value
    };
    let (Some(declared), Some(live)) = (sides.declared, sides.live) else {
        out.status = SyncStatus::OutOfSync;
        if let Some(live) = sides.live {
            out.reason = Some(DriftReason::Extra);
            out.live_yaml = Some(yaml(&clean(live)));
        } else {
            out.reason = Some(DriftReason::Missing);
            let desired = match sides.predicted {
                Some(Ok(predicted)) => predicted,
                Some(Err(refused)) => {
                    out.message = Some(format!("the server refused a dry run: {refused}"));
                    sides.declared.unwrap_or(&Value::Null)
                }
                None => sides.declared.unwrap_or(&Value::Null),
            };
            out.desired_yaml = Some(yaml(&clean(desired)));
        }
        return out;
    };
    let predicted = match sides.predicted {
        Some(Ok(predicted)) => predicted,
        Some(Err(refused)) => {
            out.status = SyncStatus::Unknown;
            out.message = Some(format!("the server refused a dry run: {refused}"));
            out.live_yaml = Some(yaml(&clean(live)));
            return out;
        }
        None => {
            out.status = SyncStatus::Unknown;
            out.message = Some("no prediction was made".into());
            return out;
        }
    };

    let owners = fields::owned(live);
    let clean_live = clean(live);
    let mut clean_desired = clean(predicted);
    for change in changes::diff(&clean_live, &clean_desired) {
        let owner = change
            .live
            .as_ref()
            .and_then(|_| fields::owner_of(live, &owners, &change.pointer));
        let why = policy
            .ignored_by(&sides.id.kind, &change.pointer, owner.as_deref())
            .or_else(|| {
                // Declared and changed since by a controller: room for imperativeness.
                let controller = owner.as_deref().filter(|o| policy.is_controller(o))?;
                (change.live.is_some() && change.desired.is_some())
                    .then(|| format!("owned by {controller}"))
            });
        push(&mut out, change, owner, why);
    }
    let declared = with_string_data_as_data(declared);
    let added = added_by_hand(&declared, &clean_live, live, &owners, policy, &out);
    let mut removed = Vec::new();
    for (change, manager, unsure) in added {
        let why =
            unsure.or_else(|| policy.ignored_by(&sides.id.kind, &change.pointer, Some(&manager)));
        if why.is_none() {
            // A sync removes what was added by hand: the desired side shows it gone.
            removed.push(change.pointer.clone());
        }
        push(&mut out, change, Some(manager), why);
    }
    // Later list items first, so removing one does not shift the index of the next.
    removed.sort_by_key(|p| std::cmp::Reverse(segments(p)));
    for pointer in removed {
        remove(&mut clean_desired, &pointer);
    }
    out.changes.sort_by(|a, b| a.path.cmp(&b.path));
    out.ignored
        .sort_by(|a, b| a.change.path.cmp(&b.change.path));
    if !out.changes.is_empty() {
        out.status = SyncStatus::OutOfSync;
        out.reason = Some(DriftReason::Modified);
    }
    // YAML is for reviewing a difference; writing it for every matching resource would be
    // most of the work of comparing thousands.
    if out.status != SyncStatus::Synced || !out.ignored.is_empty() {
        out.live_yaml = Some(yaml(&clean_live));
        out.desired_yaml = Some(yaml(&clean_desired));
    }
    out
}

fn push(out: &mut ResourceDrift, change: Change, manager: Option<String>, why: Option<String>) {
    let field = FieldChange {
        path: change.pointer,
        live: change.live,
        desired: change.desired,
        manager,
    };
    match why {
        Some(why) => out.ignored.push(IgnoredChange { change: field, why }),
        None => out.changes.push(field),
    }
}

/// Fields a manager that edits by hand owns in `live` and Git does not declare, outermost
/// first (an env entry added whole is one change, not one per field of it). Values come from
/// the normalised, masked live object, so bookkeeping and Secret values never show.
fn added_by_hand(
    declared: &Value,
    clean_live: &Value,
    live: &Value,
    owners: &[Owned],
    policy: &Policy,
    found: &ResourceDrift,
) -> Vec<(Change, String, Option<String>)> {
    let mut added: Vec<(Change, String, Option<String>)> = Vec::new();
    let covered = |pointer: &str, by: &str| pointer == by || pointer.starts_with(&format!("{by}/"));
    let applied = last_applied(live);
    for owned in owners.iter().filter(|o| policy.is_manual(&o.manager)) {
        for path in &owned.paths {
            if fields::resolve_declared(declared, path).is_some() {
                continue;
            }
            // `kubectl apply` also owns the defaults the server filled in during its request
            // (every field of an object it created). What its user wrote is in the
            // last-applied annotation: only that was added by hand, the rest are defaults.
            // Without the annotation the two cannot be told apart: shown, not counted.
            let mut unsure = None;
            if owned.manager == CLIENT_SIDE_APPLY {
                match &applied {
                    Some(a) if fields::resolve_declared(a, path).is_none() => continue,
                    Some(_) => {}
                    None => {
                        unsure = Some(
                            "set by kubectl apply, whose last-applied annotation is gone: a \
                             default cannot be told from an edit by hand, so a sync leaves it"
                                .to_string(),
                        )
                    }
                }
            }
            let Some((pointer, _)) = fields::resolve(live, path) else {
                continue;
            };
            let Some(value) = clean_live.pointer(&pointer) else {
                continue;
            };
            let seen = found.changes.iter().map(|c| &c.path);
            let seen_ignored = found.ignored.iter().map(|c| &c.change.path);
            if is_normalized_away(&pointer)
                || seen.chain(seen_ignored).any(|p| covered(&pointer, p))
                || added.iter().any(|(c, _, _)| covered(&pointer, &c.pointer))
            {
                continue;
            }
            added.push((
                Change {
                    label: pointer.clone(),
                    pointer,
                    live: Some(value.clone()),
                    desired: None,
                },
                owned.manager.clone(),
                unsure,
            ));
        }
    }
    added
}

/// The manager `kubectl apply` (client-side) writes as.
const CLIENT_SIDE_APPLY: &str = "kubectl-client-side-apply";

/// The manifest `kubectl apply` last applied to `live`, from its annotation.
fn last_applied(live: &Value) -> Option<Value> {
    let text = live
        .pointer("/metadata/annotations")?
        .get(super::normalize::LAST_APPLIED)?
        .as_str()?;
    serde_json::from_str(text).ok()
}

/// Sets `apiVersion` and `kind` from what the object is known to be.
fn with_identity(object: &mut Value, id: &ObjectId, version: &str) {
    if let Some(map) = object.as_object_mut() {
        let api_version = if id.group.is_empty() {
            version.to_string()
        } else {
            format!("{}/{version}", id.group)
        };
        map.insert("apiVersion".into(), Value::String(api_version));
        map.insert("kind".into(), Value::String(id.kind.clone()));
    }
}

/// A Secret's `stringData` is stored as `data`: a key declared in either is declared.
fn with_string_data_as_data(declared: &Value) -> std::borrow::Cow<'_, Value> {
    if declared.get("stringData").is_none() {
        return std::borrow::Cow::Borrowed(declared);
    }
    let mut declared = declared.clone();
    if super::mask::is_secret(&declared)
        && let Some(Value::Object(string_data)) = declared.get("stringData").cloned()
        && let Some(object) = declared.as_object_mut()
    {
        let data = object
            .entry("data")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(data) = data.as_object_mut() {
            data.extend(string_data);
        }
    }
    std::borrow::Cow::Owned(declared)
}

/// A pointer's segments, list indices as numbers, so `/env/10` sorts after `/env/9`.
fn segments(pointer: &str) -> Vec<(u64, String)> {
    pointer
        .split('/')
        .map(|s| (s.parse().unwrap_or(u64::MAX), s.to_string()))
        .collect()
}

/// Removes the field at `pointer` (an object key or a list item).
fn remove(value: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(i) = key.parse::<usize>()
                && i < items.len()
            {
                items.remove(i);
            }
        }
        _ => {}
    }
}

fn yaml(value: &Value) -> String {
    serde_saphyr::to_string(value)
        .unwrap_or_else(|e| format!("# cannot show as YAML: {e}\n{value}"))
}

#[cfg(test)]
mod tests;
