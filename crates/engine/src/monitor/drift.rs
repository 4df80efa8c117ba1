//! Each application's rendered objects compared with its cluster ([`crate::drift::plan`]):
//! again as soon as it renders anew or its entry changes, when the cluster's live cache
//! ([`ClusterCache`], one per cluster, shared by its applications) sees a change to one of its
//! objects ([`super::follower`]), and every [`DRIFT_RECHECK`] in case a watch missed something.
//! Live objects are read from the cache while it is in sync, and dry runs are kept until the
//! desired or the live object changes, so a comparison of an unchanged application asks the
//! API server nothing. Reported to the fold as [`Event::Drifted`].

use super::fold::Event;
use super::follower::AppFollower;
use super::{Inner, cluster_target, lock};
use crate::drift::live_cache::{LiveCache, Scope};
use crate::drift::plan::{Lookups, plan_with};
use crate::drift::predict::Catalog;
use crate::drift::predictions::Predictions;
use crate::live::LiveState;
use crate::settings::model::Cluster;
use crate::supervise::supervise;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The default of [`crate::engine::Options::drift_recheck`]: watches report changes within
/// moments, so this only bounds how long a missed event can go unseen.
pub const DRIFT_RECHECK: Duration = Duration::from_secs(60);

/// Starts comparing application `app` for as long as the task runs.
pub(super) fn start(inner: &Arc<Inner>, app: &str) -> JoinHandle<()> {
    let (events, id) = (inner.events.clone(), app.to_string());
    let (inner, app) = (inner.clone(), app.to_string());
    supervise(
        &inner.runtime.clone(),
        format!("drift {app}"),
        move |message| {
            let _ = events.send(Event::Crashed {
                scope: super::fold::Scope::Application(id.clone()),
                message: format!("Internal error: {message}."),
            });
        },
        move || compare_forever(inner.clone(), app.clone()),
    )
}

async fn compare_forever(inner: Arc<Inner>, app: String) {
    let mut states = inner.live.subscribe();
    let mut compared: Option<Arc<LiveState>> = None;
    let wake = Arc::new(Notify::new());
    let follower = Arc::new(AppFollower::new(&app, wake.clone()));
    let mut held = Held::default();
    // A deadline, not a sleep restarted on every new state: states come often (every
    // application's results), and the periodic comparison must still happen.
    let mut due = Instant::now();
    // After a comparison that could not see everything (the cluster went away, a kind was not
    // served), the next one comes sooner, growing to the recheck period.
    let mut retry = RETRY_FIRST;
    // Whether the cache told of a change since the last comparison.
    let mut woken = false;
    loop {
        let state = states.borrow_and_update().clone();
        let changed = compared
            .as_ref()
            .is_none_or(|before| inputs_changed(before, &state, &app));
        if changed || Instant::now() >= due {
            // Only the periodic comparison doubts the cache (see `compare_once`).
            let periodic = !changed && !std::mem::take(&mut woken);
            let complete = compare_once(&inner, &state, &app, &mut held, &follower, periodic).await;
            compared = Some(state);
            let recheck = inner.config.drift_recheck;
            due = Instant::now()
                + if complete {
                    retry = RETRY_FIRST;
                    recheck
                } else {
                    let wait = retry.min(recheck);
                    retry = (retry * 2).min(recheck);
                    wait
                };
            continue;
        }
        tokio::select! {
            changed = states.changed() => if changed.is_err() { return },
            () = tokio::time::sleep_until(due) => {}
            () = wake.notified() => {
                // A burst of events (an apply of many objects) makes one comparison.
                tokio::time::sleep(SETTLE).await;
                due = Instant::now();
                woken = true;
            }
        }
    }
}

/// How long the periodic comparison's check of the connection may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// The first wait before comparing again after an incomplete comparison.
const RETRY_FIRST: Duration = Duration::from_secs(2);

/// How long a change in the cluster may be followed by more before comparing.
const SETTLE: Duration = Duration::from_millis(150);

/// What one application's comparisons keep between runs: its cluster's shared cache (looked up
/// afresh when the cluster entry changes: another cluster serves other kinds and objects), its
/// predictions, and the cache scopes it reads, followed for changes.
#[derive(Default)]
struct Held {
    /// The cluster entry and the serial of the client the cache was made with.
    cluster: Option<(Cluster, u64)>,
    cache: Option<Arc<ClusterCache>>,
    predictions: Arc<Mutex<Predictions>>,
    scopes: Vec<Arc<Scope>>,
}

/// Whether what the comparison of `app` reads (its rendered objects, its entry, its cluster's
/// entry) differs between two states.
fn inputs_changed(before: &LiveState, now: &LiveState, app: &str) -> bool {
    let rendered = |s: &LiveState| s.rendered.get(app).map(Arc::as_ptr);
    let entry = |s: &LiveState| {
        let a = s.settings.application(app)?;
        Some((a.clone(), s.settings.cluster(&a.cluster).cloned()))
    };
    rendered(before) != rendered(now)
        || entry(before) != entry(now)
        || before.settings.drift != now.settings.drift
}

/// Compares `app` once and reports it; returns whether the comparison saw everything (nothing
/// Unknown, nothing left out).
async fn compare_once(
    inner: &Arc<Inner>,
    state: &LiveState,
    app: &str,
    held: &mut Held,
    follower: &Arc<AppFollower>,
    periodic: bool,
) -> bool {
    let (Some(entry), Some(rendered)) = (state.settings.application(app), state.rendered.get(app))
    else {
        return true;
    };
    let Some(cluster) = state.settings.cluster(&entry.cluster) else {
        return true;
    };
    let client = inner
        .clients
        .current(&cluster_target(cluster), inner.secrets.as_ref())
        .await;
    let outcome = match &client {
        Ok((client, serial)) => {
            // Another cluster serves other objects; a new client (a renewed token) must carry
            // the watches, the old one may no longer be let in.
            let key = (cluster.clone(), *serial);
            if held.cluster.as_ref() != Some(&key) || held.cache.is_none() {
                held.cache = Some(inner.cluster_cache(cluster, client, *serial));
                held.cluster = Some(key);
                held.predictions = Arc::default();
            }
            let cache = held.cache.clone().expect("set above");
            let policy = entry.policy(&state.settings.drift);
            // A connection that died without closing (a laptop that slept, a VPN that
            // dropped) leaves watches silent and the cache looking current until their idle
            // timeout: the periodic comparison first asks the server something cheap, and
            // reads the cluster itself if that fails.
            let trusted = !periodic
                || tokio::time::timeout(PROBE_TIMEOUT, client.apiserver_version())
                    .await
                    .is_ok_and(|answered| answered.is_ok());
            let lookups = Lookups {
                catalog: &cache.catalog,
                cache: trusted.then_some(&cache.live),
                predictions: Some(held.predictions.clone()),
                follower: Some(follower.clone()),
            };
            // Declared before the comparison reads the cache: a change made while it runs
            // wakes the next one.
            follower.declare(
                rendered
                    .objects
                    .iter()
                    // An object without a namespace is cluster-scoped (its events have none)
                    // or a namespaced one left to the application's default namespace.
                    .flat_map(|o| {
                        let name = o.id.name.clone();
                        match &o.id.namespace {
                            Some(ns) => vec![(Some(ns.clone()), name)],
                            None => {
                                vec![(None, name.clone()), (Some(entry.namespace.clone()), name)]
                            }
                        }
                    })
                    .collect(),
            );
            let planned = plan_with(client, &lookups, app, &rendered.objects, &policy).await;
            // Scopes no longer read are let go (and stop when no application reads them).
            held.scopes = planned.scopes;
            let mut report = planned.report;
            if !rendered.errors.is_empty() {
                // Objects of files that did not render were not compared.
                report.incomplete.push(format!(
                    "{} file(s) did not render, so their objects were not compared",
                    rendered.errors.len()
                ));
            }
            Ok(Arc::new(report))
        }
        Err(e) => {
            // Nothing built on the old client stays: its watches and predictions go.
            *held = Held::default();
            Err(format!("cluster {}: {e}", cluster.id))
        }
    };
    let complete = outcome
        .as_ref()
        .is_ok_and(|r| r.summary.unknown == 0 && r.incomplete.is_empty());
    let _ = inner.events.send(Event::Drifted {
        app: entry.clone(),
        cluster: cluster.clone(),
        commit: rendered.commit.sha.clone(),
        outcome,
        at: jiff::Timestamp::now(),
    });
    complete
}

/// A cluster's cache as the monitor finds it again: the entry and the client serial it was
/// made for.
pub(super) type CacheSlot = (Cluster, u64, std::sync::Weak<ClusterCache>);

/// The live cache and the kinds of one cluster, shared by every application on it.
pub(super) struct ClusterCache {
    pub catalog: Catalog,
    pub live: LiveCache,
}

impl Inner {
    /// The cache of `cluster`, made with `client` (number `serial`) if no application holds
    /// one for this very entry and client.
    fn cluster_cache(
        &self,
        cluster: &Cluster,
        client: &kube::Client,
        serial: u64,
    ) -> Arc<ClusterCache> {
        let mut caches = lock(&self.caches);
        if let Some((entry, made_with, cache)) = caches.get(&cluster.id)
            && entry == cluster
            && *made_with == serial
            && let Some(cache) = cache.upgrade()
        {
            return cache;
        }
        let cache = Arc::new(ClusterCache {
            catalog: Catalog::default(),
            live: LiveCache::new(client.clone()),
        });
        caches.insert(
            cluster.id.clone(),
            (cluster.clone(), serial, Arc::downgrade(&cache)),
        );
        cache
    }
}
