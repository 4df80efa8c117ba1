//! Each application's rendered objects compared with its cluster ([`crate::drift::plan`]):
//! again as soon as it renders anew or its entry changes, when a watch per kind and namespace
//! it renders to ([`live_watch`](super::live_watch)) sees a change in the cluster, and every
//! [`DRIFT_RECHECK`] in case a watch missed something. Reported to the fold as
//! [`Event::Drifted`].

use super::fold::Event;
use super::{Inner, cluster_target, live_watch};
use crate::drift::plan::plan_with;
use crate::drift::predict::{Catalog, Kind};
use crate::live::LiveState;
use crate::settings::model::Cluster;
use crate::supervise::supervise;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
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
    let mut watches = Watches::default();
    let mut kinds = KnownKinds::default();
    // A deadline, not a sleep restarted on every new state: states come often (every
    // application's results), and the periodic comparison must still happen.
    let mut due = Instant::now();
    // After a comparison that could not see everything (the cluster went away, a kind was not
    // served), the next one comes sooner, growing to the recheck period: a watch that resumes
    // after a gap without listing again says nothing when nothing changed.
    let mut retry = RETRY_FIRST;
    loop {
        let state = states.borrow_and_update().clone();
        let changed = compared
            .as_ref()
            .is_none_or(|before| inputs_changed(before, &state, &app));
        if changed || Instant::now() >= due {
            let cluster = state
                .settings
                .application(&app)
                .and_then(|a| state.settings.cluster(&a.cluster));
            let catalog = kinds.of(cluster);
            let (client, complete) = compare_once(&inner, &state, &app, catalog).await;
            if let Some(client) = client {
                watches
                    .follow(&inner, client, &state, &app, &wake, catalog)
                    .await;
            }
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
            }
        }
    }
}

/// The first wait before comparing again after an incomplete comparison.
const RETRY_FIRST: Duration = Duration::from_secs(2);

/// How long a change in the cluster may be followed by more before comparing.
const SETTLE: Duration = Duration::from_millis(150);

/// Where each kind lives on the application's cluster, looked up once for every comparison
/// and watch; looked up afresh when the cluster entry changes (another cluster may serve other
/// kinds).
#[derive(Default)]
struct KnownKinds {
    cluster: Option<Cluster>,
    catalog: Catalog,
}

impl KnownKinds {
    fn of(&mut self, cluster: Option<&Cluster>) -> &mut Catalog {
        if self.cluster.as_ref() != cluster {
            self.cluster = cluster.cloned();
            self.catalog = Catalog::default();
        }
        &mut self.catalog
    }
}

/// Group, version, kind and namespace of a watch.
type Scope = (String, String, String, Option<String>);

/// The watches of one application: per kind and namespace it renders to, on its cluster.
#[derive(Default)]
struct Watches {
    /// The cluster entry the watches were started for: an edited entry (another context or
    /// credential) starts them again with the new client.
    cluster: Option<Cluster>,
    /// Each watched kind and namespace with the names the application declares there.
    scopes: BTreeSet<(Scope, BTreeSet<String>)>,
    tasks: Vec<AbortOnDrop>,
}

impl Watches {
    /// Watches what `app` renders to now, restarting only when that set (or the cluster) changed.
    async fn follow(
        &mut self,
        inner: &Arc<Inner>,
        client: kube::Client,
        state: &LiveState,
        app: &str,
        wake: &Arc<Notify>,
        catalog: &mut Catalog,
    ) {
        let (Some(entry), Some(rendered)) =
            (state.settings.application(app), state.rendered.get(app))
        else {
            return;
        };
        let cluster = state.settings.cluster(&entry.cluster).cloned();
        let same_cluster = self.cluster == cluster;
        // Per kind and namespace: what the application declares there.
        let mut wanted: BTreeMap<Scope, (Kind, BTreeSet<String>)> = BTreeMap::new();
        for object in &rendered.objects {
            let Ok(kind) = catalog.kind(&client, object).await else {
                continue;
            };
            let namespace = if kind.namespaced {
                object
                    .id
                    .namespace
                    .clone()
                    .or_else(|| Some(entry.namespace.clone()))
            } else {
                None
            };
            let scope = (
                object.id.group.clone(),
                object.version.clone(),
                object.id.kind.clone(),
                namespace,
            );
            wanted
                .entry(scope)
                .or_insert_with(|| (kind, BTreeSet::new()))
                .1
                .insert(object.id.name.clone());
        }
        let scopes: BTreeSet<_> = wanted
            .iter()
            .map(|(scope, (_, names))| (scope.clone(), names.clone()))
            .collect();
        if same_cluster && scopes == self.scopes {
            return;
        }
        self.tasks.clear();
        for ((_, _, _, namespace), (kind, names)) in wanted {
            let interest = live_watch::Interest {
                app: app.to_string(),
                names,
            };
            let task = inner.runtime.spawn(live_watch::watch(
                client.clone(),
                kind,
                namespace,
                interest,
                wake.clone(),
            ));
            self.tasks.push(AbortOnDrop(task));
        }
        self.cluster = cluster;
        self.scopes = scopes;
    }
}

/// A task that stops when its owner (the comparison loop, aborted with its application) goes.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
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
    rendered(before) != rendered(now)
        || entry(before) != entry(now)
        || before.settings.drift != now.settings.drift
}

/// Compares `app` once and reports it; returns the client it used, and whether the
/// comparison saw everything (nothing Unknown, nothing left out).
async fn compare_once(
    inner: &Arc<Inner>,
    state: &LiveState,
    app: &str,
    catalog: &mut Catalog,
) -> (Option<kube::Client>, bool) {
    let (Some(entry), Some(rendered)) = (state.settings.application(app), state.rendered.get(app))
    else {
        return (None, true);
    };
    let Some(cluster) = state.settings.cluster(&entry.cluster) else {
        return (None, true);
    };
    let client = inner
        .clients
        .get(&cluster_target(cluster), inner.secrets.as_ref())
        .await;
    let outcome = match &client {
        Ok(client) => {
            let policy = entry.policy(&state.settings.drift);
            let mut report = plan_with(client, catalog, app, &rendered.objects, &policy).await;
            if !rendered.errors.is_empty() {
                // Objects of files that did not render were not compared.
                report.incomplete.push(format!(
                    "{} file(s) did not render, so their objects were not compared",
                    rendered.errors.len()
                ));
            }
            Ok(Arc::new(report))
        }
        Err(e) => Err(format!("cluster {}: {e}", cluster.id)),
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
    (client.ok(), complete)
}
