use crate::{
    AppState,
    guard::{blocking, task},
};
use shipdeck_ipc::IpcError;
use shipdeck_ipc::commands::{ApplicationSaveArgs, IdArgs, IgnoreArgs, PreviewArgs};
use shipdeck_ipc::config::Settings;
use shipdeck_ipc::connections::ConnectionsOverview;
use shipdeck_ipc::drift::{DriftEvent, DriftReport, Preview};
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

/// Adds or removes an ignore rule of an application; the settings as stored after it.
#[tauri::command]
pub async fn application_ignore(
    state: State<'_, AppState>,
    args: IgnoreArgs,
) -> Result<Settings, IpcError> {
    let engine = state.engine.clone();
    blocking("application_ignore", move || {
        engine.set_ignore_rule(&args.id, args.rule, args.remove)
    })
    .await
}

/// An application at another revision compared with its cluster; cancellable with
/// `operation_cancel`.
#[tauri::command]
pub async fn application_preview(
    state: State<'_, AppState>,
    args: PreviewArgs,
) -> Result<Preview, IpcError> {
    let engine = state.engine.clone();
    task("application_preview", async move {
        engine
            .preview(&args.id, &args.revision, &args.operation)
            .await
    })
    .await
}

/// The newest drift events first.
#[tauri::command]
pub async fn drift_events(state: State<'_, AppState>) -> Result<Vec<DriftEvent>, IpcError> {
    Ok(state.engine.drift_events(shipdeck_engine::drift_log::KEPT))
}
