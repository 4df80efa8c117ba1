use crate::errors::{from_connections, from_credentials, from_settings, invalid};
use crate::{AppState, guard::blocking};
use shipdeck_engine::connections::{
    check_repository, git_source, progress_for_ui, repository_secret_key,
};
use shipdeck_engine::credentials::{Overlay, SecretStore};
use shipdeck_engine::git::{CancelToken, throttled};
use shipdeck_engine::{Secret, settings::validate};
use shipdeck_ipc::IpcError;
use shipdeck_ipc::commands::{IdArgs, OperationArgs, RepositorySaveArgs, RepositoryTestArgs};
use shipdeck_ipc::config::Settings;
use shipdeck_ipc::connections::RepositoryCheck;
use shipdeck_ipc::events::GIT_PROGRESS;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, State};

/// Progress events are throttled: a clone reports thousands of steps.
const PROGRESS_EVERY: Duration = Duration::from_millis(150);

#[tauri::command]
pub async fn repository_save(
    app: AppHandle,
    args: RepositorySaveArgs,
) -> Result<Settings, IpcError> {
    blocking("repository_save", move || {
        let state = app.state::<AppState>();
        let mut next = state.settings()?.get();
        match next.repositories.iter_mut().find(|r| r.id == args.entry.id) {
            Some(existing) => *existing = args.entry.clone(),
            None => next.repositories.push(args.entry.clone()),
        }
        // Validate before storing the secret, so a rejected form leaves no orphan in the keyring.
        validate(&next).map_err(from_settings)?;
        let secret = args.secret.filter(|s| !s.is_empty());
        if let (Some(secret), Some(key)) = (secret, repository_secret_key(&args.entry)) {
            state
                .secrets
                .set(&key, &Secret::new(secret))
                .map_err(from_credentials)?;
        }
        state.change_settings(|s| {
            *s = next;
            Ok(())
        })
    })
    .await
}

#[tauri::command]
pub async fn repository_remove(app: AppHandle, args: IdArgs) -> Result<Settings, IpcError> {
    blocking("repository_remove", move || {
        let state = app.state::<AppState>();
        let current = state.settings()?.get();
        if let Some(used) = current
            .applications
            .iter()
            .find(|a| a.repository == args.id)
        {
            return Err(invalid(format!(
                "application '{}' uses repository '{}'; remove it first",
                used.id, args.id
            )));
        }
        let key = current
            .repositories
            .iter()
            .find(|r| r.id == args.id)
            .and_then(repository_secret_key);
        let saved = state.change_settings(|s| {
            s.repositories.retain(|r| r.id != args.id);
            Ok(())
        })?;
        if let Some(key) = key {
            state.secrets.delete(&key).map_err(from_credentials)?;
        }
        Ok(saved)
    })
    .await
}

/// Clones the form's repository (not yet saved) into scratch space, reporting progress as
/// `git-progress` events; [`operation_cancel`] stops it.
#[tauri::command]
pub async fn repository_test(
    app: AppHandle,
    args: RepositoryTestArgs,
) -> Result<RepositoryCheck, IpcError> {
    let state = app.state::<AppState>();
    let cancel = CancelToken::new();
    state
        .operations
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(args.operation.clone(), cancel.clone());
    let scratch = std::fs::create_dir_all(&state.scratch_dir)
        .and_then(|()| {
            tempfile::Builder::new()
                .prefix("repository-test-")
                .tempdir_in(&state.scratch_dir)
        })
        .map_err(|e| {
            invalid(format!(
                "cannot create scratch space in {}: {e}",
                state.scratch_dir.display()
            ))
        })?;
    let secrets = state.secrets.clone();
    let operation = args.operation.clone();
    let emitter = app.clone();
    let result = blocking("repository_test", move || {
        let typed = args
            .secret
            .filter(|s| !s.is_empty())
            .zip(repository_secret_key(&args.entry))
            .map(|(s, key)| (key, Secret::new(s)));
        let store = Overlay::new(typed, secrets.as_ref());
        let source = git_source(&args.entry, &args.revision, &args.path, &store)
            .map_err(from_connections)?;
        let mut report = throttled(PROGRESS_EVERY, |p| {
            let _ = emitter.emit(GIT_PROGRESS, progress_for_ui(&operation, p));
        });
        check_repository(&source, scratch.path(), &cancel, &mut report).map_err(from_connections)
    })
    .await;
    state
        .operations
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&args.operation);
    result
}

#[tauri::command]
pub fn operation_cancel(state: State<'_, AppState>, args: OperationArgs) -> Result<(), IpcError> {
    match state
        .operations
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&args.operation)
    {
        Some(token) => {
            token.cancel();
            Ok(())
        }
        // Finished before the click arrived: nothing left to cancel.
        None => Ok(()),
    }
}
