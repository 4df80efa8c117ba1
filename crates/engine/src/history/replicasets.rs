//! What a cluster remembers from before Shipdeck, so a user has history on day one: each
//! Deployment keeps a ReplicaSet per rollout (up to its `revisionHistoryLimit`), with the
//! rollout's revision number, creation time, images and `kubernetes.io/change-cause`.
//!
//! Each such ReplicaSet becomes a deployment of kind sync, id `rs/NAMESPACE/DEPLOYMENT/REV`,
//! started and finished at its creation, succeeded, with the images (and change cause) as
//! its revision and no commits (Git is not known for it, so it adds to frequency, not to lead
//! time). Only ReplicaSets created before the second of `before` (the application's first
//! deployment recorded by Shipdeck) are taken: from then on Shipdeck's own records say more,
//! and a rollout would otherwise count twice.

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::ReplicaSet;
use kube::api::{Api, ListParams};
use shipdeck_ipc::deploy::DeploymentKind;
use shipdeck_ipc::history::{HistoryEvent, Outcome};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// How long one namespace's ReplicaSet list may take.
const LIST_TIMEOUT: Duration = Duration::from_secs(20);
/// The most ReplicaSets read from one namespace (pages of 500).
const MAX_PER_NAMESPACE: usize = 20_000;

/// The most characters of images and change cause kept as a rollout's revision.
const MAX_REVISION: usize = 300;

const REVISION: &str = "deployment.kubernetes.io/revision";
const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

/// A Deployment of the application: namespace and name.
pub type DeploymentName = (String, String);

/// The rollouts the cluster remembers of `deployments` (the application's, as rendered), as
/// history events of application `app` on cluster `cluster`.
pub async fn events(
    client: &kube::Client,
    app: &str,
    cluster: &str,
    deployments: &[DeploymentName],
    before: Option<Timestamp>,
) -> Result<Vec<HistoryEvent>, String> {
    let mut by_namespace: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (namespace, name) in deployments {
        by_namespace.entry(namespace).or_default().insert(name);
    }
    let mut out = Vec::new();
    for (namespace, names) in by_namespace {
        // Page by page, keeping only the events: a namespace may hold thousands of large
        // ReplicaSets that are not the application's.
        each_page(client, namespace, |page| {
            for rs in page {
                let Some(owner) = owner(&rs).filter(|o| names.contains(o.as_str())) else {
                    continue;
                };
                if let Some(event) = event(&rs, app, cluster, namespace, &owner, before) {
                    out.push(event);
                }
            }
        })
        .await?;
    }
    Ok(out)
}

async fn each_page(
    client: &kube::Client,
    namespace: &str,
    mut take: impl FnMut(Vec<ReplicaSet>),
) -> Result<(), String> {
    let api: Api<ReplicaSet> = Api::namespaced(client.clone(), namespace);
    let mut params = ListParams::default().limit(500);
    let mut read = 0;
    loop {
        let page = tokio::time::timeout(LIST_TIMEOUT, api.list(&params))
            .await
            .map_err(|_| {
                format!(
                    "the API server did not list the ReplicaSets of namespace {namespace} \
                     within {LIST_TIMEOUT:?}"
                )
            })?
            .map_err(|e| format!("listing the ReplicaSets of namespace {namespace}: {e}"))?;
        read += page.items.len();
        take(page.items);
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() && read < MAX_PER_NAMESPACE => {
                params = params.continue_token(&token);
            }
            _ => return Ok(()),
        }
    }
}

/// A change cause as it may be shown and stored: `kubectl --record` writes the whole command
/// line there, which can hold a token or password; such a cause is withheld, not copied.
fn change_cause(cause: &str) -> String {
    let lower = cause.to_lowercase();
    let secretive = [
        "token",
        "password",
        "passwd",
        "secret",
        "bearer",
        "authorization",
    ];
    if secretive.iter().any(|w| lower.contains(w)) {
        return "change cause withheld: it may hold a credential".into();
    }
    cause
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The Deployment that controls `rs`.
fn owner(rs: &ReplicaSet) -> Option<String> {
    rs.metadata
        .owner_references
        .as_ref()?
        .iter()
        .find(|o| o.kind == "Deployment" && o.controller == Some(true))
        .map(|o| o.name.clone())
}

fn event(
    rs: &ReplicaSet,
    app: &str,
    cluster: &str,
    namespace: &str,
    deployment: &str,
    before: Option<Timestamp>,
) -> Option<HistoryEvent> {
    let annotations = rs.metadata.annotations.as_ref()?;
    let revision: u64 = annotations.get(REVISION)?.parse().ok()?;
    let created = rs.metadata.creation_timestamp.as_ref()?.0;
    // Creation times are whole seconds: a ReplicaSet of the first record's second is its own.
    if before.is_some_and(|b| created.as_second() >= b.as_second()) {
        return None;
    }
    let images: Vec<&str> = rs
        .spec
        .as_ref()
        .and_then(|s| s.template.as_ref())
        .and_then(|t| t.spec.as_ref())
        .map(|p| {
            p.containers
                .iter()
                .filter_map(|c| c.image.as_deref())
                .collect()
        })
        .unwrap_or_default();
    let mut described = images.join(", ");
    if let Some(cause) = annotations
        .get(CHANGE_CAUSE)
        .filter(|c| !c.trim().is_empty())
    {
        described = format!("{described} ({})", change_cause(cause));
    }
    let described: String = described.chars().take(MAX_REVISION).collect();
    let at = created.to_string();
    Some(HistoryEvent::Deployment {
        app: app.to_string(),
        cluster: cluster.to_string(),
        id: format!("rs/{namespace}/{deployment}/{revision}"),
        kind: DeploymentKind::Sync,
        started_at: at.clone(),
        finished_at: at,
        result: Outcome::Succeeded,
        revision: described,
        commits: Vec::new(),
        answers: None,
        incident: false,
    })
}

/// The Deployments among an application's compared resources (extras included: a Deployment
/// tracked as the application's and gone from Git still has its past rollouts).
pub fn workloads(report: &shipdeck_ipc::drift::DriftReport) -> Vec<DeploymentName> {
    report
        .resources
        .iter()
        .filter(|r| r.group == "apps" && r.kind == "Deployment")
        .filter_map(|r| Some((r.namespace.clone()?, r.name.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_cause_that_may_hold_a_credential_is_withheld() {
        assert_eq!(change_cause(" hotfix by hand\n"), "hotfix by hand");
        let recorded = "kubectl set image deployment/web api=web:2 --token=abc123 --record=true";
        assert!(!change_cause(recorded).contains("abc123"));
        assert!(!change_cause("helm upgrade --password hunter2").contains("hunter2"));
    }
}
