//! The engine object: one per running window.
//!
//! It owns the settings store, the secret store, the monitor, the running operations and the
//! directories. The window's Tauri commands are adapters: each calls one method here and maps
//! the result. Every change to the settings is read-modify-write under the store's lock, and
//! the monitor follows the stored result, never an older copy. The `shipdeck` command line
//! reads the same settings and keyring without an engine (one comparison needs no monitor): it
//! compares through [`crate::checkout`], as [`Engine::preview`] does.
//!
//! Live state is published through [`Engine::subscribe`] to any number of subscribers, in
//! order, with a sequence number.

mod applications;
mod automation;
mod clusters;
mod deploy;
mod dirs;
mod error;
mod history;
mod operations;
mod preview;
mod preview_sweep;
mod repositories;
mod settings_watch;
mod timeline;

pub use dirs::{APP_ID, Dirs};
pub use error::{Error, Result};
pub use operations::Operations;

use crate::credentials::SecretStore;
use crate::live::{LiveState, Subscription};
use crate::manifests::Tools;
use crate::monitor::{Monitor, MonitorConfig};
use crate::settings::{SettingsStore, wire};
use shipdeck_ipc::config as ipc;
use std::sync::Arc;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

pub struct Engine {
    dirs: Dirs,
    settings: SettingsStore,
    secrets: Arc<dyn SecretStore>,
    monitor: Monitor,
    operations: Operations,
    watcher: Option<JoinHandle<()>>,
    /// Auto-sync and self-heal ([`automation`]).
    automation: Option<JoinHandle<()>>,
    /// The history index ([`history`]), and the task that keeps it current.
    history: history::History,
    history_notice: Option<String>,
    indexer: Option<JoinHandle<()>>,
    /// Held while an application's records are read and indexed, and while a deployment is
    /// marked: an indexing round that listed the records before a mark must not store its
    /// older copy after it.
    index_lock: tokio::sync::Mutex<()>,
    /// Held from a settings write until the monitor follows it, so the monitor never follows
    /// an older copy after a newer one (two saves, or a save and a hand edit, racing).
    follow: std::sync::Mutex<()>,
}

/// How to open an engine; `Default` is what the app uses.
#[derive(Clone)]
pub struct Options {
    pub tools: Tools,
    /// How often `settings.toml` is checked for edits made outside Shipdeck.
    pub settings_check: std::time::Duration,
    /// How often every application is compared again with its cluster even when no watch
    /// reported a change (a watch can miss one across a reconnect).
    pub drift_recheck: std::time::Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            tools: Tools::from_env(),
            settings_check: settings_watch::DEFAULT_INTERVAL,
            drift_recheck: crate::monitor::DRIFT_RECHECK,
        }
    }
}

impl Engine {
    /// Opens the settings in `dirs`, starts monitoring them on `runtime`, and starts watching
    /// the settings file for edits made outside Shipdeck.
    pub fn open(
        dirs: Dirs,
        secrets: Arc<dyn SecretStore>,
        runtime: Handle,
        options: Options,
    ) -> Arc<Self> {
        sweep_scratch(&dirs);
        let settings = SettingsStore::open(dirs.settings_file());
        {
            let current = settings.get();
            let repositories: Vec<&str> =
                current.repositories.iter().map(|r| r.id.as_str()).collect();
            preview_sweep::sweep(
                &dirs.mirrors().join("preview"),
                &repositories,
                std::time::SystemTime::now(),
            );
        }
        let monitor = Monitor::start(
            runtime.clone(),
            secrets.clone(),
            MonitorConfig {
                mirrors: dirs.mirrors(),
                scratch: dirs.scratch(),
                tools: options.tools,
                drift_recheck: options.drift_recheck,
                drift_events: Some(dirs.drift_events()),
            },
        );
        monitor.settings_problem(settings.problem());
        monitor.reconfigure(Arc::new(settings.get()));
        let (history, history_notice) = history::open(&dirs);
        let engine = Arc::new_cyclic(|weak: &std::sync::Weak<Engine>| Self {
            watcher: Some(settings_watch::spawn(
                &runtime,
                weak.clone(),
                options.settings_check,
            )),
            automation: Some(automation::spawn(&runtime, weak.clone())),
            indexer: Some(history::spawn(&runtime, weak.clone())),
            history,
            history_notice,
            dirs,
            settings,
            secrets,
            monitor,
            operations: Operations::default(),
            index_lock: tokio::sync::Mutex::new(()),
            follow: std::sync::Mutex::new(()),
        });
        tracing::info!(settings = %engine.dirs.settings_file().display(), "engine started");
        engine
    }

    pub fn dirs(&self) -> &Dirs {
        &self.dirs
    }

    pub fn secrets(&self) -> &Arc<dyn SecretStore> {
        &self.secrets
    }

    /// The settings in force, as the UI sees them.
    pub fn settings(&self) -> ipc::Settings {
        wire::to_ipc(&self.settings.get())
    }

    /// The settings in force, or why `settings.toml` cannot be used while it cannot.
    pub fn settings_checked(&self) -> Result<ipc::Settings> {
        match self.settings.problem() {
            Some(problem) => Err(Error::Invalid(problem)),
            None => Ok(self.settings()),
        }
    }

    /// The newest live state and every newer one.
    pub fn subscribe(&self) -> Subscription {
        self.monitor.subscribe()
    }

    pub fn live(&self) -> Arc<LiveState> {
        self.monitor.current()
    }

    pub fn overview(&self) -> shipdeck_ipc::connections::ConnectionsOverview {
        self.monitor.current().overview.clone()
    }

    /// The newest comparison of application `app` with its cluster.
    pub fn drift(&self, app: &str) -> Option<Arc<shipdeck_ipc::drift::DriftReport>> {
        self.monitor.current().drift.get(app).cloned()
    }

    /// The newest drift events first, at most `limit`.
    pub fn drift_events(&self, limit: usize) -> Vec<shipdeck_ipc::drift::DriftEvent> {
        self.monitor.drift_log().recent(limit)
    }

    /// Drift events from now on: the window raises a desktop notification for each.
    pub fn subscribe_drift_events(
        &self,
    ) -> tokio::sync::broadcast::Receiver<shipdeck_ipc::drift::DriftEvent> {
        self.monitor.drift_log().subscribe()
    }

    pub fn cancel_operation(&self, operation: &str) {
        self.operations.cancel(operation);
    }

    /// Applies a change to the newest settings, then runs `after_write` (keyring writes: only
    /// once the settings are on disk, so a refused change leaves no secret behind and a kill in
    /// between leaves a missing secret, which the UI asks for, rather than a wrong one), and
    /// makes the monitor follow what was stored.
    fn change_settings<T>(
        &self,
        change: impl FnOnce(&mut crate::settings::Settings) -> Result<T>,
        after_write: impl FnOnce(&T) -> Result<()>,
    ) -> Result<(T, ipc::Settings)> {
        let _order = self.follow.lock().unwrap_or_else(|p| p.into_inner());
        let out = self.settings.update(change)?;
        let after = after_write(&out);
        let saved = self.settings.get();
        self.monitor.settings_problem(None);
        self.monitor.reconfigure(Arc::new(saved.clone()));
        after?;
        Ok((out, wire::to_ipc(&saved)))
    }

    /// Follows an edit of the settings file made outside Shipdeck, in order with saves.
    fn follow_file(&self) {
        let _order = self.follow.lock().unwrap_or_else(|p| p.into_inner());
        match self.settings.reload_if_changed() {
            crate::settings::Reload::Unchanged => {}
            crate::settings::Reload::Changed(settings) => {
                self.monitor.settings_problem(None);
                self.monitor.reconfigure(Arc::new(settings));
            }
            crate::settings::Reload::Broken(problem) => {
                self.monitor.settings_problem(Some(problem))
            }
        }
    }
}

/// For changes that store no secret.
fn no_secrets<T>(_: &T) -> Result<()> {
    Ok(())
}

impl Drop for Engine {
    fn drop(&mut self) {
        if let Some(w) = self.watcher.take() {
            w.abort();
        }
        if let Some(a) = self.automation.take() {
            a.abort();
        }
        if let Some(i) = self.indexer.take() {
            i.abort();
        }
    }
}

/// Removes the scratch space of processes that are gone (renders and clones left behind by a
/// kill); another process's live work stays.
fn sweep_scratch(dirs: &Dirs) {
    let Ok(entries) = std::fs::read_dir(dirs.scratch_root()) else {
        return;
    };
    for entry in entries.flatten() {
        let pid = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok());
        let alive = pid.is_some_and(|pid| pid != std::process::id() as i32 && process_alive(pid));
        if !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(unix)]
fn process_alive(pid: i32) -> bool {
    rustix::process::Pid::from_raw(pid)
        .is_some_and(|pid| rustix::process::test_kill_process(pid).is_ok())
}

/// Without a cheap check, another process's scratch space is kept (it is in the cache).
#[cfg(not(unix))]
fn process_alive(_pid: i32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_of_gone_processes_is_swept_and_live_ones_kept() {
        let work = tempfile::tempdir().unwrap();
        let dirs = Dirs::new(
            work.path().join("config"),
            work.path().join("data"),
            work.path().join("cache"),
        );
        let root = dirs.scratch_root();
        // pid 1 always runs; a pid above the kernel's maximum never does.
        for name in ["1", "4194305", "not-a-pid"] {
            std::fs::create_dir_all(root.join(name).join("render-x")).unwrap();
        }
        std::fs::create_dir_all(dirs.scratch().join("left-by-an-earlier-run")).unwrap();
        sweep_scratch(&dirs);
        let mut left: Vec<String> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["1"]);
    }
}
