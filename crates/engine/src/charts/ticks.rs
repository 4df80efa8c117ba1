//! Where the axes are labelled: round values up the value axis, bucket starts along the time
//! axis, few enough that large labels never collide.

use super::{ChartData, Unit};
use jiff::Timestamp;

/// The top of the value axis and its ticks from zero: steps of 1, 2 or 5 × 10ⁿ, at most
/// `max_ticks` of them, whole numbers for counts, and percentages not past 100 unless a
/// value is.
pub fn values(data: &ChartData, max_ticks: usize) -> (f64, Vec<f64>) {
    let highest = data
        .rows
        .iter()
        .flat_map(|r| r.values.iter().flatten())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    // Headroom so the highest mark does not touch the top.
    let mut wanted = if highest > 0.0 { highest * 1.08 } else { 1.0 };
    if data.unit == Unit::Percent && highest <= 100.0 {
        wanted = wanted.min(100.0);
    }
    let max_ticks = max_ticks.max(2) as f64;
    let mut step = nice(wanted / (max_ticks - 1.0));
    if data.unit == Unit::Deployments {
        step = step.max(1.0);
    }
    // A hair under, so float noise on an exact multiple adds no empty step.
    let count = (wanted / step - 1e-9).ceil().max(1.0);
    let top = count * step;
    let ticks = (0..=count as usize).map(|i| i as f64 * step).collect();
    (top, ticks)
}

/// The smallest of 1, 2, 5 × 10ⁿ at least `raw`.
fn nice(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|v| *v >= raw * (1.0 - 1e-12))
        .unwrap_or(10.0 * magnitude)
}

/// Days since the period's start, the time axis' coordinate.
pub fn days(data: &ChartData, t: Timestamp) -> f64 {
    t.duration_since(data.since).as_secs_f64() / 86_400.0
}

/// Every n-th bucket start, n the smallest that keeps at most `max_labels`.
pub fn times(data: &ChartData, max_labels: usize) -> Vec<f64> {
    let starts: Vec<f64> = data
        .granularity
        .buckets(data.since, data.until)
        .into_iter()
        .map(|(start, _)| days(data, start))
        .collect();
    let every = starts.len().div_ceil(max_labels.max(1)).max(1);
    starts.into_iter().step_by(every).collect()
}

/// A time axis label: "5 Jan" by day or week, "Jan 2026" by month.
pub fn time_label(data: &ChartData, days: f64) -> String {
    let t = data.since + jiff::SignedDuration::from_secs_f64(days * 86_400.0);
    let format = match data.granularity {
        super::Granularity::Monthly => "%b %Y",
        _ => "%-d %b",
    };
    t.strftime(format).to_string()
}

/// A value axis label in the chart's unit: "20%", "1.5", "12".
pub fn value_label(unit: Unit, v: f64) -> String {
    let number = if v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        let text = format!("{v:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    };
    match unit {
        Unit::Percent => format!("{number}%"),
        Unit::Hours | Unit::Deployments => number,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixture::{DAY, at, week};
    use crate::charts::{ChartKind, chart};

    #[test]
    fn value_ticks_are_round_and_cover_the_highest_value() {
        let facts = week();
        // Counts up to 3: whole steps, never 0.5 deployments.
        let f = chart(ChartKind::Frequency, &facts, at(0), at(7 * DAY));
        assert_eq!(values(&f, 6), (4.0, vec![0.0, 1.0, 2.0, 3.0, 4.0]));
        // Up to 100%: the axis stops at 100.
        let c = chart(ChartKind::ChangeFailRate, &facts, at(0), at(7 * DAY));
        let (top, ticks) = values(&c, 6);
        assert_eq!(top, 100.0);
        assert_eq!(ticks, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        // Nothing measured: a plain 0..1 axis, no panic.
        let empty = chart(ChartKind::LeadTime, &[], at(0), at(7 * DAY));
        assert_eq!(values(&empty, 6).0, 1.0);
        assert_eq!(value_label(Unit::Percent, 20.0), "20%");
        assert_eq!(value_label(Unit::Hours, 1.5), "1.5");
        assert_eq!(nice(0.3), 0.5);
        assert_eq!(nice(7.0), 10.0);
    }

    #[test]
    fn time_ticks_are_bucket_starts_thinned_to_fit() {
        let f = chart(ChartKind::Frequency, &week(), at(0), at(7 * DAY));
        assert_eq!(times(&f, 10), [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(times(&f, 4), [0.0, 2.0, 4.0, 6.0]);
        assert_eq!(time_label(&f, 3.0), "4 Jan");
    }
}
