//! Drift against the local control plane: right after Shipdeck applies, nothing differs; each
//! change made by hand with kubectl shows as exactly that change, named after its manager;
//! a deleted object is missing, one gone from Git is extra, an untracked one is never mentioned.

use serde_json::Value;
use shipdeck_engine::drift::plan::plan;
use shipdeck_engine::drift::policy::{FIELD_MANAGER, IgnoreRule, Policy};
use shipdeck_engine::drift::tracking;
use shipdeck_engine::manifests::{self, Options, RenderedObject};
use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::drift::{DriftReason, DriftReport, ResourceDrift};
use shipdeck_testkit::{contexts, kubectl_ok, kubectl_with_env, server_side_apply, with_namespace};
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
        // `kubectl edit` adding a field Git does not declare.
        let edit = kubectl_with_env(
            contexts::A,
            &[(
                "KUBE_EDITOR",
                "sed -i 's/^spec:$/spec:\\n  minReadySeconds: 7/'",
            )],
            &["-n", ns.as_str(), "edit", "deployment/web"],
        );
        assert!(edit.status.success(), "{edit:?}");
        let report = plan(&client, APP, &objects, &policy).await;
        let found = changes(&report, &web);
        let expected = [
            ("/metadata/labels/team", "kubectl-label"),
            ("/spec/minReadySeconds", "kubectl-edit"),
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
        let edited = &find(&report, &web).changes[1];
        assert_eq!(
            (&edited.live, &edited.desired),
            (&Some(serde_json::json!(7)), &None)
        );

        // Ignore rules: a pointer for one kind, and every field one manager owns.
        let ignoring = Policy {
            ignore: vec![
                IgnoreRule::Pointer {
                    pointer: "/spec/replicas".into(),
                    kind: Some("Deployment".into()),
                },
                IgnoreRule::Manager {
                    manager: "kubectl-set".into(),
                },
            ],
            ..Policy::default()
        };
        let report = plan(&client, APP, &objects, &ignoring).await;
        let left: Vec<String> = changes(&report, &web).into_iter().map(|c| c.0).collect();
        assert_eq!(left, ["/metadata/labels/team", "/spec/minReadySeconds"]);
        let hidden: Vec<(&str, &str)> = find(&report, &web)
            .ignored
            .iter()
            .map(|i| (i.change.path.as_str(), i.why.as_str()))
            .collect();
        assert!(
            hidden.contains(&("/spec/replicas", "ignore rule /spec/replicas"))
                && hidden.contains(&(
                    "/spec/template/spec/containers/0/image",
                    "ignore rule: fields owned by kubectl-set"
                )),
            "{hidden:?}"
        );

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
        health: None,
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

/// Cluster-scoped kinds and a custom resource: an aggregated ClusterRole (its rules are filled
/// by a controller), a CRD, and an object of it whose schema defaults fields Git leaves out.
#[tokio::test]
async fn a_crd_with_defaults_its_resource_and_an_aggregated_cluster_role_show_no_false_drift() {
    with_namespace(contexts::A, "drift-crd", |client, ns| async move {
        // Cluster-scoped names must not clash between runs.
        let suffix = ns.trim_start_matches("t-").replace(|c: char| !c.is_ascii_alphanumeric(), "");
        let group = format!("{suffix}.test.shipdeck.dev");
        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join("app");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("crd.yaml"),
            format!(
                "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.{group}\n\
                 spec:\n  group: {group}\n  scope: Namespaced\n  names: {{plural: widgets, singular: widget, kind: Widget}}\n\
                 \x20 versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n\
                 \x20         type: object\n          properties:\n            spec:\n              type: object\n\
                 \x20             properties:\n                size: {{type: integer, default: 3}}\n\
                 \x20               color: {{type: string, default: blue}}\n                memory: {{type: string}}\n"
            ),
        )
        .unwrap();
        let label = format!("{group}/aggregate");
        std::fs::write(
            dir.join("roles.yaml"),
            format!(
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {suffix}-all\n\
                 aggregationRule:\n  clusterRoleSelectors:\n    - matchLabels: {{{label:?}: \"true\"}}\nrules: []\n---\n\
                 apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {suffix}-part\n\
                 \x20 labels: {{{label:?}: \"true\"}}\nrules:\n  - apiGroups: [\"\"]\n    resources: [configmaps]\n    verbs: [get]\n"
            ),
        )
        .unwrap();
        let rendered = manifests::render(work.path(), "app", &Options::new(ns.as_str(), APP))
            .await
            .unwrap();
        assert!(rendered.errors.is_empty(), "{:?}", rendered.errors);
        apply(&client, &rendered.objects).await;
        let crd = format!("widgets.{group}");
        kubectl_ok(contexts::A, &["wait", "--for=condition=established", "--timeout=60s", &format!("crd/{crd}")]);

        // The custom resource, with `size` and `color` left to the schema's defaults.
        std::fs::write(
            dir.join("widget.yaml"),
            format!("apiVersion: {group}/v1\nkind: Widget\nmetadata:\n  name: gizmo\nspec:\n  memory: 0.5Gi\n"),
        )
        .unwrap();
        let rendered = manifests::render(work.path(), "app", &Options::new(ns.as_str(), APP))
            .await
            .unwrap();
        apply(&client, &rendered.objects).await;
        // The aggregation controller fills the aggregated role's rules.
        shipdeck_testkit::eventually("the aggregated rules are filled", std::time::Duration::from_secs(60), || {
            let name = format!("{suffix}-all");
            async move {
                let out = kubectl_ok(contexts::A, &["get", "clusterrole", &name, "-o", "jsonpath={.rules}"]);
                if out.contains("configmaps") { Ok(()) } else { Err(out) }
            }
        })
        .await;

        let report = plan(&client, APP, &rendered.objects, &Policy::default()).await;
        let cleanup = |what: &str, name: &str| {
            let _ = shipdeck_testkit::kubectl(contexts::A, &["delete", what, name, "--wait=false"]);
        };
        cleanup("crd", &crd);
        cleanup("clusterrole", &format!("{suffix}-all"));
        cleanup("clusterrole", &format!("{suffix}-part"));
        assert_eq!(report.resources.len(), 4, "{:?}", ids(&report));
        assert!(drifted(&report).is_empty(), "false drift: {:#?}", drifted(&report));
        assert!(report.incomplete.is_empty(), "{:?}", report.incomplete);
    })
    .await;
}

/// The monitor's way of comparing: live objects from the cluster's shared cache, dry runs kept
/// until something they depend on changes. Same answers as asking the API server for all of
/// it; no API call at all for an application whose cluster did not change.
#[tokio::test]
async fn with_the_live_cache_and_kept_predictions_an_unchanged_cluster_costs_no_call() {
    use shipdeck_engine::drift::live_cache::LiveCache;
    use shipdeck_engine::drift::plan::{Asked, Lookups, plan_with};
    use shipdeck_engine::drift::predict::Catalog;
    use shipdeck_engine::drift::predictions::Predictions;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;
    with_namespace(contexts::A, "drift-cache", |client, ns| async move {
        let objects = render(&ns).await;
        apply(&client, &objects).await;
        let policy = Policy::default();
        let (catalog, cache) = (Catalog::default(), LiveCache::new(client.clone()));
        let predictions = Arc::new(Mutex::new(Predictions::default()));
        let lookups = Lookups {
            catalog: &catalog,
            cache: Some(&cache),
            predictions: Some(predictions.clone()),
            follower: None,
        };
        let first = plan_with(&client, &lookups, APP, &objects, &policy).await;
        assert!(
            drifted(&first.report).is_empty(),
            "{:#?}",
            drifted(&first.report)
        );
        assert_eq!(first.asked.dry_runs, objects.len(), "nothing kept yet");
        let scopes = first.scopes;
        let watched = cache.watched();
        assert_eq!(watched, scopes.len());
        shipdeck_testkit::eventually(
            "the cache lists every scope",
            Duration::from_secs(30),
            || {
                let ready = scopes.iter().all(|s| s.is_ready());
                async move {
                    if ready {
                        Ok(())
                    } else {
                        Err("not yet".to_string())
                    }
                }
            },
        )
        .await;

        // Controllers still update status (a new resourceVersion asks again) for a moment;
        // once they are done, a comparison asks nothing.
        let again = shipdeck_testkit::eventually(
            "a comparison that asks the API server nothing",
            Duration::from_secs(30),
            || {
                let (lookups, client, objects, policy) = (&lookups, &client, &objects, &policy);
                async move {
                    let planned = plan_with(client, lookups, APP, objects, policy).await;
                    if planned.asked == Asked::default() {
                        Ok(planned)
                    } else {
                        Err(format!("{:?}", planned.asked))
                    }
                }
            },
        )
        .await;
        // Health is left out: pods KWOK starts become ready between the two comparisons.
        let without_health = |mut report: shipdeck_ipc::drift::DriftReport| {
            report.resources.iter_mut().for_each(|r| r.health = None);
            report
        };
        assert_eq!(
            without_health(again.report),
            without_health(plan(&client, APP, &objects, &policy).await)
        );

        // Another application on the same cluster reads the same watches.
        let other = plan_with(&client, &lookups, "other", &objects, &policy).await;
        assert_eq!(cache.watched(), watched);
        drop(other);

        kubectl_ok(
            contexts::A,
            &["-n", &ns, "scale", "deployment/web", "--replicas=5"],
        );
        let web = format!("apps/Deployment/{ns}/web");
        let scaled = shipdeck_testkit::eventually(
            "the cache sees the scale",
            Duration::from_secs(30),
            || {
                let lookups = &lookups;
                let (client, objects, policy, web) = (&client, &objects, &policy, &web);
                async move {
                    let planned = plan_with(client, lookups, APP, objects, policy).await;
                    let now = drifted(&planned.report);
                    if now.len() == 1 && now[0].starts_with(&format!("{web} OutOfSync")) {
                        Ok(planned)
                    } else {
                        Err(format!("{:?}", drifted(&planned.report)))
                    }
                }
            },
        )
        .await;
        assert_eq!(
            (scaled.asked.gets, scaled.asked.lists),
            (0, 0),
            "live objects come from the cache"
        );
        assert!(
            (1..objects.len()).contains(&scaled.asked.dry_runs),
            "the scaled object's prediction is asked again, not every one: {:?}",
            scaled.asked
        );
        assert_eq!(
            changes(&scaled.report, &web),
            [("/spec/replicas".to_string(), Some("kubectl".to_string()))]
        );

        // Gone from Git: found through a metadata-only scope (no Secret data held), then read
        // whole, once, to show what a sync would delete.
        let without_pdb: Vec<RenderedObject> = objects
            .iter()
            .filter(|o| o.id.kind != "PodDisruptionBudget")
            .cloned()
            .collect();
        let pdb = format!("policy/PodDisruptionBudget/{ns}/web");
        // Held, as the monitor holds the scopes of its last comparison, while they list.
        let _held = plan_with(&client, &lookups, APP, &without_pdb, &policy)
            .await
            .scopes;
        let extra = shipdeck_testkit::eventually(
            "the extra object is found through the metadata scope",
            Duration::from_secs(30),
            || {
                let (lookups, client, objects, policy, pdb) =
                    (&lookups, &client, &without_pdb, &policy, &pdb);
                async move {
                    let planned = plan_with(client, lookups, APP, objects, policy).await;
                    let found = planned.report.resources.iter().any(|r| r.id() == *pdb);
                    if found && planned.asked.lists == 0 {
                        Ok(planned)
                    } else {
                        Err(format!("{:?} {:?}", planned.asked, ids(&planned.report)))
                    }
                }
            },
        )
        .await;
        let found = find(&extra.report, &pdb);
        assert_eq!(found.reason, Some(DriftReason::Extra));
        assert!(
            found
                .live_yaml
                .as_deref()
                .is_some_and(|y| y.contains("minAvailable")),
            "the whole object is shown: {:?}",
            found.live_yaml
        );
        assert_eq!(extra.asked.gets, 1, "only the extra object is read whole");
    })
    .await;
}
