use crate::AppState;
use crate::errors::invalid;
use shipdeck_ipc::IpcError;
use shipdeck_ipc::commands::{ApplicationSaveArgs, IdArgs};
use shipdeck_ipc::config::Settings;
use shipdeck_ipc::connections::ConnectionsOverview;
use tauri::State;

#[tauri::command]
pub fn settings_get(state: State<'_, AppState>) -> Result<Settings, IpcError> {
    Ok(state.settings()?.get())
}

#[tauri::command]
pub fn application_save(
    state: State<'_, AppState>,
    args: ApplicationSaveArgs,
) -> Result<Settings, IpcError> {
    state.change_settings(|s| {
        match s.applications.iter_mut().find(|a| a.id == args.entry.id) {
            Some(existing) => *existing = args.entry,
            None => s.applications.push(args.entry),
        }
        Ok(())
    })
}

#[tauri::command]
pub fn application_remove(state: State<'_, AppState>, args: IdArgs) -> Result<Settings, IpcError> {
    if !state
        .settings()?
        .get()
        .applications
        .iter()
        .any(|a| a.id == args.id)
    {
        return Err(invalid(format!("there is no application '{}'", args.id)));
    }
    state.change_settings(|s| {
        s.applications.retain(|a| a.id != args.id);
        Ok(())
    })
}

#[tauri::command]
pub fn connections_overview(state: State<'_, AppState>) -> ConnectionsOverview {
    state.monitor.overview()
}
