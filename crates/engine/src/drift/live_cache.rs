//! One live cache per cluster, shared by every application on it: a kube-runtime watcher and
//! a store per kind and namespace in use ([`Scope`]), started by the first application that
//! needs it and stopped when the last one lets go.
//!
//! Comparisons read live objects from the cache instead of asking the API server for each
//! one; followers ([`Follower`]) hear of each change to decide whether it concerns them. A scope
//! answers only while its watch is in sync: from a watch error until a new complete list it
//! says "not ready", and readers ask the API server (which then fails the way the cluster
//! does), so a cluster that went away never looks Synced from stale data. After an error the
//! watch is started again from a full list (with a growing pause), so a scope never stays "not
//! ready" because a watch resumed without listing.
//!
//! The search for extra objects (the common kinds in every namespace an application uses:
//! Secrets, ConfigMaps, …) only needs to know which objects carry the application's tracking
//! annotation, so it reads metadata-only scopes ([`LiveCache::metadata_scope`]): the data of
//! every Secret and Helm release next to an application never sits in memory.

use super::predict::Kind;
use futures::StreamExt;
use kube::api::{Api, DynamicObject};
use kube::core::PartialObjectMeta;
use kube::runtime::watcher::{self, Event};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::task::JoinHandle;

/// Where a scope watches: group, version, kind, and the namespace (`None`: the whole cluster,
/// for cluster-scoped kinds).
pub type ScopeKey = (String, String, String, Option<String>);

/// The key of `kind` watched in `namespace` (ignored for a cluster-scoped kind).
pub fn scope_key(kind: &Kind, namespace: Option<&str>) -> ScopeKey {
    (
        kind.resource.group.clone(),
        kind.resource.version.clone(),
        kind.resource.kind.clone(),
        namespace.filter(|_| kind.namespaced).map(str::to_string),
    )
}

/// Told of every change in the scopes it follows.
pub trait Follower: Send + Sync {
    /// `object` was created, changed or (with `deleted`) removed.
    fn changed(&self, object: &DynamicObject, deleted: bool);
    /// The scope became usable or stopped being (a first list, a watch that failed, a list
    /// after such a gap): anything may have changed.
    fn resynced(&self);
}

pub struct LiveCache {
    client: kube::Client,
    /// By key and whether the scope holds metadata only.
    scopes: Mutex<HashMap<(ScopeKey, bool), Weak<Scope>>>,
}

/// The objects of a scope by name, and whether they are what the cluster holds.
#[derive(Default)]
struct Stored {
    objects: HashMap<String, Arc<DynamicObject>>,
    ready: bool,
}

/// One watch and its store.
pub struct Scope {
    stored: Arc<Mutex<Stored>>,
    followers: Arc<Mutex<Vec<Weak<dyn Follower>>>>,
    task: JoinHandle<()>,
}

/// The longest pause before a failed watch is started again.
const MAX_PAUSE: Duration = Duration::from_secs(30);

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
        self.scope_with(kind, namespace, false)
    }

    /// Like [`LiveCache::scope`], holding each object's metadata only (no `spec`, no `data`).
    pub fn metadata_scope(&self, kind: &Kind, namespace: Option<&str>) -> Arc<Scope> {
        self.scope_with(kind, namespace, true)
    }

    fn scope_with(&self, kind: &Kind, namespace: Option<&str>, metadata: bool) -> Arc<Scope> {
        let key = (scope_key(kind, namespace), metadata);
        let mut scopes = lock(&self.scopes);
        if let Some(scope) = scopes.get(&key).and_then(Weak::upgrade) {
            return scope;
        }
        scopes.retain(|_, s| s.strong_count() > 0);
        let scope = Arc::new(Scope::start(
            self.client.clone(),
            kind,
            key.0.3.clone(),
            metadata,
        ));
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
    fn start(client: kube::Client, kind: &Kind, namespace: Option<String>, metadata: bool) -> Self {
        let api: Api<DynamicObject> = match &namespace {
            Some(ns) => Api::namespaced_with(client.clone(), ns, &kind.resource),
            None => Api::all_with(client.clone(), &kind.resource),
        };
        // Asks for metadata only (`PartialObjectMetadata`), however large the objects are.
        let meta_api: Api<PartialObjectMeta<DynamicObject>> = match &namespace {
            Some(ns) => Api::namespaced_with(client, ns, &kind.resource),
            None => Api::all_with(client, &kind.resource),
        };
        let stored: Arc<Mutex<Stored>> = Arc::default();
        let followers: Arc<Mutex<Vec<Weak<dyn Follower>>>> = Arc::default();
        let (task_stored, task_followers) = (stored.clone(), followers.clone());
        let what = kind.resource.kind.clone();
        // Items of a list come without apiVersion and kind; health rules and followers go by
        // them, so every stored object carries its scope's.
        let types = kube::core::TypeMeta {
            api_version: kind.resource.api_version.clone(),
            kind: kind.resource.kind.clone(),
        };
        let typed = move |mut object: DynamicObject| {
            if !metadata && object.types.is_none() {
                object.types = Some(types.clone());
            }
            object
        };
        let task = tokio::spawn(async move {
            let tell = |f: &dyn Fn(&dyn Follower)| {
                let followers: Vec<Arc<dyn Follower>> = lock(&task_followers)
                    .iter()
                    .filter_map(Weak::upgrade)
                    .collect();
                for follower in followers {
                    f(follower.as_ref());
                }
            };
            let mut pause = Duration::from_millis(500);
            loop {
                // A new watcher lists everything first: the store is whole again at InitDone.
                let stream = if metadata {
                    watcher::watcher(meta_api.clone(), watcher::Config::default())
                        .map(|event| event.map(without_data))
                        .boxed()
                } else {
                    watcher::watcher(api.clone(), watcher::Config::default()).boxed()
                };
                futures::pin_mut!(stream);
                let mut listing: Option<HashMap<String, Arc<DynamicObject>>> = None;
                while let Some(event) = stream.next().await {
                    match event {
                        Ok(Event::Init) => listing = Some(HashMap::new()),
                        Ok(Event::InitApply(object)) => {
                            if let Some(listed) = listing.as_mut() {
                                listed.insert(name(&object), Arc::new(typed(object)));
                            }
                        }
                        Ok(Event::InitDone) => {
                            let listed = listing.take().unwrap_or_default();
                            *lock(&task_stored) = Stored {
                                objects: listed,
                                ready: true,
                            };
                            pause = Duration::from_millis(500);
                            tell(&|f| f.resynced());
                        }
                        Ok(Event::Apply(object)) => {
                            let object = Arc::new(typed(object));
                            lock(&task_stored)
                                .objects
                                .insert(name(&object), object.clone());
                            tell(&|f| f.changed(&object, false));
                        }
                        Ok(Event::Delete(object)) => {
                            lock(&task_stored).objects.remove(&name(&object));
                            tell(&|f| f.changed(&object, true));
                        }
                        Err(e) => {
                            tracing::debug!("watching {what}: {e}");
                            break;
                        }
                    }
                }
                // The watch failed (or ended): nothing here can be trusted until a new list.
                let was_ready = std::mem::replace(&mut lock(&task_stored).ready, false);
                if was_ready {
                    tell(&|f| f.resynced());
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_PAUSE);
            }
        });
        Self {
            stored,
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
        lock(&self.stored).ready
    }

    /// The live object named `name`: `None` while the scope is not ready, `Some(None)` when
    /// it does not exist.
    pub fn get(&self, name: &str) -> Option<Option<Arc<DynamicObject>>> {
        let stored = lock(&self.stored);
        stored.ready.then(|| stored.objects.get(name).cloned())
    }

    /// Every object in the scope, `None` while it is not ready.
    pub fn list(&self) -> Option<Vec<Arc<DynamicObject>>> {
        let stored = lock(&self.stored);
        stored
            .ready
            .then(|| stored.objects.values().cloned().collect())
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The event of an object of which only the metadata was asked for.
fn without_data(event: Event<PartialObjectMeta<DynamicObject>>) -> Event<DynamicObject> {
    let object = |meta: PartialObjectMeta<DynamicObject>| DynamicObject {
        types: meta.types,
        metadata: meta.metadata,
        data: serde_json::Value::Object(Default::default()),
    };
    match event {
        Event::Apply(m) => Event::Apply(object(m)),
        Event::Delete(m) => Event::Delete(object(m)),
        Event::Init => Event::Init,
        Event::InitApply(m) => Event::InitApply(object(m)),
        Event::InitDone => Event::InitDone,
    }
}

fn name(object: &DynamicObject) -> String {
    object.metadata.name.clone().unwrap_or_default()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Critical sections only insert, remove or replace whole entries.
    m.lock().unwrap_or_else(|p| p.into_inner())
}
