//! An application's ignore rules: listed in its review, added from a change, removed here.

use crate::api;
use crate::components::error_view::ErrorView;
use crate::format;
use crate::store::{Store, refresh_connections, use_store};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipdeck_ipc::IpcError;
use shipdeck_ipc::config::IgnoreRule;

/// Where a rule change shows that it is under way and why it failed.
#[derive(Clone, Copy)]
pub struct RuleChange {
    pub pending: RwSignal<bool>,
    pub error: RwSignal<Option<IpcError>>,
}

impl RuleChange {
    pub fn idle() -> Self {
        Self {
            pending: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    /// Adds `rule` to application `app` (or with `remove`, takes it away). The backend then
    /// compares the application again; the overview is fetched at once so the rule list and
    /// the counts follow without waiting for the push. The store is passed in because this
    /// runs from an event handler, outside any reactive owner.
    pub fn run(self, store: Store, app: String, rule: IgnoreRule, remove: bool) {
        self.pending.set(true);
        spawn_local(async move {
            let result = api::application_ignore(app, rule, remove).await;
            self.pending.set(false);
            match result {
                Ok(_) => {
                    self.error.set(None);
                    refresh_connections(store);
                }
                Err(err) => self.error.set(Some(err)),
            }
        });
    }
}

/// The rules of application `app`, as the settings in force say, each with "Remove".
#[component]
pub fn IgnoreRules(app: String) -> impl IntoView {
    let store = use_store();
    let id = app.clone();
    let rules = Memo::new(move |_| {
        store.connections.with(|c| {
            c.as_ref()
                .and_then(|c| c.as_ref().ok())
                .and_then(|o| o.applications.iter().find(|a| a.app.id == id))
                .map(|a| a.app.ignore.clone())
                .unwrap_or_default()
        })
    });
    let change = RuleChange::idle();
    let data_app = app.clone();
    view! {
        <section class="ignore-rules" data-app=data_app>
            <h4>"Ignore rules"</h4>
            <p class="muted">
                "Differences these rules match are not counted as drift. A sync still applies \
                 those fields from Git."
            </p>
            {move || {
                let rules = rules.get();
                if rules.is_empty() {
                    return view! {
                        <p class="muted ignore-none">
                            "None yet: open a resource's diff and use “Ignore field” on a change."
                        </p>
                    }
                    .into_any();
                }
                let app = app.clone();
                view! {
                    <ul>
                        {rules.into_iter().map(|rule| {
                            let (app, text) = (app.clone(), format::ignore_rule(&rule));
                            let data = text.clone();
                            view! {
                                <li data-rule=data>
                                    <code>{text}</code>
                                    <button class="ignore-remove" disabled=move || change.pending.get()
                                        on:click=move |_| change.run(store, app.clone(), rule.clone(), true)>
                                        "Remove"
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {move || change.error.get().map(|error| view! { <ErrorView error/> })}
        </section>
    }
}
