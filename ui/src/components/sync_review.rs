//! Choosing what to sync: how many resources are chosen, and the review of exactly that set
//! with the server-side dry run of each (the comparison's changes and desired object).

use crate::api::ApiResult;
use crate::components::change_list::ChangeList;
use crate::components::status::{Status, StatusBadge};
use crate::selection::Selection;
use crate::store::use_store;
use leptos::prelude::*;
use shipdeck_ipc::drift::{DriftReason, DriftReport, ResourceDrift};

/// Chosen resources shown at first and added per "Show more": each carries its dry run.
const SHOWN_AT_ONCE: usize = 200;

/// The sentence that keeps the review honest until syncing exists.
const NOT_YET: &str = "Applying comes with the reconciliation feature; this is the exact set and \
                       dry-run result it will apply.";

/// The chosen resources' count with "Review selected" and "Clear", and the review. Applying
/// the reviewed set comes with the reconciliation work; until then the button says only what
/// it does.
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
            <p class="sync-review-note">{NOT_YET}</p>
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
