//! All drift at once: every resource that is OutOfSync or could not be compared, across the
//! applications and clusters the shared filter shows, grouped by application.

use crate::components::drift::{Incomplete, SyncLine, drift_report};
use crate::components::filter_bar::FilterBar;
use crate::components::resource_list::ResourceList;
use crate::components::sync_review::{ChooseButtons, SelectionBar};
use crate::components::virtual_list::KnownHeights;
use crate::components::{empty_state::EmptyState, error_view::ErrorView};
use crate::filter::{self, by_cluster};
use crate::open_rows::OpenRows;
use crate::routes;
use crate::store::{Phase, application_status, connections_phase, use_store};
use leptos::prelude::*;
use leptos_router::components::A;
use shipdeck_ipc::SyncStatus;

#[component]
pub fn AllDrift() -> impl IntoView {
    let store = use_store();
    let phase = connections_phase(store);
    // The filtered applications that are not Synced, cluster by cluster; only their
    // comparisons are fetched.
    let ids = Memo::new(move |_| {
        let filter = store.filter.get();
        store.connections.with(|c| {
            let Some(Ok(o)) = c else { return Vec::new() };
            let drifted = o
                .applications
                .iter()
                .filter(|a| {
                    a.sync
                        .as_ref()
                        .is_some_and(|s| s.status != SyncStatus::Synced)
                })
                .filter(|a| filter.matches(a))
                .cloned()
                .collect();
            let clusters: Vec<String> = o.clusters.iter().map(|c| c.id.clone()).collect();
            by_cluster(&clusters, drifted)
                .into_iter()
                .flat_map(|(_, apps)| apps.into_iter().map(|a| a.app.id))
                .collect::<Vec<_>>()
        })
    });
    let open = RwSignal::new(OpenRows::default());
    view! {
        <section class="page" id="page-drift">
            <header class="page-header">
                <h1>"All drift"</h1>
                <p class="lede">
                    "Every resource that differs from Git or could not be compared, across the \
                     applications and clusters the filter shows."
                </p>
            </header>
            {move || match phase.get() {
                Phase::Loading => Some(view! { <p class="loading">"Loading…"</p> }.into_any()),
                Phase::Failed(error) => Some(view! { <ErrorView error/> }.into_any()),
                Phase::Ready { .. } => None,
            }}
            <FilterBar/>
            <SelectionBar/>
            <div class="drift-toolbar">
                <button class="drift-expand-all" on:click=move |_| open.update(OpenRows::expand_all)>"Expand all"</button>
                <button class="drift-collapse-all" on:click=move |_| open.update(OpenRows::collapse_all)>"Collapse all"</button>
            </div>
            <Show when=move || matches!(phase.get(), Phase::Ready { .. }) && ids.with(Vec::is_empty)>
                <EmptyState title="No drift">
                    <p>
                        {move || if store.filter.with(filter::AppFilter::is_active) {
                            "No application the filter shows is OutOfSync or Unknown."
                        } else {
                            "Every compared application matches Git."
                        }}
                    </p>
                </EmptyState>
            </Show>
            <div id="drift-apps">
                <For each=move || ids.get() key=|id| id.clone() children=move |id| view! { <DriftApp app=id open/> }/>
            </div>
        </section>
    }
}

/// One application's drifted resources, fetched again whenever it is compared again.
#[component]
fn DriftApp(app: String, open: RwSignal<OpenRows>) -> impl IntoView {
    let store = use_store();
    let status = application_status(store, app.clone());
    let report = drift_report(store, app.clone());
    let heights = StoredValue::new(KnownHeights::new());
    let (choose, list_app) = (app.clone(), app.clone());
    let (href, data_app) = (routes::application(&app), app.clone());
    view! {
        <section class="card drift-app" data-app=data_app>
            <div class="drift-app-head">
                <h2><A href=href>{app}</A></h2>
                {move || status.get().map(|s| view! {
                    <span class="muted">"on "<code>{s.app.cluster}</code></span>
                    <SyncLine sync=s.sync/>
                })}
                <div class="drift-toolbar">
                    <ChooseButtons app=choose report/>
                </div>
            </div>
            {move || match report.get() {
                None => view! { <p class="loading">"Loading the comparison…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
                Some(Ok(None)) => view! { <p class="muted">"Not compared with the cluster yet."</p> }.into_any(),
                Some(Ok(Some(report))) => {
                    let drifted = report
                        .resources
                        .into_iter()
                        .filter(|r| r.status != SyncStatus::Synced)
                        .collect();
                    view! {
                        <Incomplete what=report.incomplete/>
                        <ResourceList app=list_app.clone() resources=drifted open heights actions=true/>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}
