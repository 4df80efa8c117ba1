use crate::api;
use crate::components::{commit::CommitLine, empty_state::EmptyState, error_view::ErrorView};
use crate::store::use_store;
use leptos::prelude::*;

const HISTORY_LIMIT: u32 = 100;

#[component]
pub fn Timeline() -> impl IntoView {
    let store = use_store();
    // Refetch when the workspace reloads (its HEAD moved).
    let commits = LocalResource::new(move || {
        store.workspace.track();
        api::recent_commits(HISTORY_LIMIT)
    });
    view! {
        <section class="page" id="page-timeline">
            <header class="page-header">
                <h1>"Timeline"</h1>
                <p class="lede">"Deployments, syncs and rollbacks, next to the commits they shipped."</p>
            </header>
            <EmptyState title="No deployments recorded yet">
                <p>
                    "Every sync, self-heal and rollback will be recorded here with the revision it \
                     deployed and its outcome. Recording deployments is not part of this build yet."
                </p>
            </EmptyState>
            <h2 class="section-title">"Git history of the workspace"</h2>
            {move || match commits.get() {
                None => view! { <p class="loading">"Reading history…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="card commit-list" id="commit-list">
                        {list.into_iter().map(|commit| view! { <CommitLine commit/> }).collect_view()}
                    </div>
                }
                .into_any(),
            }}
        </section>
    }
}
