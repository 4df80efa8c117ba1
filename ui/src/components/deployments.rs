//! An application's deployment history, newest first, as its cluster's records and this desk's
//! say: what ran, how it ended, which revision, who, when and how long, where the record is
//! kept, what it answers or restores, and "Roll back to this" where the manifests are kept.

use crate::api::ApiResult;
use crate::components::error_view::ErrorView;
use crate::components::status::{Status, StatusBadge};
use crate::components::time::TimeAgo;
use crate::deploy_runner as runner;
use crate::format;
use crate::history;
use crate::store::use_store;
use leptos::html;
use leptos::prelude::*;
use shipdeck_ipc::deploy::{Deployment, RecordPlace};

/// The newest deployments shown before "Show all".
const SHOWN_AT_FIRST: usize = 10;

#[component]
pub fn Deployments(
    app: String,
    history: LocalResource<ApiResult<Vec<Deployment>>>,
    reload: RwSignal<u32>,
    busy: Memo<bool>,
) -> impl IntoView {
    let limit = RwSignal::new(SHOWN_AT_FIRST);
    // The row an "answers"/"restores" link jumps to.
    let highlight = RwSignal::new(None::<String>);
    let label = format!("Deployment history of {app}");
    let app = StoredValue::new(app);
    let ids = Memo::new(move |_| {
        history.with(|h| match h {
            Some(Ok(list)) => list.iter().map(|d| d.id.clone()).collect(),
            _ => Vec::new(),
        })
    });
    let jump = move |id: String| {
        if let Some(at) = ids.with_untracked(|ids| ids.iter().position(|i| *i == id)) {
            limit.update(|l| *l = (*l).max(at + 1));
        }
        highlight.set(Some(id));
    };
    view! {
        <section class="card deployments" id="deployments" aria-label=label>
            <div class="deploy-panel-head">
                <h2>"Deployment history"</h2>
                <button id="deployments-refresh" on:click=move |_| reload.update(|n| *n += 1)>"Refresh"</button>
            </div>
            {move || match history.get() {
                None => view! { <p class="loading">"Reading the deployment records…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="muted deployments-empty">
                        "No deployments yet. Every sync, rollback, auto-sync and self-heal is recorded in \
                         the cluster (or on this desk when the cluster refuses the record) and listed here."
                    </p>
                }
                .into_any(),
                Some(Ok(list)) => {
                    let total = list.len();
                    let shown = limit.get().min(total);
                    view! {
                        <ol class="deployment-rows" data-total=total>
                            {list.into_iter().take(shown).map(|d| {
                                let known = ids.get_untracked();
                                view! { <DeploymentRow deployment=d app=app.get_value() known busy highlight jump/> }
                            }).collect_view()}
                        </ol>
                        {(shown < total).then(|| view! {
                            <button id="deployments-more" on:click=move |_| limit.set(usize::MAX)>
                                {format!("Show all {total} deployments")}
                            </button>
                        })}
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn DeploymentRow(
    deployment: Deployment,
    app: String,
    /// Every id in the history, to tell a link that has a row from one that does not.
    known: Vec<String>,
    busy: Memo<bool>,
    highlight: RwSignal<Option<String>>,
    jump: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let store = use_store();
    let d = deployment;
    let result = history::result_label(&d);
    let node = NodeRef::<html::Li>::new();
    let id = d.id.clone();
    let lit = Memo::new(move |_| highlight.with(|h| h.as_deref() == Some(id.as_str())));
    Effect::new(move || {
        if lit.get()
            && let Some(row) = node.get()
        {
            row.scroll_into_view();
        }
    });
    let link = |what: &'static str, to: Option<String>| {
        to.map(|to| {
            let present = known.contains(&to);
            let target = to.clone();
            view! {
                <button class=format!("link deployment-link {what}-link") data-target=to.clone()
                    disabled=!present
                    title=if present { String::new() } else { format!("{to} is no longer in the history") }
                    on:click=move |_| jump(target.clone())>
                    {format!("{what} {to}")}
                </button>
            }
        })
    };
    let rollback_to = d.can_restore().then(|| {
        let (app, to) = (app.clone(), d.id.clone());
        view! {
            <button class="rollback-to" data-id=to.clone() disabled=move || busy.get()
                on:click=move |_| runner::open_rollback(store, app.clone(), Some(to.clone()))>
                "Roll back to this"
            </button>
        }
    });
    let took = history::took(&d);
    view! {
        <li class="deployment-row" node_ref=node class:deployment-lit=move || lit.get()
            data-id=d.id.clone() data-kind=d.kind.label() data-result=result
            data-place=match d.place { RecordPlace::Cluster => "cluster", RecordPlace::Local => "local" }>
            <div class="deployment-head">
                <code class="deployment-id">{d.id.clone()}</code>
                <span class="badge kind-badge" class:repair=d.kind.is_repair()>{d.kind.label()}</span>
                <span class=format!("badge result-badge result-{result}")>{result}</span>
                {d.health.map(|h| view! { <StatusBadge status=Status::Health(h)/> })}
                {(d.place == RecordPlace::Local).then(|| view! {
                    <span class="badge badge-local"
                        title="The cluster refused this record: only this desk knows it, with Secret values masked.">
                        "this desk only"
                    </span>
                })}
                {d.incident.then(|| view! { <span class="badge badge-incident">"incident"</span> })}
                <span class="deployment-actions">{rollback_to}</span>
            </div>
            <p class="deployment-facts">
                "revision "<code class="sha" title=d.revision.clone()>{history::short_revision(&d.revision)}</code>
                " · "{history::scope(&d)}" · by "{history::who(&d)}
            </p>
            <p class="deployment-facts">
                "started "<When at=d.started_at.clone()/>
                {match d.finished_at.clone() {
                    Some(at) => view! { " · finished "<When at/> }.into_any(),
                    None if result == "interrupted" => view! { " · cut off before it finished" }.into_any(),
                    None => view! { " · still running" }.into_any(),
                }}
                {took.map(|t| view! { " · took "{t} })}
            </p>
            {(d.answers.is_some() || d.restores.is_some()).then(|| view! {
                <p class="deployment-links">
                    {link("answers", d.answers.clone())}
                    {link("restores", d.restores.clone())}
                </p>
            })}
            {d.message.clone().map(|m| view! { <p class="deployment-message">{m}</p> })}
        </li>
    }
}

/// A time both ways: "4 min ago" (ageing on screen) and the exact UTC time beside it.
#[component]
fn When(at: String) -> impl IntoView {
    let exact = format::parse_rfc3339(&at).map(format::utc);
    view! {
        <TimeAgo at/>
        {exact.map(|e| view! { " "<span class="muted exact-time">"("{e}")"</span> })}
    }
}
