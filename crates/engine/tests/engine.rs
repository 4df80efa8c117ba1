//! The engine end to end without a UI, as every front end drives it: real repositories on
//! disk, real pollers, real kustomize and Helm, the real keyring, a cluster that is not there.
//! Each case reads as (settings, action, expected live state).

mod support;

use shipdeck_engine::credentials::{self, CredentialKey, Keyring, SecretStore};
use shipdeck_engine::engine::{Dirs, Engine, Options};
use shipdeck_engine::live::LiveState;
use shipdeck_engine::manifests::Tools;
use shipdeck_engine::secret::Secret;
use shipdeck_ipc::config::{ApplicationEntry, HelmSettings, RepoAuth, RepositoryEntry, Revision};
use shipdeck_ipc::connections::{ClusterState, RevisionState};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

const DEPLOYMENT: &str =
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n";
const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";

struct World {
    _work: tempfile::TempDir,
    repo: PathBuf,
    dirs: Dirs,
    runtime: tokio::runtime::Runtime,
}

impl World {
    /// A repository with one commit made by `fill`, and settings naming it and a cluster
    /// whose kubeconfig does not exist.
    fn new(fill: impl FnOnce(&Path)) -> Self {
        let work = tempfile::tempdir().unwrap();
        let repo = work.path().join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        git(&repo, &["init", "-q", "-b", "main"]);
        fill(&repo);
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "First"]);
        let dirs = Dirs::new(
            work.path().join("config"),
            work.path().join("data"),
            work.path().join("cache"),
        );
        let settings = format!(
            "format = 2\n\n[[clusters]]\nid = \"gone\"\ncontext = \"gone\"\nkubeconfig = [{:?}]\n\n\
             [[repositories]]\nid = \"repo\"\nurl = {:?}\npoll_interval_secs = 5\n",
            work.path().join("no-such-kubeconfig").display().to_string(),
            repo.display().to_string()
        );
        write(&dirs.config, "settings.toml", &settings);
        Self {
            _work: work,
            repo,
            dirs,
            runtime: tokio::runtime::Runtime::new().unwrap(),
        }
    }

    fn open(&self, keyring: &str) -> Arc<Engine> {
        self.open_with(Arc::new(test_keyring(keyring)))
    }

    /// Adds cluster `local`: context A of the local control plane.
    fn with_local_cluster(self) -> Self {
        let path = self.dirs.settings_file();
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(&format!(
            "\n[[clusters]]\nid = \"local\"\ncontext = {:?}\nkubeconfig = [{:?}]\n",
            shipdeck_testkit::contexts::A,
            shipdeck_testkit::kubeconfig().display().to_string()
        ));
        std::fs::write(path, text).unwrap();
        self
    }

    fn open_with(&self, secrets: Arc<dyn SecretStore>) -> Arc<Engine> {
        let options = Options {
            tools: Tools::from_env(),
            settings_check: Duration::from_millis(200),
            // No periodic comparison: drift seen in a test was seen through a watch.
            drift_recheck: Duration::from_secs(3600),
        };
        let _guard = self.runtime.enter();
        Engine::open(
            self.dirs.clone(),
            secrets,
            self.runtime.handle().clone(),
            options,
        )
    }
}

fn test_keyring(name: &str) -> Keyring {
    Keyring::with_service(format!("dev.shipdeck.test.engine.{name}"))
}

/// The real keyring behind a switch: while `down`, reads fail the way they do when no Secret
/// Service runs or it is locked.
struct FlakyKeyring {
    keyring: Keyring,
    down: AtomicBool,
}

impl SecretStore for FlakyKeyring {
    fn get(&self, key: &CredentialKey) -> credentials::Result<Option<Secret>> {
        if self.down.load(Ordering::SeqCst) {
            return Err(credentials::Error::Unavailable(
                "test: no Secret Service on the bus".into(),
            ));
        }
        self.keyring.get(key)
    }

    fn set(&self, key: &CredentialKey, secret: &Secret) -> credentials::Result<()> {
        self.keyring.set(key, secret)
    }

    fn delete(&self, key: &CredentialKey) -> credentials::Result<()> {
        self.keyring.delete(key)
    }
}

fn app(id: &str, path: &str) -> ApplicationEntry {
    ApplicationEntry {
        id: id.into(),
        repository: "repo".into(),
        revision: Revision::Branch("main".into()),
        path: path.into(),
        cluster: "gone".into(),
        namespace: "shop".into(),
        helm: HelmSettings::default(),
        ignore: Vec::new(),
        sync: Default::default(),
    }
}

/// Waits until the newest live state satisfies `done`; fails with the last one seen.
fn wait(engine: &Engine, what: &str, done: impl Fn(&LiveState) -> bool) -> Arc<LiveState> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let seen = engine.live();
        if done(&seen) {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: never happened; last state: {:#?}",
            seen.overview
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn objects(state: &LiveState, app: &str) -> Option<Vec<String>> {
    let status = state
        .overview
        .applications
        .iter()
        .find(|a| a.app.id == app)?;
    let render = status.render.as_ref()?;
    render.failed.is_none().then(|| render.objects.clone())
}

#[test]
fn revisions_are_polled_rendered_and_clusters_checked() {
    let world = World::new(|repo| {
        write(repo, "apps/web/deployment.yaml", DEPLOYMENT);
        write(repo, "apps/web/service.yaml", SERVICE);
    });
    let engine = world.open("polled");
    engine.save_application(app("web", "apps/web")).unwrap();

    wait(&engine, "the manifests render", |s| {
        objects(s, "web").is_some_and(|o| o == ["apps/Deployment/shop/web", "Service/shop/web"])
    });
    let state = engine.live();
    let rendered = &state.rendered["web"];
    assert_eq!(rendered.objects.len(), 2, "the objects stay in the engine");
    let web = &state.overview.applications[0];
    assert!(matches!(&web.revision, RevisionState::Resolved(c) if c.summary == "First"));
    assert_eq!(web.render.as_ref().unwrap().commit, rendered.commit.sha);
    wait(&engine, "the missing cluster is reported", |s| {
        matches!(
            s.overview.clusters.first().map(|c| &c.state),
            Some(ClusterState::Failed { .. })
        )
    });

    // A push elsewhere moves the branch but not the path: the path commit stays.
    let first = web.path_commit.clone().expect("the path commit is known");
    write(&world.repo, "README.md", "docs\n");
    git(&world.repo, &["add", "-A"]);
    git(&world.repo, &["commit", "-q", "-m", "Docs only"]);
    let state = wait(
        &engine,
        "the new revision is seen",
        |s| matches!(&s.overview.applications[0].revision, RevisionState::Resolved(c) if c.summary == "Docs only"),
    );
    let state = wait(&engine, "and rendered", |s| {
        s.rendered["web"].commit.summary == "Docs only"
    })
    .max_by_seq(state);
    assert_eq!(
        state.overview.applications[0].path_commit.as_ref(),
        Some(&first),
        "the last commit touching apps/web is still the first"
    );

    // A push that breaks a file: the error names it while the good object still renders.
    write(&world.repo, "apps/web/service.yaml", "kind: [unclosed\n");
    git(&world.repo, &["commit", "-q", "-am", "Break the service"]);
    wait(&engine, "the broken file is reported", |s| {
        s.overview.applications[0].render.as_ref().is_some_and(|r| {
            r.objects.len() == 1 && r.errors.iter().any(|e| e.contains("service.yaml"))
        })
    });
}

trait Newest {
    fn max_by_seq(self, other: Arc<LiveState>) -> Arc<LiveState>;
}

impl Newest for Arc<LiveState> {
    fn max_by_seq(self, other: Arc<LiveState>) -> Arc<LiveState> {
        if other.seq() > self.seq() {
            other
        } else {
            self
        }
    }
}

#[test]
fn overlays_reaching_their_base_and_a_chart_with_a_local_dependency_render() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/manifests");
    let world = World::new(|repo| {
        copy_dir(&fixtures.join("kustomize"), &repo.join("kustomize"));
        copy_dir(&fixtures.join("helm-repo"), &repo.join("helm-repo"));
    });
    let engine = world.open("pipeline");
    engine
        .save_application(app("staging", "kustomize/overlays/staging"))
        .unwrap();
    engine
        .save_application(app("prod", "kustomize/overlays/prod"))
        .unwrap();
    let mut web = app("web", "helm-repo/charts/web");
    web.helm = HelmSettings {
        values_files: vec!["helm-repo/envs/prod-values.yaml".into()],
        values: "image:\n  tag: 2.0.0\n".into(),
        release_name: "storefront".into(),
    };
    engine.save_application(web).unwrap();

    let state = wait(&engine, "all three render", |s| {
        ["staging", "prod", "web"]
            .iter()
            .all(|a| s.rendered.contains_key(*a))
    });
    let names = |app: &str| -> Vec<String> {
        state.rendered[app]
            .objects
            .iter()
            .map(|o| o.id.name.clone())
            .collect()
    };
    assert!(
        names("staging").iter().all(|n| n.starts_with("staging-")),
        "{:?}",
        names("staging")
    );
    assert!(
        names("prod").iter().all(|n| n.starts_with("prod-")),
        "{:?}",
        names("prod")
    );
    let deployment = state.rendered["web"]
        .objects
        .iter()
        .find(|o| o.id.kind == "Deployment")
        .expect("the chart renders a Deployment");
    assert_eq!(deployment.id.name, "storefront", "the release name is used");
    assert_eq!(
        deployment.object["spec"]["replicas"], 4,
        "the values file applies"
    );
    let image = &deployment.object["spec"]["template"]["spec"]["containers"][0]["image"];
    assert_eq!(
        image, "example.com/shop/web:2.0.0",
        "inline values apply last"
    );
    assert_eq!(
        deployment.object["metadata"]["labels"]["app.kubernetes.io/part-of"], "shop",
        "the labels come from the file:// dependency's template"
    );

    // One poller and one mirror for the three applications on repo@main.
    let mirrors: Vec<_> = std::fs::read_dir(world.dirs.cache.join("mirrors/repo"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert_eq!(mirrors.len(), 1, "{mirrors:?}");

    // Editing one application re-renders it alone: the others keep the very render they had,
    // which they would not if their poller had been restarted.
    let before = engine.live();
    let mut staging = app("staging", "kustomize/overlays/staging");
    staging.namespace = "shop-v2".into();
    engine.save_application(staging).unwrap();
    let after = wait(&engine, "staging re-renders into its new namespace", |s| {
        s.rendered["staging"]
            .objects
            .iter()
            .all(|o| o.id.namespace.as_deref() == Some("shop-v2"))
    });
    std::thread::sleep(Duration::from_secs(6)); // a poll interval: a restart would show by now
    let after = engine.live().max_by_seq(after);
    for other in ["prod", "web"] {
        assert!(
            Arc::ptr_eq(&before.rendered[other], &after.rendered[other]),
            "{other} was rendered again"
        );
    }
}

#[test]
fn states_reach_every_subscriber_in_order_and_concurrent_saves_are_all_kept() {
    let world = World::new(|repo| write(repo, "apps/web/deployment.yaml", DEPLOYMENT));
    let engine = world.open("subscribers");
    let mut first = engine.subscribe();
    let mut second = engine.subscribe();
    let collect = |rx: &mut shipdeck_engine::live::Subscription| {
        let mut rx = rx.clone();
        world.runtime.spawn(async move {
            let mut seqs = vec![rx.borrow_and_update().seq()];
            while rx.changed().await.is_ok() {
                seqs.push(rx.borrow_and_update().seq());
                if seqs.len() > 1000 {
                    break;
                }
            }
            seqs
        })
    };
    let one = collect(&mut first);
    let two = collect(&mut second);

    let threads: Vec<_> = (0..6)
        .map(|i| {
            let engine = engine.clone();
            std::thread::spawn(move || {
                engine
                    .save_application(app(&format!("web-{i}"), "apps/web"))
                    .unwrap()
            })
        })
        .collect();
    threads.into_iter().for_each(|t| drop(t.join().unwrap()));
    assert_eq!(engine.settings().applications.len(), 6, "no save was lost");
    let state = wait(&engine, "the monitor follows the newest settings", |s| {
        s.overview.applications.len() == 6 && s.rendered.len() == 6
    });
    drop(engine);
    drop(first);
    drop(second);
    for seqs in [one, two] {
        let seqs = world.runtime.block_on(seqs).unwrap();
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "states arrive in order: {seqs:?}"
        );
        assert_eq!(seqs.last(), Some(&state.seq()), "both saw the newest state");
    }
}

#[test]
fn a_hand_edit_of_the_settings_file_is_followed_and_a_broken_one_never_used() {
    let world = World::new(|repo| write(repo, "apps/web/deployment.yaml", DEPLOYMENT));
    let engine = world.open("hand-edit");
    engine.save_application(app("web", "apps/web")).unwrap();
    wait(&engine, "web renders", |s| s.rendered.contains_key("web"));

    let file = world.dirs.settings_file();
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("poll_interval_secs = 5", "poll_interval_secs = 0"),
    )
    .unwrap();
    let state = wait(&engine, "the broken edit is reported", |s| {
        s.overview.settings_error.is_some()
    });
    let problem = state.overview.settings_error.clone().unwrap();
    assert!(problem.contains("`poll_interval_secs` is 0"), "{problem}");
    assert!(
        state.rendered.contains_key("web"),
        "the last good settings stay in force"
    );
    assert!(engine.save_application(app("other", "apps/web")).is_err());
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("poll_interval_secs = 0"),
        "the file is not overwritten"
    );

    let fixed = text.replace("id = \"web\"", "id = \"renamed\"");
    std::fs::write(&file, fixed).unwrap();
    wait(&engine, "the fixed edit is followed", |s| {
        s.overview.settings_error.is_none()
            && s.overview
                .applications
                .iter()
                .any(|a| a.app.id == "renamed")
            && !s.rendered.contains_key("web")
    });
    assert_eq!(engine.settings().applications[0].id, "renamed");
}

#[test]
fn a_stored_secret_is_never_sent_to_a_new_url_and_the_old_entry_goes() {
    let world = World::new(|repo| write(repo, "apps/web/deployment.yaml", DEPLOYMENT));
    let engine = world.open("bound");
    let https = |url: &str| RepositoryEntry {
        id: "private".into(),
        url: url.into(),
        auth: RepoAuth::Https {
            username: String::new(),
        },
        poll_interval_secs: 30,
    };
    let first = "https://git.example/team/deploy.git";
    engine
        .save_repository(https(first), Some("s3cret-token-1".into()))
        .unwrap();
    let key = shipdeck_engine::credentials::CredentialKey::RepoPassword("private".into());
    let endpoint = |url: &str| shipdeck_engine::credentials::repository_endpoint(url, "https");
    let stored = engine.secrets().get_bound(&key, &endpoint(first)).unwrap();
    assert_eq!(
        stored.map(|s| s.expose().to_string()).as_deref(),
        Some("s3cret-token-1")
    );

    // Another URL without the secret again is refused; nothing changes.
    let moved = "https://elsewhere.example/team/deploy.git";
    let err = engine.save_repository(https(moved), None).unwrap_err();
    assert!(
        err.to_string()
            .contains("enter the password or token again"),
        "{err}"
    );
    let private = |e: &Engine| {
        e.settings()
            .repositories
            .into_iter()
            .find(|r| r.id == "private")
            .unwrap()
    };
    assert_eq!(private(&engine).url, first, "nothing changed");
    assert!(
        !matches!(
            engine.secrets().get_bound(&key, &endpoint(moved)),
            Ok(Some(_))
        ),
        "the secret is not available for the new URL"
    );

    // A switch to SSH removes the HTTPS secret from the keyring.
    let ssh = RepositoryEntry {
        id: "private".into(),
        url: "git@git.example:team/deploy.git".into(),
        auth: RepoAuth::SshAgent,
        poll_interval_secs: 30,
    };
    engine.save_repository(ssh, None).unwrap();
    assert!(
        engine.secrets().get(&key).unwrap().is_none(),
        "the old entry is deleted"
    );

    // A URL with credentials in it is refused and never stored.
    let err = engine
        .save_repository(
            https("https://me:hunter2@git.example/x.git"),
            Some("t".into()),
        )
        .unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
    let on_disk = std::fs::read_to_string(world.dirs.settings_file()).unwrap();
    assert!(
        !on_disk.contains("hunter2") && !on_disk.contains("s3cret"),
        "{on_disk}"
    );
    engine.remove_repository("private").unwrap();
}

#[test]
fn cancel_returns_at_once_while_a_silent_server_holds_a_repository_test() {
    // Accepts connections and never answers, like a stuck proxy.
    let server = shipdeck_testkit::SilentServer::start();
    let port = server.port;
    let world = World::new(|repo| write(repo, "apps/web/deployment.yaml", DEPLOYMENT));
    let engine = world.open("cancel");
    let entry = RepositoryEntry {
        id: "silent".into(),
        url: format!("http://127.0.0.1:{port}/repo.git"),
        auth: RepoAuth::None,
        poll_interval_secs: 30,
    };
    let started = Instant::now();
    let test = {
        let engine = engine.clone();
        world.runtime.spawn(async move {
            let args = shipdeck_ipc::commands::RepositoryTestArgs {
                entry,
                secret: None,
                revision: Revision::Branch("main".into()),
                path: String::new(),
                operation: "op-1".into(),
            };
            engine.test_repository(args, |_| {}).await
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    engine.cancel_operation("op-1");
    let result = world.runtime.block_on(test).unwrap();
    let waited = started.elapsed();
    let err = result.expect_err("a cancelled test fails");
    assert_eq!(err.code(), shipdeck_ipc::ErrorCode::Cancelled, "{err}");
    // Far below the 30 s read timeout the clone itself would wait for.
    assert!(
        waited < Duration::from_secs(10),
        "returned after {waited:?}"
    );
    drop(server);
}

#[test]
fn a_source_whose_secret_the_keyring_cannot_give_is_tried_again_until_it_can() {
    let world = World::new(|repo| write(repo, "apps/web/deployment.yaml", DEPLOYMENT));
    let served = tempfile::tempdir().unwrap();
    git(
        served.path(),
        &[
            "clone",
            "-q",
            "--bare",
            world.repo.to_str().unwrap(),
            "shop.git",
        ],
    );
    let server =
        shipdeck_testkit::git_http::HttpGit::start(served.path(), &[("deploy", "pw-retry-1")]);
    let keyring = Arc::new(FlakyKeyring {
        keyring: test_keyring("flaky"),
        down: AtomicBool::new(false),
    });
    let engine = world.open_with(keyring.clone());
    engine
        .save_repository(
            RepositoryEntry {
                id: "private".into(),
                url: server.url("shop.git"),
                auth: RepoAuth::Https {
                    username: "deploy".into(),
                },
                poll_interval_secs: 5,
            },
            Some("pw-retry-1".into()),
        )
        .unwrap();

    // The keyring goes away (locked, its daemon restarting) before the first poll.
    keyring.down.store(true, Ordering::SeqCst);
    engine
        .save_application(ApplicationEntry {
            repository: "private".into(),
            ..app("web", "apps/web")
        })
        .unwrap();
    let state = wait(&engine, "the repository says why it cannot poll", |s| {
        s.overview.applications.first().is_some_and(|a| {
            matches!(&a.revision,
            RevisionState::Failed { message, .. } if message.contains("keyring is not available"))
        })
    });
    let repo = state
        .overview
        .repositories
        .iter()
        .find(|r| r.id == "private");
    let source = &repo.expect("the repository is listed").sources[0];
    assert_eq!(source.applications, ["web"]);
    assert!(
        matches!(source.state, RevisionState::Failed { retry_in_secs, .. } if retry_in_secs > 0),
        "it says when it tries again: {:?}",
        source.state
    );

    // Back: the next try reads the secret and polls, with no change to the settings.
    keyring.down.store(false, Ordering::SeqCst);
    wait(
        &engine,
        "the source is polled with the stored secret",
        |s| objects(s, "web").is_some_and(|o| o == ["apps/Deployment/shop/web"]),
    );
    engine.remove_application("web").unwrap();
    engine.remove_repository("private").unwrap();
}

/// A namespace of the local cluster A holding the `web` Deployment as Shipdeck applies it,
/// deleted however the test ends.
struct AppliedWeb {
    ns: String,
}

impl AppliedWeb {
    fn new(world: &World, label: &str) -> Self {
        use shipdeck_testkit::{contexts, kubectl_ok};
        let ns = format!("t-engine-{label}-{}", std::process::id());
        kubectl_ok(contexts::A, &["create", "namespace", &ns]);
        let applied = Self { ns };
        let ns = &applied.ns;
        kubectl_ok(
            contexts::A,
            &["label", "namespace", ns, "shipdeck.dev/test=engine-drift"],
        );
        let file = world._work.path().join(format!("applied-{label}.yaml"));
        let tracking = format!("web:apps/Deployment:{ns}/web");
        std::fs::write(
            &file,
            shipdeck_testkit::manifests::web_deployment(Some(&tracking)),
        )
        .unwrap();
        let file = file.display().to_string();
        kubectl_ok(
            contexts::A,
            &[
                "apply",
                "-n",
                ns,
                "--server-side",
                "--field-manager=shipdeck",
                "-f",
                &file,
            ],
        );
        applied
    }
}

impl Drop for AppliedWeb {
    fn drop(&mut self) {
        let _ = shipdeck_testkit::kubectl(
            shipdeck_testkit::contexts::A,
            &["delete", "namespace", &self.ns, "--wait=false"],
        );
    }
}

fn web_world() -> World {
    World::new(|repo| {
        write(
            repo,
            "apps/web/deployment.yaml",
            &shipdeck_testkit::manifests::web_deployment(None),
        )
    })
}

fn sync_of(s: &LiveState) -> Option<shipdeck_ipc::drift::SyncSummary> {
    s.overview.applications.first().and_then(|a| a.sync.clone())
}

#[test]
fn a_change_made_in_the_cluster_is_drift_an_event_and_can_be_ignored() {
    use shipdeck_ipc::SyncStatus;
    use shipdeck_ipc::config::IgnoreRule;
    use shipdeck_testkit::{contexts, kubectl_ok};
    let world = web_world();
    // Another branch of the repository, to preview: five replicas in Git.
    git(&world.repo, &["checkout", "-q", "-b", "release"]);
    write(
        &world.repo,
        "apps/web/deployment.yaml",
        &shipdeck_testkit::manifests::web_deployment(None).replace("replicas: 2", "replicas: 5"),
    );
    git(&world.repo, &["commit", "-q", "-am", "Five replicas"]);
    git(&world.repo, &["checkout", "-q", "main"]);
    let world = world.with_local_cluster();
    let web = AppliedWeb::new(&world, "drift");
    let ns = web.ns.clone();

    let engine = world.open("drift");
    engine
        .save_application(ApplicationEntry {
            cluster: "local".into(),
            namespace: ns.clone(),
            ..app("web", "apps/web")
        })
        .unwrap();
    wait(&engine, "the application is compared and Synced", |s| {
        sync_of(s).is_some_and(|x| x.status == SyncStatus::Synced && x.resources == 1)
    });
    assert!(engine.drift_events(10).is_empty(), "nothing drifted yet");

    kubectl_ok(
        contexts::A,
        &["-n", &ns, "scale", "deployment/web", "--replicas=4"],
    );
    let state = wait(&engine, "the scale by hand shows as drift", |s| {
        sync_of(s).is_some_and(|x| x.status == SyncStatus::OutOfSync && x.out_of_sync == 1)
    });
    let report = &state.drift["web"];
    let paths: Vec<&str> = report.resources[0]
        .changes
        .iter()
        .map(|c| c.path.as_str())
        .collect();
    assert_eq!(paths, ["/spec/replicas"]);
    assert!(sync_of(&state).unwrap().changed_at.is_some());

    // Recorded, with who changed what, and kept on disk.
    let events = engine.drift_events(10);
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(
        (events[0].app.as_str(), events[0].cluster.as_str()),
        ("web", "local")
    );
    assert_eq!(
        events[0].resources[0].id,
        format!("apps/Deployment/{ns}/web")
    );
    assert_eq!(events[0].managers(), ["kubectl"]);
    let on_disk = std::fs::read_to_string(world.dirs.drift_events()).unwrap();
    assert_eq!(on_disk.lines().count(), 1, "{on_disk}");

    // Another revision, previewed without changing the application.
    let runtime = &world.runtime;
    let preview = runtime
        .block_on(engine.preview("web", "release", "preview-1"))
        .unwrap();
    let change = &preview.report.resources[0].changes[0];
    assert_eq!(
        (change.path.as_str(), &change.live, &change.desired),
        ("/spec/replicas", &Some(4.into()), &Some(5.into()))
    );
    assert_eq!(preview.commit.len(), 40);
    let missing = runtime
        .block_on(engine.preview("web", "no-such-branch", "preview-2"))
        .unwrap_err();
    assert!(missing.to_string().contains("not found"), "{missing}");
    assert_eq!(
        engine.settings().applications[0].revision,
        Revision::Branch("main".into()),
        "the application was not changed"
    );

    // Ignored from the diff view: stored with the application, and Synced again.
    let rule = IgnoreRule::Pointer {
        pointer: "/spec/replicas".into(),
        kind: Some("Deployment".into()),
    };
    engine.set_ignore_rule("web", rule.clone(), false).unwrap();
    let state = wait(&engine, "the ignored field is not drift", |s| {
        sync_of(s).is_some_and(|x| x.status == SyncStatus::Synced)
    });
    assert_eq!(state.drift["web"].resources[0].ignored.len(), 1);
    let text = std::fs::read_to_string(world.dirs.settings_file()).unwrap();
    assert!(text.contains("pointer = \"/spec/replicas\""), "{text}");
    let err = engine
        .set_ignore_rule(
            "web",
            IgnoreRule::Pointer {
                pointer: "spec.replicas".into(),
                kind: None,
            },
            false,
        )
        .unwrap_err();
    assert!(err.to_string().contains("JSON pointer"), "{err}");
    let err = engine
        .set_ignore_rule(
            "web",
            IgnoreRule::Manager {
                manager: "kubectl-edit".into(),
            },
            false,
        )
        .unwrap_err();
    assert!(err.to_string().contains("edits made by hand"), "{err}");
    engine.set_ignore_rule("web", rule, true).unwrap();
    wait(&engine, "without the rule it is drift again", |s| {
        sync_of(s).is_some_and(|x| x.status == SyncStatus::OutOfSync)
    });
    assert_eq!(
        engine.drift_events(10).len(),
        1,
        "the same drift is not news"
    );

    // Nor after a restart: what was told is read back from the record.
    drop(engine);
    let engine = world.open("drift");
    wait(&engine, "compared again after the restart", |s| {
        sync_of(s).is_some_and(|x| x.status == SyncStatus::OutOfSync)
    });
    assert_eq!(
        engine.drift_events(10).len(),
        1,
        "told once, not at every start"
    );
}

#[test]
fn a_cluster_that_goes_away_turns_its_applications_unknown_until_it_returns() {
    use shipdeck_ipc::SyncStatus;
    use shipdeck_testkit::{CuttableLink, contexts};
    let world = web_world().with_local_cluster();
    let web = AppliedWeb::new(&world, "cut");
    // Cluster `local` reached through a link the test can cut.
    let kubeconfig = shipdeck_testkit::kubeconfig();
    let text = std::fs::read_to_string(&kubeconfig).unwrap();
    let config = kube::config::Kubeconfig::read_from(&kubeconfig).unwrap();
    let context = config
        .contexts
        .iter()
        .find(|c| c.name == contexts::A)
        .unwrap();
    let cluster_name = &context.context.as_ref().unwrap().cluster;
    let server = config
        .clusters
        .iter()
        .find(|c| &c.name == cluster_name)
        .and_then(|c| c.cluster.as_ref()?.server.clone())
        .unwrap();
    let address = server.trim_start_matches("https://").to_string();
    let link = CuttableLink::start(address.parse().unwrap());
    let linked = world._work.path().join("linked-kubeconfig");
    std::fs::write(
        &linked,
        text.replace(&server, &format!("https://127.0.0.1:{}", link.port)),
    )
    .unwrap();
    let settings = world.dirs.settings_file();
    let with_link = std::fs::read_to_string(&settings).unwrap().replace(
        &format!("{:?}", kubeconfig.display().to_string()),
        &format!("{:?}", linked.display().to_string()),
    );
    std::fs::write(&settings, with_link).unwrap();

    let engine = world.open("cut");
    engine
        .save_application(ApplicationEntry {
            cluster: "local".into(),
            namespace: web.ns.clone(),
            ..app("web", "apps/web")
        })
        .unwrap();
    wait(&engine, "compared through the link", |s| {
        sync_of(s).is_some_and(|x| x.status == SyncStatus::Synced)
    });

    link.cut();
    // The watch ends with the connection; the comparison it starts cannot reach the cluster.
    let state = wait(&engine, "the application is Unknown, saying why", |s| {
        sync_of(s).is_some_and(|x| x.status == SyncStatus::Unknown && x.message.is_some())
    });
    let reason = sync_of(&state).unwrap().message.unwrap();
    assert!(reason.contains("could not be asked"), "{reason}");

    link.restore();
    wait(&engine, "it recovers by itself", |s| {
        sync_of(s).is_some_and(|x| x.status == SyncStatus::Synced)
    });
}
