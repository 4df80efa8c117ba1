//! The sync confirmation: what will be applied (the whole application or the reviewed
//! resources) at which commit, the prune choice with the exact list it deletes, and one
//! button that says what it does.

use crate::components::deploy_section::reveal_on_mount;
use crate::components::error_view::{ErrorView, Refusal};
use crate::deploy_panel::Panel;
use crate::deploy_runner as runner;
use crate::store::use_store;
use crate::sync_draft::{Candidates, Scope, SyncDraft, short};
use leptos::html;
use leptos::prelude::*;

/// At most this many chosen resources are listed; the rest are counted.
const LISTED: usize = 50;

#[component]
pub fn SyncConfirm(app: String) -> impl IntoView {
    let store = use_store();
    let draft = {
        let app = app.clone();
        Memo::new(move |_| {
            store.deploys.with(|d| match d.panel(&app) {
                Some(Panel::Sync(draft)) => Some(draft.clone()),
                _ => None,
            })
        })
    };
    let now = {
        let app = app.clone();
        Memo::new(move |_| runner::current_commit_tracked(store, &app))
    };
    let blocked = Memo::new(move |_| {
        let now = now.get();
        draft.with(|d| d.as_ref().and_then(|d| d.blocked(now.as_deref())))
    });
    let node = NodeRef::<html::Section>::new();
    reveal_on_mount(node);

    let (prune_app, start_app, close_app, text_app) =
        (app.clone(), app.clone(), app.clone(), app.clone());
    let (heading, label) = (format!("Sync {app}"), format!("Confirm the sync of {app}"));
    let toggle_prune = move |ev| {
        runner::set_prune(store, prune_app.clone(), event_target_checked(&ev));
    };
    let scope_id = move || {
        draft.with(|d| match d.as_ref().map(|d| &d.scope) {
            Some(Scope::Selected(_)) => "selected",
            _ => "whole",
        })
    };
    view! {
        <section class="card deploy-panel" id="sync-confirm" node_ref=node data-scope=scope_id
            aria-label=label>
            <h2>{heading}</h2>
            {move || draft.get().map(|d| view! {
                <p class="deploy-what">{d.describe(&text_app)}</p>
                <p class="muted">
                    "Reviewed at commit "
                    <code class="sha" title=d.reviewed_commit.clone()>{short(&d.reviewed_commit).to_string()}</code>
                    ". The engine refuses the sync if the application has moved since."
                </p>
                <ChosenList draft=d/>
            })}
            <label class="deploy-check">
                <input type="checkbox" id="sync-prune"
                    prop:checked=move || draft.with(|d| d.as_ref().is_some_and(|d| d.prune))
                    on:change=toggle_prune/>
                <span>
                    <strong>"Prune"</strong>
                    " — delete the objects tracked as this application's that Git no longer declares"
                </span>
            </label>
            {move || draft.with(|d| d.as_ref().filter(|d| d.prune).map(|d| view! { <PruneList draft=d.clone()/> }))}
            {move || blocked.get().map(|why| view! {
                <p class="notice deploy-blocked" id="sync-blocked" role="status">{why}</p>
            })}
            {move || draft.with(|d| d.as_ref().and_then(|d| d.error.clone())).map(|error| view! {
                <Refusal id="sync-error" title="The sync did not start" error/>
            })}
            <div class="actions">
                <button id="sync-start" class="primary big" disabled=move || blocked.with(Option::is_some)
                    on:click=move |_| runner::start(store, start_app.clone())>
                    {move || draft.with(|d| d.as_ref().map(|d| d.start_label(&app)).unwrap_or_default())}
                </button>
                <button id="sync-close" on:click=move |_| store.deploys.update(|d| d.close(&close_app))>
                    "Close"
                </button>
            </div>
        </section>
    }
}

/// The reviewed resources a selection sync applies, those only in the cluster marked.
#[component]
fn ChosenList(draft: SyncDraft) -> impl IntoView {
    let Scope::Selected(chosen) = draft.scope else {
        return ().into_any();
    };
    let (count, more) = (chosen.len(), chosen.len().saturating_sub(LISTED));
    view! {
        <ul class="sync-chosen" data-count=count>
            {chosen.into_iter().take(LISTED).map(|c| {
                let display = c.resource.display();
                let data = display.clone();
                view! {
                    <li class="sync-chosen-item" data-resource=data>
                        <code>{display}</code>
                        {c.extra.then(|| view! { <span class="muted">" — only in the cluster"</span> })}
                    </li>
                }
            }).collect_view()}
        </ul>
        {(more > 0).then(|| view! { <p class="muted">{format!("and {more} more")}</p> })}
    }
    .into_any()
}

/// Exactly what prune deletes, as the engine will check it.
#[component]
fn PruneList(draft: SyncDraft) -> impl IntoView {
    match (&draft.candidates, draft.pruned()) {
        (Candidates::Failed(error), _) => view! {
            <div class="prune-list" id="prune-list" data-state="failed">
                <ErrorView error=error.clone()/>
            </div>
        }
        .into_any(),
        (_, None) => view! {
            <p class="prune-list loading" id="prune-list" data-state="loading">
                "Listing what prune would delete…"
            </p>
        }
        .into_any(),
        (_, Some(list)) if list.is_empty() => {
            let why = match draft.scope {
                Scope::Whole { .. } => {
                    "Nothing to delete: every object tracked as this application's is declared in Git."
                }
                Scope::Selected(_) => {
                    "Nothing to delete: prune deletes only chosen resources that Git no longer declares."
                }
            };
            view! {
                <p class="prune-list" id="prune-list" data-state="loaded" data-count="0">{why}</p>
            }
            .into_any()
        }
        (_, Some(list)) => {
            let count = list.len();
            view! {
            <div class="prune-list" id="prune-list" data-state="loaded" data-count=count>
                <p class="prune-head">
                    {match list.len() {
                        1 => "Deletes this object from the cluster:".to_string(),
                        n => format!("Deletes these {n} objects from the cluster:"),
                    }}
                </p>
                <ul>
                    {list.into_iter().map(|r| {
                        let (display, data) = (r.display(), r.display());
                        view! { <li class="prune-item" data-resource=data><code>{display}</code></li> }
                    }).collect_view()}
                </ul>
            </div>
            }
            .into_any()
        }
    }
}
