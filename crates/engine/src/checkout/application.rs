//! A configured application compared with its cluster at its own revision or another one,
//! outside the monitor: the window's preview of another revision and `shipdeck diff`/`apps`
//! both come through here, so both check out, render and compare it the same way.

use super::render::{Rendered, render};
use super::{Remote, Tree};
use crate::credentials::SecretStore;
use crate::drift::plan::plan;
use crate::git::{CancelToken, Revision};
use crate::manifests::Tools;
use crate::settings::Settings;
use crate::settings::model::Application;
use crate::sources;
use shipdeck_ipc::drift::DriftReport;
use std::path::PathBuf;
use std::time::Duration;

pub struct Compared {
    /// With the files that did not render among what it left out.
    pub report: DriftReport,
    pub tree: Tree,
    /// What was compared: a sync from the command line applies exactly these objects, so
    /// what it shows with `--dry-run` is what it applies.
    pub rendered: Rendered,
}

/// Where a comparison keeps its files and what it renders with.
pub struct Place {
    /// Mirrors live under `<mirrors>/<repository id>/`.
    pub mirrors: PathBuf,
    pub scratch: PathBuf,
    pub tools: Tools,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    NotConfigured(String),
    #[error("{0}")]
    Source(#[from] sources::Error),
    #[error("repository '{repository}': {source}")]
    Checkout {
        repository: String,
        source: super::Error,
    },
    #[error("{0}")]
    Render(String),
}

/// Compares `app` at the first of `revisions` its repository has (its own revision when
/// `None`) with the cluster behind `client`, under the application's ignore rules. The
/// checkout stops at `deadline` or when `cancel` is cancelled.
#[allow(clippy::too_many_arguments)]
pub async fn compare(
    settings: &Settings,
    app: &Application,
    revisions: Option<Vec<Revision>>,
    secrets: &dyn SecretStore,
    client: &kube::Client,
    place: &Place,
    cancel: &CancelToken,
    deadline: Duration,
) -> Result<Compared, Error> {
    let repo = settings.repository(&app.repository).ok_or_else(|| {
        Error::NotConfigured(format!("repository '{}' is not configured", app.repository))
    })?;
    let secret = sources::stored_secret(repo, secrets)?;
    let revisions = match revisions {
        Some(revisions) => revisions,
        None => vec![
            sources::revision(&app.revision)
                .map_err(|e| Error::NotConfigured(format!("application '{}': {e}", app.id)))?,
        ],
    };
    let tree = Remote {
        url: repo.url.clone(),
        auth: sources::auth(repo, secret)?,
        revisions,
        path: app.path.clone(),
        mirrors: place.mirrors.join(&repo.id),
    }
    .checkout(&place.scratch, cancel, deadline)
    .await
    .map_err(|source| Error::Checkout {
        repository: repo.id.clone(),
        source,
    })?;
    let rendered = render(
        &tree,
        &app.path,
        &app.namespace,
        app.release_name(),
        app.helm_options(),
        place.tools.clone(),
        &place.scratch,
    )
    .await
    .map_err(Error::Render)?;
    rendered
        .require_objects(&format!(
            "the path {} of application '{}'",
            app.path, app.id
        ))
        .map_err(Error::Render)?;
    let mut report = plan(
        client,
        &app.id,
        &rendered.objects,
        &app.policy(&settings.drift),
    )
    .await;
    rendered.mark_incomplete(&mut report);
    Ok(Compared {
        report,
        tree,
        rendered,
    })
}
