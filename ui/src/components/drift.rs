//! The drift review: an application's sync status, and resource by resource what a sync
//! would change, with folded YAML diffs a reviewer can open one at a time or all at once.
//! The list, the change table, ignore rules and the sync selection have their own modules.

use crate::api::{self, ApiResult};
use crate::components::change_list::{ChangeList, IgnoreTarget};
use crate::components::diff_view::DiffView;
use crate::components::error_view::ErrorView;
use crate::components::ignore_rules::IgnoreRules;
use crate::components::resource_list::ResourceList;
use crate::components::status::{Status, StatusBadge};
use crate::components::sync_review::ChooseButtons;
use crate::components::virtual_list::KnownHeights;
use crate::open_rows::OpenRows;
use crate::store::{Store, use_store};
use leptos::prelude::*;
use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::drift::{DriftReason, DriftReport, FieldChange, ResourceDrift, SyncSummary};

/// An application's sync status in one line.
#[component]
pub fn SyncLine(sync: Option<SyncSummary>) -> impl IntoView {
    let Some(sync) = sync else {
        return view! { <p class="muted sync-line">"Not compared with the cluster yet."</p> }
            .into_any();
    };
    let detail = sync.detail();
    view! {
        <p class="sync-line" data-sync=sync.status.label()>
            <StatusBadge status=Status::Sync(sync.status)/>
            " "<span class="sync-detail">{detail}</span>
        </p>
    }
    .into_any()
}

/// The newest comparison of application `app`, fetched again whenever its sync summary changes
/// (every comparison bumps `compared`). Resources chosen for the next sync follow it.
pub fn drift_report(store: Store, app: String) -> LocalResource<ApiResult<Option<DriftReport>>> {
    let id = app.clone();
    let summary = Memo::new(move |_| {
        store.connections.with(|c| {
            c.as_ref()
                .and_then(|c| c.as_ref().ok())
                .and_then(|o| o.applications.iter().find(|a| a.app.id == id))
                .and_then(|a| a.sync.clone())
        })
    });
    let fetched = app.clone();
    let report = LocalResource::new(move || {
        summary.track();
        api::application_drift(fetched.clone())
    });
    Effect::new(move || {
        report.with(|r| {
            if let Some(Ok(Some(report))) = r {
                store
                    .selection
                    .maybe_update(|s| s.refresh(&app, &report.resources));
            }
        })
    });
    report
}

/// Every resource of application `app` compared (`report`, from [`drift_report`]): grouped by
/// kind, each row opening its diff, with the choice of what to sync and the application's
/// ignore rules.
#[component]
pub fn DriftReview(
    app: String,
    report: LocalResource<ApiResult<Option<DriftReport>>>,
) -> impl IntoView {
    let open = RwSignal::new(OpenRows::default());
    let heights = StoredValue::new(KnownHeights::new());
    let (choose, list_app) = (app.clone(), app.clone());
    view! {
        <div class="drift-review">
            <div class="drift-toolbar">
                <button class="drift-expand-all" on:click=move |_| open.update(OpenRows::expand_all)>"Expand all"</button>
                <button class="drift-collapse-all" on:click=move |_| open.update(OpenRows::collapse_all)>"Collapse all"</button>
                <ChooseButtons app=choose report/>
            </div>
            {move || match report.get() {
                None => view! { <p class="loading">"Loading the comparison…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
                Some(Ok(None)) => view! { <p class="muted">"Not compared with the cluster yet."</p> }.into_any(),
                Some(Ok(Some(report))) => view! {
                    <Incomplete what=report.incomplete/>
                    <ResourceList app=list_app.clone() resources=report.resources open heights actions=true/>
                }.into_any(),
            }}
            <IgnoreRules app/>
        </div>
    }
}

/// What the comparison could not look at, so it is not the whole truth.
#[component]
pub fn Incomplete(what: Vec<String>) -> impl IntoView {
    (!what.is_empty()).then(|| {
        view! {
            <ul class="notice drift-incomplete" role="alert">
                {what.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}
            </ul>
        }
    })
}

/// One resource: its status and a summary of what differs; click to open its changes and
/// diff. With `actions`, an OutOfSync resource can be chosen for the next sync and its changes
/// turned into ignore rules.
#[component]
pub fn ResourceRow(
    app: String,
    resource: ResourceDrift,
    open: RwSignal<OpenRows>,
    actions: bool,
) -> impl IntoView {
    let store = use_store();
    let differs = resource.status != SyncStatus::Synced;
    let id = resource.id();
    let is_open = {
        let (app, id) = (app.clone(), id.clone());
        Memo::new(move |_| open.with(|o| o.is_open(&app, &id)))
    };
    let toggle = {
        let (app, id) = (app.clone(), id.clone());
        move |_| open.update(|o| o.toggle(&app, &id))
    };
    let choice = actions.then(|| {
        if resource.status != SyncStatus::OutOfSync {
            // Keeps the heads of choosable and other rows aligned.
            return view! { <span class="drift-select-space"></span> }.into_any();
        }
        let (app, id, chosen_resource) = (app.clone(), id.clone(), resource.clone());
        let key = (app.clone(), id.clone());
        let chosen = Memo::new(move |_| store.selection.with(|s| s.contains(&key.0, &key.1)));
        view! {
            <input type="checkbox" class="drift-select" aria-label=format!("Choose {id} for the next sync")
                prop:checked=move || chosen.get()
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    store.selection.update(|s| { s.set(&app, &chosen_resource, on); });
                }/>
        }
        .into_any()
    });
    let data_id = id.clone();
    let reason = resource.reason.map_or("", DriftReason::describe);
    let summary = change_summary(&resource.changes);
    let message = resource.message.clone();
    let ignore = actions.then(|| IgnoreTarget {
        app: app.clone(),
        kind: resource.kind.clone(),
    });
    let live = resource.live_yaml.clone().unwrap_or_default();
    let desired = resource.desired_yaml.clone().unwrap_or_default();
    let changes = resource.changes.clone();
    let ignored = resource.ignored.clone();
    view! {
        <li class="drift-resource" data-resource=data_id data-status=resource.status.label()>
            <div class="drift-resource-line">
                {choice}
                <button class="drift-resource-head" on:click=toggle
                    aria-expanded=move || is_open.get().to_string()>
                    <StatusBadge status=Status::Sync(resource.status)/>
                    <code class="drift-id">{id}</code>
                    <span class="muted">{reason}</span>
                    <span class="drift-summary">{summary}</span>
                </button>
            </div>
            {message.map(|m| view! { <p class="conn-message">{m}</p> })}
            {move || is_open.get().then(|| {
                let (changes, ignored, ignore) = (changes.clone(), ignored.clone(), ignore.clone());
                view! {
                    <div class="drift-body">
                        {differs.then(|| view! { <ChangeList changes ignore/> })}
                        {(!ignored.is_empty()).then(|| view! {
                            <p class="muted drift-ignored">
                                {format!("{} difference(s) not counted: ", ignored.len())}
                                {ignored.iter().map(|i| format!("{} ({})", i.change.path, i.why)).collect::<Vec<_>>().join(", ")}
                            </p>
                        })}
                        <DiffView live=live.clone() desired=desired.clone()/>
                    </div>
                }
            })}
        </li>
    }
}

/// "spec.replicas 5 → 2 (kubectl), …" for the collapsed row.
pub fn change_summary(changes: &[FieldChange]) -> String {
    let shown: Vec<String> = changes
        .iter()
        .take(3)
        .map(|c| {
            let side = |v: &Option<serde_json::Value>| crate::format::field_value(v.as_ref());
            let path = c.path.trim_start_matches('/').replace('/', ".");
            let by = c
                .manager
                .as_deref()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default();
            format!("{path} {} → {}{by}", side(&c.live), side(&c.desired))
        })
        .collect();
    let more = changes.len().saturating_sub(shown.len());
    let mut text = shown.join(", ");
    if more > 0 {
        text.push_str(&format!(", and {more} more"));
    }
    text
}
