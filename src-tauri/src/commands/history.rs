//! DORA metrics and history files: the engine's, through `task`.

use crate::{AppState, guard::task};
use shipdeck_ipc::IpcError;
use shipdeck_ipc::dora::{BehindArgs, ChartExportArgs, ChartSvg, Counted, DoraQuery, DoraView};
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

#[tauri::command]
pub async fn dora_charts(
    state: State<'_, AppState>,
    args: DoraQuery,
) -> Result<Vec<ChartSvg>, IpcError> {
    let engine = state.engine.clone();
    task("dora_charts", async move { engine.dora_charts(args).await }).await
}

/// Writes one chart (PNG 1×/2×, SVG or its CSV) where the user chose; returns its size.
#[tauri::command]
pub async fn dora_chart_export(
    state: State<'_, AppState>,
    args: ChartExportArgs,
) -> Result<u64, IpcError> {
    let engine = state.engine.clone();
    task("dora_chart_export", async move {
        engine.dora_chart_export(args).await
    })
    .await
}

/// The deployments behind one metric: every number opens to what it counts.
#[tauri::command]
pub async fn dora_behind(
    state: State<'_, AppState>,
    args: BehindArgs,
) -> Result<Vec<Counted>, IpcError> {
    let engine = state.engine.clone();
    task("dora_behind", async move { engine.dora_behind(args).await }).await
}
