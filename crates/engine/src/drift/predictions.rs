//! Predictions kept between comparisons: a server-side apply dry run is asked again only when
//! what it depends on changed: the desired object (a new revision, other application
//! settings) or the live object (its resourceVersion), or after [`MAX_AGE`], since what the
//! server does on apply can change without either (a new admission webhook or policy, new CRD
//! defaults). Comparing an application whose cluster did not change then costs no API call at
//! all when the live cache is in sync.

use crate::manifests::ObjectId;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

/// How long a prediction is trusted when nothing it depends on changed.
pub const MAX_AGE: Duration = Duration::from_secs(10 * 60);

#[derive(Default)]
pub struct Predictions {
    by_object: HashMap<ObjectId, Entry>,
}

struct Entry {
    desired: u64,
    /// `None`: the object did not exist (the prediction is of a create).
    live_version: Option<String>,
    predicted: Value,
    made: Instant,
}

impl Predictions {
    /// The prediction made for `desired` against the live object at `live_version`.
    pub fn get(&self, id: &ObjectId, desired: &Value, live_version: Option<&str>) -> Option<Value> {
        let entry = self.by_object.get(id)?;
        (entry.desired == fingerprint(desired)
            && entry.live_version.as_deref() == live_version
            && entry.made.elapsed() < MAX_AGE)
            .then(|| entry.predicted.clone())
    }

    pub fn put(
        &mut self,
        id: ObjectId,
        desired: &Value,
        live_version: Option<&str>,
        predicted: Value,
    ) {
        self.by_object.insert(
            id,
            Entry {
                desired: fingerprint(desired),
                live_version: live_version.map(str::to_string),
                predicted,
                made: Instant::now(),
            },
        );
    }

    /// Forgets objects no longer declared.
    pub fn keep_only(&mut self, declared: &BTreeSet<ObjectId>) {
        self.by_object.retain(|id, _| declared.contains(id));
    }

    pub fn is_empty(&self) -> bool {
        self.by_object.is_empty()
    }
}

/// serde_json's maps are ordered, so equal objects print, and hash, the same.
fn fingerprint(value: &Value) -> u64 {
    let mut h = DefaultHasher::new();
    value.to_string().hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_prediction_holds_for_the_same_desired_object_and_live_version_only() {
        let id = ObjectId {
            group: "apps".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: "web".into(),
        };
        let desired = json!({"spec": {"replicas": 2}});
        let mut p = Predictions::default();
        p.put(id.clone(), &desired, Some("41"), json!({"predicted": 1}));
        assert_eq!(
            p.get(&id, &desired, Some("41")),
            Some(json!({"predicted": 1}))
        );
        assert_eq!(
            p.get(&id, &desired, Some("42")),
            None,
            "the live object moved"
        );
        assert_eq!(
            p.get(&id, &json!({"spec": {"replicas": 3}}), Some("41")),
            None
        );
        assert_eq!(p.get(&id, &desired, None), None, "the live object is gone");
        p.keep_only(&BTreeSet::new());
        assert!(p.is_empty());
    }
}
