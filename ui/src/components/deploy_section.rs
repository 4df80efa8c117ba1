//! An application's syncs and rollbacks on its page: Sync, Roll back and the kill switch, an
//! Undo for each of its Deployments, its sync policy, the one panel (a confirmation, or a
//! run's progress and result) and the deployment history.

use crate::api::{ApiResult, deploy};
use crate::components::deployments::Deployments;
use crate::components::kill_switch::KillSwitchConfirm;
use crate::components::rollback::RollbackConfirm;
use crate::components::sync_panel::SyncConfirm;
use crate::components::sync_policy::SyncPolicySwitches;
use crate::components::sync_progress::{SyncProgressPanel, TakeOverConfirm};
use crate::components::undo::{UndoButtons, UndoConfirm};
use crate::deploy_panel::Shown;
use crate::deploy_runner as runner;
use crate::history;
use crate::store::{application_status, use_store};
use crate::sync_draft::{Scope, SyncDraft, reviewed_commit};
use crate::undo;
use leptos::prelude::*;
use shipdeck_ipc::drift::DriftReport;
use wasm_bindgen::JsCast;

/// Brings a panel that just opened into view without jumping past what is above it.
pub fn reveal_on_mount<E>(node: NodeRef<E>)
where
    E: leptos::html::ElementType + 'static,
    E::Output: JsCast + Clone + 'static,
{
    Effect::new(move || {
        if let Some(el) = node.get() {
            let el: &web_sys::Element = el.unchecked_ref();
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            el.scroll_into_view_with_scroll_into_view_options(&options);
        }
    });
}

/// `report` is the application's newest comparison, which the page's drift review shows: the
/// Deployments it declares are the ones offered an undo.
#[component]
pub fn DeploySection(
    app: String,
    report: LocalResource<ApiResult<Option<DriftReport>>>,
) -> impl IntoView {
    let store = use_store();
    let status = application_status(store, app.clone());
    // What a deployment by anyone changes: the commit compared and when the drift last
    // changed. Not every comparison, which a rollout triggers many times.
    let drifted = Memo::new(move |_| {
        status.with(|s| {
            let sync = s.as_ref()?.sync.as_ref()?;
            Some((sync.commit.clone(), sync.changed_at.clone()))
        })
    });
    let reload = RwSignal::new(0u32);
    // A memo, so that progress (which updates the panels) does not read the records again.
    let ended = {
        let app = app.clone();
        Memo::new(move |_| store.deploys.with(|d| d.ended(&app)))
    };
    let history = {
        let app = app.clone();
        LocalResource::new(move || {
            // A run that ended, a drift change (an auto-sync or someone else's sync) or a
            // click on Refresh: the records are read again.
            ended.track();
            drifted.track();
            reload.track();
            deploy::deployments(app.clone())
        })
    };
    let busy = {
        let app = app.clone();
        Memo::new(move |_| store.deploys.with(|d| d.busy(&app)))
    };
    let shown = {
        let app = app.clone();
        Memo::new(move |_| store.deploys.with(|d| d.shown(&app)))
    };
    let last_good = Memo::new(move |_| {
        history.with(|h| match h {
            Some(Ok(list)) => history::last_known_good(list).cloned(),
            _ => None,
        })
    });
    let reviewed = Memo::new(move |_| status.with(|s| reviewed_commit(s.as_ref()?.sync.as_ref())));
    let undoable = Memo::new(move |_| {
        report.with(|r| match r {
            Some(Ok(Some(report))) => undo::undoable(report),
            _ => Vec::new(),
        })
    });

    let sync_app = app.clone();
    let open_sync = move |_| {
        let Some(s) = status.get_untracked() else {
            return;
        };
        let Some(commit) = reviewed_commit(s.sync.as_ref()) else {
            return;
        };
        let scope = Scope::Whole {
            objects: s.render.as_ref().map(|r| r.objects.len()),
            out_of_sync: s.sync.as_ref().map_or(0, |s| s.out_of_sync),
        };
        let draft = SyncDraft::new(scope, commit, s.app.sync.prune);
        runner::open_sync(store, sync_app.clone(), draft);
    };
    let rollback_app = app.clone();
    let kill_app = app.clone();
    let (panel_app, undo_app) = (app.clone(), app.clone());
    let label = format!("Sync and roll back {app}");
    view! {
        <section class="deploy" aria-label=label>
            <div class="deploy-toolbar">
                <button id="sync-app" class="primary big" disabled=move || busy.get() || reviewed.with(Option::is_none)
                    title=move || reviewed.with(|c| c.is_none().then_some("Not compared with the cluster yet: there is nothing reviewed to sync."))
                    on:click=open_sync>
                    "Sync"
                </button>
                <button id="rollback-last" class="big" disabled=move || busy.get() || last_good.with(Option::is_none)
                    title=move || last_good.with(|d| match d {
                        Some(d) => format!("Roll back to {}, the last known good deployment", d.id),
                        None => "No earlier successful deployment that still holds its manifests".to_string(),
                    })
                    on:click=move |_| runner::open_rollback(store, rollback_app.clone(), None)>
                    "Roll back"
                </button>
                <span class="muted deploy-target">
                    {move || last_good.with(|d| d.as_ref().map(|d| format!("to {}", d.id)))}
                </span>
                <button id="kill-switch" class="kill-switch big" disabled=move || busy.get()
                    title="Pause auto-sync and self-heal, then roll back to the last known good deployment"
                    on:click=move |_| { store.deploys.update(|d| { d.open_kill_switch(&kill_app); }); }>
                    "Kill switch"
                </button>
            </div>
            <UndoButtons app=undo_app targets=undoable busy/>
            <SyncPolicySwitches app=app.clone()/>
            {move || {
                let app = panel_app.clone();
                match shown.get() {
                    Shown::Closed => ().into_any(),
                    Shown::Sync => view! { <SyncConfirm app/> }.into_any(),
                    Shown::Rollback => view! { <RollbackConfirm app/> }.into_any(),
                    Shown::KillSwitch => view! { <KillSwitchConfirm app last_good/> }.into_any(),
                    Shown::TakeOver => view! { <TakeOverConfirm app/> }.into_any(),
                    Shown::Undo => view! { <UndoConfirm app/> }.into_any(),
                    Shown::Running => view! { <SyncProgressPanel app/> }.into_any(),
                }
            }}
            <Deployments app history reload busy/>
        </section>
    }
}
