//! Printing a drift report: text for a terminal, the report itself as JSON for scripts,
//! Markdown for a pull-request comment. Only what the report holds is printed (Secret values
//! are masked by the engine before they get here); never a raw object. Deployment records
//! ([`deployment`], [`history`]) and a sync's progress ([`progress`]) are printed alike.

mod changes;
pub mod deployment;
pub mod history;
mod markdown;
pub mod progress;
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

pub use changes::print as print_changes;

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

/// `text` safe to print on one line of a terminal or a comment: control characters (terminal
/// escapes, line breaks, the C1 range) and the characters that reorder text (bidi overrides)
/// are shown escaped, `\u{1b}`. Text that came from the cluster or the repository (a refusal
/// quoted into a message, a name, a field manager) goes through here before it is printed.
pub fn printable(text: &str) -> String {
    escape(text, false)
}

/// [`printable`] for text of several lines: line breaks are kept.
pub fn printable_lines(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, keep_lines: bool) -> String {
    let unsafe_char = |c: char| {
        (c.is_control() && !(keep_lines && c == '\n'))
            || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
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
                crate::one_line(resource.message.as_deref().unwrap_or("not compared"))
            ),
        ),
        (_, Some(reason)) => (
            match reason {
                DriftReason::Modified => "~",
                DriftReason::Missing => "+",
                DriftReason::Extra => "-",
            },
            format!("OutOfSync: {}", reason.describe()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_reordering_characters_are_shown_escaped() {
        assert_eq!(
            printable("refused: \x1b]0;pwned\x07\x1b[2J\u{9b}1m\u{202e}txt.exe"),
            "refused: \\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{9b}1m\\u{202e}txt.exe"
        );
        assert_eq!(printable("a\nb\tc"), "a\\u{a}b\\u{9}c");
        assert_eq!(
            printable_lines("a: 1\nb: \x1b[31m\n"),
            "a: 1\nb: \\u{1b}[31m\n"
        );
        assert_eq!(printable("plain → text, ünïcode"), "plain → text, ünïcode");
        assert_eq!(crate::one_line("a\n  b\x1b[2J"), "a b\\u{1b}[2J");
    }

    /// What the cluster can put into a report: a refusal quoted into the message, and names,
    /// managers, keys and values of its own.
    fn hostile_report() -> DriftReport {
        use serde_json::json;
        use shipdeck_ipc::drift::FieldChange;
        let esc = "\x1b]0;pwned\x07\x1b[2J\u{9b}31m\u{202e}";
        let modified = ResourceDrift {
            health: None,
            group: "example.com".into(),
            version: "v1".into(),
            kind: "Widget".into(),
            namespace: Some("shop".into()),
            name: format!("w{esc}"),
            status: SyncStatus::OutOfSync,
            reason: Some(DriftReason::Modified),
            changes: vec![FieldChange {
                path: format!("/spec/k{esc}"),
                live: Some(json!(format!("v{esc}\u{7f}"))),
                desired: None,
                manager: Some(format!("m{esc}")),
            }],
            ignored: vec![],
            message: None,
            live_yaml: Some(format!("spec:\n  k{esc}: v{esc}\n")),
            desired_yaml: Some("spec: {}\n".into()),
        };
        let unknown = ResourceDrift {
            name: "refused".into(),
            status: SyncStatus::Unknown,
            reason: None,
            changes: vec![],
            message: Some(format!(
                "admission webhook denied the request: {esc}\r\nline 2"
            )),
            live_yaml: None,
            desired_yaml: None,
            ..modified.clone()
        };
        DriftReport::new(vec![modified, unknown])
    }

    #[test]
    fn text_and_markdown_print_no_control_character_from_the_cluster() {
        let report = hostile_report();
        for (format, out) in [
            ("text", text::render(&report, "plan x", true, false)),
            ("markdown", markdown::render(&report, "plan x")),
        ] {
            let bad: Vec<char> = out
                .chars()
                .filter(|&c| {
                    (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c)
                })
                .collect();
            assert!(bad.is_empty(), "{format}: {bad:?} in {out}");
            // Still there, escaped, to be read.
            assert!(
                out.contains("denied the request: \\") && out.contains("line 2"),
                "{format}: {out}"
            );
            assert!(out.contains("(m\\u{1b}]0;pwned\\u{7}"), "{format}: {out}");
            assert!(out.contains("k\\u{1b}]0;pwned"), "{format}: {out}");
        }
    }
}
