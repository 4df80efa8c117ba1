use crate::{AppState, guard::blocking};
use shipdeck_engine::{Workspace, WorkspaceError};
use shipdeck_ipc::{
    ErrorCode, IpcError,
    commands::RecentCommitsArgs,
    workspace::{CommitSummary, WorkspaceOverview},
};
use std::path::PathBuf;
use tauri::State;

const MAX_COMMITS: u32 = 500;

#[tauri::command]
pub async fn workspace_overview(state: State<'_, AppState>) -> Result<WorkspaceOverview, IpcError> {
    let path = workspace_path(&state)?;
    blocking("workspace_overview", move || load_overview(&path)).await
}

#[tauri::command]
pub async fn recent_commits(
    state: State<'_, AppState>,
    args: RecentCommitsArgs,
) -> Result<Vec<CommitSummary>, IpcError> {
    let path = workspace_path(&state)?;
    let limit = args.limit.min(MAX_COMMITS) as usize;
    blocking("recent_commits", move || {
        Workspace::open(&path)
            .and_then(|w| w.recent_commits(limit))
            .map_err(to_ipc)
    })
    .await
}

pub fn load_overview(path: &std::path::Path) -> Result<WorkspaceOverview, IpcError> {
    Workspace::open(path)
        .and_then(|w| w.overview())
        .map_err(to_ipc)
}

fn workspace_path(state: &AppState) -> Result<PathBuf, IpcError> {
    state.workspace.clone().ok_or_else(|| {
        IpcError::new(
            ErrorCode::NotFound,
            "No workspace is open. Start Shipdeck with `cargo xtask demo`, or pass \
             `--workspace <path to a Git repository of manifests>` (or set SHIPDECK_WORKSPACE).",
        )
    })
}

fn to_ipc(err: WorkspaceError) -> IpcError {
    let code = match &err {
        WorkspaceError::Open { .. } | WorkspaceError::Empty { .. } => ErrorCode::NotFound,
        WorkspaceError::Read { .. } => ErrorCode::Git,
    };
    IpcError::new(code, err.to_string())
}
