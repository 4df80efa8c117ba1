//! Tells the user about drift: each drift event the engine records is sent to the window
//! ([`DRIFT_DETECTED`]) and raised as a desktop notification, so a release manager at another
//! window learns that someone changed a cluster by hand.

use shipdeck_engine::Engine;
use shipdeck_ipc::drift::DriftEvent;
use shipdeck_ipc::events::DRIFT_DETECTED;
use tauri::{AppHandle, Emitter};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::error::RecvError;

pub fn forward(app: AppHandle, engine: &Engine) {
    let mut events = engine.subscribe_drift_events();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => tell(&app, &event),
                // The window lists them all from the record; only the notifications are lost.
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!("{missed} drift notifications were skipped (too many at once)")
                }
                Err(RecvError::Closed) => return,
            }
        }
    });
}

/// Field manager names are whatever a client sent; notification servers that render body
/// markup must show them as text.
fn plain(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn tell(app: &AppHandle, event: &DriftEvent) {
    if let Err(err) = app.emit(DRIFT_DETECTED, event) {
        tracing::warn!(%err, "could not emit {DRIFT_DETECTED}");
    }
    let shown = app
        .notification()
        .builder()
        .title(format!("{} is OutOfSync", event.app))
        .body(plain(&event.headline()))
        .show();
    // Sent in the background; an error here is one the plugin could see before sending.
    if let Err(err) = shown {
        tracing::warn!(%err, "could not raise a desktop notification");
    }
}
