//! App-wide state pushed by the backend, provided as context so every page reads one copy.

use crate::api::{self, ApiResult};
use crate::deploy_panel::Deploys;
use crate::filter::AppFilter;
use crate::format;
use crate::recent_drift::RecentDrift;
use crate::selection::Selection;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipdeck_ipc::config::DriftSettings;
use shipdeck_ipc::connections::{ConnectionsOverview, GitProgress};
use shipdeck_ipc::{events::WorkspaceLoaded, workspace::WorkspaceOverview};
use std::time::Duration;

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
    /// Which applications the Overview and the All-drift page show.
    pub filter: RwSignal<AppFilter>,
    /// The latest drift events, newest first.
    pub recent_drift: RwSignal<RecentDrift>,
    /// The resources chosen for the next sync, kept across pages.
    pub selection: RwSignal<Selection>,
    /// The clock relative times ("4 min ago") are computed from, ticking so they age on screen.
    pub now: RwSignal<i64>,
    /// How drift is judged (which field managers edit by hand), from the settings in force.
    pub drift_settings: RwSignal<DriftSettings>,
    /// Each application's sync, rollback or kill switch panel: a run is followed wherever
    /// the user goes, since its progress arrives here.
    pub deploys: RwSignal<Deploys>,
}

/// How often relative times are recomputed: the coarsest unit shown is a minute.
const CLOCK_TICK: Duration = Duration::from_secs(20);

pub fn provide() {
    let store = Store {
        workspace: RwSignal::new(None),
        connections: RwSignal::new(None),
        git_progress: RwSignal::new(None),
        settings_version: RwSignal::new(0),
        filter: RwSignal::new(AppFilter::default()),
        recent_drift: RwSignal::new(RecentDrift::default()),
        selection: RwSignal::new(Selection::default()),
        now: RwSignal::new(format::now_secs()),
        drift_settings: RwSignal::new(DriftSettings::default()),
        deploys: RwSignal::new(Deploys::default()),
    };
    provide_context(store);
    // A chosen resource is only refreshed from its application's comparison while that review
    // is on screen; an application synced or gone Unknown meanwhile must not keep it chosen.
    Effect::new(move || {
        store.connections.with(|c| {
            if let Some(Ok(overview)) = c {
                store.selection.maybe_update(|s| {
                    s.follow_applications(
                        overview
                            .applications
                            .iter()
                            .map(|a| (a.app.id.as_str(), a.sync.as_ref().map(|s| s.status))),
                    )
                });
            }
        })
    });
    set_interval(move || store.now.set(format::now_secs()), CLOCK_TICK);
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
            api::on_settings_changed(move |settings| {
                if let Ok(settings) = settings {
                    store.drift_settings.set(settings.drift);
                }
                store.settings_version.update(|v| *v += 1)
            })
            .await,
        );
        if let Ok(settings) = api::settings().await {
            store.drift_settings.set(settings.drift);
        }
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
    spawn_local(async move {
        warn_if_failed(
            api::on_drift_detected(move |event| match event {
                Ok(event) => store.recent_drift.update(|r| r.receive(event)),
                Err(err) => leptos::logging::error!("unreadable drift event: {err}"),
            })
            .await,
        );
        let listed = api::drift_events().await;
        store.recent_drift.update(|r| r.load(listed));
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

/// Where the connections overview stands, without its content: pages branch on this so a
/// push of new states updates their parts in place instead of rebuilding them (and what the
/// user typed, opened or scrolled to).
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Loading,
    Failed(shipdeck_ipc::IpcError),
    Ready {
        clusters: usize,
        applications: usize,
    },
}

pub fn connections_phase(store: Store) -> Memo<Phase> {
    Memo::new(move |_| {
        store.connections.with(|c| match c {
            None => Phase::Loading,
            Some(Err(error)) => Phase::Failed(error.clone()),
            Some(Ok(o)) => Phase::Ready {
                clusters: o.clusters.len(),
                applications: o.applications.len(),
            },
        })
    })
}

/// The live status of application `id`, changing only when that application's does.
pub fn application_status(
    store: Store,
    id: String,
) -> Memo<Option<shipdeck_ipc::connections::ApplicationStatus>> {
    Memo::new(move |_| {
        store.connections.with(|c| {
            c.as_ref()
                .and_then(|c| c.as_ref().ok())
                .and_then(|o| o.applications.iter().find(|a| a.app.id == id))
                .cloned()
        })
    })
}
