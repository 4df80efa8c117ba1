//! The Tauri shell: builds the app, opens the engine, and adapts its methods to commands and
//! its live state to events. Orchestration, validation and state live in `shipdeck-engine`.

mod commands;
mod guard;
mod live;
mod logging;
mod notify;
mod state;
mod watch;

use shipdeck_engine::credentials::Keyring;
use shipdeck_engine::engine::{Dirs, Engine, Options};
use shipdeck_engine::instance::{self, Instance};
use std::sync::Arc;
use tauri::Manager;

pub use state::AppState;

pub fn run() {
    let workspace = state::workspace_from_env_and_args(std::env::args().skip(1));
    tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            let paths = app.path();
            let dirs = Dirs::new(
                paths.app_config_dir()?,
                paths.app_data_dir()?,
                paths.app_cache_dir()?,
            );
            let handle = app.handle().clone();
            let instance = match instance::acquire(&dirs.config, move || show_main(&handle))? {
                Instance::First(guard) => guard,
                Instance::Second => {
                    // The running instance brings its window to the front.
                    eprintln!("Shipdeck is already running; switched to it.");
                    std::process::exit(0);
                }
            };
            let log_guard = logging::init(&paths.app_log_dir()?)?;
            tracing::info!(
                version = env!("CARGO_PKG_VERSION"),
                ?workspace,
                "Shipdeck starting"
            );
            let engine = Engine::open(
                dirs,
                Arc::new(Keyring::from_env()),
                tauri::async_runtime::handle().inner().clone(),
                Options::default(),
            );
            live::forward(app.handle().clone(), &engine);
            notify::forward(app.handle().clone(), &engine);
            app.manage(AppState {
                engine,
                workspace: workspace.clone(),
                _instance: instance,
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
            commands::applications::application_drift,
            commands::applications::application_preview,
            commands::applications::application_ignore,
            commands::applications::drift_events,
            commands::deploy::application_sync,
            commands::deploy::prune_candidates,
            commands::deploy::deployments,
            commands::deploy::rollback_preview,
            commands::deploy::application_rollback,
            commands::deploy::application_kill_switch,
            commands::deploy::application_sync_policy,
            commands::deploy::application_undo,
            commands::deploy::application_sync_switch,
            commands::history::dora_metrics,
            commands::history::history_import,
            commands::history::history_export,
            commands::history::dora_charts,
            commands::history::dora_chart_export,
            commands::history::dora_behind,
            commands::timeline::timeline,
            commands::timeline::deployment_diff,
            commands::timeline::deployment_incident,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("Shipdeck failed to start its window");
}

fn show_main(app: &tauri::AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
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

    /// No command holds logic: each is an adapter of a few lines over one engine call.
    #[test]
    fn commands_stay_thin() {
        let files = [
            include_str!("commands/app.rs"),
            include_str!("commands/applications.rs"),
            include_str!("commands/clusters.rs"),
            include_str!("commands/repositories.rs"),
            include_str!("commands/workspace.rs"),
        ];
        for file in files {
            for body in file.split("#[tauri::command]").skip(1) {
                let end = body.find("\n}\n").unwrap_or(body.len());
                let lines = body[..end].lines().count();
                assert!(lines <= 16, "a command of {lines} lines:\n{}", &body[..end]);
            }
        }
    }
}
