//! What a deployment changed (`shipdeck deployment-diff`): a drift report read as base →
//! deployment, so `missing` is an object it added and `extra` one it removed. Text and
//! Markdown list each changed object with its fields and a unified diff (JSON is the whole
//! comparison, printed by the command).

use super::{printable, unified, values};
use anyhow::Result;
use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::drift::DriftReport;
use std::fmt::Write as _;

/// Prints the changes as text, or as Markdown when `markdown`; with unified diffs unless
/// `with_diff` is false.
pub fn print(report: &DriftReport, heading: &str, markdown: bool, with_diff: bool) -> Result<()> {
    let out = if markdown {
        format!(
            "**{}**\n\n```diff\n{}```\n",
            printable(heading),
            render(report, "", with_diff)
        )
    } else {
        render(report, heading, with_diff)
    };
    super::write_stdout(&out)
}

fn render(report: &DriftReport, heading: &str, with_diff: bool) -> String {
    let mut out = String::new();
    let changed: Vec<_> = report
        .resources
        .iter()
        .filter(|r| r.status != SyncStatus::Synced)
        .collect();
    if !heading.is_empty() {
        let _ = writeln!(
            out,
            "{}: {} of {} objects changed",
            printable(heading),
            changed.len(),
            report.resources.len()
        );
    }
    if changed.is_empty() {
        let _ = writeln!(out, "The manifests are the same.");
    }
    for r in changed {
        let (sign, words) = shipdeck_ipc::timeline::change_of(r);
        let _ = writeln!(out, "\n{sign} {} {}", printable(&r.id()), printable(&words));
        for change in &r.changes {
            let _ = writeln!(out, "    {}", values::change(change));
        }
        if with_diff {
            let diff = unified::between(r, "before", "after");
            if !diff.is_empty() {
                let _ = writeln!(out);
                out.push_str(&diff);
            }
        }
    }
    out
}
