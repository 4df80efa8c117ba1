//! App-wide state pushed by the backend, provided as context so every page reads one copy.

use crate::api::{self, ApiResult};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipdeck_ipc::{events::WorkspaceLoaded, workspace::WorkspaceOverview};

/// The workspace as last loaded: `None` while the first load is in flight.
#[derive(Clone, Copy)]
pub struct Store {
    pub workspace: RwSignal<Option<ApiResult<WorkspaceOverview>>>,
}

pub fn provide() {
    let store = Store {
        workspace: RwSignal::new(None),
    };
    provide_context(store);
    // Subscribe before the first fetch so a change in between is not missed.
    spawn_local(async move {
        let subscribed = api::on_workspace_loaded(move |event| {
            let next = match event {
                Ok(WorkspaceLoaded::Loaded(overview)) => Ok(overview),
                Ok(WorkspaceLoaded::Failed(err)) | Err(err) => Err(err),
            };
            store.workspace.set(Some(next));
        })
        .await;
        if let Err(err) = subscribed {
            leptos::logging::error!("live updates unavailable: {err}");
        }
        store.workspace.set(Some(api::workspace_overview().await));
    });
}

pub fn use_store() -> Store {
    expect_context::<Store>()
}
