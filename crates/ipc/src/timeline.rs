//! The timeline: what happened across applications and clusters in a window of time (commits,
//! deployments, drift, incidents, recoveries), from the history index; and what one
//! deployment changed, against the previous one or any other, from the manifests their
//! records keep.

use crate::deploy::{Deployment, DeploymentKind, DeploymentResult};
use crate::drift::DriftReport;
use serde::{Deserialize, Serialize};

/// The most events one answer holds, newest first; [`Timeline::counts`] says how many the
/// window has, so the window can say to zoom in or filter.
pub const DEFAULT_LIMIT: usize = 2000;
/// The most a query may ask for.
pub const MAX_LIMIT: usize = 20_000;

/// What the timeline shows.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Commit,
    Deployment,
    Drift,
    Incident,
    Recovery,
}

impl EventKind {
    pub const ALL: [EventKind; 5] = [
        Self::Commit,
        Self::Deployment,
        Self::Drift,
        Self::Incident,
        Self::Recovery,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Commit => "commit",
            Self::Deployment => "deployment",
            Self::Drift => "drift",
            Self::Incident => "incident",
            Self::Recovery => "recovery",
        }
    }

    /// "commits", "recoveries": what a filter shows.
    pub fn plural(self) -> &'static str {
        match self {
            Self::Commit => "commits",
            Self::Deployment => "deployments",
            Self::Drift => "drift",
            Self::Incident => "incidents",
            Self::Recovery => "recoveries",
        }
    }

    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.label() == label)
    }
}

/// A window of time and what to show of it. Bounds are RFC 3339, `since` included, `until`
/// excluded.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct TimelineQuery {
    pub since: String,
    pub until: String,
    #[serde(default)]
    pub app: Option<String>,
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    pub cluster: Option<String>,
    /// Empty: every kind.
    #[serde(default)]
    pub kinds: Vec<EventKind>,
    /// Deployments only with these results; empty: all.
    #[serde(default)]
    pub results: Vec<DeploymentResult>,
    /// At most this many events (newest first); `None`: [`DEFAULT_LIMIT`].
    #[serde(default)]
    pub limit: Option<usize>,
}

/// One thing that happened, at `at` (RFC 3339).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TimelineEvent {
    pub at: String,
    pub app: String,
    /// `None` for a commit (it belongs to the application's path, not to a cluster).
    pub cluster: Option<String>,
    #[serde(flatten)]
    pub what: What,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum What {
    Commit {
        sha: String,
        author: String,
    },
    /// At its end (only finished deployments are in the history).
    Deployment {
        id: String,
        kind: DeploymentKind,
        result: DeploymentResult,
        revision: String,
        started_at: String,
        #[serde(default)]
        answers: Option<String>,
        /// Marked as having caused an incident (by its record or a history file).
        incident: bool,
        /// How many commits it brought.
        commits: usize,
        source: DeploymentSource,
    },
    /// At its detection.
    Drift {
        commit: String,
        resources: usize,
        summary: String,
        /// When the application was seen in sync again; `None` while it is not (or was not
        /// watched since).
        #[serde(default)]
        resolved_at: Option<String>,
    },
    /// At its opening.
    Incident {
        #[serde(default)]
        resolved_at: Option<String>,
        #[serde(default)]
        deployment: Option<String>,
    },
    /// At the end of the deployment that recovered from `failed` (as the recovery time counts).
    Recovery {
        failed: String,
        seconds: i64,
    },
}

/// Where the history has a deployment from, which says what can be done with it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum DeploymentSource {
    /// A Shipdeck deployment record: compared, rolled back to, marked.
    Record,
    /// A ReplicaSet from before Shipdeck.
    ReplicaSet,
    /// Argo CD's history of the application.
    ArgoCd,
    /// A history file.
    Import,
}

impl DeploymentSource {
    /// Only a record keeps manifests and a mark the team sees.
    pub fn has_record(self) -> bool {
        self == Self::Record
    }

    /// Why a deployment from here cannot be compared or marked, in words.
    pub fn why_no_record(self) -> &'static str {
        match self {
            Self::Record => "",
            Self::ReplicaSet => {
                "A rollout from before Shipdeck, read from the cluster's ReplicaSets: no \
                 manifests are kept for it, so there is nothing to compare, roll back to or mark."
            }
            Self::ArgoCd => {
                "A sync from Argo CD's history: no manifests are kept for it, so there is \
                 nothing to compare, roll back to or mark."
            }
            Self::Import => {
                "Imported from a history file: no manifests are kept for it, so there is \
                 nothing to compare or roll back to. Its incident mark comes from the file."
            }
        }
    }
}

impl What {
    /// At one instant, what follows from another is listed above it (newest first): a
    /// recovery above the deployment that made it, a deployment above the commits it brought.
    pub fn rank(&self) -> u8 {
        match self {
            What::Commit { .. } => 0,
            What::Drift { .. } => 1,
            What::Incident { .. } => 2,
            What::Deployment { .. } => 3,
            What::Recovery { .. } => 4,
        }
    }

    pub fn kind(&self) -> EventKind {
        match self {
            What::Commit { .. } => EventKind::Commit,
            What::Deployment { .. } => EventKind::Deployment,
            What::Drift { .. } => EventKind::Drift,
            What::Incident { .. } => EventKind::Incident,
            What::Recovery { .. } => EventKind::Recovery,
        }
    }
}

/// How many events of one kind the window holds (before the limit).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct KindCount {
    pub kind: EventKind,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Timeline {
    pub since: String,
    pub until: String,
    /// Newest first, at most the query's limit.
    pub events: Vec<TimelineEvent>,
    /// Every event of the window and filters, by kind, before the limit.
    pub counts: Vec<KindCount>,
    /// Applications and clusters the history holds, for the filters.
    pub apps: Vec<String>,
    pub clusters: Vec<String>,
}

impl TimelineEvent {
    /// One line for a list or a tooltip, as the window and the command line show it.
    pub fn line(&self) -> String {
        let on = self
            .cluster
            .as_deref()
            .map(|c| format!(" on {c}"))
            .unwrap_or_default();
        match &self.what {
            What::Commit { sha, author } => format!("commit {} by {author}", short(sha)),
            What::Deployment {
                id,
                kind,
                result,
                revision,
                answers,
                incident,
                commits,
                ..
            } => format!(
                "{id}: {} {}{on}, revision {}{}{}{}",
                kind.label(),
                result.label(),
                short(revision),
                match commits {
                    0 => String::new(),
                    1 => ", 1 commit".to_string(),
                    n => format!(", {n} commits"),
                },
                answers
                    .as_deref()
                    .map(|a| format!(", answers {a}"))
                    .unwrap_or_default(),
                if *incident {
                    ", caused an incident"
                } else {
                    ""
                }
            ),
            What::Drift {
                summary,
                resolved_at,
                ..
            } => match resolved_at {
                Some(r) => format!("{summary}; in sync again {r}"),
                None => summary.clone(),
            },
            What::Incident {
                resolved_at,
                deployment,
            } => format!(
                "incident{}{}",
                deployment
                    .as_deref()
                    .map(|d| format!(" caused by {d}"))
                    .unwrap_or_default(),
                match resolved_at {
                    Some(r) => format!(", resolved {r}"),
                    None => ", still open".into(),
                }
            ),
            What::Recovery { failed, seconds } => format!(
                "recovered from {failed}{on} after {}",
                crate::dora_text::duration(*seconds)
            ),
        }
    }
}

/// A commit or revision as shown: its first 7 characters.
fn short(sha: &str) -> String {
    sha.chars().take(7).collect()
}

/// How one object changed between two deployments, from a report that reads the base as
/// `live`: a sign and words (`+ added`, `- removed`, `~ 2 fields changed`, `? why`).
pub fn change_of(r: &crate::drift::ResourceDrift) -> (&'static str, String) {
    use crate::drift::DriftReason;
    match r.reason {
        Some(DriftReason::Missing) => ("+", "added".into()),
        Some(DriftReason::Extra) => ("-", "removed".into()),
        Some(DriftReason::Modified) if r.changes.len() == 1 => ("~", "1 field changed".into()),
        Some(DriftReason::Modified) => ("~", format!("{} fields changed", r.changes.len())),
        None => ("?", r.message.clone().unwrap_or_default()),
    }
}

impl Timeline {
    /// Whether [`Timeline::events`] holds fewer events than the window has.
    pub fn truncated(&self) -> bool {
        self.counts.iter().map(|c| c.count).sum::<usize>() > self.events.len()
    }
}

/// Deployment `id` of `app` against `against` (by default the one before it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct DeploymentDiffArgs {
    pub app: String,
    pub id: String,
    #[serde(default)]
    pub against: Option<String>,
}

/// What a deployment changed. The report reads `live` as the base (`against`) and `desired`
/// as the deployment: `missing` means added by it, `extra` removed by it. Secret values are
/// masked.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DeploymentDiff {
    pub deployment: Deployment,
    /// `None`: the application's first deployment with manifests; everything is added.
    pub against: Option<Deployment>,
    pub report: DriftReport,
    /// What the comparison had to leave out, in words (a partial sync's other objects).
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Marks (or clears) deployment `id` of `app` as having caused an incident.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct IncidentArgs {
    pub app: String,
    pub id: String,
    pub incident: bool,
}
