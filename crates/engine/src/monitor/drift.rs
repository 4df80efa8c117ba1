//! Each application's rendered objects compared with its cluster ([`crate::drift::plan`]):
//! again as soon as it renders anew or its entry changes, and every [`DRIFT_INTERVAL`] to see
//! changes made in the cluster. Reported to the fold as [`Event::Drifted`].
//!
//! The interval is the stand-in for the live cache (a watcher per kind, issue 13), which will
//! wake this loop on the change itself.

use super::fold::{Event, Scope};
use super::{Inner, cluster_target};
use crate::drift::plan::plan;
use crate::drift::policy::Policy;
use crate::live::LiveState;
use crate::supervise::supervise;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::Instant;

pub const DRIFT_INTERVAL: Duration = Duration::from_secs(10);

/// Starts comparing application `app` for as long as the task runs.
pub(super) fn start(inner: &Arc<Inner>, app: &str) -> JoinHandle<()> {
    let (events, id) = (inner.events.clone(), app.to_string());
    let (inner, app) = (inner.clone(), app.to_string());
    supervise(
        &inner.runtime.clone(),
        format!("drift {app}"),
        move |message| {
            let _ = events.send(Event::Crashed {
                scope: Scope::Application(id.clone()),
                message: format!("Internal error: {message}."),
            });
        },
        move || compare_forever(inner.clone(), app.clone()),
    )
}

async fn compare_forever(inner: Arc<Inner>, app: String) {
    let mut states = inner.live.subscribe();
    let mut compared: Option<Arc<LiveState>> = None;
    // A deadline, not a sleep restarted on every new state: states come often (every
    // application's results), and the periodic comparison must still happen.
    let mut due = Instant::now();
    loop {
        let state = states.borrow_and_update().clone();
        let changed = compared
            .as_ref()
            .is_none_or(|before| inputs_changed(before, &state, &app));
        if changed || Instant::now() >= due {
            compare_once(&inner, &state, &app).await;
            compared = Some(state);
            due = Instant::now() + DRIFT_INTERVAL;
            continue;
        }
        tokio::select! {
            changed = states.changed() => if changed.is_err() { return },
            () = tokio::time::sleep_until(due) => {}
        }
    }
}

/// Whether what the comparison of `app` reads (its rendered objects, its entry, its cluster's
/// entry) differs between two states.
fn inputs_changed(before: &LiveState, now: &LiveState, app: &str) -> bool {
    let rendered = |s: &LiveState| s.rendered.get(app).map(Arc::as_ptr);
    let entry = |s: &LiveState| {
        let a = s.settings.application(app)?;
        Some((a.clone(), s.settings.cluster(&a.cluster).cloned()))
    };
    rendered(before) != rendered(now) || entry(before) != entry(now)
}

async fn compare_once(inner: &Arc<Inner>, state: &LiveState, app: &str) {
    let (Some(entry), Some(rendered)) = (state.settings.application(app), state.rendered.get(app))
    else {
        return;
    };
    let Some(cluster) = state.settings.cluster(&entry.cluster) else {
        return;
    };
    let outcome = match inner
        .clients
        .get(&cluster_target(cluster), inner.secrets.as_ref())
        .await
    {
        Ok(client) => Ok(Arc::new(
            plan(&client, app, &rendered.objects, &Policy::default()).await,
        )),
        Err(e) => Err(format!("cluster {}: {e}", cluster.id)),
    };
    let _ = inner.events.send(Event::Drifted {
        app: app.to_string(),
        commit: rendered.commit.sha.clone(),
        outcome,
    });
}
