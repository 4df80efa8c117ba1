use super::*;
use crate::history::Origin;
use shipdeck_ipc::deploy::DeploymentKind;
use shipdeck_ipc::drift::{DriftEvent, DriftedResource};
use shipdeck_ipc::history::{HistoryEvent, Outcome};
use std::sync::Arc;

fn t(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn deployment(app: &str, cluster: &str, id: &str, finished: &str, result: Outcome) -> HistoryEvent {
    HistoryEvent::Deployment {
        app: app.into(),
        cluster: cluster.into(),
        id: id.into(),
        kind: DeploymentKind::Sync,
        started_at: "2026-11-01T00:00:00Z".into(),
        finished_at: finished.into(),
        result,
        revision: "c2".into(),
        commits: vec!["c2".into()],
        answers: None,
        incident: false,
    }
}

fn commit(app: &str, sha: &str, at: &str) -> HistoryEvent {
    HistoryEvent::Commit {
        app: app.into(),
        sha: sha.into(),
        committed_at: at.into(),
        author: "Maya Chen".into(),
    }
}

fn drift(app: &str, at: &str) -> DriftEvent {
    DriftEvent {
        app: app.into(),
        cluster: "prod".into(),
        at: at.into(),
        commit: "c2".into(),
        resources: vec![DriftedResource {
            id: "apps/Deployment/shop/web".into(),
            reason: None,
            changes: vec![],
        }],
    }
}

/// web on prod: a commit, a success, a failure at 12:00 recovered by a success at 12:30, an
/// incident; api on staging: a commit and a success; drift on web.
fn store(dir: &tempfile::TempDir) -> Store {
    let store = Store::open(&dir.path().join("history.sqlite"))
        .unwrap()
        .store;
    store
        .import(
            vec![
                commit("web", "c2", "2026-11-02T09:00:00Z"),
                deployment(
                    "web",
                    "prod",
                    "web.1",
                    "2026-11-02T10:00:00Z",
                    Outcome::Succeeded,
                ),
                deployment(
                    "web",
                    "prod",
                    "web.2",
                    "2026-11-02T12:00:00Z",
                    Outcome::Failed,
                ),
                deployment(
                    "web",
                    "prod",
                    "web.3",
                    "2026-11-02T12:30:00Z",
                    Outcome::Succeeded,
                ),
                HistoryEvent::Incident {
                    app: "web".into(),
                    opened_at: "2026-11-02T12:05:00Z".into(),
                    resolved_at: Some("2026-11-02T12:30:00Z".into()),
                    deployment: Some("web.2".into()),
                },
                commit("api", "a1", "2026-11-02T08:00:00Z"),
                deployment(
                    "api",
                    "staging",
                    "api.1",
                    "2026-11-02T11:00:00Z",
                    Outcome::Succeeded,
                ),
                // Outside the window below.
                deployment(
                    "web",
                    "prod",
                    "web.0",
                    "2026-10-01T10:00:00Z",
                    Outcome::Succeeded,
                ),
            ],
            Origin::Import,
        )
        .unwrap();
    store
        .record_drifts(vec![drift("web", "2026-11-02T13:00:00Z")])
        .unwrap();
    store
}

fn all() -> Filter {
    Filter {
        limit: 100,
        ..Filter::default()
    }
}

fn day() -> (Timestamp, Timestamp) {
    (t("2026-11-02T00:00:00Z"), t("2026-11-03T00:00:00Z"))
}

fn described(timeline: &Timeline) -> Vec<String> {
    timeline
        .events
        .iter()
        .map(|e| {
            let what = match &e.what {
                What::Commit { sha, .. } => sha.clone(),
                What::Deployment { id, .. } => id.clone(),
                What::Drift { resources, .. } => format!("{resources} drifted"),
                What::Incident { deployment, .. } => {
                    format!("incident {}", deployment.clone().unwrap_or_default())
                }
                What::Recovery { failed, seconds } => format!("{failed} recovered in {seconds}s"),
            };
            format!("{} {} {what}", &e.at[11..16], e.app)
        })
        .collect()
}

#[test]
fn a_window_holds_every_kind_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let (since, until) = day();
    let timeline = store
        .timeline(&Scope::default(), since, until, &all())
        .unwrap();
    assert_eq!(
        described(&timeline),
        [
            "13:00 web 1 drifted",
            // The recovery is counted at the end of the deployment that recovered, and shown
            // above it as what it led to.
            "12:30 web web.2 recovered in 1800s",
            "12:30 web web.3",
            "12:05 web incident web.2",
            "12:00 web web.2",
            "11:00 api api.1",
            "10:00 web web.1",
            "09:00 web c2",
            "08:00 api a1",
        ]
    );
    assert!(!timeline.truncated());
    assert_eq!(timeline.apps, ["api", "web"]);
    assert_eq!(timeline.clusters, ["prod", "staging"]);
}

#[test]
fn the_limit_keeps_the_newest_and_the_counts_say_how_many_there_are() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let (since, until) = day();
    let filter = Filter {
        limit: 3,
        ..Filter::default()
    };
    let timeline = store
        .timeline(&Scope::default(), since, until, &filter)
        .unwrap();
    assert_eq!(timeline.events.len(), 3);
    assert!(timeline.truncated());
    let deployments = timeline
        .counts
        .iter()
        .find(|c| c.kind == EventKind::Deployment)
        .unwrap();
    assert_eq!(deployments.count, 4);
    assert_eq!(described(&timeline)[0], "13:00 web 1 drifted");
}

#[test]
fn kinds_results_and_clusters_filter() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let (since, until) = day();
    let failed = Filter {
        kinds: vec![EventKind::Deployment],
        results: vec![DeploymentResult::Failed],
        limit: 100,
    };
    let timeline = store
        .timeline(&Scope::default(), since, until, &failed)
        .unwrap();
    assert_eq!(described(&timeline), ["12:00 web web.2"]);

    // A cluster keeps the commits of the applications that deployed there, not the others.
    let staging = Scope {
        apps: None,
        cluster: Some("staging".into()),
    };
    let timeline = store.timeline(&staging, since, until, &all()).unwrap();
    assert_eq!(described(&timeline), ["11:00 api api.1", "08:00 api a1"]);

    let web = Scope {
        apps: Some(vec!["web".into()]),
        cluster: None,
    };
    let timeline = store.timeline(&web, since, until, &all()).unwrap();
    assert_eq!(
        described(&timeline),
        [
            "13:00 web 1 drifted",
            "12:30 web web.2 recovered in 1800s",
            "12:30 web web.3",
            "12:05 web incident web.2",
            "12:00 web web.2",
            "10:00 web web.1",
            "09:00 web c2",
        ]
    );
}

#[test]
fn a_recovery_shows_when_it_happened_even_if_the_failure_is_older() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let filter = Filter {
        kinds: vec![EventKind::Recovery],
        limit: 100,
        ..Filter::default()
    };
    let timeline = store
        .timeline(
            &Scope::default(),
            t("2026-11-02T12:15:00Z"),
            t("2026-11-02T13:00:00Z"),
            &filter,
        )
        .unwrap();
    assert_eq!(described(&timeline), ["12:30 web web.2 recovered in 1800s"]);
    let before = store
        .timeline(
            &Scope::default(),
            t("2026-11-02T11:00:00Z"),
            t("2026-11-02T12:15:00Z"),
            &filter,
        )
        .unwrap();
    assert!(before.events.is_empty());
}

#[test]
fn on_one_cluster_a_failure_is_recovered_by_that_clusters_next_success() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    // web's failure on prod (12:00) is recovered on prod at 12:30; a success of web on
    // staging at 12:10 recovers it for every cluster taken together, not for prod.
    store
        .import(
            vec![deployment(
                "web",
                "staging",
                "web.1",
                "2026-11-02T12:10:00Z",
                Outcome::Succeeded,
            )],
            Origin::Import,
        )
        .unwrap();
    let filter = Filter {
        kinds: vec![EventKind::Recovery],
        limit: 100,
        ..Filter::default()
    };
    let (since, until) = day();
    let everywhere = store
        .timeline(&Scope::default(), since, until, &filter)
        .unwrap();
    assert_eq!(
        described(&everywhere),
        ["12:10 web web.2 recovered in 600s"]
    );
    let prod = Scope {
        apps: None,
        cluster: Some("prod".into()),
    };
    let on_prod = store.timeline(&prod, since, until, &filter).unwrap();
    assert_eq!(described(&on_prod), ["12:30 web web.2 recovered in 1800s"]);
}

#[test]
fn drift_is_resolved_once_the_application_is_in_sync_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let drift_only = Filter {
        kinds: vec![EventKind::Drift],
        limit: 100,
        ..Filter::default()
    };
    let (since, until) = day();
    let resolved = |store: &Store| -> Vec<Option<String>> {
        store
            .timeline(&Scope::default(), since, until, &drift_only)
            .unwrap()
            .events
            .into_iter()
            .map(|e| match e.what {
                What::Drift { resolved_at, .. } => resolved_at,
                other => panic!("{other:?}"),
            })
            .collect()
    };
    assert_eq!(resolved(&store), [None]);
    // Another application, or another cluster, in sync resolves nothing of web's on prod.
    assert_eq!(
        store
            .resolve_drifts("api", "prod", t("2026-11-02T14:00:00Z"))
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .resolve_drifts("web", "staging", t("2026-11-02T14:00:00Z"))
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .resolve_drifts("web", "prod", t("2026-11-02T14:00:00Z"))
            .unwrap(),
        1
    );
    assert_eq!(resolved(&store), [Some("2026-11-02T14:00:00Z".to_string())]);
    // Resolved once: seen in sync again later changes nothing.
    assert_eq!(
        store
            .resolve_drifts("web", "prod", t("2026-11-02T15:00:00Z"))
            .unwrap(),
        0
    );
}

#[test]
fn drift_seen_twice_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    assert_eq!(
        store
            .record_drifts(vec![drift("web", "2026-11-02T13:00:00Z")])
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .record_drifts(vec![drift("web", "2026-11-02T14:00:00Z")])
            .unwrap(),
        1
    );
}

fn incident_of(store: &Store, id: &str) -> bool {
    let (since, until) = day();
    let timeline = store
        .timeline(&Scope::default(), since, until, &all())
        .unwrap();
    timeline
        .events
        .iter()
        .find_map(|e| match &e.what {
            What::Deployment {
                id: i, incident, ..
            } if i == id => Some(*incident),
            _ => None,
        })
        .unwrap()
}

#[test]
fn the_record_says_its_own_mark_a_file_only_adds_one_and_clearing_clears_both() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let web1 = |incident: bool| HistoryEvent::Deployment {
        app: "web".into(),
        cluster: "prod".into(),
        id: "web.1".into(),
        kind: DeploymentKind::Sync,
        started_at: "2026-11-01T00:00:00Z".into(),
        finished_at: "2026-11-02T10:00:00Z".into(),
        result: Outcome::Succeeded,
        revision: "c2".into(),
        commits: vec!["c2".into()],
        answers: None,
        incident,
    };
    let cached = store.facts_cached().unwrap();
    assert!(store.set_incident("prod", "web.1", true).unwrap());
    assert!(incident_of(&store, "web.1"));
    assert!(
        !Arc::ptr_eq(&cached, &store.facts_cached().unwrap()),
        "the mark counts in the metrics at once"
    );
    // A history file without the mark does not clear it…
    store.import(vec![web1(false)], Origin::Import).unwrap();
    assert!(incident_of(&store, "web.1"));
    // …the record (indexed from the cluster) says its own mark, cleared by another desk.
    store.import(vec![web1(false)], Origin::Cluster).unwrap();
    assert!(!incident_of(&store, "web.1"));
    // A mark a file adds stays whatever the record says, until the user clears it.
    store.import(vec![web1(true)], Origin::Import).unwrap();
    store.import(vec![web1(false)], Origin::Cluster).unwrap();
    assert!(incident_of(&store, "web.1"));
    assert!(store.set_incident("prod", "web.1", false).unwrap());
    assert!(!incident_of(&store, "web.1"));
    assert!(!store.set_incident("prod", "nothing.9", true).unwrap());
}

#[test]
fn drift_coming_in_keeps_the_metrics_cache() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let cached = store.facts_cached().unwrap();
    store
        .record_drifts(vec![drift("web", "2026-11-02T15:00:00Z")])
        .unwrap();
    assert!(Arc::ptr_eq(&cached, &store.facts_cached().unwrap()));
}

#[test]
fn an_unreadable_drift_time_skips_that_event_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let stored = store
        .record_drifts(vec![
            drift("web", "yesterday"),
            drift("web", "2026-11-02T16:00:00Z"),
        ])
        .unwrap();
    assert_eq!(stored, 1);
}

#[test]
fn a_database_of_the_first_schema_keeps_everything_when_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(super::super::schema::MIGRATIONS[0])
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO deployments (cluster, id, app, kind, started_at, finished_at, result, \
             revision, answers, incident, origin) VALUES ('prod', 'web.1', 'web', 'sync', 0, \
             1793613600000, 'succeeded', 'c2', NULL, 1, 'import')",
            [],
        )
        .unwrap();
    }
    let opened = Store::open(&path).unwrap();
    assert!(opened.notice.is_none(), "{:?}", opened.notice);
    let version: i64 = opened
        .store
        .read(|c| c.query_row("PRAGMA user_version", [], |r| r.get(0)))
        .unwrap();
    assert_eq!(version, super::super::schema::VERSION);
    let exported = opened.store.export(&Scope::default()).unwrap();
    assert!(
        matches!(&exported[..], [HistoryEvent::Deployment { id, incident: true, .. }] if id == "web.1"),
        "{exported:?}"
    );
    opened
        .store
        .record_drifts(vec![drift("web", "2026-11-02T13:00:00Z")])
        .unwrap();
}
