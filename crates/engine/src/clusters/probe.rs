//! The connection check: the server version and round trip, then that the user may read what
//! Shipdeck reads (namespaces), so "connected but forbidden" shows up here, not mid-sync.

use super::pool::ClusterClients;
use super::{ClusterTarget, Error, Result, classify};
use crate::credentials::SecretStore;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, ListParams};
use shipdeck_ipc::clusters::{ClusterProbe, ConnectionFailure};
use std::time::{Duration, Instant};

/// A client for `target`, built for this call only. Anything that checks a cluster repeatedly
/// uses [`ClusterClients::get`], which keeps the client (and does not re-run exec plugins).
pub async fn client(target: &ClusterTarget, store: &dyn SecretStore) -> Result<kube::Client> {
    ClusterClients::new().get(target, store).await
}

/// Checks `target` once, with a client built for this call only (e.g. testing a cluster from
/// Settings). Periodic checks use [`ClusterClients::probe`].
pub async fn probe(
    target: &ClusterTarget,
    store: &dyn SecretStore,
    timeout: Duration,
) -> Result<ClusterProbe> {
    ClusterClients::new().probe(target, store, timeout).await
}

/// The first half of a check: the server answers within `timeout` and accepts the credentials
/// (its version). Needs no read rights, so a pipeline's token that may only see one namespace
/// passes; a failure says what to do, as a check's does. The command line calls it before a
/// plan, so an unreachable cluster is one clear error rather than every resource Unknown.
pub async fn reachable(
    client: &kube::Client,
    context: &str,
    timeout: Duration,
) -> Result<k8s_openapi::apimachinery::pkg::version::Info> {
    within(timeout, context, client.apiserver_version())
        .await?
        .map_err(|e| classify::request(e, context))
}

pub(super) async fn check(
    client: kube::Client,
    context: &str,
    timeout: Duration,
) -> Result<ClusterProbe> {
    let started = Instant::now();
    let version = reachable(&client, context, timeout).await?;
    let rtt = started.elapsed();
    let namespaces: Api<Namespace> = Api::all(client);
    within(
        timeout,
        context,
        namespaces.list(&ListParams::default().limit(1)),
    )
    .await?
    .map_err(|e| classify::request(e, context))?;
    Ok(ClusterProbe {
        server_version: version.git_version,
        platform: version.platform,
        rtt_ms: u32::try_from(rtt.as_millis()).unwrap_or(u32::MAX),
        warnings: Vec::new(),
    })
}

async fn within<T>(timeout: Duration, context: &str, fut: impl Future<Output = T>) -> Result<T> {
    tokio::time::timeout(timeout, fut)
        .await
        .map_err(|_| Error::Connect {
            failure: ConnectionFailure::Unreachable,
            message: format!(
                "cluster '{context}' did not answer within {}s; check that the server is up and \
             reachable from this machine (VPN, firewall)",
                timeout.as_secs()
            ),
        })
}
