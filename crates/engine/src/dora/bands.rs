//! Performance bands from the DORA 2024 report, labelled with its year wherever shown
//! (`../shared/design/domain.md` has the table). Each metric's band is the first, from elite
//! down, whose bound the value does not exceed, read literally from the report:
//!
//! | band   | lead time  | frequency                 | change fail rate | recovery |
//! |--------|------------|---------------------------|------------------|----------|
//! | elite  | < 1 day    | on demand (≥ 1 a day)     | ≤ 5%             | < 1 hour |
//! | high   | ≤ 1 week   | daily or weekly (label)   | ≤ 20%            | < 1 day  |
//! | medium | ≤ 1 month  | monthly (label)           | ≤ 10%            | < 1 day  |
//! | low    | longer     | yearly (label)            | higher           | longer   |
//!
//! The report's high and medium change fail rates are inverted (20% and 10%) and its high and
//! medium recovery bounds equal: read from the top, medium is never reached for those two.
//! That is the report's table, not fixed here. Bounds are read as written: `< 1 day` leaves
//! out a day exactly (High), `≤ 1 week` takes a week exactly (High).

use shipdeck_ipc::dora::{Band, Bands, DeploymentFrequency, DoraReport, FrequencyLabel};

/// The report the bands come from.
pub const YEAR: u16 = 2024;

/// The band of each metric of `report`.
pub fn of(report: &DoraReport) -> Bands {
    Bands {
        year: YEAR,
        deployment_frequency: report.deployment_frequency.as_ref().map(frequency),
        lead_time: report
            .lead_time
            .as_ref()
            .map(|l| lead_time(l.median_seconds)),
        change_fail_rate: report
            .change_fail_rate
            .as_ref()
            .map(|r| change_fail_rate(r.ratio)),
        recovery_time: report
            .recovery_time
            .as_ref()
            .map(|r| recovery_time(r.median_seconds)),
    }
}

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

pub fn lead_time(median_seconds: i64) -> Band {
    match median_seconds {
        s if s < DAY => Band::Elite,
        s if s <= 7 * DAY => Band::High,
        s if s <= 30 * DAY => Band::Medium,
        _ => Band::Low,
    }
}

pub fn frequency(f: &DeploymentFrequency) -> Band {
    if f.per_day >= 1.0 {
        return Band::Elite;
    }
    match f.label {
        FrequencyLabel::Daily | FrequencyLabel::Weekly => Band::High,
        FrequencyLabel::Monthly => Band::Medium,
        FrequencyLabel::Yearly => Band::Low,
    }
}

pub fn change_fail_rate(ratio: f64) -> Band {
    [
        (Band::Elite, 0.05),
        (Band::High, 0.20),
        (Band::Medium, 0.10),
    ]
    .into_iter()
    .find(|(_, bound)| ratio <= *bound)
    .map_or(Band::Low, |(band, _)| band)
}

pub fn recovery_time(median_seconds: i64) -> Band {
    [(Band::Elite, HOUR), (Band::High, DAY), (Band::Medium, DAY)]
        .into_iter()
        .find(|(_, bound)| median_seconds < *bound)
        .map_or(Band::Low, |(band, _)| band)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_metric_gets_the_first_band_it_fits_from_the_top() {
        assert_eq!(lead_time(DAY - 1), Band::Elite);
        assert_eq!(lead_time(DAY), Band::High);
        assert_eq!(lead_time(7 * DAY), Band::High);
        assert_eq!(lead_time(20 * DAY), Band::Medium);
        assert_eq!(lead_time(60 * DAY), Band::Low);
        let f = |per_day, label| DeploymentFrequency { per_day, label };
        assert_eq!(frequency(&f(2.0, FrequencyLabel::Daily)), Band::Elite);
        assert_eq!(frequency(&f(0.5, FrequencyLabel::Daily)), Band::High);
        assert_eq!(frequency(&f(0.2, FrequencyLabel::Weekly)), Band::High);
        assert_eq!(frequency(&f(0.05, FrequencyLabel::Monthly)), Band::Medium);
        assert_eq!(frequency(&f(0.0, FrequencyLabel::Yearly)), Band::Low);
        // The report's own inversion: 8% and 15% are both high, never medium.
        assert_eq!(change_fail_rate(0.05), Band::Elite);
        assert_eq!(change_fail_rate(0.08), Band::High);
        assert_eq!(change_fail_rate(0.15), Band::High);
        assert_eq!(change_fail_rate(0.30), Band::Low);
        assert_eq!(recovery_time(HOUR - 1), Band::Elite);
        assert_eq!(recovery_time(5 * HOUR), Band::High);
        assert_eq!(recovery_time(3 * DAY), Band::Low);
    }
}
