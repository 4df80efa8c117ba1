//! Rendering one application at one commit, reported back to the fold as [`Event::Rendered`]
//! with the ticket it was started with, so a result that arrives after a newer one is dropped.
//!
//! The whole tree of the commit is exported to scratch space (so a kustomize overlay reaches
//! its `../../base` and a chart its `file://` dependencies) and the application's path is
//! rendered inside it. Git work runs on the blocking pool; kustomize and Helm run as async
//! child processes with their own timeout.

use super::fold::{Event, RenderOutcome, Scope};
use super::key::SourceKey;
use super::{Inner, Watched, lock};
use crate::git::{ExportLimits, Mirror, RepoPath, RepoSpec, Snapshot, Source};
use crate::live::RenderedApp;
use crate::manifests;
use crate::settings::Settings;
use crate::settings::model::Application;
use shipdeck_ipc::connections::RenderSummary;
use shipdeck_ipc::workspace::CommitSummary;
use std::path::Path;
use std::sync::Arc;

pub(super) fn spawn(
    inner: &Arc<Inner>,
    settings: &Settings,
    app_id: String,
    ticket: u64,
    snapshot: Snapshot,
) {
    let Some(app) = settings.application(&app_id).cloned() else {
        return;
    };
    let Some(watched) = lock(&inner.sources).get(&SourceKey::of(&app)).cloned() else {
        return;
    };
    let events = inner.events.clone();
    let scratch = inner.config.scratch.clone();
    let tools = inner.config.tools.clone();
    let task = inner.runtime.spawn(async move {
        let commit = snapshot.commit.sha.clone();
        let mut outcome = render(&app, watched, snapshot, &scratch, tools).await;
        outcome.summary.commit = commit;
        outcome
    });
    inner.runtime.spawn(async move {
        let outcome = match task.await {
            Ok(outcome) => outcome,
            Err(e) => {
                tracing::error!(app = %app_id, "render task failed: {e}");
                let message = "Internal error while rendering.".to_string();
                let _ = events.send(Event::Crashed {
                    scope: Scope::Application(app_id.clone()),
                    message: message.clone(),
                });
                failed(message)
            }
        };
        let _ = events.send(Event::Rendered {
            app: app_id,
            ticket,
            outcome,
        });
    });
}

async fn render(
    app: &Application,
    watched: Watched,
    snapshot: Snapshot,
    scratch: &Path,
    tools: manifests::Tools,
) -> RenderOutcome {
    let dir = match std::fs::create_dir_all(scratch).and_then(|()| {
        tempfile::Builder::new()
            .prefix("render-")
            .tempdir_in(scratch)
    }) {
        Ok(d) => d,
        Err(e) => {
            return failed(format!(
                "cannot create scratch space in {}: {e}",
                scratch.display()
            ));
        }
    };
    let tree = dir.path().join("tree");
    let (path, dest) = (app.path.clone(), tree.clone());
    let exported = tokio::task::spawn_blocking(move || export(&watched, &snapshot, &path, &dest))
        .await
        .unwrap_or_else(|e| Err(format!("exporting the repository stopped: {e}")));
    let (commit, path_commit) = match exported {
        Ok(found) => found,
        Err(message) => return failed(message),
    };
    let options = manifests::Options::new(&app.namespace, app.release_name())
        .tools(tools)
        .helm(app.helm_options())
        // Tool homes and chart copies (inline values may hold passwords) stay in Shipdeck's
        // scratch space and go with the export.
        .scratch(dir.path().join("tools"));
    let outcome = match manifests::render(&tree, &app.path, &options).await {
        Ok(render) => {
            let errors: Vec<String> = render.errors.iter().map(ToString::to_string).collect();
            RenderOutcome {
                path_commit: Some(path_commit),
                summary: RenderSummary {
                    commit: String::new(),
                    objects: render.objects.iter().map(|o| o.id.to_string()).collect(),
                    errors: errors.clone(),
                    failed: None,
                },
                rendered: Some(Arc::new(RenderedApp {
                    commit,
                    objects: render.objects,
                    errors,
                })),
            }
        }
        Err(e) => RenderOutcome {
            path_commit: Some(path_commit),
            ..failed(e.to_string())
        },
    };
    // Removing an export of up to the export cap is slow disk work: not on an async worker.
    tokio::task::spawn_blocking(move || drop(dir));
    outcome
}

/// Resolves the application's path at exactly the snapshot's commit and exports the whole
/// tree. Returns the commit and the last commit that touched the path.
fn export(
    watched: &Watched,
    snapshot: &Snapshot,
    path: &str,
    dest: &Path,
) -> Result<(CommitSummary, CommitSummary), String> {
    let app_source = app_source(&watched.source, path).map_err(|e| e.to_string())?;
    let mirror = Mirror::open(&watched.mirror, &app_source).map_err(|e| e.to_string())?;
    let app_snapshot = mirror
        .resolve_at(&app_source, &snapshot.commit.sha)
        .map_err(|e| e.to_string())?;
    mirror
        .export_tree(&app_snapshot, dest, &ExportLimits::default())
        .map_err(|e| e.to_string())?;
    Ok((app_snapshot.commit, app_snapshot.path_commit))
}

fn failed(message: String) -> RenderOutcome {
    RenderOutcome {
        path_commit: None,
        summary: RenderSummary {
            failed: Some(message),
            ..RenderSummary::default()
        },
        rendered: None,
    }
}

/// The poller's source (the repository root) narrowed to the application's path.
fn app_source(root: &Source, path: &str) -> crate::git::spec::Result<Source> {
    let spec = RepoSpec {
        path: RepoPath::parse(path)?,
        ..root.spec().clone()
    };
    Ok(Source::new(spec, root.auth().clone())?.host_verification(root.verification()))
}
