//! Syncs and rollbacks through the engine, against the local control plane: what Git declares
//! is applied, the rollout is watched to Healthy or Degraded, and each deployment is recorded
//! in the cluster, where a second desk (another settings directory, Git unreachable) reads it
//! and rolls back from it. Each case reads as (repository and cluster, action, expected
//! cluster and records).

use shipdeck_engine::engine::{Dirs, Engine, Options};
use shipdeck_engine::live::LiveState;
use shipdeck_engine::manifests::Tools;
use shipdeck_engine::records::cluster::ClusterRecords;
use shipdeck_engine::records::lease;
use shipdeck_ipc::config::{ApplicationEntry, Revision};
use shipdeck_ipc::deploy::{
    ApplyAction, Deployment, DeploymentKind, DeploymentResult, RecordPlace, ResourceRef,
    SyncProgress, SyncRequest,
};
use shipdeck_ipc::{HealthStatus, SyncStatus};
use shipdeck_testkit::{contexts, kubectl, kubectl_ok};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=t@example.com"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

/// The application's manifests: a ConfigMap, a Service and a Deployment of two pods of
/// `image`, whose rollout gives up after 10 s (so a broken image fails fast).
fn manifests(image: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  greeting: hello\n\
         ---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {{app: web}}\n  \
         ports:\n    - port: 80\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n\
         spec:\n  replicas: 2\n  progressDeadlineSeconds: 10\n  selector:\n    matchLabels: {{app: web}}\n  \
         template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n        \
         - name: api\n          image: {image}\n"
    )
}

/// One desk: its own settings directory naming the repository (or a path where none is, for
/// a desk with Git unreachable), cluster A and a namespace of records for this test.
struct Desk {
    _work: tempfile::TempDir,
    runtime: tokio::runtime::Runtime,
    engine: Arc<Engine>,
}

impl Desk {
    fn open(repo: &Path, ns: &str, records: &str) -> Self {
        Self::open_as(repo, ns, records, contexts::A)
    }

    /// A desk whose cluster credential is `context`'s.
    fn open_as(repo: &Path, ns: &str, records: &str, context: &str) -> Self {
        let work = tempfile::tempdir().unwrap();
        let dirs = Dirs::new(
            work.path().join("config"),
            work.path().join("data"),
            work.path().join("cache"),
        );
        std::fs::create_dir_all(&dirs.config).unwrap();
        std::fs::write(
            dirs.settings_file(),
            format!(
                "format = 2\n\n[deployments]\nnamespace = {records:?}\n\n[[clusters]]\nid = \"local\"\n\
                 context = {:?}\nkubeconfig = [{:?}]\n\n[[repositories]]\nid = \"repo\"\nurl = {:?}\n\
                 poll_interval_secs = 5\n",
                context,
                shipdeck_testkit::kubeconfig().display().to_string(),
                repo.display().to_string()
            ),
        )
        .unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let engine = {
            let _guard = runtime.enter();
            Engine::open(
                dirs,
                Arc::new(shipdeck_engine::credentials::Keyring::with_service(
                    "dev.shipdeck.test.sync".to_string(),
                )),
                runtime.handle().clone(),
                Options {
                    tools: Tools::from_env(),
                    settings_check: Duration::from_millis(200),
                    drift_recheck: Duration::from_secs(3600),
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
                namespace: ns.into(),
                helm: Default::default(),
                ignore: Vec::new(),
                sync: Default::default(),
            })
            .unwrap();
        Self {
            _work: work,
            runtime,
            engine,
        }
    }

    fn wait(&self, what: &str, done: impl Fn(&LiveState) -> bool) -> Arc<LiveState> {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let state = self.engine.live();
            if done(&state) {
                return state;
            }
            assert!(Instant::now() < deadline, "timed out waiting: {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn rendered(&self, commit: &str) {
        self.wait(&format!("commit {commit} rendered"), |s| {
            s.rendered
                .get("web")
                .is_some_and(|r| r.commit.sha == commit)
        });
    }

    fn sync(&self, request: SyncRequest) -> (Result<Deployment, String>, Vec<SyncProgress>) {
        let mut seen = Vec::new();
        let result = self.runtime.block_on(self.engine.sync(
            request,
            "test-sync",
            &mut |p: SyncProgress| seen.push(p),
        ));
        (result.map_err(|e| e.to_string()), seen)
    }

    fn rollback(&self, to: Option<&str>) -> Deployment {
        self.runtime
            .block_on(
                self.engine
                    .rollback("web", to, "test-rollback", &mut |_: SyncProgress| {}),
            )
            .unwrap()
    }

    fn deployments(&self) -> Vec<Deployment> {
        self.runtime
            .block_on(self.engine.deployments("web"))
            .unwrap()
    }
}

/// A repository, an application namespace and a records namespace, removed however the test
/// ends.
struct World {
    _work: tempfile::TempDir,
    repo: PathBuf,
    ns: String,
    records: String,
}

impl World {
    fn new(label: &str) -> Self {
        let work = tempfile::tempdir().unwrap();
        let repo = work.path().join("repo");
        std::fs::create_dir_all(repo.join("apps/web")).unwrap();
        git(&repo, &["init", "-q", "-b", "main"]);
        let world = Self {
            ns: format!("t-sync-{label}-{}", std::process::id()),
            records: format!("t-records-{label}-{}", std::process::id()),
            _work: work,
            repo,
        };
        kubectl_ok(contexts::A, &["create", "namespace", &world.ns]);
        kubectl_ok(
            contexts::A,
            &[
                "label",
                "namespace",
                &world.ns,
                "shipdeck.dev/test=engine-sync",
            ],
        );
        world
    }

    /// Commits `image` as the application's; returns the commit.
    fn commit(&self, image: &str, message: &str) -> String {
        std::fs::write(self.repo.join("apps/web/all.yaml"), manifests(image)).unwrap();
        git(&self.repo, &["add", "-A"]);
        git(&self.repo, &["commit", "-q", "-m", message]);
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.repo)
            .args(["rev-parse", "HEAD"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    fn image(&self) -> String {
        kubectl_ok(
            contexts::A,
            &[
                "get",
                "deployment",
                "web",
                "-n",
                &self.ns,
                "-o",
                "jsonpath={.spec.template.spec.containers[0].image}",
            ],
        )
    }

    fn records_client(&self, runtime: &tokio::runtime::Runtime) -> ClusterRecords {
        let client = runtime.block_on(shipdeck_testkit::client(contexts::A));
        ClusterRecords::new(client, &self.records)
    }
}

impl Drop for World {
    fn drop(&mut self) {
        for ns in [&self.ns, &self.records] {
            let _ = kubectl(contexts::A, &["delete", "namespace", ns, "--wait=false"]);
        }
    }
}

fn whole(reviewed: &str) -> SyncRequest {
    SyncRequest {
        app: "web".into(),
        reviewed_commit: Some(reviewed.into()),
        ..Default::default()
    }
}

#[test]
fn a_sync_from_empty_applies_everything_watches_it_healthy_and_records_it_in_the_cluster() {
    let world = World::new("empty");
    let first = world.commit("registry.example/web:1.4", "First");
    let desk = Desk::open(&world.repo, &world.ns, &world.records);
    desk.rendered(&first);

    let (done, progress) = desk.sync(whole(&first));
    let done = done.unwrap();
    assert_eq!(done.result, DeploymentResult::Succeeded, "{done:#?}");
    assert_eq!(done.kind, DeploymentKind::Sync);
    assert_eq!(done.health, Some(HealthStatus::Healthy));
    assert_eq!(done.place, RecordPlace::Cluster);
    assert_eq!(done.revision, first);
    assert!(
        done.resources
            .iter()
            .all(|r| r.action == ApplyAction::Created)
    );
    assert!(
        done.resources
            .iter()
            .all(|r| r.health == Some(HealthStatus::Healthy)),
        "{:#?}",
        done.resources
    );
    // Progress: started, one line per object, rollout health, the end.
    assert!(matches!(
        progress.first(),
        Some(SyncProgress::Started { total: 3, .. })
    ));
    let applied = progress
        .iter()
        .filter(|p| matches!(p, SyncProgress::Applied { .. }))
        .count();
    assert_eq!(applied, 3);
    assert!(
        progress
            .iter()
            .any(|p| matches!(p, SyncProgress::Health { .. }))
    );
    assert!(matches!(
        progress.last(),
        Some(SyncProgress::Finished { .. })
    ));
    // Order: the ConfigMap the Deployment reads is applied before it.
    let order: Vec<String> = progress
        .iter()
        .filter_map(|p| match p {
            SyncProgress::Applied { result, .. } => Some(result.resource.kind.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(order, ["ConfigMap", "Service", "Deployment"]);

    // The cluster holds one succeeded record, read back as any desk reads it.
    let records = world.records_client(&desk.runtime);
    let stored = desk.runtime.block_on(records.list("web")).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, done.id);
    assert_eq!(stored[0].result, DeploymentResult::Succeeded);
    assert!(stored[0].has_manifests);
    let manifests = desk
        .runtime
        .block_on(records.manifests("web", stored[0].seq))
        .unwrap()
        .unwrap();
    assert_eq!(manifests.len(), 3);
    assert_eq!(
        manifests[2].object["metadata"]["annotations"]["shipdeck.dev/tracking-id"],
        format!("web:apps/Deployment:{}/web", world.ns)
    );

    // What was applied carries the tracking annotation, so the application is now Synced,
    // and the overview shows it Healthy.
    desk.wait(
        "the application is Synced and Healthy after the sync",
        |s| {
            s.overview.applications.first().is_some_and(|a| {
                a.sync.as_ref().is_some_and(|x| {
                    x.status == SyncStatus::Synced && x.health == Some(HealthStatus::Healthy)
                })
            })
        },
    );
}

#[test]
fn a_hand_edit_is_removed_by_sync_and_a_field_another_manager_owns_needs_taking_over() {
    let world = World::new("edits");
    let first = world.commit("registry.example/web:1.4", "First");
    let desk = Desk::open(&world.repo, &world.ns, &world.records);
    desk.rendered(&first);
    let (done, _) = desk.sync(whole(&first));
    assert_eq!(done.unwrap().result, DeploymentResult::Succeeded);

    // A label added by hand: drift the sync must remove, not keep.
    kubectl_ok(
        contexts::A,
        &[
            "label",
            "deployment",
            "web",
            "-n",
            &world.ns,
            "hotfix=by-hand",
        ],
    );
    desk.wait("the hand-added label is drift", |s| {
        s.drift
            .get("web")
            .is_some_and(|r| r.status() == SyncStatus::OutOfSync)
    });
    let (done, _) = desk.sync(SyncRequest {
        resources: vec![ResourceRef {
            group: "apps".into(),
            kind: "Deployment".into(),
            namespace: Some(world.ns.clone()),
            name: "web".into(),
        }],
        ..whole(&first)
    });
    let done = done.unwrap();
    assert_eq!(done.result, DeploymentResult::Succeeded, "{done:#?}");
    assert_eq!(done.resources.len(), 1, "only the selection is applied");
    assert!(
        done.resources[0]
            .message
            .as_deref()
            .is_some_and(|m| m.contains("/metadata/labels/hotfix")),
        "{:?}",
        done.resources[0]
    );
    let labels = kubectl_ok(
        contexts::A,
        &[
            "get",
            "deployment",
            "web",
            "-n",
            &world.ns,
            "-o",
            "jsonpath={.metadata.labels}",
        ],
    );
    assert!(!labels.contains("hotfix"), "{labels}");
    desk.wait("Synced again", |s| {
        s.drift
            .get("web")
            .is_some_and(|r| r.status() == SyncStatus::Synced)
    });

    // kubectl scale takes spec.replicas (as manager "kubectl", subresource "scale"): a sync
    // says who owns it and changes nothing...
    kubectl_ok(
        contexts::A,
        &[
            "scale",
            "deployment",
            "web",
            "-n",
            &world.ns,
            "--replicas=3",
        ],
    );
    let (done, _) = desk.sync(whole(&first));
    let done = done.unwrap();
    assert_eq!(done.result, DeploymentResult::Failed);
    let web = done
        .resources
        .iter()
        .find(|r| r.resource.kind == "Deployment")
        .unwrap();
    assert_eq!(web.action, ApplyAction::Failed);
    assert!(
        web.conflicts
            .iter()
            .any(|c| c.field == ".spec.replicas" && c.manager == "kubectl"),
        "{web:?}"
    );
    let replicas = || {
        kubectl_ok(
            contexts::A,
            &[
                "get",
                "deployment",
                "web",
                "-n",
                &world.ns,
                "-o",
                "jsonpath={.spec.replicas}",
            ],
        )
    };
    assert_eq!(replicas(), "3");
    // ...until the user takes the fields over.
    let (done, _) = desk.sync(SyncRequest {
        force: true,
        ..whole(&first)
    });
    assert_eq!(done.unwrap().result, DeploymentResult::Succeeded);
    assert_eq!(replicas(), "2");
}

#[test]
fn a_failed_rollout_is_recorded_and_rolled_back_from_the_cluster_records_even_from_another_desk() {
    let world = World::new("rollback");
    let good = world.commit("registry.example/web:1.4", "Good");
    let desk = Desk::open(&world.repo, &world.ns, &world.records);
    desk.rendered(&good);
    let (first, _) = desk.sync(whole(&good));
    let first = first.unwrap();
    assert_eq!(first.result, DeploymentResult::Succeeded);
    assert_eq!(first.commits, std::slice::from_ref(&good));

    // A commit elsewhere in the repository is not one the application's deployment brings;
    // the next change to its path is.
    std::fs::write(world.repo.join("README.md"), "docs\n").unwrap();
    git(&world.repo, &["add", "-A"]);
    git(&world.repo, &["commit", "-q", "-m", "Docs"]);
    // The failure convention of the local cluster: the image tag `broken` never runs.
    let bad = world.commit("registry.example/web:broken", "Bad");
    desk.rendered(&bad);
    // A stale review is refused: the commit reviewed is not the one that would be applied.
    let (stale, _) = desk.sync(whole(&good));
    assert!(stale.unwrap_err().contains("review the new drift"));
    let (failed, _) = desk.sync(whole(&bad));
    let failed = failed.unwrap();
    assert_eq!(failed.result, DeploymentResult::Failed, "{failed:#?}");
    assert_eq!(
        failed.commits,
        std::slice::from_ref(&bad),
        "only the commit that changed apps/web"
    );
    desk.wait("the overview shows the application Degraded", |s| {
        s.overview.applications.first().is_some_and(|a| {
            a.sync.as_ref().is_some_and(|x| {
                x.health == Some(HealthStatus::Degraded)
                    && x.health_message
                        .as_deref()
                        .is_some_and(|m| m.contains("Deployment"))
            })
        })
    });
    assert_eq!(failed.health, Some(HealthStatus::Degraded));
    assert!(
        failed.message.as_deref().is_some_and(
            |m| m.contains("ProgressDeadlineExceeded") || m.contains("progress deadline")
        ),
        "{:?}",
        failed.message
    );

    // One click: back to the last known good deployment, from its record.
    let rolled = desk.rollback(None);
    assert_eq!(rolled.result, DeploymentResult::Succeeded, "{rolled:#?}");
    assert_eq!(rolled.kind, DeploymentKind::Rollback);
    assert_eq!(rolled.answers.as_deref(), Some(failed.id.as_str()));
    assert_eq!(rolled.restores.as_deref(), Some(first.id.as_str()));
    assert_eq!(rolled.revision, good);
    assert_eq!(world.image(), "registry.example/web:1.4");
    let history = desk.deployments();
    assert_eq!(
        history
            .iter()
            .map(|d| (d.kind, d.result))
            .collect::<Vec<_>>(),
        [
            (DeploymentKind::Rollback, DeploymentResult::Succeeded),
            (DeploymentKind::Sync, DeploymentResult::Failed),
            (DeploymentKind::Sync, DeploymentResult::Succeeded),
        ]
    );

    // A colleague's desk: never synced the application, and its Git is unreachable.
    let nowhere = world._work.path().join("no-such-repository");
    let colleague = Desk::open(&nowhere, &world.ns, &world.records);
    let seen = colleague.deployments();
    assert_eq!(seen.len(), 3, "the colleague sees the team's deployments");
    assert!(
        seen[1]
            .message
            .as_deref()
            .is_some_and(|m| m.contains("exceeded its progress deadline")),
        "the record in the cluster says why it failed: {:?}",
        seen[1].message
    );
    let preview = colleague
        .runtime
        .block_on(colleague.engine.rollback_preview("web", Some(&failed.id)));
    assert!(
        preview
            .unwrap_err()
            .to_string()
            .contains("cannot be rolled back to"),
        "a failed deployment is no target"
    );
    // Put the broken revision back by hand, then roll back from the colleague's desk.
    kubectl_ok(
        contexts::A,
        &[
            "set",
            "image",
            "deployment/web",
            "-n",
            &world.ns,
            "api=registry.example/web:broken",
        ],
    );
    let preview = colleague
        .runtime
        .block_on(colleague.engine.rollback_preview("web", Some(&first.id)))
        .unwrap();
    assert!(
        preview
            .report
            .resources
            .iter()
            .any(|r| r.kind == "Deployment" && r.status == SyncStatus::OutOfSync),
        "the preview shows the image going back"
    );
    let again = colleague.rollback(Some(&first.id));
    assert_eq!(again.result, DeploymentResult::Succeeded, "{again:#?}");
    assert_eq!(world.image(), "registry.example/web:1.4");
    assert_eq!(desk.deployments().len(), 4, "the first desk sees it too");
}

#[test]
fn a_second_sync_while_one_runs_elsewhere_is_refused_and_leaves_no_record() {
    let world = World::new("lease");
    let first = world.commit("registry.example/web:1.4", "First");
    let desk = Desk::open(&world.repo, &world.ns, &world.records);
    desk.rendered(&first);
    let client = desk.runtime.block_on(shipdeck_testkit::client(contexts::A));
    kubectl_ok(contexts::A, &["create", "namespace", &world.records]);
    let held = desk
        .runtime
        .block_on(lease::acquire(
            &client,
            &world.records,
            "web",
            "bob@desk-2 (pid 1)",
            &shipdeck_engine::git::CancelToken::new(),
        ))
        .unwrap();
    let (refused, _) = desk.sync(whole(&first));
    let refused = refused.unwrap_err();
    assert!(
        refused.contains("already running, by bob@desk-2"),
        "{refused}"
    );
    let records = world.records_client(&desk.runtime);
    assert!(
        desk.runtime
            .block_on(records.list("web"))
            .unwrap()
            .is_empty()
    );
    desk.runtime.block_on(held.release());
    let (done, _) = desk.sync(whole(&first));
    assert_eq!(done.unwrap().result, DeploymentResult::Succeeded);
}

#[test]
fn auto_sync_deploys_new_commits_self_heal_undoes_a_hand_edit_and_the_kill_switch_pauses_both() {
    let world = World::new("auto");
    let first = world.commit("registry.example/web:1.4", "First");
    let desk = Desk::open(&world.repo, &world.ns, &world.records);
    desk.engine
        .set_sync_policy(
            "web",
            shipdeck_ipc::config::SyncPolicy {
                auto_sync: true,
                self_heal: true,
                ..Default::default()
            },
        )
        .unwrap();
    let until = |what: &str, done: &dyn Fn(&[Deployment]) -> bool| -> Vec<Deployment> {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let history = desk.deployments();
            if done(&history) {
                return history;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting: {what}: {history:#?}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    };
    let succeeded = |kind: DeploymentKind, revision: &str| {
        let revision = revision.to_string();
        move |h: &[Deployment]| {
            h.iter().any(|d| {
                d.kind == kind && d.revision == revision && d.result == DeploymentResult::Succeeded
            })
        }
    };
    until(
        "the first commit is auto-synced",
        &succeeded(DeploymentKind::AutoSync, &first),
    );
    assert_eq!(world.image(), "registry.example/web:1.4");

    // A hand edit of a declared field is drift self-heal undoes (after it settles).
    kubectl_ok(
        contexts::A,
        &[
            "set",
            "image",
            "deployment/web",
            "-n",
            &world.ns,
            "api=registry.example/web:hand",
        ],
    );
    until(
        "self-heal re-applied the commit",
        &succeeded(DeploymentKind::SelfHeal, &first),
    );
    assert_eq!(world.image(), "registry.example/web:1.4");
    desk.wait("the overview says what self-heal did", |s| {
        s.overview.applications[0]
            .automation
            .as_deref()
            .is_some_and(|n| n.starts_with("Self-heal: deployed"))
    });

    // A new commit is auto-synced.
    let second = world.commit("registry.example/web:2.0", "Second");
    until(
        "the second commit is auto-synced",
        &succeeded(DeploymentKind::AutoSync, &second),
    );
    assert_eq!(world.image(), "registry.example/web:2.0");

    // The kill switch: automation paused first, then back to the last known good deployment.
    let done = desk
        .runtime
        .block_on(
            desk.engine
                .kill_switch("web", None, "kill", &mut |_: SyncProgress| {}),
        )
        .unwrap();
    assert_eq!(done.kind, DeploymentKind::Rollback);
    assert_eq!(done.result, DeploymentResult::Succeeded, "{done:#?}");
    assert!(
        done.message
            .as_deref()
            .is_some_and(|m| m.contains("auto-sync and self-heal are paused")),
        "{:?}",
        done.message
    );
    assert_eq!(world.image(), "registry.example/web:1.4");
    let policy = desk.engine.settings().applications[0].sync.clone();
    assert!(!policy.auto_sync && !policy.self_heal);
    // A window that still shows automation on turns another switch: only that one changes.
    desk.engine
        .set_sync_switch("web", shipdeck_ipc::commands::SyncSwitch::Prune, true)
        .unwrap();
    let policy = desk.engine.settings().applications[0].sync.clone();
    assert!(policy.prune && !policy.auto_sync && !policy.self_heal);
    desk.engine
        .set_sync_switch("web", shipdeck_ipc::commands::SyncSwitch::Prune, false)
        .unwrap();
    // Nothing automatic puts the second commit back.
    let count = desk.deployments().len();
    std::thread::sleep(Duration::from_secs(8));
    assert_eq!(desk.deployments().len(), count);
    assert_eq!(world.image(), "registry.example/web:1.4");
}

#[test]
fn undo_puts_the_previous_replicaset_revision_back_and_is_recorded() {
    let world = World::new("undo");
    let first = world.commit("registry.example/web:1.4", "First");
    let desk = Desk::open(&world.repo, &world.ns, &world.records);
    desk.rendered(&first);
    let (one, _) = desk.sync(whole(&first));
    assert_eq!(one.unwrap().result, DeploymentResult::Succeeded);
    let second = world.commit("registry.example/web:2.0", "Second");
    desk.rendered(&second);
    let (two, _) = desk.sync(whole(&second));
    let two = two.unwrap();
    assert_eq!(two.result, DeploymentResult::Succeeded);
    assert_eq!(world.image(), "registry.example/web:2.0");

    let undone = desk
        .runtime
        .block_on(
            desk.engine
                .undo("web", &world.ns, "web", "undo", &mut |_: SyncProgress| {}),
        )
        .unwrap();
    assert_eq!(undone.result, DeploymentResult::Succeeded, "{undone:#?}");
    assert_eq!(undone.kind, DeploymentKind::Undo);
    assert_eq!(undone.answers.as_deref(), Some(two.id.as_str()));
    assert!(
        undone.revision.contains("ReplicaSet revision 1"),
        "{}",
        undone.revision
    );
    assert_eq!(world.image(), "registry.example/web:1.4");
    // Kept what Shipdeck manages: the replicas Git declares, and Shipdeck's tracking.
    let replicas = kubectl_ok(
        contexts::A,
        &[
            "get",
            "deployment",
            "web",
            "-n",
            &world.ns,
            "-o",
            "jsonpath={.spec.replicas}",
        ],
    );
    assert_eq!(replicas, "2");
}

#[test]
fn a_record_larger_than_one_object_is_stored_in_chunks_and_read_back_whole_and_old_ones_are_trimmed()
 {
    use shipdeck_engine::records::{Manifest, Record};
    use shipdeck_ipc::deploy::RecordPlace;
    let world = World::new("chunks");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    kubectl_ok(contexts::A, &["create", "namespace", &world.records]);
    let records = world.records_client(&runtime);
    // Data that does not compress: 3,000 objects of 2 KiB of hex digits, about 3 MiB gzipped.
    let manifests: Vec<Manifest> = (0..3000u32)
        .map(|i| Manifest {
            resource: ResourceRef {
                group: String::new(),
                kind: "ConfigMap".into(),
                namespace: Some(world.ns.clone()),
                name: format!("c{i}"),
            },
            version: "v1".into(),
            object: serde_json::json!({"data": {"v": (0..32u32)
                .map(|j| shipdeck_engine::records::codec::digest(&[i.to_le_bytes(), j.to_le_bytes()].concat()))
                .collect::<String>()}}),
        })
        .collect();
    let deployment = |seq: u64| Deployment {
        id: String::new(),
        app: "web".into(),
        cluster: "local".into(),
        seq,
        kind: DeploymentKind::Sync,
        result: DeploymentResult::Succeeded,
        interrupted: false,
        revision: format!("r{seq}"),
        commits: vec![],
        selection: vec![],
        started_at: "2026-12-06T10:00:00Z".into(),
        finished_at: None,
        by: "test".into(),
        identity: None,
        answers: None,
        restores: None,
        health: None,
        message: None,
        resources: vec![],
        has_manifests: true,
        place: RecordPlace::Cluster,
        incident: false,
    };
    let stored = runtime
        .block_on(records.create(&Record {
            deployment: deployment(0),
            manifests: Some(manifests.clone()),
        }))
        .unwrap();
    let parts = kubectl_ok(
        contexts::A,
        &["get", "secrets", "-n", &world.records, "-o", "name"],
    );
    assert!(
        parts.lines().count() > 2,
        "several objects hold it: {parts}"
    );
    let read = runtime
        .block_on(records.manifests("web", stored.seq))
        .unwrap()
        .unwrap();
    assert_eq!(read, manifests);

    // Two newer records: keeping one, the oldest drops its manifests (and its chunks), the
    // newest good whole-application record keeps them.
    for _ in 0..2 {
        runtime
            .block_on(records.create(&Record {
                deployment: deployment(0),
                manifests: Some(manifests[..2].to_vec()),
            }))
            .unwrap();
    }
    runtime.block_on(records.trim("web", 1)).unwrap();
    let listed = runtime.block_on(records.list("web")).unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|d| (d.seq, d.has_manifests))
            .collect::<Vec<_>>(),
        [(3, true), (2, false), (1, false)]
    );
    assert_eq!(runtime.block_on(records.manifests("web", 1)).unwrap(), None);
    let left = kubectl_ok(
        contexts::A,
        &["get", "secrets", "-n", &world.records, "-o", "name"],
    );
    assert_eq!(
        left.lines().count(),
        3,
        "the chunks went with the manifests: {left}"
    );
}

#[test]
fn where_records_may_not_be_written_the_sync_runs_and_keeps_its_record_on_this_desk_masked() {
    use shipdeck_engine::records::local::LocalRecords;
    let world = World::new("forbidden");
    // A user who may manage the application's namespace and nothing else: no records
    // namespace, no Secrets outside it.
    kubectl_ok(
        contexts::A,
        &[
            "create",
            "rolebinding",
            "deployer",
            "-n",
            &world.ns,
            "--clusterrole=admin",
            "--user=shipdeck-nobody",
        ],
    );
    let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2-very-secret\n";
    std::fs::write(world.repo.join("apps/web/secret.yaml"), secret).unwrap();
    let first = world.commit("registry.example/web:1.4", "First");
    let desk = Desk::open_as(&world.repo, &world.ns, &world.records, contexts::A_NOBODY);
    desk.rendered(&first);
    let (done, _) = desk.sync(whole(&first));
    let done = done.unwrap();
    assert_eq!(done.result, DeploymentResult::Succeeded, "{done:#?}");
    assert_eq!(done.place, RecordPlace::Local);
    assert!(done.id.ends_with("-local"), "{}", done.id);
    assert!(
        done.message
            .as_deref()
            .is_some_and(|m| m.contains("kept on this desk only")),
        "the deployment says where its record is: {:?}",
        done.message
    );
    assert_eq!(world.image(), "registry.example/web:1.4");
    // Nothing reached the records namespace; this desk's history shows the deployment.
    let none = kubectl(contexts::A, &["get", "namespace", &world.records]);
    assert!(!none.status.success(), "no records namespace was made");
    let history = desk.deployments();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].result, DeploymentResult::Succeeded);
    assert_eq!(history[0].place, RecordPlace::Local);
    // The local record holds no Secret value.
    let local = LocalRecords::new(&desk._work.path().join("data").join("deployments"), "local");
    let manifests = local.manifests("web", done.seq).unwrap().unwrap();
    let text = serde_json::to_string(&manifests).unwrap();
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("masked value"), "{text}");
}
