//! The resources chosen for the next sync, across applications. Only OutOfSync resources can
//! be chosen; each is kept with its latest comparison, which is the server-side dry run of
//! what a sync would apply.

use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::drift::ResourceDrift;
use std::collections::{BTreeMap, HashSet};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    /// By (application, resource id), so the set reads in a stable order.
    chosen: BTreeMap<(String, String), ResourceDrift>,
}

impl Selection {
    /// The chosen resources with their application, by application then resource id: what
    /// the sync applies.
    pub fn resources(&self) -> Vec<(String, ResourceDrift)> {
        self.chosen
            .iter()
            .map(|((app, _), r)| (app.clone(), r.clone()))
            .collect()
    }

    /// The chosen resources of each application, applications in order: a sync applies one
    /// application, so a selection across several is synced one application at a time.
    pub fn by_application(&self) -> Vec<(String, Vec<ResourceDrift>)> {
        let mut out: Vec<(String, Vec<ResourceDrift>)> = Vec::new();
        for ((app, _), r) in &self.chosen {
            match out.last_mut() {
                Some((last, list)) if last == app => list.push(r.clone()),
                _ => out.push((app.clone(), vec![r.clone()])),
            }
        }
        out
    }

    pub fn len(&self) -> usize {
        self.chosen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chosen.is_empty()
    }

    /// How many applications the chosen resources belong to.
    pub fn applications(&self) -> usize {
        let mut apps: Vec<&str> = self.chosen.keys().map(|(a, _)| a.as_str()).collect();
        apps.dedup();
        apps.len()
    }

    pub fn contains(&self, app: &str, id: &str) -> bool {
        self.chosen.contains_key(&(app.to_string(), id.to_string()))
    }

    /// Chooses `resource` if it is OutOfSync, or takes it back; `false` when nothing changed.
    pub fn set(&mut self, app: &str, resource: &ResourceDrift, chosen: bool) -> bool {
        let key = (app.to_string(), resource.id());
        if !chosen {
            return self.chosen.remove(&key).is_some();
        }
        if resource.status != SyncStatus::OutOfSync {
            return false;
        }
        self.chosen.insert(key, resource.clone());
        true
    }

    /// Chooses every OutOfSync resource of `app` among `resources`.
    pub fn choose_drifted(&mut self, app: &str, resources: &[ResourceDrift]) {
        for resource in resources {
            self.set(app, resource, true);
        }
    }

    /// Takes back every resource of `app`.
    pub fn clear_app(&mut self, app: &str) {
        self.chosen.retain(|(a, _), _| a != app);
    }

    pub fn clear(&mut self) {
        self.chosen.clear();
    }

    /// Takes back the resources of each application that `applications` (the id and last
    /// sync status of every application) says is Synced, or that is gone from the workspace.
    /// One not compared yet, or Unknown for now (a cluster that blinked), keeps its
    /// resources: the user chose them, and the sync checks them again anyway. Holds wherever the user is, unlike
    /// [`Selection::refresh`], which needs the application's comparison. `false` when nothing
    /// changed.
    pub fn follow_applications<'a>(
        &mut self,
        applications: impl IntoIterator<Item = (&'a str, Option<SyncStatus>)>,
    ) -> bool {
        let kept: HashSet<&str> = applications
            .into_iter()
            .filter(|(_, status)| *status != Some(SyncStatus::Synced))
            .map(|(app, _)| app)
            .collect();
        let before = self.chosen.len();
        self.chosen
            .retain(|(app, _), _| kept.contains(app.as_str()));
        self.chosen.len() != before
    }

    /// Keeps the chosen resources of `app` in step with its newest comparison: each takes its
    /// new changes, and one that is no longer OutOfSync (or no longer there) is dropped, so
    /// the review never shows a stale dry run. `false` when nothing changed.
    pub fn refresh(&mut self, app: &str, resources: &[ResourceDrift]) -> bool {
        let before = self.chosen.len();
        let mut changed = false;
        self.chosen.retain(|(a, id), kept| {
            if a != app {
                return true;
            }
            match resources.iter().find(|r| r.id() == *id) {
                Some(now) if now.status == SyncStatus::OutOfSync => {
                    if kept != now {
                        *kept = now.clone();
                        changed = true;
                    }
                    true
                }
                _ => false,
            }
        });
        changed || self.chosen.len() != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(name: &str, status: SyncStatus) -> ResourceDrift {
        ResourceDrift {
            health: None,
            group: "apps".into(),
            version: "v1".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: name.into(),
            status,
            reason: None,
            changes: vec![],
            ignored: vec![],
            message: None,
            live_yaml: None,
            desired_yaml: Some(format!("name: {name}\n")),
        }
    }

    fn chosen(selection: &Selection) -> Vec<(String, String)> {
        selection
            .resources()
            .into_iter()
            .map(|(app, r)| (app, r.name))
            .collect()
    }

    #[test]
    fn only_out_of_sync_resources_can_be_chosen() {
        let mut selection = Selection::default();
        assert!(selection.set("shop", &resource("web", SyncStatus::OutOfSync), true));
        assert!(!selection.set("shop", &resource("db", SyncStatus::Synced), true));
        assert!(!selection.set("shop", &resource("x", SyncStatus::Unknown), true));
        assert_eq!(
            chosen(&selection),
            [("shop".to_string(), "web".to_string())]
        );
        assert!(selection.contains("shop", "apps/Deployment/shop/web"));
        assert!(selection.set("shop", &resource("web", SyncStatus::OutOfSync), false));
        assert!(!selection.set("shop", &resource("web", SyncStatus::OutOfSync), false));
        assert!(selection.is_empty());
    }

    #[test]
    fn choosing_all_drifted_spans_applications_in_a_stable_order() {
        let mut selection = Selection::default();
        let resources = [
            resource("web", SyncStatus::OutOfSync),
            resource("api", SyncStatus::OutOfSync),
            resource("db", SyncStatus::Synced),
        ];
        selection.choose_drifted("shop", &resources);
        selection.choose_drifted("blog", &resources[..1]);
        assert_eq!(
            chosen(&selection),
            [
                ("blog".to_string(), "web".to_string()),
                ("shop".into(), "api".into()),
                ("shop".into(), "web".into()),
            ]
        );
        assert_eq!((selection.len(), selection.applications()), (3, 2));
        let grouped: Vec<(String, Vec<String>)> = selection
            .by_application()
            .into_iter()
            .map(|(app, rs)| (app, rs.into_iter().map(|r| r.name).collect()))
            .collect();
        assert_eq!(
            grouped,
            [
                ("blog".to_string(), vec!["web".to_string()]),
                ("shop".into(), vec!["api".into(), "web".into()]),
            ]
        );
        selection.clear_app("shop");
        assert_eq!(
            chosen(&selection),
            [("blog".to_string(), "web".to_string())]
        );
        selection.clear();
        assert!(selection.is_empty());
    }

    #[test]
    fn a_new_comparison_updates_or_drops_what_was_chosen() {
        let mut selection = Selection::default();
        selection.choose_drifted(
            "shop",
            &[
                resource("web", SyncStatus::OutOfSync),
                resource("api", SyncStatus::OutOfSync),
                resource("gone", SyncStatus::OutOfSync),
            ],
        );
        selection.set("blog", &resource("web", SyncStatus::OutOfSync), true);
        let mut web = resource("web", SyncStatus::OutOfSync);
        web.desired_yaml = Some("replicas: 3\n".into());
        let now = [web.clone(), resource("api", SyncStatus::Synced)];
        assert!(selection.refresh("shop", &now));
        assert_eq!(
            selection.resources(),
            [
                ("blog".to_string(), resource("web", SyncStatus::OutOfSync)),
                ("shop".into(), web),
            ]
        );
        assert!(!selection.refresh("shop", &now), "nothing new");
    }

    #[test]
    fn applications_synced_or_gone_lose_their_resources() {
        let mut selection = Selection::default();
        for app in ["synced", "unknown", "drifted", "recomparing", "removed"] {
            selection.set(app, &resource("web", SyncStatus::OutOfSync), true);
        }
        let applications = [
            ("synced", Some(SyncStatus::Synced)),
            ("unknown", Some(SyncStatus::Unknown)),
            ("drifted", Some(SyncStatus::OutOfSync)),
            ("recomparing", None),
        ];
        assert!(selection.follow_applications(applications));
        let apps: Vec<String> = selection.resources().into_iter().map(|(a, _)| a).collect();
        assert_eq!(apps, ["drifted", "recomparing", "unknown"]);
        assert!(!selection.follow_applications(applications), "nothing new");
    }
}
