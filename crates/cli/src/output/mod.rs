//! Printing a drift report: text for a terminal, the report itself as JSON for scripts,
//! Markdown for a pull-request comment. Only what the report holds is printed (Secret values
//! are masked by the engine before they get here); never a raw object.

mod markdown;
mod text;
mod unified;
mod values;

use crate::args::{Format, OutputArgs};
use anyhow::{Context, Result};
use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::drift::{DriftReason, DriftReport, ResourceDrift};
use std::io::{IsTerminal, Write};

/// Prints `report` under `heading` (what was compared with what) as `args` asks.
pub fn print(report: &DriftReport, heading: &str, args: &OutputArgs) -> Result<()> {
    let out = match args.output {
        // Exactly the report, documented in the README: scripts parse it.
        Format::Json => serde_json::to_string_pretty(report)? + "\n",
        Format::Text => text::render(report, heading, !args.no_diff, color_stdout()),
        Format::Markdown => markdown::render(report, heading),
    };
    write_stdout(&out)
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
pub fn write_stdout(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to stdout"),
    }
}

/// Colour only for a person at a terminal, and never when `NO_COLOR` is set (no-color.org).
pub fn color_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// "2 Synced, 1 OutOfSync, 0 Unknown".
fn counts(report: &DriftReport) -> String {
    let s = &report.summary;
    format!(
        "{} Synced, {} OutOfSync, {} Unknown",
        s.synced, s.out_of_sync, s.unknown
    )
}

/// How a resource that is not Synced differs, in words, and the sign a diff would give it.
fn how(resource: &ResourceDrift) -> (&'static str, String) {
    match (resource.status, resource.reason) {
        (SyncStatus::Unknown, _) => (
            "?",
            format!(
                "Unknown: {}",
                resource.message.as_deref().unwrap_or("not compared")
            ),
        ),
        (_, Some(DriftReason::Modified)) => ("~", "OutOfSync: modified".into()),
        (_, Some(DriftReason::Missing)) => ("+", "OutOfSync: missing from the cluster".into()),
        (_, Some(DriftReason::Extra)) => (
            "-",
            "OutOfSync: extra (tracked in the cluster, gone from Git)".into(),
        ),
        (SyncStatus::Synced, None) => ("=", "Synced".into()),
        (SyncStatus::OutOfSync, None) => ("~", "OutOfSync".into()),
    }
}

fn drifted(report: &DriftReport) -> impl Iterator<Item = &ResourceDrift> {
    report
        .resources
        .iter()
        .filter(|r| r.status != SyncStatus::Synced)
}
