//! DORA metrics and history files: the engine's, through `task`.

use crate::{AppState, guard::task};
use shipdeck_ipc::IpcError;
use shipdeck_ipc::dora::{DoraQuery, DoraView};
use shipdeck_ipc::history::{HistoryCounts, HistoryFileArgs};
use tauri::State;

#[tauri::command]
pub async fn dora_metrics(
    state: State<'_, AppState>,
    args: DoraQuery,
) -> Result<DoraView, IpcError> {
    let engine = state.engine.clone();
    task("dora_metrics", async move { engine.dora(args).await }).await
}

/// Imports a history file the user chose; refused whole at its first bad line.
#[tauri::command]
pub async fn history_import(
    state: State<'_, AppState>,
    args: HistoryFileArgs,
) -> Result<HistoryCounts, IpcError> {
    let engine = state.engine.clone();
    task("history_import", async move {
        engine.history_import(args).await
    })
    .await
}

#[tauri::command]
pub async fn history_export(
    state: State<'_, AppState>,
    args: HistoryFileArgs,
) -> Result<HistoryCounts, IpcError> {
    let engine = state.engine.clone();
    task("history_export", async move {
        engine.history_export(args).await
    })
    .await
}
