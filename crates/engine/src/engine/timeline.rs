//! The timeline for the window: what happened in a window of time (from the history index),
//! what one deployment changed against another (from their records' manifests), and incidents
//! marked on deployments (in their records, where the team sees them, and in the index).
//! The rules are [`crate::history::timeline`]'s and [`crate::deployment_diff`]'s, shared with
//! the command line.

use super::Engine;
use super::error::{Error, Result};
use super::history::{blocking, period, scope_of};
use crate::deployments;
use crate::history::timeline::Filter;
use shipdeck_ipc::deploy::Deployment;
use shipdeck_ipc::drift::DriftEvent;
use shipdeck_ipc::timeline::{
    DEFAULT_LIMIT, DeploymentDiff, DeploymentDiffArgs, IncidentArgs, Timeline, TimelineQuery,
};

/// The most events one timeline answer may ask for.
pub const MAX_LIMIT: usize = 20_000;

impl Engine {
    /// What happened in `query`'s window, newest first.
    pub async fn timeline(&self, query: TimelineQuery) -> Result<Timeline> {
        let store = self.history_store()?;
        let (since, until) = period(&query.since, &query.until)?;
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(Error::Invalid(format!(
                "a timeline shows from 1 to {MAX_LIMIT} events, not {limit}"
            )));
        }
        let settings = self.settings.get();
        blocking(move || {
            let mut scope = scope_of(&settings, &query.app, &query.team, &store)?;
            scope.cluster = query.cluster.clone();
            let filter = Filter {
                kinds: query.kinds,
                results: query.results,
                limit,
            };
            store
                .timeline(&scope, since, until, &filter)
                .map_err(|e| Error::Io(e.to_string()))
        })
        .await
    }

    /// What deployment `args.id` of `args.app` changed against `args.against` (by default the
    /// deployment before it), from the manifests their records keep.
    pub async fn deployment_diff(&self, args: DeploymentDiffArgs) -> Result<DeploymentDiff> {
        let target = self.target(&args.app).await?;
        let cx = target.context();
        let history = deployments::history(&cx).await?;
        Ok(crate::deployment_diff::of(&cx, &history, &args.id, args.against.as_deref()).await?)
    }

    /// Marks deployment `args.id` of `args.app` as having caused an incident (or clears the
    /// mark): in its record, then in the history index, so the metrics count it at once.
    pub async fn mark_incident(&self, args: IncidentArgs) -> Result<Deployment> {
        let target = self.target(&args.app).await?;
        let cx = target.context();
        let history = deployments::history(&cx).await?;
        let marked = deployments::set_incident(&cx, &history, &args.id, args.incident).await?;
        let store = self.history_store()?;
        let (cluster, id, incident) = (cx.cluster.id.clone(), marked.id.clone(), marked.incident);
        blocking(move || {
            store
                .set_incident(&cluster, &id, incident)
                .map_err(|e| Error::Io(e.to_string()))
        })
        .await?;
        Ok(marked)
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
