//! The status vocabulary users already know from Argo CD.

use serde::{Deserialize, Serialize};

/// Whether the live state matches Git.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub enum SyncStatus {
    Synced,
    OutOfSync,
    Unknown,
}

/// Health of a resource or application.
///
/// The variant order is the severity order (`Ord`): an application's health is the greatest of
/// its resources'. Healthy < Suspended < Progressing < Missing < Degraded < Unknown.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HealthStatus {
    Healthy,
    Suspended,
    Progressing,
    Missing,
    Degraded,
    Unknown,
}

impl SyncStatus {
    pub const ALL: [SyncStatus; 3] = [Self::Synced, Self::OutOfSync, Self::Unknown];

    pub fn label(self) -> &'static str {
        match self {
            Self::Synced => "Synced",
            Self::OutOfSync => "OutOfSync",
            Self::Unknown => "Unknown",
        }
    }
}

impl HealthStatus {
    pub const ALL: [HealthStatus; 6] = [
        Self::Healthy,
        Self::Suspended,
        Self::Progressing,
        Self::Missing,
        Self::Degraded,
        Self::Unknown,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Healthy => "Healthy",
            Self::Suspended => "Suspended",
            Self::Progressing => "Progressing",
            Self::Missing => "Missing",
            Self::Degraded => "Degraded",
            Self::Unknown => "Unknown",
        }
    }

    /// The health of a group: the worst member, Healthy for an empty group.
    pub fn worst(items: impl IntoIterator<Item = HealthStatus>) -> HealthStatus {
        items.into_iter().max().unwrap_or(HealthStatus::Healthy)
    }
}

#[cfg(test)]
mod tests {
    use super::HealthStatus::*;
    use super::*;

    #[test]
    fn severity_order_is_the_documented_one() {
        let mut shuffled = vec![Unknown, Healthy, Degraded, Progressing, Missing, Suspended];
        shuffled.sort();
        assert_eq!(shuffled, HealthStatus::ALL);
    }

    #[test]
    fn group_health_is_its_worst_member() {
        assert_eq!(
            HealthStatus::worst([Healthy, Progressing, Suspended]),
            Progressing
        );
        assert_eq!(HealthStatus::worst([Healthy, Missing, Degraded]), Degraded);
        assert_eq!(HealthStatus::worst([Healthy, Unknown]), Unknown);
        assert_eq!(HealthStatus::worst([]), Healthy);
    }
}
