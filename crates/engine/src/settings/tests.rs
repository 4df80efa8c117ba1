use super::model::*;
use super::{Error, Reload, SettingsStore, validate};
use std::sync::Arc;

fn sample() -> Settings {
    Settings {
        clusters: vec![Cluster {
            id: "prod".into(),
            context: "prod-eu".into(),
            kubeconfig: vec![],
            credential: Some(ClusterCredential::Token),
        }],
        repositories: vec![Repository {
            id: "shop".into(),
            url: "https://git.example/shop.git".into(),
            auth: RepositoryAuth::Https {
                username: "deploy".into(),
            },
            poll_interval_secs: 30,
        }],
        applications: vec![Application {
            id: "storefront".into(),
            repository: "shop".into(),
            revision: Revision::Branch("main".into()),
            path: "apps/storefront".into(),
            cluster: "prod".into(),
            namespace: "shop".into(),
            helm: Helm {
                values_files: vec!["envs/prod.yaml".into()],
                values: "replicas: 3\n".into(),
                release_name: "shop".into(),
            },
            ignore: vec![
                IgnoreRule::Pointer {
                    pointer: "/spec/replicas".into(),
                    kind: Some("Deployment".into()),
                },
                IgnoreRule::Manager {
                    manager: "vpa-recommender".into(),
                },
            ],
            sync: crate::settings::model::SyncPolicy {
                auto_sync: true,
                self_heal: true,
                prune: false,
                keep_manifests: Some(25),
            },
        }],
        drift: Drift {
            manual_managers: vec!["kubectl-*".into(), "argocd-ui".into()],
        },
        deployments: crate::settings::model::Deployments {
            namespace: "release-records".into(),
        },
        teams: Vec::new(),
    }
}

fn store_in(dir: &tempfile::TempDir) -> (SettingsStore, std::path::PathBuf) {
    let path = dir.path().join("settings.toml");
    (SettingsStore::open(&path), path)
}

fn replace_with(store: &SettingsStore, settings: Settings) {
    store
        .update(|s| {
            *s = settings;
            Ok::<_, Error>(())
        })
        .unwrap();
}

#[test]
fn saved_settings_read_back_identically() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = store_in(&dir);
    assert_eq!(store.get(), Settings::default());
    replace_with(&store, sample());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("format = 2"), "{text}");
    assert!(text.contains("credential = \"token\""), "{text}");
    let reopened = SettingsStore::open(&path);
    assert_eq!(reopened.problem(), None);
    assert_eq!(reopened.get(), sample());
}

/// The file Shipdeck 0.1 wrote (format 1), verbatim.
const FORMAT_1: &str = r#"# Shipdeck settings. Credentials are in the OS keyring, not here.
format = 1

[[clusters]]
id = "shipdeck-a"
context = "shipdeck-a"
kubeconfig = ["/home/me/.kube/config"]

[[repositories]]
id = "demo"
url = "/srv/git/demo"
poll_interval_secs = 30

[[repositories]]
id = "shop"
url = "https://git.example/shop.git"
poll_interval_secs = 60

[repositories.auth]
kind = "https"
username = ""

[[applications]]
id = "storefront"
repository = "demo"
path = "apps/storefront"
cluster = "shipdeck-a"
namespace = "shop"

[applications.revision]
kind = "branch"
name = "main"
"#;

#[test]
fn a_format_1_file_is_migrated_backed_up_and_rewritten_as_format_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    std::fs::write(&path, FORMAT_1).unwrap();
    let store = SettingsStore::open(&path);
    assert_eq!(store.problem(), None);
    let s = store.get();
    assert_eq!(
        s.clusters,
        vec![Cluster {
            id: "shipdeck-a".into(),
            context: "shipdeck-a".into(),
            kubeconfig: vec!["/home/me/.kube/config".into()],
            credential: None,
        }]
    );
    assert_eq!(
        s.repositories[1].auth,
        RepositoryAuth::Https {
            username: String::new()
        }
    );
    assert_eq!(s.repositories[1].poll_interval_secs, 60);
    assert_eq!(s.applications[0].revision, Revision::Branch("main".into()));
    assert_eq!(s.applications[0].helm, Helm::default());
    let backup = dir.path().join("settings.toml.format-1.bak");
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), FORMAT_1);

    store.update(|_| Ok::<_, Error>(())).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("format = 2"), "{text}");
    assert_eq!(SettingsStore::open(&path).get(), s);
}

#[test]
fn an_invalid_change_leaves_memory_and_disk_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = store_in(&dir);
    replace_with(&store, sample());
    let before = std::fs::read(&path).unwrap();
    let err = store
        .update(|s| {
            s.applications[0].cluster = "nowhere".into();
            Ok::<_, Error>(())
        })
        .unwrap_err();
    assert!(err.to_string().contains("`cluster` 'nowhere'"), "{err}");
    assert_eq!(store.get(), sample());
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_broken_file_is_reported_with_its_line_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    let broken = "format = 2\n[[clusters]]\nid = \"a\"\ncontext = \n";
    std::fs::write(&path, broken).unwrap();
    let store = SettingsStore::open(&path);
    let problem = store.problem().expect("a problem");
    assert!(problem.contains("line 4"), "{problem}");
    assert!(store.update(|_| Ok::<_, Error>(())).is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
}

#[test]
fn a_loaded_file_is_validated_and_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    let mut s = sample();
    s.repositories[0].poll_interval_secs = 0;
    std::fs::write(&path, super::file::render(&s).unwrap()).unwrap();
    let store = SettingsStore::open(&path);
    let problem = store.problem().expect("a zero interval is refused");
    assert!(problem.contains("`poll_interval_secs` is 0"), "{problem}");
    assert_eq!(store.get(), Settings::default(), "never used");

    let mut s = sample();
    s.applications[0].id = "Store_Front".into();
    std::fs::write(&path, super::file::render(&s).unwrap()).unwrap();
    let problem = SettingsStore::open(&path).problem().unwrap();
    assert!(
        problem.contains("application `id` 'Store_Front'"),
        "{problem}"
    );
}

#[test]
fn a_hand_edit_is_picked_up_and_never_overwritten_by_an_older_copy() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = store_in(&dir);
    replace_with(&store, sample());

    // Someone edits the file while the app runs.
    let mut edited = store.get();
    edited.repositories[0].poll_interval_secs = 120;
    std::fs::write(&path, super::file::render(&edited).unwrap()).unwrap();

    // A change made in the app afterwards applies on top of the edit.
    store
        .update(|s| {
            s.applications[0].namespace = "shop-v2".into();
            Ok::<_, Error>(())
        })
        .unwrap();
    let on_disk = SettingsStore::open(&path).get();
    assert_eq!(on_disk.repositories[0].poll_interval_secs, 120);
    assert_eq!(on_disk.applications[0].namespace, "shop-v2");
}

#[test]
fn reload_reports_changes_breakage_and_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = store_in(&dir);
    replace_with(&store, sample());
    assert_eq!(store.reload_if_changed(), Reload::Unchanged);

    let mut edited = sample();
    edited.clusters[0].context = "prod-us".into();
    std::fs::write(&path, super::file::render(&edited).unwrap()).unwrap();
    assert_eq!(store.reload_if_changed(), Reload::Changed(edited.clone()));
    assert_eq!(store.reload_if_changed(), Reload::Unchanged);

    std::fs::write(&path, "format = 2\n[[clusters]\n").unwrap();
    assert!(matches!(store.reload_if_changed(), Reload::Broken(_)));
    assert_eq!(store.get(), edited, "the last good settings stay in force");
    assert_eq!(store.reload_if_changed(), Reload::Unchanged);
    assert!(
        store.update(|_| Ok::<_, Error>(())).is_err(),
        "a broken file is never overwritten"
    );

    std::fs::write(&path, super::file::render(&sample()).unwrap()).unwrap();
    assert_eq!(store.reload_if_changed(), Reload::Changed(sample()));
    assert_eq!(store.problem(), None);
}

#[test]
fn a_refused_change_leaves_a_hand_edit_for_the_watcher_to_report() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = store_in(&dir);
    replace_with(&store, sample());
    let mut edited = sample();
    edited.clusters[0].context = "prod-us".into();
    std::fs::write(&path, super::file::render(&edited).unwrap()).unwrap();

    // A save the app refuses, made before the watcher looked at the file.
    let refused = store.update(|_| Err::<(), _>(Error::Invalid("no".into())));
    assert!(refused.is_err());
    // The watcher still sees the edit, so the monitor follows it.
    assert_eq!(store.reload_if_changed(), Reload::Changed(edited));
}

#[test]
fn a_settings_file_that_disappears_or_is_emptied_is_a_problem_not_an_empty_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = store_in(&dir);
    replace_with(&store, sample());
    for (what, gone) in [
        ("emptied", Some("")),
        ("truncated to blanks", Some("\n  \n")),
        ("removed", None),
    ] {
        match gone {
            Some(text) => std::fs::write(&path, text).unwrap(),
            None => std::fs::remove_file(&path).unwrap(),
        }
        assert!(
            matches!(store.reload_if_changed(), Reload::Broken(m) if m.contains("put it back")),
            "{what}"
        );
        assert_eq!(store.get(), sample(), "{what}: the last good settings stay");
        assert!(
            store.update(|_| Ok::<_, Error>(())).is_err(),
            "{what}: a save does not write over the user's settings"
        );
        std::fs::write(&path, super::file::render(&sample()).unwrap()).unwrap();
        assert_eq!(
            store.reload_if_changed(),
            Reload::Changed(sample()),
            "{what}"
        );
    }
    // With no file at the start, there is nothing to lose: an empty configuration.
    let fresh = SettingsStore::open(dir.path().join("new.toml"));
    assert_eq!(fresh.problem(), None);
}

#[test]
fn concurrent_changes_are_all_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = store_in(&dir);
    replace_with(&store, sample());
    let store = Arc::new(store);
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            std::thread::spawn(move || {
                store
                    .update(|s| {
                        s.clusters.push(Cluster {
                            id: format!("c{i}"),
                            context: format!("ctx{i}"),
                            kubeconfig: vec![],
                            credential: None,
                        });
                        Ok::<_, Error>(())
                    })
                    .unwrap();
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    assert_eq!(SettingsStore::open(&path).get().clusters.len(), 9);
}

#[test]
fn validation_uses_the_pollers_parsers() {
    let check = |url: &str, auth: RepositoryAuth| {
        let mut s = sample();
        s.repositories[0].url = url.into();
        s.repositories[0].auth = auth;
        validate(&s)
    };
    // Accepted by the poller, so accepted here (the old rules refused the first two).
    assert!(check("host:repo.git", RepositoryAuth::SshAgent).is_ok());
    assert!(check("/srv/git/repo.git", RepositoryAuth::None).is_ok());
    // Refused by the poller, so refused here.
    assert!(check("ftp://host/r.git", RepositoryAuth::None).is_err());
    assert!(check("relative/path", RepositoryAuth::None).is_err());

    let with_revision = |r: Revision, path: &str| {
        let mut s = sample();
        s.applications[0].revision = r;
        s.applications[0].path = path.into();
        validate(&s)
    };
    assert!(with_revision(Revision::Branch("feature/x".into()), "apps").is_ok());
    for bad in ["a..b", "a~1", "ref^", "a:b", "x.lock"] {
        let err = with_revision(Revision::Branch(bad.into()), "apps");
        assert!(matches!(err, Err(Error::Invalid(_))), "{bad}: {err:?}");
    }
    let with_rule = |rule: IgnoreRule| {
        let mut s = sample();
        s.applications[0].ignore = vec![rule];
        validate(&s)
    };
    for bad in ["spec/replicas", "/a~2b", "/a~"] {
        let err = with_rule(IgnoreRule::Pointer {
            pointer: bad.into(),
            kind: None,
        })
        .unwrap_err();
        assert!(err.to_string().contains("JSON pointer"), "{bad}: {err}");
    }
    assert!(
        with_rule(IgnoreRule::Pointer {
            pointer: "/metadata/annotations/a~1b".into(),
            kind: None,
        })
        .is_ok()
    );
    assert!(
        with_rule(IgnoreRule::Manager {
            manager: " ".into()
        })
        .is_err()
    );
    let err = with_revision(Revision::Branch("main".into()), ".git/hooks").unwrap_err();
    assert!(err.to_string().contains(".git"), "{err}");
    assert!(with_revision(Revision::Branch("main".into()), "../up").is_err());
}

/// The file's text is the engine's schema, pinned here: a change to the IPC types (what the UI
/// sends) or to a Rust field name that would change the file on disk fails this test.
#[test]
fn the_file_format_is_pinned() {
    let text = super::file::render(&sample()).unwrap();
    assert_eq!(
        text, GOLDEN,
        "settings.toml changed shape; bump FORMAT_VERSION and migrate"
    );
}

const GOLDEN: &str = r#"# Shipdeck settings. Credentials are in the OS keyring, not here.
format = 2

[[clusters]]
id = "prod"
context = "prod-eu"
credential = "token"

[[repositories]]
id = "shop"
url = "https://git.example/shop.git"
poll_interval_secs = 30

[repositories.auth]
kind = "https"
username = "deploy"

[[applications]]
id = "storefront"
repository = "shop"
path = "apps/storefront"
cluster = "prod"
namespace = "shop"

[applications.revision]
kind = "branch"
name = "main"

[applications.helm]
values_files = ["envs/prod.yaml"]
values = """
replicas: 3
"""
release_name = "shop"

[[applications.ignore]]
match = "pointer"
pointer = "/spec/replicas"
kind = "Deployment"

[[applications.ignore]]
match = "manager"
manager = "vpa-recommender"

[applications.sync]
auto_sync = true
self_heal = true
keep_manifests = 25

[drift]
manual_managers = [
    "kubectl-*",
    "argocd-ui",
]

[deployments]
namespace = "release-records"
"#;

#[test]
fn a_hand_written_file_without_a_format_line_is_read_as_the_current_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    std::fs::write(&path, GOLDEN.replace("format = 2\n", "")).unwrap();
    let store = SettingsStore::open(&path);
    assert_eq!(store.problem(), None);
    assert_eq!(store.get(), sample());
}

#[test]
fn a_team_names_configured_applications_only() {
    let mut with_team = sample();
    with_team.teams.push(crate::settings::model::Team {
        id: "payments".into(),
        applications: vec!["storefront".into()],
    });
    assert!(validate(&with_team).is_ok());
    let mut s = with_team.clone();
    s.teams[0].applications.push("checkout".into());
    let err = validate(&s).unwrap_err().to_string();
    assert!(
        err.contains("team 'payments'") && err.contains("'checkout'"),
        "{err}"
    );
    let mut s = with_team;
    s.teams.push(s.teams[0].clone());
    assert!(validate(&s).is_err(), "two teams with one id");
}
