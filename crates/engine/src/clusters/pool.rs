//! One long-lived client per cluster.
//!
//! Building a client reads the kubeconfig files, maybe the keyring, and maybe runs an exec
//! plugin (which can mean a network round trip to a cloud's token service). The pool builds a
//! client once and hands out clones (they share one connection pool). It builds a new one when
//! what the client was built from changes: the context's cluster or user entry in the
//! kubeconfig, or which credential Shipdeck stored. A new value for the same stored credential
//! is not visible from here: call [`ClusterClients::invalidate`] after storing one.

use super::connect::{Connection, connect};
use super::exec::DEFAULT_TIMEOUT;
use super::kubeconfig::load;
use super::target::{ClusterTarget, select};
use super::{Result, probe};
use crate::credentials::SecretStore;
use shipdeck_ipc::clusters::{ClusterProbe, ConnectionFailure};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// A credential this close to its expiry is renewed before use, so a request never goes out
/// with a token that runs out on the way.
const RENEW_BEFORE: Duration = Duration::from_secs(60);

/// The clients of all clusters, keyed by cluster id. Cheap to share behind an `Arc`.
pub struct ClusterClients {
    exec_timeout: Duration,
    /// One slot per cluster; its async lock is held while building, so two callers asking for
    /// the same new client wait for one build (and one exec plugin run) instead of two.
    slots: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Pooled>>>>>,
}

struct Pooled {
    fingerprint: u64,
    connection: Connection,
    /// Tells this client apart from the ones built before and after it.
    serial: u64,
}

/// Numbers every client built, so holders of long-lived state on a client (the live cache's
/// watches) can tell when it was replaced (a renewed exec token, an edited kubeconfig).
static SERIALS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Default for ClusterClients {
    fn default() -> Self {
        Self::new()
    }
}

impl ClusterClients {
    pub fn new() -> Self {
        Self {
            exec_timeout: DEFAULT_TIMEOUT,
            slots: Mutex::default(),
        }
    }

    /// How long an exec credential plugin may run before it is stopped (default 20 s).
    #[must_use]
    pub fn with_exec_timeout(mut self, timeout: Duration) -> Self {
        self.exec_timeout = timeout;
        self
    }

    /// The client for `target`: the pooled one if it is still current, else a new one.
    pub async fn get(
        &self,
        target: &ClusterTarget,
        store: &dyn SecretStore,
    ) -> Result<kube::Client> {
        Ok(self.connection(target, store).await?.0.client)
    }

    /// [`ClusterClients::get`] with the client's serial number: a new number means a new
    /// client (renewed credentials), and state built on the old one should be rebuilt.
    pub async fn current(
        &self,
        target: &ClusterTarget,
        store: &dyn SecretStore,
    ) -> Result<(kube::Client, u64)> {
        let (connection, serial) = self.connection(target, store).await?;
        Ok((connection.client, serial))
    }

    /// Checks a cluster through its pooled client (see [`probe::check`]). A rejected credential
    /// drops the client, so the next check reads the keyring or runs the exec plugin again.
    pub async fn probe(
        &self,
        target: &ClusterTarget,
        store: &dyn SecretStore,
        timeout: Duration,
    ) -> Result<ClusterProbe> {
        let (connection, _) = self.connection(target, store).await?;
        let result = probe::check(connection.client, &target.context, timeout).await;
        match result {
            Ok(mut probe) => {
                probe.warnings = connection.warnings;
                Ok(probe)
            }
            Err(err) => {
                if err.failure() == ConnectionFailure::Unauthorized {
                    self.invalidate(&target.id);
                }
                Err(err)
            }
        }
    }

    /// Forgets the client of cluster `id`; the next use builds a new one. Call it after storing
    /// a new credential for the cluster, and when the cluster is removed.
    pub fn invalidate(&self, id: &str) {
        self.slots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
    }

    async fn connection(
        &self,
        target: &ClusterTarget,
        store: &dyn SecretStore,
    ) -> Result<(Connection, u64)> {
        let config = load(&target.source)?;
        let fingerprint = fingerprint(&config, target)?;
        let slot = self
            .slots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(target.id.clone())
            .or_default()
            .clone();
        let mut slot = slot.lock().await;
        if let Some(pooled) = slot.as_ref()
            && pooled.fingerprint == fingerprint
            && !expiring(pooled.connection.expires)
        {
            return Ok((pooled.connection.clone(), pooled.serial));
        }
        // A failed build leaves the slot empty: the next use tries again.
        *slot = None;
        let connection = connect(target, config, store, self.exec_timeout).await?;
        let serial = SERIALS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *slot = Some(Pooled {
            fingerprint,
            connection: connection.clone(),
            serial,
        });
        Ok((connection, serial))
    }
}

fn expiring(expires: Option<SystemTime>) -> bool {
    expires.is_some_and(|at| SystemTime::now() + RENEW_BEFORE >= at)
}

/// A hash of everything the client is built from: the target, and the context, cluster and user
/// entries it names. It stays in memory; it is only compared, never shown or stored.
fn fingerprint(config: &kube::config::Kubeconfig, target: &ClusterTarget) -> Result<u64> {
    let (context, cluster) = select(config, target)?;
    let user = context
        .user
        .as_deref()
        .and_then(|name| config.auth_infos.iter().find(|u| u.name == name))
        .and_then(|u| u.auth_info.as_ref());
    let mut hasher = DefaultHasher::new();
    target.id.hash(&mut hasher);
    target.context.hash(&mut hasher);
    target.stored.hash(&mut hasher);
    // Serialising kubeconfig entries cannot fail: they were deserialised from the same format.
    let entries = serde_json::to_string(&(context, cluster, user)).unwrap_or_default();
    entries.hash(&mut hasher);
    Ok(hasher.finish())
}
