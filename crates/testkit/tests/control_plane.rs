//! Integration tests against the real local control plane (`cargo xtask cluster up`).
//!
//! Each case reads as input (the objects), action (what the test does) and expected state
//! (what the cluster converges to). They wait with bounded polling, never fixed sleeps.
//! The check that `cargo xtask cluster down` leaves nothing behind is destructive, so it runs
//! in `cargo xtask test` after every test binary (xtask's `cluster::verify_down`).

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use shipdeck_testkit::{contexts, eventually, with_namespace};
use std::time::Duration;

/// Generous bound for convergence on a busy 2-core machine; healthy runs take seconds.
const CONVERGE: Duration = Duration::from_secs(120);

/// A Deployment of `replicas` pods of `image`, with an optional progress deadline.
fn deployment(
    name: &str,
    image: &str,
    replicas: i32,
    progress_deadline: Option<i32>,
) -> Deployment {
    let mut value = serde_json::json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": name },
        "spec": {
            "replicas": replicas,
            "selector": { "matchLabels": { "app": name } },
            "template": {
                "metadata": { "labels": { "app": name } },
                "spec": { "containers": [{ "name": "app", "image": image }] }
            }
        }
    });
    if let Some(seconds) = progress_deadline {
        value["spec"]["progressDeadlineSeconds"] = seconds.into();
    }
    serde_json::from_value(value).expect("deployment literal")
}

fn condition(deploy: &Deployment, kind: &str) -> Option<(String, Option<String>)> {
    let conditions = deploy.status.as_ref()?.conditions.as_ref()?;
    let found = conditions.iter().find(|c| c.type_ == kind)?;
    Some((found.status.clone(), found.reason.clone()))
}

/// Waits until the Deployment's current spec is fully rolled out with `replicas` available.
async fn wait_rolled_out(api: &Api<Deployment>, name: &str, replicas: i32) -> Deployment {
    eventually(
        &format!("deployment {name} rolled out with {replicas} available"),
        CONVERGE,
        || async {
            let deploy = api.get(name).await.map_err(|e| e.to_string())?;
            let status = deploy.status.clone().unwrap_or_default();
            let current = status.observed_generation >= deploy.metadata.generation;
            let done = current
                && status.updated_replicas == Some(replicas)
                && status.available_replicas == Some(replicas)
                && status.replicas == Some(replicas)
                && condition(&deploy, "Available").is_some_and(|(s, _)| s == "True");
            if done {
                Ok(deploy)
            } else {
                Err(format!("status {status:?}"))
            }
        },
    )
    .await
}

fn is_ready(pod: &Pod) -> bool {
    let conditions = pod.status.as_ref().and_then(|s| s.conditions.as_ref());
    conditions.is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

#[tokio::test]
async fn deployment_with_three_replicas_becomes_available_on_kwok_nodes() {
    with_namespace(
        contexts::A,
        "available",
        |client: Client, ns: String| async move {
            // Input: a Deployment of 3 replicas.
            let deployments: Api<Deployment> = Api::namespaced(client.clone(), &ns);
            let web = deployment("web", "registry.example/web:1.0", 3, None);
            // Action: create it.
            deployments
                .create(&PostParams::default(), &web)
                .await
                .expect("create deployment");
            // Expected: Available with 3 Ready pods, all scheduled on KWOK's fake node.
            wait_rolled_out(&deployments, "web", 3).await;
            let pods: Api<Pod> = Api::namespaced(client, &ns);
            let pods = pods
                .list(&ListParams::default().labels("app=web"))
                .await
                .expect("list pods");
            let ready: Vec<_> = pods.items.iter().filter(|p| is_ready(p)).collect();
            assert_eq!(
                ready.len(),
                3,
                "ready pods: {:?}",
                pods.items.iter().map(|p| &p.status).collect::<Vec<_>>()
            );
            for pod in ready {
                let node = pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.node_name.clone())
                    .unwrap_or_default();
                assert!(
                    node.starts_with("kwok-"),
                    "pod {} runs on {node:?}, not a KWOK node",
                    pod.name_any()
                );
            }
        },
    )
    .await;
}

#[tokio::test]
async fn changing_the_image_creates_revision_two_and_completes() {
    with_namespace(
        contexts::A,
        "revision",
        |client: Client, ns: String| async move {
            // Input: a rolled-out Deployment at revision 1.
            let deployments: Api<Deployment> = Api::namespaced(client.clone(), &ns);
            let web = deployment("web", "registry.example/web:1.0", 3, None);
            deployments
                .create(&PostParams::default(), &web)
                .await
                .expect("create deployment");
            wait_rolled_out(&deployments, "web", 3).await;
            // Action: change the container image.
            let patch = serde_json::json!({ "spec": { "template": { "spec": {
            "containers": [{ "name": "app", "image": "registry.example/web:2.0" }] } } } });
            deployments
                .patch("web", &PatchParams::default(), &Patch::Strategic(&patch))
                .await
                .expect("patch image");
            // Expected: a ReplicaSet at revision 2 with the new image, fully rolled out.
            wait_rolled_out(&deployments, "web", 3).await;
            let sets: Api<ReplicaSet> = Api::namespaced(client, &ns);
            let sets = sets
                .list(&ListParams::default().labels("app=web"))
                .await
                .expect("list replicasets");
            let revision = |rs: &ReplicaSet| {
                rs.annotations()
                    .get("deployment.kubernetes.io/revision")
                    .cloned()
            };
            let image = |rs: &ReplicaSet| {
                rs.spec
                    .as_ref()
                    .and_then(|s| s.template.as_ref())
                    .and_then(|t| t.spec.as_ref())
                    .map(|s| s.containers[0].image.clone())
            };
            let new = sets
                .items
                .iter()
                .find(|rs| revision(rs).as_deref() == Some("2"))
                .expect("a ReplicaSet at revision 2");
            assert_eq!(
                image(new).flatten().as_deref(),
                Some("registry.example/web:2.0")
            );
            assert_eq!(new.status.as_ref().and_then(|s| s.ready_replicas), Some(3));
        },
    )
    .await;
}

#[tokio::test]
async fn broken_image_reaches_progress_deadline_exceeded() {
    with_namespace(
        contexts::A,
        "broken",
        |client: Client, ns: String| async move {
            // Input: a Deployment following the failure convention (image tag `broken`), deadline 5s.
            let deployments: Api<Deployment> = Api::namespaced(client.clone(), &ns);
            let bad = deployment("bad", "registry.example/app:broken", 2, Some(5));
            // Action: create it.
            deployments
                .create(&PostParams::default(), &bad)
                .await
                .expect("create deployment");
            // Expected: Progressing=False with reason ProgressDeadlineExceeded, and no pod Ready.
            eventually(
                "Progressing=False/ProgressDeadlineExceeded",
                CONVERGE,
                || async {
                    let deploy = deployments.get("bad").await.map_err(|e| e.to_string())?;
                    match condition(&deploy, "Progressing") {
                        Some((status, Some(reason)))
                            if status == "False" && reason == "ProgressDeadlineExceeded" =>
                        {
                            Ok(())
                        }
                        other => Err(format!("Progressing condition {other:?}")),
                    }
                },
            )
            .await;
            let pods: Api<Pod> = Api::namespaced(client, &ns);
            let pods = pods
                .list(&ListParams::default().labels("app=bad"))
                .await
                .expect("list pods");
            assert!(!pods.items.is_empty(), "the broken Deployment made no pods");
            assert!(
                pods.items.iter().all(|p| !is_ready(p)),
                "a pod with a broken image is Ready"
            );
        },
    )
    .await;
}

#[tokio::test]
async fn server_side_apply_dry_run_returns_server_defaults() {
    with_namespace(
        contexts::A,
        "dry-run",
        |client: Client, ns: String| async move {
            // Input: a minimal Deployment with no strategy and no terminationMessagePath.
            let deployments: Api<Deployment> = Api::namespaced(client, &ns);
            let web = deployment("web", "registry.example/web:1.0", 1, None);
            // Action: server-side apply it as a dry run.
            let params = PatchParams::apply("shipdeck").dry_run();
            let applied = deployments
                .patch("web", &params, &Patch::Apply(&web))
                .await
                .expect("dry-run apply");
            // Expected: the answer carries the server's defaults, and nothing was stored.
            let spec = applied.spec.expect("spec");
            let strategy = spec.strategy.expect("defaulted spec.strategy");
            assert_eq!(strategy.type_.as_deref(), Some("RollingUpdate"));
            let container = &spec.template.spec.expect("pod spec").containers[0];
            assert_eq!(
                container.termination_message_path.as_deref(),
                Some("/dev/termination-log")
            );
            assert!(
                deployments.get_opt("web").await.expect("get").is_none(),
                "a dry run stored the object"
            );
        },
    )
    .await;
}

#[tokio::test]
async fn both_clusters_answer_with_token_and_certificate_users() {
    // Input: the four admin contexts. Action: ask for the version and list namespaces.
    for context in [contexts::A, contexts::A_CERT, contexts::B, contexts::B_CERT] {
        let client = shipdeck_testkit::client(context).await;
        // Expected: the pinned Kubernetes version, and admin rights.
        let version = client
            .apiserver_version()
            .await
            .unwrap_or_else(|e| panic!("{context}: version: {e}"));
        assert_eq!(version.git_version, "v1.34.2", "{context}");
        let namespaces: Api<Namespace> = Api::all(client);
        let list = namespaces
            .list(&ListParams::default())
            .await
            .unwrap_or_else(|e| panic!("{context}: list: {e}"));
        assert!(
            list.items.iter().any(|n| n.name_any() == "kube-system"),
            "{context}: no kube-system"
        );
    }
}

#[test]
fn pinned_kubectl_reports_v1_34_2_and_lists_namespaces() {
    // Input: the kubectl `cargo xtask test` builds, and cluster A's admin context.
    // Action: ask for the client and server versions, then list namespaces.
    let version = shipdeck_testkit::kubectl_ok(contexts::A, &["version", "-o", "json"]);
    let version: serde_json::Value = serde_json::from_str(&version)
        .unwrap_or_else(|e| panic!("kubectl version -o json: {e}\n{version}"));
    // Expected: client and server both at the pinned version, and the usual namespaces.
    for side in ["clientVersion", "serverVersion"] {
        assert_eq!(
            version[side]["gitVersion"], "v1.34.2",
            "{side} in {version:#}"
        );
    }
    let namespaces = shipdeck_testkit::kubectl_ok(contexts::A, &["get", "ns"]);
    for ns in ["default", "kube-system"] {
        assert!(
            namespaces
                .lines()
                .any(|l| l.split_whitespace().next() == Some(ns)),
            "no {ns} in `kubectl get ns`:\n{namespaces}"
        );
    }
}

#[tokio::test]
async fn a_user_without_rbac_rights_is_forbidden() {
    // Input: the token user with no bindings, on both clusters.
    for context in [contexts::A_NOBODY, contexts::B_NOBODY] {
        let pods: Api<Pod> = Api::namespaced(shipdeck_testkit::client(context).await, "default");
        // Action: list pods. Expected: 403 Forbidden (authenticated, but not authorized).
        match pods.list(&ListParams::default()).await {
            Err(kube::Error::Api(status)) => {
                assert!(
                    status.is_forbidden(),
                    "{context}: expected 403, got {status:?}"
                );
            }
            other => panic!("{context}: expected Forbidden, got {other:?}"),
        }
    }
}
