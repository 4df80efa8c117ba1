//! Normalising and diffing: 1,000 live Deployments against their predictions, the work drift
//! does per comparison once the cluster has answered. Target: 50 ms or less, one thread.
//!
//! `cargo bench -p shipdeck-engine --bench drift` (no cluster needed).

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use shipdeck_engine::drift::compare::{Sides, compare};
use shipdeck_engine::drift::policy::Policy;
use shipdeck_engine::manifests::ObjectId;
use std::hint::black_box;

/// A Deployment as the API server returns it: defaults, status and field ownership included.
fn live(i: usize, replicas: u64, image: &str) -> Value {
    let env: Vec<Value> = (0..10)
        .map(|e| json!({"name": format!("VAR_{e}"), "value": format!("value-{i}-{e}")}))
        .collect();
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {
            "name": format!("app-{i}"), "namespace": "shop", "uid": format!("uid-{i}"),
            "resourceVersion": "12345", "generation": 3, "creationTimestamp": "2026-01-01T00:00:00Z",
            "labels": {"app": format!("app-{i}"), "team": "shop"},
            "annotations": {"shipdeck.dev/tracking-id": format!("shop:apps/Deployment:shop/app-{i}"),
                "deployment.kubernetes.io/revision": "3"},
            "managedFields": [
                {"manager": "shipdeck", "operation": "Apply", "fieldsV1": {
                    "f:metadata": {"f:labels": {"f:app": {}, "f:team": {}}},
                    "f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {
                        "k:{\"name\":\"api\"}": {".": {}, "f:name": {}, "f:image": {}, "f:env": {}}}}}}}},
                {"manager": "kube-controller-manager", "operation": "Update", "subresource": "status",
                    "fieldsV1": {"f:status": {"f:replicas": {}, "f:readyReplicas": {}}}}
            ]
        },
        "spec": {
            "replicas": replicas, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
            "selector": {"matchLabels": {"app": format!("app-{i}")}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": {
                "metadata": {"labels": {"app": format!("app-{i}")}},
                "spec": {
                    "containers": [{"name": "api", "image": image, "env": env,
                        "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}},
                        "imagePullPolicy": "IfNotPresent", "terminationMessagePath": "/dev/termination-log"}],
                    "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler"
                }
            }
        },
        "status": {"replicas": replicas, "readyReplicas": replicas, "observedGeneration": 3}
    })
}

fn bench(c: &mut Criterion) {
    // One in twenty drifted (scaled and given a new image), as after a busy afternoon.
    let cases: Vec<(ObjectId, Value, Result<Value, String>, Value)> = (0..1000)
        .map(|i| {
            let id = ObjectId {
                group: "apps".into(),
                kind: "Deployment".into(),
                namespace: Some("shop".into()),
                name: format!("app-{i}"),
            };
            let desired = live(i, 3, "registry.example/api:1.4");
            let live = if i % 20 == 0 {
                live(i, 5, "registry.example/api:1.5")
            } else {
                desired.clone()
            };
            (id, desired.clone(), Ok(desired), live)
        })
        .collect();
    let policy = Policy::default();
    c.bench_function("compare 1000 deployments", |b| {
        b.iter(|| {
            for (id, declared, predicted, live) in &cases {
                black_box(compare(
                    Sides {
                        id,
                        version: "v1",
                        declared: Some(declared),
                        predicted: Some(predicted),
                        live: Some(live),
                    },
                    &policy,
                ));
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
