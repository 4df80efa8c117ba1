use crate::api;
use crate::components::{error_view::ErrorView, status::{Status, StatusBadge}};
use crate::theme::{self, Theme};
use leptos::prelude::*;

#[component]
pub fn Settings() -> impl IntoView {
    let info = LocalResource::new(api::app_info);
    let current = RwSignal::new(theme::load());
    view! {
        <section class="page" id="page-settings">
            <header class="page-header">
                <h1>"Settings"</h1>
                <p class="lede">"Appearance and where Shipdeck keeps its files."</p>
            </header>
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
                            <div><dt>"Logs"</dt><dd><code>{info.log_dir}</code></dd></div>
                            <div><dt>"Data"</dt><dd><code>{info.data_dir}</code></dd></div>
                            <div><dt>"Configuration"</dt><dd><code>{info.config_dir}</code></dd></div>
                        </dl>
                    }
                    .into_any(),
                }}
            </div>
        </section>
    }
}
