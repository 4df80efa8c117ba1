//! Undo of one Deployment, as `kubectl rollout undo` does it: a button for each Deployment the
//! application declares and the cluster has, and the one confirmation, which says that Git is
//! not asked and what auto-sync and self-heal may do afterwards (suggesting the kill switch
//! when self-heal is on). The run shows in the same progress panel as a sync.

use crate::components::deploy_section::reveal_on_mount;
use crate::components::error_view::Refusal;
use crate::deploy_panel::Panel;
use crate::deploy_runner as runner;
use crate::store::{application_status, use_store};
use crate::undo::{self, UndoTarget};
use leptos::html;
use leptos::prelude::*;

/// "Undo a rollout: [Undo web] [Undo worker]", one button per Deployment; nothing when the
/// application has none (or is not compared yet).
#[component]
pub fn UndoButtons(app: String, targets: Memo<Vec<UndoTarget>>, busy: Memo<bool>) -> impl IntoView {
    let store = use_store();
    let status = application_status(store, app.clone());
    let namespace = Memo::new(move |_| {
        status.with(|s| {
            s.as_ref()
                .map(|s| s.app.namespace.clone())
                .unwrap_or_default()
        })
    });
    let label = format!("Undo the latest rollout of a Deployment of {app}");
    let app = StoredValue::new(app);
    view! {
        <Show when=move || !targets.with(Vec::is_empty)>
            <div class="undo-deployments" role="group" aria-label=label.clone()>
                <span class="muted">"Undo a rollout:"</span>
                <For each=move || targets.get() key=UndoTarget::id children=move |target| {
                    let (data, title) = (target.id(), undo::button_title(&target));
                    let shown = target.clone();
                    view! {
                        <button class="undo-deployment" data-resource=data title=title
                            disabled=move || busy.get()
                            on:click=move |_| {
                                let target = target.clone();
                                store.deploys.update(|d| { d.open_undo(&app.get_value(), target); });
                            }>
                            {move || format!("Undo {}", shown.short(&namespace.get()))}
                        </button>
                    }
                }/>
            </div>
        </Show>
    }
}

/// The confirmation: which Deployment, that it goes back to its previous ReplicaSet revision
/// without Git, what the automation may do, then one button.
#[component]
pub fn UndoConfirm(app: String) -> impl IntoView {
    let store = use_store();
    let status = application_status(store, app.clone());
    let draft = {
        let app = app.clone();
        Memo::new(move |_| {
            store.deploys.with(|d| match d.panel(&app) {
                Some(Panel::Undo { target, error }) => Some((target.clone(), error.clone())),
                _ => None,
            })
        })
    };
    let target = Memo::new(move |_| draft.with(|d| d.as_ref().map(|(t, _)| t.clone())));
    let note = Memo::new(move |_| {
        status.with(|s| {
            s.as_ref()
                .map(|s| undo::automation_note(s.app.sync.auto_sync, s.app.sync.self_heal))
        })
    });
    let node = NodeRef::<html::Section>::new();
    reveal_on_mount(node);
    let (start_app, kill_app, close_app) = (app.clone(), app.clone(), app.clone());
    let label = format!("Confirm the undo of a Deployment of {app}");
    view! {
        <section class="card deploy-panel" id="undo-confirm" node_ref=node aria-label=label
            data-resource=move || target.with(|t| t.as_ref().map(UndoTarget::id))>
            <h2>{move || target.with(|t| t.as_ref().map(|t| format!("Undo Deployment {}/{}", t.namespace, t.name)))}</h2>
            <p class="deploy-what">{move || target.with(|t| t.as_ref().map(undo::question))}</p>
            <p class="muted">
                "Git is not changed: the next sync puts Git's version back. Recorded as a deployment \
                 of kind undo, answering the newest one."
            </p>
            {move || note.get().map(|n| view! {
                <p class="undo-automation" class:notice=n.suggest_kill_switch>{n.text}</p>
            })}
            {move || draft.with(|d| d.as_ref().and_then(|(_, e)| e.clone())).map(|error| view! {
                <Refusal id="undo-error" title="Nothing was undone" error/>
            })}
            <div class="actions">
                <button id="undo-start" class="primary big"
                    on:click=move |_| runner::start(store, start_app.clone())>
                    "Undo rollout"
                </button>
                <Show when=move || note.with(|n| n.is_some_and(|n| n.suggest_kill_switch))>
                    <button id="undo-kill-switch" class="kill-switch"
                        title="Pause auto-sync and self-heal, then roll the whole application back to the last known good deployment"
                        on:click={
                            let app = kill_app.clone();
                            move |_| store.deploys.update(|d| { d.open_kill_switch(&app); })
                        }>
                        "Kill switch instead…"
                    </button>
                </Show>
                <button id="undo-close" on:click=move |_| store.deploys.update(|d| d.close(&close_app))>
                    "Close"
                </button>
            </div>
        </section>
    }
}
