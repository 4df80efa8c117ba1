//! Which applications the Overview and the All-drift page show: one filter, kept in the store,
//! so narrowing one view narrows the other.

use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::connections::ApplicationStatus;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppFilter {
    /// Words that must each appear in the id, repository, path or namespace (any case).
    pub search: String,
    pub cluster: Option<String>,
    pub status: Option<SyncStatus>,
}

impl AppFilter {
    pub fn is_active(&self) -> bool {
        !self.search.trim().is_empty() || self.cluster.is_some() || self.status.is_some()
    }

    pub fn matches(&self, status: &ApplicationStatus) -> bool {
        let app = &status.app;
        if self.cluster.as_ref().is_some_and(|c| *c != app.cluster) {
            return false;
        }
        if self.status.is_some_and(|s| s != sync_status(status)) {
            return false;
        }
        let fields =
            [&app.id, &app.repository, &app.path, &app.namespace].map(|f| f.to_lowercase());
        self.search
            .to_lowercase()
            .split_whitespace()
            .all(|word| fields.iter().any(|f| f.contains(word)))
    }
}

/// An application's sync status for filtering: one not compared yet is Unknown, as Argo CD
/// shows it.
pub fn sync_status(status: &ApplicationStatus) -> SyncStatus {
    status
        .sync
        .as_ref()
        .map_or(SyncStatus::Unknown, |s| s.status)
}

/// `status` from its label ("OutOfSync"); an empty or unknown label is no status filter.
pub fn parse_status(label: &str) -> Option<SyncStatus> {
    SyncStatus::ALL.into_iter().find(|s| s.label() == label)
}

/// Applications by cluster: clusters in their configured order, then any cluster an
/// application names that is not configured (yet), in order of appearance. Empty groups are
/// left out.
pub fn by_cluster(
    clusters: &[String],
    apps: Vec<ApplicationStatus>,
) -> Vec<(String, Vec<ApplicationStatus>)> {
    let mut groups: Vec<(String, Vec<ApplicationStatus>)> =
        clusters.iter().map(|c| (c.clone(), Vec::new())).collect();
    for app in apps {
        match groups.iter_mut().find(|(c, _)| *c == app.app.cluster) {
            Some((_, members)) => members.push(app),
            None => groups.push((app.app.cluster.clone(), vec![app])),
        }
    }
    groups.retain(|(_, members)| !members.is_empty());
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_ipc::config::{ApplicationEntry, Revision};
    use shipdeck_ipc::connections::RevisionState;
    use shipdeck_ipc::drift::SyncSummary;

    fn app(id: &str, cluster: &str, sync: Option<SyncStatus>) -> ApplicationStatus {
        ApplicationStatus {
            app: ApplicationEntry {
                id: id.into(),
                repository: "platform-repo".into(),
                revision: Revision::Branch("main".into()),
                path: format!("apps/{id}"),
                cluster: cluster.into(),
                namespace: format!("{id}-ns"),
                helm: Default::default(),
                ignore: vec![],
                sync: Default::default(),
            },
            revision: RevisionState::Fetching(None),
            path_commit: None,
            render: None,
            sync: sync.map(|status| SyncSummary {
                status,
                ..SyncSummary::unknown(String::new(), "c")
            }),
            notice: None,
            automation: None,
        }
    }

    fn ids(apps: &[ApplicationStatus], filter: &AppFilter) -> Vec<String> {
        apps.iter()
            .filter(|a| filter.matches(a))
            .map(|a| a.app.id.clone())
            .collect()
    }

    #[test]
    fn search_words_each_match_some_field_in_any_case() {
        let apps = [
            app("storefront", "prod", None),
            app("payments", "prod", None),
        ];
        let search = |s: &str| AppFilter {
            search: s.into(),
            ..Default::default()
        };
        assert_eq!(ids(&apps, &search("")), ["storefront", "payments"]);
        assert_eq!(ids(&apps, &search("STORE")), ["storefront"]);
        assert_eq!(ids(&apps, &search("apps/pay")), ["payments"]);
        assert_eq!(ids(&apps, &search("payments-ns")), ["payments"]);
        assert_eq!(ids(&apps, &search("platform")), ["storefront", "payments"]);
        assert_eq!(ids(&apps, &search(" platform  front ")), ["storefront"]);
        assert_eq!(
            ids(&apps, &search("platform nothing")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn cluster_and_status_narrow_further() {
        let apps = [
            app("a", "prod", Some(SyncStatus::Synced)),
            app("b", "prod", Some(SyncStatus::OutOfSync)),
            app("c", "staging", Some(SyncStatus::OutOfSync)),
            app("d", "staging", None),
        ];
        let filter = AppFilter {
            cluster: Some("prod".into()),
            ..Default::default()
        };
        assert_eq!(ids(&apps, &filter), ["a", "b"]);
        let filter = AppFilter {
            status: Some(SyncStatus::OutOfSync),
            ..Default::default()
        };
        assert_eq!(ids(&apps, &filter), ["b", "c"]);
        let filter = AppFilter {
            status: Some(SyncStatus::Unknown),
            ..Default::default()
        };
        assert_eq!(
            ids(&apps, &filter),
            ["d"],
            "not compared yet counts as Unknown"
        );
        let filter = AppFilter {
            search: "c".into(),
            cluster: Some("staging".into()),
            status: Some(SyncStatus::OutOfSync),
        };
        assert_eq!(ids(&apps, &filter), ["c"]);
        assert!(filter.is_active());
        assert!(!AppFilter::default().is_active());
    }

    #[test]
    fn statuses_parse_from_their_labels() {
        assert_eq!(parse_status("OutOfSync"), Some(SyncStatus::OutOfSync));
        assert_eq!(parse_status(""), None);
        assert_eq!(parse_status("outofsync"), None);
    }

    #[test]
    fn groups_follow_the_configured_cluster_order() {
        let apps = vec![
            app("a", "staging", None),
            app("b", "gone", None),
            app("c", "prod", None),
            app("d", "staging", None),
        ];
        let clusters = ["prod".to_string(), "empty".into(), "staging".into()];
        let groups: Vec<(String, Vec<String>)> = by_cluster(&clusters, apps)
            .into_iter()
            .map(|(c, members)| (c, members.into_iter().map(|a| a.app.id).collect()))
            .collect();
        assert_eq!(
            groups,
            [
                ("prod".to_string(), vec!["c".to_string()]),
                ("staging".into(), vec!["a".into(), "d".into()]),
                ("gone".into(), vec!["b".into()]),
            ]
        );
    }
}
