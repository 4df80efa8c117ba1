//! What Argo CD remembers, so a team moving from it has history on day one: each Argo CD
//! `Application` keeps its last syncs in `status.history` (id, revision, when the sync started
//! and was deployed, whether it was automated). Argo CD records only syncs that succeeded.
//!
//! An Argo CD Application counts as the Shipdeck application whose repository and path its
//! source names (any of its sources). Each entry becomes a deployment of kind sync (auto-sync
//! when automated), id `argocd/NAMESPACE/NAME/ID`, with the commits that changed the path
//! since the entry before (from the mirrors, when they have both), so it adds to lead time
//! too. As with ReplicaSets, only entries deployed before the second of the application's
//! first Shipdeck record are taken: from then on Shipdeck's records say more.
//!
//! A cluster without Argo CD (no such resource), or that refuses the list, has none: that is
//! no error. Entries before the first record cannot change once there is one, so the caller
//! reads them once ([`super::index`]).

use jiff::Timestamp;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams};
use serde_json::Value;
use shipdeck_ipc::deploy::DeploymentKind;
use shipdeck_ipc::history::{HistoryEvent, Outcome};
use std::time::Duration;

/// How long one page of Applications may take.
const LIST_TIMEOUT: Duration = Duration::from_secs(20);
/// Applications per page: each may carry a long resource list in its status.
const PAGE: u32 = 100;
/// The most Applications read from a cluster.
const MAX_APPLICATIONS: usize = 5_000;
/// The most history entries taken from one Application (Argo CD keeps 10 by default).
const MAX_ENTRIES: usize = 1_000;
/// The longest revision kept (a SHA, a chart version).
const MAX_REVISION: usize = 200;

/// Where a Shipdeck application's manifests come from, to find its Argo CD twin.
#[derive(Debug, Clone)]
pub struct Source<'a> {
    pub repository_url: &'a str,
    pub path: &'a str,
}

/// One synced revision, in the order Argo CD lists them (oldest first).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: String,
    pub revision: String,
    pub started_at: Timestamp,
    pub deployed_at: Timestamp,
    pub automated: bool,
}

/// The history entries of every Argo CD Application on the cluster whose source is `source`,
/// deployed before `before`, each with its Application's `NAMESPACE/NAME`.
pub async fn entries(
    client: &kube::Client,
    source: &Source<'_>,
    before: Option<Timestamp>,
) -> Result<Vec<(String, Entry)>, String> {
    let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(
        "argoproj.io",
        "v1alpha1",
        "Application",
    ));
    let api: Api<DynamicObject> = Api::all_with(client.clone(), &resource);
    let mut params = ListParams::default().limit(PAGE);
    let mut out = Vec::new();
    let mut read = 0;
    loop {
        let page = match tokio::time::timeout(LIST_TIMEOUT, api.list(&params)).await {
            Ok(Ok(page)) => page,
            // No Argo CD here (404), or not ours to read (403): nothing to take.
            Ok(Err(kube::Error::Api(status))) if matches!(status.code, 403 | 404) => {
                return Ok(out);
            }
            Ok(Err(e)) => return Err(format!("Argo CD applications not read: {e}")),
            Err(_) => {
                return Err(format!(
                    "Argo CD applications not listed within {LIST_TIMEOUT:?}"
                ));
            }
        };
        read += page.items.len();
        for app in &page.items {
            if is_twin(&app.data, source) {
                let name = format!(
                    "{}/{}",
                    app.metadata.namespace.as_deref().unwrap_or(""),
                    app.metadata.name.as_deref().unwrap_or("")
                );
                out.extend(of(&name, &app.data, before));
            }
        }
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() && read < MAX_APPLICATIONS => {
                params = params.continue_token(&token);
            }
            _ => return Ok(out),
        }
    }
}

/// The entries as deployments of application `app` on `cluster`, each with the commits it
/// brought as `commits_between(previous revision, revision)` says (the revision alone when it
/// cannot).
pub fn events(
    entries: &[(String, Entry)],
    app: &str,
    cluster: &str,
    commits_between: impl Fn(&str, Option<&str>) -> Option<Vec<String>>,
) -> Vec<HistoryEvent> {
    let mut out = Vec::new();
    // Per Argo CD Application: two of them may deploy the same source (to two clusters).
    let mut previous: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for (name, e) in entries {
        let commits = commits_between(&e.revision, previous.get(name.as_str()).copied())
            .unwrap_or_else(|| vec![e.revision.clone()]);
        out.push(HistoryEvent::Deployment {
            app: app.to_string(),
            cluster: cluster.to_string(),
            id: format!("argocd/{name}/{}", e.id),
            kind: if e.automated {
                DeploymentKind::AutoSync
            } else {
                DeploymentKind::Sync
            },
            started_at: e.started_at.to_string(),
            finished_at: e.deployed_at.to_string(),
            result: Outcome::Succeeded,
            revision: e.revision.clone(),
            commits,
            answers: None,
            incident: false,
        });
        previous.insert(name, &e.revision);
    }
    out
}

/// Whether Argo CD Application `app` deploys `source`: one of its sources names the same
/// repository and path.
fn is_twin(app: &Value, source: &Source<'_>) -> bool {
    let spec = &app["spec"];
    let sources = spec["sources"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .chain(spec.get("source").cloned());
    sources.into_iter().any(|s| {
        s["repoURL"]
            .as_str()
            .is_some_and(|url| same_repository(url, source.repository_url))
            && same_path(s["path"].as_str().unwrap_or(""), source.path)
    })
}

/// The history entries of Argo CD Application `name` (`NAMESPACE/NAME`; `app` is the rest of
/// it), oldest first, deployed before `before`.
fn of(name: &str, app: &Value, before: Option<Timestamp>) -> Vec<(String, Entry)> {
    let Some(history) = app["status"]["history"].as_array() else {
        return Vec::new();
    };
    let mut entries: Vec<(String, Entry)> = history
        .iter()
        .take(MAX_ENTRIES)
        .filter_map(|h| {
            let deployed_at: Timestamp = h["deployedAt"].as_str()?.parse().ok()?;
            if before.is_some_and(|b| deployed_at.as_second() >= b.as_second()) {
                return None;
            }
            let started_at = h["deployStartedAt"]
                .as_str()
                .and_then(|t| t.parse().ok())
                .filter(|t| *t <= deployed_at)
                .unwrap_or(deployed_at);
            let revision = h["revision"]
                .as_str()
                .or_else(|| h["revisions"].as_array()?.first()?.as_str())?;
            let revision: String = revision
                .chars()
                .filter(|c| !c.is_control())
                .take(MAX_REVISION)
                .collect();
            Some((
                name.to_string(),
                Entry {
                    id: h["id"]
                        .as_i64()
                        .map_or_else(|| deployed_at.to_string(), |i| i.to_string()),
                    revision,
                    started_at,
                    deployed_at,
                    automated: h["initiatedBy"]["automated"].as_bool().unwrap_or(false),
                },
            ))
        })
        .collect();
    entries.sort_by_key(|(_, e)| e.deployed_at);
    entries
}

/// Repository URLs as the same repository: case, a trailing `/` or `.git` aside.
fn same_repository(a: &str, b: &str) -> bool {
    let norm = |u: &str| {
        let u = u.trim().trim_end_matches('/');
        u.strip_suffix(".git").unwrap_or(u).to_lowercase()
    };
    norm(a) == norm(b)
}

/// Paths within a repository as the same: `./`, leading and trailing `/` aside.
fn same_path(a: &str, b: &str) -> bool {
    let norm = |p: &str| {
        let p = p.trim().trim_matches('/');
        let p = p.strip_prefix("./").unwrap_or(p);
        if p == "." { "" } else { p }.trim_matches('/').to_string()
    };
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn application() -> Value {
        json!({
            "spec": {"source": {"repoURL": "https://git.example/Team/Deploy.git", "path": "./apps/web/"}},
            "status": {"history": [
                {"id": 2, "revision": "bbb", "deployedAt": "2026-11-02T10:05:00Z",
                 "deployStartedAt": "2026-11-02T10:04:00Z", "initiatedBy": {"automated": true}},
                {"id": 1, "revision": "aaa", "deployedAt": "2026-11-01T10:00:00Z",
                 "initiatedBy": {"username": "maya"}},
                {"id": 3, "revision": "ccc", "deployedAt": "2026-11-03T10:00:00Z"},
                {"id": 4, "deployedAt": "2026-11-01T11:00:00Z"}
            ]}
        })
    }

    #[test]
    fn an_application_of_the_same_repository_and_path_is_the_twin() {
        let source = Source {
            repository_url: "https://git.example/team/deploy/",
            path: "apps/web",
        };
        assert!(is_twin(&application(), &source));
        let other = Source {
            repository_url: "https://git.example/team/deploy",
            path: "apps/api",
        };
        assert!(!is_twin(&application(), &other));
        let multi = json!({"spec": {"sources": [
            {"repoURL": "https://charts.example", "chart": "x"},
            {"repoURL": "https://git.example/team/deploy", "path": "apps/web"}
        ]}});
        assert!(is_twin(&multi, &source));
    }

    #[test]
    fn entries_are_oldest_first_up_to_the_first_shipdeck_record() {
        let before = "2026-11-03T10:00:00Z".parse().ok();
        let entries = of("argocd/web", &application(), before);
        let ids: Vec<&str> = entries.iter().map(|(_, e)| e.id.as_str()).collect();
        // 3 is from the second of the first record; 4 has no revision.
        assert_eq!(ids, ["1", "2"]);
        let (name, second) = &entries[1];
        assert_eq!(name, "argocd/web");
        assert!(second.automated);
        assert_eq!(second.started_at.to_string(), "2026-11-02T10:04:00Z");
        assert_eq!(entries[0].1.started_at, entries[0].1.deployed_at);
    }

    #[test]
    fn each_entry_brings_the_commits_since_the_one_before() {
        let entries = of("argocd/web", &application(), None);
        let events = events(&entries[..2], "web", "prod", |to, from| match (to, from) {
            ("bbb", Some("aaa")) => Some(vec!["bbb".into(), "b0".into()]),
            _ => None,
        });
        let summary: Vec<(String, Vec<String>, DeploymentKind)> = events
            .iter()
            .map(|e| match e {
                HistoryEvent::Deployment {
                    id, commits, kind, ..
                } => (id.clone(), commits.clone(), *kind),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "argocd/argocd/web/1".to_string(),
                    vec!["aaa".to_string()],
                    DeploymentKind::Sync
                ),
                (
                    "argocd/argocd/web/2".to_string(),
                    vec!["bbb".to_string(), "b0".to_string()],
                    DeploymentKind::AutoSync
                ),
            ]
        );
    }
}
