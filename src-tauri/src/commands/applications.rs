use crate::errors::invalid;
use crate::{AppState, guard::blocking};
use shipdeck_ipc::IpcError;
use shipdeck_ipc::commands::{ApplicationSaveArgs, IdArgs};
use shipdeck_ipc::config::Settings;
use shipdeck_ipc::connections::ConnectionsOverview;
use tauri::{AppHandle, Manager, State};

#[tauri::command]
pub fn settings_get(state: State<'_, AppState>) -> Result<Settings, IpcError> {
    Ok(state.settings()?.get())
}

#[tauri::command]
pub async fn application_save(
    app: AppHandle,
    args: ApplicationSaveArgs,
) -> Result<Settings, IpcError> {
    blocking("application_save", move || {
        app.state::<AppState>().change_settings(|s| {
            match s.applications.iter_mut().find(|a| a.id == args.entry.id) {
                Some(existing) => *existing = args.entry,
                None => s.applications.push(args.entry),
            }
            Ok(())
        })
    })
    .await
}

#[tauri::command]
pub async fn application_remove(app: AppHandle, args: IdArgs) -> Result<Settings, IpcError> {
    blocking("application_remove", move || {
        let state = app.state::<AppState>();
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
    })
    .await
}

#[tauri::command]
pub fn connections_overview(state: State<'_, AppState>) -> ConnectionsOverview {
    state.monitor.overview()
}
