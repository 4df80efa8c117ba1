//! The order a sync applies objects in, the way Argo CD does it so that manifests written for
//! it sync the same here:
//!
//! 1. by sync wave: `shipdeck.dev/sync-wave`, or Argo CD's `argocd.argoproj.io/sync-wave`,
//!    an integer, 0 when absent; lower waves first, and each wave is Healthy before the next
//!    starts (see [`Step::wait_healthy`]);
//! 2. within a wave: Namespaces, then CustomResourceDefinitions (the sync waits until they
//!    are Established, so custom resources of the same sync find their kind), then the other
//!    cluster-scoped objects, then namespaced ones;
//! 3. within those: Argo CD's kind order (ServiceAccounts, Secrets and ConfigMaps before the
//!    workloads that mount them, Services before Ingresses), then namespace and name.
//!
//! Deletions (prune) come last, in the reverse order.

use crate::manifests::RenderedObject;

pub const WAVE_ANNOTATIONS: [&str; 2] = ["shipdeck.dev/sync-wave", "argocd.argoproj.io/sync-wave"];

/// Kinds in the order Argo CD (and Helm) install them; others come after, by name.
const KIND_ORDER: [&str; 33] = [
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "Ingress",
];

/// Which part of a wave an object belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Namespace,
    Definition,
    ClusterScoped,
    Namespaced,
}

/// Objects applied together, and what to wait for before the next step.
#[derive(Debug)]
pub struct Step<'a> {
    pub wave: i64,
    pub class: Class,
    pub objects: Vec<&'a RenderedObject>,
    /// CRDs must be Established before anything after them is applied.
    pub wait_established: bool,
    /// The last step of a wave that another wave follows: its objects must be Healthy first.
    pub wait_healthy: bool,
}

/// The wave an object is in; an annotation that is not an integer counts as 0, as in Argo CD.
pub fn wave(object: &RenderedObject) -> i64 {
    WAVE_ANNOTATIONS
        .iter()
        .find_map(|key| {
            object
                .object
                .pointer("/metadata/annotations")?
                .get(*key)?
                .as_str()
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// `namespaced` says whether the cluster serves the object's kind in namespaces; objects whose
/// kind is not known yet (a custom resource whose CRD this sync installs) count as namespaced
/// when they name a namespace.
pub fn class(object: &RenderedObject, namespaced: Option<bool>) -> Class {
    match (object.id.group.as_str(), object.id.kind.as_str()) {
        ("", "Namespace") => Class::Namespace,
        ("apiextensions.k8s.io", "CustomResourceDefinition") => Class::Definition,
        _ => match namespaced.unwrap_or(object.id.namespace.is_some()) {
            true => Class::Namespaced,
            false => Class::ClusterScoped,
        },
    }
}

fn kind_rank(kind: &str) -> usize {
    KIND_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(KIND_ORDER.len())
}

/// Where an object of this kind comes in the apply order, as a number; prune deletes in the
/// reverse.
pub fn prune_rank(group: &str, kind: &str, namespaced: bool) -> (u8, usize) {
    let class = match (group, kind) {
        ("", "Namespace") => 0,
        ("apiextensions.k8s.io", "CustomResourceDefinition") => 1,
        _ if !namespaced => 2,
        _ => 3,
    };
    (class, kind_rank(kind))
}

/// `objects` in steps, in apply order. `namespaced` answers whether a kind is namespaced.
pub fn steps<'a>(
    objects: &'a [RenderedObject],
    namespaced: impl Fn(&RenderedObject) -> Option<bool>,
) -> Vec<Step<'a>> {
    let mut keyed: Vec<(i64, Class, &RenderedObject)> = objects
        .iter()
        .map(|o| (wave(o), class(o, namespaced(o)), o))
        .collect();
    keyed.sort_by(|(wa, ca, a), (wb, cb, b)| {
        (
            wa,
            ca,
            kind_rank(&a.id.kind),
            &a.id.kind,
            &a.id.namespace,
            &a.id.name,
        )
            .cmp(&(
                wb,
                cb,
                kind_rank(&b.id.kind),
                &b.id.kind,
                &b.id.namespace,
                &b.id.name,
            ))
    });
    let mut steps: Vec<Step<'a>> = Vec::new();
    for (wave, class, object) in keyed {
        match steps.last_mut() {
            Some(step) if step.wave == wave && step.class == class => step.objects.push(object),
            _ => steps.push(Step {
                wave,
                class,
                objects: vec![object],
                wait_established: class == Class::Definition,
                wait_healthy: false,
            }),
        }
    }
    for i in 0..steps.len().saturating_sub(1) {
        if steps[i + 1].wave != steps[i].wave {
            steps[i].wait_healthy = true;
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifests::ObjectId;
    use serde_json::json;

    fn object(group: &str, kind: &str, namespace: Option<&str>, name: &str) -> RenderedObject {
        RenderedObject {
            id: ObjectId {
                group: group.into(),
                kind: kind.into(),
                namespace: namespace.map(str::to_string),
                name: name.into(),
            },
            version: "v1".into(),
            source: crate::manifests::Source {
                path: "all.yaml".into(),
                document: 0,
                line: 1,
                item: None,
            },
            object: json!({"metadata": {"name": name}}),
        }
    }

    fn names(steps: &[Step<'_>]) -> Vec<Vec<String>> {
        steps
            .iter()
            .map(|s| s.objects.iter().map(|o| o.id.name.clone()).collect())
            .collect()
    }

    #[test]
    fn namespaces_and_definitions_come_first_then_cluster_scoped_then_namespaced() {
        let objects = vec![
            object("apps", "Deployment", Some("shop"), "web"),
            object("", "ConfigMap", Some("shop"), "web-config"),
            object("example.com", "Widget", Some("shop"), "w"),
            object("rbac.authorization.k8s.io", "ClusterRole", None, "reader"),
            object(
                "apiextensions.k8s.io",
                "CustomResourceDefinition",
                None,
                "widgets",
            ),
            object("", "Namespace", None, "shop"),
            object("", "Service", Some("shop"), "web-svc"),
        ];
        let steps = steps(&objects, |o| match o.id.kind.as_str() {
            "Widget" => None,
            "ClusterRole" => Some(false),
            _ => Some(o.id.namespace.is_some()),
        });
        assert_eq!(
            names(&steps),
            [
                vec!["shop"],
                vec!["widgets"],
                vec!["reader"],
                vec!["web-config", "web-svc", "web", "w"],
            ]
        );
        assert!(steps[1].wait_established);
        assert!(
            steps.iter().all(|s| !s.wait_healthy),
            "one wave waits for nothing"
        );
    }

    #[test]
    fn waves_go_first_and_each_waits_for_health_before_the_next() {
        let mut migrate = object("batch", "Job", Some("shop"), "migrate");
        migrate.object["metadata"]["annotations"] = json!({"argocd.argoproj.io/sync-wave": "-1"});
        let mut late = object("", "ConfigMap", Some("shop"), "late");
        late.object["metadata"]["annotations"] = json!({"shipdeck.dev/sync-wave": "5"});
        let mut bad = object("", "ConfigMap", Some("shop"), "bad-wave");
        bad.object["metadata"]["annotations"] = json!({"shipdeck.dev/sync-wave": "soon"});
        let objects = vec![
            late,
            object("apps", "Deployment", Some("shop"), "web"),
            migrate,
            bad,
            object("", "Namespace", None, "shop"),
        ];
        let steps = steps(&objects, |o| Some(o.id.namespace.is_some()));
        assert_eq!(
            names(&steps),
            [
                vec!["migrate"],
                vec!["shop"],
                vec!["bad-wave", "web"],
                vec!["late"],
            ]
        );
        assert_eq!(
            steps.iter().map(|s| s.wait_healthy).collect::<Vec<_>>(),
            [true, false, true, false]
        );
    }
}
