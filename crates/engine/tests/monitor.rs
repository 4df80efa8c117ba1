//! The monitor end to end without a UI: a real repository on disk, real pollers, a cluster
//! that is not there. Input: settings; action: reconfigure (and a push); expected: the
//! overview the UI would be sent.

use shipdeck_engine::credentials::Keyring;
use shipdeck_engine::monitor::Monitor;
use shipdeck_ipc::config::{ApplicationEntry, ClusterEntry, RepositoryEntry, Revision, Settings};
use shipdeck_ipc::connections::{ClusterState, ConnectionsOverview, RevisionState};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const DEPLOYMENT: &str =
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n";
const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";

fn settings(repo: &Path, poll_secs: u32) -> Settings {
    Settings {
        clusters: vec![ClusterEntry {
            id: "gone".into(),
            context: "gone".into(),
            kubeconfig: vec![repo.join("no-such-kubeconfig").display().to_string()],
        }],
        repositories: vec![RepositoryEntry {
            id: "repo".into(),
            url: repo.display().to_string(),
            auth: Default::default(),
            poll_interval_secs: poll_secs,
        }],
        applications: vec![ApplicationEntry {
            id: "web".into(),
            repository: "repo".into(),
            revision: Revision::Branch("main".into()),
            path: "apps/web".into(),
            cluster: "gone".into(),
            namespace: "shop".into(),
        }],
    }
}

/// Waits until the latest overview satisfies `done`; fails with the last one seen.
fn wait(
    latest: &Mutex<ConnectionsOverview>,
    what: &str,
    done: impl Fn(&ConnectionsOverview) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let seen = latest.lock().unwrap().clone();
        if done(&seen) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: never happened; last overview: {seen:#?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn revisions_are_polled_rendered_and_clusters_checked() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    write(&repo, "apps/web/deployment.yaml", DEPLOYMENT);
    write(&repo, "apps/web/service.yaml", SERVICE);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "Add web"]);

    let latest = Arc::new(Mutex::new(ConnectionsOverview::default()));
    let sink = latest.clone();
    let monitor = Monitor::start(
        runtime.handle().clone(),
        Arc::new(Keyring::with_service("dev.shipdeck.test.monitor")),
        work.path().join("mirrors"),
        move |o| *sink.lock().unwrap() = o,
    );
    monitor.reconfigure(&settings(&repo, 5));

    let app = |o: &ConnectionsOverview| o.applications.first().cloned();
    wait(&latest, "the revision resolves", |o| {
        app(o).is_some_and(
            |a| matches!(&a.revision, RevisionState::Resolved(c) if c.summary == "Add web"),
        )
    });
    wait(&latest, "the manifests render", |o| {
        app(o)
            .and_then(|a| a.render)
            .is_some_and(|r| r.objects.len() == 2 && r.errors.is_empty())
    });
    let render = app(&latest.lock().unwrap()).unwrap().render.unwrap();
    assert_eq!(
        render.objects,
        ["apps/Deployment/shop/web", "Service/shop/web"]
    );
    wait(&latest, "the missing cluster is reported", |o| {
        matches!(
            o.clusters.first().map(|c| &c.state),
            Some(ClusterState::Failed { .. })
        )
    });

    // A push that breaks a file: the new revision is seen at the next poll and the error
    // names the file, while the good object still renders.
    write(&repo, "apps/web/service.yaml", "kind: [unclosed\n");
    git(&repo, &["commit", "-q", "-am", "Break the service"]);
    wait(&latest, "the broken file is reported", |o| {
        app(o).and_then(|a| a.render).is_some_and(|r| {
            r.objects.len() == 1 && r.errors.iter().any(|e| e.contains("service.yaml"))
        })
    });
    drop(monitor);
}
