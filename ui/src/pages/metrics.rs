use crate::components::empty_state::EmptyState;
use leptos::prelude::*;

/// DORA's five metrics as the 2024 report defines them, shown next to where the numbers go.
const DEFINITIONS: [(&str, &str); 5] = [
    (
        "Change lead time",
        "Time from a commit to that change running in production.",
    ),
    (
        "Deployment frequency",
        "How often an application is deployed to production.",
    ),
    (
        "Failed deployment recovery time",
        "Time to recover from a failure caused by a deployment.",
    ),
    (
        "Change fail rate",
        "Share of deployments that need immediate intervention (rollback or hotfix).",
    ),
    (
        "Deployment rework rate",
        "Share of deployments that were unplanned, made because of a production incident.",
    ),
];

#[component]
pub fn Metrics() -> impl IntoView {
    view! {
        <section class="page" id="page-metrics">
            <header class="page-header">
                <h1>"Metrics"</h1>
                <p class="lede">"DORA delivery metrics, per application, for team meetings."</p>
            </header>
            <EmptyState title="No deployments to measure yet">
                <p>
                    "The metrics are computed from the deployments Shipdeck records, per \
                     application, with charts and the DORA 2024 performance bands. Recording \
                     deployments is not part of this build yet, so there is nothing to chart."
                </p>
            </EmptyState>
            <h2 class="section-title">"What will be measured (DORA, 2024 report)"</h2>
            <dl class="definitions">
                {DEFINITIONS
                    .into_iter()
                    .map(|(term, def)| view! { <dt>{term}</dt><dd>{def}</dd> })
                    .collect_view()}
            </dl>
        </section>
    }
}
