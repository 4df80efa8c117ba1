//! Syncing an application: its objects applied to its cluster in order ([`order`]) by
//! server-side apply as Shipdeck ([`apply`]), confirmed deletions made, the rollout watched
//! until it is Healthy or fails ([`rollout`]), and the whole written down as a deployment
//! record ([`crate::records`]) when it starts and when it ends, under a lease that keeps a
//! second sync of the application, from any desk, from running at the same time.
//!
//! Used the same way by the window's engine, the command line, rollbacks (the manifests of an
//! earlier record) and self-heal. Never reports success that did not happen: a sync cut off by
//! a lost connection or a cancel ends Failed or Cancelled, with each object's fate.

pub mod apply;
pub mod order;
pub mod rollout;

use crate::drift::policy::Policy;
use crate::drift::predict::{Catalog, Kind};
use crate::drift::tracking;
use crate::git::CancelToken;
use crate::manifests::{ObjectId, RenderedObject};
use crate::records::cluster::ClusterRecords;
use crate::records::local::LocalRecords;
use crate::records::{self, Manifest, Record, lease};
use futures::StreamExt;
use shipdeck_ipc::HealthStatus;
use shipdeck_ipc::deploy::{
    ApplyAction, Deployment, DeploymentKind, DeploymentResult, RecordPlace, ResourceRef,
    ResourceResult, SyncProgress,
};
use std::path::PathBuf;
use std::time::Duration;

/// How many objects are applied at once within a step.
const CONCURRENCY: usize = 8;

/// How long dropping old records' manifests may take after a sync.
const TRIM_DEADLINE: Duration = Duration::from_secs(30);

/// How long a rollout may take to become Healthy unless the caller says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// What to deploy.
#[derive(Debug, Clone)]
pub struct Job {
    pub app: String,
    pub cluster: String,
    pub kind: DeploymentKind,
    pub revision: String,
    pub commits: Vec<String>,
    /// The reviewed selection, for the record; `objects` already holds only it.
    pub selection: Vec<ResourceRef>,
    pub objects: Vec<RenderedObject>,
    /// Objects tracked as the application's to delete (confirmed by the user).
    pub prune: Vec<(ResourceRef, String)>,
    pub policy: Policy,
    pub force: bool,
    pub answers: Option<String>,
    pub restores: Option<String>,
    /// Said in the record's message whatever the outcome (what a kill switch paused, Secrets
    /// a rollback could not restore), so colleagues read it too.
    pub notes: Vec<String>,
}

/// Where records go and how long to wait.
#[derive(Debug, Clone)]
pub struct Place {
    pub namespace: String,
    pub keep_manifests: usize,
    /// The desk's directory for records the cluster refused.
    pub local: PathBuf,
    pub timeout: Duration,
}

/// Why a sync did not start.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error(transparent)]
    Busy(#[from] lease::Error),
    #[error("the deployment record could not be written, so nothing was applied: {0}")]
    Record(String),
    #[error("cancelled before anything was applied")]
    Cancelled,
}

/// Runs `job` against the cluster behind `client`, reporting to `progress`.
pub async fn run(
    client: &kube::Client,
    job: Job,
    place: &Place,
    cancel: &CancelToken,
    progress: &mut (dyn FnMut(SyncProgress) + Send),
) -> Result<Deployment, Refused> {
    let records = ClusterRecords::new(client.clone(), &place.namespace);
    let local = LocalRecords::new(&place.local, &job.cluster);
    let by = desk_user();
    // The lease comes first: a refused sync must not leave a record behind.
    let _ = records.ensure_namespace().await;
    let holder = format!("{by} (pid {})", std::process::id());
    let mut notes = job.notes.clone();
    let held = match lease::acquire(client, &place.namespace, &job.app, &holder, cancel).await {
        Ok(held) => Some(held),
        Err(lease::Error::Forbidden(m)) => {
            notes.push(format!(
                "other desks cannot see that this sync runs (the lease in {} was refused: {m})",
                place.namespace
            ));
            None
        }
        Err(e) => return Err(Refused::Busy(e)),
    };
    if cancel.is_cancelled() {
        if let Some(held) = held {
            held.release().await;
        }
        return Err(Refused::Cancelled);
    }
    let identity = identity(client).await;
    let objects: Vec<RenderedObject> = job
        .objects
        .iter()
        .cloned()
        .map(|mut o| {
            tracking::stamp(&mut o.object, &job.app, &o.id);
            o
        })
        .collect();
    let mut results: Vec<ResourceResult> = objects
        .iter()
        .map(|o| not_applied(reference(&o.id)))
        .chain(job.prune.iter().map(|(r, _)| not_applied(r.clone())))
        .collect();
    let mut deployment = Deployment {
        id: String::new(),
        app: job.app.clone(),
        cluster: job.cluster.clone(),
        seq: 0,
        kind: job.kind,
        result: DeploymentResult::Running,
        interrupted: false,
        revision: job.revision.clone(),
        commits: job.commits.clone(),
        selection: job.selection.clone(),
        started_at: jiff::Timestamp::now().to_string(),
        finished_at: None,
        by: by.clone(),
        identity,
        answers: job.answers.clone(),
        restores: job.restores.clone(),
        health: None,
        message: None,
        resources: results.clone(),
        has_manifests: true,
        place: RecordPlace::Cluster,
        incident: false,
    };
    let record = Record {
        deployment: deployment.clone(),
        manifests: Some(
            objects
                .iter()
                .map(|o| Manifest {
                    resource: reference(&o.id),
                    version: o.version.clone(),
                    object: o.object.clone(),
                })
                .collect(),
        ),
    };
    let written = match records.create(&record).await {
        Ok(stored) => Ok(stored),
        // Refused, or no records namespace and no right to make one.
        Err(records::Error::Forbidden { message, .. } | records::Error::NotFound(message)) => {
            let after = records
                .list(&job.app)
                .await
                .ok()
                .and_then(|l| l.first().map(|d| d.seq));
            notes.push(format!(
                "the record is kept on this desk only: the cluster refused it ({message}); colleagues will not see this deployment"
            ));
            local.create(&record, after.unwrap_or(0))
        }
        Err(e) => Err(e),
    };
    let stored = match written {
        Ok(stored) => stored,
        Err(e) => {
            if let Some(held) = held {
                held.release().await;
            }
            return Err(Refused::Record(e.to_string()));
        }
    };
    deployment.seq = stored.seq;
    deployment.id = stored.id.clone();
    deployment.place = stored.place;
    progress(SyncProgress::Started {
        deployment: deployment.id.clone(),
        total: results.len(),
    });

    let ended = deploy(
        client,
        &job,
        &objects,
        &mut results,
        place,
        cancel,
        progress,
    )
    .await;
    deployment.resources = results;
    deployment.finished_at = Some(jiff::Timestamp::now().to_string());
    deployment.health = deployment.resources.iter().filter_map(|r| r.health).max();
    let (result, message) = ended;
    deployment.result = result;
    if let Some(held) = &held
        && held.lost()
    {
        notes.push(
            "the sync stopped because its lease could not be kept (the API server did not answer in time, or another desk took it)".into(),
        );
    }
    let message: Vec<String> = message.into_iter().chain(notes).collect();
    deployment.message = (!message.is_empty()).then(|| message.join("; "));
    // A record left `running` would tell every desk this deployment was cut off: worth a few
    // tries through a brief outage.
    let mut saved = Err(records::Error::Cluster(String::new()));
    for attempt in 0..3 {
        saved = match deployment.place {
            RecordPlace::Cluster => records.update(&deployment).await,
            RecordPlace::Local => local.update(&deployment),
        };
        if saved.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500 << attempt)).await;
    }
    if let Err(e) = saved {
        let note = format!("its record could not be updated ({e}), so it shows as interrupted");
        deployment.message = Some(match deployment.message.take() {
            Some(m) => format!("{m}; {note}"),
            None => note,
        });
    }
    if let Some(held) = held {
        held.release().await;
    }
    progress(SyncProgress::Finished {
        deployment: deployment.clone(),
    });
    if deployment.place == RecordPlace::Cluster {
        // Housekeeping after the result is out, and bounded: a slow server or a damaged old
        // record must not hold up the answer.
        match tokio::time::timeout(TRIM_DEADLINE, records.trim(&job.app, place.keep_manifests))
            .await
        {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::warn!(app = %job.app, "old deployment records were not trimmed: {e}")
            }
            Err(_) => {
                tracing::warn!(app = %job.app, "trimming old deployment records took too long; left for the next sync")
            }
        }
    }
    Ok(deployment)
}

/// Applies, prunes and watches; returns how it ended and why.
async fn deploy(
    client: &kube::Client,
    job: &Job,
    objects: &[RenderedObject],
    results: &mut [ResourceResult],
    place: &Place,
    cancel: &CancelToken,
    progress: &mut (dyn FnMut(SyncProgress) + Send),
) -> (DeploymentResult, Option<String>) {
    let catalog = Catalog::default();
    let total = results.len();
    let mut done = 0;
    let row_of = |id: &ObjectId| {
        objects
            .iter()
            .position(|o| &o.id == id)
            .expect("own object")
    };
    // Kinds are looked up as each step comes: a custom resource's kind exists only once the
    // CRD step before it is Established.
    let mut kinds: Vec<Option<Kind>> = vec![None; objects.len()];
    let mut failure: Option<String> = None;
    let steps = order::steps(objects, |_| None);
    let mut watched_so_far: Vec<usize> = Vec::new();
    for step in &steps {
        if cancel.is_cancelled() {
            return (DeploymentResult::Cancelled, Some(cancelled(done, total)));
        }
        // One kind after the other, in the step's order (ConfigMaps before the Deployments
        // that mount them); objects of one kind at once.
        for same_kind in step.objects.chunk_by(|a, b| a.id.kind == b.id.kind) {
            // Futures made by an `async fn`, not a closure: a closure returning a future that
            // borrows its argument is not `Send` for every lifetime (rust-lang/rust#64552).
            let pending: Vec<_> = same_kind
                .iter()
                .map(|object| apply_one(client, &catalog, object, job, cancel))
                .collect();
            let applied = futures::stream::iter(pending).buffer_unordered(CONCURRENCY);
            futures::pin_mut!(applied);
            while let Some((object, kind, result)) = applied.next().await {
                let row = row_of(&object.id);
                kinds[row] = kind;
                let Some(result) = result else { continue };
                if result.action == ApplyAction::Failed && failure.is_none() {
                    failure = Some(format!(
                        "{} failed: {}",
                        result.resource.display(),
                        result.message.clone().unwrap_or_default()
                    ));
                }
                results[row] = result.clone();
                done += 1;
                progress(SyncProgress::Applied {
                    result,
                    done,
                    total,
                });
            }
        }
        if cancel.is_cancelled() {
            return (DeploymentResult::Cancelled, Some(cancelled(done, total)));
        }
        if let Some(failure) = failure {
            return (DeploymentResult::Failed, Some(failure));
        }
        for object in &step.objects {
            watched_so_far.push(row_of(&object.id));
        }
        if step.wait_established {
            for object in &step.objects {
                if let Err(e) =
                    rollout::established(client, &object.id.name, Duration::from_secs(60), cancel)
                        .await
                {
                    return match cancel.is_cancelled() {
                        true => (DeploymentResult::Cancelled, Some(cancelled(done, total))),
                        false => (DeploymentResult::Failed, Some(e)),
                    };
                }
            }
        }
        if step.wait_healthy {
            let ended = watch(
                client,
                objects,
                &kinds,
                &watched_so_far,
                results,
                place,
                cancel,
                progress,
            )
            .await;
            if let Some(ended) = ended {
                return ended;
            }
        }
    }
    // Deletions last, in the reverse of the apply order: custom resources before their CRDs,
    // namespaced objects before cluster-scoped ones and Namespaces.
    let mut pruning: Vec<usize> = (0..job.prune.len()).collect();
    pruning.sort_by_key(|&i| {
        let (r, _) = &job.prune[i];
        std::cmp::Reverse(order::prune_rank(&r.group, &r.kind, r.namespace.is_some()))
    });
    for i in pruning {
        let (resource, version) = &job.prune[i];
        if cancel.is_cancelled() {
            return (DeploymentResult::Cancelled, Some(cancelled(done, total)));
        }
        let row = objects.len() + i;
        results[row] = prune(client, &catalog, &job.app, resource, version).await;
        done += 1;
        let result = results[row].clone();
        if result.action == ApplyAction::Failed {
            failure.get_or_insert(format!(
                "pruning {} failed: {}",
                resource.display(),
                result.message.clone().unwrap_or_default()
            ));
        }
        progress(SyncProgress::Applied {
            result,
            done,
            total,
        });
    }
    if let Some(failure) = failure {
        return (DeploymentResult::Failed, Some(failure));
    }
    let all: Vec<usize> = (0..objects.len()).collect();
    watch(
        client, objects, &kinds, &all, results, place, cancel, progress,
    )
    .await
    .unwrap_or((DeploymentResult::Succeeded, None))
}

/// Applies one object of a step; `None` for its kind when the kind could not be looked up,
/// and no result when the sync was cancelled before it started.
async fn apply_one<'a>(
    client: &kube::Client,
    catalog: &Catalog,
    object: &'a RenderedObject,
    job: &Job,
    cancel: &CancelToken,
) -> (&'a RenderedObject, Option<Kind>, Option<ResourceResult>) {
    if cancel.is_cancelled() {
        return (object, None, None);
    }
    let kind = match catalog.kind(client, object).await {
        Ok(kind) => kind,
        Err(e) => {
            let mut result = not_applied(reference(&object.id));
            result.action = ApplyAction::Failed;
            result.message = Some(e.to_string());
            return (object, None, Some(result));
        }
    };
    let applied = apply::apply(client, &kind, object, &job.policy, job.force).await;
    (object, Some(kind), Some(applied))
}

/// Watches the rollout of `rows`; `None` when they all became Healthy.
#[allow(clippy::too_many_arguments)]
async fn watch(
    client: &kube::Client,
    objects: &[RenderedObject],
    kinds: &[Option<Kind>],
    rows: &[usize],
    results: &mut [ResourceResult],
    place: &Place,
    cancel: &CancelToken,
    progress: &mut (dyn FnMut(SyncProgress) + Send),
) -> Option<(DeploymentResult, Option<String>)> {
    let watched: Vec<rollout::Watched<'_>> = rows
        .iter()
        .filter_map(|&row| {
            Some(rollout::Watched {
                object: &objects[row],
                kind: kinds[row].clone()?,
                row,
            })
        })
        .collect();
    let total = watched.len();
    let mut report = |now: &[ResourceResult]| {
        let resources: Vec<ResourceResult> = watched.iter().map(|w| now[w.row].clone()).collect();
        let healthy = resources
            .iter()
            .filter(|r| r.health == Some(HealthStatus::Healthy))
            .count();
        progress(SyncProgress::Health {
            resources,
            healthy,
            total,
        });
    };
    match rollout::watch(
        client,
        &watched,
        results,
        place.timeout,
        cancel,
        &mut report,
    )
    .await
    {
        rollout::Ended::Healthy => None,
        rollout::Ended::Degraded(why) => Some((DeploymentResult::Failed, Some(why))),
        rollout::Ended::TimedOut(why) => Some((DeploymentResult::Failed, Some(why))),
        rollout::Ended::Cancelled => Some((
            DeploymentResult::Cancelled,
            Some(
                "cancelled while the rollout was watched; what was applied so far stays, anything after it (later waves, prune) was not done"
                    .into(),
            ),
        )),
    }
}

/// Deletes one confirmed object, if it is still the application's: a copy made since with the
/// same name (no tracking annotation naming it, another uid) is left alone.
async fn prune(
    client: &kube::Client,
    catalog: &Catalog,
    app: &str,
    resource: &ResourceRef,
    version: &str,
) -> ResourceResult {
    let mut result = not_applied(resource.clone());
    let kind = match catalog
        .lookup(client, &resource.group, version, &resource.kind)
        .await
    {
        Ok(kind) => kind,
        Err(e) => {
            result.action = ApplyAction::Failed;
            result.message = Some(e.to_string());
            return result;
        }
    };
    let api = apply::api(client, &kind, resource.namespace.as_deref());
    let live = match apply::bounded(api.get_opt(&resource.name)).await {
        Ok(Some(live)) => live,
        Ok(None) => {
            result.action = ApplyAction::Pruned;
            result.message = Some("already gone".into());
            return result;
        }
        Err(e) => {
            result.action = ApplyAction::Failed;
            result.message = Some(apply::said(&e));
            return result;
        }
    };
    let id = ObjectId {
        group: resource.group.clone(),
        kind: resource.kind.clone(),
        namespace: resource.namespace.clone(),
        name: resource.name.clone(),
    };
    let owner = serde_json::to_value(&live)
        .ok()
        .and_then(|v| tracking::owner(&v, &id));
    if owner.as_deref() != Some(app) {
        result.action = ApplyAction::Failed;
        result.message = Some(format!(
            "not deleted: it is no longer tracked as {app}'s (changed since it was confirmed)"
        ));
        return result;
    }
    let params = kube::api::DeleteParams {
        preconditions: Some(kube::api::Preconditions {
            uid: live.metadata.uid.clone(),
            resource_version: None,
        }),
        ..kube::api::DeleteParams::foreground()
    };
    match apply::bounded(api.delete(&resource.name, &params)).await {
        Ok(_) => result.action = ApplyAction::Pruned,
        Err(kube::Error::Api(s)) if s.code == 404 => {
            result.action = ApplyAction::Pruned;
            result.message = Some("already gone".into());
        }
        Err(e) => {
            result.action = ApplyAction::Failed;
            result.message = Some(apply::said(&e));
        }
    }
    result
}

fn cancelled(done: usize, total: usize) -> String {
    format!("cancelled after {done} of {total} objects; the rest were not applied")
}

fn not_applied(resource: ResourceRef) -> ResourceResult {
    ResourceResult {
        resource,
        action: ApplyAction::NotApplied,
        message: None,
        conflicts: Vec::new(),
        health: None,
        health_message: None,
    }
}

pub fn reference(id: &ObjectId) -> ResourceRef {
    ResourceRef {
        group: id.group.clone(),
        kind: id.kind.clone(),
        namespace: id.namespace.clone(),
        name: id.name.clone(),
    }
}

/// Who runs the sync on this desk: the OS user and host.
pub fn desk_user() -> String {
    let user = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .or_else(account_name)
        .unwrap_or_else(|| "unknown user".into());
    match hostname() {
        Some(host) => format!("{user}@{host}"),
        None => user,
    }
}

/// The account's name from the password database, when the environment does not say.
#[cfg(unix)]
fn account_name() -> Option<String> {
    let uid = rustix::process::getuid().as_raw().to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.get(2) == Some(&uid.as_str())).then(|| fields[0].to_string())
    })
}

#[cfg(not(unix))]
fn account_name() -> Option<String> {
    None
}

fn hostname() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
}

/// The user the cluster knows the credential as (a SelfSubjectReview), when it says.
async fn identity(client: &kube::Client) -> Option<String> {
    use k8s_openapi::api::authentication::v1::SelfSubjectReview;
    let api: kube::Api<SelfSubjectReview> = kube::Api::all(client.clone());
    let review = SelfSubjectReview::default();
    let answer = apply::bounded(api.create(&kube::api::PostParams::default(), &review))
        .await
        .ok()?;
    answer.status?.user_info?.username
}
