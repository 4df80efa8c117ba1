//! Another revision of an application compared with its cluster, without changing the
//! application: what a release manager looks at before pointing an application at a release
//! branch or tag.
//!
//! The repository is cloned afresh into this process's scratch space (never into the poller's
//! mirror, which follows the application's own revision), its whole tree exported so overlays
//! and charts reach outside the path, rendered with the application's options and compared
//! under its rules. The user can cancel at any moment ([`Engine::cancel_operation`]); Git,
//! renderers and the API server each have their own timeouts.

use super::Engine;
use super::error::{Error, Result};
use crate::drift::plan::plan;
use crate::git::{self, CancelToken, ExportLimits, Mirror, spelled};
use crate::manifests;
use crate::monitor::cluster_target;
use crate::sources;
use shipdeck_ipc::drift::Preview;
use std::path::Path;

impl Engine {
    /// Compares application `id` at `revision` (a branch, tag or commit of its repository)
    /// with its cluster. `operation` names it for [`Engine::cancel_operation`].
    pub async fn preview(&self, id: &str, revision: &str, operation: &str) -> Result<Preview> {
        let settings = self.settings.get();
        let not_configured = |what: &str, name: &str| {
            Error::NotFound(format!(
                "application '{id}': {what} '{name}' is not configured"
            ))
        };
        let app = settings
            .application(id)
            .ok_or_else(|| Error::NotFound(format!("there is no application '{id}'")))?
            .clone();
        let repo = settings
            .repository(&app.repository)
            .ok_or_else(|| not_configured("repository", &app.repository))?
            .clone();
        let cluster = settings
            .cluster(&app.cluster)
            .ok_or_else(|| not_configured("cluster", &app.cluster))?
            .clone();
        let revisions = spelled::candidates(revision).map_err(|e| {
            Error::Invalid(format!(
                "'{}' is not a branch, tag or commit: {e}",
                revision.escape_debug()
            ))
        })?;
        let registered = self.operations.register(operation);
        let cancel = registered.token.clone();
        let work = async {
            let secret = sources::stored_secret(&repo, self.secrets.as_ref())?;
            let auth = sources::auth(&repo, secret)?;
            let scratch = scratch_dir(&self.dirs.scratch())?;
            let tree = scratch.path().join("tree");
            let (path, dest, token) = (app.path.clone(), tree.clone(), cancel.clone());
            let url = repo.url.clone();
            let commit = tokio::task::spawn_blocking(move || {
                checkout(&url, &revisions, &path, auth, &dest, &token)
            })
            .await
            .map_err(|e| Error::Io(format!("the checkout stopped: {e}")))??;
            let options = manifests::Options::new(&app.namespace, app.release_name())
                .tools(self.monitor.tools().clone())
                .helm(app.helm_options())
                .scratch(scratch.path().join("tools"));
            let render = manifests::render(&tree, &app.path, &options)
                .await
                .map_err(|e| Error::Invalid(format!("rendering {}: {e}", app.path)))?;
            if render.objects.is_empty() {
                return Err(Error::Invalid(format!(
                    "the path {} rendered no objects at {}; nothing to compare",
                    app.path,
                    &commit[..commit.len().min(12)]
                )));
            }
            let client = self.monitor.client(&cluster_target(&cluster)).await?;
            let mut report = plan(
                &client,
                &app.id,
                &render.objects,
                &app.policy(&settings.drift),
            )
            .await;
            report.incomplete.extend(
                render
                    .errors
                    .iter()
                    .map(|e| format!("did not render, so its objects were not compared: {e}")),
            );
            // Removing an export is slow disk work: not on an async worker.
            tokio::task::spawn_blocking(move || drop(scratch));
            Ok(Preview { commit, report })
        };
        tokio::select! {
            result = work => result,
            () = cancel.cancelled() => Err(Error::Git(git::Error::Cancelled {
                op: git::Operation::Clone,
                url: repo.url.clone(),
            })),
        }
    }
}

fn scratch_dir(root: &Path) -> Result<tempfile::TempDir> {
    std::fs::create_dir_all(root)
        .and_then(|()| tempfile::Builder::new().prefix("preview-").tempdir_in(root))
        .map_err(|e| {
            Error::Io(format!(
                "cannot create scratch space in {}: {e}",
                root.display()
            ))
        })
}

/// Clones the first of `revisions` the repository has and exports its whole tree to `dest`;
/// returns the commit.
fn checkout(
    url: &str,
    revisions: &[git::Revision],
    path: &str,
    auth: git::Auth,
    dest: &Path,
    cancel: &CancelToken,
) -> Result<String> {
    let mut last_missing = None;
    for (i, revision) in revisions.iter().enumerate() {
        let source = git::Source::parse(url, revision.clone(), path, auth.clone())
            .map_err(|e| Error::Invalid(e.to_string()))?;
        let clone_dir = dest.with_file_name(format!("repository-{i}"));
        let fetched = Mirror::clone(&clone_dir, &source, cancel, &mut |_| {})
            .and_then(|mirror| Ok((mirror.update(&source, cancel, &mut |_| {})?, mirror)));
        match fetched {
            Ok((update, mirror)) => {
                mirror.export_tree(&update.snapshot, dest, &ExportLimits::default())?;
                return Ok(update.snapshot.commit.sha);
            }
            Err(e) if e.kind() == git::ErrorKind::NotFound => last_missing = Some(e),
            Err(e) => return Err(e.into()),
        }
    }
    let tried: Vec<String> = revisions.iter().map(ToString::to_string).collect();
    Err(Error::NotFound(format!(
        "{} not found in the repository{}",
        tried.join(" or "),
        last_missing.map(|e| format!(" ({e})")).unwrap_or_default()
    )))
}
