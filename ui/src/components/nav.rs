use leptos::prelude::*;
use leptos_router::components::A;

/// The navigation rail. `A` marks the current page with `aria-current="page"`, which the
/// stylesheet highlights, so there is no separate "active" state to keep in sync.
#[component]
pub fn Nav() -> impl IntoView {
    view! {
        <nav class="nav" aria-label="Main">
            <div class="brand">
                <img src="/icon.svg" alt="" class="brand-logo"/>
                <span class="brand-name">"Shipdeck"</span>
            </div>
            <A href="/" exact=true attr:id="nav-overview">"Overview"</A>
            <A href="/applications" attr:id="nav-applications">"Applications"</A>
            <A href="/drift" attr:id="nav-drift">"All drift"</A>
            <A href="/timeline" attr:id="nav-timeline">"Timeline"</A>
            <A href="/metrics" attr:id="nav-metrics">"Metrics"</A>
            <A href="/settings" attr:id="nav-settings">"Settings"</A>
        </nav>
    }
}
