use crate::components::{error_view::ErrorView, time::TimeAgo};
use crate::routes;
use crate::store::use_store;
use leptos::prelude::*;
use leptos_router::components::A;
use shipdeck_ipc::drift::DriftEvent;

/// Events shown before "Show all": the newest matter; the rest are one click away.
const FIRST: usize = 8;

/// Live changes that made an application drift, newest first, updated as they happen.
#[component]
pub fn RecentDriftView() -> impl IntoView {
    let store = use_store();
    let all = RwSignal::new(false);
    let events = move || {
        store.recent_drift.with(|r| {
            let shown = if all.get() { r.events.len() } else { FIRST };
            r.events.iter().take(shown).cloned().collect::<Vec<_>>()
        })
    };
    let hidden = move || {
        store
            .recent_drift
            .with(|r| r.events.len().saturating_sub(FIRST))
    };
    view! {
        <section class="card recent-drift">
            <h2>"Recent drift"</h2>
            {move || store.recent_drift.with(|r| r.error.clone()).map(|error| view! { <ErrorView error/> })}
            {move || store.recent_drift.with(|r| match (r.loaded, r.events.is_empty()) {
                (false, true) => Some(view! { <p class="loading">"Loading recent drift…"</p> }.into_any()),
                (true, true) => Some(view! {
                    <p class="muted">"No live change has made an application drift since Shipdeck started watching."</p>
                }.into_any()),
                _ => None,
            })}
            <ul class="drift-events" id="drift-events" aria-live="polite">
                {move || events().into_iter().map(|event| view! { <EventItem event/> }).collect_view()}
            </ul>
            <Show when=move || !all.get() && (hidden() > 0)>
                <button id="drift-events-more" on:click=move |_| all.set(true)>
                    {move || format!("Show {} older", hidden())}
                </button>
            </Show>
        </section>
    }
}

#[component]
fn EventItem(event: DriftEvent) -> impl IntoView {
    let headline = event.headline();
    let href = routes::application(&event.app);
    view! {
        <li class="drift-event" data-drift-app=event.app.clone()>
            <TimeAgo at=event.at.clone()/>
            <span class="drift-event-headline">{headline}</span>
            <A href=href attr:class="drift-event-link">{format!("Review {}", event.app)}</A>
        </li>
    }
}
