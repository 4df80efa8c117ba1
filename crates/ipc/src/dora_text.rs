//! How the DORA metrics read, for the window and the command line alike: their names, their
//! definitions (the engine's `dora` module decides them; this says them) and their values.

use crate::dora::{Band, DoraReport, FrequencyLabel};

/// One metric: its id (the window's element ids), name and definition.
pub struct Metric {
    pub id: &'static str,
    pub name: &'static str,
    pub definition: &'static str,
}

pub const DEPLOYMENTS: Metric = Metric {
    id: "deployments",
    name: "Deployments",
    definition: "Every deployment that finished in the period, whatever its result.",
};
pub const FREQUENCY: Metric = Metric {
    id: "frequency",
    name: "Deployment frequency",
    definition: "Successful deployments per day. Daily when the median week has deployments \
                 on 3 days or more, weekly when it has one, else monthly or yearly (Four Keys).",
};
pub const LEAD_TIME: Metric = Metric {
    id: "lead-time",
    name: "Change lead time",
    definition: "Median (and 90th percentile) of deployment end minus commit time, over \
                 every successful deployment and each commit it brought; zero or negative \
                 values dropped.",
};
pub const CHANGE_FAIL_RATE: Metric = Metric {
    id: "change-fail-rate",
    name: "Change fail rate",
    definition: "Deployments that needed immediate intervention (failed, or rolled back, \
                 undone or hot-fixed) over all deployments.",
};
pub const RECOVERY_TIME: Metric = Metric {
    id: "recovery-time",
    name: "Failed deployment recovery time",
    definition: "Median time from the end of a deployment that needed intervention to the \
                 end of the next successful deployment of the same application that did not.",
};
pub const REWORK_RATE: Metric = Metric {
    id: "rework-rate",
    name: "Deployment rework rate",
    definition: "Rollbacks, undos and hotfixes (unplanned deployments) over all deployments.",
};

/// The metrics in the order they are shown.
pub const METRICS: [Metric; 6] = [
    DEPLOYMENTS,
    FREQUENCY,
    LEAD_TIME,
    CHANGE_FAIL_RATE,
    RECOVERY_TIME,
    REWORK_RATE,
];

/// Shown where there is nothing to measure.
pub const NONE: &str = "–";

impl Band {
    pub fn label(self) -> &'static str {
        match self {
            Band::Elite => "elite",
            Band::High => "high",
            Band::Medium => "medium",
            Band::Low => "low",
        }
    }
}

impl FrequencyLabel {
    pub fn label(self) -> &'static str {
        match self {
            FrequencyLabel::Daily => "daily",
            FrequencyLabel::Weekly => "weekly",
            FrequencyLabel::Monthly => "monthly",
            FrequencyLabel::Yearly => "yearly",
        }
    }
}

/// The value of metric `id` in `report`, as shown.
pub fn value(id: &str, r: &DoraReport) -> String {
    match id {
        "deployments" => r.deployments.to_string(),
        "frequency" => r.deployment_frequency.as_ref().map_or(NONE.into(), |f| {
            format!("{:.2} a day ({})", f.per_day, f.label.label())
        }),
        "lead-time" => r.lead_time.as_ref().map_or(NONE.into(), |l| {
            format!(
                "{} (p90 {})",
                duration(l.median_seconds),
                duration(l.p90_seconds)
            )
        }),
        "change-fail-rate" => percent(r.change_fail_rate.as_ref().map(|x| x.ratio)),
        "recovery-time" => r
            .recovery_time
            .as_ref()
            .map_or(NONE.into(), |t| duration(t.median_seconds)),
        "rework-rate" => percent(r.rework_rate.as_ref().map(|x| x.ratio)),
        _ => NONE.into(),
    }
}

/// The band of metric `id`, where the report has bands for it.
pub fn band(id: &str, bands: &crate::dora::Bands) -> Option<Band> {
    match id {
        "frequency" => bands.deployment_frequency,
        "lead-time" => bands.lead_time,
        "change-fail-rate" => bands.change_fail_rate,
        "recovery-time" => bands.recovery_time,
        _ => None,
    }
}

pub fn percent(ratio: Option<f64>) -> String {
    ratio.map_or(NONE.into(), |r| format!("{:.1}%", r * 100.0))
}

/// The two largest units: `3 d 4 h`, `2 h 05 min`, `4 min 05 s`, `45 s`.
pub fn duration(seconds: i64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
        seconds % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, _) => format!("{m} min {s:02} s"),
        (0, _, _) => format!("{h} h {m:02} min"),
        _ => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_a_meeting_expects() {
        assert_eq!(duration(45), "45 s");
        assert_eq!(duration(245), "4 min 05 s");
        assert_eq!(duration(7500), "2 h 05 min");
        assert_eq!(duration(3 * 86_400 + 4 * 3600 + 59), "3 d 4 h");
        assert_eq!(percent(Some(3.0 / 7.0)), "42.9%");
        assert_eq!(percent(None), NONE);
    }
}
