//! How long a sync and a rollback take on the local control plane, as `sync::run` does them for
//! the window and the command line (records, lease, ordering, apply, rollout watch):
//!
//! - syncing 100 resources (80 ConfigMaps, 10 Services, 10 Deployments of one replica) into
//!   an empty namespace: from the start until every object is applied, and until the rollout
//!   is Healthy;
//! - rolling a 20-resource application back to its previous deployment (from its record):
//!   until every object is applied, and until Healthy.
//!
//! Medians of 5 runs each. Needs the local control plane: `cargo xtask cluster up`, then
//! `cargo bench -p shipdeck-engine --bench sync`.

use serde_json::{Value, json};
use shipdeck_engine::deployments::{self, Context};
use shipdeck_engine::git::CancelToken;
use shipdeck_engine::manifests::{ObjectId, RenderedObject, Source};
use shipdeck_engine::settings::model::{Application, Cluster, Revision, Settings};
use shipdeck_engine::sync::{self, Job, Place};
use shipdeck_ipc::deploy::{DeploymentKind, DeploymentResult, SyncProgress};
use shipdeck_testkit::{contexts, kubectl};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn object(
    group: &str,
    version: &str,
    kind: &str,
    ns: &str,
    name: &str,
    body: Value,
) -> RenderedObject {
    let api_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    let mut object = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "namespace": ns}});
    object
        .as_object_mut()
        .unwrap()
        .extend(body.as_object().unwrap().clone());
    RenderedObject {
        id: ObjectId {
            group: group.into(),
            kind: kind.into(),
            namespace: Some(ns.into()),
            name: name.into(),
        },
        version: version.into(),
        source: Source {
            path: "bench.yaml".into(),
            document: 0,
            line: 1,
            item: None,
        },
        object,
    }
}

/// `configmaps` ConfigMaps, and `workloads` Services and Deployments, at `release`.
fn application(
    ns: &str,
    configmaps: usize,
    workloads: usize,
    release: &str,
) -> Vec<RenderedObject> {
    let mut out: Vec<RenderedObject> = (0..configmaps)
        .map(|i| {
            object(
                "",
                "v1",
                "ConfigMap",
                ns,
                &format!("config-{i}"),
                json!({"data": {"release": release}}),
            )
        })
        .collect();
    for i in 0..workloads {
        let name = format!("web-{i}");
        out.push(object(
            "",
            "v1",
            "Service",
            ns,
            &name,
            json!({"spec": {"selector": {"app": name}, "ports": [{"port": 80}]}}),
        ));
        out.push(object("apps", "v1", "Deployment", ns, &name, json!({"spec": {
            "replicas": 1, "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                         "spec": {"containers": [{"name": "api", "image": format!("registry.example/web:{release}")}]}}}})));
    }
    out
}

fn job(objects: Vec<RenderedObject>) -> Job {
    Job {
        app: "bench".into(),
        cluster: "local".into(),
        kind: DeploymentKind::Sync,
        revision: "bench".into(),
        commits: vec![],
        selection: vec![],
        objects,
        prune: vec![],
        policy: Default::default(),
        force: false,
        answers: None,
        restores: None,
        notes: vec![],
    }
}

/// Runs `job`; returns (until every object was applied, until it ended).
async fn timed(client: &kube::Client, job: Job, place: &Place) -> (Duration, Duration) {
    let total = job.objects.len();
    let started = Instant::now();
    let mut applied_at = None;
    let mut progress = |p: SyncProgress| {
        if let SyncProgress::Applied { done, .. } = p
            && done == total
        {
            applied_at = Some(started.elapsed());
        }
    };
    let done = sync::run(client, job, place, &CancelToken::new(), &mut progress)
        .await
        .unwrap();
    let ended = started.elapsed();
    assert_eq!(done.result, DeploymentResult::Succeeded, "{done:#?}");
    (applied_at.expect("every object applied"), ended)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn namespace(name: &str) {
    let _ = kubectl(contexts::A, &["create", "namespace", name]);
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = runtime.block_on(shipdeck_testkit::client(contexts::A));
    let work = tempfile::tempdir().unwrap();
    let records = format!("bench-records-{}", std::process::id());
    let place = Place {
        namespace: records.clone(),
        keep_manifests: 10,
        local: work.path().to_path_buf(),
        timeout: Duration::from_secs(300),
    };
    let mut namespaces = vec![records.clone()];

    let (mut applied, mut healthy) = (Vec::new(), Vec::new());
    for run in 0..RUNS {
        let ns = format!("bench-sync-{}-{run}", std::process::id());
        namespace(&ns);
        namespaces.push(ns.clone());
        let (a, h) = runtime.block_on(timed(&client, job(application(&ns, 80, 10, "1.0")), &place));
        applied.push(a);
        healthy.push(h);
    }
    println!(
        "sync of 100 resources into an empty namespace: applied in {:?} (median of {RUNS}), Healthy in {:?}",
        median(applied),
        median(healthy)
    );

    // Rollback: an application of 20 resources at 1.0, then 2.0, then rolled back to 1.0 from
    // its record, through the same decision the window and the command line use.
    let ns = format!("bench-rollback-{}", std::process::id());
    namespace(&ns);
    namespaces.push(ns.clone());
    let settings: Settings =
        toml::from_str(&format!("[deployments]\nnamespace = {records:?}\n")).unwrap();
    let app = Application {
        id: "bench".into(),
        repository: "none".into(),
        revision: Revision::Branch("main".into()),
        path: String::new(),
        cluster: "local".into(),
        namespace: ns.clone(),
        helm: Default::default(),
        ignore: vec![],
        sync: Default::default(),
    };
    let cluster = Cluster {
        id: "local".into(),
        context: contexts::A.into(),
        kubeconfig: vec![],
        credential: None,
    };
    let cx = Context {
        settings: &settings,
        app: &app,
        cluster: &cluster,
        client: &client,
        local_root: work.path(),
    };
    let (mut applied, mut healthy) = (Vec::new(), Vec::new());
    for run in 0..RUNS {
        let forward = format!("2.{run}");
        runtime.block_on(timed(&client, job(application(&ns, 14, 3, "1.0")), &place));
        runtime.block_on(timed(
            &client,
            job(application(&ns, 14, 3, &forward)),
            &place,
        ));
        let history = runtime.block_on(deployments::history(&cx)).unwrap();
        let rollback = runtime
            .block_on(deployments::rollback_job(&cx, &history, None))
            .unwrap();
        assert_eq!(rollback.objects.len(), 20);
        let (a, h) = runtime.block_on(timed(&client, rollback, &place));
        applied.push(a);
        healthy.push(h);
    }
    println!(
        "rollback of a 20-resource application to its previous deployment: applied in {:?} (median of {RUNS}), Healthy in {:?}",
        median(applied),
        median(healthy)
    );
    for ns in namespaces {
        let _ = kubectl(contexts::A, &["delete", "namespace", &ns, "--wait=false"]);
    }
}
