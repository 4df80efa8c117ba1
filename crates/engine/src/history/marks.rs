//! Incident marks: written into the deployment's record, where every desk sees it, then into
//! this desk's history, so the metrics count it at once. The window and the command line
//! both mark through here.

use super::store::Store;
use crate::deployments::{self, Context};
use shipdeck_ipc::deploy::Deployment;
use std::sync::Arc;

/// Marks deployment `id` of the application as having caused an incident, or clears the mark.
/// The record is what counts: when only the history could not be written, the mark stands
/// and the next indexing brings it (logged, not an error).
pub async fn mark(
    cx: &Context<'_>,
    store: Arc<Store>,
    id: &str,
    incident: bool,
) -> Result<Deployment, deployments::Error> {
    let history = deployments::history(cx).await?;
    let marked = deployments::set_incident(cx, &history, id, incident).await?;
    let (cluster, stored_id) = (cx.cluster.id.clone(), marked.id.clone());
    let indexed =
        tokio::task::spawn_blocking(move || store.set_incident(&cluster, &stored_id, incident))
            .await;
    match indexed {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => {
            tracing::warn!(id = %marked.id, "marked in its record, not yet in the history: {e}")
        }
        Err(e) => {
            tracing::warn!(id = %marked.id, "marked in its record, not yet in the history: {e}")
        }
    }
    Ok(marked)
}
