//! The timeline, what a deployment changed, and incidents marked on deployments: the
//! engine's, through `task`.

use crate::{AppState, guard::task};
use shipdeck_ipc::IpcError;
use shipdeck_ipc::deploy::Deployment;
use shipdeck_ipc::timeline::{
    DeploymentDiff, DeploymentDiffArgs, IncidentArgs, Timeline, TimelineQuery,
};
use tauri::State;

#[tauri::command]
pub async fn timeline(
    state: State<'_, AppState>,
    args: TimelineQuery,
) -> Result<Timeline, IpcError> {
    let engine = state.engine.clone();
    task("timeline", async move { engine.timeline(args).await }).await
}

#[tauri::command]
pub async fn deployment_diff(
    state: State<'_, AppState>,
    args: DeploymentDiffArgs,
) -> Result<DeploymentDiff, IpcError> {
    let engine = state.engine.clone();
    task("deployment_diff", async move {
        engine.deployment_diff(args).await
    })
    .await
}

#[tauri::command]
pub async fn deployment_incident(
    state: State<'_, AppState>,
    args: IncidentArgs,
) -> Result<Deployment, IpcError> {
    let engine = state.engine.clone();
    task("deployment_incident", async move {
        engine.mark_incident(args).await
    })
    .await
}
