//! One changed field on one line: `/spec/replicas: 2 → 5 (kubectl-scale)`.

use serde_json::Value;
use shipdeck_ipc::drift::FieldChange;

/// Longer values are cut: the unified diff shows them whole.
const MAX_VALUE_CHARS: usize = 60;

/// `path: live → desired (manager)`.
pub fn change(change: &FieldChange) -> String {
    let mut line = format!(
        "{}: {} → {}",
        change.path,
        value(change.live.as_ref()),
        value(change.desired.as_ref())
    );
    if let Some(manager) = &change.manager {
        line.push_str(&format!(" ({manager})"));
    }
    // A path or a manager name from the cluster may hold anything; JSON values escape only C0.
    super::printable(&line)
}

/// Compact JSON, `(none)` for a side that lacks the field.
fn value(value: Option<&Value>) -> String {
    let Some(value) = value else {
        return "(none)".into();
    };
    let text = serde_json::to_string(value).unwrap_or_default();
    if text.chars().count() <= MAX_VALUE_CHARS {
        return text;
    }
    let cut: String = text.chars().take(MAX_VALUE_CHARS - 1).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_change_reads_live_to_desired_with_its_manager() {
        let c = FieldChange {
            path: "/spec/replicas".into(),
            live: Some(json!(5)),
            desired: Some(json!(2)),
            manager: Some("kubectl-scale".into()),
        };
        assert_eq!(change(&c), "/spec/replicas: 5 → 2 (kubectl-scale)");
        let added = FieldChange {
            path: "/metadata/labels/team".into(),
            live: Some(json!("night")),
            desired: None,
            manager: None,
        };
        assert_eq!(change(&added), "/metadata/labels/team: \"night\" → (none)");
        let long = value(Some(&json!("x".repeat(200))));
        assert_eq!(long.chars().count(), MAX_VALUE_CHARS);
        assert!(long.ends_with('…'));
    }
}
