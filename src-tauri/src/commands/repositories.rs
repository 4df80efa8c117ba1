use crate::{AppState, guard};
use shipdeck_ipc::IpcError;
use shipdeck_ipc::commands::{IdArgs, OperationArgs, RepositorySaveArgs, RepositoryTestArgs};
use shipdeck_ipc::config::Settings;
use shipdeck_ipc::connections::RepositoryCheck;
use shipdeck_ipc::events::GIT_PROGRESS;
use tauri::{AppHandle, Emitter, State};

#[tauri::command]
pub async fn repository_save(
    state: State<'_, AppState>,
    args: RepositorySaveArgs,
) -> Result<Settings, IpcError> {
    let engine = state.engine.clone();
    guard::blocking("repository_save", move || {
        engine.save_repository(args.entry, args.secret)
    })
    .await
}

#[tauri::command]
pub async fn repository_remove(
    state: State<'_, AppState>,
    args: IdArgs,
) -> Result<Settings, IpcError> {
    let engine = state.engine.clone();
    guard::blocking("repository_remove", move || {
        engine.remove_repository(&args.id)
    })
    .await
}

/// Clones the form's repository into scratch space with `git-progress` events;
/// [`operation_cancel`] stops it at once.
#[tauri::command]
pub async fn repository_test(
    app: AppHandle,
    state: State<'_, AppState>,
    args: RepositoryTestArgs,
) -> Result<RepositoryCheck, IpcError> {
    let engine = state.engine.clone();
    let progress = move |p| drop(app.emit(GIT_PROGRESS, p));
    guard::task("repository_test", async move {
        engine.test_repository(args, progress).await
    })
    .await
}

#[tauri::command]
pub fn operation_cancel(state: State<'_, AppState>, args: OperationArgs) -> Result<(), IpcError> {
    state.engine.cancel_operation(&args.operation);
    Ok(())
}
