//! Markdown for a pull-request comment: a summary table, what the comparison left out if
//! anything, a table of the resources that are not Synced with their changed fields, then one folded (`<details>`) diff per changed resource.
//! Forges cap a comment's size (GitHub: 65,536 characters), so diffs stop at a budget and the
//! comment says how many were left out.

use super::{counts, drifted, how, printable, unified, values};
use shipdeck_ipc::drift::DriftReport;
use std::fmt::Write as _;

/// Room left for the tables and the closing note under GitHub's limit.
const DIFF_BUDGET: usize = 55_000;
/// Changed fields listed per resource in the table; the diff has them all.
const MAX_FIELDS: usize = 10;

pub fn render(report: &DriftReport, heading: &str) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(out, "### {}\n", escape_text(&printable(heading)));
    let _ = writeln!(out, "| Synced | OutOfSync | Unknown |");
    let _ = writeln!(out, "|---:|---:|---:|");
    let _ = writeln!(
        out,
        "| {} | {} | {} |\n",
        s.synced, s.out_of_sync, s.unknown
    );
    if !report.incomplete.is_empty() {
        let _ = writeln!(out, "**Incomplete:** not everything was compared.\n");
        for left_out in &report.incomplete {
            let _ = writeln!(out, "- {}", escape_text(&crate::one_line(left_out)));
        }
        let _ = writeln!(out);
    } else if s.out_of_sync == 0 && s.unknown == 0 {
        let _ = writeln!(
            out,
            "No drift: every resource is Synced ({}).",
            counts(report)
        );
        return out;
    }
    if drifted(report).next().is_some() {
        let _ = writeln!(out, "| Resource | Status | Changes |");
        let _ = writeln!(out, "|---|---|---|");
    }
    for resource in drifted(report) {
        let (_, words) = how(resource);
        let mut fields: Vec<String> = resource
            .changes
            .iter()
            .take(MAX_FIELDS)
            .map(|c| code(&values::change(c)))
            .collect();
        if resource.changes.len() > MAX_FIELDS {
            fields.push(format!(
                "… and {} more",
                resource.changes.len() - MAX_FIELDS
            ));
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            cell(&code(&printable(&resource.id()))),
            cell(&escape_text(&words)),
            cell(&fields.join("<br>"))
        );
    }
    let mut spent = 0;
    let mut left_out = 0;
    for resource in drifted(report) {
        let diff = unified::diff(resource);
        if diff.is_empty() {
            continue;
        }
        if spent + diff.len() > DIFF_BUDGET {
            left_out += 1;
            continue;
        }
        spent += diff.len();
        let (_, words) = how(resource);
        let fence = "`".repeat(longest_backtick_run(&diff).max(2) + 1);
        let _ = write!(
            out,
            "\n<details>\n<summary><code>{}</code>: {}</summary>\n\n{fence}diff\n{diff}{}{fence}\n\n</details>\n",
            escape_html(&printable(&resource.id())),
            escape_html(&words),
            if diff.ends_with('\n') { "" } else { "\n" },
        );
    }
    if left_out > 0 {
        let _ = writeln!(
            out,
            "\n_The diffs of {left_out} more resources do not fit in a comment; run `shipdeck plan` to see them._"
        );
    }
    out
}

/// An inline code span that holds any text (a longer fence when the text has backticks).
pub(super) fn code(text: &str) -> String {
    let fence = "`".repeat(longest_backtick_run(text) + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A table cell: `|` would end it and a line break would end the row.
pub(super) fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Text outside code: characters Markdown or HTML would act on are escaped.
pub(super) fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use shipdeck_ipc::SyncStatus;
    use shipdeck_ipc::drift::{DriftReason, FieldChange, ResourceDrift};

    fn modified(name: &str, live: &str, desired: &str) -> ResourceDrift {
        ResourceDrift {
            health: None,
            group: "apps".into(),
            version: "v1".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: name.into(),
            status: SyncStatus::OutOfSync,
            reason: Some(DriftReason::Modified),
            changes: vec![FieldChange {
                path: "/metadata/annotations/a|b".into(),
                live: Some(json!("x`y")),
                desired: None,
                manager: Some("kubectl-annotate".into()),
            }],
            ignored: vec![],
            message: None,
            live_yaml: Some(live.into()),
            desired_yaml: Some(desired.into()),
        }
    }

    #[test]
    fn a_summary_table_then_one_folded_diff_per_changed_resource() {
        let report = DriftReport::new(vec![
            modified("web", "a: 1\n", "a: 2\n"),
            modified("api", "code: ```\n", "code: x\n"),
        ]);
        let md = render(&report, "plan apps/web → shipdeck-a");
        assert!(md.starts_with("### plan apps/web → shipdeck-a\n\n| Synced | OutOfSync | Unknown |\n|---:|---:|---:|\n| 0 | 2 | 0 |\n"), "{md}");
        assert!(md.contains("| `apps/Deployment/shop/web` | OutOfSync: modified | ``/metadata/annotations/a\\|b: \"x`y\" → (none) (kubectl-annotate)`` |"), "{md}");
        assert_eq!(md.matches("<details>").count(), 2, "{md}");
        assert!(md.contains("<summary><code>apps/Deployment/shop/web</code>: OutOfSync: modified</summary>\n\n```diff\n--- live\n+++ desired\n"), "{md}");
        // A diff holding a fence gets a longer one.
        assert!(md.contains("````diff\n"), "{md}");
    }

    #[test]
    fn diffs_past_the_budget_are_left_out_and_counted() {
        // Each diff takes about two thirds of the budget: one fits, two do not.
        let big = "x: 1\n".repeat(DIFF_BUDGET / 9);
        let report = DriftReport::new(vec![
            modified("a", &big, "x: 2\n"),
            modified("b", &big, "x: 3\n"),
        ]);
        let md = render(&report, "plan");
        assert_eq!(md.matches("<details>").count(), 1);
        assert!(
            md.contains("The diffs of 1 more resources do not fit"),
            "{md}"
        );
    }

    #[test]
    fn an_incomplete_comparison_lists_what_was_left_out_and_never_says_no_drift() {
        let mut report = DriftReport::new(vec![]);
        report
            .incomplete
            .push("extra Secret objects in *shop* could not be listed".into());
        let md = render(&report, "plan");
        assert!(
            md.ends_with(
                "| 0 | 0 | 0 |\n\n**Incomplete:** not everything was compared.\n\n\
                 - extra Secret objects in \\*shop\\* could not be listed\n\n"
            ),
            "{md}"
        );
        assert!(!md.contains("No drift"), "{md}");
        assert!(!md.contains("| Resource |"), "{md}");
    }

    #[test]
    fn no_drift_is_one_line_under_the_table() {
        let md = render(&DriftReport::new(vec![]), "plan");
        assert!(md.contains("| 0 | 0 | 0 |\n\nNo drift"), "{md}");
        assert!(!md.contains("<details>"));
    }
}
