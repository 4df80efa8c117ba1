//! The timeline: what happened across applications and clusters in a window of time, from the
//! history index (`timeline`): a strip with one lane per application, zoomable from hours to
//! a year and panned with buttons or the arrow keys, and the same events listed below. A
//! deployment opens to what it changed (`deployment_detail`).

use crate::api;
use crate::components::commit::CommitLine;
use crate::components::deployment_detail::DeploymentDetail;
use crate::components::error_view::ErrorView;
use crate::components::scope_select::{ScopeSelect, chosen};
use crate::components::timeline_strip::{Selected, Strip};
use crate::format;
use crate::store::use_store;
use crate::timeline_scale::{DEFAULT_ZOOM, Window, ZOOMS};
use leptos::ev;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shipdeck_ipc::deploy::DeploymentResult;
use shipdeck_ipc::timeline::{EventKind, Timeline as Events, TimelineQuery, What};

/// The workspace's commits listed below the timeline.
const WORKSPACE_COMMITS: u32 = 100;

/// Events listed before "Show more".
const LISTED_AT_FIRST: usize = 200;

/// The end of a window that ends now: the next whole second, since the window excludes its
/// end and what finished in this second must be in it.
fn now() -> i64 {
    format::now_secs() + 1
}

/// The results the result filter offers.
const RESULTS: [DeploymentResult; 3] = [
    DeploymentResult::Succeeded,
    DeploymentResult::Failed,
    DeploymentResult::Cancelled,
];

#[component]
pub fn Timeline() -> impl IntoView {
    // A link from a metric opens a day around one deployment, and opens it.
    let asked = use_query_map().get_untracked();
    let asked_at = asked.get("at").and_then(|t| format::parse_rfc3339(&t));
    let asked_for = asked.get("deployment");
    let window = RwSignal::new(match asked_at {
        Some(at) => Window::around(at, 1, now()),
        None => Window::new(DEFAULT_ZOOM, now()),
    });
    let scope = RwSignal::new(String::new());
    let cluster = RwSignal::new(String::new());
    let hidden = RwSignal::new(Vec::<EventKind>::new());
    let result = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let selected = RwSignal::new(None::<Selected>);
    let listed = RwSignal::new(LISTED_AT_FIRST);
    let events = LocalResource::new(move || {
        reload.track();
        let w = window.get();
        let (app, team) = chosen(&scope.get());
        let hidden = hidden.get();
        let kinds: Vec<EventKind> = EventKind::ALL
            .into_iter()
            .filter(|k| !hidden.contains(k))
            .collect();
        let query = TimelineQuery {
            since: format::rfc3339(w.since()),
            until: format::rfc3339(w.until),
            app,
            team,
            cluster: Some(cluster.get()).filter(|c| !c.is_empty()),
            kinds: kinds.clone(),
            results: RESULTS
                .into_iter()
                .filter(|r| r.label() == result.get())
                .collect(),
            limit: None,
        };
        async move {
            // Every kind unticked is nothing to show (to the engine, no kinds means all).
            if kinds.is_empty() {
                return Ok(Events::default());
            }
            api::timeline::timeline(query).await
        }
    });
    if let Some(wanted) = asked_for {
        // Once, when the first answer holds it: `CLUSTER/ID`.
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) {
                return true;
            }
            events.with(|e| match e {
                Some(Ok(t)) => {
                    let found = t.events.iter().find(|e| {
                        matches!(&e.what, What::Deployment { id, .. }
                            if Some(format!("{}/{id}", e.cluster.as_deref().unwrap_or(""))) == Some(wanted.clone()))
                    });
                    if let Some(pick) = found.and_then(Selected::of) {
                        selected.set(Some(pick));
                    }
                    true
                }
                _ => false,
            })
        });
    }
    // The arrow keys pan, + and - zoom, unless the user is typing.
    let keys = window_event_listener(ev::keydown, move |e| {
        if crate::keys::is_for_a_field(&e) {
            return;
        }
        let now = now();
        match e.key().as_str() {
            "ArrowLeft" => window.update(|w| *w = w.earlier()),
            "ArrowRight" => window.update(|w| *w = w.later(now)),
            "+" | "=" => window.update(|w| *w = w.zoomed(true, now)),
            "-" => window.update(|w| *w = w.zoomed(false, now)),
            _ => return,
        }
        e.prevent_default();
    });
    on_cleanup(move || keys.remove());
    view! {
        <section class="page" id="page-timeline">
            <header class="page-header">
                <h1>"Timeline"</h1>
                <p class="lede">
                    "Commits, deployments, drift, incidents and recoveries across applications \
                     and clusters. Click a deployment to see what it changed."
                </p>
            </header>
            <div class="timeline-controls">
                <ScopeSelect scope id="timeline-scope" label="Show"/>
                <label>
                    "on "
                    <select id="timeline-cluster" on:change=move |ev| cluster.set(event_target_value(&ev))>
                        <option value="">"every cluster"</option>
                        {move || events.get().and_then(Result::ok).map(|t| {
                            t.clusters.into_iter().map(|c| {
                                let chosen = cluster.get_untracked() == c;
                                view! { <option value=c.clone() selected=chosen>{c.clone()}</option> }
                            }).collect_view()
                        })}
                    </select>
                </label>
                <div class="zoom" role="group" aria-label="Zoom">
                    {ZOOMS.iter().enumerate().map(|(i, (_, label))| view! {
                        <button class="zoom-button" data-zoom=i
                            class:selected=move || window.get().zoom == i
                            on:click=move |_| window.update(|w| *w = Window::around(w.middle(), i, now()))>
                            {*label}
                        </button>
                    }).collect_view()}
                </div>
                <div class="pan" role="group" aria-label="Move in time">
                    <button id="timeline-earlier" title="Earlier (←)" on:click=move |_| window.update(|w| *w = w.earlier())>"← Earlier"</button>
                    <button id="timeline-later" title="Later (→)"
                        on:click=move |_| window.update(|w| *w = w.later(now()))>"Later →"</button>
                    <button id="timeline-now" on:click=move |_| window.update(|w| *w = Window::new(w.zoom, now()))>"Now"</button>
                </div>
            </div>
            <div class="timeline-controls">
                <fieldset class="kinds">
                    <legend class="visually-hidden">"Show"</legend>
                    {EventKind::ALL.into_iter().map(|k| view! {
                        <label class=format!("kind-toggle tl-{}", k.label())>
                            <input type="checkbox" data-kind=k.label()
                                prop:checked=move || !hidden.get().contains(&k)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    hidden.update(|h| if on { h.retain(|x| *x != k) } else if !h.contains(&k) { h.push(k) });
                                }/>
                            {k.plural()}
                        </label>
                    }).collect_view()}
                </fieldset>
                <label>
                    "Deployments "
                    <select id="timeline-result" on:change=move |ev| result.set(event_target_value(&ev))>
                        <option value="">"of any result"</option>
                        {RESULTS.map(|r| view! { <option value=r.label()>{r.label()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <p class="timeline-range" id="timeline-range">
                {move || {
                    let w = window.get();
                    format!("{} to {}", format::utc(w.since()), format::utc(w.until))
                }}
            </p>
            {move || match events.get() {
                None => view! { <p class="loading">"Reading the history…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
                Some(Ok(timeline)) => view! {
                    <Loaded timeline window=window.get_untracked() selected listed reload/>
                }.into_any(),
            }}
            <WorkspaceHistory/>
        </section>
    }
}

#[component]
fn Loaded(
    timeline: Events,
    window: Window,
    selected: RwSignal<Option<Selected>>,
    listed: RwSignal<usize>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let total: usize = timeline.counts.iter().map(|c| c.count).sum();
    let shown = timeline.events.len();
    let summary = if timeline.truncated() {
        format!("The newest {shown} of {total} events: zoom in or filter to see the others.")
    } else {
        format!("{total} events")
    };
    let empty = timeline.events.is_empty();
    let events = StoredValue::new(timeline.events);
    view! {
        <p class="muted timeline-count" id="timeline-count" data-total=total data-shown=shown>{summary}</p>
        {if empty {
            view! {
                <p class="muted timeline-empty" id="timeline-empty">
                    "Nothing happened in this window. Deployments are indexed from the \
                     clusters' records every few minutes; move earlier or zoom out, or import \
                     history on the Metrics page."
                </p>
            }
            .into_any()
        } else {
            view! {
                <Strip events=events.get_value() window selected/>
                // Between the strip and the list, where the click was.
                {move || selected.get().map(|s| view! {
                    <DeploymentDetail selected=s close=move || selected.set(None) reload/>
                })}
                <ol class="timeline-list" id="timeline-list">
                    {move || events.with_value(|all| {
                        all.iter().take(listed.get()).map(|e| {
                            let pick = Selected::of(e);
                            let kind = e.what.kind().label();
                            let id = match &e.what {
                                What::Deployment { id, .. } => Some(id.clone()),
                                _ => None,
                            };
                            let line = e.line();
                            let when = format::parse_rfc3339(&e.at).map(format::utc).unwrap_or_else(|| e.at.clone());
                            view! {
                                <li class=format!("timeline-event tl-{kind}") data-kind=kind data-id=id.clone()>
                                    <span class="timeline-when">{when}</span>
                                    <span class="timeline-app">{e.app.clone()}</span>
                                    {match pick {
                                        Some(pick) => view! {
                                            <button class="link timeline-open" on:click=move |_| selected.set(Some(pick.clone()))>{line}</button>
                                        }.into_any(),
                                        None => view! { <span class="timeline-what">{line}</span> }.into_any(),
                                    }}
                                </li>
                            }
                        }).collect_view()
                    })}
                </ol>
                {move || (listed.get() < shown).then(|| view! {
                    <button id="timeline-more" on:click=move |_| listed.update(|l| *l += LISTED_AT_FIRST)>
                        "Show more"
                    </button>
                })}
            }
            .into_any()
        }}
    }
}

/// The Git history of the workspace the window opened (the demo's, or one given on the
/// command line), newest first: what a workspace without applications still has to show.
#[component]
fn WorkspaceHistory() -> impl IntoView {
    let store = use_store();
    // Read again when the workspace reloads (its HEAD moved).
    let commits = LocalResource::new(move || {
        store.workspace.track();
        api::recent_commits(WORKSPACE_COMMITS)
    });
    move || match commits.get() {
        Some(Ok(list)) if !list.is_empty() => Some(
            view! {
                <h2 class="section-title">"Git history of the workspace"</h2>
                <div class="card commit-list" id="commit-list">
                    {list.into_iter().map(|commit| view! { <CommitLine commit/> }).collect_view()}
                </div>
            }
            .into_any(),
        ),
        Some(Err(error)) => Some(view! { <ErrorView error/> }.into_any()),
        _ => None,
    }
}
