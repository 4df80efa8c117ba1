//! Watching a rollout: the applied objects' health, asked again every second until every one
//! is Healthy, one turns Degraded, the time is up or the user cancels. Kinds without a health
//! rule (a ConfigMap) count as Healthy once applied, as in Argo CD.

use super::apply::{api, bounded, said};
use crate::drift::predict::Kind;
use crate::git::CancelToken;
use crate::health::{self, Health};
use crate::manifests::RenderedObject;
use futures::StreamExt;
use shipdeck_ipc::HealthStatus;
use shipdeck_ipc::deploy::ResourceResult;
use std::time::Duration;
use tokio::time::Instant;

const POLL: Duration = Duration::from_secs(1);

/// How a rollout ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    Healthy,
    /// The first Degraded object, with why.
    Degraded(String),
    TimedOut(String),
    Cancelled,
}

/// One object to watch: its kind, and its row in the results.
pub struct Watched<'a> {
    pub object: &'a RenderedObject,
    pub kind: Kind,
    pub row: usize,
}

/// Watches `watched` until the rollout ends; updates the health in `results` and calls
/// `report` whenever a health changed.
pub async fn watch(
    client: &kube::Client,
    watched: &[Watched<'_>],
    results: &mut [ResourceResult],
    timeout: Duration,
    cancel: &CancelToken,
    report: &mut (dyn FnMut(&[ResourceResult]) + Send),
) -> Ended {
    let deadline = Instant::now() + timeout;
    // Conditions set before this rollout began say nothing about it (see `health_of`).
    let began = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(2);
    loop {
        let mut changed = false;
        // All at once (a few at a time), and given up as soon as the user cancels or the time
        // is up: a silent API server must not hold a cancel for one timeout per object.
        // Made up front, not in a closure the stream calls: a closure returning a future that
        // borrows its argument is not `Send` for every lifetime (rust-lang/rust#64552).
        let pending: Vec<_> = watched
            .iter()
            .map(|w| health_of(client, w, began))
            .collect();
        let asked = futures::stream::iter(pending)
            .buffered(8)
            .collect::<Vec<_>>();
        let healths = tokio::select! {
            healths = asked => healths,
            () = cancel.cancelled() => return Ended::Cancelled,
            () = tokio::time::sleep_until(deadline) => {
                return Ended::TimedOut(format!(
                    "not healthy within {}s: the cluster did not answer",
                    timeout.as_secs()
                ));
            }
        };
        for (w, health) in watched.iter().zip(healths) {
            let row = &mut results[w.row];
            let (status, message) = match health {
                Some(h) => (Some(h.status), h.message),
                None => (Some(HealthStatus::Healthy), None),
            };
            if row.health != status || row.health_message != message {
                row.health = status;
                row.health_message = message;
                changed = true;
            }
        }
        if changed {
            report(results);
        }
        let rows = || watched.iter().map(|w| &results[w.row]);
        if let Some(degraded) = rows().find(|r| r.health == Some(HealthStatus::Degraded)) {
            return Ended::Degraded(describe(degraded));
        }
        if rows().all(|r| r.health == Some(HealthStatus::Healthy)) {
            return Ended::Healthy;
        }
        if cancel.is_cancelled() {
            return Ended::Cancelled;
        }
        if Instant::now() >= deadline {
            let waiting: Vec<String> = rows()
                .filter(|r| r.health != Some(HealthStatus::Healthy))
                .map(describe)
                .collect();
            return Ended::TimedOut(format!(
                "not healthy within {}s: {}",
                timeout.as_secs(),
                waiting.join("; ")
            ));
        }
        tokio::select! {
            () = tokio::time::sleep(POLL) => {}
            () = cancel.cancelled() => return Ended::Cancelled,
        }
    }
}

/// The object's health now; Unknown when it cannot be read, Missing when it is gone.
///
/// A Deployment whose previous rollout passed its progress deadline keeps saying so until the
/// controller sees progress in the new one: that verdict, older than `began`, is not this
/// rollout's, which is still Progressing.
async fn health_of(
    client: &kube::Client,
    w: &Watched<'_>,
    began: jiff::Timestamp,
) -> Option<Health> {
    let api = api(client, &w.kind, w.object.id.namespace.as_deref());
    match bounded(api.get_opt(&w.object.id.name)).await {
        Ok(Some(live)) => match serde_json::to_value(&live) {
            Ok(value) => health::assess(&value).map(|h| {
                if h.status == HealthStatus::Degraded
                    && health::deadline_passed_before(&value, began)
                {
                    Health::new(
                        HealthStatus::Progressing,
                        "Waiting for rollout to finish: the deadline passed was the previous rollout's",
                    )
                } else {
                    h
                }
            }),
            Err(e) => Some(Health::new(HealthStatus::Unknown, e.to_string())),
        },
        Ok(None) => Some(Health::new(HealthStatus::Missing, "not in the cluster")),
        Err(e) => Some(Health::new(HealthStatus::Unknown, said(&e))),
    }
}

fn describe(row: &ResourceResult) -> String {
    let status = row.health.map_or("Unknown", |h| h.label());
    match &row.health_message {
        Some(m) => format!("{} is {status}: {m}", row.resource.display()),
        None => format!("{} is {status}", row.resource.display()),
    }
}

/// Waits until the CustomResourceDefinition `name` is Established, so objects of its kind can
/// be applied.
pub async fn established(
    client: &kube::Client,
    name: &str,
    timeout: Duration,
    cancel: &CancelToken,
) -> Result<(), String> {
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
    let api: kube::Api<CustomResourceDefinition> = kube::Api::all(client.clone());
    let deadline = Instant::now() + timeout;
    loop {
        let crd = bounded(api.get(name)).await.map_err(|e| said(&e))?;
        let ready = crd
            .status
            .and_then(|s| s.conditions)
            .unwrap_or_default()
            .iter()
            .any(|c| c.type_ == "Established" && c.status == "True");
        if ready {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "CustomResourceDefinition {name} was not Established within {}s",
                timeout.as_secs()
            ));
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(250)) => {}
            () = cancel.cancelled() => return Err("cancelled".into()),
        }
    }
}
