//! DORA metrics and history files.

use super::{ApiResult, call};
use shipdeck_ipc::commands;
use shipdeck_ipc::dora::{BehindArgs, ChartExportArgs, ChartSvg, Counted, DoraQuery, DoraView};
use shipdeck_ipc::history::{HistoryCounts, HistoryFileArgs};

pub async fn dora_metrics(query: DoraQuery) -> ApiResult<DoraView> {
    call(commands::DORA_METRICS, query).await
}

pub async fn history_import(args: HistoryFileArgs) -> ApiResult<HistoryCounts> {
    call(commands::HISTORY_IMPORT, args).await
}

pub async fn history_export(args: HistoryFileArgs) -> ApiResult<HistoryCounts> {
    call(commands::HISTORY_EXPORT, args).await
}

pub async fn dora_charts(query: DoraQuery) -> ApiResult<Vec<ChartSvg>> {
    call(commands::DORA_CHARTS, query).await
}

pub async fn dora_chart_export(args: ChartExportArgs) -> ApiResult<u64> {
    call(commands::DORA_CHART_EXPORT, args).await
}

pub async fn dora_behind(args: BehindArgs) -> ApiResult<Vec<Counted>> {
    call(commands::DORA_BEHIND, args).await
}
