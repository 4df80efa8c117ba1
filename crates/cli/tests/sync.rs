//! `shipdeck sync`, `rollback`, `undo` and `deployments` against the local control plane,
//! through the built binary with the window's settings: a real Git repository, a namespace for
//! the application and one for its deployment records, both removed however the test ends.
//! Each case reads as (repository and cluster, command, expected exit code, record and
//! cluster).

mod support;

use git2::{Repository, RepositoryInitOptions, Signature};
use shipdeck_ipc::HealthStatus;
use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::deploy::{
    ApplyAction, Deployment, DeploymentKind, DeploymentResult, RecordPlace,
};
use shipdeck_ipc::drift::DriftReason;
use shipdeck_ipc::timeline::{DeploymentDiff, Timeline, What};
use shipdeck_testkit::{contexts, kubeconfig, kubectl, kubectl_ok};
use std::io::{BufRead, BufReader, Read};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::{Home, Run};

const GOOD: &str = "registry.example/web:1.4";
/// The local cluster's failure convention: a pod whose image is tagged `broken` never becomes
/// Ready, so a Deployment of it turns Degraded at its progress deadline.
const BROKEN: &str = "registry.example/web:broken";

/// A ConfigMap, a Service (unless left out) and a Deployment of two pods of `image`, whose
/// rollout gives up after 10 s so a broken image fails fast.
fn manifests(image: &str, service: bool) -> String {
    let mut out = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  greeting: hello\n---\n",
    );
    if service {
        out.push_str(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  \
             ports:\n    - port: 80\n---\n",
        );
    }
    out.push_str(&format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  \
         progressDeadlineSeconds: 10\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    \
         metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n        \
         - name: api\n          image: {image}\n"
    ));
    out
}

/// A repository whose `main` holds application `web`, a namespace for it and one for its
/// records, and a home whose settings name them. The namespaces are deleted on drop.
struct World {
    work: tempfile::TempDir,
    repo: Repository,
    ns: String,
    records: String,
    home: Home,
}

impl World {
    fn new(label: &str) -> Self {
        let work = tempfile::tempdir().unwrap();
        let mut options = RepositoryInitOptions::new();
        options.initial_head("main");
        let repo = Repository::init_opts(work.path().join("repo"), &options).unwrap();
        let unique = format!(
            "{}-{:x}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
                & 0xfffff
        );
        let world = Self {
            ns: format!("t-cli-{label}-{unique}"),
            records: format!("t-cli-rec-{label}-{unique}"),
            home: Home::new(),
            repo,
            work,
        };
        // Created before anything can fail, so the drop always has it to delete.
        kubectl_ok(contexts::A, &["create", "namespace", &world.ns]);
        kubectl_ok(
            contexts::A,
            &[
                "label",
                "namespace",
                &world.ns,
                "shipdeck.dev/test=cli-sync",
            ],
        );
        let url = world.work.path().join("repo").display().to_string();
        world.settings(&url);
        world
    }

    /// The window's settings file: cluster A, the repository at `url`, application `web` on
    /// `main`, and this test's records namespace.
    fn settings(&self, url: &str) {
        let dir = self.home.config().join("dev.shipdeck.desktop");
        std::fs::create_dir_all(&dir).unwrap();
        let settings = format!(
            "format = 2\n\n\
             [deployments]\nnamespace = {:?}\n\n\
             [[clusters]]\nid = \"a\"\ncontext = \"{}\"\nkubeconfig = [{:?}]\n\n\
             [[repositories]]\nid = \"fixture\"\nurl = {url:?}\n\n\
             [[applications]]\nid = \"web\"\nrepository = \"fixture\"\npath = \"apps/web\"\n\
             cluster = \"a\"\nnamespace = \"{}\"\n\n\
             [applications.revision]\nkind = \"branch\"\nname = \"main\"\n",
            self.records,
            contexts::A,
            kubeconfig().display().to_string(),
            self.ns
        );
        std::fs::write(dir.join("settings.toml"), settings).unwrap();
    }

    /// Commits the manifests for `image` on `main`; returns the commit's SHA.
    fn commit(&self, image: &str, service: bool) -> String {
        let dir = self.work.path().join("repo/apps/web");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("all.yaml"), manifests(image, service)).unwrap();
        let mut index = self.repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let signature = Signature::now("Shipdeck tests", "tests@shipdeck.example").unwrap();
        let parent = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        self.repo
            .commit(
                Some("HEAD"),
                &signature,
                &signature,
                &format!("web at {image}"),
                &tree,
                &parents,
            )
            .unwrap()
            .to_string()
    }

    fn run(&self, args: &[&str]) -> Run {
        self.home.run(args)
    }

    /// `kubectl get KIND/NAME -o jsonpath=PATH` in the application's namespace, or `None`
    /// when there is no such object.
    fn get(&self, object: &str, path: &str) -> Option<String> {
        let jsonpath = format!("jsonpath={path}");
        let out = kubectl(
            contexts::A,
            &["get", object, "-n", &self.ns, "-o", &jsonpath],
        );
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn image(&self) -> String {
        self.get(
            "deployment/web",
            "{.spec.template.spec.containers[0].image}",
        )
        .expect("the Deployment exists")
    }

    fn history(&self) -> Vec<Deployment> {
        self.run(&["deployments", "web", "-o", "json"])
            .expect(0)
            .deployments()
    }
}

impl Drop for World {
    fn drop(&mut self) {
        if std::env::var("SHIPDECK_KEEP_NAMESPACES").as_deref() == Ok("1") {
            eprintln!("keeping namespaces {} and {}", self.ns, self.records);
            return;
        }
        for ns in [&self.ns, &self.records] {
            let _ = kubectl(contexts::A, &["delete", "namespace", ns, "--wait=false"]);
        }
    }
}

#[test]
fn a_sync_from_empty_applies_everything_waits_until_healthy_and_records_it() {
    let world = World::new("empty");
    let sha = world.commit(GOOD, true);

    // A dry run shows everything missing and changes nothing, not even the records.
    let dry = world
        .run(&["sync", "web", "--dry-run", "-o", "json"])
        .expect(1);
    let report = dry.report();
    assert_eq!(report.resources.len(), 3, "{dry:#?}");
    assert!(
        report
            .resources
            .iter()
            .all(|r| r.status == SyncStatus::OutOfSync && r.reason == Some(DriftReason::Missing)),
        "{dry:#?}"
    );
    assert_eq!(world.get("deployment/web", "{.metadata.name}"), None);
    assert!(world.history().is_empty());

    let run = world.run(&["sync", "web", "-o", "json"]).expect(0);
    let done = run.deployment();
    assert_eq!(done.result, DeploymentResult::Succeeded, "{run:#?}");
    assert_eq!(done.kind, DeploymentKind::Sync);
    assert_eq!(done.health, Some(HealthStatus::Healthy));
    assert_eq!(done.place, RecordPlace::Cluster);
    assert_eq!(done.revision, sha);
    assert_eq!(done.resources.len(), 3);
    for r in &done.resources {
        assert_eq!(r.action, ApplyAction::Created, "{r:?}");
        assert_eq!(r.health, Some(HealthStatus::Healthy), "{r:?}");
    }
    // Progress on stderr: one line per object (those of one step finish in any order), then
    // the rollout.
    let ns = &world.ns;
    for id in [
        format!("ConfigMap/{ns}/web-config"),
        format!("Service/{ns}/web"),
        format!("apps/Deployment/{ns}/web"),
    ] {
        let applied = run.stderr.lines().any(|line| {
            line.starts_with("shipdeck: [") && line.ends_with(&format!("/3] created {id}"))
        });
        assert!(applied, "{id} in {run:#?}");
    }
    assert!(run.stderr.contains("shipdeck: [3/3] created "), "{run:#?}");
    assert!(
        run.stderr
            .contains(&format!("shipdeck: apps/Deployment/{ns}/web Healthy")),
        "{run:#?}"
    );
    assert_eq!(world.image(), GOOD);

    // The record is in the cluster, where any desk reads it.
    let history = world.history();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].id.as_str(), history[0].result),
        (done.id.as_str(), DeploymentResult::Succeeded)
    );
    // And the application is now Synced.
    world.run(&["diff", "web", "-o", "json"]).expect(0);

    // Text for a person: the heading, how it ended, each object.
    let text = world.run(&["sync", "web"]).expect(0);
    assert!(
        text.stdout.starts_with(&format!(
            "sync web (branch `main` at {}) → cluster a, namespace {ns}: sync web.",
            &sha[..7]
        )),
        "{text:#?}"
    );
    assert!(text.stdout.contains(" succeeded, Healthy\n"), "{text:#?}");
    assert!(
        text.stdout.contains(&format!("apps/Deployment/{ns}/web")),
        "{text:#?}"
    );
    assert_eq!(world.history().len(), 2);
}

#[test]
fn a_broken_image_fails_and_rollback_restores_the_last_good_one_even_with_git_unreachable() {
    let world = World::new("rollback");
    let good = world.commit(GOOD, true);
    let first = world
        .run(&["sync", "web", "-o", "json"])
        .expect(0)
        .deployment();

    world.commit(BROKEN, true);
    // The timeout outlasts the progress deadline: the failure must be the rollout's own.
    let run = world
        .run(&["sync", "web", "-o", "json", "--timeout", "60s"])
        .expect(1);
    let failed = run.deployment();
    assert_eq!(failed.result, DeploymentResult::Failed, "{run:#?}");
    assert_eq!(failed.health, Some(HealthStatus::Degraded), "{run:#?}");
    assert!(
        failed.message.as_deref().is_some_and(
            |m| m.contains("ProgressDeadlineExceeded") || m.contains("progress deadline")
        ),
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains(&format!("shipdeck: sync {} failed", failed.id)),
        "{run:#?}"
    );
    assert_eq!(world.image(), BROKEN);

    let run = world.run(&["rollback", "web", "-o", "json"]).expect(0);
    let rolled = run.deployment();
    assert_eq!(rolled.result, DeploymentResult::Succeeded, "{run:#?}");
    assert_eq!(rolled.kind, DeploymentKind::Rollback);
    assert_eq!(rolled.health, Some(HealthStatus::Healthy));
    assert_eq!(rolled.restores.as_deref(), Some(first.id.as_str()));
    assert_eq!(rolled.answers.as_deref(), Some(failed.id.as_str()));
    assert_eq!(rolled.revision, good);
    assert!(
        run.stderr.contains(&format!(
            "shipdeck: rolling web back to {} (revision {}), answering {}",
            first.id,
            &good[..10],
            failed.id
        )),
        "{run:#?}"
    );
    assert_eq!(world.image(), GOOD);
    let history: Vec<(DeploymentKind, DeploymentResult)> =
        world.history().iter().map(|d| (d.kind, d.result)).collect();
    assert_eq!(
        history,
        [
            (DeploymentKind::Rollback, DeploymentResult::Succeeded),
            (DeploymentKind::Sync, DeploymentResult::Failed),
            (DeploymentKind::Sync, DeploymentResult::Succeeded),
        ]
    );
    let table = world.run(&["deployments", "web"]).expect(0);
    assert_eq!(table.stdout.lines().count(), 4, "{table:#?}");
    assert!(table.stdout.starts_with("ID "), "{table:#?}");

    // Git points nowhere now: diff cannot run, rollback does not need it.
    let nowhere = world.work.path().join("no-such-repository");
    world.settings(&nowhere.display().to_string());
    world.run(&["diff", "web"]).expect(2);
    kubectl_ok(
        contexts::A,
        &[
            "set",
            "image",
            "deployment/web",
            "-n",
            &world.ns,
            &format!("api={BROKEN}"),
        ],
    );
    let seq = first.seq.to_string();
    let again = world
        .run(&["rollback", "web", "--to", &seq, "-o", "json"])
        .expect(0)
        .deployment();
    assert_eq!(again.result, DeploymentResult::Succeeded, "{again:#?}");
    assert_eq!(again.restores.as_deref(), Some(first.id.as_str()));
    assert_eq!(world.image(), GOOD);

    // A failed deployment is no target, and nothing is applied for it.
    let refused = world
        .run(&["rollback", "web", "--to", &failed.id])
        .expect(2);
    assert!(
        refused.stderr.contains("cannot be rolled back to"),
        "{refused:#?}"
    );
    assert_eq!(world.history().len(), 4);

    // What the failed deployment changed, from the records alone (Git is still unreachable):
    // against the one before it, the image, and nothing else.
    let diff: DeploymentDiff = serde_json::from_str(
        &world
            .run(&[
                "deployment-diff",
                "web",
                &failed.seq.to_string(),
                "-o",
                "json",
            ])
            .expect(0)
            .stdout,
    )
    .unwrap();
    assert_eq!(
        diff.against.as_ref().map(|a| a.id.as_str()),
        Some(first.id.as_str())
    );
    let changed: Vec<_> = diff
        .report
        .resources
        .iter()
        .filter(|r| r.status == SyncStatus::OutOfSync)
        .collect();
    assert_eq!(changed.len(), 1, "{diff:#?}");
    assert_eq!(changed[0].kind, "Deployment");
    assert_eq!(changed[0].changes.len(), 1, "{diff:#?}");
    assert_eq!(changed[0].changes[0].live, Some(serde_json::json!(GOOD)));
    assert_eq!(
        changed[0].changes[0].desired,
        Some(serde_json::json!(BROKEN))
    );
    let text = world
        .run(&[
            "deployment-diff",
            "web",
            &failed.id,
            "--against",
            &rolled.id,
        ])
        .expect(0);
    assert!(
        text.stdout
            .starts_with(&format!("{} against {}", failed.id, rolled.id))
            && text.stdout.contains(&format!(
                "~ apps/Deployment/{}/web 1 field changed",
                world.ns
            ))
            && text
                .stdout
                .lines()
                .any(|l| l.starts_with('-') && l.contains(&format!("image: {GOOD}")))
            && text
                .stdout
                .lines()
                .any(|l| l.starts_with('+') && l.contains(&format!("image: {BROKEN}"))),
        "{text:#?}"
    );

    // Marked as having caused an incident in its record: what any desk reads back, and what
    // the timeline and change fail rate count; then cleared.
    world
        .run(&["incident", "web", &failed.seq.to_string()])
        .expect(0);
    let marked = world.history();
    assert!(
        marked.iter().any(|d| d.id == failed.id && d.incident),
        "{marked:#?}"
    );
    let timeline: Timeline = serde_json::from_str(
        &world
            .run(&[
                "timeline",
                "--app",
                "web",
                "--kind",
                "deployment",
                "-o",
                "json",
            ])
            .expect(0)
            .stdout,
    )
    .unwrap();
    let deployments: Vec<(String, bool)> = timeline
        .events
        .iter()
        .filter_map(|e| match &e.what {
            What::Deployment { id, incident, .. } => Some((id.clone(), *incident)),
            _ => None,
        })
        .collect();
    assert_eq!(deployments.len(), 4, "{timeline:#?}");
    assert!(
        deployments.contains(&(failed.id.clone(), true)),
        "{deployments:?}"
    );
    world
        .run(&["incident", "web", &failed.id, "--clear"])
        .expect(0);
    assert!(world.history().iter().all(|d| !d.incident));
}

#[test]
fn undo_puts_the_previous_replicaset_revision_back_without_git_and_records_it() {
    const NEWER: &str = "registry.example/web:2.0";
    let world = World::new("undo");
    let ns = world.ns.clone();
    world.commit(GOOD, true);
    world.run(&["sync", "web", "-o", "json"]).expect(0);
    world.commit(NEWER, true);
    let second = world
        .run(&["sync", "web", "-o", "json"])
        .expect(0)
        .deployment();
    assert_eq!(world.image(), NEWER);

    // Git points nowhere: undo does not need it.
    let nowhere = world.work.path().join("no-such-repository");
    world.settings(&nowhere.display().to_string());
    let run = world.run(&["undo", "web", "web", "-o", "json"]).expect(0);
    let undone = run.deployment();
    assert_eq!(undone.result, DeploymentResult::Succeeded, "{run:#?}");
    assert_eq!(undone.kind, DeploymentKind::Undo);
    assert_eq!(undone.health, Some(HealthStatus::Healthy), "{run:#?}");
    assert_eq!(undone.answers.as_deref(), Some(second.id.as_str()));
    assert!(
        undone.revision.contains("ReplicaSet revision 1"),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains(&format!(
            "shipdeck: web: undo of {ns}/web to ReplicaSet revision 1, answering {}",
            second.id
        )),
        "{run:#?}"
    );
    assert_eq!(world.image(), GOOD);
    let newest = world.history().remove(0);
    assert_eq!(
        (newest.id.as_str(), newest.kind),
        (undone.id.as_str(), DeploymentKind::Undo)
    );

    // As kubectl rollout undo does, a second undo goes back to the revision just left.
    let again = world
        .run(&["undo", "web", &format!("{ns}/web"), "-o", "json"])
        .expect(0)
        .deployment();
    assert_eq!(again.answers.as_deref(), Some(undone.id.as_str()));
    assert_eq!(world.image(), NEWER);

    // No such Deployment: refused, nothing recorded.
    let count = world.history().len();
    let refused = world.run(&["undo", "web", "nope"]).expect(2);
    assert!(
        refused
            .stderr
            .contains(&format!("there is no Deployment {ns}/nope")),
        "{refused:#?}"
    );
    assert_eq!(world.history().len(), count);
}

#[test]
fn a_selection_prune_and_force_do_exactly_what_they_say() {
    let world = World::new("select");
    let ns = world.ns.clone();
    world.commit(GOOD, true);

    // Only the ConfigMap.
    let only = world
        .run(&[
            "sync",
            "web",
            "--resource",
            "configmap/web-config",
            "-o",
            "json",
        ])
        .expect(0)
        .deployment();
    assert_eq!(only.resources.len(), 1, "{only:#?}");
    assert_eq!(only.resources[0].resource.kind, "ConfigMap");
    assert_eq!(world.get("deployment/web", "{.metadata.name}"), None);

    // A typo: refused before anything is recorded, with what was meant.
    let typo = world
        .run(&["sync", "web", "--resource", "Deployment/wbe"])
        .expect(2);
    assert!(
        typo.stderr
            .contains(&format!("did you mean apps/Deployment/{ns}/web")),
        "{typo:#?}"
    );
    assert_eq!(world.history().len(), 1);

    world.run(&["sync", "web", "-o", "json"]).expect(0);

    // The Service leaves Git: listed and kept without --prune, deleted with it.
    world.commit(GOOD, false);
    let kept = world.run(&["sync", "web", "-o", "json"]).expect(0);
    assert!(
        kept.stderr.contains(&format!(
            "shipdeck: leaving 1 object Git no longer declares (--prune deletes them): Service/{ns}/web\n"
        )),
        "{kept:#?}"
    );
    assert!(world.get("service/web", "{.metadata.name}").is_some());
    let dry = world
        .run(&["sync", "web", "--prune", "--dry-run", "-o", "json"])
        .expect(1);
    assert!(
        dry.stderr.contains(&format!(
            "shipdeck: would prune 1 object Git no longer declares: Service/{ns}/web\n"
        )),
        "{dry:#?}"
    );
    assert!(world.get("service/web", "{.metadata.name}").is_some());
    let pruned = world
        .run(&["sync", "web", "--prune", "-o", "json"])
        .expect(0);
    assert!(
        pruned.stderr.contains(&format!(
            "shipdeck: pruning 1 object Git no longer declares: Service/{ns}/web\n"
        )),
        "{pruned:#?}"
    );
    let record = pruned.deployment();
    assert!(
        record
            .resources
            .iter()
            .any(|r| r.resource.kind == "Service" && r.action == ApplyAction::Pruned),
        "{record:#?}"
    );
    assert_eq!(world.get("service/web", "{.metadata.name}"), None);

    // kubectl scale owns spec.replicas: the sync names the conflict and changes nothing...
    kubectl_ok(
        contexts::A,
        &["scale", "deployment/web", "-n", &ns, "--replicas=3"],
    );
    let run = world.run(&["sync", "web", "-o", "json"]).expect(1);
    let failed = run.deployment();
    assert_eq!(failed.result, DeploymentResult::Failed, "{run:#?}");
    let web = failed
        .resources
        .iter()
        .find(|r| r.resource.kind == "Deployment")
        .unwrap();
    assert_eq!(web.action, ApplyAction::Failed, "{web:?}");
    assert!(
        web.conflicts.iter().any(|c| c.field == ".spec.replicas"),
        "{web:?}"
    );
    assert!(
        run.stderr.contains("rerun with --force to take them over"),
        "{run:#?}"
    );
    assert_eq!(
        world.get("deployment/web", "{.spec.replicas}").unwrap(),
        "3"
    );
    // ...until --force takes it over.
    world
        .run(&["sync", "web", "--force", "-o", "json"])
        .expect(0);
    assert_eq!(
        world.get("deployment/web", "{.spec.replicas}").unwrap(),
        "2"
    );
}

#[test]
fn ctrl_c_cancels_the_sync_and_its_record_says_cancelled() {
    let world = World::new("cancel");
    world.commit(GOOD, true);
    world.run(&["sync", "web", "-o", "json"]).expect(0);
    // A rollout that never becomes Healthy: the sync is still watching it when cancelled.
    world.commit(BROKEN, true);
    let mut child = world
        .home
        .command(&["sync", "web", "-o", "json", "--timeout", "60s"])
        .spawn()
        .unwrap();
    let (lines, seen) = mpsc::channel();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in stderr.lines().map_while(Result::ok) {
            let _ = lines.send(line.clone());
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let mut stdout = child.stdout.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    // Everything applied: the rollout is being watched.
    let deadline = Instant::now() + Duration::from_secs(90);
    let applied = loop {
        match seen.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) if line.contains("[3/3]") => break true,
            Ok(_) => continue,
            Err(_) => break false,
        }
    };
    if !applied {
        let _ = child.kill();
        panic!(
            "the sync never applied its 3 objects: {}",
            reader.join().unwrap()
        );
    }
    // What a terminal sends on Ctrl-C.
    let signalled = Command::new("sh")
        .args(["-c", &format!("kill -INT {}", child.id())])
        .status()
        .unwrap();
    assert!(signalled.success());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the cancelled sync did not end");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: reader.join().unwrap(),
    }
    .expect(1);
    assert!(run.stderr.contains("shipdeck: cancelling"), "{run:#?}");
    let cancelled = run.deployment();
    assert_eq!(cancelled.result, DeploymentResult::Cancelled, "{run:#?}");
    assert!(
        cancelled
            .message
            .as_deref()
            .is_some_and(|m| m.contains("cancelled")),
        "{run:#?}"
    );
    // Written back to the cluster as Cancelled, not left running (interrupted).
    let newest = world.history().remove(0);
    assert_eq!(newest.id, cancelled.id);
    assert_eq!(newest.result, DeploymentResult::Cancelled);
    assert!(!newest.interrupted);
}

#[test]
fn a_sync_while_another_desk_syncs_is_refused_naming_who_and_leaves_no_record() {
    let world = World::new("lease");
    world.commit(GOOD, true);
    kubectl_ok(contexts::A, &["create", "namespace", &world.records]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let held = runtime.block_on(async {
        let client = shipdeck_testkit::client(contexts::A).await;
        shipdeck_engine::records::lease::acquire(
            &client,
            &world.records,
            "web",
            "bob@desk-2 (pid 1)",
            &shipdeck_engine::git::CancelToken::new(),
        )
        .await
        .unwrap()
    });
    let refused = world.run(&["sync", "web"]).expect(2);
    assert!(
        refused
            .stderr
            .contains("a sync of web is already running, by bob@desk-2 (pid 1)"),
        "{refused:#?}"
    );
    assert!(world.history().is_empty());
    assert_eq!(world.get("deployment/web", "{.metadata.name}"), None);

    runtime.block_on(held.release());
    world.run(&["sync", "web", "-o", "json"]).expect(0);
}

/// History on another desk: the rollouts the cluster remembers from before Shipdeck (the
/// Deployment's ReplicaSet revisions) and the deployment record a sync on this desk wrote,
/// with the commit it brought; `dora` counts them.
#[test]
fn another_desk_sees_rollouts_from_before_shipdeck_and_this_desks_sync_in_history() {
    let world = World::new("history");
    let ns = world.ns.clone();
    // Before Shipdeck, Argo CD synced the same repository and path twice (a third sync of its,
    // after Shipdeck's first record, is Shipdeck's to tell).
    argo_cd_application(&world, &ns);
    // Before Shipdeck: applied by hand, then rolled out again with a change cause.
    let by_hand = world.work.path().join("by-hand.yaml");
    std::fs::write(&by_hand, manifests("registry.example/web:1.2", true)).unwrap();
    kubectl_ok(
        contexts::A,
        &["apply", "-n", &ns, "-f", by_hand.to_str().unwrap()],
    );
    kubectl_ok(
        contexts::A,
        &[
            "annotate",
            "-n",
            &ns,
            "deployment/web",
            "kubernetes.io/change-cause=hotfix by hand",
        ],
    );
    kubectl_ok(
        contexts::A,
        &[
            "set",
            "image",
            "-n",
            &ns,
            "deployment/web",
            "api=registry.example/web:1.3",
        ],
    );
    // The controller has made revision 2; creation times are whole seconds, so the sync must
    // start in a later one.
    kubectl_ok(
        contexts::A,
        &[
            "rollout",
            "status",
            "-n",
            &ns,
            "deployment/web",
            "--timeout=60s",
        ],
    );
    std::thread::sleep(Duration::from_millis(1100));
    let sha = world.commit(GOOD, true);
    // Lead times are whole seconds and zero is dropped: the sync ends a second after the
    // commit at least.
    std::thread::sleep(Duration::from_millis(1100));
    // The fields kubectl set are taken over, as the user would confirm in the window.
    world
        .run(&["sync", "web", "--force", "-o", "json"])
        .expect(0);

    // A colleague's desk: the same settings, nothing of this desk's.
    let colleague = Home::new();
    let from = world
        .home
        .config()
        .join("dev.shipdeck.desktop/settings.toml");
    let to = colleague.config().join("dev.shipdeck.desktop");
    std::fs::create_dir_all(&to).unwrap();
    std::fs::copy(from, to.join("settings.toml")).unwrap();
    let run = colleague.run(&["history", "export"]).expect(0);
    let events: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .skip(1)
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let deployments: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["type"] == "deployment")
        .collect();
    let ids: Vec<&str> = deployments
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            format!("argocd/{ns}/web-argo/1"),
            format!("argocd/{ns}/web-argo/2"),
            format!("rs/{ns}/web/1"),
            format!("rs/{ns}/web/2"),
            "web.1".to_string()
        ],
        "the sync's own rollout (revision 3) is the record, not counted twice, nor Argo CD's \
         sync after it: {run:#?}"
    );
    assert_eq!(deployments[1]["kind"], "auto-sync");
    assert_eq!(deployments[1]["revision"], "b".repeat(40));
    assert_eq!(
        deployments[3]["revision"],
        "registry.example/web:1.3 (hotfix by hand)"
    );
    assert_eq!(deployments[4]["commits"], serde_json::json!([sha]));
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "commit" && e["sha"] == sha.as_str()),
        "the commit's time, from the colleague's own mirror: {run:#?}"
    );
    let dora = colleague
        .run(&["dora", "--app", "web", "--offline", "-o", "json"])
        .expect(0);
    let dora: serde_json::Value = serde_json::from_str(&dora.stdout).unwrap();
    assert_eq!(dora["deployments"], 5, "{dora:#}");
    assert!(
        dora["lead_time"]["median_seconds"]
            .as_i64()
            .is_some_and(|s| s > 0),
        "{dora:#}"
    );
}

/// Argo CD's `Application` resource (its schema left open, as a cluster without Argo CD's
/// controller would have it) and an Application in `ns` of the world's repository and path,
/// whose `status.history` holds two syncs from hours ago and one from an hour ahead.
fn argo_cd_application(world: &World, ns: &str) {
    let crd = world.work.path().join("argo-crd.yaml");
    std::fs::write(
        &crd,
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n\
         metadata:\n  name: applications.argoproj.io\nspec:\n  group: argoproj.io\n  \
         names:\n    kind: Application\n    listKind: ApplicationList\n    plural: applications\n    \
         singular: application\n  scope: Namespaced\n  versions:\n    - name: v1alpha1\n      \
         served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          \
         type: object\n          x-kubernetes-preserve-unknown-fields: true\n",
    )
    .unwrap();
    kubectl_ok(contexts::A, &["apply", "-f", crd.to_str().unwrap()]);
    kubectl_ok(
        contexts::A,
        &[
            "wait",
            "--for=condition=Established",
            "crd/applications.argoproj.io",
            "--timeout=30s",
        ],
    );
    let at =
        |hours: i64| (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(hours)).to_string();
    let url = world.work.path().join("repo").display().to_string();
    let application = serde_json::json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": "web-argo", "namespace": ns},
        "spec": {"source": {"repoURL": format!("{url}/"), "path": "./apps/web"}},
        "status": {"history": [
            {"id": 1, "revision": "a".repeat(40), "deployedAt": at(-3), "deployStartedAt": at(-3)},
            {"id": 2, "revision": "b".repeat(40), "deployedAt": at(-2), "initiatedBy": {"automated": true}},
            {"id": 3, "revision": "c".repeat(40), "deployedAt": at(1)}
        ]}
    });
    let file = world.work.path().join("argo-application.json");
    std::fs::write(&file, application.to_string()).unwrap();
    kubectl_ok(contexts::A, &["create", "-f", file.to_str().unwrap()]);
}
