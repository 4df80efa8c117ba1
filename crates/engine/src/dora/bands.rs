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

use super::{MONTH_DAYS, WEEK_DAYS};
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

/// The upper end of a band: a value fits when it is below `limit`, or at it when `inclusive`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub band: Band,
    pub limit: f64,
    pub inclusive: bool,
}

impl Bound {
    const fn below(band: Band, limit: f64) -> Self {
        Self {
            band,
            limit,
            inclusive: false,
        }
    }

    const fn at_most(band: Band, limit: f64) -> Self {
        Self {
            band,
            limit,
            inclusive: true,
        }
    }

    fn fits(&self, value: f64) -> bool {
        value < self.limit || (self.inclusive && value == self.limit)
    }
}

// The bounds are tables, not match arms, so that charts shade the very regions the bands are
// read from. Each is in the table's order, elite first; past them all is low.

/// Median lead time, seconds.
pub const LEAD_TIME: [Bound; 3] = [
    Bound::below(Band::Elite, DAY as f64),
    Bound::at_most(Band::High, (7 * DAY) as f64),
    Bound::at_most(Band::Medium, (30 * DAY) as f64),
];

/// Change fail rate, a ratio: the report's inverted high and medium kept as they are.
pub const CHANGE_FAIL_RATE: [Bound; 3] = [
    Bound::at_most(Band::Elite, 0.05),
    Bound::at_most(Band::High, 0.20),
    Bound::at_most(Band::Medium, 0.10),
];

/// Median recovery time, seconds: the report's equal high and medium kept as they are.
pub const RECOVERY_TIME: [Bound; 3] = [
    Bound::below(Band::Elite, HOUR as f64),
    Bound::below(Band::High, DAY as f64),
    Bound::below(Band::Medium, DAY as f64),
];

/// Successful deployments a day from which frequency is elite ("on demand"), whatever the label.
pub const ELITE_PER_DAY: f64 = 1.0;

/// The band of `value` in `bounds`: the first, from elite down, it fits.
pub fn first_fit(bounds: &[Bound], value: f64) -> Band {
    bounds
        .iter()
        .find(|b| b.fits(value))
        .map_or(Band::Low, |b| b.band)
}

pub fn lead_time(median_seconds: i64) -> Band {
    first_fit(&LEAD_TIME, median_seconds as f64)
}

pub fn frequency(f: &DeploymentFrequency) -> Band {
    if f.per_day >= ELITE_PER_DAY {
        return Band::Elite;
    }
    match f.label {
        FrequencyLabel::Daily | FrequencyLabel::Weekly => Band::High,
        FrequencyLabel::Monthly => Band::Medium,
        FrequencyLabel::Yearly => Band::Low,
    }
}

/// The least rate (successful deployments a day) of each band above low, elite first, for
/// shading a chart. Below elite the band comes from the label, which looks at the median
/// week and month of a whole period; as a rate, "weekly" is one a week and "monthly" one in
/// Four Keys' 30 days: exact for one week's bucket, an approximation for a period.
pub fn frequency_floors() -> [(Band, f64); 3] {
    [
        (Band::Elite, ELITE_PER_DAY),
        (Band::High, 1.0 / WEEK_DAYS as f64),
        (Band::Medium, 1.0 / MONTH_DAYS as f64),
    ]
}

pub fn change_fail_rate(ratio: f64) -> Band {
    first_fit(&CHANGE_FAIL_RATE, ratio)
}

pub fn recovery_time(median_seconds: i64) -> Band {
    first_fit(&RECOVERY_TIME, median_seconds as f64)
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
