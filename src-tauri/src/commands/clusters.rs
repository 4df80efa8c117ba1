use crate::{AppState, guard::blocking};
use shipdeck_ipc::IpcError;
use shipdeck_ipc::clusters::KubeContext;
use shipdeck_ipc::commands::{ClusterAddArgs, ClusterCredentialArgs, IdArgs};
use shipdeck_ipc::config::Settings;
use tauri::State;

#[tauri::command]
pub async fn kube_contexts(state: State<'_, AppState>) -> Result<Vec<KubeContext>, IpcError> {
    let engine = state.engine.clone();
    blocking("kube_contexts", move || engine.kube_contexts()).await
}

#[tauri::command]
pub async fn cluster_add(
    state: State<'_, AppState>,
    args: ClusterAddArgs,
) -> Result<Settings, IpcError> {
    let engine = state.engine.clone();
    blocking("cluster_add", move || {
        engine.add_cluster(&args.id, &args.context)
    })
    .await
}

#[tauri::command]
pub async fn cluster_remove(
    state: State<'_, AppState>,
    args: IdArgs,
) -> Result<Settings, IpcError> {
    let engine = state.engine.clone();
    blocking("cluster_remove", move || engine.remove_cluster(&args.id)).await
}

/// The typed token or client key goes straight to the keyring; it is never written elsewhere.
#[tauri::command]
pub async fn cluster_set_credential(
    state: State<'_, AppState>,
    args: ClusterCredentialArgs,
) -> Result<Settings, IpcError> {
    let engine = state.engine.clone();
    blocking("cluster_set_credential", move || {
        engine.set_cluster_credential(&args.id, args.kind, &args.value)
    })
    .await
}
