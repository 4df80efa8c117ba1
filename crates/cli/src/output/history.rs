//! An application's deployments, newest first (`shipdeck deployments APP`): a table for a
//! terminal or a comment, the records as JSON.

use super::deployment::{place, short_sha, short_time};
use super::markdown::{cell, code, escape_text};
use super::{printable, write_stdout};
use crate::args::Format;
use anyhow::Result;
use shipdeck_ipc::deploy::Deployment;
use std::fmt::Write as _;

const HEADER: [&str; 8] = [
    "ID", "KIND", "RESULT", "REVISION", "BY", "STARTED", "FINISHED", "RECORD",
];

pub fn print(history: &[Deployment], heading: &str, format: Format) -> Result<()> {
    let out = match format {
        Format::Json => serde_json::to_string_pretty(history)? + "\n",
        Format::Text => text(history, heading),
        Format::Markdown => markdown(history, heading),
    };
    write_stdout(&out)
}

/// One row: the result says `interrupted` for a record left running that no sync holds.
fn row(d: &Deployment) -> [String; 8] {
    let mut result = if d.interrupted {
        "interrupted".to_string()
    } else {
        d.result.label().to_string()
    };
    if let Some(health) = d.health {
        result.push_str(&format!(" ({})", health.label()));
    }
    [
        printable(&d.id),
        d.kind.label().to_string(),
        result,
        short_sha(&d.revision),
        printable(&d.by),
        short_time(&d.started_at),
        d.finished_at
            .as_deref()
            .map(short_time)
            .unwrap_or("-".into()),
        place(d.place).to_string(),
    ]
}

pub fn text(history: &[Deployment], heading: &str) -> String {
    if history.is_empty() {
        return format!("{}: no deployments recorded\n", printable(heading));
    }
    let rows: Vec<[String; 8]> = history.iter().map(row).collect();
    let mut widths = HEADER.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (cell, width) in cells.iter().zip(widths) {
            out.push_str(&format!("{cell:<width$}  "));
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(&HEADER.map(String::from));
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}

pub fn markdown(history: &[Deployment], heading: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### {}\n", escape_text(&printable(heading)));
    if history.is_empty() {
        out.push_str("No deployments recorded.\n");
        return out;
    }
    let _ = writeln!(out, "| {} |", HEADER.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(HEADER.len()));
    for d in history {
        let [id, kind, result, revision, by, started, finished, record] = row(d);
        let cells = [
            code(&id),
            kind,
            escape_text(&result),
            code(&revision),
            escape_text(&by),
            escape_text(&started),
            escape_text(&finished),
            record,
        ];
        let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::deployment::tests::sample;
    use shipdeck_ipc::deploy::{DeploymentKind, DeploymentResult, RecordPlace};

    fn history() -> Vec<Deployment> {
        let mut newest = sample();
        newest.id = "web.4".into();
        newest.kind = DeploymentKind::Rollback;
        newest.result = DeploymentResult::Running;
        newest.interrupted = true;
        newest.health = None;
        newest.finished_at = None;
        newest.place = RecordPlace::Local;
        vec![newest, sample()]
    }

    #[test]
    fn one_aligned_row_per_deployment_newest_first() {
        assert_eq!(
            text(&history(), "web"),
            "ID     KIND      RESULT               REVISION    BY          STARTED               FINISHED                   RECORD\n\
             web.4  rollback  interrupted          0123456789  alice@desk  2025-06-01T12:00:00Z  -                          this desk only\n\
             web.3  sync      succeeded (Healthy)  0123456789  alice@desk  2025-06-01T12:00:00Z  2025-06-01T12:00:09+00:00  cluster\n"
        );
        assert_eq!(text(&[], "web"), "web: no deployments recorded\n");
    }

    #[test]
    fn markdown_is_a_table_with_escaped_cells() {
        let mut h = history();
        h[1].by = "eve|*x*\x1b[2J".into();
        let md = markdown(&h, "deployments of web");
        assert!(
            md.starts_with(
                "### deployments of web\n\n| ID | KIND | RESULT | REVISION | BY | STARTED | FINISHED | RECORD |\n|---|---|---|---|---|---|---|---|\n"
            ),
            "{md}"
        );
        assert!(
            md.contains(
                r"| `web.3` | sync | succeeded (Healthy) | `0123456789` | eve\\|\*x\*\\u{1b}\[2J |"
            ),
            "{md}"
        );
    }
}
