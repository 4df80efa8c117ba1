//! The timeline, what a deployment changed, and incident marks.

use super::{ApiResult, call};
use shipdeck_ipc::commands;
use shipdeck_ipc::deploy::Deployment;
use shipdeck_ipc::timeline::{
    DeploymentDiff, DeploymentDiffArgs, IncidentArgs, Timeline, TimelineQuery,
};

pub async fn timeline(query: TimelineQuery) -> ApiResult<Timeline> {
    call(commands::TIMELINE, query).await
}

pub async fn deployment_diff(args: DeploymentDiffArgs) -> ApiResult<DeploymentDiff> {
    call(commands::DEPLOYMENT_DIFF, args).await
}

pub async fn deployment_incident(args: IncidentArgs) -> ApiResult<Deployment> {
    call(commands::DEPLOYMENT_INCIDENT, args).await
}
