//! Text for a terminal: a summary line, what the comparison left out if anything, then one
//! block per resource that is not Synced with its changed fields (path, live → desired, manager) and, unless asked not to, its unified
//! diff.

use super::{counts, drifted, how, printable, unified, values};
use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::drift::DriftReport;
use std::fmt::Write as _;

const BOLD: &str = "1";
const RED: &str = "31";
const GREEN: &str = "32";
const YELLOW: &str = "33";
const CYAN: &str = "36";

pub fn render(report: &DriftReport, heading: &str, with_diff: bool, color: bool) -> String {
    let paint = |text: &str, code: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} resources: {}",
        paint(&printable(heading), BOLD),
        report.resources.len(),
        counts(report)
    );
    if !report.incomplete.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            paint("Incomplete: not everything was compared", RED)
        );
        for left_out in &report.incomplete {
            let _ = writeln!(out, "    {}", crate::one_line(left_out));
        }
    } else if report.summary.out_of_sync == 0 && report.summary.unknown == 0 {
        let _ = writeln!(out, "No drift: every resource is Synced.");
        return out;
    }
    for resource in drifted(report) {
        let (sign, words) = how(resource);
        let tone = if resource.status == SyncStatus::Unknown {
            RED
        } else {
            YELLOW
        };
        let _ = writeln!(
            out,
            "\n{} {}",
            paint(&format!("{sign} {}", printable(&resource.id())), tone),
            words
        );
        for change in &resource.changes {
            let _ = writeln!(out, "    {}", values::change(change));
        }
        if !with_diff {
            continue;
        }
        let diff = unified::diff(resource);
        if diff.is_empty() {
            continue;
        }
        let _ = writeln!(out);
        for line in diff.lines() {
            let code = if line.starts_with("---") || line.starts_with("+++") {
                BOLD
            } else if line.starts_with("@@") {
                CYAN
            } else if line.starts_with('-') {
                RED
            } else if line.starts_with('+') {
                GREEN
            } else {
                ""
            };
            let line = if code.is_empty() {
                line.to_string()
            } else {
                paint(line, code)
            };
            let _ = writeln!(out, "    {line}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use shipdeck_ipc::drift::{DriftReason, FieldChange, ResourceDrift};

    fn report() -> DriftReport {
        let base = ResourceDrift {
            health: None,
            group: "apps".into(),
            version: "v1".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: "web".into(),
            status: SyncStatus::OutOfSync,
            reason: Some(DriftReason::Modified),
            changes: vec![FieldChange {
                path: "/spec/replicas".into(),
                live: Some(json!(5)),
                desired: Some(json!(2)),
                manager: Some("kubectl-scale".into()),
            }],
            ignored: vec![],
            message: None,
            live_yaml: Some("spec:\n  replicas: 5\n".into()),
            desired_yaml: Some("spec:\n  replicas: 2\n".into()),
        };
        let synced = ResourceDrift {
            kind: "Service".into(),
            group: String::new(),
            status: SyncStatus::Synced,
            reason: None,
            changes: vec![],
            ..base.clone()
        };
        DriftReport::new(vec![base, synced])
    }

    #[test]
    fn a_changed_resource_shows_its_fields_and_diff_and_synced_ones_stay_quiet() {
        let text = render(&report(), "plan apps/web", true, false);
        assert!(
            text.starts_with("plan apps/web: 2 resources: 1 Synced, 1 OutOfSync, 0 Unknown\n"),
            "{text}"
        );
        assert!(
            text.contains("~ apps/Deployment/shop/web OutOfSync: modified\n"),
            "{text}"
        );
        assert!(
            text.contains("    /spec/replicas: 5 → 2 (kubectl-scale)\n"),
            "{text}"
        );
        assert!(
            text.contains("    -  replicas: 5\n    +  replicas: 2\n"),
            "{text}"
        );
        assert!(!text.contains("Service"), "{text}");
        assert!(!text.contains('\x1b'), "no colour unless asked: {text}");

        let short = render(&report(), "plan", false, false);
        assert!(!short.contains("+++"), "{short}");
        let coloured = render(&report(), "plan", true, true);
        assert!(
            coloured.contains("\x1b[31m-  replicas: 5\x1b[0m"),
            "{coloured}"
        );
    }

    #[test]
    fn an_incomplete_comparison_says_what_was_left_out_and_never_no_drift() {
        let mut report = DriftReport::new(vec![]);
        report
            .incomplete
            .push("extra Secret objects in shop could not be listed:\nforbidden".into());
        let text = render(&report, "plan", true, false);
        assert_eq!(
            text,
            "plan: 0 resources: 0 Synced, 0 OutOfSync, 0 Unknown\n\
             Incomplete: not everything was compared\n    \
             extra Secret objects in shop could not be listed: forbidden\n"
        );
    }

    #[test]
    fn no_drift_says_so() {
        let synced = DriftReport::new(vec![]);
        assert_eq!(
            render(&synced, "plan", true, false),
            "plan: 0 resources: 0 Synced, 0 OutOfSync, 0 Unknown\nNo drift: every resource is Synced.\n"
        );
    }
}
