//! How a cluster differs from Git, per resource: the shape the window shows, the command line
//! prints (`--output json`) and the history keeps. Secret values are masked before they get here.

use crate::status::{HealthStatus, SyncStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How an OutOfSync resource differs.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum DriftReason {
    /// Live and desired both exist and differ.
    Modified,
    /// Desired, not in the cluster.
    Missing,
    /// Live and tracked as the application's, gone from Git.
    Extra,
}

impl DriftReason {
    /// How a resource differs, in words the window and the command line share.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Modified => "modified",
            Self::Missing => "missing from the cluster",
            Self::Extra => "extra (tracked in the cluster, gone from Git)",
        }
    }
}

/// One field that differs. `path` is an RFC 6901 JSON pointer into the object; a side that
/// does not have the field is `null`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FieldChange {
    pub path: String,
    pub live: Option<Value>,
    pub desired: Option<Value>,
    /// The field manager that owns the live field, when the cluster says (`kubectl-scale`,
    /// `kube-controller-manager`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
}

/// One resource compared.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ResourceDrift {
    /// API group; empty for the core group.
    pub group: String,
    pub version: String,
    pub kind: String,
    /// `None` for cluster-scoped resources.
    pub namespace: Option<String>,
    pub name: String,
    pub status: SyncStatus,
    /// Set when `status` is OutOfSync.
    pub reason: Option<DriftReason>,
    /// What a sync would change, live → desired. Empty unless `reason` is `modified`.
    pub changes: Vec<FieldChange>,
    /// Differences not counted as drift, with why (an ignore rule, a field a controller owns).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<IgnoredChange>,
    /// Why the resource could not be compared, when `status` is Unknown.
    pub message: Option<String>,
    /// The live object's health, for kinds with a health rule (and Missing for a declared
    /// object not in the cluster); extras have none: they do not weigh on the application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<ResourceHealth>,
    /// The normalised, masked live object as YAML (`None` when missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_yaml: Option<String>,
    /// The normalised, masked object as the cluster would store it after a sync, as YAML
    /// (`None` for an extra resource).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_yaml: Option<String>,
}

/// A health and why (Argo CD's rules; see the engine's `health` module).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ResourceHealth {
    pub status: HealthStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IgnoredChange {
    #[serde(flatten)]
    pub change: FieldChange,
    /// "ignore rule /spec/replicas", "owned by kube-controller-manager".
    pub why: String,
}

impl ResourceDrift {
    /// `group/Kind/namespace/name`, the order Argo CD shows; empty parts are left out.
    pub fn id(&self) -> String {
        let mut out = String::new();
        if !self.group.is_empty() {
            out.push_str(&self.group);
            out.push('/');
        }
        out.push_str(&self.kind);
        out.push('/');
        if let Some(ns) = &self.namespace {
            out.push_str(ns);
            out.push('/');
        }
        out.push_str(&self.name);
        out
    }
}

/// Counts of resources by status.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct DriftSummary {
    pub synced: usize,
    pub out_of_sync: usize,
    pub unknown: usize,
}

/// Every resource of one application (or one `shipdeck plan`) compared.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct DriftReport {
    pub summary: DriftSummary,
    pub resources: Vec<ResourceDrift>,
    /// What could not be looked at, so the comparison is not the whole truth: files that did
    /// not render, kinds whose extra objects could not be listed, nothing rendered at all.
    /// A report with any is Unknown, never Synced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incomplete: Vec<String>,
}

impl DriftReport {
    pub fn new(resources: Vec<ResourceDrift>) -> Self {
        let mut summary = DriftSummary::default();
        for r in &resources {
            match r.status {
                SyncStatus::Synced => summary.synced += 1,
                SyncStatus::OutOfSync => summary.out_of_sync += 1,
                SyncStatus::Unknown => summary.unknown += 1,
            }
        }
        Self {
            summary,
            resources,
            incomplete: Vec::new(),
        }
    }

    /// The application's health: the worst of its resources' (`None` when none has a rule),
    /// and the first resource that is that unhealthy, with why.
    pub fn health(&self) -> Option<(HealthStatus, Option<String>)> {
        let worst = self
            .resources
            .iter()
            .filter_map(|r| r.health.as_ref().map(|h| (h.status, r)))
            .max_by_key(|(status, _)| *status)?;
        let (status, resource) = worst;
        let why = (status != HealthStatus::Healthy).then(|| {
            let message = resource.health.as_ref().and_then(|h| h.message.clone());
            match message {
                Some(m) => format!("{} is {}: {m}", resource.id(), status.label()),
                None => format!("{} is {}", resource.id(), status.label()),
            }
        });
        Some((status, why))
    }

    /// The application's status: Unknown if any resource (or part of the comparison) could
    /// not be compared, else OutOfSync if any differs, else Synced.
    pub fn status(&self) -> SyncStatus {
        if self.summary.unknown > 0 || !self.incomplete.is_empty() {
            SyncStatus::Unknown
        } else if self.summary.out_of_sync > 0 {
            SyncStatus::OutOfSync
        } else {
            SyncStatus::Synced
        }
    }
}

/// An application's sync status as the overview shows it; the report behind it is fetched on
/// demand (`application_drift`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SyncSummary {
    pub status: SyncStatus,
    /// Resources compared.
    pub resources: usize,
    pub out_of_sync: usize,
    pub unknown: usize,
    /// The commit whose manifests were compared.
    pub commit: String,
    /// Why the application could not be compared (its cluster is unreachable), or what the
    /// comparison had to leave out.
    pub message: Option<String>,
    /// Counts comparisons: a new value means a new report, even when the counts are the same.
    #[serde(default)]
    pub compared: u64,
    /// When the status or the set of drifted resources last changed (RFC 3339); `None` until
    /// the first comparison.
    #[serde(default)]
    pub changed_at: Option<String>,
    /// The worst health of its resources, `None` when no resource has a health rule.
    #[serde(default)]
    pub health: Option<HealthStatus>,
    /// Which resource is that unhealthy, and why.
    #[serde(default)]
    pub health_message: Option<String>,
}

impl SyncSummary {
    pub fn of(report: &DriftReport, commit: &str) -> Self {
        // When every resource is Unknown for the same reason (the cluster went away), that
        // reason is the application's.
        let mut reasons = report.resources.iter().map(|r| r.message.as_deref());
        let shared = match reasons.next() {
            Some(Some(first))
                if reasons.all(|r| r == Some(first))
                    && report.summary.unknown == report.resources.len() =>
            {
                Some(first.to_string())
            }
            _ => None,
        };
        let health = report.health();
        Self {
            status: report.status(),
            resources: report.resources.len(),
            out_of_sync: report.summary.out_of_sync,
            unknown: report.summary.unknown,
            commit: commit.to_string(),
            message: shared
                .or_else(|| (!report.incomplete.is_empty()).then(|| report.incomplete.join("; "))),
            compared: 0,
            changed_at: None,
            health: health.as_ref().map(|h| h.0),
            health_message: health.and_then(|h| h.1),
        }
    }

    /// The comparison in a few words, as the window's sync line and `shipdeck apps` say it:
    /// "all 4 resources match Git", "1 of 4 resources out of sync, 1 could not be compared",
    /// or why it could not be compared.
    pub fn detail(&self) -> String {
        if let Some(reason) = &self.message {
            return reason.clone();
        }
        match self.status {
            SyncStatus::Synced => format!("all {} resources match Git", self.resources),
            _ if self.out_of_sync == 0 && self.unknown > 0 => format!(
                "{} of {} resources could not be compared",
                self.unknown, self.resources
            ),
            _ => {
                let mut text = format!(
                    "{} of {} resources out of sync",
                    self.out_of_sync, self.resources
                );
                if self.unknown > 0 {
                    text.push_str(&format!(", {} could not be compared", self.unknown));
                }
                text
            }
        }
    }

    /// Nothing could be compared, for `reason`.
    pub fn unknown(reason: String, commit: &str) -> Self {
        Self {
            status: SyncStatus::Unknown,
            resources: 0,
            out_of_sync: 0,
            unknown: 0,
            commit: commit.to_string(),
            message: Some(reason),
            compared: 0,
            changed_at: None,
            health: None,
            health_message: None,
        }
    }
}

/// A live change that made an application drift: recorded, and raised as a desktop
/// notification. Emitted as [`crate::events::DRIFT_DETECTED`]; the recent ones are listed by
/// the `drift_events` command.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DriftEvent {
    pub app: String,
    pub cluster: String,
    /// When the drift was seen (RFC 3339).
    pub at: String,
    /// The commit the cluster was compared with.
    pub commit: String,
    /// The resources that newly drifted, with their changes (Secret values masked).
    pub resources: Vec<DriftedResource>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DriftedResource {
    /// As [`ResourceDrift::id`].
    pub id: String,
    pub reason: Option<DriftReason>,
    pub changes: Vec<FieldChange>,
}

impl DriftEvent {
    /// The field managers that made the changes, each once, in order of appearance.
    pub fn managers(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for change in self.resources.iter().flat_map(|r| &r.changes) {
            if let Some(m) = change.manager.as_deref()
                && !out.contains(&m)
            {
                out.push(m);
            }
        }
        out
    }

    /// One line for a notification: "storefront drifted: Deployment/shop/web (by kubectl-scale)".
    pub fn headline(&self) -> String {
        let mut ids: Vec<&str> = self
            .resources
            .iter()
            .map(|r| r.id.as_str())
            .take(3)
            .collect();
        if self.resources.len() > 3 {
            ids.push("…");
        }
        let managers = self.managers();
        let by = if managers.is_empty() {
            String::new()
        } else {
            format!(" (by {})", managers.join(", "))
        };
        format!(
            "{} drifted on {}: {}{by}",
            self.app,
            self.cluster,
            ids.join(", ")
        )
    }
}

/// The result of comparing another revision of an application with its cluster, without
/// changing the application.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Preview {
    /// What the revision resolved to.
    pub commit: String,
    pub report: DriftReport,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(name: &str, message: &str) -> ResourceDrift {
        ResourceDrift {
            health: None,
            group: String::new(),
            version: "v1".into(),
            kind: "ConfigMap".into(),
            namespace: None,
            name: name.into(),
            status: SyncStatus::Unknown,
            reason: None,
            changes: vec![],
            ignored: vec![],
            message: Some(message.into()),
            live_yaml: None,
            desired_yaml: None,
        }
    }

    #[test]
    fn a_reason_every_resource_shares_is_the_applications() {
        let gone = DriftReport::new(vec![
            unknown("a", "cluster gone"),
            unknown("b", "cluster gone"),
        ]);
        assert_eq!(
            SyncSummary::of(&gone, "c").message.as_deref(),
            Some("cluster gone")
        );
        let mixed = DriftReport::new(vec![unknown("a", "cluster gone"), unknown("b", "no CRD")]);
        assert_eq!(SyncSummary::of(&mixed, "c").message, None);
    }

    #[test]
    fn the_detail_says_how_many_differ_and_how_many_could_not_be_compared() {
        let summary = |out_of_sync, unknown, status| SyncSummary {
            health: None,
            health_message: None,
            status,
            resources: 4,
            out_of_sync,
            unknown,
            commit: "c".into(),
            message: None,
            compared: 1,
            changed_at: None,
        };
        assert_eq!(
            summary(0, 0, SyncStatus::Synced).detail(),
            "all 4 resources match Git"
        );
        assert_eq!(
            summary(1, 1, SyncStatus::Unknown).detail(),
            "1 of 4 resources out of sync, 1 could not be compared"
        );
        assert_eq!(
            summary(0, 2, SyncStatus::Unknown).detail(),
            "2 of 4 resources could not be compared"
        );
        let gone = SyncSummary::unknown("cluster gone".into(), "c");
        assert_eq!(gone.detail(), "cluster gone");
    }

    #[test]
    fn an_incomplete_comparison_is_unknown_with_what_was_left_out() {
        let mut report = DriftReport::new(vec![]);
        report.incomplete.push("Secrets could not be listed".into());
        assert_eq!(report.status(), SyncStatus::Unknown);
        let summary = SyncSummary::of(&report, "c");
        assert_eq!(
            summary.message.as_deref(),
            Some("Secrets could not be listed")
        );
    }
}
