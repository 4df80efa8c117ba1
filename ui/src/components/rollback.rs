//! The rollback confirmation: which deployment's manifests come back, which deployment that
//! answers, and what changes (a server-side dry run, shown with the drift review's list and
//! diffs), then one button.

use crate::components::deploy_section::reveal_on_mount;
use crate::components::drift::Incomplete;
use crate::components::error_view::Refusal;
use crate::components::resource_list::ResourceList;
use crate::components::status::{Status, StatusBadge};
use crate::components::time::TimeAgo;
use crate::components::virtual_list::KnownHeights;
use crate::deploy_panel::{Panel, Preview, RollbackDraft};
use crate::deploy_runner as runner;
use crate::history;
use crate::open_rows::OpenRows;
use crate::store::use_store;
use leptos::html;
use leptos::prelude::*;
use shipdeck_ipc::deploy::{Deployment, RollbackPreview};
use shipdeck_ipc::drift::SyncSummary;

#[component]
pub fn RollbackConfirm(app: String) -> impl IntoView {
    let store = use_store();
    let draft = {
        let app = app.clone();
        Memo::new(move |_| {
            store.deploys.with(|d| match d.panel(&app) {
                Some(Panel::Rollback(draft)) => Some(draft.clone()),
                _ => None,
            })
        })
    };
    let target = Memo::new(move |_| {
        draft.with(|d| match d {
            Some(RollbackDraft {
                preview: Preview::Loaded(p),
                ..
            }) => Some(p.target.id.clone()),
            _ => None,
        })
    });
    let node = NodeRef::<html::Section>::new();
    reveal_on_mount(node);
    let (start_app, close_app, list_app) = (app.clone(), app.clone(), app.clone());
    let label = format!("Confirm the rollback of {app}");
    view! {
        <section class="card deploy-panel" id="rollback-confirm" node_ref=node aria-label=label
            data-target=move || target.get()>
            <h2>{format!("Roll back {app}")}</h2>
            {move || draft.get().map(|d| match d.preview {
                Preview::Loading(_) => view! {
                    <p class="loading">
                        {match d.to {
                            Some(to) => format!("Asking the cluster what rolling back to {to} would change…"),
                            None => "Finding the last known good deployment and asking the cluster what rolling back to it would change…".to_string(),
                        }}
                    </p>
                }
                .into_any(),
                Preview::Failed(error) => view! {
                    <Refusal id="rollback-error" title="The rollback cannot be previewed" error/>
                }
                .into_any(),
                Preview::Loaded(preview) => view! { <RollbackChanges app=list_app.clone() preview=*preview/> }.into_any(),
            })}
            {move || draft.with(|d| d.as_ref().and_then(|d| d.error.clone())).map(|error| view! {
                <Refusal id="rollback-error" title="The rollback did not start" error/>
            })}
            <div class="actions">
                <button id="rollback-start" class="primary big" disabled=move || target.with(Option::is_none)
                    on:click=move |_| runner::start(store, start_app.clone())>
                    {move || target.get().map_or_else(|| "Roll back".to_string(), |id| format!("Roll back to {id}"))}
                </button>
                <button id="rollback-close" on:click=move |_| store.deploys.update(|d| d.close(&close_app))>
                    "Close"
                </button>
            </div>
        </section>
    }
}

#[component]
fn RollbackChanges(app: String, preview: RollbackPreview) -> impl IntoView {
    let open = RwSignal::new(OpenRows::default());
    let heights = StoredValue::new(KnownHeights::new());
    let report = preview.report;
    // Worded as the sync line words a comparison: live against what the rollback restores.
    let counts = SyncSummary::of(&report, &preview.target.revision).detail();
    let target_id = preview.target.id.clone();
    view! {
        <dl class="facts vertical rollback-facts">
            <div>
                <dt>"Restores"</dt>
                <dd id="rollback-target" data-id=target_id>
                    <DeploymentLine deployment=preview.target/>
                </dd>
            </div>
            <div>
                <dt>"Answers"</dt>
                {match preview.answers {
                    Some(answers) => {
                        let id = answers.id.clone();
                        view! {
                        <dd id="rollback-answers" data-id=id>
                            <DeploymentLine deployment=answers/>
                        </dd>
                        }
                        .into_any()
                    }
                    None => view! { <dd id="rollback-answers" class="muted">"Nothing newer: it re-applies the current deployment."</dd> }.into_any(),
                }}
            </div>
        </dl>
        <p class="rollback-counts">
            <StatusBadge status=Status::Sync(report.status())/>" "{counts}
        </p>
        <p class="muted">
            "Live → after the rollback, from a server-side dry run. Fields other managers own are \
             taken over: a rollback answers a failure and must not stop at them."
        </p>
        <Incomplete what=report.incomplete/>
        <ResourceList app resources=report.resources open heights actions=false/>
    }
}

/// "shop.4 · sync · succeeded · revision 3f2a9c1 · by ana@desk · 3 d ago".
#[component]
fn DeploymentLine(deployment: Deployment) -> impl IntoView {
    let d = deployment;
    view! {
        <code class="deployment-id">{d.id.clone()}</code>
        " · "{d.kind.label()}" · "{history::result_label(&d)}
        " · revision "<code class="sha" title=d.revision.clone()>{history::short_revision(&d.revision)}</code>
        " · by "{history::who(&d)}" · "<TimeAgo at=d.started_at.clone()/>
    }
}
