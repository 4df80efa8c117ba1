use super::*;
use crate::history::jsonl;

fn deployment(cluster: &str, id: &str, finished: &str, result: Outcome) -> HistoryEvent {
    HistoryEvent::Deployment {
        app: "web".into(),
        cluster: cluster.into(),
        id: id.into(),
        kind: DeploymentKind::Sync,
        started_at: "2026-11-02T09:00:00Z".into(),
        finished_at: finished.into(),
        result,
        revision: "c2".into(),
        commits: vec!["c2".into(), "c1".into()],
        answers: None,
        incident: false,
    }
}

fn commit(sha: &str, at: &str) -> HistoryEvent {
    HistoryEvent::Commit {
        app: "web".into(),
        sha: sha.into(),
        committed_at: at.into(),
        author: "Maya Chen".into(),
    }
}

fn sample() -> Vec<HistoryEvent> {
    vec![
        commit("c1", "2026-11-01T09:00:00Z"),
        commit("c2", "2026-11-02T08:00:00Z"),
        deployment(
            "prod",
            "web.1",
            "2026-11-02T10:00:00.25Z",
            Outcome::Succeeded,
        ),
        HistoryEvent::Deployment {
            app: "web".into(),
            cluster: "prod".into(),
            id: "web.2".into(),
            kind: DeploymentKind::Rollback,
            started_at: "2026-11-03T09:00:00Z".into(),
            finished_at: "2026-11-03T09:05:00Z".into(),
            result: Outcome::Succeeded,
            revision: "c1".into(),
            commits: vec![],
            answers: Some("web.1".into()),
            incident: true,
        },
        HistoryEvent::Incident {
            app: "web".into(),
            opened_at: "2026-11-03T08:50:00Z".into(),
            resolved_at: Some("2026-11-03T09:05:00Z".into()),
            deployment: Some("web.1".into()),
        },
    ]
}

/// The set-aside directories in `dir`.
fn kept_copies(dir: &tempfile::TempDir) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && p.to_string_lossy().contains("set-aside"))
        .collect()
}

fn open(dir: &tempfile::TempDir) -> Opened {
    Store::open(&dir.path().join("history.sqlite")).unwrap()
}

#[test]
fn what_is_imported_exports_the_same_after_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let imported = open(&dir).store.import(sample(), Origin::Import).unwrap();
    assert_eq!(
        imported,
        Imported {
            commits: 2,
            deployments: 2,
            incidents: 1
        }
    );
    let opened = open(&dir);
    assert!(opened.notice.is_none());
    let exported = opened.store.export(&Scope::default()).unwrap();
    assert_eq!(exported, sample());
    // The file format carries it too, so export → import is lossless.
    assert_eq!(jsonl::parse(&jsonl::write(&exported)).unwrap(), sample());
}

#[test]
fn importing_again_updates_instead_of_doubling() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).store;
    store.import(sample(), Origin::Import).unwrap();
    let mut again = sample();
    again[2] = deployment("prod", "web.1", "2026-11-02T10:00:00.25Z", Outcome::Failed);
    store.import(again.clone(), Origin::Cluster).unwrap();
    let exported = store.export(&Scope::default()).unwrap();
    assert_eq!(exported.len(), sample().len());
    assert!(exported.contains(&again[2]), "{exported:#?}");
}

#[test]
fn an_import_with_a_bad_event_stores_none_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).store;
    let mut events = sample();
    events.push(commit("c3", "not a time"));
    assert!(store.import(events, Origin::Import).is_err());
    assert!(store.export(&Scope::default()).unwrap().is_empty());
}

#[test]
fn facts_keep_clusters_apart_and_carry_commit_times() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).store;
    let mut events = sample();
    events.push(deployment(
        "staging",
        "web.1",
        "2026-11-02T09:30:00Z",
        Outcome::Succeeded,
    ));
    store.import(events, Origin::Import).unwrap();
    let since: Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
    let mut facts = store.facts(&Scope::default(), since).unwrap();
    facts.sort_by(|a, b| a.id.cmp(&b.id));
    let ids: Vec<&str> = facts.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["prod/web.1", "prod/web.2", "staging/web.1"]);
    assert_eq!(facts[1].answers.as_deref(), Some("prod/web.1"));
    let mut times = facts[0].commits.clone();
    times.sort();
    assert_eq!(
        times,
        [
            "2026-11-01T09:00:00Z".parse::<Timestamp>().unwrap(),
            "2026-11-02T08:00:00Z".parse().unwrap()
        ]
    );
    let prod = Scope {
        apps: Some(vec!["web".into()]),
        cluster: Some("prod".into()),
    };
    assert_eq!(store.facts(&prod, since).unwrap().len(), 2);
    let other = Scope {
        apps: Some(vec!["api".into()]),
        cluster: None,
    };
    assert!(store.facts(&other, since).unwrap().is_empty());
    let later: Timestamp = "2026-11-03T00:00:00Z".parse().unwrap();
    assert_eq!(store.facts(&Scope::default(), later).unwrap().len(), 1);
}

#[test]
fn a_damaged_database_is_kept_aside_and_a_new_one_made() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    std::fs::write(&path, b"this is not a database, just bytes that were there").unwrap();
    let opened = Store::open(&path).unwrap();
    let notice = opened.notice.expect("the user is told");
    assert!(notice.contains("damaged"), "{notice}");
    let kept = kept_copies(&dir);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(
        std::fs::read(kept[0].join("history.sqlite"))
            .unwrap()
            .starts_with(b"this is not")
    );
    opened.store.import(sample(), Origin::Import).unwrap();
    assert_eq!(opened.store.export(&Scope::default()).unwrap(), sample());
}

#[test]
fn a_database_from_a_newer_shipdeck_is_kept_aside_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    open(&dir).store.import(sample(), Origin::Import).unwrap();
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", schema::VERSION + 1)
        .unwrap();
    let opened = Store::open(&path).unwrap();
    assert!(opened.notice.unwrap().contains("newer Shipdeck"));
    assert!(opened.store.export(&Scope::default()).unwrap().is_empty());
    let kept = kept_copies(&dir);
    assert_eq!(kept.len(), 1, "{kept:?}");
    let old = Connection::open(kept[0].join("history.sqlite")).unwrap();
    let count: i64 = old
        .query_row("SELECT count(*) FROM deployments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 2, "nothing of the newer database was lost");
}

#[test]
fn cached_facts_are_read_again_after_any_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).store;
    store.import(sample(), Origin::Import).unwrap();
    let first = store.facts_cached().unwrap();
    assert_eq!(first.len(), 2);
    assert!(Arc::ptr_eq(&first, &store.facts_cached().unwrap()), "kept");
    // Written by this store's writer thread, then by another connection, as another
    // process's would be.
    store
        .import(
            vec![deployment(
                "prod",
                "web.9",
                "2026-11-09T10:00:00Z",
                Outcome::Failed,
            )],
            Origin::Import,
        )
        .unwrap();
    assert_eq!(store.facts_cached().unwrap().len(), 3);
    let other = Store::open(store.path()).unwrap().store;
    other
        .import(
            vec![deployment(
                "prod",
                "web.10",
                "2026-11-10T10:00:00Z",
                Outcome::Failed,
            )],
            Origin::Import,
        )
        .unwrap();
    assert_eq!(store.facts_cached().unwrap().len(), 4);
}

#[test]
fn two_openers_of_a_damaged_database_set_it_aside_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    std::fs::write(&path, b"not a database").unwrap();
    let openers: Vec<_> = (0..2)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || Store::open(&path).unwrap())
        })
        .collect();
    let opened: Vec<Opened> = openers.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(
        opened.iter().filter(|o| o.notice.is_some()).count(),
        1,
        "one set it aside, the other found the new one"
    );
    assert_eq!(kept_copies(&dir).len(), 1);
    opened[0].store.import(sample(), Origin::Import).unwrap();
    assert_eq!(opened[1].store.export(&Scope::default()).unwrap(), sample());
}

#[test]
fn importing_what_is_stored_again_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).store;
    store.import(sample(), Origin::Cluster).unwrap();
    let cached = store.facts_cached().unwrap();
    store.import(sample(), Origin::Cluster).unwrap();
    assert!(
        Arc::ptr_eq(&cached, &store.facts_cached().unwrap()),
        "nothing changed, so the metrics cache is kept"
    );
    let mut changed = sample();
    if let HistoryEvent::Deployment { commits, .. } = &mut changed[2] {
        commits.pop();
    }
    store.import(changed.clone(), Origin::Import).unwrap();
    assert_eq!(store.export(&Scope::default()).unwrap(), changed);
}
