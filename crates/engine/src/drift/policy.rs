//! What counts as drift beyond a plain difference: ignore rules per application, and which
//! field managers edit by hand.
//!
//! A field Git does not declare is drift only when a manager that edits by hand set it (`kubectl
//! label`, `kubectl set env`, `kubectl rollout restart`, a desktop or web client); fields
//! controllers and admission fill (an HPA's replicas, an injected sidecar) are room for
//! imperativeness. A declared field changed by one of the [`Policy::controllers`] (the HPA
//! controller scaling a Deployment) is shown as ignored, with its name; changed by anyone else
//! (a person, another deployment tool, a script) it is drift.

use serde::{Deserialize, Serialize};

pub use shipdeck_ipc::config::DEFAULT_MANUAL_MANAGERS;
use shipdeck_ipc::config::manager_matches;

/// Managers whose changes to declared fields are theirs to make, by default: the controllers
/// in kube-controller-manager (an HPA's replicas).
pub const DEFAULT_CONTROLLERS: [&str; 1] = ["kube-controller-manager"];

/// The field manager Shipdeck applies with.
pub const FIELD_MANAGER: &str = "shipdeck";

/// One application's rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub ignore: Vec<IgnoreRule>,
    /// Patterns (`*` at the end matches any suffix), compared without case.
    pub manual_managers: Vec<String>,
    /// Patterns as above: managers allowed to change fields Git declares.
    pub controllers: Vec<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            ignore: Vec::new(),
            manual_managers: DEFAULT_MANUAL_MANAGERS
                .iter()
                .map(|m| m.to_string())
                .collect(),
            controllers: DEFAULT_CONTROLLERS.iter().map(|m| m.to_string()).collect(),
        }
    }
}

/// A difference not to count as drift; stored per application in `settings.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "match", rename_all = "snake_case")]
pub enum IgnoreRule {
    /// The field at this RFC 6901 pointer and everything under it, optionally only for one
    /// kind (`Deployment`).
    Pointer {
        pointer: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: Option<String>,
    },
    /// Fields this manager owns in the live object.
    Manager { manager: String },
}

impl Policy {
    pub fn is_manual(&self, manager: &str) -> bool {
        manager_matches(&self.manual_managers, manager)
    }

    pub fn is_controller(&self, manager: &str) -> bool {
        manager_matches(&self.controllers, manager)
    }

    /// The rule that hides a change at `pointer` of a `kind` owned by `owner`, described.
    pub fn ignored_by(&self, kind: &str, pointer: &str, owner: Option<&str>) -> Option<String> {
        self.ignore.iter().find_map(|rule| match rule {
            IgnoreRule::Pointer {
                pointer: p,
                kind: k,
            } => {
                let kind_matches = k.as_deref().is_none_or(|k| k.eq_ignore_ascii_case(kind));
                let under = pointer == p || pointer.starts_with(&format!("{p}/"));
                (kind_matches && under).then(|| format!("ignore rule {p}"))
            }
            IgnoreRule::Manager { manager } => owner
                .is_some_and(|o| o.eq_ignore_ascii_case(manager))
                .then(|| format!("ignore rule: fields owned by {manager}")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_and_its_commands_edit_by_hand_and_controllers_do_not() {
        let policy = Policy::default();
        for manual in [
            "kubectl",
            "kubectl-edit",
            "kubectl-client-side-apply",
            "k9s",
            "Mozilla",
        ] {
            assert!(policy.is_manual(manual), "{manual}");
        }
        for controller in ["kube-controller-manager", "shipdeck", "helm", "kubectlish"] {
            assert!(!policy.is_manual(controller), "{controller}");
        }
    }

    #[test]
    fn ignore_rules_match_the_field_and_below_and_managers_by_name() {
        let policy = Policy {
            ignore: vec![
                IgnoreRule::Pointer {
                    pointer: "/spec/replicas".into(),
                    kind: Some("Deployment".into()),
                },
                IgnoreRule::Manager {
                    manager: "vpa-recommender".into(),
                },
            ],
            ..Policy::default()
        };
        assert!(
            policy
                .ignored_by("Deployment", "/spec/replicas", None)
                .is_some()
        );
        assert!(
            policy
                .ignored_by("StatefulSet", "/spec/replicas", None)
                .is_none()
        );
        assert!(
            policy
                .ignored_by("Deployment", "/spec/replicasx", None)
                .is_none()
        );
        assert!(
            policy
                .ignored_by(
                    "Pod",
                    "/spec/containers/0/resources",
                    Some("vpa-recommender")
                )
                .is_some()
        );
    }
}
