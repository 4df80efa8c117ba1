use crate::{AppState, guard::blocking};
use shipdeck_ipc::IpcError;
use shipdeck_ipc::commands::{ApplicationSaveArgs, IdArgs};
use shipdeck_ipc::config::Settings;
use shipdeck_ipc::connections::ConnectionsOverview;
use shipdeck_ipc::drift::DriftReport;
use tauri::State;

/// The settings in force; an error while `settings.toml` holds an edit that cannot be used.
/// Async, like every command here, so the main thread never waits on the settings lock.
#[tauri::command]
pub async fn settings_get(state: State<'_, AppState>) -> Result<Settings, IpcError> {
    Ok(state.engine.settings_checked()?)
}

#[tauri::command]
pub async fn application_save(
    state: State<'_, AppState>,
    args: ApplicationSaveArgs,
) -> Result<Settings, IpcError> {
    let engine = state.engine.clone();
    blocking("application_save", move || {
        engine.save_application(args.entry)
    })
    .await
}

#[tauri::command]
pub async fn application_remove(
    state: State<'_, AppState>,
    args: IdArgs,
) -> Result<Settings, IpcError> {
    let engine = state.engine.clone();
    blocking("application_remove", move || {
        engine.remove_application(&args.id)
    })
    .await
}

/// How the application's cluster compares with its manifests, resource by resource; `None`
/// until it was compared.
#[tauri::command]
pub async fn application_drift(
    state: State<'_, AppState>,
    args: IdArgs,
) -> Result<Option<DriftReport>, IpcError> {
    Ok(state.engine.drift(&args.id).map(|r| (*r).clone()))
}

#[tauri::command]
pub async fn connections_overview(
    state: State<'_, AppState>,
) -> Result<ConnectionsOverview, IpcError> {
    Ok(state.engine.overview())
}
