//! The numbers each chart shows: [`dora::report`] of every bucket, and [`dora::recoveries`]
//! for recovery time, read into rows. No metric is computed here.

use super::shading::shading;
use super::{ChartData, ChartKind, FailedDeployment, Granularity, Mark, Row, Series, Unit};
use crate::dora::{self, Fact};
use jiff::Timestamp;
use shipdeck_ipc::dora::{DoraReport, Ratio};

/// One chart of `since..until`.
pub fn chart(kind: ChartKind, facts: &[Fact], since: Timestamp, until: Timestamp) -> ChartData {
    Period::new(facts, since, until).chart(kind)
}

/// The five charts of `since..until`, in [`ChartKind::ALL`]'s order, the buckets' reports made
/// once for all of them.
pub fn charts(facts: &[Fact], since: Timestamp, until: Timestamp) -> Vec<ChartData> {
    let period = Period::new(facts, since, until);
    ChartKind::ALL.iter().map(|k| period.chart(*k)).collect()
}

struct Period<'a> {
    facts: &'a [Fact],
    since: Timestamp,
    until: Timestamp,
    granularity: Granularity,
    buckets: Vec<(Timestamp, Timestamp, DoraReport)>,
    deployments: usize,
}

impl<'a> Period<'a> {
    fn new(facts: &'a [Fact], since: Timestamp, until: Timestamp) -> Self {
        let granularity = Granularity::for_period(since, until);
        let buckets: Vec<_> = granularity
            .buckets(since, until)
            .into_iter()
            .map(|(start, end)| (start, end, dora::report(facts, start, end)))
            .collect();
        // The buckets tile the period, so their counts add up to the period's.
        let deployments = buckets.iter().map(|(_, _, r)| r.deployments).sum();
        Self {
            facts,
            since,
            until,
            granularity,
            buckets,
            deployments,
        }
    }

    fn chart(&self, kind: ChartKind) -> ChartData {
        let per = self.granularity.noun();
        let hours = |s: i64| s as f64 / 3600.0;
        let percent = |r: &Option<Ratio>| r.as_ref().map(|r| r.ratio * 100.0);
        let (title, y_label, unit, series, rows, empty) = match kind {
            ChartKind::Frequency => (
                "Deployment frequency",
                "Successful deployments".to_owned(),
                Unit::Deployments,
                vec![series(
                    "Successful deployments",
                    "successful_deployments",
                    Mark::Bars,
                )],
                self.rows(|r, days| {
                    // `per_day` is the bucket's count over its days; no deployment, none.
                    let count = r
                        .deployment_frequency
                        .as_ref()
                        .map_or(0.0, |f| (f.per_day * days).round());
                    vec![Some(count)]
                }),
                "",
            ),
            ChartKind::LeadTime => (
                "Change lead time",
                "Hours, commit to deployment".to_owned(),
                Unit::Hours,
                vec![
                    series("Median", "median_hours", Mark::Line),
                    series("90th percentile", "p90_hours", Mark::Line),
                ],
                self.rows(|r, _| {
                    let l = r.lead_time.as_ref();
                    vec![
                        l.map(|l| hours(l.median_seconds)),
                        l.map(|l| hours(l.p90_seconds)),
                    ]
                }),
                "No commit lead times in this period",
            ),
            ChartKind::ChangeFailRate => (
                "Change fail rate",
                "% of deployments".to_owned(),
                Unit::Percent,
                vec![series(
                    "Change fail rate",
                    "change_fail_rate_percent",
                    Mark::Line,
                )],
                self.rows(|r, _| vec![percent(&r.change_fail_rate)]),
                "",
            ),
            ChartKind::RecoveryTime => (
                "Failed deployment recovery time",
                "Hours to recover".to_owned(),
                Unit::Hours,
                vec![series("Recovery", "recovery_hours", Mark::Dots)],
                self.recovery_rows(),
                "No recovered failures in this period",
            ),
            ChartKind::ReworkRate => (
                "Deployment rework rate",
                "% of deployments".to_owned(),
                Unit::Percent,
                vec![series("Rework rate", "rework_rate_percent", Mark::Line)],
                self.rows(|r, _| vec![percent(&r.rework_rate)]),
                "",
            ),
        };
        let note = if self.deployments == 0 {
            Some("No deployments in this period".to_owned())
        } else if rows.iter().all(|r| r.values.iter().all(Option::is_none)) {
            Some(empty.to_owned())
        } else {
            None
        };
        let mark = match kind {
            ChartKind::RecoveryTime => "Each failed deployment".to_owned(),
            _ => format!("Per {per}"),
        };
        ChartData {
            kind,
            title: title.to_owned(),
            subtitle: format!("{mark}, {} – {} (UTC)", day(self.since), day(self.until)),
            x_label: match kind {
                ChartKind::RecoveryTime => "Failed at (UTC)".to_owned(),
                _ => format!("{} starting (UTC)", capitalised(per)),
            },
            y_label,
            unit,
            since: self.since,
            until: self.until,
            granularity: self.granularity,
            series,
            rows,
            bands: shading(kind, self.granularity),
            note,
        }
    }

    /// A row per bucket; `values` gets each bucket's report and length in days.
    fn rows(&self, values: impl Fn(&DoraReport, f64) -> Vec<Option<f64>>) -> Vec<Row> {
        self.buckets
            .iter()
            .map(|(start, end, report)| Row {
                start: *start,
                end: *end,
                failure: None,
                values: values(report, end.duration_since(*start).as_secs_f64() / 86_400.0),
            })
            .collect()
    }

    fn recovery_rows(&self) -> Vec<Row> {
        dora::recoveries(self.facts, self.since, self.until)
            .into_iter()
            .map(|r| Row {
                start: r.failed_at,
                end: r.recovered_at,
                values: vec![Some(r.seconds() as f64 / 3600.0)],
                failure: Some(FailedDeployment {
                    id: r.failed.id.clone(),
                    app: r.failed.app.clone(),
                }),
            })
            .collect()
    }
}

fn series(name: &str, column: &str, mark: Mark) -> Series {
    Series {
        name: name.to_owned(),
        column: column.to_owned(),
        mark,
    }
}

/// "1 Jan 2026": unambiguous whatever the reader's locale.
fn day(t: Timestamp) -> String {
    t.strftime("%-d %b %Y").to_string()
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
