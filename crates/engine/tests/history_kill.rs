//! The history database survives its writer being killed with SIGKILL in the middle of
//! writes, again and again: each time it opens intact (never set aside as damaged), every
//! import the writer reported committed is there, and no import is there in part.
//!
//! The writer is this test binary run again (`child_writer`), so it is the real store code.

use shipdeck_engine::history::{Origin, Scope, Store};
use shipdeck_ipc::deploy::DeploymentKind;
use shipdeck_ipc::history::{HistoryEvent, Outcome};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

const CHILD: &str = "SHIPDECK_HISTORY_KILL_CHILD";
const FIRST: &str = "SHIPDECK_HISTORY_KILL_FIRST";
const PER_IMPORT: usize = 50;

fn batch(n: usize) -> Vec<HistoryEvent> {
    (0..PER_IMPORT)
        .map(|k| HistoryEvent::Deployment {
            app: "web".into(),
            cluster: "prod".into(),
            id: format!("b{n}.{k}"),
            kind: DeploymentKind::Sync,
            started_at: "2026-11-02T09:00:00Z".into(),
            finished_at: "2026-11-02T09:05:00Z".into(),
            result: Outcome::Succeeded,
            revision: format!("{n:040}"),
            commits: vec![format!("{n:040}")],
            answers: None,
            incident: false,
        })
        .collect()
}

/// Run by the test below in a child process (`--ignored --exact child_writer`): imports batch
/// after batch, printing each number once its import returned (committed).
#[test]
#[ignore = "the writer the kill test starts and kills; not a test on its own"]
fn child_writer() {
    let Ok(path) = std::env::var(CHILD) else {
        return;
    };
    let first: usize = std::env::var(FIRST).unwrap().parse().unwrap();
    let store = Store::open(path.as_ref()).unwrap().store;
    let mut out = std::io::stdout().lock();
    for n in first..first + 100_000 {
        store.import(batch(n), Origin::Import).unwrap();
        // The parent gone (a closed pipe) ends this loop.
        if writeln!(out, "committed {n}")
            .and_then(|_| out.flush())
            .is_err()
        {
            return;
        }
    }
}

#[test]
fn a_killed_writer_loses_nothing_it_committed_and_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    let mut next = 0;
    let mut acknowledged_total = 0;
    for round in 0..20u64 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "child_writer",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, &path)
            .env(FIRST, next.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (first, writing) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(n) = line
                    .strip_prefix("committed ")
                    .and_then(|n| n.parse::<usize>().ok())
                {
                    if seen.is_empty() {
                        let _ = first.send(());
                    }
                    seen.push(n);
                }
            }
            seen
        });
        // Killed while it writes: after its first commit, at a different moment each round.
        writing
            .recv_timeout(Duration::from_secs(60))
            .expect("the writer committed within a minute");
        std::thread::sleep(Duration::from_millis(round * 53 % 300));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let acknowledged = reader.join().unwrap();
        assert!(!acknowledged.is_empty(), "round {round}");
        acknowledged_total += acknowledged.len();

        let opened = Store::open(&path).unwrap();
        assert!(
            opened.notice.is_none(),
            "round {round}: the database was found damaged: {:?}",
            opened.notice
        );
        let mut per_batch: BTreeMap<usize, usize> = BTreeMap::new();
        for event in opened.store.export(&Scope::default()).unwrap() {
            if let HistoryEvent::Deployment { id, .. } = event {
                let n = id[1..id.find('.').unwrap()].parse().unwrap();
                *per_batch.entry(n).or_default() += 1;
            }
        }
        for n in &acknowledged {
            assert_eq!(
                per_batch.get(n),
                Some(&PER_IMPORT),
                "round {round}: batch {n} was reported committed"
            );
        }
        for (n, count) in &per_batch {
            assert_eq!(*count, PER_IMPORT, "round {round}: batch {n} is half there");
        }
        next = per_batch.keys().next_back().map_or(0, |n| n + 1);
    }
    assert!(
        acknowledged_total >= 40,
        "the writer was killed before it wrote much ({acknowledged_total} imports): the test \
         proves little"
    );
}
