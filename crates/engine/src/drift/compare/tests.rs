use super::*;
use serde_json::json;

fn id(kind: &str, name: &str) -> ObjectId {
    ObjectId {
        group: if kind == "Deployment" { "apps" } else { "" }.into(),
        kind: kind.into(),
        namespace: Some("shop".into()),
        name: name.into(),
    }
}

fn declared() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
        "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "api", "image": "api:1.4"}]}}}
    })
}

/// What the server stores: the declared object with defaults and bookkeeping.
fn stored(replicas: u64, image: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {
            "name": "web", "namespace": "shop", "uid": "u1", "resourceVersion": "7", "generation": 2,
            "labels": {"app": "web"},
            "annotations": {"shipdeck.dev/tracking-id": "a:apps/Deployment:shop/web"}
        },
        "spec": {"replicas": replicas, "revisionHistoryLimit": 10,
            "template": {"spec": {"containers": [{"name": "api", "image": image, "imagePullPolicy": "IfNotPresent"}]}}},
        "status": {"readyReplicas": replicas}
    })
}

fn owned_by(mut object: Value, entries: Value) -> Value {
    object["metadata"]["managedFields"] = entries;
    object
}

fn shipdeck_owns_all() -> Value {
    json!({"manager": "shipdeck", "operation": "Apply", "fieldsV1": {
        "f:metadata": {"f:labels": {"f:app": {}}},
        "f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {
            "k:{\"name\":\"api\"}": {".": {}, "f:name": {}, "f:image": {}}}}}}
    }})
}

/// After another manager changed `spec.replicas`, Shipdeck no longer owns it.
fn shipdeck_owns_all_but_replicas() -> Value {
    let mut entry = shipdeck_owns_all();
    entry["fieldsV1"]["f:spec"]
        .as_object_mut()
        .unwrap()
        .remove("f:replicas");
    entry
}

fn run(declared: &Value, predicted: &Value, live: &Value) -> ResourceDrift {
    let predicted = Ok(predicted.clone());
    compare(
        Sides {
            id: &id("Deployment", "web"),
            version: "v1",
            declared: Some(declared),
            predicted: Some(&predicted),
            live: Some(live),
        },
        &Policy::default(),
    )
}

#[test]
fn right_after_apply_nothing_differs() {
    let live = owned_by(stored(3, "api:1.4"), json!([shipdeck_owns_all()]));
    let drift = run(&declared(), &stored(3, "api:1.4"), &live);
    assert_eq!(drift.status, SyncStatus::Synced, "{:?}", drift.changes);
    assert!(drift.ignored.is_empty());
    assert_eq!(drift.live_yaml, None, "no YAML for what matches");
}

#[test]
fn a_scale_by_hand_is_drift_named_after_its_manager() {
    let live = owned_by(
        stored(5, "api:1.4"),
        json!([shipdeck_owns_all_but_replicas(), {"manager": "kubectl", "operation": "Update", "subresource": "scale",
            "fieldsV1": {"f:spec": {"f:replicas": {}}}}]),
    );
    let drift = run(&declared(), &stored(3, "api:1.4"), &live);
    assert_eq!(drift.status, SyncStatus::OutOfSync);
    assert_eq!(drift.reason, Some(DriftReason::Modified));
    assert_eq!(
        drift.changes,
        [FieldChange {
            path: "/spec/replicas".into(),
            live: Some(json!(5)),
            desired: Some(json!(3)),
            manager: Some("kubectl".into()),
        }]
    );
}

#[test]
fn replicas_an_hpa_set_are_not_drift_but_shown_as_ignored() {
    let live = owned_by(
        stored(7, "api:1.4"),
        json!([shipdeck_owns_all_but_replicas(), {"manager": "kube-controller-manager", "operation": "Update",
            "subresource": "scale", "fieldsV1": {"f:spec": {"f:replicas": {}}}}]),
    );
    let drift = run(&declared(), &stored(3, "api:1.4"), &live);
    assert_eq!(drift.status, SyncStatus::Synced);
    assert_eq!(drift.ignored.len(), 1);
    assert_eq!(drift.ignored[0].why, "owned by kube-controller-manager");
}

#[test]
fn an_image_another_deployment_tool_changed_is_drift() {
    // After helm set the image, Shipdeck no longer owns it.
    let mut shipdeck = shipdeck_owns_all();
    shipdeck["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"api\"}"]
        .as_object_mut()
        .unwrap()
        .remove("f:image");
    let live = owned_by(
        stored(3, "api:1.5"),
        json!([shipdeck, {"manager": "helm", "operation": "Update",
            "fieldsV1": {"f:spec": {"f:template": {"f:spec": {"f:containers": {
                "k:{\"name\":\"api\"}": {"f:image": {}}}}}}}}]),
    );
    let drift = run(&declared(), &stored(3, "api:1.4"), &live);
    assert_eq!(drift.status, SyncStatus::OutOfSync);
    assert_eq!(drift.changes[0].manager.as_deref(), Some("helm"));
}

#[test]
fn a_label_and_an_env_var_added_by_hand_are_drift_that_a_sync_removes() {
    let mut live = stored(3, "api:1.4");
    live["metadata"]["labels"]["team"] = json!("night-shift");
    live["spec"]["template"]["spec"]["containers"][0]["env"] =
        json!([{"name": "DEBUG", "value": "1"}]);
    let live = owned_by(
        live,
        json!([
            shipdeck_owns_all(),
            {"manager": "kubectl-label", "operation": "Update", "fieldsV1": {"f:metadata": {"f:labels": {"f:team": {}}}}},
            {"manager": "kubectl-set", "operation": "Update", "fieldsV1": {"f:spec": {"f:template": {"f:spec": {"f:containers": {
                "k:{\"name\":\"api\"}": {"f:env": {".": {}, "k:{\"name\":\"DEBUG\"}": {".": {}, "f:name": {}, "f:value": {}}}}}}}}}}
        ]),
    );
    // A server-side apply dry run keeps fields other managers own: the prediction has them too.
    let predicted = {
        let mut p = live.clone();
        p["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("managedFields");
        p
    };
    let drift = run(&declared(), &predicted, &live);
    assert_eq!(drift.status, SyncStatus::OutOfSync);
    let found: Vec<(&str, Option<&str>)> = drift
        .changes
        .iter()
        .map(|c| (c.path.as_str(), c.manager.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            ("/metadata/labels/team", Some("kubectl-label")),
            // The item kubectl added, not the whole list: `.` on `env` only says it made the
            // list exist, and removing the list would take items of other managers with it.
            (
                "/spec/template/spec/containers/0/env/0",
                Some("kubectl-set")
            ),
        ]
    );
    assert!(drift.changes.iter().all(|c| c.desired.is_none()));
    let desired = drift.desired_yaml.unwrap();
    assert!(
        !desired.contains("night-shift") && !desired.contains("DEBUG"),
        "{desired}"
    );
}

#[test]
fn two_env_vars_added_by_hand_both_leave_the_desired_side() {
    let mut live = stored(3, "api:1.4");
    live["spec"]["template"]["spec"]["containers"][0]["env"] =
        json!([{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]);
    let live = owned_by(
        live,
        json!([shipdeck_owns_all(), {"manager": "kubectl-set", "operation": "Update",
            "fieldsV1": {"f:spec": {"f:template": {"f:spec": {"f:containers": {
                "k:{\"name\":\"api\"}": {"f:env": {
                    "k:{\"name\":\"A\"}": {".": {}, "f:name": {}, "f:value": {}},
                    "k:{\"name\":\"B\"}": {".": {}, "f:name": {}, "f:value": {}}}}}}}}}}]),
    );
    let predicted = {
        let mut p = live.clone();
        p["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("managedFields");
        p
    };
    let drift = run(&declared(), &predicted, &live);
    assert_eq!(drift.changes.len(), 2, "{:?}", drift.changes);
    let desired = drift.desired_yaml.unwrap();
    assert!(
        !desired.contains("name: A") && !desired.contains("name: B"),
        "{desired}"
    );
}

#[test]
fn a_changed_secret_shows_which_key_changed_and_never_a_value() {
    let secret = |value: &str, by: &str| {
        json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "db", "namespace": "shop", "managedFields": [
                {"manager": "shipdeck", "operation": "Apply", "fieldsV1": {"f:data": {"f:user": {}}}},
                {"manager": by, "operation": "Update", "fieldsV1": {"f:data": {"f:password": {}}}}]},
            "data": {"password": value, "user": "YWRtaW4="}, "type": "Opaque"})
    };
    let declared = json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db", "namespace": "shop"}, "stringData": {"password": "hunter2", "user": "admin"}});
    let live = secret("aHVudGVyMw==", "kubectl-edit");
    let predicted = Ok(secret("aHVudGVyMg==", "shipdeck"));
    let drift = compare(
        Sides {
            id: &id("Secret", "db"),
            version: "v1",
            declared: Some(&declared),
            predicted: Some(&predicted),
            live: Some(&live),
        },
        &Policy::default(),
    );
    assert_eq!(drift.status, SyncStatus::OutOfSync);
    assert_eq!(drift.changes.len(), 1, "{:?}", drift.changes);
    assert_eq!(drift.changes[0].path, "/data/password");
    let shown = serde_json::to_string(&drift).unwrap();
    for value in ["aHVudGVy", "hunter", "YWRtaW4", "admin"] {
        assert!(!shown.contains(value), "{value} leaked: {shown}");
    }
}

#[test]
fn missing_extra_and_refused_resources() {
    let declared = declared();
    let predicted = Ok(stored(3, "api:1.4"));
    let web = id("Deployment", "web");
    let missing = compare(
        Sides {
            id: &web,
            version: "v1",
            declared: Some(&declared),
            predicted: Some(&predicted),
            live: None,
        },
        &Policy::default(),
    );
    assert_eq!(
        (missing.status, missing.reason),
        (SyncStatus::OutOfSync, Some(DriftReason::Missing))
    );
    assert!(missing.desired_yaml.unwrap().contains("api:1.4"));

    let live = stored(3, "api:1.4");
    let extra = compare(
        Sides {
            id: &web,
            version: "v1",
            declared: None,
            predicted: None,
            live: Some(&live),
        },
        &Policy::default(),
    );
    assert_eq!(
        (extra.status, extra.reason),
        (SyncStatus::OutOfSync, Some(DriftReason::Extra))
    );

    let refused = Err("admission webhook denied the request".to_string());
    let unknown = compare(
        Sides {
            id: &web,
            version: "v1",
            declared: Some(&declared),
            predicted: Some(&refused),
            live: Some(&live),
        },
        &Policy::default(),
    );
    assert_eq!(unknown.status, SyncStatus::Unknown);
    assert!(
        unknown
            .message
            .unwrap()
            .contains("admission webhook denied")
    );
}

/// Objects listed from the cluster come without apiVersion and kind: an extra Secret must still
/// be masked.
#[test]
fn an_extra_secret_listed_without_its_kind_is_masked() {
    let listed = json!({"metadata": {"name": "db", "namespace": "shop"},
        "data": {"password": "aHVudGVyMg=="}, "type": "Opaque"});
    let extra = compare(
        Sides {
            id: &id("Secret", "db"),
            version: "v1",
            declared: None,
            predicted: None,
            live: Some(&listed),
        },
        &Policy::default(),
    );
    assert_eq!(extra.reason, Some(DriftReason::Extra));
    let shown = serde_json::to_string(&extra).unwrap();
    assert!(!shown.contains("aHVudGVy"), "{shown}");
    assert!(extra.live_yaml.unwrap().contains("kind: Secret"));
}

#[test]
fn an_ignore_rule_hides_its_field() {
    let live = owned_by(
        stored(5, "api:1.4"),
        json!([shipdeck_owns_all_but_replicas(), {"manager": "kubectl", "operation": "Update",
            "fieldsV1": {"f:spec": {"f:replicas": {}}}}]),
    );
    let policy = Policy {
        ignore: vec![super::super::policy::IgnoreRule::Pointer {
            pointer: "/spec/replicas".into(),
            kind: None,
        }],
        ..Policy::default()
    };
    let predicted = Ok(stored(3, "api:1.4"));
    let drift = compare(
        Sides {
            id: &id("Deployment", "web"),
            version: "v1",
            declared: Some(&declared()),
            predicted: Some(&predicted),
            live: Some(&live),
        },
        &policy,
    );
    assert_eq!(drift.status, SyncStatus::Synced);
    assert_eq!(drift.ignored[0].why, "ignore rule /spec/replicas");
}

/// An object first created by `kubectl apply` (a team adopting Shipdeck): client-side apply
/// owns every default the server filled in, and list items under keys that include a
/// defaulted field. Only what its user wrote and Git does not declare is drift.
#[test]
fn defaults_of_an_object_kubectl_apply_created_are_not_drift() {
    let applied = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web", "owner": "ops"}},
        "spec": {"replicas": 3, "template": {"spec": {"containers": [
            {"name": "api", "image": "api:1.4", "ports": [{"containerPort": 8080}]}]}}}
    });
    let mut live = stored(3, "api:1.4");
    live["metadata"]["labels"]["owner"] = json!("ops");
    live["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] =
        json!(applied.to_string());
    live["spec"]["template"]["spec"]["containers"][0]["ports"] =
        json!([{"containerPort": 8080, "protocol": "TCP"}]);
    let live = owned_by(
        live,
        json!([{"manager": "kubectl-client-side-apply", "operation": "Update", "fieldsV1": {
            "f:metadata": {"f:labels": {"f:app": {}, "f:owner": {}}},
            "f:spec": {"f:replicas": {}, "f:revisionHistoryLimit": {}, "f:template": {"f:spec": {"f:containers": {
                "k:{\"name\":\"api\"}": {".": {}, "f:name": {}, "f:image": {}, "f:imagePullPolicy": {},
                    "f:ports": {".": {}, "k:{\"containerPort\":8080,\"protocol\":\"TCP\"}": {
                        ".": {}, "f:containerPort": {}, "f:protocol": {}}}}}}}}
        }}]),
    );
    let mut declared = declared();
    declared["spec"]["template"]["spec"]["containers"][0]["ports"] =
        json!([{"containerPort": 8080}]);
    let predicted = {
        let mut p = live.clone();
        p["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("managedFields");
        p
    };
    let drift = run(&declared, &predicted, &live);
    let found: Vec<(&str, Option<&str>)> = drift
        .changes
        .iter()
        .map(|c| (c.path.as_str(), c.manager.as_deref()))
        .collect();
    assert_eq!(
        found,
        [("/metadata/labels/owner", Some("kubectl-client-side-apply"))],
        "not revisionHistoryLimit, imagePullPolicy or the port keyed with its default protocol"
    );

    // Without the annotation a default and an edit look the same: shown as ignored, with
    // why, and left alone by a sync.
    let mut bare = live.clone();
    bare["metadata"]["annotations"]
        .as_object_mut()
        .unwrap()
        .remove("kubectl.kubernetes.io/last-applied-configuration");
    let drift = run(&declared, &predicted, &bare);
    assert!(drift.changes.is_empty(), "{:?}", drift.changes);
    let owner = drift
        .ignored
        .iter()
        .find(|i| i.change.path == "/metadata/labels/owner")
        .expect("shown among the ignored differences");
    assert!(owner.why.contains("last-applied"), "{}", owner.why);
}

/// A port added by hand next to a declared one that leaves `protocol` to its default is still
/// drift: only the default protocol matches an item that does not say it.
#[test]
fn a_udp_port_added_next_to_a_declared_port_without_protocol_is_drift() {
    let mut declared = declared();
    declared["spec"]["template"]["spec"]["containers"][0]["ports"] = json!([{"containerPort": 53}]);
    let mut live = stored(3, "api:1.4");
    live["spec"]["template"]["spec"]["containers"][0]["ports"] = json!([
        {"containerPort": 53, "protocol": "TCP"},
        {"containerPort": 53, "protocol": "UDP"}
    ]);
    let mut shipdeck = shipdeck_owns_all();
    shipdeck["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"api\"}"]
        ["f:ports"] =
        json!({"k:{\"containerPort\":53,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}}});
    let live = owned_by(
        live,
        json!([
            shipdeck,
            {"manager": "kubectl-edit", "operation": "Update", "fieldsV1": {"f:spec": {"f:template": {"f:spec": {"f:containers": {
                "k:{\"name\":\"api\"}": {"f:ports": {"k:{\"containerPort\":53,\"protocol\":\"UDP\"}": {
                    ".": {}, "f:containerPort": {}, "f:protocol": {}}}}}}}}}}
        ]),
    );
    let predicted = {
        let mut p = live.clone();
        p["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("managedFields");
        p
    };
    let drift = run(&declared, &predicted, &live);
    let found: Vec<(&str, Option<&str>)> = drift
        .changes
        .iter()
        .map(|c| (c.path.as_str(), c.manager.as_deref()))
        .collect();
    assert_eq!(
        found,
        [(
            "/spec/template/spec/containers/0/ports/1",
            Some("kubectl-edit")
        )]
    );
}
