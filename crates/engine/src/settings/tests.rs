use super::{Error, SettingsStore, validate};
use shipdeck_ipc::config::{
    ApplicationEntry, ClusterEntry, RepoAuth, RepositoryEntry, Revision, Settings,
};

fn sample() -> Settings {
    Settings {
        clusters: vec![ClusterEntry {
            id: "prod".into(),
            context: "prod-eu".into(),
            kubeconfig: vec![],
        }],
        repositories: vec![RepositoryEntry {
            id: "shop".into(),
            url: "https://git.example/shop.git".into(),
            auth: RepoAuth::Https {
                username: "deploy".into(),
            },
            poll_interval_secs: 30,
        }],
        applications: vec![ApplicationEntry {
            id: "storefront".into(),
            repository: "shop".into(),
            revision: Revision::Branch("main".into()),
            path: "apps/storefront".into(),
            cluster: "prod".into(),
            namespace: "shop".into(),
        }],
    }
}

#[test]
fn saved_settings_read_back_identically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    let store = SettingsStore::open(&path).unwrap();
    assert_eq!(store.get(), Settings::default());
    store
        .update(|s| {
            *s = sample();
            Ok(())
        })
        .unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("format = 1"), "{text}");
    assert_eq!(SettingsStore::open(&path).unwrap().get(), sample());
}

#[test]
fn an_invalid_change_leaves_memory_and_disk_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    let store = SettingsStore::open(&path).unwrap();
    store
        .update(|s| {
            *s = sample();
            Ok(())
        })
        .unwrap();
    let before = std::fs::read(&path).unwrap();

    let err = store
        .update(|s| {
            s.applications[0].cluster = "nowhere".into();
            Ok(())
        })
        .unwrap_err();
    assert!(err.to_string().contains("cluster 'nowhere'"), "{err}");
    assert_eq!(store.get(), sample());
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_broken_file_is_reported_with_its_line_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    std::fs::write(&path, "format = 1\n[[clusters]]\nid = \"a\"\ncontext = \n").unwrap();
    let err = SettingsStore::open(&path).err().unwrap();
    assert!(matches!(err, Error::Parse { .. }), "{err}");
    assert!(err.to_string().contains("line 4"), "{err}");
    assert!(err.to_string().contains("will not overwrite"), "{err}");
}

#[test]
fn a_newer_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    std::fs::write(&path, "format = 9\n").unwrap();
    assert!(matches!(
        SettingsStore::open(&path),
        Err(Error::TooNew { found: 9, .. })
    ));
}

#[test]
fn validation_says_what_to_fix() {
    type Breakage = Box<dyn Fn(&mut Settings)>;
    let cases: Vec<(Breakage, &str)> = vec![
        (
            Box::new(|s| s.clusters.push(s.clusters[0].clone())),
            "already a cluster named 'prod'",
        ),
        (
            Box::new(|s| s.clusters[0].id = "Prod EU".into()),
            "not a valid cluster name",
        ),
        (
            Box::new(|s| s.repositories[0].url = "ftp://x".into()),
            "not a Git URL",
        ),
        (
            Box::new(|s| s.repositories[0].poll_interval_secs = 1),
            "poll interval",
        ),
        (
            Box::new(|s| s.repositories[0].auth = RepoAuth::SshAgent),
            "SSH authentication needs",
        ),
        (
            Box::new(|s| s.applications[0].namespace = "Shop".into()),
            "not a valid namespace",
        ),
        (
            Box::new(|s| s.applications[0].path = "../etc".into()),
            "must be relative",
        ),
        (
            Box::new(|s| s.applications[0].revision = Revision::Commit("xyz".into())),
            "not a commit SHA",
        ),
        (
            Box::new(|s| s.applications[0].repository = "gone".into()),
            "repository 'gone'",
        ),
    ];
    for (break_it, expected) in cases {
        let mut s = sample();
        break_it(&mut s);
        let err = validate(&s).unwrap_err().to_string();
        assert!(err.contains(expected), "expected '{expected}' in: {err}");
    }
    let mut ok = sample();
    ok.repositories[0].url = "git@github.com:org/shop.git".into();
    ok.repositories[0].auth = RepoAuth::SshKey {
        private_key: "/k".into(),
        has_passphrase: true,
    };
    validate(&ok).unwrap();
}
