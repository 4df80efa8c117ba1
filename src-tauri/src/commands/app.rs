use crate::AppState;
use shipdeck_ipc::{ErrorCode, IpcError, commands::AppInfo};
use tauri::{AppHandle, Manager, State};

#[tauri::command]
pub fn app_info(app: AppHandle, state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    let log_dir = app.path().app_log_dir().map_err(|e| {
        IpcError::new(
            ErrorCode::Io,
            format!("cannot resolve the log directory: {e}"),
        )
    })?;
    let dirs = state.engine.dirs();
    Ok(AppInfo {
        version: app.package_info().version.to_string(),
        log_dir: log_dir.display().to_string(),
        data_dir: dirs.data.display().to_string(),
        workspace: state.workspace.as_ref().map(|p| p.display().to_string()),
        settings_file: dirs.settings_file().display().to_string(),
    })
}
