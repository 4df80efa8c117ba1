//! Undo of one Deployment, as `kubectl rollout undo` does it: which Deployments an application
//! offers it for (from its comparison), how each is named, and what the confirmation says
//! about Git and the automation that may put Git's version back. Pure, so tested natively.

use shipdeck_ipc::deploy::ResourceRef;
use shipdeck_ipc::drift::{DriftReason, DriftReport};

/// A Deployment (group `apps`) of the application, in the cluster.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UndoTarget {
    pub namespace: String,
    pub name: String,
}

impl UndoTarget {
    pub fn resource(&self) -> ResourceRef {
        ResourceRef {
            group: "apps".into(),
            kind: "Deployment".into(),
            namespace: Some(self.namespace.clone()),
            name: self.name.clone(),
        }
    }

    /// `Deployment/NAMESPACE/NAME`, as the progress rows and `data-resource` name it.
    pub fn id(&self) -> String {
        self.resource().display()
    }

    /// `web` in the application's namespace, `other/web` elsewhere.
    pub fn short(&self, app_namespace: &str) -> String {
        if self.namespace == app_namespace {
            self.name.clone()
        } else {
            format!("{}/{}", self.namespace, self.name)
        }
    }
}

/// The Deployments an undo is offered for: those the application declares (not extras Git no
/// longer has) that are in the cluster (not missing: there is no revision to go back to),
/// sorted by namespace and name.
pub fn undoable(report: &DriftReport) -> Vec<UndoTarget> {
    let mut targets: Vec<UndoTarget> = report
        .resources
        .iter()
        .filter(|r| r.group == "apps" && r.kind == "Deployment")
        .filter(|r| !matches!(r.reason, Some(DriftReason::Extra | DriftReason::Missing)))
        .filter_map(|r| {
            Some(UndoTarget {
                namespace: r.namespace.clone()?,
                name: r.name.clone(),
            })
        })
        .collect();
    targets.sort();
    targets.dedup();
    targets
}

/// What the Undo button of `target` does, as its tooltip.
pub fn button_title(target: &UndoTarget) -> String {
    format!(
        "Roll Deployment {}/{} back to its previous ReplicaSet revision, like kubectl rollout undo",
        target.namespace, target.name
    )
}

/// The confirmation's question.
pub fn question(target: &UndoTarget) -> String {
    format!(
        "Rolls Deployment {}/{} back to its previous ReplicaSet revision (the pod template it ran \
         before its latest rollout), in the cluster and without Git, like kubectl rollout undo.",
        target.namespace, target.name
    )
}

/// What the application's automation may do to the undo, and whether to suggest the kill
/// switch instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutomationNote {
    pub text: &'static str,
    pub suggest_kill_switch: bool,
}

pub fn automation_note(auto_sync: bool, self_heal: bool) -> AutomationNote {
    let text = match (auto_sync, self_heal) {
        (true, true) => {
            "Auto-sync and self-heal are on: either may put Git's version back (auto-sync with \
             the next commit, self-heal if this undo fails or once a sync deploys Git's version \
             again). The kill switch pauses both, then rolls the whole application back to its \
             last known good deployment."
        }
        (false, true) => {
            "Self-heal is on: it may put Git's version back (if this undo fails, or once a sync \
             deploys Git's version again). The kill switch pauses it, then rolls the whole \
             application back to its last known good deployment."
        }
        (true, false) => {
            "Auto-sync is on: the next commit it deploys puts Git's version back over this undo."
        }
        (false, false) => {
            "Auto-sync and self-heal are off: nothing automatic puts Git's version back, but the \
             next sync does."
        }
    };
    AutomationNote {
        text,
        suggest_kill_switch: self_heal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_ipc::SyncStatus;
    use shipdeck_ipc::drift::ResourceDrift;

    fn resource(
        group: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
        reason: Option<DriftReason>,
    ) -> ResourceDrift {
        ResourceDrift {
            group: group.into(),
            version: "v1".into(),
            kind: kind.into(),
            namespace: namespace.map(Into::into),
            name: name.into(),
            status: if reason.is_some() {
                SyncStatus::OutOfSync
            } else {
                SyncStatus::Synced
            },
            reason,
            changes: vec![],
            ignored: vec![],
            message: None,
            health: None,
            live_yaml: None,
            desired_yaml: None,
        }
    }

    fn target(namespace: &str, name: &str) -> UndoTarget {
        UndoTarget {
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    #[test]
    fn only_declared_live_deployments_are_offered_in_order() {
        let report = DriftReport::new(vec![
            resource("apps", "Deployment", Some("shop"), "worker", None),
            resource("", "Service", Some("shop"), "web", None),
            resource("apps", "StatefulSet", Some("shop"), "db", None),
            resource("example.com", "Deployment", Some("shop"), "custom", None),
            resource(
                "apps",
                "Deployment",
                Some("shop"),
                "web",
                Some(DriftReason::Modified),
            ),
            resource(
                "apps",
                "Deployment",
                Some("shop"),
                "gone",
                Some(DriftReason::Extra),
            ),
            resource(
                "apps",
                "Deployment",
                Some("shop"),
                "new",
                Some(DriftReason::Missing),
            ),
            resource("apps", "Deployment", Some("edge"), "proxy", None),
        ]);
        assert_eq!(
            undoable(&report),
            [
                target("edge", "proxy"),
                target("shop", "web"),
                target("shop", "worker")
            ]
        );
        assert!(undoable(&DriftReport::new(vec![])).is_empty());
    }

    #[test]
    fn a_target_is_named_as_progress_rows_name_it_and_short_in_its_namespace() {
        let web = target("shop", "web");
        assert_eq!(web.id(), "Deployment/shop/web");
        assert_eq!(web.resource().group, "apps");
        assert_eq!(web.short("shop"), "web");
        assert_eq!(web.short("edge"), "shop/web");
        assert!(button_title(&web).starts_with("Roll Deployment shop/web back"));
    }

    #[test]
    fn the_question_says_what_comes_back_and_that_git_is_not_asked() {
        let q = question(&target("shop", "web"));
        assert!(q.contains("Deployment shop/web"), "{q}");
        assert!(q.contains("previous ReplicaSet revision"), "{q}");
        assert!(q.contains("without Git"), "{q}");
        assert!(q.contains("kubectl rollout undo"), "{q}");
    }

    #[test]
    fn self_heal_suggests_the_kill_switch_and_each_policy_is_worded() {
        for (auto_sync, self_heal) in [(true, true), (false, true)] {
            let note = automation_note(auto_sync, self_heal);
            assert!(note.suggest_kill_switch);
            assert!(note.text.contains("self-heal") || note.text.contains("Self-heal"));
            assert!(note.text.contains("kill switch"), "{}", note.text);
        }
        let auto = automation_note(true, false);
        assert!(!auto.suggest_kill_switch);
        assert!(auto.text.starts_with("Auto-sync is on"), "{}", auto.text);
        let off = automation_note(false, false);
        assert!(!off.suggest_kill_switch);
        assert!(off.text.contains("are off"), "{}", off.text);
        assert!(!off.text.contains("kill switch"));
    }
}
