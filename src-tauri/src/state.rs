//! State shared by commands.

use shipdeck_engine::credentials::Keyring;
use shipdeck_engine::git::CancelToken;
use shipdeck_engine::monitor::Monitor;
use shipdeck_engine::settings::SettingsStore;
use shipdeck_ipc::IpcError;
use shipdeck_ipc::config::Settings;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub struct AppState {
    pub workspace: Option<PathBuf>,
    /// A settings file that cannot be read is kept as its error: the app keeps running, shows
    /// the error, and never overwrites the file.
    pub settings: Result<SettingsStore, IpcError>,
    pub settings_path: PathBuf,
    pub secrets: Arc<Keyring>,
    pub monitor: Monitor,
    /// Scratch space for repository tests.
    pub scratch_dir: PathBuf,
    /// Cancel tokens of the long operations the UI can cancel, by operation id.
    pub operations: Mutex<HashMap<String, CancelToken>>,
    // Dropping this flushes and stops the log writer, so it lives as long as the app.
    pub _log_guard: tracing_appender::non_blocking::WorkerGuard,
}

impl AppState {
    pub fn settings(&self) -> Result<&SettingsStore, IpcError> {
        self.settings.as_ref().map_err(Clone::clone)
    }

    /// Applies a validated settings change, makes the monitor follow it, and returns what was
    /// stored: the one path every settings command takes.
    pub fn change_settings(
        &self,
        change: impl FnOnce(&mut Settings) -> shipdeck_engine::settings::Result<()>,
    ) -> Result<Settings, IpcError> {
        let store = self.settings()?;
        store.update(change).map_err(crate::errors::from_settings)?;
        let saved = store.get();
        self.monitor.reconfigure(&saved);
        Ok(saved)
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
