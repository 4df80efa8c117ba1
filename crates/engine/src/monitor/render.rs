//! Rendering one application at one commit, off the async workers, reported back to the fold
//! as [`Event::Rendered`] with the ticket it was started with (so a stale result is dropped).

use super::fold::{Event, RenderOutcome, Scope};
use super::key::SourceKey;
use super::{Inner, Watched, lock};
use crate::git::{Mirror, RepoPath, RepoSpec, Snapshot, Source};
use crate::live::RenderedApp;
use crate::manifests;
use crate::settings::Settings;
use crate::settings::model::Application;
use shipdeck_ipc::connections::RenderSummary;
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
    inner.runtime.spawn(async move {
        let job = tokio::task::spawn_blocking(move || {
            render_blocking(&app, &watched, &snapshot, &scratch, tools)
        });
        let outcome = match job.await {
            Ok(outcome) => outcome,
            Err(e) => {
                let message = if e.is_panic() {
                    "Internal error while rendering.".to_string()
                } else {
                    "Rendering was stopped.".to_string()
                };
                tracing::error!(app = %app_id, "render task failed: {e}");
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

/// The application's path resolved in the source's snapshot, exported and rendered.
fn render_blocking(
    app: &Application,
    watched: &Watched,
    snapshot: &Snapshot,
    scratch: &std::path::Path,
    tools: manifests::Tools,
) -> RenderOutcome {
    let commit = snapshot.commit.sha.clone();
    let with_commit = |mut o: RenderOutcome| {
        o.summary.commit = commit.clone();
        o
    };
    let app_source = match app_source(&watched.source, &app.path) {
        Ok(s) => s,
        Err(e) => return with_commit(failed(e.to_string())),
    };
    let mirror = match Mirror::open(&watched.mirror, &app_source) {
        Ok(m) => m,
        Err(e) => return with_commit(failed(e.to_string())),
    };
    // PENDING(merge): resolve at the snapshot's commit (`resolve_at`) instead of the ref.
    let app_snapshot = match mirror.resolve(&app_source) {
        Ok(s) => s,
        Err(e) => return with_commit(failed(e.to_string())),
    };
    let path_commit = None; // PENDING(merge): app_snapshot.path_commit
    let dir = match std::fs::create_dir_all(scratch).and_then(|()| {
        tempfile::Builder::new()
            .prefix("render-")
            .tempdir_in(scratch)
    }) {
        Ok(d) => d,
        Err(e) => {
            return with_commit(failed(format!(
                "cannot create scratch space in {}: {e}",
                scratch.display()
            )));
        }
    };
    let tree = dir.path().join("tree");
    if let Err(e) = mirror.export(&app_snapshot, &tree) {
        return with_commit(RenderOutcome {
            path_commit,
            ..failed(e.to_string())
        });
    }
    let options = manifests::Options::new(&app.namespace, app.release_name()).tools(tools);
    let rendered = manifests::render(&tree, &options);
    with_commit(match rendered {
        Ok(render) => {
            let errors: Vec<String> = render.errors.iter().map(ToString::to_string).collect();
            RenderOutcome {
                path_commit,
                summary: RenderSummary {
                    commit: String::new(),
                    objects: render.objects.iter().map(|o| o.id.to_string()).collect(),
                    errors: errors.clone(),
                    failed: None,
                },
                rendered: Some(Arc::new(RenderedApp {
                    commit: snapshot.commit.clone(),
                    objects: render.objects,
                    errors,
                })),
            }
        }
        Err(e) => RenderOutcome {
            path_commit,
            ..failed(e.to_string())
        },
    })
}

/// The poller's source (the repository root) narrowed to the application's path.
fn app_source(root: &Source, path: &str) -> crate::git::spec::Result<Source> {
    let spec = RepoSpec {
        path: RepoPath::parse(path)?,
        ..root.spec().clone()
    };
    Ok(Source::new(spec, root.auth().clone())?.host_verification(root.verification()))
}
