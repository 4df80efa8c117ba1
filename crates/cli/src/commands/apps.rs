//! `shipdeck apps`: every configured application with its revision and sync status. Each is
//! rendered and compared in turn, and its line printed as soon as it is known.

use super::application::compare;
use crate::exit::Code;
use crate::output::write_stdout;
use anyhow::Result;
use shipdeck_engine::Dirs;
use shipdeck_engine::settings::model::{Application, Revision};
use shipdeck_ipc::drift::SyncSummary;
use std::time::Duration;

const HEADER: [&str; 6] = [
    "APPLICATION",
    "CLUSTER",
    "NAMESPACE",
    "REVISION",
    "COMMIT",
    "STATUS",
];

pub async fn run(dirs: &Dirs, git_timeout: Duration) -> Result<Code> {
    let settings = super::settings(dirs)?;
    if settings.applications.is_empty() {
        write_stdout(&format!(
            "No applications are configured in {}; add them in the Shipdeck window (Settings → \
             Applications).\n",
            dirs.settings_file().display()
        ))?;
        return Ok(Code::SYNCED);
    }
    let fixed = |app: &Application| {
        [
            app.id.clone(),
            app.cluster.clone(),
            app.namespace.clone(),
            revision(&app.revision),
        ]
    };
    let mut widths: Vec<usize> = HEADER[..5].iter().map(|h| h.len()).collect();
    for app in &settings.applications {
        for (w, value) in widths.iter_mut().zip(fixed(app)) {
            *w = (*w).max(value.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (cell, width) in cells.iter().zip(&widths) {
            out.push_str(&format!("{cell:<width$}  "));
        }
        out.push_str(cells.last().map(String::as_str).unwrap_or_default());
        out.trim_end().to_string() + "\n"
    };
    let header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
    write_stdout(&line(&header))?;
    let mut code = Code::SYNCED;
    let mut failed = 0;
    for app in &settings.applications {
        let (commit, status, this) = match compare(&settings, app, None, dirs, git_timeout).await {
            Ok(compared) => {
                let commit = compared
                    .tree
                    .commit
                    .as_ref()
                    .map(|(_, c)| c.short_sha().to_string())
                    .unwrap_or_default();
                let report = &compared.report;
                let summary = SyncSummary::of(report, &commit);
                let status = format!(
                    "{} ({})",
                    summary.status.label(),
                    crate::one_line(&summary.detail())
                );
                let this = Code::of(report);
                (commit, status, this)
            }
            Err(e) => (
                "-".to_string(),
                format!("Error: {}", crate::one_line(&format!("{e:#}"))),
                Code::ERROR,
            ),
        };
        if this == Code::ERROR {
            failed += 1;
        }
        code = code.worst(this);
        let mut cells = fixed(app).to_vec();
        cells.push(commit);
        cells.push(status);
        write_stdout(&line(&cells))?;
    }
    if failed > 0 {
        eprintln!(
            "shipdeck: {failed} of {} applications could not be compared; `shipdeck diff APP` \
             shows why",
            settings.applications.len()
        );
    }
    Ok(code)
}

fn revision(revision: &Revision) -> String {
    match revision {
        Revision::Branch(n) => format!("branch {n}"),
        Revision::Tag(n) => format!("tag {n}"),
        Revision::Commit(n) => format!("commit {n}"),
    }
}
