//! The Tauri shell: builds the app, wires state, commands and background tasks.
//! Domain logic lives in `shipdeck-engine`; commands here only adapt it to IPC.

mod commands;
mod errors;
mod guard;
mod logging;
mod state;
mod watch;

use shipdeck_engine::credentials::Keyring;
use shipdeck_engine::monitor::Monitor;
use shipdeck_engine::settings::SettingsStore;
use shipdeck_ipc::events::CONNECTIONS_CHANGED;
use std::sync::Arc;
use tauri::{Emitter, Manager};

pub use state::AppState;

pub fn run() {
    let workspace = state::workspace_from_env_and_args(std::env::args().skip(1));
    tauri::Builder::default()
        .setup(move |app| {
            let log_dir = app.path().app_log_dir()?;
            let log_guard = logging::init(&log_dir)?;
            tracing::info!(
                version = env!("CARGO_PKG_VERSION"),
                ?workspace,
                "Shipdeck starting"
            );
            let settings_path = app.path().app_config_dir()?.join("settings.toml");
            let settings = SettingsStore::open(&settings_path).map_err(errors::from_settings);
            if let Err(err) = &settings {
                tracing::error!("{}", err.message);
            }
            let secrets = Arc::new(Keyring::default());
            let cache = app.path().app_cache_dir()?;
            let handle = app.handle().clone();
            let monitor = Monitor::start(
                tauri::async_runtime::handle().inner().clone(),
                secrets.clone(),
                cache.join("mirrors"),
                move |overview| {
                    if let Err(err) = handle.emit(CONNECTIONS_CHANGED, overview) {
                        tracing::warn!(%err, "could not emit {CONNECTIONS_CHANGED}");
                    }
                },
            );
            if let Ok(store) = &settings {
                monitor.reconfigure(&store.get());
            }
            app.manage(AppState {
                workspace: workspace.clone(),
                settings,
                settings_path,
                secrets,
                monitor,
                scratch_dir: cache.join("scratch"),
                operations: Default::default(),
                _log_guard: log_guard,
            });
            if let Some(path) = workspace.clone() {
                watch::spawn_head_watcher(app.handle().clone(), path);
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::workspace::workspace_overview,
            commands::workspace::recent_commits,
            commands::applications::settings_get,
            commands::clusters::kube_contexts,
            commands::clusters::cluster_add,
            commands::clusters::cluster_remove,
            commands::clusters::cluster_set_credential,
            commands::repositories::repository_save,
            commands::repositories::repository_remove,
            commands::repositories::repository_test,
            commands::repositories::operation_cancel,
            commands::applications::application_save,
            commands::applications::application_remove,
            commands::applications::connections_overview,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("Shipdeck failed to start its window");
}

#[cfg(test)]
mod tests {
    /// The command names the UI uses (from the shared crate) must be exactly the ones the
    /// build script declares and the capability file allows.
    #[test]
    fn capability_allows_exactly_the_declared_commands() {
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
        let allowed: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(str::to_string))
            .collect();
        let expected: Vec<String> = shipdeck_ipc::commands::ALL
            .iter()
            .map(|c| c.replace('_', "-"))
            .collect();
        assert_eq!(allowed, expected);
        let build_rs = include_str!("../build.rs");
        for command in shipdeck_ipc::commands::ALL {
            assert!(
                build_rs.contains(&format!("\"{command}\"")),
                "{command} not in build.rs"
            );
        }
    }
}
