//! The commands. Each renders, compares through the engine's `drift::plan`, prints, and
//! returns its exit code; a failure before there is a report is an error (exit 2) with a
//! message that says what to do. `sync`, `rollback` and `undo` deploy through the engine's
//! `deployments` and `sync`, and print the deployment record.

mod application;
mod apps;
mod deploy;
mod deployments;
mod diff;
mod dora;
mod history;
mod plan;
mod rollback;
mod selection;
mod sync;
mod timeline;
mod undo;

use crate::args::{Cli, Command, HistoryCommand, OutputArgs};
use crate::exit::Code;
use crate::output;
use anyhow::{Context, Result, bail};
use shipdeck_engine::Dirs;
use shipdeck_engine::settings::{Settings, SettingsStore};
use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::drift::DriftReport;

pub async fn run(cli: Cli) -> Result<Code> {
    let dirs = Dirs::for_user().context(
        "no home directory to find Shipdeck's settings and cache in; set HOME (or \
         XDG_CONFIG_HOME and XDG_CACHE_HOME)",
    )?;
    let git_timeout = cli.git_timeout;
    let result = match cli.command {
        Command::Plan(args) => plan::run(args, &dirs, git_timeout).await,
        Command::Diff(args) => diff::run(args, &dirs, git_timeout).await,
        Command::Apps => apps::run(&dirs, git_timeout).await,
        Command::Sync(args) => sync::run(args, &dirs, git_timeout).await,
        Command::Rollback(args) => rollback::run(args, &dirs).await,
        Command::Undo(args) => undo::run(args, &dirs).await,
        Command::Deployments(args) => deployments::run(args, &dirs).await,
        Command::Dora(args) => dora::run(args, &dirs, git_timeout).await,
        Command::History(HistoryCommand::Export(args)) => {
            history::export(args, &dirs, git_timeout).await
        }
        Command::History(HistoryCommand::Import(args)) => history::import(args, &dirs).await,
        Command::Timeline(args) => timeline::run(args, &dirs, git_timeout).await,
        Command::DeploymentDiff(args) => timeline::diff(args, &dirs).await,
        Command::Incident(args) => timeline::incident(args, &dirs).await,
    };
    // This process's scratch space, once everything in it is gone (a kill leaves it to the
    // window's sweep of gone processes).
    let _ = std::fs::remove_dir(dirs.scratch());
    result
}

/// The window's settings, which must be usable.
fn settings(dirs: &Dirs) -> Result<Settings> {
    let store = SettingsStore::open(dirs.settings_file());
    if let Some(problem) = store.problem() {
        bail!("{problem}");
    }
    Ok(store.get())
}

/// The window's settings if they are usable, else none: `plan` needs them only to find a
/// stored credential, and must work on a machine that never ran the window.
fn settings_if_usable(dirs: &Dirs) -> Settings {
    let store = SettingsStore::open(dirs.settings_file());
    match store.problem() {
        Some(problem) => {
            eprintln!("shipdeck: not using Shipdeck's settings: {problem}");
            Settings::default()
        }
        None => store.get(),
    }
}

/// Prints the report, then on stderr (one line each) what the comparison left out and the
/// first resource that could not be compared, and returns the exit code.
fn finish(report: &DriftReport, heading: &str, output: &OutputArgs) -> Result<Code> {
    output::print(report, heading, output)?;
    for left_out in &report.incomplete {
        eprintln!("shipdeck: incomplete: {}", crate::one_line(left_out));
    }
    if let Some(first) = report
        .resources
        .iter()
        .find(|r| r.status == SyncStatus::Unknown)
    {
        eprintln!(
            "shipdeck: {} resources could not be compared; {}: {}",
            report.summary.unknown,
            output::printable(&first.id()),
            crate::one_line(first.message.as_deref().unwrap_or("no reason given"))
        );
    }
    Ok(Code::of(report))
}
