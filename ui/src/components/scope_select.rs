//! The scope selector the Metrics and Timeline pages share: every application, a team from
//! Settings, or one application. Its value is `""`, `team:ID` or `app:ID`.

use crate::api;
use crate::store::use_store;
use leptos::prelude::*;

/// The application and team a scope value names.
pub fn chosen(scope: &str) -> (Option<String>, Option<String>) {
    match scope.split_once(':') {
        Some(("app", id)) => (Some(id.to_string()), None),
        Some(("team", id)) => (None, Some(id.to_string())),
        _ => (None, None),
    }
}

#[component]
pub fn ScopeSelect(
    scope: RwSignal<String>,
    id: &'static str,
    label: &'static str,
) -> impl IntoView {
    let store = use_store();
    let settings = LocalResource::new(move || {
        store.settings_version.track();
        api::settings()
    });
    view! {
        <label>
            {label}" "
            <select id=id on:change=move |ev| scope.set(event_target_value(&ev))>
                <option value="">"every application"</option>
                {move || {
                    settings
                        .get()
                        .and_then(Result::ok)
                        .map(|s| {
                            // Another selector (the presentation's) may have chosen it already.
                            let now = scope.get_untracked();
                            let teams = s.teams.into_iter().map(|t| {
                                let value = format!("team:{}", t.id);
                                let picked = value == now;
                                view! { <option value=value selected=picked>{format!("team {}", t.id)}</option> }
                            });
                            let apps = s.applications.into_iter().map(|a| {
                                let value = format!("app:{}", a.id);
                                let picked = value == now;
                                view! { <option value=value selected=picked>{a.id}</option> }
                            });
                            (teams.collect_view(), apps.collect_view())
                        })
                }}
            </select>
        </label>
    }
}

/// One cluster (an environment) from the settings, or every one (`""`).
#[component]
pub fn ClusterSelect(cluster: RwSignal<String>, id: &'static str) -> impl IntoView {
    let store = use_store();
    let settings = LocalResource::new(move || {
        store.settings_version.track();
        api::settings()
    });
    view! {
        <label>
            "on "
            <select id=id on:change=move |ev| cluster.set(event_target_value(&ev))>
                <option value="">"every cluster"</option>
                {move || settings.get().and_then(Result::ok).map(|s| {
                    let now = cluster.get_untracked();
                    s.clusters.into_iter().map(|c| {
                        let picked = c.id == now;
                        view! { <option value=c.id.clone() selected=picked>{c.id.clone()}</option> }
                    }).collect_view()
                })}
            </select>
        </label>
    }
}
