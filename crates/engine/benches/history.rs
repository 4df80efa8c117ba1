//! The history store at the size the issue names: 100,000 deployments among 1,000,000 events
//! (ten applications over two years; 850,000 commits, 50,000 incidents). Measures:
//! - importing the 1,000,000 events into an empty store (one transaction; median of 3 runs,
//!   printed);
//! - the full DORA set of one period (the whole two years and the two before: the largest
//!   question there is), and of a 90-day period for one application (criterion), from the
//!   store's cache; and the first question after a write, which reads every deployment
//!   again (median of 3, printed);
//! - the timeline of the last 90 days, every application and one (criterion).
//!
//! `cargo bench -p shipdeck-engine --bench history` (no cluster needed).

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::{Timestamp, ToSpan};
use shipdeck_engine::dora;
use shipdeck_engine::history::timeline::Filter;
use shipdeck_engine::history::{Origin, Scope, Store};
use shipdeck_ipc::deploy::DeploymentKind;
use shipdeck_ipc::history::{HistoryEvent, Outcome};
use std::hint::black_box;
use std::time::Instant;

const APPS: usize = 10;
const DEPLOYMENTS: usize = 100_000;
const COMMITS: usize = 850_000;
const INCIDENTS: usize = 50_000;

fn start() -> Timestamp {
    "2025-01-01T00:00:00Z".parse().unwrap()
}

fn events() -> Vec<HistoryEvent> {
    let mut out = Vec::with_capacity(DEPLOYMENTS + COMMITS + INCIDENTS);
    // Two years in seconds, shared out evenly: a deployment every ~10 minutes.
    let span = 2 * 365 * 86_400;
    let at = |i: usize, of: usize| (start() + ((i * span / of) as i64).seconds()).to_string();
    for c in 0..COMMITS {
        out.push(HistoryEvent::Commit {
            app: format!("app-{}", c % APPS),
            sha: format!("{c:040x}"),
            committed_at: at(c, COMMITS),
            author: format!("dev-{}", c % 37),
        });
    }
    let per = COMMITS / DEPLOYMENTS;
    for d in 0..DEPLOYMENTS {
        let app = d % APPS;
        // Each application's every 13th deployment fails and its next rolls it back.
        let failed = (d / APPS).is_multiple_of(13);
        let rollback = (d / APPS) % 13 == 1;
        out.push(HistoryEvent::Deployment {
            app: format!("app-{app}"),
            cluster: "prod".into(),
            id: format!("app-{app}.{d}"),
            kind: if rollback {
                DeploymentKind::Rollback
            } else {
                DeploymentKind::Sync
            },
            started_at: at(d, DEPLOYMENTS),
            finished_at: at(d, DEPLOYMENTS),
            result: if failed {
                Outcome::Failed
            } else {
                Outcome::Succeeded
            },
            revision: format!("{d:040x}"),
            // The commits of this application just before it (commit c is app c % APPS).
            commits: (0..per)
                .map(|k| {
                    let c = (d * per).saturating_sub(k * APPS) / APPS * APPS + app;
                    format!("{c:040x}")
                })
                .collect(),
            answers: rollback.then(|| format!("app-{app}.{}", d - APPS)),
            incident: failed,
        });
    }
    for i in 0..INCIDENTS {
        out.push(HistoryEvent::Incident {
            app: format!("app-{}", i % APPS),
            opened_at: at(i, INCIDENTS),
            resolved_at: None,
            deployment: None,
        });
    }
    out
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let events = events();
    assert_eq!(events.len(), 1_000_000);
    let mut imports = Vec::new();
    for run in 0..3 {
        let path = dir.path().join(format!("import-{run}.sqlite"));
        let store = Store::open(&path).unwrap().store;
        let began = Instant::now();
        store.import(events.clone(), Origin::Import).unwrap();
        imports.push(began.elapsed());
    }
    imports.sort();
    println!(
        "import of 1,000,000 events into an empty store: median {:?} (runs {imports:?})",
        imports[1]
    );
    let store = Store::open(&dir.path().join("import-0.sqlite"))
        .unwrap()
        .store;
    let (since, until) = (start(), start() + (2 * 365 * 24).hours());
    let all = dora::measure(&store, &Scope::default(), since, until).unwrap();
    assert_eq!(all.report.deployments, DEPLOYMENTS);
    assert!(all.report.lead_time.is_some());
    // The first question after a write reads every deployment again (then they are cached).
    let mut cold = Vec::new();
    for n in 0..3 {
        store
            .import(
                vec![HistoryEvent::Incident {
                    app: "app-0".into(),
                    opened_at: (start() + (n as i64 + 1_000).seconds()).to_string(),
                    resolved_at: None,
                    deployment: None,
                }],
                Origin::Import,
            )
            .unwrap();
        let began = Instant::now();
        black_box(dora::measure(&store, &Scope::default(), since, until).unwrap());
        cold.push(began.elapsed());
    }
    cold.sort();
    println!(
        "dora, every application, first question after a write: median {:?} (runs {cold:?})",
        cold[1]
    );
    c.bench_function(
        "dora: every application, two years and the two before",
        |b| b.iter(|| black_box(dora::measure(&store, &Scope::default(), since, until).unwrap())),
    );
    let one = Scope {
        apps: Some(vec!["app-3".into()]),
        cluster: None,
    };
    let (since, until) = (until - (90 * 24).hours(), until);
    c.bench_function("dora: one application, 90 days and the 90 before", |b| {
        b.iter(|| black_box(dora::measure(&store, &one, since, until).unwrap()))
    });

    // The timeline of the last 90 days as the window asks for it: every kind, the newest
    // 2,000 events of about 130,000, and the counts of each kind.
    let filter = Filter {
        limit: shipdeck_ipc::timeline::DEFAULT_LIMIT,
        ..Filter::default()
    };
    let window = store
        .timeline(&Scope::default(), since, until, &filter)
        .unwrap();
    assert_eq!(window.events.len(), filter.limit);
    assert!(window.truncated());
    c.bench_function("timeline: every application, 90 days", |b| {
        b.iter(|| {
            black_box(
                store
                    .timeline(&Scope::default(), since, until, &filter)
                    .unwrap(),
            )
        })
    });
    c.bench_function("timeline: one application, 90 days", |b| {
        b.iter(|| black_box(store.timeline(&one, since, until, &filter).unwrap()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
