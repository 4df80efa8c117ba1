//! Syncs, rollbacks and deployment history. Progress streams to the window through a
//! `tauri::ipc::Channel` (in order, only to the window that asked); everything else is the
//! engine's.

use crate::{
    AppState,
    guard::{blocking, task},
};
use shipdeck_ipc::IpcError;
use shipdeck_ipc::commands::{
    IdArgs, KillSwitchArgs, RollbackArgs, RollbackPreviewArgs, SyncArgs, SyncPolicyArgs,
    SyncSwitchArgs, UndoArgs,
};
use shipdeck_ipc::config::Settings;
use shipdeck_ipc::deploy::{Deployment, ResourceRef, RollbackPreview, SyncProgress};
use tauri::State;
use tauri::ipc::Channel;

/// Sends progress to the window; a window that went away no longer listens, which must not
/// stop the sync.
fn sender(channel: Channel<SyncProgress>) -> impl FnMut(SyncProgress) + Send {
    move |p| {
        if let Err(e) = channel.send(p) {
            tracing::debug!("sync progress not delivered: {e}");
        }
    }
}

/// Syncs an application (or the reviewed selection); cancellable with `operation_cancel`.
#[tauri::command]
pub async fn application_sync(
    state: State<'_, AppState>,
    args: SyncArgs,
    on_progress: Channel<SyncProgress>,
) -> Result<Deployment, IpcError> {
    let engine = state.engine.clone();
    task("application_sync", async move {
        let mut send = sender(on_progress);
        engine.sync(args.request, &args.operation, &mut send).await
    })
    .await
}

/// What a sync with prune would delete, to confirm first.
#[tauri::command]
pub async fn prune_candidates(
    state: State<'_, AppState>,
    args: IdArgs,
) -> Result<Vec<ResourceRef>, IpcError> {
    Ok(state.engine.prune_candidates(&args.id)?)
}

/// Every deployment of an application, newest first, from its cluster and this desk.
#[tauri::command]
pub async fn deployments(
    state: State<'_, AppState>,
    args: IdArgs,
) -> Result<Vec<Deployment>, IpcError> {
    let engine = state.engine.clone();
    task(
        "deployments",
        async move { engine.deployments(&args.id).await },
    )
    .await
}

#[tauri::command]
pub async fn rollback_preview(
    state: State<'_, AppState>,
    args: RollbackPreviewArgs,
) -> Result<RollbackPreview, IpcError> {
    let engine = state.engine.clone();
    task("rollback_preview", async move {
        engine.rollback_preview(&args.app, args.to.as_deref()).await
    })
    .await
}

#[tauri::command]
pub async fn application_rollback(
    state: State<'_, AppState>,
    args: RollbackArgs,
    on_progress: Channel<SyncProgress>,
) -> Result<Deployment, IpcError> {
    let engine = state.engine.clone();
    task("application_rollback", async move {
        let mut send = sender(on_progress);
        engine
            .rollback(&args.app, args.to.as_deref(), &args.operation, &mut send)
            .await
    })
    .await
}

#[tauri::command]
pub async fn application_kill_switch(
    state: State<'_, AppState>,
    args: KillSwitchArgs,
    on_progress: Channel<SyncProgress>,
) -> Result<Deployment, IpcError> {
    let engine = state.engine.clone();
    task("application_kill_switch", async move {
        let mut send = sender(on_progress);
        engine
            .kill_switch(&args.app, args.to.as_deref(), &args.operation, &mut send)
            .await
    })
    .await
}

#[tauri::command]
pub async fn application_sync_policy(
    state: State<'_, AppState>,
    args: SyncPolicyArgs,
) -> Result<Settings, IpcError> {
    let engine = state.engine.clone();
    blocking("application_sync_policy", move || {
        engine.set_sync_policy(&args.id, args.policy)
    })
    .await
}

/// Undoes one Deployment to its previous ReplicaSet revision; cancellable like a sync.
#[tauri::command]
pub async fn application_undo(
    state: State<'_, AppState>,
    args: UndoArgs,
    on_progress: Channel<SyncProgress>,
) -> Result<Deployment, IpcError> {
    let engine = state.engine.clone();
    task("application_undo", async move {
        let mut send = sender(on_progress);
        engine
            .undo(
                &args.app,
                &args.namespace,
                &args.name,
                &args.operation,
                &mut send,
            )
            .await
    })
    .await
}

/// Turns one sync switch of an application on or off, the others as stored.
#[tauri::command]
pub async fn application_sync_switch(
    state: State<'_, AppState>,
    args: SyncSwitchArgs,
) -> Result<Settings, IpcError> {
    let engine = state.engine.clone();
    blocking("application_sync_switch", move || {
        engine.set_sync_switch(&args.id, args.switch, args.on)
    })
    .await
}
