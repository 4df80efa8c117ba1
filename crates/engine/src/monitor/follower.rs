//! What wakes an application's comparison: a change, seen by the cluster's live cache
//! ([`crate::drift::live_cache`]), to an object the application declares or tracks as its own
//! (not a leader-election ConfigMap next to it). For objects with a `metadata.generation` (most
//! workloads) only a new generation, new labels or annotations, or a new health count, so the
//! many status updates of a rollout trigger a comparison only when they change what the
//! overview shows; for the rest any new resourceVersion.

use crate::drift::live_cache::Follower;
use crate::drift::tracking;
use kube::api::DynamicObject;
use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

pub(super) struct AppFollower {
    app: String,
    /// (namespace, name) of each object the application declares.
    declared: Mutex<BTreeSet<(Option<String>, String)>>,
    /// The fingerprint of each object last seen, by namespace/name.
    seen: Mutex<HashMap<String, u64>>,
    wake: Arc<Notify>,
}

impl AppFollower {
    pub fn new(app: &str, wake: Arc<Notify>) -> Self {
        Self {
            app: app.to_string(),
            declared: Mutex::default(),
            seen: Mutex::default(),
            wake,
        }
    }

    /// What the application declares now.
    pub fn declare(&self, declared: BTreeSet<(Option<String>, String)>) {
        *lock(&self.declared) = declared;
    }

    /// Declared by the application, or tracked as its own (an extra it no longer declares).
    fn covers(&self, object: &DynamicObject) -> bool {
        let meta = &object.metadata;
        let name = meta.name.clone().unwrap_or_default();
        let declared = lock(&self.declared).contains(&(meta.namespace.clone(), name));
        let tracked = meta
            .annotations
            .as_ref()
            .and_then(|a| a.get(tracking::ANNOTATION))
            .is_some_and(|v| v.split_once(':').is_some_and(|(app, _)| app == self.app));
        declared || tracked
    }
}

impl Follower for AppFollower {
    fn changed(&self, object: &DynamicObject, deleted: bool) {
        let key = key(object);
        let wake = if deleted {
            lock(&self.seen).remove(&key).is_some() || self.covers(object)
        } else {
            let print = fingerprint(object);
            self.covers(object) && lock(&self.seen).insert(key, print) != Some(print)
        };
        if wake {
            self.wake.notify_one();
        }
    }

    fn resynced(&self) {
        self.wake.notify_one();
    }
}

fn key(object: &DynamicObject) -> String {
    format!(
        "{}/{}",
        object.metadata.namespace.as_deref().unwrap_or(""),
        object.metadata.name.as_deref().unwrap_or("")
    )
}

/// What a change must alter to matter (see the module comment).
fn fingerprint(object: &DynamicObject) -> u64 {
    let meta = &object.metadata;
    let mut h = DefaultHasher::new();
    match meta.generation {
        Some(generation) => {
            generation.hash(&mut h);
            format!("{:?}{:?}", meta.labels, meta.annotations).hash(&mut h);
            let health = serde_json::to_value(object)
                .ok()
                .and_then(|v| crate::health::assess(&v));
            format!("{health:?}").hash(&mut h);
        }
        None => meta.resource_version.hash(&mut h),
    }
    h.finish()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Values are replaced whole.
    m.lock().unwrap_or_else(|p| p.into_inner())
}
