//! A unified diff of a resource's live and desired YAML (both normalised and masked by the
//! engine), from live to desired: what a sync would change.

use shipdeck_ipc::drift::ResourceDrift;
use similar::TextDiff;

/// Lines of context around each change, as `diff -u`.
const CONTEXT: usize = 3;

/// The diff, empty when the sides are equal or neither is known. Control characters in the
/// YAML (from the cluster's objects) are shown escaped.
pub fn diff(resource: &ResourceDrift) -> String {
    between(resource, "live", "desired")
}

/// [`diff`] with its two sides named `from` and `to`.
pub fn between(resource: &ResourceDrift, from: &str, to: &str) -> String {
    let live = resource.live_yaml.as_deref().unwrap_or("");
    let desired = resource.desired_yaml.as_deref().unwrap_or("");
    if live == desired {
        return String::new();
    }
    let (live, desired) = (
        super::printable_lines(live),
        super::printable_lines(desired),
    );
    TextDiff::from_lines(&live, &desired)
        .unified_diff()
        .context_radius(CONTEXT)
        .header(from, to)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_ipc::SyncStatus;

    #[test]
    fn the_diff_goes_from_live_to_desired() {
        let resource = ResourceDrift {
            health: None,
            group: "apps".into(),
            version: "v1".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: "web".into(),
            status: SyncStatus::OutOfSync,
            reason: None,
            changes: vec![],
            ignored: vec![],
            message: None,
            live_yaml: Some("spec:\n  replicas: 5\n  paused: false\n".into()),
            desired_yaml: Some("spec:\n  replicas: 2\n  paused: false\n".into()),
        };
        let text = diff(&resource);
        assert!(text.starts_with("--- live\n+++ desired\n@@"), "{text}");
        assert!(
            text.contains("\n-  replicas: 5\n+  replicas: 2\n"),
            "{text}"
        );
        let same = ResourceDrift {
            desired_yaml: resource.live_yaml.clone(),
            ..resource
        };
        assert_eq!(diff(&same), "");
    }
}
