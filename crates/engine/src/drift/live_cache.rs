//! One live cache per cluster, shared by every application on it: a kube-runtime watcher and
//! reflector per kind and namespace in use ([`Scope`]), started by the first application that
//! needs it and stopped when the last one lets go.
//!
//! Comparisons read live objects from the cache instead of asking the API server for each
//! one; followers ([`Follower`]) hear of each change to decide whether it concerns them. A scope
//! answers only while its watch is in sync: between a watch error and the next complete list it
//! says "not ready", and readers ask the API server (which then fails the way the cluster
//! does), so a cluster that went away never looks Synced from stale data.

use super::predict::Kind;
use futures::StreamExt;
use kube::api::{Api, DynamicObject};
use kube::core::ApiResource;
use kube::runtime::WatchStreamExt;
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::watcher::{self, Event};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use tokio::task::JoinHandle;

/// Where a scope watches: group, version, kind, and the namespace (`None`: the whole cluster,
/// for cluster-scoped kinds).
pub type ScopeKey = (String, String, String, Option<String>);

/// Told of every change in the scopes it follows.
pub trait Follower: Send + Sync {
    /// `object` was created, changed or (with `deleted`) removed.
    fn changed(&self, object: &DynamicObject, deleted: bool);
    /// The watch failed, or listed everything again after such a gap (a cluster that went
    /// away and came back): anything may have changed.
    fn resynced(&self);
}

pub struct LiveCache {
    client: kube::Client,
    scopes: Mutex<HashMap<ScopeKey, Weak<Scope>>>,
}

/// One watch and its store.
pub struct Scope {
    store: Store<DynamicObject>,
    resource: ApiResource,
    namespace: Option<String>,
    ready: Arc<AtomicBool>,
    followers: Arc<Mutex<Vec<Weak<dyn Follower>>>>,
    task: JoinHandle<()>,
}

impl LiveCache {
    pub fn new(client: kube::Client) -> Self {
        Self {
            client,
            scopes: Mutex::new(HashMap::new()),
        }
    }

    /// The scope of `kind` in `namespace`, started if no one holds it. Must be called within
    /// a Tokio runtime.
    pub fn scope(&self, kind: &Kind, namespace: Option<&str>) -> Arc<Scope> {
        let namespace = namespace.filter(|_| kind.namespaced).map(str::to_string);
        let key: ScopeKey = (
            kind.resource.group.clone(),
            kind.resource.version.clone(),
            kind.resource.kind.clone(),
            namespace.clone(),
        );
        let mut scopes = lock(&self.scopes);
        if let Some(scope) = scopes.get(&key).and_then(Weak::upgrade) {
            return scope;
        }
        scopes.retain(|_, s| s.strong_count() > 0);
        let scope = Arc::new(Scope::start(self.client.clone(), kind, namespace));
        scopes.insert(key, Arc::downgrade(&scope));
        scope
    }

    /// How many scopes are being watched.
    pub fn watched(&self) -> usize {
        lock(&self.scopes)
            .values()
            .filter(|s| s.strong_count() > 0)
            .count()
    }
}

impl Scope {
    fn start(client: kube::Client, kind: &Kind, namespace: Option<String>) -> Self {
        let api: Api<DynamicObject> = match &namespace {
            Some(ns) => Api::namespaced_with(client, ns, &kind.resource),
            None => Api::all_with(client, &kind.resource),
        };
        let writer = reflector::store::Writer::new(kind.resource.clone());
        let store = writer.as_reader();
        let ready = Arc::new(AtomicBool::new(false));
        let followers: Arc<Mutex<Vec<Weak<dyn Follower>>>> = Arc::default();
        let stream = reflector::reflector(
            writer,
            watcher::watcher(api, watcher::Config::default()).default_backoff(),
        );
        let (task_ready, task_followers) = (ready.clone(), followers.clone());
        let what = kind.resource.kind.clone();
        let task = tokio::spawn(async move {
            futures::pin_mut!(stream);
            let mut gap = false;
            while let Some(event) = stream.next().await {
                let each = |f: &dyn Fn(&dyn Follower)| {
                    let followers: Vec<Arc<dyn Follower>> = lock(&task_followers)
                        .iter()
                        .filter_map(Weak::upgrade)
                        .collect();
                    for follower in followers {
                        f(follower.as_ref());
                    }
                };
                match event {
                    Ok(Event::InitDone) => {
                        task_ready.store(true, Ordering::SeqCst);
                        if gap {
                            each(&|f| f.resynced());
                        }
                        gap = false;
                    }
                    Ok(Event::Apply(object)) => each(&|f| f.changed(&object, false)),
                    Ok(Event::Delete(object)) => each(&|f| f.changed(&object, true)),
                    Ok(Event::Init | Event::InitApply(_)) => {}
                    // The watcher retries with backoff and lists again when it gets through.
                    // Followers hear of the first error of a gap: what they compared may be gone
                    // (a cluster that went away turns Unknown rather than staying Synced).
                    Err(e) => {
                        tracing::debug!("watching {what}: {e}");
                        if task_ready.swap(false, Ordering::SeqCst) {
                            each(&|f| f.resynced());
                        }
                        gap = true;
                    }
                }
            }
        });
        Self {
            store,
            resource: kind.resource.clone(),
            namespace,
            ready,
            followers,
            task,
        }
    }

    /// Tells `follower` of every change from now on, for as long as it lives.
    pub fn follow(&self, follower: &Arc<dyn Follower>) {
        let mut followers = lock(&self.followers);
        followers.retain(|f| f.strong_count() > 0);
        if !followers
            .iter()
            .any(|f| std::ptr::addr_eq(f.as_ptr(), Arc::as_ptr(follower)))
        {
            followers.push(Arc::downgrade(follower));
        }
    }

    /// Whether the store holds what the cluster holds (as of the watch's latest event).
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    /// The live object named `name`: `None` while the scope is not ready, `Some(None)` when
    /// it does not exist.
    pub fn get(&self, name: &str) -> Option<Option<Arc<DynamicObject>>> {
        if !self.is_ready() {
            return None;
        }
        let mut key = ObjectRef::new_with(name, self.resource.clone());
        if let Some(ns) = &self.namespace {
            key = key.within(ns);
        }
        Some(self.store.get(&key))
    }

    /// Every object in the scope, `None` while it is not ready.
    pub fn list(&self) -> Option<Vec<Arc<DynamicObject>>> {
        self.is_ready().then(|| self.store.state())
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Critical sections only push, retain or read whole entries.
    m.lock().unwrap_or_else(|p| p.into_inner())
}
