//! How long a change made in the cluster takes to show in the engine's state: the median of 20
//! changes (each scale shown as OutOfSync, each scale back as Synced), from the moment the API
//! server accepted the change to the first published state that shows it.
//!
//! Needs the local control plane: `cargo xtask cluster up`, then
//! `cargo bench -p shipdeck-engine --bench live_latency`.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use shipdeck_engine::credentials::Keyring;
use shipdeck_engine::engine::{Dirs, Engine, Options};
use shipdeck_engine::live::LiveState;
use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::config::{ApplicationEntry, HelmSettings, Revision};
use shipdeck_testkit::{contexts, kubeconfig, manifests::web_deployment};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const CHANGES: usize = 20;

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Bench", "-c", "user.email=b@example.com"])
        .args(args)
        .status()
        .expect("git")
        .success();
    assert!(ok, "git {args:?}");
}

fn status(state: &LiveState) -> Option<SyncStatus> {
    state
        .overview
        .applications
        .first()?
        .sync
        .as_ref()
        .map(|s| s.status)
}

/// Waits until the engine shows `wanted`; returns how long it took.
fn until(engine: &Engine, wanted: SyncStatus) -> Duration {
    let started = Instant::now();
    while status(&engine.live()) != Some(wanted) {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "never {wanted:?}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    started.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let work = tempfile::tempdir().unwrap();
    let ns = format!("bench-latency-{}", std::process::id());
    let client = runtime.block_on(shipdeck_testkit::client(contexts::A));
    let namespaces: Api<Namespace> = Api::all(client.clone());
    let mut namespace = Namespace::default();
    namespace.metadata.name = Some(ns.clone());
    runtime
        .block_on(namespaces.create(&PostParams::default(), &namespace))
        .unwrap();

    // Git declares the Deployment; it is applied the way a sync applies it.
    let repo = work.path().join("repo");
    std::fs::create_dir_all(repo.join("apps/web")).unwrap();
    std::fs::write(repo.join("apps/web/deployment.yaml"), web_deployment(None)).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "Web"]);
    let applied: serde_json::Value = serde_saphyr::from_str(&web_deployment(Some(&format!(
        "web:apps/Deployment:{ns}/web"
    ))))
    .unwrap();
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), &ns);
    runtime
        .block_on(deployments.patch(
            "web",
            &PatchParams::apply("shipdeck").force(),
            &Patch::Apply(&applied),
        ))
        .unwrap();

    let dirs = Dirs::new(
        work.path().join("config"),
        work.path().join("data"),
        work.path().join("cache"),
    );
    std::fs::create_dir_all(&dirs.config).unwrap();
    std::fs::write(
        dirs.settings_file(),
        format!(
            "format = 2\n\n[[clusters]]\nid = \"local\"\ncontext = {:?}\nkubeconfig = [{:?}]\n\n\
             [[repositories]]\nid = \"repo\"\nurl = {:?}\npoll_interval_secs = 300\n",
            contexts::A,
            kubeconfig().display().to_string(),
            repo.display().to_string()
        ),
    )
    .unwrap();
    let engine = {
        let _guard = runtime.enter();
        Engine::open(
            dirs,
            std::sync::Arc::new(Keyring::with_service("dev.shipdeck.bench")),
            runtime.handle().clone(),
            Options {
                // Only watches: the periodic recheck would blur what is measured.
                drift_recheck: Duration::from_secs(3600),
                ..Options::default()
            },
        )
    };
    engine
        .save_application(ApplicationEntry {
            id: "web".into(),
            repository: "repo".into(),
            revision: Revision::Branch("main".into()),
            path: "apps/web".into(),
            cluster: "local".into(),
            namespace: ns.clone(),
            helm: HelmSettings::default(),
            ignore: Vec::new(),
            sync: Default::default(),
        })
        .unwrap();
    until(&engine, SyncStatus::Synced);

    let scale = |replicas: u32| {
        let patch = serde_json::json!({"spec": {"replicas": replicas}});
        runtime
            .block_on(deployments.patch(
                "web",
                &PatchParams {
                    field_manager: Some("kubectl-scale".into()),
                    ..PatchParams::default()
                },
                &Patch::Merge(&patch),
            ))
            .unwrap();
    };
    let (mut drifted, mut restored) = (Vec::new(), Vec::new());
    for _ in 0..CHANGES {
        scale(5);
        drifted.push(until(&engine, SyncStatus::OutOfSync));
        scale(2);
        restored.push(until(&engine, SyncStatus::Synced));
    }
    println!(
        "live change → OutOfSync: median {:?} over {CHANGES} changes (min {:?}, max {:?})",
        median(drifted.clone()),
        drifted.iter().min().unwrap(),
        drifted.iter().max().unwrap()
    );
    println!(
        "change back → Synced:    median {:?} over {CHANGES} changes (min {:?}, max {:?})",
        median(restored.clone()),
        restored.iter().min().unwrap(),
        restored.iter().max().unwrap()
    );
    let _ = runtime.block_on(namespaces.delete(&ns, &DeleteParams::background()));
}
