//! Forwards the engine's live state to the window: one subscriber among the engine's others.
//! States arrive in order with increasing `seq`; the UI also drops any older one it is handed.

use shipdeck_engine::Engine;
use shipdeck_engine::settings::wire;
use shipdeck_ipc::events::{CONNECTIONS_CHANGED, SETTINGS_CHANGED};
use std::sync::Arc;
use tauri::{AppHandle, Emitter};

pub fn forward(app: AppHandle, engine: &Engine) {
    let mut live = engine.subscribe();
    tauri::async_runtime::spawn(async move {
        let mut settings: Option<Arc<shipdeck_engine::settings::Settings>> = None;
        while live.changed().await.is_ok() {
            let state = live.borrow_and_update().clone();
            if let Err(err) = app.emit(CONNECTIONS_CHANGED, &state.overview) {
                tracing::warn!(%err, "could not emit {CONNECTIONS_CHANGED}");
            }
            if settings.as_ref().is_none_or(|s| **s != *state.settings) {
                settings = Some(state.settings.clone());
                let _ = app.emit(SETTINGS_CHANGED, wire::to_ipc(&state.settings));
            }
        }
    });
}
