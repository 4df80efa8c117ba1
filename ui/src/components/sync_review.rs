//! Choosing what to sync: how many resources are chosen, the review of exactly that set with
//! the server-side dry run of each (the comparison's changes and desired object), and "Sync
//! selected", which opens the application's sync confirmation with that set.

use crate::api::ApiResult;
use crate::components::change_list::ChangeList;
use crate::components::status::{Status, StatusBadge};
use crate::deploy_runner as runner;
use crate::routes;
use crate::selection::Selection;
use crate::store::{Store, use_store};
use crate::sync_draft::{Chosen, Scope, SyncDraft};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shipdeck_ipc::drift::{DriftReason, DriftReport, ResourceDrift};

/// Chosen resources shown at first and added per "Show more": each carries its dry run.
const SHOWN_AT_ONCE: usize = 200;

/// The chosen resources' count with "Review selected" and "Clear", and the review.
#[component]
pub fn SelectionBar() -> impl IntoView {
    let store = use_store();
    let reviewing = RwSignal::new(false);
    let counts = Memo::new(move |_| store.selection.with(|s| (s.len(), s.applications())));
    let text = move || match counts.get() {
        (0, _) => "No resources chosen for sync: tick OutOfSync resources below.".to_string(),
        (1, _) => "1 resource chosen for sync".to_string(),
        (n, 1) => format!("{n} resources chosen for sync"),
        (n, apps) => format!("{n} resources in {apps} applications chosen for sync"),
    };
    view! {
        <div class="selection-bar" id="selection-bar" data-count=move || counts.get().0>
            <span class="selection-count">{text}</span>
            <button id="review-selected" class="primary" disabled=move || store.selection.with(Selection::is_empty)
                on:click=move |_| reviewing.set(true)>
                "Review selected"
            </button>
            <button id="selection-clear" disabled=move || store.selection.with(Selection::is_empty)
                on:click=move |_| store.selection.update(Selection::clear)>
                "Clear"
            </button>
        </div>
        <Show when=move || reviewing.get()>
            <SyncReview reviewing/>
        </Show>
    }
}

/// "Select all drifted" and "Clear" for one application's comparison.
#[component]
pub fn ChooseButtons(
    app: String,
    report: LocalResource<ApiResult<Option<DriftReport>>>,
) -> impl IntoView {
    let store = use_store();
    let clear = app.clone();
    let choose_drifted = move |_| {
        report.with_untracked(|r| {
            if let Some(Ok(Some(report))) = r {
                store
                    .selection
                    .update(|s| s.choose_drifted(&app, &report.resources));
            }
        })
    };
    view! {
        <button class="select-drifted" on:click=choose_drifted>"Select all drifted"</button>
        <button class="select-clear" on:click=move |_| store.selection.update(|s| s.clear_app(&clear))>"Clear"</button>
    }
}

#[component]
fn SyncReview(reviewing: RwSignal<bool>) -> impl IntoView {
    let store = use_store();
    let limit = RwSignal::new(SHOWN_AT_ONCE);
    view! {
        <section class="card sync-review" id="sync-review" aria-label="Review of the resources chosen for sync">
            <div class="sync-review-head">
                <h2>"Review before sync"</h2>
                <button id="sync-review-close" on:click=move |_| reviewing.set(false)>"Close"</button>
            </div>
            <SyncSelected reviewing/>
            {move || {
                let chosen = store.selection.with(Selection::resources);
                if chosen.is_empty() {
                    return view! {
                        <p class="muted">"Nothing is chosen: tick the OutOfSync resources to sync in a review."</p>
                    }
                    .into_any();
                }
                let total = chosen.len();
                let shown = limit.get().min(total);
                view! {
                    <ol class="sync-review-list">
                        {chosen.into_iter().take(shown).map(|(app, resource)| view! {
                            <ReviewItem app resource/>
                        }).collect_view()}
                    </ol>
                    {(shown < total).then(|| view! {
                        <button class="sync-review-more" on:click=move |_| limit.update(|l| *l += SHOWN_AT_ONCE)>
                            {format!("Show more ({shown} of {total} shown)")}
                        </button>
                    })}
                }
                .into_any()
            }}
        </section>
    }
}

/// One chosen resource: what the sync does to it, field by field, and the object it leaves.
#[component]
fn ReviewItem(app: String, resource: ResourceDrift) -> impl IntoView {
    let id = resource.id();
    let effect = match resource.reason {
        Some(DriftReason::Missing) => "created: missing from the cluster".to_string(),
        Some(DriftReason::Extra) => DriftReason::Extra.describe().to_string(),
        Some(DriftReason::Modified) | None => match resource.changes.len() {
            1 => "1 field changes".to_string(),
            n => format!("{n} fields change"),
        },
    };
    let desired = resource.desired_yaml.clone();
    let show_object = RwSignal::new(false);
    let (data_app, data_id) = (app.clone(), id.clone());
    view! {
        <li class="sync-review-item" data-app=data_app data-resource=data_id>
            <div class="sync-review-title">
                <StatusBadge status=Status::Sync(resource.status)/>
                <strong>{app}</strong>
                <code class="drift-id">{id}</code>
                <span class="muted">{effect}</span>
            </div>
            {(!resource.changes.is_empty()).then(|| view! { <ChangeList changes=resource.changes ignore=None/> })}
            {desired.map(|yaml| view! {
                <button class="sync-review-object" aria-expanded=move || show_object.get().to_string()
                    on:click=move |_| show_object.update(|s| *s = !*s)>
                    "Object after sync (server-side dry run)"
                </button>
                <Show when=move || show_object.get()>
                    <pre class="sync-review-yaml">{yaml.clone()}</pre>
                </Show>
            })}
        </li>
    }
}

/// Opens application `app`'s sync confirmation with its chosen resources; `false` when there
/// is nothing reviewed to sync (no comparison shows a commit).
fn open_chosen(store: Store, app: &str) -> bool {
    let Some(commit) = runner::current_commit(store, app) else {
        return false;
    };
    let chosen: Vec<Chosen> = store.selection.with_untracked(|s| {
        s.by_application()
            .into_iter()
            .find(|(a, _)| a == app)
            .map(|(_, resources)| resources.iter().map(Chosen::of).collect())
            .unwrap_or_default()
    });
    if chosen.is_empty() {
        return false;
    }
    let prune = store.connections.with_untracked(|c| {
        c.as_ref()
            .and_then(|c| c.as_ref().ok())
            .and_then(|o| o.applications.iter().find(|a| a.app.id == app))
            .is_some_and(|a| a.app.sync.prune)
    });
    let draft = SyncDraft::new(Scope::Selected(chosen), commit, prune);
    runner::open_sync(store, app.to_string(), draft);
    true
}

/// "Sync selected": a sync applies one application, so a selection across several offers one
/// button per application. The confirmation and the progress are on the application's page.
#[component]
fn SyncSelected(reviewing: RwSignal<bool>) -> impl IntoView {
    let store = use_store();
    let navigate = use_navigate();
    let groups = Memo::new(move |_| {
        store.selection.with(|s| {
            s.by_application()
                .into_iter()
                .map(|(app, resources)| (app, resources.len()))
                .collect::<Vec<_>>()
        })
    });
    let start = move |app: String| {
        if open_chosen(store, &app) {
            reviewing.set(false);
            navigate(&routes::application(&app), Default::default());
        }
    };
    let busy = move |app: &str| store.deploys.with(|d| d.busy(app));
    view! {
        <div class="sync-review-actions">
            {move || {
                let groups = groups.get();
                match groups.as_slice() {
                    [(app, n)] => {
                        let (app, n) = (app.clone(), *n);
                        let start = start.clone();
                        let (busy_app, click_app) = (app.clone(), app.clone());
                        view! {
                            <button id="sync-selected" class="primary big" data-app=app.clone()
                                disabled=move || busy(&busy_app)
                                on:click=move |_| start(click_app.clone())>
                                {format!("Sync selected ({n})")}
                            </button>
                            <span class="muted">
                                {format!("Opens the sync confirmation of {app}: prune and the exact list it deletes are chosen there.")}
                            </span>
                        }
                        .into_any()
                    }
                    [] => view! {
                        <button id="sync-selected" class="primary big" disabled=true>"Sync selected"</button>
                    }
                    .into_any(),
                    several => {
                        let buttons = several.iter().map(|(app, n)| {
                            let start = start.clone();
                            let (busy_app, click_app) = (app.clone(), app.clone());
                            view! {
                                <button class="sync-selected-app" data-app=app.clone()
                                    disabled=move || busy(&busy_app)
                                    on:click=move |_| start(click_app.clone())>
                                    {format!("Sync {n} of {app}")}
                                </button>
                            }
                        }).collect_view();
                        view! {
                            <button id="sync-selected" class="primary big" disabled=true>"Sync selected"</button>
                            <p class="sync-review-note">
                                {format!("A sync applies one application, and these resources are in {}. Sync each application's:", several.len())}
                            </p>
                            <div class="sync-selected-apps">{buttons}</div>
                        }
                        .into_any()
                    }
                }
            }}
        </div>
    }
}
