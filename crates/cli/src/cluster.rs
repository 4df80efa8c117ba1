//! Connecting to a cluster with the credentials kubectl would use, plus Shipdeck's own: the
//! token stored in the OS keyring for a configured cluster, and `SHIPDECK_TOKEN` for pipelines.
//!
//! The engine's clusters module does the work (kubeconfig merging, inline and file credentials,
//! exec plugins under a timeout, the keyring entry bound to the cluster's server); this file
//! only chooses the target and the secret store.

use anyhow::{Context, Result, bail};
use shipdeck_engine::Secret;
use shipdeck_engine::clusters::{self, ClusterTarget, KubeconfigSource, StoredCredential};
use shipdeck_engine::credentials::{Keyring, Overlay};
use shipdeck_engine::monitor::cluster_target;
use shipdeck_engine::settings::Settings;
use std::path::PathBuf;
use std::time::Duration;

/// A bearer token for the cluster, replacing the context's own credentials (and its exec
/// plugin): how a pipeline passes a service account's token without writing a kubeconfig.
pub const TOKEN_ENV: &str = "SHIPDECK_TOKEN";

/// How long the first call (the server's version) may take before the cluster counts as
/// unreachable; every later call has the engine's own timeout.
const REACH_TIMEOUT: Duration = Duration::from_secs(10);

/// The cluster behind `context` of the kubeconfig (`file`, else KUBECONFIG or
/// ~/.kube/config), and the context's namespace. A configured cluster with the same context
/// and server lends its id, so the credential Shipdeck stored for it is used.
pub fn for_context(
    context: &str,
    file: Option<PathBuf>,
    settings: &Settings,
) -> Result<(ClusterTarget, Option<String>)> {
    let (source, described) = match file {
        Some(file) => (
            KubeconfigSource::Files(vec![file.clone()]),
            file.display().to_string(),
        ),
        None => (
            KubeconfigSource::Default,
            "KUBECONFIG or ~/.kube/config".to_string(),
        ),
    };
    let config = clusters::load(&source).with_context(|| {
        format!("reading the kubeconfig ({described}); pass another with --kubeconfig FILE")
    })?;
    let contexts = clusters::contexts(&config);
    let Some(found) = contexts.iter().find(|c| c.name == context) else {
        let names: Vec<&str> = contexts.iter().map(|c| c.name.as_str()).collect();
        bail!(
            "the kubeconfig ({described}) has no context named '{context}'; available: {}. \
             Pass one of them with --context",
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        );
    };
    let target = ClusterTarget {
        id: context.to_string(),
        context: context.to_string(),
        source,
        stored: None,
    };
    let configured = settings
        .clusters
        .iter()
        .filter(|c| c.context == context && c.credential.is_some())
        .map(cluster_target)
        .find(|known| same_server(known, &target));
    let target = match configured {
        Some(known) => ClusterTarget {
            id: known.id,
            stored: known.stored,
            ..target
        },
        None => target,
    };
    Ok((target, found.namespace.clone()))
}

/// Whether two targets name the same server under the same context: only then is a
/// credential stored for one sent to the other.
fn same_server(a: &ClusterTarget, b: &ClusterTarget) -> bool {
    match (clusters::cluster_endpoint(a), clusters::cluster_endpoint(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A client for `target` that has reached the server: an unreachable cluster or a rejected
/// credential is one clear error here, not every resource Unknown later.
pub async fn connect(target: &ClusterTarget) -> Result<kube::Client> {
    let keyring = Keyring::from_env();
    let token = std::env::var(TOKEN_ENV)
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let mut target = target.clone();
    // The token is handed to the engine as if typed into Settings: it fills the context's user
    // in memory, and the keyring is not read.
    let typed = token.map(|token| {
        target.stored = Some(StoredCredential::Token);
        (StoredCredential::Token.key(&target.id), Secret::new(token))
    });
    let store = Overlay::new(typed, &keyring);
    let client = clusters::client(&target, &store)
        .await
        .with_context(|| format!("connecting to context '{}'", target.context))?;
    clusters::reachable(&client, &target.context, REACH_TIMEOUT).await?;
    Ok(client)
}
