//! Drift against the local control plane: right after Shipdeck applies, nothing differs; each
//! change made by hand with kubectl shows as exactly that change, named after its manager;
//! a deleted object is missing, one gone from Git is extra, an untracked one is never mentioned.

use serde_json::Value;
use shipdeck_engine::drift::plan::plan;
use shipdeck_engine::drift::policy::{FIELD_MANAGER, Policy};
use shipdeck_engine::drift::tracking;
use shipdeck_engine::manifests::{self, Options, RenderedObject};
use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::drift::{DriftReason, DriftReport, ResourceDrift};
use shipdeck_testkit::{contexts, kubectl_ok, server_side_apply, with_namespace};
use std::path::Path;

const APP: &str = "shop";

async fn render(namespace: &str) -> Vec<RenderedObject> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let render = manifests::render(&fixtures, "drift", &Options::new(namespace, APP))
        .await
        .expect("the fixtures render");
    assert!(render.errors.is_empty(), "{:?}", render.errors);
    render.objects
}

/// What a sync does: a forced server-side apply with Shipdeck's field manager and annotation.
async fn apply(client: &kube::Client, objects: &[RenderedObject]) {
    let stamped: Vec<Value> = objects
        .iter()
        .map(|object| {
            let mut desired = object.object.clone();
            tracking::stamp(&mut desired, APP, &object.id);
            desired
        })
        .collect();
    server_side_apply(client, FIELD_MANAGER, &stamped).await;
}

fn find<'r>(report: &'r DriftReport, id: &str) -> &'r ResourceDrift {
    report
        .resources
        .iter()
        .find(|r| r.id() == id)
        .unwrap_or_else(|| panic!("{id} not in {:?}", ids(report)))
}

fn ids(report: &DriftReport) -> Vec<String> {
    report.resources.iter().map(ResourceDrift::id).collect()
}

fn drifted(report: &DriftReport) -> Vec<String> {
    report
        .resources
        .iter()
        .filter(|r| r.status != SyncStatus::Synced)
        .map(|r| format!("{} {:?} {:?} {:?}", r.id(), r.status, r.reason, r.message))
        .collect()
}

/// `(path, manager)` of each change of `id`.
fn changes(report: &DriftReport, id: &str) -> Vec<(String, Option<String>)> {
    find(report, id)
        .changes
        .iter()
        .map(|c| (c.path.clone(), c.manager.clone()))
        .collect()
}

#[tokio::test]
async fn right_after_apply_every_kind_is_synced_and_each_change_by_hand_is_exactly_that_change() {
    with_namespace(contexts::A, "drift", |client, ns| async move {
        let objects = render(&ns).await;
        apply(&client, &objects).await;
        let policy = Policy::default();

        // No false drift: defaults, quantities (1000m, 0.5Gi), allocated IPs, controller fields.
        let report = plan(&client, APP, &objects, &policy).await;
        assert_eq!(report.resources.len(), objects.len(), "{:?}", ids(&report));
        assert!(
            drifted(&report).is_empty(),
            "false drift: {:#?}",
            drifted(&report)
        );
        let web = format!("apps/Deployment/{ns}/web");

        // Each edit by hand shows as exactly that change, with its manager.
        let kubectl = |args: &[&str]| {
            let mut all = vec!["-n", ns.as_str()];
            all.extend_from_slice(args);
            kubectl_ok(contexts::A, &all);
        };
        kubectl(&["scale", "deployment/web", "--replicas=5"]);
        kubectl(&["label", "deployment/web", "team=night-shift"]);
        kubectl(&["set", "env", "deployment/web", "DEBUG=1"]);
        kubectl(&[
            "set",
            "image",
            "deployment/web",
            "api=registry.example/web:1.5",
        ]);
        let report = plan(&client, APP, &objects, &policy).await;
        let found = changes(&report, &web);
        let expected = [
            ("/metadata/labels/team", "kubectl-label"),
            ("/spec/replicas", "kubectl"),
            ("/spec/template/spec/containers/0/env/1", "kubectl-set"),
            ("/spec/template/spec/containers/0/image", "kubectl-set"),
        ];
        let expected: Vec<(String, Option<String>)> = expected
            .iter()
            .map(|(p, m)| (p.to_string(), Some(m.to_string())))
            .collect();
        assert_eq!(found, expected);
        assert_eq!(find(&report, &web).reason, Some(DriftReason::Modified));
        assert_eq!(drifted(&report).len(), 1, "{:#?}", drifted(&report));

        // A restart by hand adds an annotation to the pod template (the whole map when the
        // template had none).
        kubectl(&["rollout", "restart", "deployment/web"]);
        let report = plan(&client, APP, &objects, &policy).await;
        let restart = find(&report, &web).changes.iter().find(|c| {
            c.path.starts_with("/spec/template/metadata/annotations")
                && c.manager.as_deref() == Some("kubectl-rollout")
        });
        let restart = restart.unwrap_or_else(|| panic!("{:?}", changes(&report, &web)));
        let shown = format!("{} {:?}", restart.path, restart.live);
        assert!(shown.contains("restartedAt"), "{shown}");
        assert_eq!(restart.desired, None, "a sync removes it");

        // A Secret key changed by hand: which key, never the value.
        kubectl(&[
            "patch",
            "secret/db",
            "-p",
            r#"{"stringData":{"password":"changed-by-hand-2"}}"#,
        ]);
        let report = plan(&client, APP, &objects, &policy).await;
        let secret = format!("Secret/{ns}/db");
        assert_eq!(
            changes(&report, &secret),
            [(
                "/data/password".to_string(),
                Some("kubectl-patch".to_string())
            )]
        );
        let shown = serde_json::to_string(&report).unwrap();
        for value in [
            "fixture-password-1",
            "changed-by-hand-2",
            "Zml4dHVyZ",
            "Y2hhbmdlZC1ie",
        ] {
            assert!(!shown.contains(value), "a Secret value leaked: {value}");
        }

        // Deleted: missing. Gone from Git: extra. Untracked with the same labels: not mentioned.
        kubectl(&["delete", "configmap/web"]);
        kubectl(&[
            "create",
            "configmap",
            "lookalike",
            "--from-literal=LOG_LEVEL=info",
        ]);
        kubectl(&["label", "configmap/lookalike", "app=web"]);
        let without_pdb: Vec<RenderedObject> = objects
            .iter()
            .filter(|o| o.id.kind != "PodDisruptionBudget")
            .cloned()
            .collect();
        let report = plan(&client, APP, &without_pdb, &policy).await;
        let missing = find(&report, &format!("ConfigMap/{ns}/web"));
        assert_eq!(missing.reason, Some(DriftReason::Missing));
        let extra = find(&report, &format!("policy/PodDisruptionBudget/{ns}/web"));
        assert_eq!(extra.reason, Some(DriftReason::Extra));
        assert!(
            !ids(&report).iter().any(|id| id.contains("lookalike")),
            "{:?}",
            ids(&report)
        );
    })
    .await;
}

/// The JSON the command line prints keeps its documented shape.
#[test]
fn a_report_serialises_in_the_documented_shape() {
    let report = DriftReport::new(vec![ResourceDrift {
        group: String::new(),
        version: "v1".into(),
        kind: "ConfigMap".into(),
        namespace: None,
        name: "x".into(),
        status: SyncStatus::OutOfSync,
        reason: Some(DriftReason::Missing),
        changes: vec![],
        ignored: vec![],
        message: None,
        live_yaml: None,
        desired_yaml: None,
    }]);
    let json: Value = serde_json::to_value(&report).unwrap();
    assert_eq!(json["summary"]["out_of_sync"], 1);
    let r = &json["resources"][0];
    assert_eq!(r["namespace"], Value::Null);
    assert_eq!(r["status"], "OutOfSync");
    assert_eq!(r["reason"], "missing");
    assert!(r["changes"].as_array().unwrap().is_empty());
}

/// Manifests that render to nothing compare nothing: that is Unknown with the reason, never
/// Synced.
#[tokio::test]
async fn nothing_rendered_is_unknown_not_synced() {
    let config = kube::Config::new("https://127.0.0.1:1".parse().unwrap());
    let client = kube::Client::try_from(config).unwrap();
    let report = plan(&client, APP, &[], &Policy::default()).await;
    assert_eq!(report.status(), SyncStatus::Unknown);
    assert!(
        report.incomplete[0].contains("nothing was compared"),
        "{:?}",
        report.incomplete
    );
}

/// A cluster that cannot be asked turns every resource Unknown with the reason, at once (one
/// refused connection, not one timeout per object).
#[tokio::test]
async fn an_unreachable_cluster_makes_every_resource_unknown_with_the_reason() {
    let objects = render("shop").await;
    let config = kube::Config::new("https://127.0.0.1:1".parse().unwrap());
    let client = kube::Client::try_from(config).unwrap();
    let started = std::time::Instant::now();
    let report = plan(&client, APP, &objects, &Policy::default()).await;
    assert_eq!(report.resources.len(), objects.len());
    assert_eq!(
        report.summary.unknown,
        objects.len(),
        "{:#?}",
        drifted(&report)
    );
    for r in &report.resources {
        let message = r.message.as_deref().unwrap_or_default();
        assert!(
            message.contains("could not be asked"),
            "{}: {message}",
            r.id()
        );
    }
    assert_eq!(report.status(), SyncStatus::Unknown);
    // Diagnostic only (no timed assertion): how long giving up took.
    eprintln!("gave up after {:?}", started.elapsed());
}
