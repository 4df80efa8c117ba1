//! The timeline for the window: what happened in a window of time (from the history index),
//! what one deployment changed against another (from their records' manifests), and incidents
//! marked on deployments (in their records, where the team sees them, and in the index).
//! The rules are [`crate::history::timeline`]'s and [`crate::deployment_diff`]'s, shared with
//! the command line.

use super::Engine;
use super::error::{Error, Result};
use super::history::{blocking, scope_of};
use crate::deployments;
use crate::history::{marks, timeline};
use shipdeck_ipc::deploy::Deployment;
use shipdeck_ipc::drift::DriftEvent;
use shipdeck_ipc::timeline::{
    DeploymentDiff, DeploymentDiffArgs, IncidentArgs, Timeline, TimelineQuery,
};
use std::time::Duration;

/// The longest a deployment diff or an incident mark may take: each reads or writes several
/// records, and a cluster that answers slowly must not keep the window waiting.
const RECORDS_DEADLINE: Duration = Duration::from_secs(60);

impl Engine {
    /// What happened in `query`'s window, newest first.
    pub async fn timeline(&self, query: TimelineQuery) -> Result<Timeline> {
        let store = self.history_store()?;
        let (since, until, filter) = timeline::checked(&query).map_err(Error::Invalid)?;
        let settings = self.settings.get();
        blocking(move || {
            let scope = scope_of(&settings, &query.app, &query.team, &query.cluster, &store)?;
            store
                .timeline(&scope, since, until, &filter)
                .map_err(|e| Error::Io(e.to_string()))
        })
        .await
    }

    /// What deployment `args.id` of `args.app` changed against `args.against` (by default the
    /// last known good deployment before it), from the manifests their records keep.
    pub async fn deployment_diff(&self, args: DeploymentDiffArgs) -> Result<DeploymentDiff> {
        within(async {
            let target = self.target(&args.app).await?;
            let cx = target.context();
            let history = deployments::history(&cx).await?;
            Ok(
                crate::deployment_diff::of(&cx, &history, &args.id, args.against.as_deref())
                    .await?,
            )
        })
        .await
    }

    /// Marks deployment `args.id` of `args.app` as having caused an incident (or clears the
    /// mark): in its record, then in the history index. No indexing round runs meanwhile, so
    /// none stores a copy of the record read before the mark.
    pub async fn mark_incident(&self, args: IncidentArgs) -> Result<Deployment> {
        within(async {
            let store = self.history_store()?;
            let target = self.target(&args.app).await?;
            let _indexing = self.index_lock.lock().await;
            Ok(marks::mark(&target.context(), store, &args.id, args.incident).await?)
        })
        .await
    }

    /// Stores drift the monitor saw in the history; a failure is logged (the drift log keeps
    /// the events, and the next round stores them).
    pub(super) async fn record_drifts(&self, events: Vec<DriftEvent>) {
        if events.is_empty() {
            return;
        }
        let Ok(store) = self.history_store() else {
            return;
        };
        let stored = tokio::task::spawn_blocking(move || store.record_drifts(events)).await;
        match stored {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!("drift not added to the history: {e}"),
            Err(e) => tracing::warn!("drift not added to the history: {e}"),
        }
    }
}

/// `work`, or a clear error once [`RECORDS_DEADLINE`] has passed.
async fn within<T>(work: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::time::timeout(RECORDS_DEADLINE, work)
        .await
        .unwrap_or_else(|_| {
            Err(Error::Io(format!(
                "the cluster did not answer about the deployment records within {}s; try again when it does",
                RECORDS_DEADLINE.as_secs()
            )))
        })
}
