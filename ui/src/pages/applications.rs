use crate::components::connection::{RenderView, RevisionView};
use crate::components::drift::{DriftReview, SyncLine};
use crate::components::{empty_state::EmptyState, error_view::ErrorView};
use crate::store::use_store;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Applications() -> impl IntoView {
    let store = use_store();
    view! {
        <section class="page" id="page-applications">
            <header class="page-header">
                <h1>"Applications"</h1>
                <p class="lede">"A path in a Git repository, deployed to a cluster and namespace."</p>
            </header>
            {move || match store.connections.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
                Some(Ok(o)) if o.applications.is_empty() => view! {
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
                Some(Ok(o)) => view! {
                    <div class="card" id="application-list">
                        {o.applications.into_iter().map(|s| view! {
                            <div class="app-row" data-app=s.app.id.clone()>
                                <h3>{s.app.id.clone()}</h3>
                                <p class="muted">
                                    <code>{s.app.repository.clone()}</code>" / "<code>{s.app.path.clone()}</code>
                                    " → "<code>{s.app.cluster.clone()}</code>" / "<code>{s.app.namespace.clone()}</code>
                                </p>
                                <RevisionView state=s.revision/>
                                <RenderView summary=s.render/>
                                <SyncLine sync=s.sync.clone()/>
                                {s.sync.is_some().then(|| view! { <DriftReview app=s.app.id.clone()/> })}
                            </div>
                        }).collect_view()}
                    </div>
                }.into_any(),
            }}
        </section>
    }
}
