//! The Shipdeck UI: the app shell and its router. One file per page under [`pages`]; all
//! backend IO goes through [`api`].

pub mod api;
mod components;
mod deploy_panel;
mod deploy_runner;
mod diff;
mod filter;
mod format;
mod history;
mod keys;
mod metrics_query;
mod open_rows;
mod pages;
mod recent_drift;
mod resource_groups;
mod routes;
mod selection;
mod store;
mod sync_draft;
mod sync_run;
mod theme;
mod timeline_scale;
mod undo;
mod virtual_window;

use components::nav::Nav;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

pub fn start() {
    console_error_panic_hook::set_once();
    theme::apply(theme::load());
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    store::provide();
    view! {
        <Router>
            <div class="shell">
                <Nav/>
                <main class="content">
                    <Routes fallback=|| view! { <pages::not_found::NotFound/> }>
                        <Route path=path!("/") view=pages::overview::Overview/>
                        <Route path=path!("/applications") view=pages::applications::Applications/>
                        <Route path=path!("/drift") view=pages::drift::AllDrift/>
                        <Route path=path!("/timeline") view=pages::timeline::Timeline/>
                        <Route path=path!("/metrics") view=pages::metrics::Metrics/>
                        <Route path=path!("/settings") view=pages::settings::Settings/>
                    </Routes>
                </main>
            </div>
        </Router>
    }
}
