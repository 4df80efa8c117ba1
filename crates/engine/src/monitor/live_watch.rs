//! Wakes an application's comparison when one of the objects it could declare changes in the
//! cluster: a watch per kind and namespace the application renders to (kube-runtime's
//! watcher, which lists, watches and re-lists after a gap with backoff).
//!
//! Only a change that can matter wakes it: to an object the application declares or tracks as
//! its own (not a leader-election ConfigMap next to it), and for objects with a
//! `metadata.generation` (most workloads) a new generation or new labels or annotations, so
//! status updates during a rollout do not trigger comparisons; for the rest any new
//! resourceVersion.

use crate::drift::predict::Kind;
use crate::drift::tracking;
use futures::StreamExt;
use kube::api::{Api, DynamicObject};
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use tokio::sync::Notify;

/// Watches `kind` (in `namespace`, or everywhere for a cluster-scoped kind) until dropped or
/// aborted, notifying `wake` on each change that can matter.
pub(super) async fn watch(
    client: kube::Client,
    kind: Kind,
    namespace: Option<String>,
    interest: Interest,
    wake: Arc<Notify>,
) {
    let api: Api<DynamicObject> = match (&namespace, kind.namespaced) {
        (Some(ns), true) => Api::namespaced_with(client, ns, &kind.resource),
        _ => Api::all_with(client, &kind.resource),
    };
    let stream = watcher::watcher(api, watcher::Config::default()).default_backoff();
    futures::pin_mut!(stream);
    let mut seen: HashMap<String, u64> = HashMap::new();
    // The first list closes the gap between the comparison that started this watch and the
    // watch itself; a list after an error (the cluster went away and came back) follows a
    // comparison that may have failed. Either way, compare again.
    let mut must_wake = true;
    let mut listing: Option<HashMap<String, u64>> = None;
    while let Some(event) = stream.next().await {
        match event {
            Ok(Event::Init) => listing = Some(HashMap::new()),
            Ok(Event::InitApply(object)) => {
                if let Some(listed) = listing.as_mut()
                    && interest.covers(&object)
                {
                    listed.insert(key(&object), fingerprint(&object));
                }
            }
            Ok(Event::InitDone) => {
                // A later list (a restarted watch) also shows what changed while it was down.
                if let Some(listed) = listing.take() {
                    if must_wake || listed != seen {
                        wake.notify_one();
                    }
                    must_wake = false;
                    seen = listed;
                }
            }
            Ok(Event::Apply(object)) => {
                let print = fingerprint(&object);
                if interest.covers(&object) && seen.insert(key(&object), print) != Some(print) {
                    wake.notify_one();
                }
            }
            Ok(Event::Delete(object)) => {
                if seen.remove(&key(&object)).is_some() || interest.covers(&object) {
                    wake.notify_one();
                }
            }
            // The watcher retries with backoff and lists again when it gets through.
            Err(e) => {
                tracing::debug!("watching {}: {e}", kind.resource.kind);
                must_wake = true;
            }
        }
    }
}

/// The objects of one kind and namespace an application cares about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Interest {
    pub app: String,
    /// Names it declares.
    pub names: BTreeSet<String>,
}

impl Interest {
    /// Declared by the application, or tracked as its own (an extra it no longer declares).
    fn covers(&self, object: &DynamicObject) -> bool {
        let declared = object
            .metadata
            .name
            .as_ref()
            .is_some_and(|n| self.names.contains(n));
        let tracked = object
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(tracking::ANNOTATION))
            .is_some_and(|v| v.split_once(':').is_some_and(|(app, _)| app == self.app));
        declared || tracked
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
        }
        None => meta.resource_version.hash(&mut h),
    }
    h.finish()
}
