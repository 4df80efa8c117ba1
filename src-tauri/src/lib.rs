//! The Tauri shell: builds the app, wires state, commands and background tasks.
//! Domain logic lives in `shipdeck-engine`; commands here only adapt it to IPC.

mod commands;
mod guard;
mod logging;
mod state;
mod watch;

use tauri::Manager;

pub use state::AppState;

pub fn run() {
    let workspace = state::workspace_from_env_and_args(std::env::args().skip(1));
    tauri::Builder::default()
        .setup(move |app| {
            let log_dir = app.path().app_log_dir()?;
            let log_guard = logging::init(&log_dir)?;
            tracing::info!(version = env!("CARGO_PKG_VERSION"), ?workspace, "Shipdeck starting");
            app.manage(AppState::new(workspace.clone(), log_guard));
            if let Some(path) = workspace.clone() {
                watch::spawn_head_watcher(app.handle().clone(), path);
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::workspace::workspace_overview,
            commands::workspace::recent_commits,
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
            assert!(build_rs.contains(&format!("\"{command}\"")), "{command} not in build.rs");
        }
    }
}
