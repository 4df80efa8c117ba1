//! Syncs, rollbacks and the deployment history of an application, for the window. What is
//! synced is what the monitor rendered and compared (the commit the user reviewed); the
//! decisions are [`crate::deployments`]' and the work [`crate::sync::run`], shared with the
//! command line.

use super::Engine;
use super::error::{Error, Result};
use crate::deployments::{self, Context};
use crate::drift::plan::plan;
use crate::monitor::cluster_target;
use crate::settings::model::{Application, Cluster, Settings};
use crate::sync;
/// The most commits a deployment record lists as brought.
const MAX_COMMITS: usize = 200;

/// How long the kill switch waits for a cancelled automated sync to let go of the lease.
const KILL_SWITCH_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

use shipdeck_ipc::deploy::{
    Deployment, DeploymentKind, ResourceRef, RollbackPreview, SyncProgress, SyncRequest,
};

/// What a [`Context`] borrows from.
pub(super) struct Target {
    settings: Settings,
    app: Application,
    cluster: Cluster,
    client: kube::Client,
    local_root: std::path::PathBuf,
}

impl Target {
    pub(super) fn context(&self) -> Context<'_> {
        Context {
            settings: &self.settings,
            app: &self.app,
            cluster: &self.cluster,
            client: &self.client,
            local_root: &self.local_root,
        }
    }
}

impl From<deployments::Error> for Error {
    fn from(e: deployments::Error) -> Self {
        match e {
            deployments::Error::NotFound(m) => Error::NotFound(m),
            deployments::Error::Refused(m) => Error::Refused(m),
        }
    }
}

impl Engine {
    pub(super) async fn target(&self, id: &str) -> Result<Target> {
        let (settings, app, cluster) = self.application_and_cluster(id)?;
        let client = self.monitor.client(&cluster_target(&cluster)).await?;
        Ok(Target {
            settings,
            app,
            cluster,
            client,
            local_root: self.dirs.deployments(),
        })
    }

    /// What a sync of application `id` with prune would delete, to show before it does.
    pub fn prune_candidates(&self, id: &str) -> Result<Vec<ResourceRef>> {
        let report = self.drift(id).ok_or_else(|| {
            Error::NotFound(format!(
                "application '{id}' has not been compared with its cluster yet"
            ))
        })?;
        Ok(deployments::prune_candidates(&report))
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
        let registered = self.operations.register(operation);
        let target = self.target(&request.app).await?;
        let live = self.live();
        let rendered = live.rendered.get(&request.app).ok_or_else(|| {
            Error::Refused(format!(
                "application '{}' has not been rendered yet; wait until its revision is checked out",
                request.app
            ))
        })?;
        let report = live.drift.get(&request.app).map(|r| &**r);
        let cx = target.context();
        let mut job = deployments::sync_job(&cx, rendered, report, &request, kind)?;
        if let Some(mirror) = self.monitor.mirror_of(&target.app) {
            job.commits = self
                .commits_brought(&cx, &mirror, &rendered.commit.sha)
                .await
                .unwrap_or(job.commits);
        }
        self.run_job(&target, job, &registered.token, progress)
            .await
    }

    /// Runs a deployment job on `target`'s cluster and adds what it did to the history.
    async fn run_job(
        &self,
        target: &Target,
        job: sync::Job,
        cancel: &crate::git::CancelToken,
        progress: &mut (dyn FnMut(SyncProgress) + Send),
    ) -> Result<Deployment> {
        let cx = target.context();
        sync::run(&target.client, job, &cx.place(), cancel, progress)
            .await
            .map(|d| self.remember(d))
            .map_err(|e| Error::Refused(e.to_string()))
    }

    /// The commits a sync of `commit` brings since the application's last successful
    /// deployment of the whole application, from its mirror (`None` when Git cannot say).
    async fn commits_brought(
        &self,
        cx: &Context<'_>,
        mirror: &std::path::Path,
        commit: &str,
    ) -> Option<Vec<String>> {
        let history = deployments::history(cx).await.ok()?;
        let previous = history
            .iter()
            .find(|d| {
                d.result == shipdeck_ipc::deploy::DeploymentResult::Succeeded
                    && d.selection.is_empty()
            })
            .map(|d| d.revision.clone());
        let (mirror, commit, path) = (
            mirror.to_path_buf(),
            commit.to_string(),
            cx.app.path.clone(),
        );
        tokio::task::spawn_blocking(move || {
            crate::git::commits_between(&mirror, &commit, previous.as_deref(), &path, MAX_COMMITS)
        })
        .await
        .ok()?
        .ok()
        .filter(|c| !c.is_empty())
    }

    /// Every deployment of application `id` in its cluster and on this desk, newest first.
    pub async fn deployments(&self, id: &str) -> Result<Vec<Deployment>> {
        let target = self.target(id).await?;
        Ok(deployments::history(&target.context()).await?)
    }

    /// What rolling application `id` back to deployment `to` (by default the last known good
    /// one) would change, from a server-side dry run of its stored manifests.
    pub async fn rollback_preview(&self, id: &str, to: Option<&str>) -> Result<RollbackPreview> {
        let target = self.target(id).await?;
        let cx = target.context();
        let history = deployments::history(&cx).await?;
        let (chosen, answers) = deployments::choose(&history, to, id)?;
        let (objects, _) = deployments::restored(&cx, &chosen).await?;
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
        self.rollback_noting(id, to, operation, progress, Vec::new())
            .await
    }

    /// [`Engine::rollback`], with `notes` for its record.
    async fn rollback_noting(
        &self,
        id: &str,
        to: Option<&str>,
        operation: &str,
        progress: &mut (dyn FnMut(SyncProgress) + Send),
        notes: Vec<String>,
    ) -> Result<Deployment> {
        let registered = self.operations.register(operation);
        let target = self.target(id).await?;
        let cx = target.context();
        let history = deployments::history(&cx).await?;
        let mut job = deployments::rollback_job(&cx, &history, to).await?;
        job.notes.extend(notes);
        self.run_job(&target, job, &registered.token, progress)
            .await
    }

    /// Undoes Deployment `namespace/name` of application `id` to its previous ReplicaSet
    /// revision, as `kubectl rollout undo` does, recorded as a deployment of kind undo.
    pub async fn undo(
        &self,
        id: &str,
        namespace: &str,
        name: &str,
        operation: &str,
        progress: &mut (dyn FnMut(SyncProgress) + Send),
    ) -> Result<Deployment> {
        let registered = self.operations.register(operation);
        let target = self.target(id).await?;
        let cx = target.context();
        let history = deployments::history(&cx).await?;
        let job = deployments::undo_job(&cx, &history, namespace, name).await?;
        self.run_job(&target, job, &registered.token, progress)
            .await
    }

    /// The kill switch: pauses auto-sync and self-heal for application `id` (first, so nothing
    /// automatic fights the rollback), then rolls back to the last known good deployment. The
    /// deployment's message says what was paused.
    pub async fn kill_switch(
        &self,
        id: &str,
        to: Option<&str>,
        operation: &str,
        progress: &mut (dyn FnMut(SyncProgress) + Send),
    ) -> Result<Deployment> {
        let was = self.pause_automation(id)?;
        let paused = match was {
            (false, false) => "auto-sync and self-heal were already off",
            (true, true) => "auto-sync and self-heal are paused",
            (true, false) => "auto-sync is paused",
            (false, true) => "self-heal is paused",
        };
        // An automated sync still running (watching a bad rollout) holds the application's
        // lease: it is stopped, and the rollback waits for its lease to be released.
        for kind in [DeploymentKind::AutoSync, DeploymentKind::SelfHeal] {
            self.operations
                .cancel(&super::automation::operation(kind, id));
        }
        let deadline = tokio::time::Instant::now() + KILL_SWITCH_WAIT;
        loop {
            let attempt = self
                .rollback_noting(id, to, operation, progress, vec![paused.to_string()])
                .await;
            match attempt {
                Err(Error::Refused(m))
                    if m.contains("already running") && tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                }
                Err(e) => {
                    return Err(Error::Refused(format!(
                        "{paused}, but nothing was rolled back: {e}"
                    )));
                }
                Ok(done) => return Ok(done),
            }
        }
    }
}
