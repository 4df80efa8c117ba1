//! Deployment histories for the charts' tests, built from facts directly.

use crate::dora::Fact;
use jiff::Timestamp;
use shipdeck_ipc::deploy::{DeploymentKind, DeploymentResult};

pub const HOUR: i64 = 3600;
pub const DAY: i64 = 24 * HOUR;

/// `seconds` after 2026-01-01T00:00:00Z.
pub fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_767_225_600 + seconds).unwrap()
}

pub fn deployment(
    id: &str,
    kind: DeploymentKind,
    result: DeploymentResult,
    end: i64,
    commits: &[i64],
) -> Fact {
    Fact {
        id: id.into(),
        app: "web".into(),
        kind,
        result,
        finished_at: Some(at(end)),
        commits: commits.iter().map(|c| at(*c)).collect(),
        answers: None,
        incident: false,
    }
}

fn sync(id: &str, result: DeploymentResult, end: i64, commits: &[i64]) -> Fact {
    deployment(id, DeploymentKind::Sync, result, end, commits)
}

use DeploymentResult::{Failed, Running, Succeeded};

/// A week (2026-01-01 to 01-08, daily buckets) whose every chart value is worked out by hand
/// beside it.
pub fn week() -> Vec<Fact> {
    vec![
        // Day 0: one success, commits 2 h and 6 h old (median 2 h, p90 6 h).
        sync("w.1", Succeeded, 10 * HOUR, &[8 * HOUR, 4 * HOUR]),
        // Day 1: a failure fixed 3 h later by a success with a 1-hour-old commit.
        sync("w.2", Failed, DAY + 9 * HOUR, &[]),
        sync("w.3", Succeeded, DAY + 12 * HOUR, &[DAY + 11 * HOUR]),
        // Day 2: nothing.
        // Day 3: a release (a day-old commit) rolled back an hour later: the rollback is the
        // fix, the release needed intervention, and both succeeded.
        sync(
            "w.4",
            Succeeded,
            3 * DAY + 10 * HOUR,
            &[2 * DAY + 10 * HOUR],
        ),
        Fact {
            answers: Some("w.4".into()),
            ..deployment(
                "w.5",
                DeploymentKind::Rollback,
                Succeeded,
                3 * DAY + 11 * HOUR,
                &[],
            )
        },
        // Day 4: three successes without commits (no lead time).
        sync("w.6", Succeeded, 4 * DAY + 9 * HOUR, &[]),
        sync("w.7", Succeeded, 4 * DAY + 15 * HOUR, &[]),
        sync("w.8", Succeeded, 4 * DAY + 16 * HOUR, &[]),
        // Day 5: a failure never recovered from (no recovery time).
        sync("w.9", Failed, 5 * DAY + 20 * HOUR, &[]),
        // Still running: counts nowhere.
        Fact {
            finished_at: None,
            ..sync("w.10", Running, 0, &[])
        },
        // Day 6: nothing.
    ]
}

/// `count` deployments over `days` days, spread evenly, with commits and about one failure
/// in twelve (each fixed by the next success), as a busy team's history.
pub fn busy(days: i64, count: i64) -> Vec<Fact> {
    let step = days * DAY / count;
    (0..count)
        .map(|i| {
            let end = i * step + step / 2;
            let result = if i % 12 == 5 { Failed } else { Succeeded };
            let commits = [end - (i % 7 + 1) * HOUR, end - (i % 5 + 1) * 9 * HOUR];
            Fact {
                app: format!("app-{}", i % 3),
                ..sync(&format!("d.{i}"), result, end, &commits)
            }
        })
        .collect()
}
