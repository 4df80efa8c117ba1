//! App-wide state pushed by the backend, provided as context so every page reads one copy.

use crate::api::{self, ApiResult};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipdeck_ipc::connections::{ConnectionsOverview, GitProgress};
use shipdeck_ipc::{events::WorkspaceLoaded, workspace::WorkspaceOverview};

#[derive(Clone, Copy)]
pub struct Store {
    /// The workspace as last loaded: `None` while the first load is in flight.
    pub workspace: RwSignal<Option<ApiResult<WorkspaceOverview>>>,
    /// Clusters and applications with their live state.
    pub connections: RwSignal<Option<ApiResult<ConnectionsOverview>>>,
    /// The latest progress report of a Git operation the user waits on.
    pub git_progress: RwSignal<Option<GitProgress>>,
    /// Bumped whenever the backend reports that the settings in force changed (also by a
    /// hand edit of `settings.toml`), so pages showing them read them again.
    pub settings_version: RwSignal<u64>,
}

pub fn provide() {
    let store = Store {
        workspace: RwSignal::new(None),
        connections: RwSignal::new(None),
        git_progress: RwSignal::new(None),
        settings_version: RwSignal::new(0),
    };
    provide_context(store);
    // Subscribe before each first fetch so a change in between is not missed.
    spawn_local(async move {
        let subscribed = api::on_workspace_loaded(move |event| {
            let next = match event {
                Ok(WorkspaceLoaded::Loaded(overview)) => Ok(*overview),
                Ok(WorkspaceLoaded::Failed(err)) | Err(err) => Err(err),
            };
            store.workspace.set(Some(next));
        })
        .await;
        warn_if_failed(subscribed);
        store.workspace.set(Some(api::workspace_overview().await));
    });
    spawn_local(async move {
        warn_if_failed(api::on_connections_changed(move |o| show_connections(store, o)).await);
        warn_if_failed(
            api::on_settings_changed(move |_| store.settings_version.update(|v| *v += 1)).await,
        );
        warn_if_failed(
            api::on_git_progress(move |p| {
                if let Ok(p) = p {
                    store.git_progress.set(Some(p));
                }
            })
            .await,
        );
        show_connections(store, api::connections_overview().await);
    });
}

/// Shows `next` unless it is older than what is shown: events and fetches can cross, and the
/// backend numbers its states so the UI never goes back to an older one.
fn show_connections(store: Store, next: ApiResult<ConnectionsOverview>) {
    let shown = store.connections.with_untracked(|c| match c {
        Some(Ok(current)) => Some(current.seq),
        _ => None,
    });
    if let (Ok(next), Some(shown)) = (&next, shown)
        && next.seq < shown
    {
        return;
    }
    store.connections.set(Some(next));
}

fn warn_if_failed(result: ApiResult<()>) {
    if let Err(err) = result {
        leptos::logging::error!("live updates unavailable: {err}");
    }
}

pub fn use_store() -> Store {
    expect_context::<Store>()
}

/// After a settings change the backend pushes new connection states; this fetches the
/// current overview at once so the page does not wait for the first check.
pub fn refresh_connections(store: Store) {
    spawn_local(async move {
        show_connections(store, api::connections_overview().await);
    });
}
