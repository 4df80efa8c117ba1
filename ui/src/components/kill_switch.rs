//! The kill switch's one confirmation: pause auto-sync and self-heal (so nothing automatic
//! undoes the rollback), then roll back to the last known good deployment.

use crate::components::deploy_section::reveal_on_mount;
use crate::components::error_view::Refusal;
use crate::deploy_panel::Panel;
use crate::deploy_runner as runner;
use crate::history;
use crate::store::{application_status, use_store};
use leptos::html;
use leptos::prelude::*;
use shipdeck_ipc::deploy::Deployment;

#[component]
pub fn KillSwitchConfirm(app: String, last_good: Memo<Option<Deployment>>) -> impl IntoView {
    let store = use_store();
    let status = application_status(store, app.clone());
    let error = {
        let app = app.clone();
        Memo::new(move |_| {
            store.deploys.with(|d| match d.panel(&app) {
                Some(Panel::KillSwitch { error }) => error.clone(),
                _ => None,
            })
        })
    };
    let paused = move || {
        status.with(|s| {
            let Some(s) = s else { return String::new() };
            match (s.app.sync.auto_sync, s.app.sync.self_heal) {
                (true, true) => "Auto-sync and self-heal are on now.",
                (true, false) => "Auto-sync is on now; self-heal is off.",
                (false, true) => "Self-heal is on now; auto-sync is off.",
                (false, false) => "Auto-sync and self-heal are already off.",
            }
            .to_string()
        })
    };
    let target = move || {
        last_good.with(|d| match d {
            Some(d) => format!(
                "the last known good deployment, {} (revision {})",
                d.id,
                history::short_revision(&d.revision)
            ),
            None => "the last known good deployment".to_string(),
        })
    };
    let node = NodeRef::<html::Section>::new();
    reveal_on_mount(node);
    let (start_app, close_app) = (app.clone(), app.clone());
    let (heading, label) = (
        format!("Kill switch: {app}"),
        format!("Confirm the kill switch of {app}"),
    );
    view! {
        <section class="card deploy-panel danger-panel" id="kill-switch-confirm" node_ref=node aria-label=label>
            <h2>{heading}</h2>
            <p class="deploy-what">
                "Pauses auto-sync and self-heal of "<strong>{app.clone()}</strong>
                " so nothing automatic undoes this, then rolls it back to "{target}"."
            </p>
            <p class="muted">{paused}" Turn them back on below once the incident is over."</p>
            {move || error.get().map(|error| view! {
                <Refusal id="kill-switch-error" title="Nothing was rolled back" error/>
            })}
            <div class="actions">
                <button id="kill-switch-start" class="kill-switch big"
                    on:click=move |_| runner::start(store, start_app.clone())>
                    "Pause and roll back"
                </button>
                <button id="kill-switch-close" on:click=move |_| store.deploys.update(|d| d.close(&close_app))>
                    "Close"
                </button>
            </div>
        </section>
    }
}
