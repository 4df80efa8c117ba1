use crate::errors::{from_cluster, from_credentials, invalid};
use crate::{AppState, guard::blocking};
use shipdeck_engine::Secret;
use shipdeck_engine::clusters::{self, KubeconfigSource};
use shipdeck_engine::credentials::{CredentialKey, SecretStore};
use shipdeck_ipc::IpcError;
use shipdeck_ipc::clusters::KubeContext;
use shipdeck_ipc::commands::{ClusterAddArgs, ClusterTokenArgs, IdArgs};
use shipdeck_ipc::config::{ClusterEntry, Settings};
use tauri::State;

#[tauri::command]
pub async fn kube_contexts() -> Result<Vec<KubeContext>, IpcError> {
    blocking("kube_contexts", || {
        let config = clusters::load(&KubeconfigSource::Default).map_err(from_cluster)?;
        Ok(clusters::contexts(&config))
    })
    .await
}

#[tauri::command]
pub fn cluster_add(state: State<'_, AppState>, args: ClusterAddArgs) -> Result<Settings, IpcError> {
    let config = clusters::load(&KubeconfigSource::Default).map_err(from_cluster)?;
    if !clusters::contexts(&config)
        .iter()
        .any(|c| c.name == args.context)
    {
        return Err(invalid(format!(
            "the kubeconfig has no context named '{}'; pick one from the list",
            args.context
        )));
    }
    state.change_settings(|s| {
        s.clusters.push(ClusterEntry {
            id: args.id,
            context: args.context,
            kubeconfig: vec![],
        });
        Ok(())
    })
}

#[tauri::command]
pub fn cluster_remove(state: State<'_, AppState>, args: IdArgs) -> Result<Settings, IpcError> {
    let store = state.settings()?;
    if let Some(app) = store
        .get()
        .applications
        .iter()
        .find(|a| a.cluster == args.id)
    {
        return Err(invalid(format!(
            "application '{}' deploys to cluster '{}'; remove or move it first",
            app.id, args.id
        )));
    }
    let saved = state.change_settings(|s| {
        s.clusters.retain(|c| c.id != args.id);
        Ok(())
    })?;
    for key in [
        CredentialKey::ClusterToken(args.id.clone()),
        CredentialKey::ClusterClientKey(args.id),
    ] {
        state.secrets.delete(&key).map_err(from_credentials)?;
    }
    Ok(saved)
}

/// Moves a token typed by the user into the OS keyring; it is never written anywhere else.
#[tauri::command]
pub fn cluster_set_token(
    state: State<'_, AppState>,
    args: ClusterTokenArgs,
) -> Result<(), IpcError> {
    let store = state.settings()?;
    if !store.get().clusters.iter().any(|c| c.id == args.id) {
        return Err(invalid(format!("there is no cluster '{}'", args.id)));
    }
    let token = args.token.trim();
    if token.is_empty() {
        return Err(invalid(
            "the token is empty; paste the bearer token for this cluster",
        ));
    }
    state
        .secrets
        .set(&CredentialKey::ClusterToken(args.id), &Secret::new(token))
        .map_err(from_credentials)?;
    state.monitor.reconfigure(&store.get());
    Ok(())
}
