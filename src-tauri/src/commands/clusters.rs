use crate::errors::{from_cluster, from_credentials, invalid};
use crate::{AppState, guard::blocking};
use shipdeck_engine::clusters::{self, KubeconfigSource};
use shipdeck_engine::credentials::{CredentialKey, SecretStore, cluster_credential};
use shipdeck_ipc::IpcError;
use shipdeck_ipc::clusters::KubeContext;
use shipdeck_ipc::commands::{ClusterAddArgs, ClusterCredentialArgs, IdArgs};
use shipdeck_ipc::config::{ClusterEntry, Settings};
use tauri::{AppHandle, Manager};

#[tauri::command]
pub async fn kube_contexts() -> Result<Vec<KubeContext>, IpcError> {
    blocking("kube_contexts", || {
        let config = clusters::load(&KubeconfigSource::Default).map_err(from_cluster)?;
        Ok(clusters::contexts(&config))
    })
    .await
}

#[tauri::command]
pub async fn cluster_add(app: AppHandle, args: ClusterAddArgs) -> Result<Settings, IpcError> {
    blocking("cluster_add", move || {
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
        app.state::<AppState>().change_settings(|s| {
            s.clusters.push(ClusterEntry {
                id: args.id,
                context: args.context,
                kubeconfig: vec![],
            });
            Ok(())
        })
    })
    .await
}

#[tauri::command]
pub async fn cluster_remove(app: AppHandle, args: IdArgs) -> Result<Settings, IpcError> {
    blocking("cluster_remove", move || {
        let state = app.state::<AppState>();
        let current = state.settings()?.get();
        if let Some(used) = current.applications.iter().find(|a| a.cluster == args.id) {
            return Err(invalid(format!(
                "application '{}' deploys to cluster '{}'; remove or move it first",
                used.id, args.id
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
    })
    .await
}

/// Moves a token or client key typed by the user into the OS keyring; it is never written
/// anywhere else, and the cluster is checked again with it at once.
#[tauri::command]
pub async fn cluster_set_credential(
    app: AppHandle,
    args: ClusterCredentialArgs,
) -> Result<(), IpcError> {
    blocking("cluster_set_credential", move || {
        let state = app.state::<AppState>();
        let current = state.settings()?.get();
        if !current.clusters.iter().any(|c| c.id == args.id) {
            return Err(invalid(format!("there is no cluster '{}'", args.id)));
        }
        let (key, secret) =
            cluster_credential(&args.id, args.kind, &args.value).map_err(from_credentials)?;
        state.secrets.set(&key, &secret).map_err(from_credentials)?;
        state.monitor.reconfigure(&current);
        Ok(())
    })
    .await
}
