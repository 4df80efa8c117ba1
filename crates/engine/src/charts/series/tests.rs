use super::*;
use crate::charts::fixture::{DAY, HOUR, at, busy, week};

fn values(data: &ChartData, series: usize) -> Vec<Option<f64>> {
    data.rows.iter().map(|r| r.values[series]).collect()
}

#[test]
fn a_week_reads_day_by_day_as_worked_out_by_hand() {
    let facts = week();
    let (since, until) = (at(0), at(7 * DAY));
    let frequency = chart(ChartKind::Frequency, &facts, since, until);
    assert_eq!(frequency.granularity, Granularity::Daily);
    assert_eq!(frequency.rows.len(), 7);
    assert_eq!(
        (frequency.rows[2].start, frequency.rows[2].end),
        (at(2 * DAY), at(3 * DAY))
    );
    // A day with no deployment is a zero bar: nothing was deployed.
    let counts = [1.0, 1.0, 0.0, 2.0, 3.0, 0.0, 0.0].map(Some);
    assert_eq!(values(&frequency, 0), counts);

    let lead = chart(ChartKind::LeadTime, &facts, since, until);
    let n = None;
    assert_eq!(
        values(&lead, 0),
        [Some(2.0), Some(1.0), n, Some(24.0), n, n, n]
    );
    assert_eq!(
        values(&lead, 1),
        [Some(6.0), Some(1.0), n, Some(24.0), n, n, n]
    );

    // Days without deployments are gaps, not 0%.
    let fail = chart(ChartKind::ChangeFailRate, &facts, since, until);
    assert_eq!(
        values(&fail, 0),
        [
            Some(0.0),
            Some(50.0),
            n,
            Some(50.0),
            Some(0.0),
            Some(100.0),
            n
        ]
    );
    let rework = chart(ChartKind::ReworkRate, &facts, since, until);
    assert_eq!(
        values(&rework, 0),
        [Some(0.0), Some(0.0), n, Some(50.0), Some(0.0), Some(0.0), n]
    );
    assert!(rework.bands.is_none());

    // One dot per recovered failure, at its end; w.9 never recovered.
    let recovery = chart(ChartKind::RecoveryTime, &facts, since, until);
    let rows: Vec<(&str, Timestamp, Timestamp, Option<f64>)> = recovery
        .rows
        .iter()
        .map(|r| {
            let id = r.failure.as_ref().unwrap().id.as_str();
            (id, r.start, r.end, r.values[0])
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("w.2", at(DAY + 9 * HOUR), at(DAY + 12 * HOUR), Some(3.0)),
            (
                "w.4",
                at(3 * DAY + 10 * HOUR),
                at(3 * DAY + 11 * HOUR),
                Some(1.0)
            ),
        ]
    );
    for data in [&frequency, &lead, &fail, &rework, &recovery] {
        assert!(data.note.is_none(), "{:?}", data.kind);
    }
}

#[test]
fn the_buckets_agree_with_the_report_of_the_whole_period() {
    // What the charts show adds up to the report they illustrate.
    let facts = busy(90, 600);
    let (since, until) = (at(0), at(90 * DAY));
    let whole = dora::report(&facts, since, until);
    let all = charts(&facts, since, until);
    assert_eq!(all.len(), 5);
    assert_eq!(all[0].granularity, Granularity::Weekly);
    let succeeded: f64 = values(&all[0], 0).iter().flatten().sum();
    let per_day = whole.deployment_frequency.unwrap().per_day;
    assert_eq!(succeeded, (per_day * 90.0).round());
    let mut hours: Vec<f64> = values(&all[3], 0).into_iter().flatten().collect();
    hours.sort_by(f64::total_cmp);
    let median = hours[(hours.len() - 1) / 2];
    assert_eq!(
        median,
        whole.recovery_time.unwrap().median_seconds as f64 / 3600.0
    );
    assert_eq!(
        all.iter().map(|c| c.kind).collect::<Vec<_>>(),
        ChartKind::ALL
    );
}

#[test]
fn nothing_deployed_gives_every_chart_a_note_instead_of_zeros() {
    let (since, until) = (at(0), at(7 * DAY));
    for data in charts(&[], since, until) {
        assert_eq!(
            data.note.as_deref(),
            Some("No deployments in this period"),
            "{:?}",
            data.kind
        );
    }
    // Deployments without commits: the lead time chart says why it is empty.
    let bare: Vec<_> = week()
        .into_iter()
        .filter(|f| f.commits.is_empty())
        .collect();
    let lead = chart(ChartKind::LeadTime, &bare, since, until);
    assert_eq!(
        lead.note.as_deref(),
        Some("No commit lead times in this period")
    );
}

#[test]
fn titles_and_subtitles_name_the_bucket_and_the_period() {
    let data = chart(ChartKind::Frequency, &week(), at(0), at(90 * DAY));
    assert_eq!(data.title, "Deployment frequency");
    assert_eq!(data.subtitle, "Per week, 1 Jan 2026 – 1 Apr 2026 (UTC)");
    assert_eq!(data.x_label, "Week starting (UTC)");
    assert_eq!(data.bands.unwrap().label(), "DORA 2024 bands");
}
