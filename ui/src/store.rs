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
}

pub fn provide() {
    let store = Store {
        workspace: RwSignal::new(None),
        connections: RwSignal::new(None),
        git_progress: RwSignal::new(None),
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
        warn_if_failed(api::on_connections_changed(move |o| store.connections.set(Some(o))).await);
        warn_if_failed(
            api::on_git_progress(move |p| {
                if let Ok(p) = p {
                    store.git_progress.set(Some(p));
                }
            })
            .await,
        );
        store
            .connections
            .set(Some(api::connections_overview().await));
    });
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
        store
            .connections
            .set(Some(api::connections_overview().await));
    });
}
