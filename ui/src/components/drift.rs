//! The drift review: an application's sync status, and resource by resource what a sync
//! would change, with folded YAML diffs a reviewer can open one at a time or all at once.

use crate::api;
use crate::components::diff_view::DiffView;
use crate::components::error_view::ErrorView;
use crate::components::status::{Status, StatusBadge};
use crate::store::use_store;
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
    let detail = match (&sync.message, sync.status) {
        (Some(reason), _) => reason.clone(),
        (None, SyncStatus::Synced) => format!("all {} resources match Git", sync.resources),
        (None, _) => {
            let mut parts = vec![format!(
                "{} of {} resources out of sync",
                sync.out_of_sync, sync.resources
            )];
            if sync.unknown > 0 {
                parts.push(format!("{} could not be compared", sync.unknown));
            }
            parts.join(", ")
        }
    };
    view! {
        <p class="sync-line" data-sync=sync.status.label()>
            <StatusBadge status=Status::Sync(sync.status)/>
            " "<span class="sync-detail">{detail}</span>
        </p>
    }
    .into_any()
}

/// Every resource of application `app` compared, fetched again whenever its status changes.
#[component]
pub fn DriftReview(app: String) -> impl IntoView {
    let store = use_store();
    let id = app.clone();
    let summary = Memo::new(move |_| {
        store.connections.with(|c| {
            c.as_ref()
                .and_then(|c| c.as_ref().ok())
                .and_then(|o| o.applications.iter().find(|a| a.app.id == id))
                .and_then(|a| a.sync.clone())
        })
    });
    let report = LocalResource::new(move || {
        summary.track();
        api::application_drift(app.clone())
    });
    let expanded = RwSignal::new(0u32);
    let collapsed = RwSignal::new(0u32);
    view! {
        <div class="drift-review">
            <div class="drift-toolbar">
                <button class="drift-expand-all" on:click=move |_| expanded.update(|n| *n += 1)>"Expand all"</button>
                <button class="drift-collapse-all" on:click=move |_| collapsed.update(|n| *n += 1)>"Collapse all"</button>
            </div>
            {move || match report.get() {
                None => view! { <p class="loading">"Loading the comparison…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
                Some(Ok(None)) => view! { <p class="muted">"Not compared with the cluster yet."</p> }.into_any(),
                Some(Ok(Some(report))) => view! { <Resources report expanded collapsed/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Resources(
    report: DriftReport,
    expanded: RwSignal<u32>,
    collapsed: RwSignal<u32>,
) -> impl IntoView {
    let mut resources = report.resources;
    // What needs a look first, then by kind and name.
    resources.sort_by_key(|r| (r.status == SyncStatus::Synced, r.kind.clone(), r.id()));
    let incomplete = report.incomplete;
    view! {
        {(!incomplete.is_empty()).then(|| view! {
            <ul class="notice drift-incomplete" role="alert">
                {incomplete.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}
            </ul>
        })}
        <ul class="drift-resources">
            {resources.into_iter().map(|resource| view! {
                <ResourceRow resource expanded collapsed/>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn ResourceRow(
    resource: ResourceDrift,
    expanded: RwSignal<u32>,
    collapsed: RwSignal<u32>,
) -> impl IntoView {
    let differs = resource.status != SyncStatus::Synced;
    let open = RwSignal::new(false);
    // "Expand all" and "Collapse all" act on every row; each row still toggles on its own.
    Effect::new(move |seen: Option<u32>| {
        let n = expanded.get();
        if seen.is_some_and(|s| s != n) {
            open.set(true);
        }
        n
    });
    Effect::new(move |seen: Option<u32>| {
        let n = collapsed.get();
        if seen.is_some_and(|s| s != n) {
            open.set(false);
        }
        n
    });
    let id = resource.id();
    let data_id = id.clone();
    let reason = match resource.reason {
        Some(DriftReason::Modified) => "modified",
        Some(DriftReason::Missing) => "missing from the cluster",
        Some(DriftReason::Extra) => "live and tracked, gone from Git",
        None => "",
    };
    let summary = change_summary(&resource.changes);
    let message = resource.message.clone();
    let live = resource.live_yaml.clone().unwrap_or_default();
    let desired = resource.desired_yaml.clone().unwrap_or_default();
    let changes = resource.changes.clone();
    let ignored = resource.ignored.clone();
    view! {
        <li class="drift-resource" data-resource=data_id data-status=resource.status.label()>
            <button class="drift-resource-head" on:click=move |_| open.update(|o| *o = !*o)
                aria-expanded=move || open.get().to_string()>
                <StatusBadge status=Status::Sync(resource.status)/>
                <code class="drift-id">{id}</code>
                <span class="muted">{reason}</span>
                <span class="drift-summary">{summary}</span>
            </button>
            {message.map(|m| view! { <p class="conn-message">{m}</p> })}
            {move || open.get().then(|| {
                let (changes, ignored) = (changes.clone(), ignored.clone());
                view! {
                    <div class="drift-body">
                        {differs.then(|| view! { <ChangeList changes/> })}
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
fn change_summary(changes: &[FieldChange]) -> String {
    let shown: Vec<String> = changes
        .iter()
        .take(3)
        .map(|c| {
            let side = |v: &Option<serde_json::Value>| match v {
                None => "(none)".to_string(),
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            };
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

#[component]
fn ChangeList(changes: Vec<FieldChange>) -> impl IntoView {
    view! {
        <table class="drift-changes">
            <thead><tr><th>"Field"</th><th>"Live"</th><th>"After sync"</th><th>"Changed by"</th></tr></thead>
            <tbody>
                {changes.into_iter().map(|c| {
                    let show = |v: Option<serde_json::Value>| v.map_or("(none)".to_string(), |v| match v {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    });
                    view! {
                        <tr class="drift-change" data-path=c.path.clone()>
                            <td><code>{c.path.clone()}</code></td>
                            <td><code>{show(c.live)}</code></td>
                            <td><code>{show(c.desired)}</code></td>
                            <td>{c.manager.unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
