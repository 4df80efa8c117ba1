//! An application's sync policy as three switches: auto-sync, self-heal and prune by default.
//! Each change turns one switch in the stored settings, so the window's copy of the others
//! (perhaps older than a kill switch that just paused them) is never written back.

use crate::api::deploy;
use crate::components::error_view::ErrorView;
use crate::store::{application_status, refresh_connections, use_store};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipdeck_ipc::IpcError;
use shipdeck_ipc::config::SyncPolicy;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toggle {
    AutoSync,
    SelfHeal,
    Prune,
}

impl Toggle {
    const ALL: [Toggle; 3] = [Toggle::AutoSync, Toggle::SelfHeal, Toggle::Prune];

    fn id(self) -> &'static str {
        match self {
            Toggle::AutoSync => "auto-sync",
            Toggle::SelfHeal => "self-heal",
            Toggle::Prune => "prune-default",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Toggle::AutoSync => "Auto-sync",
            Toggle::SelfHeal => "Self-heal",
            Toggle::Prune => "Prune by default",
        }
    }

    fn meaning(self) -> &'static str {
        match self {
            Toggle::AutoSync => "sync when a new revision arrives",
            Toggle::SelfHeal => "re-apply Git after live drift, with backoff",
            Toggle::Prune => {
                "preselect Prune in each sync (its list is still shown); auto-sync and self-heal prune too"
            }
        }
    }

    pub fn get(self, policy: &SyncPolicy) -> bool {
        match self {
            Toggle::AutoSync => policy.auto_sync,
            Toggle::SelfHeal => policy.self_heal,
            Toggle::Prune => policy.prune,
        }
    }

    fn switch(self) -> shipdeck_ipc::commands::SyncSwitch {
        use shipdeck_ipc::commands::SyncSwitch;
        match self {
            Toggle::AutoSync => SyncSwitch::AutoSync,
            Toggle::SelfHeal => SyncSwitch::SelfHeal,
            Toggle::Prune => SyncSwitch::Prune,
        }
    }

    /// `policy` with this switch set to `on` and everything else as it was.
    pub fn set(self, policy: &SyncPolicy, on: bool) -> SyncPolicy {
        let mut next = policy.clone();
        match self {
            Toggle::AutoSync => next.auto_sync = on,
            Toggle::SelfHeal => next.self_heal = on,
            Toggle::Prune => next.prune = on,
        }
        next
    }
}

#[component]
pub fn SyncPolicySwitches(app: String) -> impl IntoView {
    let store = use_store();
    let status = application_status(store, app.clone());
    let stored = Memo::new(move |_| status.with(|s| s.as_ref().map(|s| s.app.sync.clone())));
    // What was asked for, shown until the stored policy catches up (or the change fails), so
    // a switch never shows a state nobody has.
    let asked = RwSignal::new(None::<SyncPolicy>);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<IpcError>);
    Effect::new(move || {
        stored.track();
        asked.set(None);
    });
    let shown = move || asked.get().or_else(|| stored.get());
    let change = move |toggle: Toggle, on: bool| {
        let Some(current) = stored.get_untracked() else {
            return;
        };
        let next = toggle.set(&current, on);
        asked.set(Some(next.clone()));
        pending.set(true);
        let app = app.clone();
        spawn_local(async move {
            let saved = deploy::application_sync_switch(app, toggle.switch(), on).await;
            pending.set(false);
            match saved {
                Ok(_) => {
                    error.set(None);
                    refresh_connections(store);
                }
                Err(e) => {
                    asked.set(None);
                    error.set(Some(e));
                }
            }
        });
    };
    view! {
        <fieldset class="sync-policy" aria-label="Sync policy">
            <legend>"Sync policy"</legend>
            {Toggle::ALL.map(|toggle| {
                let change = change.clone();
                view! {
                    <label class="deploy-check policy-switch">
                        <input type="checkbox" id=toggle.id()
                            disabled=move || pending.get() || stored.with(Option::is_none)
                            prop:checked=move || shown().is_some_and(|p| toggle.get(&p))
                            on:change=move |ev| change(toggle, event_target_checked(&ev))/>
                        <span><strong>{toggle.label()}</strong>" — "{toggle.meaning()}</span>
                    </label>
                }
            }).collect_view()}
            {move || error.get().map(|error| view! { <ErrorView error/> })}
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_switch_changes_its_own_field_only() {
        let policy = SyncPolicy {
            auto_sync: true,
            self_heal: false,
            prune: true,
            keep_manifests: Some(20),
        };
        let next = Toggle::SelfHeal.set(&policy, true);
        assert_eq!(
            next,
            SyncPolicy {
                self_heal: true,
                ..policy.clone()
            }
        );
        assert!(Toggle::SelfHeal.get(&next));
        let next = Toggle::AutoSync.set(&policy, false);
        assert!(!next.auto_sync && next.prune && next.keep_manifests == Some(20));
        let next = Toggle::Prune.set(&policy, false);
        assert!(!Toggle::Prune.get(&next) && next.auto_sync);
        let ids: Vec<&str> = Toggle::ALL.iter().map(|t| t.id()).collect();
        assert_eq!(ids, ["auto-sync", "self-heal", "prune-default"]);
    }
}
