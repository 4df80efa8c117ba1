//! What a deployment changed (`shipdeck deployment-diff`): a drift report read as base →
//! deployment, so `missing` is an object it added and `extra` one it removed. Text and
//! Markdown list each changed object with its fields and a unified diff; JSON is the report.

use super::{printable, unified, values};
use crate::args::{Format, OutputArgs};
use anyhow::Result;
use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::drift::{DriftReason, DriftReport};
use std::fmt::Write as _;

pub fn print(report: &DriftReport, heading: &str, args: &OutputArgs) -> Result<()> {
    let out = match args.output {
        Format::Json => serde_json::to_string_pretty(report)? + "\n",
        Format::Text => render(report, heading, !args.no_diff),
        Format::Markdown => format!(
            "**{}**\n\n```diff\n{}```\n",
            printable(heading),
            render(report, "", !args.no_diff)
        ),
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
        let (sign, words) = match r.reason {
            Some(DriftReason::Missing) => ("+", "added".to_string()),
            Some(DriftReason::Extra) => ("-", "removed".to_string()),
            Some(DriftReason::Modified) if r.changes.len() == 1 => ("~", "1 field changed".into()),
            Some(DriftReason::Modified) => ("~", format!("{} fields changed", r.changes.len())),
            None => ("?", r.message.clone().unwrap_or_default()),
        };
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
