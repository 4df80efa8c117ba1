//! The band regions a chart shades, converted from [`crate::dora::bands`] into the chart's
//! unit so the bounds are written once.

use super::{BandRegion, BandShading, ChartKind, Granularity};
use crate::dora::bands::{self, Bound};
use shipdeck_ipc::dora::Band;

pub fn shading(kind: ChartKind, granularity: Granularity) -> Option<BandShading> {
    let regions = match kind {
        ChartKind::Frequency => floors(granularity.nominal_days()),
        ChartKind::LeadTime => ceilings(&bands::LEAD_TIME, 1.0 / 3600.0),
        ChartKind::ChangeFailRate => ceilings(&bands::CHANGE_FAIL_RATE, 100.0),
        // A single recovery is shaded by the bounds its median would be held to.
        ChartKind::RecoveryTime => ceilings(&bands::RECOVERY_TIME, 1.0 / 3600.0),
        // The report gives rework rate no bands.
        ChartKind::ReworkRate => return None,
    };
    Some(BandShading {
        year: bands::YEAR,
        regions,
    })
}

/// Regions of metrics where lower is better, from zero up. A band whose bound is not above
/// the one before it gets no region: the report's inverted change fail rates and equal
/// recovery bounds leave medium out, as reading the table from the top does.
fn ceilings(bounds: &[Bound], scale: f64) -> Vec<BandRegion> {
    let mut regions = Vec::new();
    let mut from = 0.0;
    for b in bounds {
        let to = b.limit * scale;
        if to > from {
            regions.push(BandRegion {
                band: b.band,
                from,
                to,
            });
            from = to;
        }
    }
    regions.push(BandRegion {
        band: Band::Low,
        from,
        to: f64::INFINITY,
    });
    regions
}

/// Regions of deployment counts per bucket, from the bands' daily rates times a bucket's days.
fn floors(days: f64) -> Vec<BandRegion> {
    let mut regions = Vec::new();
    let mut to = f64::INFINITY;
    for (band, per_day) in bands::frequency_floors() {
        let from = per_day * days;
        regions.push(BandRegion { band, from, to });
        to = from;
    }
    regions.push(BandRegion {
        band: Band::Low,
        from: 0.0,
        to,
    });
    regions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(kind: ChartKind, g: Granularity) -> Vec<(Band, f64, f64)> {
        shading(kind, g)
            .unwrap()
            .regions
            .iter()
            .map(|r| (r.band, r.from, r.to))
            .collect()
    }

    #[test]
    fn regions_are_the_bands_bounds_in_the_charts_unit() {
        let inf = f64::INFINITY;
        assert_eq!(
            spans(ChartKind::LeadTime, Granularity::Daily),
            [
                (Band::Elite, 0.0, 24.0),
                (Band::High, 24.0, 168.0),
                (Band::Medium, 168.0, 720.0),
                (Band::Low, 720.0, inf)
            ]
        );
        // Medium never reached in the 2024 table: no region for it.
        assert_eq!(
            spans(ChartKind::ChangeFailRate, Granularity::Daily),
            [
                (Band::Elite, 0.0, 5.0),
                (Band::High, 5.0, 20.0),
                (Band::Low, 20.0, inf)
            ]
        );
        assert_eq!(
            spans(ChartKind::RecoveryTime, Granularity::Daily),
            [
                (Band::Elite, 0.0, 1.0),
                (Band::High, 1.0, 24.0),
                (Band::Low, 24.0, inf)
            ]
        );
        // A week's bucket: elite from 7 deployments, high from 1, medium from 7/30.
        assert_eq!(
            spans(ChartKind::Frequency, Granularity::Weekly),
            [
                (Band::Elite, 7.0, inf),
                (Band::High, 1.0, 7.0),
                (Band::Medium, 7.0 / 30.0, 1.0),
                (Band::Low, 0.0, 7.0 / 30.0)
            ]
        );
        assert!(shading(ChartKind::ReworkRate, Granularity::Daily).is_none());
        let label = shading(ChartKind::LeadTime, Granularity::Daily)
            .unwrap()
            .label();
        assert_eq!(label, "DORA 2024 bands");
    }
}
