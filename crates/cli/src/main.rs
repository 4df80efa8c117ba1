//! `shipdeck`: the command line on the same engine, settings and keyring as the window.
//!
//! `plan` compares manifests that are not configured as an application with a cluster (what a
//! pull-request workflow runs), `diff` does it for a configured application (or previews another
//! revision of it), `apps` lists the applications with their sync status. `sync` applies an
//! application and waits until it is Healthy, `rollback` re-applies a recorded deployment,
//! `undo` puts one Deployment back to its previous ReplicaSet revision, `deployments` lists
//! them. Exit codes follow `kubectl diff`: 0 when everything is Synced (for a deployment:
//! succeeded and Healthy), 1 when something is OutOfSync (a deployment that ended Failed or
//! Cancelled), 2 or more on an error, including a resource that could not be compared or a
//! deployment that was refused. A failure is one line on stderr; a panic is
//! caught and reported the same way (exit 3), never a backtrace.

mod args;
mod cluster;
mod commands;
mod exit;
mod output;
mod source;

use clap::Parser;
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "shipdeck: internal error{at}: {}; please report it",
            one_line(&message)
        );
    }));
    // Usage errors exit 2 with clap's message, `--help` and `--version` exit 0.
    let cli = args::Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("shipdeck: cannot start the async runtime: {e}");
            return exit::Code::ERROR.into();
        }
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        runtime.block_on(commands::run(cli))
    }));
    // A clone or render still running on the blocking pool after an error is not waited for.
    runtime.shutdown_timeout(Duration::from_millis(500));
    match outcome {
        Ok(Ok(code)) => code.into(),
        Ok(Err(error)) => {
            eprintln!("shipdeck: {}", one_line(&format!("{error:#}")));
            exit::Code::ERROR.into()
        }
        // The panic hook has printed the cause.
        Err(_) => exit::Code::PANIC.into(),
    }
}

/// Engine logs go to stderr, off unless `SHIPDECK_LOG` asks (`warn`, `debug`, …): stdout is
/// the report, and stderr the one-line cause of a failure.
fn init_logging() {
    let filter = std::env::var("SHIPDECK_LOG").unwrap_or_else(|_| "off".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .try_init();
}

/// Messages from nested errors may span lines; the cause is one line on stderr. Control
/// characters left (a message from the cluster may hold terminal escapes) are shown escaped.
pub fn one_line(text: &str) -> String {
    output::printable(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}
