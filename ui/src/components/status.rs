//! One set of colours and icons for the status vocabulary, used everywhere a status appears.

use leptos::prelude::*;
use shipdeck_ipc::{HealthStatus, SyncStatus};

/// Any status the UI can show, sync or health.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Sync(SyncStatus),
    Health(HealthStatus),
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Sync(s) => s.label(),
            Status::Health(h) => h.label(),
        }
    }

    /// CSS class carrying the colour; Unknown looks the same for sync and health.
    fn class(self) -> &'static str {
        match self {
            Status::Sync(SyncStatus::Synced) => "st-synced",
            Status::Sync(SyncStatus::OutOfSync) => "st-outofsync",
            Status::Sync(SyncStatus::Unknown) | Status::Health(HealthStatus::Unknown) => {
                "st-unknown"
            }
            Status::Health(HealthStatus::Healthy) => "st-healthy",
            Status::Health(HealthStatus::Progressing) => "st-progressing",
            Status::Health(HealthStatus::Degraded) => "st-degraded",
            Status::Health(HealthStatus::Suspended) => "st-suspended",
            Status::Health(HealthStatus::Missing) => "st-missing",
        }
    }

    /// SVG path data, 24×24, stroked: the shape alone tells the status apart without colour.
    fn icon(self) -> &'static str {
        match self {
            Status::Sync(SyncStatus::Synced) => "M5 12.5l4.5 4.5L19 7.5",
            Status::Sync(SyncStatus::OutOfSync) => "M12 19V5M6 11l6-6 6 6",
            Status::Sync(SyncStatus::Unknown) | Status::Health(HealthStatus::Unknown) => {
                "M9 9a3 3 0 1 1 4.5 2.6c-1 .6-1.5 1.3-1.5 2.4M12 17.5v.5"
            }
            Status::Health(HealthStatus::Healthy) => {
                "M12 20s-7-4.4-8.6-9A4.6 4.6 0 0 1 12 7a4.6 4.6 0 0 1 8.6 4c-1.6 4.6-8.6 9-8.6 9z"
            }
            Status::Health(HealthStatus::Progressing) => "M20 12a8 8 0 1 1-2.6-5.9M20 4v5h-5",
            Status::Health(HealthStatus::Degraded) => "M12 8v5M12 16.5v.5M3.5 19.5L12 4.5l8.5 15z",
            Status::Health(HealthStatus::Suspended) => "M9.5 7v10M14.5 7v10",
            Status::Health(HealthStatus::Missing) => "M4 12h2M9 12h2M13 12h2M18 12h2",
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Status::Sync(SyncStatus::Synced) => "The live objects match the desired state in Git.",
            Status::Sync(SyncStatus::OutOfSync) => {
                "Some live object differs from Git; review the diff before syncing."
            }
            Status::Sync(SyncStatus::Unknown) => {
                "The comparison could not be made (cluster or Git unreachable)."
            }
            Status::Health(HealthStatus::Healthy) => {
                "Every declared resource is running as intended."
            }
            Status::Health(HealthStatus::Progressing) => "A rollout or change is still under way.",
            Status::Health(HealthStatus::Degraded) => {
                "A resource failed, e.g. a rollout hit its progress deadline."
            }
            Status::Health(HealthStatus::Suspended) => {
                "Paused on purpose, e.g. a paused Deployment."
            }
            Status::Health(HealthStatus::Missing) => "Declared in Git but absent from the cluster.",
            Status::Health(HealthStatus::Unknown) => "Health could not be assessed.",
        }
    }

    /// Every status in display order: sync first, then health by severity.
    pub fn all() -> impl Iterator<Item = Status> {
        SyncStatus::ALL.into_iter().map(Status::Sync).chain(
            HealthStatus::ALL
                .into_iter()
                .filter(|h| *h != HealthStatus::Unknown)
                .map(Status::Health),
        )
    }
}

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    view! {
        <span class=format!("status {}", status.class()) data-status=status.label()>
            <svg class="status-icon" viewBox="0 0 24 24" aria-hidden="true">
                <path d=status.icon()/>
            </svg>
            <span>{status.label()}</span>
        </span>
    }
}
