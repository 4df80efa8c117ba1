//! Presentation mode for a team meeting: the Metrics page full screen, in large type, one
//! slide at a time (the five numbers with their bands, then each chart), stepped with the
//! arrow keys (or Page Up/Down, space), with the scope and period still selectable; Escape
//! leaves. The numbers and charts are the engine's, as on the page.

use crate::api;
use crate::components::chart_image::ChartImage;
use crate::components::error_view::ErrorView;
use crate::components::scope_select::ScopeSelect;
use crate::metrics_query::{Measure, PERIODS};
use leptos::ev;
use leptos::prelude::*;
use shipdeck_ipc::dora_text as text;

/// The numbers, then the five charts.
const SLIDES: usize = 6;

thread_local! {
    /// Whether the window should be full screen: the last request wins, however the calls
    /// that carry them overtake each other.
    static WANTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The window in or out of full screen. The board covers the window either way, so a
/// system that refuses (no window manager) costs only the screen's edges: logged, not shown.
fn full_screen(on: bool) {
    WANTED.with(|w| w.set(on));
    leptos::task::spawn_local(async move {
        let mut applied = on;
        loop {
            if let Err(e) = api::set_fullscreen(applied).await {
                leptos::logging::warn!("full screen {applied}: {}", e.message);
                return;
            }
            // Asked otherwise meanwhile, and that call may have landed first: apply the last.
            let wanted = WANTED.with(|w| w.get());
            if wanted == applied {
                return;
            }
            applied = wanted;
        }
    });
}

#[component]
pub fn Presentation(m: Measure, open: RwSignal<bool>) -> impl IntoView {
    let (scope, days) = (m.scope, m.days);
    let slide = RwSignal::new(0usize);
    let view_ = LocalResource::new(move || api::history::dora_metrics(m.query()));
    let charts = LocalResource::new(move || api::history::dora_charts(m.query()));
    let leave = move || {
        full_screen(false);
        open.set(false);
    };
    let keys = window_event_listener(ev::keydown, move |e| {
        if crate::keys::is_for_a_field(&e) {
            return;
        }
        match e.key().as_str() {
            "ArrowRight" | "PageDown" | " " => slide.update(|s| *s = (*s + 1).min(SLIDES - 1)),
            "ArrowLeft" | "PageUp" => slide.update(|s| *s = s.saturating_sub(1)),
            "Home" => slide.set(0),
            "End" => slide.set(SLIDES - 1),
            "Escape" => leave(),
            _ => return,
        }
        e.prevent_default();
    });
    on_cleanup(move || keys.remove());
    full_screen(true);
    // Leaving the page by any way (the navigation) leaves full screen too.
    on_cleanup(move || full_screen(false));
    view! {
        <div class="presentation" id="presentation" role="dialog" aria-modal="true"
            aria-label="Presentation of the delivery metrics" data-slide=move || slide.get()>
            <header class="presentation-head">
                <ScopeSelect scope id="presentation-scope" label="Delivery of"/>
                <div class="period" role="group" aria-label="Period">
                    {PERIODS.into_iter().map(|d| view! {
                        <button class="period-button" data-period=d class:selected=move || days.get() == d
                            on:click=move |_| days.set(d)>{format!("{d} days")}</button>
                    }).collect_view()}
                </div>
                <button id="presentation-leave" on:click=move |_| leave()>"Leave (Esc)"</button>
            </header>
            <main class="presentation-slide">
                {move || match slide.get() {
                    0 => match view_.get() {
                        None => view! { <p class="loading">"Measuring…"</p> }.into_any(),
                        Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
                        Some(Ok(v)) => {
                            let year = v.bands.year;
                            view! {
                                <div class="presentation-numbers" id="presentation-numbers">
                                    {text::METRICS.into_iter().map(|m| {
                                        let band = text::band(m.id, &v.bands);
                                        view! {
                                            <article class="presentation-metric" data-metric=m.id>
                                                <h2>{m.name}</h2>
                                                <p class="metric-value">{text::value(m.id, &v.report)}</p>
                                                {band.map(|b| view! {
                                                    <p class=format!("band band-{}", b.label())>{format!("{} · DORA {year}", b.label())}</p>
                                                })}
                                                <p class="metric-previous">{format!("previous {} days: {}", days.get_untracked(), text::value(m.id, &v.previous))}</p>
                                            </article>
                                        }
                                    }).collect_view()}
                                </div>
                            }.into_any()
                        }
                    },
                    n => match charts.get() {
                        None => view! { <p class="loading">"Drawing…"</p> }.into_any(),
                        Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
                        Some(Ok(list)) => list.into_iter().nth(n - 1).map(|c| { let id = c.id.clone(); view! {
                            <figure class="presentation-chart" data-chart=id>
                                <ChartImage chart=c/>
                            </figure>
                        }}.into_any()).unwrap_or_else(|| view! { <p class="muted">"No chart."</p> }.into_any()),
                    },
                }}
            </main>
            <footer class="presentation-foot">
                <button id="presentation-prev" disabled=move || slide.get() == 0
                    on:click=move |_| slide.update(|s| *s = s.saturating_sub(1))>"←"</button>
                <span id="presentation-position">{move || format!("{} / {SLIDES}", slide.get() + 1)}</span>
                <button id="presentation-next" disabled=move || slide.get() == SLIDES - 1
                    on:click=move |_| slide.update(|s| *s = (*s + 1).min(SLIDES - 1))>"→"</button>
                <span class="muted">"← → to step · Esc to leave"</span>
            </footer>
        </div>
    }
}
