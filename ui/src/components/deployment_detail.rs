//! A deployment opened from the timeline: what it was, what it changed against the deployment
//! before it (or any other the user picks), from the manifests their records keep, and from
//! there "Roll back to this" and the incident mark. A deployment imported from a history file
//! keeps no manifests, and says so.

use crate::api;
use crate::components::deploy_section::reveal_on_mount;
use crate::components::diff_view::{DiffView, Sides};
use crate::components::error_view::{ErrorView, Refusal};
use crate::components::timeline_strip::Selected;
use crate::deploy_runner as runner;
use crate::format::field_value;
use crate::routes;
use crate::store::use_store;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::deploy::Deployment;
use shipdeck_ipc::drift::ResourceDrift;
use shipdeck_ipc::timeline::{
    DeploymentDiff, DeploymentDiffArgs, DeploymentSource, IncidentArgs, What, change_of,
};

#[component]
pub fn DeploymentDetail(
    selected: Selected,
    close: impl Fn() + Send + Sync + 'static,
    /// Bumped when the incident mark changes, so the timeline shows it.
    reload: RwSignal<u32>,
) -> impl IntoView {
    let source = match &selected.event.what {
        What::Deployment { source, .. } => *source,
        _ => DeploymentSource::Import,
    };
    let line = selected.event.line();
    let body = if source.has_record() {
        view! { <Changes selected=selected.clone() reload/> }.into_any()
    } else {
        view! {
            <p class="muted" id="deployment-no-record" data-source=format!("{source:?}")>
                {source.why_no_record()}
            </p>
        }
        .into_any()
    };
    let node = NodeRef::<leptos::html::Section>::new();
    reveal_on_mount(node);
    view! {
        <section class="card deployment-detail" id="deployment-detail" node_ref=node data-id=selected.id.clone()
            aria-label=format!("Deployment {}", selected.id)>
            <div class="deploy-panel-head">
                <h2>{format!("Deployment {} of {}", selected.id, selected.app)}</h2>
                <button id="deployment-detail-close" on:click=move |_| close()>"Close"</button>
            </div>
            <p class="deployment-facts">{line}</p>
            {body}
        </section>
    }
}

#[component]
fn Changes(selected: Selected, reload: RwSignal<u32>) -> impl IntoView {
    let store = use_store();
    let navigate = use_navigate();
    let against = RwSignal::new(None::<String>);
    let (app, id) = (selected.app.clone(), selected.id.clone());
    let diff = {
        let (app, id) = (app.clone(), id.clone());
        LocalResource::new(move || {
            api::timeline::deployment_diff(DeploymentDiffArgs {
                app: app.clone(),
                id: id.clone(),
                against: against.get(),
            })
        })
    };
    let others = {
        let app = app.clone();
        LocalResource::new(move || api::deploy::deployments(app.clone()))
    };
    let marking = RwSignal::new(None::<shipdeck_ipc::IpcError>);
    let mark = move |d: Deployment| {
        let args = IncidentArgs {
            app: d.app.clone(),
            id: d.id.clone(),
            incident: !d.incident,
        };
        leptos::task::spawn_local(async move {
            match api::timeline::deployment_incident(args).await {
                Ok(_) => {
                    marking.set(None);
                    diff.refetch();
                    reload.update(|n| *n += 1);
                }
                Err(e) => marking.set(Some(e)),
            }
        });
    };
    let rollback = move |d: Deployment| {
        runner::open_rollback(store, d.app.clone(), Some(d.id.clone()));
        navigate(&routes::application(&d.app), Default::default());
    };
    let compare_with = {
        let id = id.clone();
        move || {
            others.get().and_then(Result::ok).map(|list| {
                let id = id.clone();
                view! {
                    <label class="compare-with">
                        "Compare with "
                        <select id="deployment-against" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            against.set(Some(v).filter(|v| !v.is_empty()));
                        }>
                            <option value="">"the deployment before it"</option>
                            {list.into_iter().filter(|d| d.id != id && d.has_manifests).map(|d| {
                                let value = d.id.clone();
                                let picked = against.get_untracked().as_deref() == Some(value.as_str());
                                view! {
                                    <option value=value selected=picked>
                                        {format!("{} ({} {})", d.id, d.kind.label(), d.result.label())}
                                    </option>
                                }
                            }).collect_view()}
                        </select>
                    </label>
                }
            })
        }
    };
    view! {
        {compare_with}
        {move || marking.get().map(|error| view! {
            <Refusal id="incident-error" title="The incident mark was not changed" error/>
        })}
        {move || match diff.get() {
            None => view! { <p class="loading">"Reading both deployments' manifests from their records…"</p> }.into_any(),
            Some(Err(error)) => view! { <div id="deployment-diff-error"><ErrorView error/></div> }.into_any(),
            Some(Ok(d)) => {
                let rollback = rollback.clone();
                let deployment = d.deployment.clone();
                let (for_mark, for_rollback) = (deployment.clone(), deployment.clone());
                view! {
                    <div class="actions">
                        {deployment.can_restore().then(|| view! {
                            <button id="deployment-rollback" class="primary"
                                on:click=move |_| rollback(for_rollback.clone())>
                                {format!("Roll back to {}", deployment.id)}
                            </button>
                        })}
                        <button id="deployment-incident" data-incident=deployment.incident.to_string()
                            disabled=deployment.finished_at.is_none()
                            on:click=move |_| mark(for_mark.clone())>
                            {if deployment.incident { "Clear the incident mark" } else { "Mark as having caused an incident" }}
                        </button>
                    </div>
                    <Diff diff=d/>
                }
                .into_any()
            }
        }}
    }
}

#[component]
fn Diff(diff: DeploymentDiff) -> impl IntoView {
    let to = diff.deployment.id.clone();
    let from = diff
        .against
        .as_ref()
        .map_or_else(|| "nothing".to_string(), |a| a.id.clone());
    let changed: Vec<ResourceDrift> = diff
        .report
        .resources
        .into_iter()
        .filter(|r| r.status != SyncStatus::Synced)
        .collect();
    let total = changed.len();
    let sides = Sides {
        from: from.clone(),
        to: to.clone(),
    };
    view! {
        <div class="deployment-diff" id="deployment-diff" data-against=from.clone() data-changed=total>
            <h3>{match &diff.against {
                Some(a) => format!("What {to} changed since {}", a.id),
                None => format!("What {to} deployed"),
            }}</h3>
            {diff.notes.into_iter().map(|n| view! { <p class="muted diff-note">{n}</p> }).collect_view()}
            {(total == 0).then(|| view! { <p class="muted" id="deployment-diff-same">"The manifests are the same."</p> })}
            {changed.into_iter().enumerate().map(|(i, r)| {
                let (sign, words) = change_of(&r);
                let fields = r.changes.iter().map(|c| view! {
                    <li class="diff-field">
                        <code>{c.path.clone()}</code>": "{field_value(c.live.as_ref())}" → "{field_value(c.desired.as_ref())}
                    </li>
                }).collect_view();
                // The YAML diff is built when its object is opened: a deployment may change
                // hundreds of objects.
                let open = RwSignal::new(i == 0);
                let (live, desired) = (r.live_yaml.clone().unwrap_or_default(), r.desired_yaml.clone().unwrap_or_default());
                let sides = sides.clone();
                view! {
                    <details class="deployment-change" data-id=r.id() open=i == 0
                        on:toggle=move |ev| {
                            let el: web_sys::HtmlDetailsElement = wasm_bindgen::JsCast::unchecked_into(event_target::<web_sys::EventTarget>(&ev));
                            open.set(el.open());
                        }>
                        <summary><code>{format!("{sign} {}", r.id())}</code>" "{words}</summary>
                        <ul class="diff-fields">{fields}</ul>
                        {move || open.get().then(|| view! {
                            <DiffView live=live.clone() desired=desired.clone() sides=sides.clone()/>
                        })}
                    </details>
                }
            }).collect_view()}
        </div>
    }
}
