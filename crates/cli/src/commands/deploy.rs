//! What `sync`, `rollback` and `undo` share once they have a job: running it through the engine's
//! `sync::run` with progress on stderr and Ctrl-C as its cancel, then printing the record and
//! choosing the exit code.

use crate::args::Format;
use crate::exit::Code;
use crate::output::deployment::{self, conflicts, outcome, resource_id};
use crate::output::progress::Progress;
use anyhow::{Result, anyhow};
use shipdeck_engine::deployments::Context;
use shipdeck_engine::git::CancelToken;
use shipdeck_engine::sync::{self, Job};
use shipdeck_ipc::deploy::{Deployment, SyncProgress};
use std::time::Duration;

/// Runs `job` with rollouts bounded by `timeout`. A refusal (another sync holds the lease, the
/// record could not be written) is an error: nothing was applied, and its one line is all
/// stderr says. `announce` goes to stderr once the deployment has started, before anything
/// is applied or deleted.
pub async fn run(
    cx: &Context<'_>,
    job: Job,
    timeout: Duration,
    announce: &[String],
) -> Result<Deployment> {
    let mut place = cx.place();
    place.timeout = timeout;
    let cancel = CancelToken::new();
    let interrupt = tokio::spawn(cancel_on_ctrl_c(cancel.clone()));
    let mut printer = Progress::default();
    let mut progress = |event: SyncProgress| {
        if matches!(event, SyncProgress::Started { .. }) {
            for line in announce {
                eprintln!("shipdeck: {}", crate::one_line(line));
            }
        }
        for line in printer.lines(&event) {
            eprintln!("shipdeck: {line}");
        }
    };
    let ended = sync::run(cx.client, job, &place, &cancel, &mut progress).await;
    interrupt.abort();
    ended.map_err(|e| anyhow!("{e}"))
}

/// The first Ctrl-C cancels, so the sync ends Cancelled with each object's fate recorded; a
/// second quits without waiting for that (a cluster that stopped answering), leaving the
/// record running, which the next reader shows as interrupted once the lease expires.
async fn cancel_on_ctrl_c(cancel: CancelToken) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    eprintln!(
        "shipdeck: cancelling: objects being applied finish, the rest are not applied, and the \
         record says Cancelled. Ctrl-C again to quit at once"
    );
    cancel.cancel();
    if tokio::signal::ctrl_c().await.is_ok() {
        eprintln!(
            "shipdeck: quit before the deployment ended; its record will show as interrupted"
        );
        std::process::exit(Code::INTERRUPTED.number());
    }
}

/// Prints the record to stdout and, on stderr, the conflicts to take over and why it did not
/// succeed; returns the exit code.
pub fn finish(done: &Deployment, heading: &str, format: Format) -> Result<Code> {
    deployment::print(done, heading, format)?;
    let conflicted: Vec<String> = done
        .resources
        .iter()
        .filter_map(|r| conflicts(r).map(|c| format!("{} {c}", resource_id(&r.resource))))
        .collect();
    if !conflicted.is_empty() {
        eprintln!(
            "shipdeck: fields another manager owns were left alone: {}; rerun with --force to \
             take them over",
            conflicted.join("; ")
        );
    }
    let code = Code::of_deployment(done);
    if code != Code::SYNCED {
        eprintln!(
            "shipdeck: {} {} {}{}",
            done.kind.label(),
            crate::output::printable(&done.id),
            outcome(done),
            done.message
                .as_deref()
                .map(|m| format!(": {}", crate::one_line(m)))
                .unwrap_or_default()
        );
    }
    Ok(code)
}
