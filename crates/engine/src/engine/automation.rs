//! Carries out auto-sync and self-heal ([`crate::automation`]) for every application that has
//! either turned on: follows the published states, asks each application's [`Pilot`], and runs
//! the syncs it decides on as deployments of kind auto-sync or self-heal, one at a time per
//! application. What it did, or why self-heal stopped, is shown on the application.

use super::Engine;
use crate::automation::{Decision, Deployed, Observed, Pilot};
use shipdeck_ipc::deploy::{DeploymentKind, DeploymentResult, SyncProgress, SyncRequest};
use shipdeck_ipc::drift::DriftReport;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How long what the records say about deployments is trusted (another desk may deploy).
const RECORDS_FRESH: Duration = Duration::from_secs(60);
/// How long after failing to read an application's records they are asked for again.
const RETRY_RECORDS: Duration = Duration::from_secs(10);

pub(super) fn spawn(runtime: &tokio::runtime::Handle, engine: Weak<Engine>) -> JoinHandle<()> {
    runtime.spawn(run(engine))
}

async fn run(engine: Weak<Engine>) {
    let Some(mut states) = engine.upgrade().map(|e| e.subscribe()) else {
        return;
    };
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<String>();
    let mut pilots: HashMap<String, Pilot> = HashMap::new();
    let mut deployed: HashMap<String, (Deployed, Instant)> = HashMap::new();
    let mut running: HashSet<String> = HashSet::new();
    let mut unreadable: HashMap<String, Instant> = HashMap::new();
    loop {
        let mut wait = RECORDS_FRESH;
        {
            let Some(engine) = engine.upgrade() else {
                return;
            };
            let state = states.borrow_and_update().clone();
            let now = Instant::now();
            for app in &state.settings.applications {
                let (auto_sync, self_heal) = (app.sync.auto_sync, app.sync.self_heal);
                if !auto_sync && !self_heal {
                    if pilots.remove(&app.id).is_some() {
                        engine.monitor.automation_note(&app.id, None);
                    }
                    continue;
                }
                let Some(rendered) = state.rendered.get(&app.id) else {
                    continue;
                };
                let summary = state
                    .overview
                    .applications
                    .iter()
                    .find(|a| a.app.id == app.id)
                    .and_then(|a| a.sync.clone());
                let observed = Observed {
                    auto_sync,
                    self_heal,
                    commit: &rendered.commit.sha,
                    compared: summary.as_ref().map(|s| (s.commit.as_str(), s.status)),
                    drifted: drifted(state.drift.get(&app.id).map(|r| &**r)),
                };
                if running.contains(&app.id) {
                    continue;
                }
                let fresh = deployed
                    .get(&app.id)
                    .is_some_and(|(_, at)| now.duration_since(*at) < RECORDS_FRESH);
                // States come often (every comparison of every application): a cluster that
                // cannot be read is asked again after a pause, not on each.
                let resting = unreadable
                    .get(&app.id)
                    .is_some_and(|at: &Instant| now.duration_since(*at) < RETRY_RECORDS);
                if !fresh && resting {
                    continue;
                }
                if !fresh {
                    match engine.deployments(&app.id).await {
                        Ok(history) => {
                            unreadable.remove(&app.id);
                            deployed.insert(app.id.clone(), (of(&history), Instant::now()));
                        }
                        Err(e) => {
                            tracing::debug!(app = %app.id, "automation cannot read deployments: {e}");
                            unreadable.insert(app.id.clone(), Instant::now());
                            wait = wait.min(RETRY_RECORDS);
                            continue;
                        }
                    }
                }
                let known = &deployed[&app.id].0;
                let pilot = pilots.entry(app.id.clone()).or_default();
                let stopped_before = pilot.stopped().is_some();
                let decision = pilot.decide(Instant::now(), &observed, known);
                if stopped_before && pilot.stopped().is_none() {
                    engine.monitor.automation_note(&app.id, None);
                }
                if let Some(next) = pilot.next_look(Instant::now()) {
                    wait = wait.min(next + Duration::from_millis(50));
                }
                let kind = match decision {
                    Decision::Nothing => continue,
                    Decision::Stop(reason) => {
                        tracing::warn!(app = %app.id, "{reason}");
                        engine.monitor.automation_note(&app.id, Some(reason));
                        continue;
                    }
                    Decision::AutoSync => DeploymentKind::AutoSync,
                    Decision::SelfHeal => DeploymentKind::SelfHeal,
                };
                running.insert(app.id.clone());
                let request = SyncRequest {
                    app: app.id.clone(),
                    reviewed_commit: Some(rendered.commit.sha.clone()),
                    // Prune is part of the policy the user turned on for this application.
                    prune: app.sync.prune,
                    prune_confirmed: engine.prune_candidates(&app.id).unwrap_or_default(),
                    // Turning automation on is asking for the cluster to match Git, including
                    // fields a person changed by hand (Argo CD applies with force too).
                    force: true,
                    ..Default::default()
                };
                tokio::spawn(carry_out(
                    Arc::downgrade(&engine),
                    request,
                    kind,
                    done_tx.clone(),
                ));
            }
        }
        tokio::select! {
            changed = states.changed() => if changed.is_err() { return },
            Some(app) = done_rx.recv() => {
                running.remove(&app);
                // Its own deployment changed what the records say.
                deployed.remove(&app);
            }
            () = tokio::time::sleep(wait) => {}
        }
    }
}

async fn carry_out(
    engine: Weak<Engine>,
    request: SyncRequest,
    kind: DeploymentKind,
    done: mpsc::UnboundedSender<String>,
) {
    let app = request.app.clone();
    // The kill switch may have paused automation since the decision.
    let still_on = |engine: &Engine| {
        engine
            .settings
            .get()
            .application(&app)
            .is_some_and(|a| match kind {
                DeploymentKind::AutoSync => a.sync.auto_sync,
                _ => a.sync.self_heal,
            })
    };
    if let Some(engine) = engine.upgrade().filter(|e| still_on(e)) {
        let operation = operation(kind, &app);
        let commit: String = request
            .reviewed_commit
            .clone()
            .unwrap_or_default()
            .chars()
            .take(7)
            .collect();
        engine
            .monitor
            .automation_note(&app, Some(format!("{}: deploying {commit}…", title(kind))));
        let mut quiet = |_: SyncProgress| {};
        let note = match engine.sync_as(request, kind, &operation, &mut quiet).await {
            Ok(d) if d.result == DeploymentResult::Succeeded => {
                format!("{}: deployed {commit} as {}", title(kind), d.id)
            }
            Ok(d) => format!(
                "{}: deployment {} of {commit} {}: {}",
                title(kind),
                d.id,
                d.result.label(),
                d.message.unwrap_or_default()
            ),
            Err(e) => format!("{}: {commit} was not deployed: {e}", title(kind)),
        };
        tracing::info!(app = %app, "{note}");
        engine.monitor.automation_note(&app, Some(note));
    }
    let _ = done.send(app);
}

/// The operation id of an automated sync of `app`, so the kill switch can cancel it.
pub(super) fn operation(kind: DeploymentKind, app: &str) -> String {
    format!("{}-{app}", kind.label())
}

fn title(kind: DeploymentKind) -> &'static str {
    match kind {
        DeploymentKind::AutoSync => "Auto-sync",
        DeploymentKind::SelfHeal => "Self-heal",
        _ => "Sync",
    }
}

fn of(history: &[shipdeck_ipc::deploy::Deployment]) -> Deployed {
    Deployed {
        // A sync of a selection deployed only part of its commit: self-heal must not apply
        // the rest, and auto-sync must still deploy the whole.
        current: history
            .iter()
            .find(|d| d.result == DeploymentResult::Succeeded && d.selection.is_empty())
            .map(|d| d.revision.clone()),
        tried: history
            .iter()
            .filter(|d| d.selection.is_empty())
            .map(|d| d.revision.clone())
            .collect(),
    }
}

/// Drifted resources and who changed them, for the warning when self-heal stops.
fn drifted(report: Option<&DriftReport>) -> Vec<(String, Vec<String>)> {
    let Some(report) = report else {
        return Vec::new();
    };
    report
        .resources
        .iter()
        .filter(|r| r.status == shipdeck_ipc::SyncStatus::OutOfSync)
        .map(|r| {
            let mut managers: Vec<String> =
                r.changes.iter().filter_map(|c| c.manager.clone()).collect();
            managers.sort();
            managers.dedup();
            (r.id(), managers)
        })
        .collect()
}
