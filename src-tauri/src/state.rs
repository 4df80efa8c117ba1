//! State shared by commands: the engine, and what only the window has.

use shipdeck_engine::Engine;
use std::path::PathBuf;
use std::sync::Arc;

pub struct AppState {
    pub engine: Arc<Engine>,
    pub workspace: Option<PathBuf>,
    // Dropping these releases the instance lock and stops the log writer, so they live as
    // long as the app.
    pub _instance: shipdeck_engine::instance::Guard,
    pub _log_guard: tracing_appender::non_blocking::WorkerGuard,
}

/// The workspace repository: `--workspace <path>` wins over `SHIPDECK_WORKSPACE`.
pub fn workspace_from_env_and_args(mut args: impl Iterator<Item = String>) -> Option<PathBuf> {
    while let Some(arg) = args.next() {
        if arg == "--workspace" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--workspace=") {
            return Some(PathBuf::from(path));
        }
    }
    std::env::var_os("SHIPDECK_WORKSPACE")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}
