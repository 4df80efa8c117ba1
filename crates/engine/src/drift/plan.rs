//! Comparing one application's rendered objects with one cluster: each declared object against
//! its live twin and the server's prediction, plus the live objects tracked as the
//! application's that Git no longer declares.

use super::compare::{Sides, compare};
use super::live_cache::{Follower, LiveCache, Scope, ScopeKey, scope_key};
use super::policy::Policy;
use super::predict::{self, Catalog, Kind, KindError};
use super::predictions::Predictions;
use super::tracking;
use crate::manifests::{ObjectId, RenderedObject};
use serde_json::Value;
use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::drift::{DriftReport, ResourceDrift};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// Kinds applications commonly declare: looked through for extra objects in every namespace
/// the application uses, even when Git no longer declares any object of the kind (every
/// PodDisruptionBudget removed from Git must still show as extra).
const COMMON_KINDS: [(&str, &str, &str); 16] = [
    ("apps", "v1", "Deployment"),
    ("apps", "v1", "StatefulSet"),
    ("apps", "v1", "DaemonSet"),
    ("batch", "v1", "Job"),
    ("batch", "v1", "CronJob"),
    ("", "v1", "Service"),
    ("", "v1", "ConfigMap"),
    ("", "v1", "Secret"),
    ("", "v1", "ServiceAccount"),
    ("", "v1", "PersistentVolumeClaim"),
    ("networking.k8s.io", "v1", "Ingress"),
    ("networking.k8s.io", "v1", "NetworkPolicy"),
    ("rbac.authorization.k8s.io", "v1", "Role"),
    ("rbac.authorization.k8s.io", "v1", "RoleBinding"),
    ("autoscaling", "v2", "HorizontalPodAutoscaler"),
    ("policy", "v1", "PodDisruptionBudget"),
];

/// How many resources are asked about at once: enough to hide round trips, few enough not to
/// trip an API server's rate limits.
const CONCURRENCY: usize = 8;

/// Compares `objects` (application `app`'s rendered manifests) with the cluster behind
/// `client`, asking the API server for everything. Never writes to the cluster.
pub async fn plan(
    client: &kube::Client,
    app: &str,
    objects: &[RenderedObject],
    policy: &Policy,
) -> DriftReport {
    let lookups = Lookups {
        catalog: &Catalog::default(),
        cache: None,
        predictions: None,
        follower: None,
    };
    plan_with(client, &lookups, app, objects, policy)
        .await
        .report
}

/// What a comparison may reuse: kinds already looked up, a live cache of the cluster, and the
/// application's earlier predictions.
pub struct Lookups<'a> {
    pub catalog: &'a Catalog,
    pub cache: Option<&'a LiveCache>,
    pub predictions: Option<Arc<Mutex<Predictions>>>,
    /// Follows every cache scope the comparison reads, from before it reads it: a change made
    /// while the comparison runs is not missed.
    pub follower: Option<Arc<dyn Follower>>,
}

/// A comparison, the cache scopes it read (to follow for changes), and the API calls it made.
pub struct Planned {
    pub report: DriftReport,
    pub scopes: Vec<Arc<Scope>>,
    pub asked: Asked,
}

/// API calls a comparison made (discovery not counted).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Asked {
    pub gets: usize,
    pub dry_runs: usize,
    pub lists: usize,
}

#[derive(Default)]
struct Counters {
    gets: AtomicUsize,
    dry_runs: AtomicUsize,
    lists: AtomicUsize,
}

/// [`plan`] reusing `lookups`: a caller that compares again and again (the monitor, on every
/// change) asks discovery once, reads live objects from the cache while it is in sync, and
/// asks for a dry run only when the desired or the live object changed.
pub async fn plan_with(
    client: &kube::Client,
    lookups: &Lookups<'_>,
    app: &str,
    objects: &[RenderedObject],
    policy: &Policy,
) -> Planned {
    let catalog = lookups.catalog;
    let counters = Arc::new(Counters::default());
    // Cache scopes read, by key and whether they hold metadata only.
    let mut used: BTreeMap<(ScopeKey, bool), Arc<Scope>> = BTreeMap::new();
    let mut resources = Vec::new();
    let mut declared_ids = BTreeSet::new();
    // (kind, namespace) pairs to look for extra objects in.
    let mut scopes: BTreeMap<(String, String, String, Option<String>), Kind> = BTreeMap::new();
    let limit = Arc::new(Semaphore::new(CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    // Which resource each task compares, so a task that panics still reports its resource.
    let mut task_ids = std::collections::HashMap::new();
    // Set by the first call the cluster did not answer in time: the other tasks then give up
    // at once instead of each waiting out its own timeout.
    let silent: Arc<std::sync::OnceLock<String>> = Arc::default();
    let mut incomplete = Vec::new();
    if objects.is_empty() {
        incomplete.push("the manifests rendered to no objects: nothing was compared".to_string());
    }
    // Once the cluster cannot be asked, nothing more is asked: every resource is Unknown with
    // that reason, at once, instead of one timeout per object.
    let mut unreachable: Option<String> = None;
    for object in objects {
        if let Some(reason) = &unreachable {
            resources.push(unknown(&object.id, &object.version, reason.clone()));
            continue;
        }
        let kind = match catalog.kind(client, object).await {
            Ok(kind) => kind,
            Err(KindError::NotServed(message)) => {
                declared_ids.insert(object.id.clone());
                resources.push(unknown(&object.id, &object.version, message));
                continue;
            }
            Err(KindError::Unreachable(message)) => {
                resources.push(unknown(&object.id, &object.version, message.clone()));
                unreachable = Some(message);
                continue;
            }
        };
        let mut id = object.id.clone();
        let mut desired = object.object.clone();
        if !kind.namespaced {
            id.namespace = None;
            if let Some(meta) = desired.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.remove("namespace");
            }
        }
        tracking::stamp(&mut desired, app, &id);
        declared_ids.insert(id.clone());
        scopes.insert(
            (
                id.group.clone(),
                object.version.clone(),
                id.kind.clone(),
                id.namespace.clone(),
            ),
            kind.clone(),
        );
        let scope = scope_of(&mut used, lookups, &kind, id.namespace.as_deref(), false);
        let (client, limit, policy) = (client.clone(), limit.clone(), policy.clone());
        let version = object.version.clone();
        let (silent, counters) = (silent.clone(), counters.clone());
        let predictions = lookups.predictions.clone();
        let (task_id, task_version) = (id.clone(), version.clone());
        let handle = tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            if let Some(reason) = silent.get() {
                return unknown(&id, &version, reason.clone());
            }
            let ns = id.namespace.as_deref();
            let cached = scope.as_ref().and_then(|s| s.get(&id.name));
            let live = match cached {
                Some(found) => found.map(|o| serde_json::to_value(&*o).unwrap_or(Value::Null)),
                None => {
                    counters.gets.fetch_add(1, Ordering::Relaxed);
                    match predict::live(&client, &kind, ns, &id.name).await {
                        Ok(live) => live,
                        Err(message) => {
                            if predict::is_timeout(&message) {
                                let _ = silent.set(message.clone());
                            }
                            return unknown(&id, &version, message);
                        }
                    }
                }
            };
            let live_version = live
                .as_ref()
                .and_then(|l| l.pointer("/metadata/resourceVersion"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let known = predictions
                .as_ref()
                .and_then(|p| lock(p).get(&id, &desired, live_version.as_deref()));
            let predicted = match known {
                Some(predicted) => Ok(predicted),
                None => {
                    counters.dry_runs.fetch_add(1, Ordering::Relaxed);
                    let fresh = predict::predict(&client, &kind, ns, &id.name, &desired).await;
                    if let (Ok(p), Some(store)) = (&fresh, &predictions) {
                        lock(store).put(id.clone(), &desired, live_version.as_deref(), p.clone());
                    }
                    fresh
                }
            };
            if let Err(message) = &predicted
                && predict::is_timeout(message)
            {
                let _ = silent.set(message.clone());
            }
            let mut drift = compare(
                Sides {
                    id: &id,
                    version: &version,
                    declared: Some(&desired),
                    predicted: Some(&predicted),
                    live: live.as_ref(),
                },
                &policy,
            );
            drift.health = health_of(live.as_ref());
            drift
        });
        task_ids.insert(handle.id(), (task_id, task_version));
    }
    let namespaces: BTreeSet<Option<String>> = scopes.keys().map(|k| k.3.clone()).collect();
    let namespaces = namespaces
        .into_iter()
        .flatten()
        .filter(|_| unreachable.is_none());
    for namespace in namespaces {
        for (group, version, kind_name) in COMMON_KINDS {
            if let Ok(kind) = catalog.lookup(client, group, version, kind_name).await {
                scopes
                    .entry((
                        group.to_string(),
                        version.to_string(),
                        kind_name.to_string(),
                        Some(namespace.clone()),
                    ))
                    .or_insert(kind);
            }
        }
    }
    while let Some(done) = tasks.join_next_with_id().await {
        match done {
            Ok((_, resource)) => resources.push(resource),
            Err(e) => {
                tracing::error!("comparing a resource stopped: {e}");
                if let Some((id, version)) = task_ids.get(&e.id()) {
                    let reason = "Internal error while comparing; details are in the log".into();
                    resources.push(unknown(id, version, reason));
                }
            }
        }
    }
    if let Some(reason) = silent.get().or(unreachable.as_ref()) {
        incomplete.push(format!("extra objects were not looked for: {reason}"));
        scopes.clear();
    }
    for ((group, version, kind_name, namespace), kind) in scopes {
        // The declared objects' scope when there is one; else metadata only, enough to find
        // the objects tracked as this application's (their full object is asked for below).
        let partial = !used.contains_key(&(scope_key(&kind, namespace.as_deref()), false));
        let scope = scope_of(&mut used, lookups, &kind, namespace.as_deref(), partial);
        let partial = partial && scope.is_some();
        let cached = scope.as_ref().and_then(|s| s.list()).map(|objects| {
            objects
                .iter()
                .filter_map(|o| serde_json::to_value(&**o).ok())
                .collect::<Vec<Value>>()
        });
        let cached_list = cached.is_some();
        let listed = match cached {
            Some(listed) => Ok(listed),
            None => {
                counters.lists.fetch_add(1, Ordering::Relaxed);
                predict::list(client, &kind, namespace.as_deref()).await
            }
        };
        let listed = match listed {
            Ok(listed) => listed,
            Err(e) => {
                let place = namespace.as_deref().unwrap_or("the cluster");
                incomplete.push(format!(
                    "extra {kind_name} objects in {place} could not be listed: {e}"
                ));
                continue;
            }
        };
        for live in listed {
            let id = ObjectId {
                group: group.clone(),
                kind: kind_name.clone(),
                namespace: live
                    .pointer("/metadata/namespace")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                name: live
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            };
            if declared_ids.contains(&id) || tracking::owner(&live, &id).as_deref() != Some(app) {
                continue;
            }
            let live = if partial && cached_list {
                counters.gets.fetch_add(1, Ordering::Relaxed);
                match predict::live(client, &kind, id.namespace.as_deref(), &id.name).await {
                    Ok(Some(full)) => full,
                    // Gone since the list: nothing extra.
                    Ok(None) => continue,
                    Err(e) => {
                        incomplete.push(format!("extra {} could not be read: {e}", id));
                        continue;
                    }
                }
            } else {
                live
            };
            declared_ids.insert(id.clone());
            resources.push(compare(
                Sides {
                    id: &id,
                    version: &version,
                    declared: None,
                    predicted: None,
                    live: Some(&live),
                },
                policy,
            ));
        }
    }
    resources.sort_by_key(ResourceDrift::id);
    let mut report = DriftReport::new(resources);
    report.incomplete = incomplete;
    if let Some(store) = &lookups.predictions {
        lock(store).keep_only(&declared_ids);
    }
    Planned {
        report,
        scopes: used.into_values().collect(),
        asked: Asked {
            gets: counters.gets.load(Ordering::Relaxed),
            dry_runs: counters.dry_runs.load(Ordering::Relaxed),
            lists: counters.lists.load(Ordering::Relaxed),
        },
    }
}

/// The cache scope of `kind` in `namespace` (metadata only or whole), followed by the
/// comparison's follower from before it is read; `None` without a cache.
fn scope_of(
    used: &mut BTreeMap<(ScopeKey, bool), Arc<Scope>>,
    lookups: &Lookups<'_>,
    kind: &Kind,
    namespace: Option<&str>,
    metadata: bool,
) -> Option<Arc<Scope>> {
    let cache = lookups.cache?;
    let scope = used
        .entry((scope_key(kind, namespace), metadata))
        .or_insert_with(|| {
            let scope = if metadata {
                cache.metadata_scope(kind, namespace)
            } else {
                cache.scope(kind, namespace)
            };
            if let Some(follower) = &lookups.follower {
                scope.follow(follower);
            }
            scope
        });
    Some(scope.clone())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Entries are inserted and removed whole.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn unknown(id: &ObjectId, version: &str, message: String) -> ResourceDrift {
    ResourceDrift {
        message: Some(message),
        ..super::compare::resource(id, version, SyncStatus::Unknown)
    }
}

/// A declared object's health: its kind's rule on the live object, Missing when there is none.
fn health_of(live: Option<&Value>) -> Option<shipdeck_ipc::drift::ResourceHealth> {
    let health = match live {
        Some(live) => crate::health::assess(live)?,
        None => {
            crate::health::Health::new(shipdeck_ipc::HealthStatus::Missing, "not in the cluster")
        }
    };
    Some(shipdeck_ipc::drift::ResourceHealth {
        status: health.status,
        message: health.message,
    })
}
