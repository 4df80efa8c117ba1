//! A sync, rollback, kill switch or undo under way and how it ended: the bar, each object's
//! apply action and health, Cancel, then the result with the engine's message and every
//! failure's server message; a sync stopped by fields other managers own offers to take them
//! over.

use crate::components::deploy_section::reveal_on_mount;
use crate::components::error_view::Refusal;
use crate::components::status::{Status, StatusBadge};
use crate::deploy_panel::Panel;
use crate::deploy_runner as runner;
use crate::store::use_store;
use crate::sync_run::{self, Run, take_over_question};
use leptos::html;
use leptos::prelude::*;
use shipdeck_ipc::deploy::{ApplyAction, ResourceResult};

#[component]
pub fn SyncProgressPanel(app: String) -> impl IntoView {
    let store = use_store();
    let run = {
        let app = app.clone();
        Memo::new(move |_| {
            store
                .deploys
                .with(|d| d.running(&app).map(|r| r.run.clone()))
        })
    };
    let what = {
        let app = app.clone();
        Memo::new(move |_| {
            store
                .deploys
                .with(|d| d.running(&app).map_or("Sync", |r| r.action.title()))
        })
    };
    let with_run = move |f: fn(&Run) -> String| run.with(|r| r.as_ref().map(f).unwrap_or_default());
    let over = Memo::new(move |_| run.with(|r| r.as_ref().is_some_and(Run::is_over)));
    let node = NodeRef::<html::Section>::new();
    reveal_on_mount(node);
    let label = format!("Progress of {app}'s deployment");
    let (cancel_app, close_app, head_app) = (app.clone(), app.clone(), app.clone());
    let conflicts =
        Memo::new(move |_| run.with(|r| r.as_ref().map(Run::conflicts).unwrap_or_default()));
    let is_sync = Memo::new(move |_| what.get() == "Sync");
    view! {
        <section class="card deploy-panel sync-progress" id="sync-progress" node_ref=node aria-label=label
            data-deployment=move || run.with(|r| r.as_ref().and_then(|r| r.deployment.clone()))>
            <h2>
                {move || format!("{} of {head_app}", what.get())}
                {move || run.with(|r| r.as_ref().and_then(|r| r.deployment.clone())).map(|id| view! {
                    " "<code class="deployment-id">{id}</code>
                })}
            </h2>
            <p class="sync-headline" role="status" aria-live="polite">{move || with_run(Run::headline)}</p>
            <progress id="sync-bar" aria-label="Progress"
                max=move || run.with(|r| r.as_ref().and_then(Run::bar).map_or(1, |b| b.max))
                value=move || run.with(|r| r.as_ref().and_then(Run::bar).map(|b| b.value))>
            </progress>
            <p class="muted sync-tally">{move || with_run(Run::tally)}</p>
            <Show when=move || !over.get()>
                <div class="actions">
                    <button id="sync-cancel" class="danger"
                        disabled=move || run.with(|r| r.as_ref().is_some_and(|r| r.cancelling))
                        on:click={
                            let app = cancel_app.clone();
                            move |_| runner::cancel(store, app.clone())
                        }>
                        {move || if run.with(|r| r.as_ref().is_some_and(|r| r.cancelling)) { "Cancelling…" } else { "Cancel" }}
                    </button>
                </div>
            </Show>
            {move || run.get().filter(Run::is_over).map(|r| view! { <SyncResult run=r/> })}
            <Show when=move || over.get()>
                <ResultActions app=close_app.clone() take_over=Signal::derive(move || {
                    is_sync.get() && !conflicts.with(Vec::is_empty)
                })/>
            </Show>
            <ol class="sync-rows" aria-label="Objects">
                <For each=move || run.with(|r| r.as_ref().map(|r| r.rows.clone()).unwrap_or_default())
                    key=|r| (r.resource.display(), r.action, r.health, r.message.clone(), r.health_message.clone())
                    children=|r| view! { <SyncRow result=r/> }/>
            </ol>
        </section>
    }
}

/// After the end: "Take over fields…" when fields other managers own stopped a sync, and Close.
#[component]
fn ResultActions(app: String, take_over: Signal<bool>) -> impl IntoView {
    let store = use_store();
    let take_app = app.clone();
    view! {
        <div class="actions">
            <Show when=move || take_over.get()>
                <button id="sync-take-over" class="primary" on:click={
                    let app = take_app.clone();
                    move |_| store.deploys.update(|d| { d.take_over(&app); })
                }>
                    "Take over fields…"
                </button>
            </Show>
            <button id="sync-done" on:click=move |_| store.deploys.update(|d| d.close(&app))>"Close"</button>
        </div>
    }
}

/// How it ended, in large type, with the engine's message and each failed object's message.
#[component]
fn SyncResult(run: Run) -> impl IntoView {
    let result = run.result().unwrap_or("failed");
    let failures: Vec<(String, String)> = run
        .rows
        .iter()
        .filter(|r| r.action == ApplyAction::Failed)
        .map(|r| (r.resource.display(), r.message.clone().unwrap_or_default()))
        .collect();
    view! {
        <div class="sync-result" id="sync-result" data-result=result role="status">
            <p class="sync-result-title">{run.headline()}</p>
            {run.message().map(|m| view! { <p class="sync-result-message">{m}</p> })}
            {(!failures.is_empty()).then(|| view! {
                <ul class="sync-failures">
                    {failures.into_iter().map(|(resource, message)| {
                        let data = resource.clone();
                        view! {
                        <li class="sync-failure" data-resource=data>
                            <code>{resource}</code>": "{message}
                        </li>
                    }}).collect_view()}
                </ul>
            })}
        </div>
    }
}

#[component]
fn SyncRow(result: ResourceResult) -> impl IntoView {
    let (display, data) = (result.resource.display(), result.resource.display());
    let action = sync_run::action_id(result.action);
    view! {
        <li class="sync-row" data-resource=data data-action=action
            data-health=sync_run::health_id(result.health)>
            <code class="sync-row-name">{display}</code>
            <span class=format!("apply-action apply-{action}")>{result.action.label()}</span>
            <span class="sync-row-health">
                {match result.health {
                    Some(h) => view! { <StatusBadge status=Status::Health(h)/> }.into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </span>
            {result.message.map(|m| view! { <p class="sync-row-message">{m}</p> })}
            {result.health_message.map(|m| view! { <p class="sync-row-message muted">{m}</p> })}
        </li>
    }
}

/// The confirmation of a take-over: every field and its manager, then the same sync with force.
#[component]
pub fn TakeOverConfirm(app: String) -> impl IntoView {
    let store = use_store();
    let take_over = {
        let app = app.clone();
        Memo::new(move |_| {
            store.deploys.with(|d| match d.panel(&app) {
                Some(Panel::TakeOver(t)) => Some((t.conflicts.clone(), t.error.clone())),
                _ => None,
            })
        })
    };
    let node = NodeRef::<html::Section>::new();
    reveal_on_mount(node);
    let (start_app, back_app) = (app.clone(), app.clone());
    view! {
        <section class="card deploy-panel" id="take-over-confirm" node_ref=node
            aria-label=format!("Confirm taking over fields in {app}")>
            <h2>"Take over fields"</h2>
            {move || take_over.get().map(|(conflicts, error)| view! {
                <p class="deploy-what">{take_over_question(&conflicts)}</p>
                <table class="take-over-fields">
                    <thead><tr><th>"Object"</th><th>"Field"</th><th>"Owned by"</th></tr></thead>
                    <tbody>
                        {conflicts.into_iter().map(|c| {
                            let (field, manager) = (c.field.clone(), c.manager.clone());
                            view! {
                            <tr class="take-over-field" data-field=field data-manager=manager>
                                <td><code>{c.resource}</code></td>
                                <td><code>{c.field}</code></td>
                                <td>{c.manager}</td>
                            </tr>
                        }}).collect_view()}
                    </tbody>
                </table>
                {error.map(|error| view! { <Refusal id="take-over-error" title="The sync did not start" error/> })}
            })}
            <div class="actions">
                <button id="take-over-start" class="primary big"
                    on:click=move |_| runner::start(store, start_app.clone())>
                    "Take over and sync"
                </button>
                <button id="take-over-back" on:click=move |_| store.deploys.update(|d| d.close(&back_app))>
                    "Back"
                </button>
            </div>
        </section>
    }
}
