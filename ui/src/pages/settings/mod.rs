//! Settings: connections (clusters, repositories, applications), appearance, and about.

mod applications;
mod clusters;
mod repositories;

use crate::api::{self, ApiResult};
use crate::components::{
    error_view::ErrorView,
    status::{Status, StatusBadge},
};
use crate::store::Store;
use crate::theme::{self, Theme};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipdeck_ipc::config::Settings as Config;

/// The settings as last read or returned by a change; sections update it with the result of
/// every mutation, so what is shown is always what the backend stored.
pub type ConfigSignal = RwSignal<Option<ApiResult<Config>>>;

/// Runs a mutation; on success shows the stored settings, on failure the error. The store is
/// passed in because the task runs after the event handler, outside any reactive owner.
pub fn apply_change<F>(
    store: Store,
    config: ConfigSignal,
    error: RwSignal<Option<shipdeck_ipc::IpcError>>,
    change: F,
) where
    F: std::future::Future<Output = ApiResult<Config>> + 'static,
{
    spawn_local(async move {
        match change.await {
            Ok(saved) => {
                error.set(None);
                config.set(Some(Ok(saved)));
                crate::store::refresh_connections(store);
            }
            Err(err) => error.set(Some(err)),
        }
    });
}

#[component]
pub fn Settings() -> impl IntoView {
    let info = LocalResource::new(api::app_info);
    let config: ConfigSignal = RwSignal::new(None);
    let store = crate::store::use_store();
    // Read again whenever the settings in force change, e.g. after a hand edit of the file.
    Effect::new(move || {
        store.settings_version.track();
        spawn_local(async move { config.set(Some(api::settings().await)) });
    });
    let current = RwSignal::new(theme::load());
    view! {
        <section class="page" id="page-settings">
            <header class="page-header">
                <h1>"Settings"</h1>
                <p class="lede">"Clusters, repositories and applications; appearance; where Shipdeck keeps its files."</p>
            </header>
            {move || match config.get() {
                None => Some(view! { <p class="loading">"Loading settings…"</p> }.into_any()),
                Some(Err(error)) => Some(view! { <ErrorView error/> }.into_any()),
                Some(Ok(_)) => None,
            }}
            // Created once the settings load, not on every change: a save in one section must
            // not wipe what the user is typing (or a test result) in another.
            <Show when=move || config.with(|c| matches!(c, Some(Ok(_))))>
                <clusters::Clusters config/>
                <repositories::Repositories config/>
                <applications::Applications config/>
            </Show>
            <div class="card">
                <h2>"Appearance"</h2>
                <label class="field">
                    <span>"Theme"</span>
                    <select id="theme-select" on:change=move |ev| {
                        let chosen = Theme::from_id(&event_target_value(&ev));
                        theme::save(chosen);
                        current.set(chosen);
                    }>
                        {Theme::ALL
                            .into_iter()
                            .map(|t| view! {
                                <option value=t.id() selected=move || current.get() == t>{t.label()}</option>
                            })
                            .collect_view()}
                    </select>
                </label>
                <h3>"Status colours and icons"</h3>
                <ul class="legend" id="status-legend">
                    {Status::all()
                        .map(|status| view! {
                            <li><StatusBadge status/><span class="muted">{status.meaning()}</span></li>
                        })
                        .collect_view()}
                </ul>
            </div>
            <div class="card">
                <h2>"About"</h2>
                {move || match info.get() {
                    None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                    Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
                    Some(Ok(info)) => view! {
                        <dl class="facts vertical" id="about">
                            <div><dt>"Version"</dt><dd>{info.version}</dd></div>
                            <div><dt>"Workspace"</dt><dd><code>{info.workspace.unwrap_or_else(|| "none".into())}</code></dd></div>
                            <div><dt>"Settings file"</dt><dd><code>{info.settings_file}</code></dd></div>
                            <div><dt>"Logs"</dt><dd><code>{info.log_dir}</code></dd></div>
                            <div><dt>"Data"</dt><dd><code>{info.data_dir}</code></dd></div>
                        </dl>
                    }
                    .into_any(),
                }}
            </div>
        </section>
    }
}

/// The configured settings, for sections rendered only once they loaded.
pub fn loaded(config: ConfigSignal) -> Config {
    config.get().and_then(Result::ok).unwrap_or_default()
}
