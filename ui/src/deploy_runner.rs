//! Runs what an application's panel ([`crate::deploy_panel`]) asks for against the backend and
//! feeds every answer back into it. Takes the store because these run from event handlers and
//! tasks, outside any reactive owner.

use crate::api::{self, deploy};
use crate::deploy_panel::Action;
use crate::store::{Store, refresh_connections};
use crate::sync_draft::{self, SyncDraft};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The commit application `app`'s comparison shows now; not tracked.
pub fn current_commit(store: Store, app: &str) -> Option<String> {
    store.connections.with_untracked(|c| commit_of(c, app))
}

/// The same, tracked: a confirmation that must notice the commit moving reads this.
pub fn current_commit_tracked(store: Store, app: &str) -> Option<String> {
    store.connections.with(|c| commit_of(c, app))
}

fn commit_of(
    connections: &Option<api::ApiResult<shipdeck_ipc::connections::ConnectionsOverview>>,
    app: &str,
) -> Option<String> {
    let overview = connections.as_ref()?.as_ref().ok()?;
    let status = overview.applications.iter().find(|a| a.app.id == app)?;
    sync_draft::reviewed_commit(status.sync.as_ref())
}

pub fn open_sync(store: Store, app: String, draft: SyncDraft) {
    let ticket = store
        .deploys
        .try_update(|d| d.open_sync(&app, draft))
        .flatten();
    if let Some(ticket) = ticket {
        fetch_candidates(store, app, ticket);
    }
}

pub fn set_prune(store: Store, app: String, on: bool) {
    let ticket = store
        .deploys
        .try_update(|d| d.set_prune(&app, on))
        .flatten();
    if let Some(ticket) = ticket {
        fetch_candidates(store, app, ticket);
    }
}

fn fetch_candidates(store: Store, app: String, ticket: u64) {
    spawn_local(async move {
        let answer = deploy::prune_candidates(app.clone()).await;
        store
            .deploys
            .update(|d| d.candidates_loaded(&app, ticket, answer));
    });
}

/// Opens the rollback confirmation to `to` (the last known good one when `None`) and asks
/// what it would change.
pub fn open_rollback(store: Store, app: String, to: Option<String>) {
    let ticket = store
        .deploys
        .try_update(|d| d.open_rollback(&app, to.clone()))
        .flatten();
    let Some(ticket) = ticket else { return };
    spawn_local(async move {
        let answer = deploy::rollback_preview(app.clone(), to).await;
        store
            .deploys
            .update(|d| d.preview_loaded(&app, ticket, answer));
    });
}

/// Starts what application `app`'s open confirmation confirms.
pub fn start(store: Store, app: String) {
    // Unique across desks' windows and restarts: the backend cancels by this id.
    let operation = format!("deploy-{app}-{}", (js_sys::Math::random() * 1e15) as u64);
    let commit = current_commit(store, &app);
    let action = store
        .deploys
        .try_update(|d| d.start(&app, &operation, commit.as_deref()))
        .flatten();
    let Some(action) = action else { return };
    spawn_local(async move {
        let progress = {
            let (app, operation) = (app.clone(), operation.clone());
            move |p| store.deploys.update(|d| d.progress(&app, &operation, p))
        };
        let answer = match action {
            Action::Sync(request) => {
                deploy::application_sync(request, operation.clone(), progress).await
            }
            Action::Rollback { to } => {
                deploy::application_rollback(app.clone(), to, operation.clone(), progress).await
            }
            Action::KillSwitch => {
                deploy::application_kill_switch(app.clone(), operation.clone(), progress).await
            }
            Action::Undo(target) => {
                deploy::application_undo(
                    app.clone(),
                    target.namespace,
                    target.name,
                    operation.clone(),
                    progress,
                )
                .await
            }
        };
        let again = store
            .deploys
            .try_update(|d| d.finish(&app, &operation, answer))
            .flatten();
        if let Some(ticket) = again {
            fetch_candidates(store, app, ticket);
        }
        // The comparison changed after a sync or undo, the sync policy after the kill switch:
        // show them without waiting for the next push.
        refresh_connections(store);
    });
}

pub fn cancel(store: Store, app: String) {
    let Some(operation) = store.deploys.try_update(|d| d.cancel(&app)).flatten() else {
        return;
    };
    spawn_local(async move {
        // One that already ended has nothing to cancel; its result arrives anyway.
        if let Err(e) = api::operation_cancel(operation).await {
            leptos::logging::warn!("cancel of {app}'s run: {e}");
        }
    });
}
