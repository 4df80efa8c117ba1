//! State shared by commands.

use std::path::PathBuf;

pub struct AppState {
    pub workspace: Option<PathBuf>,
    // Dropping this flushes and stops the log writer, so it lives as long as the app.
    _log_guard: tracing_appender::non_blocking::WorkerGuard,
}

impl AppState {
    pub fn new(
        workspace: Option<PathBuf>,
        log_guard: tracing_appender::non_blocking::WorkerGuard,
    ) -> Self {
        Self {
            workspace,
            _log_guard: log_guard,
        }
    }
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
