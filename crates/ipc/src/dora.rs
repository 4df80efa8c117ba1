//! The five DORA metrics for a period, as `shipdeck dora --output json` prints them and the
//! window charts them. `None` (JSON `null`) where there is nothing to measure. The definitions
//! are the engine's `dora` module's; `../shared/design/domain.md` has their sources.

use serde::{Deserialize, Serialize};

/// The period measured when none is given, in days (Four Keys' window for the frequency
/// label).
pub const DEFAULT_DAYS: u32 = 90;

/// Four Keys' label for how often an application deploys.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FrequencyLabel {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DeploymentFrequency {
    /// Successful deployments per day of the period.
    pub per_day: f64,
    pub label: FrequencyLabel,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LeadTime {
    pub median_seconds: i64,
    pub p90_seconds: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Ratio {
    pub ratio: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecoveryTime {
    pub median_seconds: i64,
}

/// The metrics of one period (RFC 3339 bounds, `since` included, `until` excluded).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DoraReport {
    pub since: String,
    pub until: String,
    /// Every deployment that finished in the period, whatever its result.
    pub deployments: usize,
    pub deployment_frequency: Option<DeploymentFrequency>,
    pub lead_time: Option<LeadTime>,
    pub change_fail_rate: Option<Ratio>,
    pub recovery_time: Option<RecoveryTime>,
    pub rework_rate: Option<Ratio>,
}

/// A performance band of the DORA research (the report named by [`Bands::year`]).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Elite,
    High,
    Medium,
    Low,
}

/// Each metric's band, `None` where the metric is. Rework rate has no bands in the report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Bands {
    /// The year of the DORA report the bands come from, to show beside them.
    pub year: u16,
    pub deployment_frequency: Option<Band>,
    pub lead_time: Option<Band>,
    pub change_fail_rate: Option<Band>,
    pub recovery_time: Option<Band>,
}

/// A period's metrics with their bands and the previous period of the same length (the
/// trend), as `shipdeck dora --output json` prints them: the report's fields at the top.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DoraView {
    #[serde(flatten)]
    pub report: DoraReport,
    pub bands: Bands,
    pub previous: DoraReport,
    /// Set when the history database found at start could not be used and was set aside.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

/// What the window asks the DORA metrics of: an application or a team (neither: every
/// application), over `since..until` (RFC 3339).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct DoraQuery {
    #[serde(default)]
    pub app: Option<String>,
    #[serde(default)]
    pub team: Option<String>,
    /// One cluster (environment); `None`: every one.
    #[serde(default)]
    pub cluster: Option<String>,
    pub since: String,
    pub until: String,
}

/// The charts' size at 1×, in pixels: 16:9, legible on a projector.
pub const CHART_SIZE: (u32, u32) = (1200, 675);

/// One chart as the window shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChartSvg {
    /// `frequency`, `lead-time`, `change-fail-rate`, `recovery-time`, `rework-rate`.
    pub id: String,
    pub title: String,
    pub svg: String,
}

/// How a chart is exported.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ChartFormat {
    Png1x,
    Png2x,
    Svg,
    /// The numbers behind the chart.
    Csv,
}

/// Export chart `chart` of what `query` measures to `path` (a full path), replacing an
/// existing file only when `replace`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChartExportArgs {
    pub query: DoraQuery,
    pub chart: String,
    pub format: ChartFormat,
    pub path: String,
    #[serde(default)]
    pub replace: bool,
}

/// One deployment a metric counts, as "every number opens to what it counts" lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counted {
    /// `CLUSTER/ID`.
    pub deployment: String,
    pub app: String,
    pub kind: crate::deploy::DeploymentKind,
    pub result: crate::deploy::DeploymentResult,
    pub finished_at: String,
    /// What it adds to the metric (a lead time, a recovery), where more than being counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The deployments behind metric `metric` (a [`crate::dora_text::Metric`] id) of `query`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BehindArgs {
    pub query: DoraQuery,
    pub metric: String,
}
