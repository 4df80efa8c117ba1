use super::*;

const DAY: i64 = 86_400;

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_767_225_600 + seconds).unwrap() // 2026-01-01T00:00:00Z
}

fn deployment(id: &str, kind: DeploymentKind, result: DeploymentResult, end: i64) -> Fact {
    Fact {
        id: id.into(),
        app: "web".into(),
        kind,
        result,
        finished_at: Some(at(end)),
        commits: vec![],
        answers: None,
        incident: false,
    }
}

fn sync(id: &str, result: DeploymentResult, end: i64) -> Fact {
    deployment(id, DeploymentKind::Sync, result, end)
}

fn rollback(id: &str, answers: &str, end: i64) -> Fact {
    Fact {
        answers: Some(answers.into()),
        ..deployment(
            id,
            DeploymentKind::Rollback,
            DeploymentResult::Succeeded,
            end,
        )
    }
}

use DeploymentResult::{Failed, Running, Succeeded};

#[test]
fn no_deployments_means_nothing_to_measure() {
    let r = report(&[], at(0), at(30 * DAY));
    assert_eq!(r.deployments, 0);
    assert!(r.deployment_frequency.is_none());
    assert!(r.lead_time.is_none() && r.change_fail_rate.is_none());
    assert!(r.recovery_time.is_none() && r.rework_rate.is_none());
    // A deployment still running counts nowhere.
    let running = Fact {
        finished_at: None,
        ..sync("w.1", Running, 0)
    };
    assert_eq!(report(&[running], at(0), at(DAY)).deployments, 0);
}

#[test]
fn a_deployment_belongs_to_the_period_it_finished_in_and_commits_before_it_count() {
    let mut d = sync("w.1", Succeeded, 10 * DAY);
    // Committed 3 days before the period; a commit "after" its deployment is dropped.
    d.commits = vec![at(-3 * DAY), at(10 * DAY - 3600), at(11 * DAY)];
    let later = sync("w.2", Succeeded, 40 * DAY);
    let r = report(&[d, later], at(0), at(30 * DAY));
    assert_eq!(r.deployments, 1);
    let lead = r.lead_time.unwrap();
    // Pairs: 13 days and 1 hour; the lower middle of two is the median, nearest rank p90.
    assert_eq!(lead.median_seconds, 3600);
    assert_eq!(lead.p90_seconds, 13 * DAY);
    // A commit dated after its deployment (clock skew) gives no lead time at all.
    let mut skewed = sync("w.9", Succeeded, DAY);
    skewed.commits = vec![at(DAY + 60)];
    assert!(report(&[skewed], at(0), at(30 * DAY)).lead_time.is_none());
    // A deployment with no commits counts as a deployment, not in lead time.
    let bare = report(&[sync("w.3", Succeeded, DAY)], at(0), at(30 * DAY));
    assert_eq!(bare.deployments, 1);
    assert!(bare.lead_time.is_none());
}

#[test]
fn failures_rollbacks_and_recovery_are_counted_once_each() {
    let facts = [
        sync("w.1", Succeeded, DAY),
        // A failure, and a second before any fix: each is measured to the same fix.
        sync("w.2", Failed, 2 * DAY),
        sync("w.3", Failed, 2 * DAY + 3600),
        sync("w.4", Succeeded, 2 * DAY + 7200),
        // A release that went out, then was rolled back, and the rollback rolled back too.
        sync("w.5", Succeeded, 3 * DAY),
        rollback("w.6", "w.5", 3 * DAY + 600),
        rollback("w.7", "w.6", 3 * DAY + 1200),
    ];
    let r = report(&facts, at(0), at(7 * DAY));
    assert_eq!(r.deployments, 7);
    // w.2, w.3 failed; w.5 and w.6 were answered by a rollback.
    assert_eq!(r.change_fail_rate.unwrap().ratio, 4.0 / 7.0);
    // Two rollbacks of seven deployments.
    assert_eq!(r.rework_rate.unwrap().ratio, 2.0 / 7.0);
    // w.2 → w.4: 2 h; w.3 → w.4: 1 h; w.5 → w.7 (w.6 needed intervention itself): 20 min;
    // w.6 → w.7: 10 min. Sorted: 600, 1200, 3600, 7200; lower middle: 1200.
    assert_eq!(r.recovery_time.unwrap().median_seconds, 1200);
}

#[test]
fn a_success_marked_as_having_caused_an_incident_is_a_change_failure() {
    let marked = Fact {
        incident: true,
        ..sync("web.1", DeploymentResult::Succeeded, 0)
    };
    let facts = vec![marked, sync("web.2", DeploymentResult::Succeeded, 3_600)];
    let report = report(&facts, at(-DAY), at(DAY));
    assert_eq!(report.change_fail_rate.map(|r| r.ratio), Some(0.5));
    // Recovered by the next clean success, an hour later.
    assert_eq!(report.recovery_time.map(|r| r.median_seconds), Some(3_600));
}

#[test]
fn a_failure_not_yet_recovered_from_has_no_recovery_time() {
    let r = report(&[sync("w.1", Failed, DAY)], at(0), at(7 * DAY));
    assert_eq!(r.change_fail_rate.unwrap().ratio, 1.0);
    assert!(r.recovery_time.is_none());
    // Nothing succeeded: deployed 0 times a day, yearly.
    let f = r.deployment_frequency.unwrap();
    assert_eq!((f.per_day, f.label), (0.0, FrequencyLabel::Yearly));
}

#[test]
fn the_frequency_label_follows_the_median_week_and_month() {
    let weeks = 4;
    let period = (at(0), at(weeks * 7 * DAY));
    let every = |days: &[i64]| -> Vec<Fact> {
        (0..weeks)
            .flat_map(|w| {
                days.iter().map(move |d| {
                    sync(&format!("w.{w}.{d}"), Succeeded, w * 7 * DAY + d * DAY + 60)
                })
            })
            .collect()
    };
    let label = |facts: &[Fact]| {
        report(facts, period.0, period.1)
            .deployment_frequency
            .unwrap()
            .label
    };
    assert_eq!(label(&every(&[0, 2, 4])), FrequencyLabel::Daily);
    assert_eq!(label(&every(&[1, 3])), FrequencyLabel::Weekly);
    // Several deployments on one day are one deploy day.
    let same_day: Vec<Fact> = (0..5)
        .map(|i| sync(&format!("x{i}"), Succeeded, 60 + i))
        .collect();
    assert_eq!(label(&same_day), FrequencyLabel::Monthly);
    let r = report(&every(&[0, 2, 4]), period.0, period.1);
    assert_eq!(r.deployment_frequency.unwrap().per_day, 12.0 / 28.0);
    // Once in a 90-day period: the median month has none.
    let rare = report(&[sync("y", Succeeded, DAY)], at(0), at(90 * DAY));
    assert_eq!(
        rare.deployment_frequency.unwrap().label,
        FrequencyLabel::Yearly
    );
}

#[test]
fn the_previous_period_has_the_same_length_and_ends_where_this_one_starts() {
    assert_eq!(
        previous(at(10 * DAY), at(17 * DAY)),
        (at(3 * DAY), at(10 * DAY))
    );
}

#[test]
fn each_recovery_is_listed_by_failure_time_and_the_report_takes_their_median() {
    let facts = [
        sync("w.1", Succeeded, DAY),
        sync("w.3", Failed, 2 * DAY + 3600),
        sync("w.2", Failed, 2 * DAY),
        sync("w.4", Succeeded, 2 * DAY + 7200),
        sync("w.5", Succeeded, 3 * DAY),
        rollback("w.6", "w.5", 3 * DAY + 600),
        // Failed and never recovered from: not listed.
        sync("w.8", Failed, 4 * DAY),
    ];
    let listed = recoveries(&facts, at(0), at(7 * DAY));
    let seen: Vec<(&str, Timestamp, i64)> = listed
        .iter()
        .map(|r| (r.failed.id.as_str(), r.failed_at, r.seconds()))
        .collect();
    assert_eq!(
        seen,
        [
            ("w.2", at(2 * DAY), 7200),
            ("w.3", at(2 * DAY + 3600), 3600),
            ("w.5", at(3 * DAY), 600),
        ]
    );
    assert_eq!(listed[0].recovered_at, at(2 * DAY + 7200));
    // Lower middle of 600, 3600, 7200.
    let r = report(&facts, at(0), at(7 * DAY));
    assert_eq!(r.recovery_time.unwrap().median_seconds, 3600);
    // Only failures that finished in the period.
    assert_eq!(recoveries(&facts, at(3 * DAY), at(7 * DAY)).len(), 1);
}
