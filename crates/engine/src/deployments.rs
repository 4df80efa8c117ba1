//! An application's deployments, whoever asks (the window's engine or the command line): its
//! history from the cluster's records and this desk's, the sync job for a rendered commit and
//! a request, and the rollback job for an earlier record. Deciding only; the work is
//! [`crate::sync::run`].

use crate::live::RenderedApp;
use crate::manifests::{ObjectId, RenderedObject, Source};
use crate::records::cluster::ClusterRecords;
use crate::records::local::LocalRecords;
use crate::records::{self, Manifest, lease};
use crate::settings::model::{Application, Cluster, Settings};
use crate::sync::{self, Job, Place};
use shipdeck_ipc::deploy::{
    Deployment, DeploymentKind, DeploymentResult, RecordPlace, ResourceRef, SyncRequest,
};
use shipdeck_ipc::drift::{DriftReason, DriftReport};
use std::collections::BTreeSet;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    NotFound(String),
    /// The request cannot be carried out as asked; the message says what to do.
    #[error("{0}")]
    Refused(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One application, its cluster, a client for it, and this desk's records directory.
pub struct Context<'a> {
    pub settings: &'a Settings,
    pub app: &'a Application,
    pub cluster: &'a Cluster,
    pub client: &'a kube::Client,
    pub local_root: &'a Path,
}

impl Context<'_> {
    fn records(&self) -> ClusterRecords {
        ClusterRecords::new(self.client.clone(), self.settings.deployments.namespace())
    }

    fn local(&self) -> LocalRecords {
        LocalRecords::new(self.local_root, &self.cluster.id)
    }

    /// Where records go, how many keep manifests, how long a rollout may take.
    pub fn place(&self) -> Place {
        Place {
            namespace: self.settings.deployments.namespace().to_string(),
            keep_manifests: self.app.sync.keep_manifests(),
            local: self.local_root.to_path_buf(),
            timeout: sync::DEFAULT_TIMEOUT,
        }
    }
}

/// Every deployment of the application in its cluster and on this desk, newest first. A
/// record still `running` that no sync holds the lease for was cut off (`interrupted`).
pub async fn history(cx: &Context<'_>) -> Result<Vec<Deployment>> {
    let id = &cx.app.id;
    let mut all = match cx.records().list(id).await {
        Ok(found) => found,
        // Reading is refused where writing was: the local ones are all there is.
        Err(records::Error::Forbidden { .. }) => Vec::new(),
        Err(e) => return Err(Error::Refused(e.to_string())),
    };
    all.extend(cx.local().list(id));
    all.sort_by(|a, b| b.seq.cmp(&a.seq).then(a.started_at.cmp(&b.started_at)));
    if all.iter().any(|d| d.result == DeploymentResult::Running) {
        let holder = lease::holder(cx.client, cx.settings.deployments.namespace(), id).await;
        // Only the newest running record can be the one a lease holder is running.
        let newest = all
            .iter()
            .position(|d| d.result == DeploymentResult::Running);
        for (i, d) in all.iter_mut().enumerate() {
            if d.result == DeploymentResult::Running {
                d.interrupted = holder.is_none() || Some(i) != newest;
            }
        }
    }
    Ok(all)
}

/// Objects tracked as the application's that Git no longer declares, from its comparison:
/// what a sync with prune deletes.
pub fn prune_candidates(report: &DriftReport) -> Vec<ResourceRef> {
    report
        .resources
        .iter()
        .filter(|r| r.reason == Some(DriftReason::Extra))
        .map(|r| ResourceRef {
            group: r.group.clone(),
            kind: r.kind.clone(),
            namespace: r.namespace.clone(),
            name: r.name.clone(),
        })
        .collect()
}

/// The job that syncs what `request` selects of `rendered` (the commit the monitor compared,
/// or the command line rendered), with `report` its comparison (for prune).
pub fn sync_job(
    cx: &Context<'_>,
    rendered: &RenderedApp,
    report: Option<&DriftReport>,
    request: &SyncRequest,
    kind: DeploymentKind,
) -> Result<Job> {
    let id = cx.app.id.as_str();
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
        let report = report.ok_or_else(|| {
            Error::Refused(format!(
                "application '{id}' has not been compared with its cluster yet, so nothing to prune is known"
            ))
        })?;
        let extras: Vec<ResourceRef> = prune_candidates(report)
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
    let matched: BTreeSet<ResourceRef> = objects.iter().map(|o| sync::reference(&o.id)).collect();
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
    Ok(Job {
        app: id.to_string(),
        cluster: cx.cluster.id.clone(),
        kind,
        revision: rendered.commit.sha.clone(),
        // The commit the manifests were rendered from (the revision's head). The commits a
        // deployment brought since the previous one come from Git's log of the application's
        // path, which the history index works out (DORA lead time).
        commits: vec![rendered.commit.sha.clone()],
        selection: request.resources.clone(),
        objects,
        prune,
        policy: cx.app.policy(&cx.settings.drift),
        force: request.force,
        answers: None,
        restores: None,
        notes: Vec::new(),
    })
}

/// The rollback of the application to `to` (by default the last known good deployment). Secrets
/// of a record kept on this desk are left out (their values are masked there), and the record
/// says so.
pub async fn rollback_job(
    cx: &Context<'_>,
    history: &[Deployment],
    to: Option<&str>,
) -> Result<Job> {
    let (chosen, answers) = choose(history, to, &cx.app.id)?;
    let (objects, skipped) = restored(cx, &chosen).await?;
    let job = Job {
        app: cx.app.id.clone(),
        cluster: cx.cluster.id.clone(),
        kind: DeploymentKind::Rollback,
        revision: chosen.revision.clone(),
        commits: Vec::new(),
        selection: chosen.selection.clone(),
        objects,
        prune: Vec::new(),
        policy: cx.app.policy(&cx.settings.drift),
        // The answer to a failure must not stop at the fields the failed sync took.
        force: true,
        answers: answers.map(|a| a.id),
        restores: Some(chosen.id.clone()),
        notes: skipped_note(&skipped).into_iter().collect(),
    };
    Ok(job)
}

/// The undo of Deployment `namespace/name` of the application, as `kubectl rollout undo` does
/// it: the previous ReplicaSet revision's pod template put back, applied over what Shipdeck
/// last deployed of that Deployment (so the fields it manages stay as they were), or over the
/// live object when no record holds it. Recorded as a deployment of kind undo answering the
/// newest one; its revision names the ReplicaSet revision, not a commit, so self-heal does not
/// take it for the deployed commit and revert it.
pub async fn undo_job(
    cx: &Context<'_>,
    history: &[Deployment],
    namespace: &str,
    name: &str,
) -> Result<Job> {
    use k8s_openapi::api::apps::v1::{Deployment as Workload, ReplicaSet};
    use kube::api::{Api, ListParams};
    let refused = |e: kube::Error| Error::Refused(crate::sync::apply::said(&e));
    let workloads: Api<Workload> = Api::namespaced(cx.client.clone(), namespace);
    let live = crate::sync::apply::bounded(workloads.get_opt(name))
        .await
        .map_err(refused)?
        .ok_or_else(|| Error::NotFound(format!("there is no Deployment {namespace}/{name}")))?;
    let selector = live
        .spec
        .as_ref()
        .and_then(|s| s.selector.match_labels.clone())
        .unwrap_or_default()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    let sets: Api<ReplicaSet> = Api::namespaced(cx.client.clone(), namespace);
    let listed = crate::sync::apply::bounded(sets.list(&ListParams::default().labels(&selector)))
        .await
        .map_err(refused)?;
    let live_value = serde_json::to_value(&live).unwrap_or_default();
    let replica_sets: Vec<serde_json::Value> = listed
        .items
        .iter()
        .filter_map(|r| serde_json::to_value(r).ok())
        .collect();
    let (template, number) =
        crate::undo::previous_template(&live_value, &replica_sets).map_err(Error::Refused)?;
    let id = ObjectId {
        group: "apps".into(),
        kind: "Deployment".into(),
        namespace: Some(namespace.to_string()),
        name: name.to_string(),
    };
    let mut base = None;
    for deployed in history.iter().filter(|d| d.can_restore()) {
        if let Ok((objects, _)) = restored(cx, deployed).await
            && let Some(found) = objects.into_iter().find(|o| o.id == id)
        {
            base = Some(found);
            break;
        }
    }
    // Only a Deployment Shipdeck deployed for this application: applying the live spec
    // instead would take over fields others own (an HPA's replicas) and drop them on the next
    // sync.
    let mut object = base.ok_or_else(|| {
        Error::Refused(format!(
            "Deployment {namespace}/{name} is in no deployment record of '{}' that still holds its manifests: undo works on what Shipdeck deployed",
            cx.app.id
        ))
    })?;
    object.object["spec"]["template"] = template;
    Ok(Job {
        app: cx.app.id.clone(),
        cluster: cx.cluster.id.clone(),
        kind: DeploymentKind::Undo,
        revision: format!("undo of {namespace}/{name} to ReplicaSet revision {number}"),
        commits: Vec::new(),
        selection: vec![sync::reference(&id)],
        objects: vec![object],
        prune: Vec::new(),
        policy: cx.app.policy(&cx.settings.drift),
        force: true,
        answers: history.first().map(|d| d.id.clone()),
        restores: None,
        notes: Vec::new(),
    })
}

/// The last known good deployment before `history[at]` (newest first): the newest older one
/// that succeeded, synced the whole application and keeps its manifests. A sync of a
/// selection says nothing of the other objects: restored or compared alone, it would stand
/// for only part of the application.
pub fn last_good_before(history: &[Deployment], at: usize) -> Option<&Deployment> {
    history
        .get(at + 1..)?
        .iter()
        .find(|d| d.can_restore() && d.selection.is_empty())
}

/// The deployment to roll back to and the one it answers (the newest). By default the newest
/// successful deployment, older than the newest one, that still holds its manifests.
pub fn choose(
    history: &[Deployment],
    to: Option<&str>,
    app: &str,
) -> Result<(Deployment, Option<Deployment>)> {
    let chosen = match to {
        Some(wanted) => history
            .iter()
            .find(|d| d.id == wanted)
            .cloned()
            .ok_or_else(|| Error::NotFound(format!("application '{app}' has no deployment {wanted}")))?,
        None => last_good_before(history, 0)
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
    let answers = history.first().filter(|n| n.id != chosen.id).cloned();
    Ok((chosen, answers))
}

/// The objects deployment `chosen` applied, from its record; Secrets of a record kept on this
/// desk are left out (their values were masked), and listed.
pub async fn restored(
    cx: &Context<'_>,
    chosen: &Deployment,
) -> Result<(Vec<RenderedObject>, Vec<ResourceRef>)> {
    let manifests = manifests_of(cx, chosen).await?;
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

/// Marks deployment `id` of the application as having caused an incident (or clears the mark)
/// in its record, where the team sees it, and returns it as stored. Only a finished
/// deployment can be marked: a running one's record is still being written.
pub async fn set_incident(
    cx: &Context<'_>,
    history: &[Deployment],
    id: &str,
    incident: bool,
) -> Result<Deployment> {
    let d = history.iter().find(|d| d.id == id).ok_or_else(|| {
        Error::NotFound(format!(
            "application '{}' has no deployment {id} in its records (one imported from a history file has none to mark; change the file and import it again)",
            cx.app.id
        ))
    })?;
    if d.finished_at.is_none() {
        return Err(Error::Refused(format!(
            "deployment {id} has not finished; mark it once it has"
        )));
    }
    match d.place {
        RecordPlace::Cluster => cx
            .records()
            .set_incident(&d.app, d.seq, incident)
            .await
            .map_err(|e| Error::Refused(e.to_string())),
        RecordPlace::Local => {
            let mut marked = d.clone();
            marked.incident = incident;
            cx.local()
                .update(&marked)
                .map_err(|e| Error::Refused(e.to_string()))?;
            Ok(marked)
        }
    }
}

/// The manifests deployment `d`'s record keeps (Secret values masked in a record kept on this
/// desk), refused when they were dropped for age.
pub async fn manifests_of(cx: &Context<'_>, d: &Deployment) -> Result<Vec<Manifest>> {
    match d.place {
        RecordPlace::Cluster => cx.records().manifests(&d.app, d.seq).await,
        RecordPlace::Local => cx.local().manifests(&d.app, d.seq),
    }
    .map_err(|e| Error::Refused(e.to_string()))?
    .ok_or_else(|| {
        Error::Refused(format!(
            "deployment {} no longer holds its manifests (only the newest records keep them); choose a newer one",
            d.id
        ))
    })
}

pub(crate) fn object_of(m: Manifest, deployment: &str, index: usize) -> RenderedObject {
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

/// The note a rollback's result carries about Secrets it could not restore.
pub fn skipped_note(skipped: &[ResourceRef]) -> Option<String> {
    (!skipped.is_empty()).then(|| {
        format!(
            "Secrets not restored (their values are masked in records kept on this desk): {}",
            list(skipped)
        )
    })
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(10)]
}

pub fn list(resources: &[ResourceRef]) -> String {
    if resources.is_empty() {
        return "nothing".into();
    }
    resources
        .iter()
        .map(ResourceRef::display)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(seq: u64, result: DeploymentResult, has_manifests: bool) -> Deployment {
        Deployment {
            id: records::id("web", seq),
            app: "web".into(),
            cluster: "dev".into(),
            seq,
            kind: DeploymentKind::Sync,
            result,
            interrupted: false,
            revision: format!("r{seq}"),
            commits: vec![],
            selection: vec![],
            started_at: String::new(),
            finished_at: None,
            by: String::new(),
            identity: None,
            answers: None,
            restores: None,
            health: None,
            message: None,
            resources: vec![],
            has_manifests,
            place: RecordPlace::Cluster,
            incident: false,
        }
    }

    #[test]
    fn the_default_target_is_the_newest_good_one_before_the_newest_with_manifests() {
        use DeploymentResult::*;
        let history = [
            deployment(5, Failed, true),
            deployment(4, Succeeded, false),
            deployment(3, Cancelled, true),
            deployment(2, Succeeded, true),
            deployment(1, Succeeded, true),
        ];
        let (to, answers) = choose(&history, None, "web").unwrap();
        assert_eq!((to.seq, answers.unwrap().seq), (2, 5));
        // The newest one itself, even when good, is not "back".
        let (to, _) = choose(&history[3..], None, "web").unwrap();
        assert_eq!(to.seq, 1);
        // Named targets must be restorable, and say why not.
        let err = choose(&history, Some("web.5"), "web")
            .unwrap_err()
            .to_string();
        assert!(err.contains("it failed"), "{err}");
        let err = choose(&history, Some("web.4"), "web")
            .unwrap_err()
            .to_string();
        assert!(err.contains("dropped for age"), "{err}");
        assert!(matches!(
            choose(&history, Some("web.9"), "web"),
            Err(Error::NotFound(_))
        ));
        assert!(
            choose(&history[4..], None, "web").is_err(),
            "nothing before the first"
        );
    }
}
