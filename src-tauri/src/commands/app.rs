use crate::AppState;
use shipdeck_ipc::{ErrorCode, IpcError, commands::AppInfo};
use tauri::{AppHandle, Manager, State};

#[tauri::command]
pub fn app_info(app: AppHandle, state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    let paths = app.path();
    let dir = |r: tauri::Result<std::path::PathBuf>| {
        r.map(|p| p.display().to_string())
            .map_err(|e| IpcError::new(ErrorCode::Io, format!("cannot resolve app directory: {e}")))
    };
    Ok(AppInfo {
        version: app.package_info().version.to_string(),
        log_dir: dir(paths.app_log_dir())?,
        data_dir: dir(paths.app_data_dir())?,
        workspace: state.workspace.as_ref().map(|p| p.display().to_string()),
        settings_file: state.settings_path.display().to_string(),
    })
}
