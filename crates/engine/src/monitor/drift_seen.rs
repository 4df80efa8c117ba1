//! Which drift of an application is new: what a desktop notification and a drift event are
//! raised for. Pure, kept per application by the fold.
//!
//! A resource's drift is new when it was not drifted before, or drifted differently (another
//! field, another value, another manager). Drift that comes with a new revision is not: until
//! it is synced, Git being ahead of the cluster is expected, not a change someone made. A
//! comparison that could not look at a resource (Unknown) keeps what was known about it, so a
//! cluster that goes away and comes back does not raise the same drift again.

use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::drift::{DriftReport, DriftedResource, FieldChange};
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct Seen {
    /// The commit the drift below was seen against; `None` before the first comparison.
    commit: Option<String>,
    /// Drifted resources by id, with how.
    drifted: BTreeMap<String, Drift>,
}

#[derive(Debug, Clone, PartialEq)]
struct Drift {
    reason: Option<shipdeck_ipc::drift::DriftReason>,
    changes: Vec<FieldChange>,
}

impl Seen {
    /// Takes in a comparison of `commit`; returns the drift it shows that was not seen before.
    /// The first comparison after Shipdeck starts reports the drift it finds that the record
    /// of an earlier run ([`Seen::told`]) does not hold already.
    pub fn observe(&mut self, commit: &str, report: &DriftReport) -> Vec<DriftedResource> {
        let new_revision = self.commit.as_deref().is_some_and(|c| c != commit);
        self.commit = Some(commit.to_string());
        let mut fresh = Vec::new();
        for resource in &report.resources {
            let id = resource.id();
            match resource.status {
                SyncStatus::Unknown => {}
                // Synced only because an ignore rule now hides what drifted: the drift is
                // still there, and is no news when the rule goes.
                SyncStatus::Synced if self.hidden(&id, resource) => {}
                SyncStatus::Synced => {
                    self.drifted.remove(&id);
                }
                SyncStatus::OutOfSync => {
                    // As an event records it, so that drift read back from the record after a
                    // restart compares equal.
                    let recorded = capped(vec![DriftedResource {
                        id: id.clone(),
                        reason: resource.reason,
                        changes: resource.changes.clone(),
                    }]);
                    let now = Drift {
                        reason: resource.reason,
                        changes: recorded.into_iter().flat_map(|r| r.changes).collect(),
                    };
                    if !new_revision && self.drifted.get(&id) != Some(&now) {
                        fresh.push(DriftedResource {
                            id: id.clone(),
                            reason: now.reason,
                            changes: now.changes.clone(),
                        });
                    }
                    self.drifted.insert(id, now);
                }
            }
        }
        // Resources no longer in the comparison (removed from Git and not live) are forgotten.
        if report.incomplete.is_empty() {
            let present: std::collections::BTreeSet<String> =
                report.resources.iter().map(|r| r.id()).collect();
            self.drifted.retain(|id, _| present.contains(id));
        }
        fresh
    }

    /// Remembers drift told before (by an earlier run), newer calls overriding older.
    pub fn told(&mut self, resources: &[DriftedResource]) {
        for r in resources {
            self.drifted.insert(
                r.id.clone(),
                Drift {
                    reason: r.reason,
                    changes: r.changes.clone(),
                },
            );
        }
    }

    /// Whether every change remembered for `id` is among what `resource` lists as ignored.
    fn hidden(&self, id: &str, resource: &shipdeck_ipc::drift::ResourceDrift) -> bool {
        self.drifted.get(id).is_some_and(|drift| {
            // By path: remembered values may be cut short (see `capped`).
            drift
                .changes
                .iter()
                .all(|c| resource.ignored.iter().any(|i| i.change.path == c.path))
        })
    }
}

/// The most of an event kept and shown: it goes to a file, a notification and the window,
/// and a cluster decides how large its objects are.
pub const MAX_RESOURCES: usize = 50;
pub const MAX_CHANGES: usize = 20;
pub const MAX_VALUE_CHARS: usize = 200;

/// `fresh` cut to the limits above; longer values end in "…".
pub fn capped(mut fresh: Vec<DriftedResource>) -> Vec<DriftedResource> {
    fresh.truncate(MAX_RESOURCES);
    for resource in &mut fresh {
        resource.changes.truncate(MAX_CHANGES);
        for change in &mut resource.changes {
            for side in [&mut change.live, &mut change.desired] {
                if let Some(value) = side.as_mut() {
                    let text = match &*value {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    if text.chars().count() > MAX_VALUE_CHARS {
                        let cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
                        *value = serde_json::Value::String(format!("{cut}…"));
                    }
                }
            }
        }
    }
    fresh
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use shipdeck_ipc::drift::{DriftReason, ResourceDrift};

    fn resource(name: &str, status: SyncStatus, replicas: Option<u64>) -> ResourceDrift {
        ResourceDrift {
            health: None,
            group: "apps".into(),
            version: "v1".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: name.into(),
            status,
            reason: (status == SyncStatus::OutOfSync).then_some(DriftReason::Modified),
            changes: replicas
                .map(|r| FieldChange {
                    path: "/spec/replicas".into(),
                    live: Some(json!(r)),
                    desired: Some(json!(2)),
                    manager: Some("kubectl-scale".into()),
                })
                .into_iter()
                .collect(),
            ignored: vec![],
            message: None,
            live_yaml: None,
            desired_yaml: None,
        }
    }

    fn report(resources: Vec<ResourceDrift>) -> DriftReport {
        DriftReport::new(resources)
    }

    fn ids(fresh: &[DriftedResource]) -> Vec<&str> {
        fresh.iter().map(|d| d.id.as_str()).collect()
    }

    #[test]
    fn drift_is_new_once_and_again_when_it_changes() {
        let mut seen = Seen::default();
        let synced = report(vec![resource("web", SyncStatus::Synced, None)]);
        assert!(seen.observe("c1", &synced).is_empty());
        let scaled = report(vec![resource("web", SyncStatus::OutOfSync, Some(6))]);
        let fresh = seen.observe("c1", &scaled);
        assert_eq!(ids(&fresh), ["apps/Deployment/shop/web"]);
        assert_eq!(
            fresh[0].changes[0].manager.as_deref(),
            Some("kubectl-scale")
        );
        assert!(
            seen.observe("c1", &scaled).is_empty(),
            "the same drift again"
        );
        let rescaled = report(vec![resource("web", SyncStatus::OutOfSync, Some(9))]);
        assert_eq!(seen.observe("c1", &rescaled).len(), 1, "another value");
        assert!(seen.observe("c1", &synced).is_empty());
        assert_eq!(seen.observe("c1", &rescaled).len(), 1, "drifted again");
    }

    #[test]
    fn drift_hidden_by_a_rule_is_remembered_but_drift_that_went_is_not() {
        let mut seen = Seen::default();
        let scaled = report(vec![resource("web", SyncStatus::OutOfSync, Some(6))]);
        assert_eq!(seen.observe("c1", &scaled).len(), 1);
        // An ignore rule hides the replicas: Synced, yet the drift is still there.
        let mut hidden = resource("web", SyncStatus::Synced, None);
        hidden.ignored.push(shipdeck_ipc::drift::IgnoredChange {
            change: scaled.resources[0].changes[0].clone(),
            why: "ignore rule /spec/replicas".into(),
        });
        assert!(seen.observe("c1", &report(vec![hidden])).is_empty());
        assert!(
            seen.observe("c1", &scaled).is_empty(),
            "the rule went: no news"
        );
        // Reverted by hand while something else (a controller's field) stays ignored.
        let mut reverted = resource("web", SyncStatus::Synced, None);
        reverted.ignored.push(shipdeck_ipc::drift::IgnoredChange {
            change: FieldChange {
                path: "/spec/template/metadata/annotations".into(),
                live: Some(json!({"sidecar": "injected"})),
                desired: None,
                manager: Some("kube-controller-manager".into()),
            },
            why: "owned by kube-controller-manager".into(),
        });
        assert!(seen.observe("c1", &report(vec![reverted])).is_empty());
        assert_eq!(
            seen.observe("c1", &scaled).len(),
            1,
            "the same edit again is news"
        );
    }

    #[test]
    fn an_event_holds_at_most_so_much_of_what_a_cluster_sent() {
        let huge = resource("web", SyncStatus::OutOfSync, Some(6));
        let mut many: Vec<DriftedResource> = (0..MAX_RESOURCES + 5)
            .map(|i| DriftedResource {
                id: format!("ConfigMap/shop/c{i}"),
                reason: huge.reason,
                changes: (0..MAX_CHANGES + 3)
                    .map(|_| FieldChange {
                        path: "/data/big".into(),
                        live: Some(json!("x".repeat(1_000_000))),
                        desired: Some(json!(1)),
                        manager: None,
                    })
                    .collect(),
            })
            .collect();
        many = capped(many);
        assert_eq!(many.len(), MAX_RESOURCES);
        assert_eq!(many[0].changes.len(), MAX_CHANGES);
        let live = many[0].changes[0].live.as_ref().unwrap().as_str().unwrap();
        assert_eq!(live.chars().count(), MAX_VALUE_CHARS + 1);
        assert_eq!(many[0].changes[0].desired, Some(json!(1)));
    }

    #[test]
    fn drift_told_by_an_earlier_run_is_not_told_again() {
        let scaled = report(vec![resource("web", SyncStatus::OutOfSync, Some(6))]);
        let mut first = Seen::default();
        let told = first.observe("c1", &scaled);
        let mut restarted = Seen::default();
        restarted.told(&told);
        assert!(restarted.observe("c1", &scaled).is_empty());
        // Values longer than an event keeps compare equal once read back.
        let mut long = resource("web", SyncStatus::OutOfSync, None);
        long.changes.push(FieldChange {
            path: "/data/big".into(),
            live: Some(json!("x".repeat(5_000))),
            desired: Some(json!("y")),
            manager: Some("kubectl-edit".into()),
        });
        let long = report(vec![long]);
        let told = Seen::default().observe("c1", &long);
        let mut restarted = Seen::default();
        restarted.told(&capped(told));
        assert!(
            restarted.observe("c1", &long).is_empty(),
            "told before the restart"
        );
        let rescaled = report(vec![resource("web", SyncStatus::OutOfSync, Some(9))]);
        assert_eq!(restarted.observe("c1", &rescaled).len(), 1);
    }

    #[test]
    fn a_new_revision_and_a_cluster_blip_raise_nothing() {
        let mut seen = Seen::default();
        let scaled = report(vec![resource("web", SyncStatus::OutOfSync, Some(6))]);
        assert_eq!(seen.observe("c1", &scaled).len(), 1, "first seen");
        let unknown = report(vec![resource("web", SyncStatus::Unknown, None)]);
        assert!(seen.observe("c1", &unknown).is_empty());
        assert!(seen.observe("c1", &scaled).is_empty(), "back, same drift");
        let ahead = report(vec![resource("web", SyncStatus::OutOfSync, Some(3))]);
        assert!(
            seen.observe("c2", &ahead).is_empty(),
            "Git moved, not the cluster"
        );
        let edited = report(vec![resource("web", SyncStatus::OutOfSync, Some(4))]);
        assert_eq!(
            seen.observe("c2", &edited).len(),
            1,
            "then a live edit is new"
        );
    }
}
