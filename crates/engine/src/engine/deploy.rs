//! Syncs, rollbacks and the deployment history of an application, as the window and the
//! command line ask for them. What is applied is what the monitor rendered and compared (the
//! commit the user reviewed), or the manifests of an earlier deployment record; the work
//! itself is [`crate::sync::run`].

use super::Engine;
use super::error::{Error, Result};
use crate::drift::plan::plan;
use crate::manifests::{ObjectId, RenderedObject, Source};
use crate::monitor::cluster_target;
use crate::records::cluster::ClusterRecords;
use crate::records::local::LocalRecords;
use crate::records::{self, Manifest, lease};
use crate::settings::model::{Application, Cluster, Settings};
use crate::sync::{self, Job, Place};

use shipdeck_ipc::deploy::{
    Deployment, DeploymentKind, DeploymentResult, RecordPlace, ResourceRef, RollbackPreview,
    SyncProgress, SyncRequest,
};
use shipdeck_ipc::drift::DriftReason;
use std::collections::BTreeSet;

/// An application, its cluster and a client for it.
struct Target {
    settings: Settings,
    app: Application,
    cluster: Cluster,
    client: kube::Client,
}

impl Engine {
    async fn target(&self, id: &str) -> Result<Target> {
        let settings = self.settings.get();
        let app = settings
            .application(id)
            .ok_or_else(|| Error::NotFound(format!("there is no application '{id}'")))?
            .clone();
        let cluster = settings
            .cluster(&app.cluster)
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "application '{id}': cluster '{}' is not configured",
                    app.cluster
                ))
            })?
            .clone();
        let client = self.monitor.client(&cluster_target(&cluster)).await?;
        Ok(Target {
            settings,
            app,
            cluster,
            client,
        })
    }

    fn place(&self, target: &Target) -> Place {
        Place {
            namespace: target.settings.deployments.namespace().to_string(),
            keep_manifests: target.app.sync.keep_manifests(),
            local: self.dirs.deployments(),
            timeout: sync::DEFAULT_TIMEOUT,
        }
    }

    /// Objects tracked as application `id`'s in its cluster that Git no longer declares: what
    /// a sync with prune would delete, to show before it does.
    pub fn prune_candidates(&self, id: &str) -> Result<Vec<ResourceRef>> {
        let report = self.drift(id).ok_or_else(|| {
            Error::NotFound(format!(
                "application '{id}' has not been compared with its cluster yet"
            ))
        })?;
        Ok(report
            .resources
            .iter()
            .filter(|r| r.reason == Some(DriftReason::Extra))
            .map(|r| ResourceRef {
                group: r.group.clone(),
                kind: r.kind.clone(),
                namespace: r.namespace.clone(),
                name: r.name.clone(),
            })
            .collect())
    }

    /// Syncs what `request` selects of the application's rendered objects. `operation` names
    /// it for [`Engine::cancel_operation`].
    pub async fn sync(
        &self,
        request: SyncRequest,
        operation: &str,
        progress: &mut (dyn FnMut(SyncProgress) + Send),
    ) -> Result<Deployment> {
        self.sync_as(request, DeploymentKind::Sync, operation, progress)
            .await
    }

    pub(crate) async fn sync_as(
        &self,
        request: SyncRequest,
        kind: DeploymentKind,
        operation: &str,
        progress: &mut (dyn FnMut(SyncProgress) + Send),
    ) -> Result<Deployment> {
        let id = request.app.as_str();
        let registered = self.operations.register(operation);
        let target = self.target(id).await?;
        let live = self.live();
        let rendered = live.rendered.get(id).ok_or_else(|| {
            Error::Refused(format!(
                "application '{id}' has not been rendered yet; wait until its revision is checked out"
            ))
        })?;
        if let Some(reviewed) = &request.reviewed_commit
            && *reviewed != rendered.commit.sha
        {
            return Err(Error::Refused(format!(
                "application '{id}' moved to commit {} since you reviewed {}: review the new drift, then sync",
                short(&rendered.commit.sha),
                short(reviewed)
            )));
        }
        if !rendered.errors.is_empty() {
            return Err(Error::Refused(format!(
                "{} file(s) of '{id}' did not render ({}); fix them in Git before syncing, so that nothing is applied half",
                rendered.errors.len(),
                rendered.errors.join("; ")
            )));
        }
        let wanted: BTreeSet<&ResourceRef> = request.resources.iter().collect();
        let objects: Vec<RenderedObject> = rendered
            .objects
            .iter()
            .filter(|o| wanted.is_empty() || wanted.contains(&sync::reference(&o.id)))
            .cloned()
            .collect();
        let prune = if request.prune {
            let extras = self.prune_candidates(id)?;
            let extras: Vec<ResourceRef> = extras
                .into_iter()
                .filter(|r| wanted.is_empty() || wanted.contains(r))
                .collect();
            let shown: BTreeSet<&ResourceRef> = request.prune_confirmed.iter().collect();
            if extras.iter().collect::<BTreeSet<_>>() != shown {
                return Err(Error::Refused(format!(
                    "what prune would delete changed since you confirmed it (now: {}); look at the list again",
                    list(&extras)
                )));
            }
            let report = self.drift(id).expect("checked by prune_candidates");
            extras
                .into_iter()
                .map(|r| {
                    let version = report
                        .resources
                        .iter()
                        .find(|d| {
                            d.group == r.group
                                && d.kind == r.kind
                                && d.namespace == r.namespace
                                && d.name == r.name
                        })
                        .map(|d| d.version.clone())
                        .unwrap_or_default();
                    (r, version)
                })
                .collect()
        } else {
            Vec::new()
        };
        let matched: BTreeSet<ResourceRef> =
            objects.iter().map(|o| sync::reference(&o.id)).collect();
        let unknown: Vec<ResourceRef> = request
            .resources
            .iter()
            .filter(|r| !matched.contains(*r) && !prune.iter().any(|(p, _)| p == *r))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(Error::Refused(format!(
                "{} of the selection {} not declared by '{id}' at {} (nor tracked extras to prune): {}",
                unknown.len(),
                if unknown.len() == 1 { "is" } else { "are" },
                short(&rendered.commit.sha),
                list(&unknown)
            )));
        }
        let job = Job {
            app: id.to_string(),
            cluster: target.cluster.id.clone(),
            kind,
            revision: rendered.commit.sha.clone(),
            commits: vec![rendered.commit.sha.clone()],
            selection: request.resources.clone(),
            objects,
            prune,
            policy: target.app.policy(&target.settings.drift),
            force: request.force,
            answers: None,
            restores: None,
        };
        let place = self.place(&target);
        sync::run(&target.client, job, &place, &registered.token, progress)
            .await
            .map_err(|e| Error::Refused(e.to_string()))
    }

    /// Every deployment of application `id` in its cluster and on this desk, newest first.
    /// A record still `running` that no sync holds the lease for was cut off.
    pub async fn deployments(&self, id: &str) -> Result<Vec<Deployment>> {
        let target = self.target(id).await?;
        self.history(&target).await
    }

    async fn history(&self, target: &Target) -> Result<Vec<Deployment>> {
        let namespace = target.settings.deployments.namespace();
        let records = ClusterRecords::new(target.client.clone(), namespace);
        let mut all = match records.list(&target.app.id).await {
            Ok(found) => found,
            // Reading is refused where writing was: the local ones are all there is.
            Err(records::Error::Forbidden { .. }) => Vec::new(),
            Err(e) => return Err(Error::Refused(e.to_string())),
        };
        let local = LocalRecords::new(&self.dirs.deployments(), &target.cluster.id);
        all.extend(local.list(&target.app.id));
        all.sort_by(|a, b| b.seq.cmp(&a.seq).then(a.started_at.cmp(&b.started_at)));
        if all.iter().any(|d| d.result == DeploymentResult::Running) {
            let holder = lease::holder(&target.client, namespace, &target.app.id).await;
            for d in all
                .iter_mut()
                .filter(|d| d.result == DeploymentResult::Running)
            {
                // Only the newest running record can be the one the lease holder runs.
                d.interrupted = holder.is_none();
            }
            let newest_running = all
                .iter()
                .position(|d| d.result == DeploymentResult::Running);
            for (i, d) in all.iter_mut().enumerate() {
                if d.result == DeploymentResult::Running && Some(i) != newest_running {
                    d.interrupted = true;
                }
            }
        }
        Ok(all)
    }

    /// What rolling application `id` back to deployment `to` (by default the last known good
    /// one) would change, from a server-side dry run of its stored manifests.
    pub async fn rollback_preview(&self, id: &str, to: Option<&str>) -> Result<RollbackPreview> {
        let target = self.target(id).await?;
        let history = self.history(&target).await?;
        let (chosen, answers) = choose(&history, to, id)?;
        let (objects, _) = self.restored(&target, &chosen).await?;
        let policy = target.app.policy(&target.settings.drift);
        let report = plan(&target.client, id, &objects, &policy).await;
        Ok(RollbackPreview {
            target: chosen,
            answers,
            report,
        })
    }

    /// Rolls application `id` back to deployment `to` (by default the last known good one) by
    /// applying the manifests its record holds: it needs no Git, and works from any desk with
    /// the same cluster access.
    pub async fn rollback(
        &self,
        id: &str,
        to: Option<&str>,
        operation: &str,
        progress: &mut (dyn FnMut(SyncProgress) + Send),
    ) -> Result<Deployment> {
        let registered = self.operations.register(operation);
        let target = self.target(id).await?;
        let history = self.history(&target).await?;
        let (chosen, answers) = choose(&history, to, id)?;
        let (objects, skipped) = self.restored(&target, &chosen).await?;
        let job = Job {
            app: id.to_string(),
            cluster: target.cluster.id.clone(),
            kind: DeploymentKind::Rollback,
            revision: chosen.revision.clone(),
            commits: Vec::new(),
            selection: chosen.selection.clone(),
            objects,
            prune: Vec::new(),
            policy: target.app.policy(&target.settings.drift),
            // The answer to a failure must not stop at the fields the failed sync took.
            force: true,
            answers: answers.map(|a| a.id),
            restores: Some(chosen.id.clone()),
        };
        let place = self.place(&target);
        let mut done = sync::run(&target.client, job, &place, &registered.token, progress)
            .await
            .map_err(|e| Error::Refused(e.to_string()))?;
        if !skipped.is_empty() {
            let note = format!(
                "Secrets not restored (their values are masked in records kept on this desk): {}",
                list(&skipped)
            );
            done.message = Some(match done.message {
                Some(m) => format!("{m}; {note}"),
                None => note,
            });
        }
        Ok(done)
    }

    /// The kill switch: pauses auto-sync and self-heal for application `id` (first, so nothing
    /// automatic fights the rollback), then rolls back to the last known good deployment. The
    /// deployment's message says that they were paused.
    pub async fn kill_switch(
        &self,
        id: &str,
        operation: &str,
        progress: &mut (dyn FnMut(SyncProgress) + Send),
    ) -> Result<Deployment> {
        let mut policy = self
            .settings()
            .applications
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| Error::NotFound(format!("there is no application '{id}'")))?
            .sync;
        let was = (policy.auto_sync, policy.self_heal);
        policy.auto_sync = false;
        policy.self_heal = false;
        self.set_sync_policy(id, policy)?;
        let paused = match was {
            (false, false) => "auto-sync and self-heal were already off".to_string(),
            (true, true) => "auto-sync and self-heal are paused".to_string(),
            (true, false) => "auto-sync is paused".to_string(),
            (false, true) => "self-heal is paused".to_string(),
        };
        match self.rollback(id, None, operation, progress).await {
            Ok(mut done) => {
                done.message = Some(match done.message {
                    Some(m) => format!("{paused}; {m}"),
                    None => paused,
                });
                Ok(done)
            }
            Err(e) => Err(Error::Refused(format!(
                "{paused}, but nothing was rolled back: {e}"
            ))),
        }
    }

    /// The objects deployment `chosen` applied, from its record; Secrets of a record kept on
    /// this desk are left out (their values were masked), and listed.
    async fn restored(
        &self,
        target: &Target,
        chosen: &Deployment,
    ) -> Result<(Vec<RenderedObject>, Vec<ResourceRef>)> {
        let manifests = match chosen.place {
            RecordPlace::Cluster => ClusterRecords::new(
                target.client.clone(),
                target.settings.deployments.namespace(),
            )
            .manifests(&chosen.app, chosen.seq)
            .await,
            RecordPlace::Local => LocalRecords::new(&self.dirs.deployments(), &target.cluster.id)
                .manifests(&chosen.app, chosen.seq),
        }
        .map_err(|e| Error::Refused(e.to_string()))?
        .ok_or_else(|| {
            Error::Refused(format!(
                "deployment {} no longer holds its manifests (only the newest records keep them); choose a newer one",
                chosen.id
            ))
        })?;
        let mut skipped = Vec::new();
        let mut objects = Vec::new();
        for (i, m) in manifests.into_iter().enumerate() {
            if chosen.place == RecordPlace::Local && crate::drift::mask::is_secret(&m.object) {
                skipped.push(m.resource);
                continue;
            }
            objects.push(object_of(m, &chosen.id, i));
        }
        Ok((objects, skipped))
    }
}

fn object_of(m: Manifest, deployment: &str, index: usize) -> RenderedObject {
    RenderedObject {
        id: ObjectId {
            group: m.resource.group,
            kind: m.resource.kind,
            namespace: m.resource.namespace,
            name: m.resource.name,
        },
        version: m.version,
        source: Source {
            path: format!("deployment {deployment}").into(),
            document: index,
            line: 1,
            item: None,
        },
        object: m.object,
    }
}

/// The deployment to roll back to and the one it answers (the newest). By default the newest
/// successful deployment, older than the newest one, that still holds its manifests.
fn choose(
    history: &[Deployment],
    to: Option<&str>,
    app: &str,
) -> Result<(Deployment, Option<Deployment>)> {
    let newest = history.first().cloned();
    let chosen = match to {
        Some(wanted) => history
            .iter()
            .find(|d| d.id == wanted)
            .cloned()
            .ok_or_else(|| Error::NotFound(format!("application '{app}' has no deployment {wanted}")))?,
        None => history
            .iter()
            .skip(1)
            .find(|d| d.can_restore())
            .cloned()
            .ok_or_else(|| {
                Error::Refused(format!(
                    "application '{app}' has no earlier successful deployment that still holds its manifests to roll back to"
                ))
            })?,
    };
    if !chosen.can_restore() {
        return Err(Error::Refused(format!(
            "deployment {} cannot be rolled back to: {}",
            chosen.id,
            if chosen.has_manifests {
                format!("it {}", chosen.result.label())
            } else {
                "its manifests were dropped for age".into()
            }
        )));
    }
    let answers = newest.filter(|n| n.id != chosen.id);
    Ok((chosen, answers))
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(10)]
}

fn list(resources: &[ResourceRef]) -> String {
    if resources.is_empty() {
        return "nothing".into();
    }
    resources
        .iter()
        .map(ResourceRef::display)
        .collect::<Vec<_>>()
        .join(", ")
}
