//! Logs go to a daily file in the app's log directory and to stderr.

use std::path::Path;
use tracing_subscriber::{EnvFilter, fmt, layer::SubscriberExt, util::SubscriberInitExt};

/// Starts logging; `SHIPDECK_LOG` takes an env-filter (default `info`). Panics are logged too,
/// so a failure in a command leaves a trace next to the error the UI shows.
pub fn init(log_dir: &Path) -> std::io::Result<tracing_appender::non_blocking::WorkerGuard> {
    std::fs::create_dir_all(log_dir)?;
    let file = tracing_appender::rolling::daily(log_dir, "shipdeck.log");
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = EnvFilter::try_from_env("SHIPDECK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // try_init: a second init (tests, re-entry) keeps the first subscriber instead of aborting.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(fmt::layer().with_ansi(false).with_writer(writer))
        .try_init();
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(panic = %info, "panic");
        default_hook(info);
    }));
    Ok(guard)
}
