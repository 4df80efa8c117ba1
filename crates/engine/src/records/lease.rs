//! One sync of an application at a time, across desks: a `coordination.k8s.io` Lease per
//! application next to its records, held while a sync runs and renewed as it goes. A desk that
//! was killed mid-sync stops renewing, so its lease expires and the next sync may go ahead.

use crate::git::CancelToken;
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use kube::api::{Api, DeleteParams, ObjectMeta, PostParams, Preconditions};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long a lease lasts without renewal.
pub const DURATION: Duration = Duration::from_secs(30);
const RENEW_EVERY: Duration = Duration::from_secs(5);
/// How long one renewal may take: several must fit in [`DURATION`].
const RENEW_TIMEOUT: Duration = Duration::from_secs(5);
/// Unrenewed for this long, the lease may expire before the next renewal lands: the sync
/// stops rather than run on beside another desk's.
const GIVE_UP_AFTER: Duration = Duration::from_secs(20);

pub fn lease_name(app: &str) -> String {
    format!("shipdeck.{app}")
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "a sync of {app} is already running, by {holder} since {since}; wait for it to end or cancel it there"
    )]
    Busy {
        app: String,
        holder: String,
        since: String,
    },
    /// The cluster refused the lease, or its namespace does not exist and cannot be made.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Cluster(String),
}

/// A lease this desk holds; renewed until released or dropped.
pub struct Held {
    api: Api<Lease>,
    name: String,
    renewal: tokio::task::JoinHandle<()>,
    lost: Arc<AtomicBool>,
    pub holder: String,
}

/// Who holds `app`'s lease now, if anyone does and it has not expired.
pub async fn holder(client: &kube::Client, namespace: &str, app: &str) -> Option<String> {
    let api: Api<Lease> = Api::namespaced(client.clone(), namespace);
    let lease = tokio::time::timeout(super::cluster::CALL_TIMEOUT, api.get_opt(&lease_name(app)))
        .await
        .ok()?
        .ok()??;
    live_holder(&lease)
}

fn live_holder(lease: &Lease) -> Option<String> {
    let spec = lease.spec.as_ref()?;
    let renewed = spec.renew_time.as_ref()?.0;
    let seconds = i64::from(spec.lease_duration_seconds.unwrap_or(0));
    let expires = renewed
        .checked_add(jiff::SignedDuration::from_secs(seconds))
        .ok()?;
    (expires > jiff::Timestamp::now()).then(|| spec.holder_identity.clone().unwrap_or_default())
}

/// Takes `app`'s lease for `holder`, or says who has it. While it is held, `cancel` is
/// cancelled if the lease cannot be kept (renewals failing, another desk taking it).
pub async fn acquire(
    client: &kube::Client,
    namespace: &str,
    app: &str,
    holder: &str,
    cancel: &CancelToken,
) -> Result<Held, Error> {
    let api: Api<Lease> = Api::namespaced(client.clone(), namespace);
    let name = lease_name(app);
    let now = MicroTime(jiff::Timestamp::now());
    let spec = LeaseSpec {
        holder_identity: Some(holder.to_string()),
        lease_duration_seconds: Some(DURATION.as_secs() as i32),
        acquire_time: Some(now.clone()),
        renew_time: Some(now),
        ..Default::default()
    };
    let fresh = Lease {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            labels: Some([(super::cluster::APP_LABEL.to_string(), app.to_string())].into()),
            ..Default::default()
        },
        spec: Some(spec.clone()),
    };
    let created = bounded(api.create(&PostParams::default(), &fresh)).await;
    match created {
        Ok(_) => {}
        Err(kube::Error::Api(s)) if s.code == 409 => {
            // Someone had it: taken over only once expired, and only if nobody renews it
            // between our read and our write (the resourceVersion guards that).
            let existing = bounded(api.get(&name)).await.map_err(sorted)?;
            if let Some(current) = live_holder(&existing) {
                let since = existing
                    .spec
                    .as_ref()
                    .and_then(|s| s.acquire_time.as_ref())
                    .map(|t| t.0.to_string())
                    .unwrap_or_default();
                return Err(Error::Busy {
                    app: app.to_string(),
                    holder: current,
                    since,
                });
            }
            let mut taken = existing.clone();
            taken.spec = Some(spec);
            bounded(api.replace(&name, &PostParams::default(), &taken))
                .await
                .map_err(|e| match e {
                    kube::Error::Api(s) if s.code == 409 => Error::Busy {
                        app: app.to_string(),
                        holder: "another desk".into(),
                        since: "just now".into(),
                    },
                    other => sorted(other),
                })?;
        }
        Err(e) => return Err(sorted(e)),
    }
    let lost = Arc::new(AtomicBool::new(false));
    let renewal = tokio::spawn(renew(
        api.clone(),
        name.clone(),
        holder.to_string(),
        lost.clone(),
        cancel.clone(),
    ));
    Ok(Held {
        api,
        name,
        renewal,
        lost,
        holder: holder.to_string(),
    })
}

async fn renew(
    api: Api<Lease>,
    name: String,
    holder: String,
    lost: Arc<AtomicBool>,
    cancel: CancelToken,
) {
    let mut renewed = tokio::time::Instant::now();
    let give_up = |why: &str| {
        tracing::warn!(lease = %name, "{why}: the sync stops");
        lost.store(true, Ordering::Relaxed);
        cancel.cancel();
    };
    loop {
        tokio::time::sleep(RENEW_EVERY).await;
        let answer = tokio::time::timeout(RENEW_TIMEOUT, async {
            let mut lease = api.get(&name).await?;
            let spec = lease.spec.get_or_insert_with(Default::default);
            if spec.holder_identity.as_deref() != Some(holder.as_str()) {
                return Ok(false);
            }
            spec.renew_time = Some(MicroTime(jiff::Timestamp::now()));
            api.replace(&name, &PostParams::default(), &lease).await?;
            Ok::<_, kube::Error>(true)
        })
        .await;
        match answer {
            Ok(Ok(true)) => renewed = tokio::time::Instant::now(),
            Ok(Ok(false)) => return give_up("another desk took the sync lease"),
            Ok(Err(e)) => tracing::warn!(lease = %name, "renewing the sync lease failed: {e}"),
            Err(_) => tracing::warn!(lease = %name, "renewing the sync lease timed out"),
        }
        if renewed.elapsed() > GIVE_UP_AFTER {
            return give_up("the sync lease could not be renewed in time");
        }
    }
}

impl Held {
    /// Whether another desk took the lease (after this one failed to renew it in time).
    pub fn lost(&self) -> bool {
        self.lost.load(Ordering::Relaxed)
    }

    /// Gives the lease up, if it is still this desk's.
    pub async fn release(self) {
        self.renewal.abort();
        let Ok(Some(lease)) = bounded(self.api.get_opt(&self.name)).await else {
            return;
        };
        let ours = lease
            .spec
            .as_ref()
            .and_then(|s| s.holder_identity.as_deref())
            == Some(self.holder.as_str());
        if ours {
            let params = DeleteParams {
                preconditions: Some(Preconditions {
                    resource_version: lease.metadata.resource_version.clone(),
                    uid: lease.metadata.uid.clone(),
                }),
                ..Default::default()
            };
            let _ = bounded(self.api.delete(&self.name, &params)).await;
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        // Dropped without release (a panic, a cancelled task): the lease expires on its own.
        self.renewal.abort();
    }
}

async fn bounded<T>(call: impl std::future::Future<Output = kube::Result<T>>) -> kube::Result<T> {
    match tokio::time::timeout(super::cluster::CALL_TIMEOUT, call).await {
        Ok(result) => result,
        Err(_) => Err(kube::Error::Service(
            format!(
                "the API server did not answer within {:?}",
                super::cluster::CALL_TIMEOUT
            )
            .into(),
        )),
    }
}

fn sorted(e: kube::Error) -> Error {
    match e {
        kube::Error::Api(s) if s.code == 403 || s.code == 404 => Error::Forbidden(s.message),
        kube::Error::Api(s) => Error::Cluster(s.message),
        other => Error::Cluster(format!("the cluster could not be asked: {other}")),
    }
}
