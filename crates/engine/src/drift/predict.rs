//! Asking a cluster: where each kind lives (discovery), what is live, and what the API server
//! would store after a sync (a forced server-side apply dry run with Shipdeck's field manager).
//!
//! Every call is bounded by a timeout: a cluster that stops answering turns its resources
//! Unknown, it never hangs a review.

use super::policy::FIELD_MANAGER;
use crate::manifests::RenderedObject;
use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams};
use kube::core::{ApiResource, GroupVersionKind};
use kube::discovery::{ApiCapabilities, Scope};
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;

/// How long one API call may take.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(20);

/// A kind the cluster serves.
#[derive(Debug, Clone)]
pub struct Kind {
    pub resource: ApiResource,
    pub namespaced: bool,
}

/// Why a kind could not be looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KindError {
    /// The cluster answered: it does not serve this kind (a CRD not installed).
    NotServed(String),
    /// The cluster did not answer usefully (unreachable, timed out, refused the credential):
    /// asking about anything else would fail the same way.
    Unreachable(String),
}

impl std::fmt::Display for KindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KindError::NotServed(m) | KindError::Unreachable(m) => f.write_str(m),
        }
    }
}

/// Kinds found so far, by group, version and kind; shared by every comparison on a cluster.
#[derive(Default)]
pub struct Catalog {
    kinds: std::sync::Mutex<HashMap<(String, String, String), Kind>>,
}

impl Catalog {
    /// Where `object`'s kind lives in the cluster.
    pub async fn kind(
        &self,
        client: &kube::Client,
        object: &RenderedObject,
    ) -> Result<Kind, KindError> {
        self.lookup(client, &object.id.group, &object.version, &object.id.kind)
            .await
    }

    /// Where `group/version` `kind` lives in the cluster.
    pub async fn lookup(
        &self,
        client: &kube::Client,
        group: &str,
        version: &str,
        kind: &str,
    ) -> Result<Kind, KindError> {
        let key = (group.to_string(), version.to_string(), kind.to_string());
        if let Some(found) = self.known().get(&key) {
            return Ok(found.clone());
        }
        let gvk = GroupVersionKind::gvk(group, version, kind);
        let found = match bounded(kube::discovery::pinned_kind(client, &gvk)).await {
            Ok((resource, ApiCapabilities { scope, .. })) => Ok(Kind {
                resource,
                namespaced: scope == Scope::Namespaced,
            }),
            Err(e) if not_served(&e) => {
                let api_version = if group.is_empty() {
                    version.to_string()
                } else {
                    format!("{group}/{version}")
                };
                Err(KindError::NotServed(format!(
                    "the cluster does not serve {api_version} {kind}: {e}"
                )))
            }
            Err(e) => Err(KindError::Unreachable(format!(
                "the cluster could not be asked: {e}"
            ))),
        };
        // Only answers are kept: a kind not served now may be once its CRD is installed, and
        // a cluster that could not be asked may answer the next time.
        if let Ok(kind) = &found {
            self.known().insert(key, kind.clone());
        }
        found
    }

    fn known(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String, String), Kind>> {
        // Only whole entries are inserted.
        self.kinds.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A discovery answer about this kind only: it or its group does not exist, or the server
/// that serves its group failed (an aggregated API answering 503). Not a transport error or a
/// refused credential, which would fail every other question too.
fn not_served(e: &kube::Error) -> bool {
    match e {
        kube::Error::Discovery(_) => true,
        kube::Error::Api(status) => !matches!(status.code, 401 | 403),
        _ => false,
    }
}

fn api(client: &kube::Client, kind: &Kind, namespace: Option<&str>) -> Api<DynamicObject> {
    match (kind.namespaced, namespace) {
        (true, Some(ns)) => Api::namespaced_with(client.clone(), ns, &kind.resource),
        (true, None) => Api::default_namespaced_with(client.clone(), &kind.resource),
        (false, _) => Api::all_with(client.clone(), &kind.resource),
    }
}

/// The live object, `None` when it does not exist.
pub async fn live(
    client: &kube::Client,
    kind: &Kind,
    namespace: Option<&str>,
    name: &str,
) -> Result<Option<Value>, String> {
    let found = bounded(api(client, kind, namespace).get_opt(name))
        .await
        .map_err(asked)?;
    found
        .map(|o| serde_json::to_value(o).map_err(|e| e.to_string()))
        .transpose()
}

/// The object as the server would store it if `desired` were applied now by Shipdeck, taking
/// over fields other managers hold (what a sync does once the user confirms it). Never writes.
pub async fn predict(
    client: &kube::Client,
    kind: &Kind,
    namespace: Option<&str>,
    name: &str,
    desired: &Value,
) -> Result<Value, String> {
    let params = PatchParams::apply(FIELD_MANAGER).force().dry_run();
    let predicted =
        bounded(api(client, kind, namespace).patch(name, &params, &Patch::Apply(desired)))
            .await
            .map_err(asked)?;
    serde_json::to_value(predicted).map_err(|e| e.to_string())
}

/// Every object of `kind` in `namespace` (or the whole cluster for a cluster-scoped kind).
pub async fn list(
    client: &kube::Client,
    kind: &Kind,
    namespace: Option<&str>,
) -> Result<Vec<Value>, String> {
    let listed = bounded(api(client, kind, namespace).list(&ListParams::default()))
        .await
        .map_err(asked)?;
    listed
        .items
        .into_iter()
        .map(|o| serde_json::to_value(o).map_err(|e| e.to_string()))
        .collect()
}

/// What a failed call says: the API server's own answer (a manifest it rejects, a conflict)
/// as it gave it; anything else (nothing listening, a timeout, a refused connection) as the
/// cluster not being reachable, the same words discovery uses.
fn asked(e: kube::Error) -> String {
    match e {
        kube::Error::Api(_) => e.to_string(),
        other => format!("the cluster could not be asked: {other}"),
    }
}

/// Whether an error from this module says the API server did not answer in time.
pub fn is_timeout(message: &str) -> bool {
    message.contains(NO_ANSWER)
}

const NO_ANSWER: &str = "the API server did not answer within";

/// `call` within [`CALL_TIMEOUT`].
async fn bounded<T>(
    call: impl std::future::Future<Output = kube::Result<T>>,
) -> Result<T, kube::Error> {
    match tokio::time::timeout(CALL_TIMEOUT, call).await {
        Ok(result) => result,
        Err(_) => Err(kube::Error::Service(
            format!("{NO_ANSWER} {CALL_TIMEOUT:?}").into(),
        )),
    }
}
