//! The DORA charts, drawn by the engine so the window, the command line and an export show the
//! same picture: [`chart`] turns deployment facts into the numbers a chart shows
//! ([`ChartData`]), which [`svg`], [`png`] and [`csv()`] then write out.
//!
//! The numbers come from [`crate::dora`] run once per time bucket (and, for recovery time,
//! once per failure), so a chart never disagrees with the report it illustrates. The charts are
//! meant to be read from the back of a meeting room: large type, thick marks, and the text in
//! an embedded font so a PNG or an SVG looks the same on every machine (an SVG carries the
//! subset of the font its text uses).

mod axis;
mod buckets;
mod csv;
mod embed;
mod font;
mod frame;
mod marks;
mod plot;
mod render;
mod series;
mod sfnt;
mod shading;
mod style;
mod subset;
mod ticks;
mod typeset;
mod woff;

#[cfg(test)]
mod fixture;

pub use buckets::Granularity;
pub use csv::csv;
pub use render::{MAX_SCALE, MAX_SIZE, MIN_HEIGHT, MIN_WIDTH, png, svg};
pub use series::{chart, charts};

use crate::dora::Fact;
use crate::history::{Scope, Store, store};
use jiff::Timestamp;
use shipdeck_ipc::dora::{Band, ChartFormat};

/// The charts of `scope` over `since..until`, from the history store's deployments.
pub fn of_history(
    history: &Store,
    scope: &Scope,
    since: Timestamp,
    until: Timestamp,
) -> Result<Vec<ChartData>, store::Error> {
    let facts = history.facts_cached()?;
    let chosen: Vec<Fact> = facts
        .iter()
        .filter(|f| f.finished_at.is_none_or(|t| t >= since) && scope.covers(f))
        .cloned()
        .collect();
    Ok(charts(&chosen, since, until))
}

/// `data` written as `format` at the charts' size ([`shipdeck_ipc::dora::CHART_SIZE`]).
pub fn export(data: &ChartData, format: ChartFormat) -> Vec<u8> {
    let (w, h) = shipdeck_ipc::dora::CHART_SIZE;
    match format {
        ChartFormat::Png1x => png(data, w, h, 1),
        ChartFormat::Png2x => png(data, w, h, 2),
        ChartFormat::Svg => svg(data, w, h).into_bytes(),
        ChartFormat::Csv => csv(data).into_bytes(),
    }
}

/// Which chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartKind {
    Frequency,
    LeadTime,
    ChangeFailRate,
    RecoveryTime,
    ReworkRate,
}

impl ChartKind {
    /// Its name in commands, files and the window (`lead-time`).
    pub fn id(self) -> &'static str {
        match self {
            Self::Frequency => "frequency",
            Self::LeadTime => "lead-time",
            Self::ChangeFailRate => "change-fail-rate",
            Self::RecoveryTime => "recovery-time",
            Self::ReworkRate => "rework-rate",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    pub const ALL: [ChartKind; 5] = [
        Self::Frequency,
        Self::LeadTime,
        Self::ChangeFailRate,
        Self::RecoveryTime,
        Self::ReworkRate,
    ];
}

/// What a chart's values measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Deployments,
    Hours,
    Percent,
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// One bar across each bucket.
    Bars,
    /// A line through the buckets' middles, broken where a value is missing.
    Line,
    /// One dot per row, at the row's start.
    Dots,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// As the legend shows it.
    pub name: String,
    /// The CSV column's header.
    pub column: String,
    pub mark: Mark,
}

/// The failed deployment a recovery-time row measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedDeployment {
    pub id: String,
    pub app: String,
}

/// One bucket, or for recovery time one failure (from its end to the fix's end).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub start: Timestamp,
    /// Excluded for a bucket.
    pub end: Timestamp,
    pub failure: Option<FailedDeployment>,
    /// One per series, `None` where there is nothing to measure (a gap, never zero).
    pub values: Vec<Option<f64>>,
}

/// A band's stretch of the value axis, in the chart's unit; `to` may be infinite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandRegion {
    pub band: Band,
    pub from: f64,
    pub to: f64,
}

/// The band regions a chart shades, and the year of the report they come from.
#[derive(Debug, Clone, PartialEq)]
pub struct BandShading {
    pub year: u16,
    pub regions: Vec<BandRegion>,
}

impl BandShading {
    /// The caption the chart shows: the year is always named (DORA's bands change by report).
    pub fn label(&self) -> String {
        format!("DORA {} bands", self.year)
    }
}

/// Everything one chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    pub kind: ChartKind,
    pub title: String,
    /// What one mark is and the period, e.g. "Per week, 1 Jan 2026 – 1 Apr 2026 (UTC)".
    pub subtitle: String,
    pub x_label: String,
    pub y_label: String,
    pub unit: Unit,
    pub since: Timestamp,
    pub until: Timestamp,
    pub granularity: Granularity,
    pub series: Vec<Series>,
    pub rows: Vec<Row>,
    /// `None` where the report has no bands (rework rate).
    pub bands: Option<BandShading>,
    /// Shown in place of the marks when there is nothing to draw.
    pub note: Option<String>,
}
