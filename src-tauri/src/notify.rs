//! Tells the user about drift: each drift event the engine records is sent to the window
//! ([`DRIFT_DETECTED`]) and raised as a desktop notification, at most one per application per
//! minute ([`Throttle`]), so a release manager at another window learns that someone changed
//! a cluster by hand without being flooded.

use shipdeck_engine::Engine;
use shipdeck_engine::drift_notice::{Notice, Throttle};
use shipdeck_ipc::events::DRIFT_DETECTED;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::error::RecvError;

/// How often held-back notices are looked at.
const TICK: Duration = Duration::from_secs(5);

pub fn forward(app: AppHandle, engine: &Engine) {
    let mut events = engine.subscribe_drift_events();
    tauri::async_runtime::spawn(async move {
        let mut throttle = Throttle::default();
        let mut tick = tokio::time::interval(TICK);
        loop {
            tokio::select! {
                received = events.recv() => match received {
                    Ok(event) => {
                        if let Err(err) = app.emit(DRIFT_DETECTED, &event) {
                            tracing::warn!(%err, "could not emit {DRIFT_DETECTED}");
                        }
                        if let Some(notice) = throttle.offer(event, Instant::now()) {
                            show(&app, notice);
                        }
                    }
                    // The window lists them all from the record; only notices are lost.
                    Err(RecvError::Lagged(missed)) => {
                        tracing::warn!("{missed} drift notices were skipped (too many at once)")
                    }
                    Err(RecvError::Closed) => return,
                },
                _ = tick.tick() => {
                    for notice in throttle.due(Instant::now()) {
                        show(&app, notice);
                    }
                }
            }
        }
    });
}

fn show(app: &AppHandle, notice: Notice) {
    let shown = app
        .notification()
        .builder()
        .title(notice.title)
        .body(notice.body)
        .show();
    // Sent in the background; an error here is one the plugin could see before sending.
    if let Err(err) = shown {
        tracing::warn!(%err, "could not raise a desktop notification");
    }
}
