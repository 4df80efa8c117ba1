use crate::components::connection::{RenderView, RevisionView};
use crate::components::deploy_section::DeploySection;
use crate::components::drift::{DriftReview, SyncLine, drift_report};
use crate::components::preview::PreviewPanel;
use crate::components::sync_review::SelectionBar;
use crate::components::{empty_state::EmptyState, error_view::ErrorView};
use crate::routes;
use crate::store::{Phase, application_status, connections_phase, use_store};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Applications() -> impl IntoView {
    let store = use_store();
    let phase = connections_phase(store);
    let query = use_query_map();
    let only = Memo::new(move |_| query.with(|q| q.get("app")));
    // Keyed by id, so a pushed state updates each application in place: its review keeps
    // what is open, chosen and being previewed.
    let ids = Memo::new(move |_| {
        let only = only.get();
        store.connections.with(|c| match c {
            Some(Ok(o)) => o
                .applications
                .iter()
                .map(|a| a.app.id.clone())
                .filter(|id| only.as_ref().is_none_or(|only| only == id))
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    });
    // Sync, rollback and history belong to the page of one application: their controls
    // carry ids the window has once.
    let single = Memo::new(move |_| ids.with(|ids| ids.len() == 1));
    view! {
        <section class="page" id="page-applications">
            <header class="page-header">
                <h1>"Applications"</h1>
                <p class="lede">"A path in a Git repository, deployed to a cluster and namespace."</p>
            </header>
            {move || match phase.get() {
                Phase::Loading => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Phase::Failed(error) => view! { <ErrorView error/> }.into_any(),
                Phase::Ready { applications: 0, .. } => view! {
                    <EmptyState title="No applications yet">
                        <p>
                            "An application pairs a repository, a revision and a path with a cluster \
                             and a default namespace. Add one in "<A href="/settings">"Settings"</A>"."
                        </p>
                        <p>
                            "Each application is compared with its cluster: its sync status and, \
                             resource by resource, the diff a sync would apply appear here."
                        </p>
                    </EmptyState>
                }.into_any(),
                Phase::Ready { .. } => ().into_any(),
            }}
            <Show when=move || matches!(phase.get(), Phase::Ready { applications: 1.., .. })>
                {move || only.get().map(|id| view! {
                    <p class="app-focus">
                        "Showing "<code>{id.clone()}</code>" only. "
                        <A href="/applications" attr:id="show-all-applications">"Show all applications"</A>
                        {move || ids.with(Vec::is_empty).then(|| view! {
                            <span class="notice">" No application with this id is configured."</span>
                        })}
                    </p>
                })}
                <SelectionBar/>
                <div class="card" id="application-list">
                    <For each=move || ids.get() key=|id| id.clone() children=move |id| view! { <AppRow id single/> }/>
                </div>
            </Show>
        </section>
    }
}

#[component]
fn AppRow(id: String, single: Memo<bool>) -> impl IntoView {
    let store = use_store();
    let status = application_status(store, id.clone());
    let compared =
        Memo::new(move |_| status.with(|s| s.as_ref().is_some_and(|s| s.sync.is_some())));
    // One comparison for the drift review and the deploy section (which offers an undo for
    // each Deployment in it).
    let report = drift_report(store, id.clone());
    let review = id.clone();
    let (deploy, href) = (id.clone(), routes::application(&id));
    view! {
        <div class="app-row" data-app=id.clone()>
            <h3>{id.clone()}</h3>
            {move || status.get().map(|s| view! {
                <p class="muted">
                    <code>{s.app.repository.clone()}</code>" / "<code>{s.app.path.clone()}</code>
                    " → "<code>{s.app.cluster.clone()}</code>" / "<code>{s.app.namespace.clone()}</code>
                </p>
                <RevisionView state=s.revision/>
                <RenderView summary=s.render/>
                <SyncLine sync=s.sync/>
            })}
            <Show when=move || single.get()
                fallback=move || view! {
                    <p class="open-deploy"><A href=href.clone()>"Sync, roll back and deployment history →"</A></p>
                }>
                <DeploySection app=deploy.clone() report/>
            </Show>
            <Show when=move || compared.get()>
                <DriftReview app=review.clone() report/>
            </Show>
            <PreviewPanel app=id.clone()/>
        </div>
    }
}
