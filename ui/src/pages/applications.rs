use crate::components::empty_state::EmptyState;
use leptos::prelude::*;

#[component]
pub fn Applications() -> impl IntoView {
    view! {
        <section class="page" id="page-applications">
            <header class="page-header">
                <h1>"Applications"</h1>
                <p class="lede">"A path in a Git repository, deployed to a cluster and namespace."</p>
            </header>
            <EmptyState title="No applications yet">
                <p>
                    "Each application will be listed here with its sync status, its health, the \
                     revision it tracks and a drift diff to review before you approve a sync."
                </p>
                <p>
                    "Defining applications (repository, revision, path → cluster, namespace) from \
                     Settings is not part of this build yet. The manifest directories of the \
                     workspace are on the Overview meanwhile."
                </p>
            </EmptyState>
        </section>
    }
}
