//! A configured application compared with its cluster, as the window would: its repository
//! (with the secret stored for it) at its revision or a previewed one, rendered with its
//! namespace and Helm options, compared under its cluster's credentials.

use crate::cluster;
use crate::render::render;
use crate::source::{Remote, Tree};
use anyhow::{Context, Result, anyhow};
use shipdeck_engine::Dirs;
use shipdeck_engine::credentials::Keyring;
use shipdeck_engine::drift::plan::plan;
use shipdeck_engine::git::Revision;
use shipdeck_engine::monitor::cluster_target;
use shipdeck_engine::settings::Settings;
use shipdeck_engine::settings::model::Application;
use shipdeck_engine::sources;
use shipdeck_ipc::drift::DriftReport;
use std::time::Duration;

pub struct Compared {
    /// With the files that did not render among what it left out.
    pub report: DriftReport,
    pub tree: Tree,
}

/// Compares `app` at `revisions` (tried in order), or at its own revision when `None`.
pub async fn compare(
    settings: &Settings,
    app: &Application,
    revisions: Option<Vec<Revision>>,
    dirs: &Dirs,
    git_timeout: Duration,
) -> Result<Compared> {
    let repo = settings
        .repository(&app.repository)
        .ok_or_else(|| anyhow!("repository '{}' is not configured", app.repository))?;
    let cluster = settings
        .cluster(&app.cluster)
        .ok_or_else(|| anyhow!("cluster '{}' is not configured", app.cluster))?;
    let secret = sources::stored_secret(repo, &Keyring::from_env())?;
    let revisions = match revisions {
        Some(revisions) => revisions,
        None => vec![sources::revision(&app.revision)?],
    };
    let scratch = dirs.scratch();
    let tree = Remote {
        url: repo.url.clone(),
        auth: sources::auth(repo, secret)?,
        revisions,
        path: app.path.clone(),
        mirrors: dirs.mirrors().join("cli").join(&repo.id),
    }
    .checkout(&scratch, git_timeout)
    .await
    .with_context(|| format!("repository '{}'", repo.id))?;
    let rendered = render(
        &tree,
        &app.path,
        &app.namespace,
        app.release_name(),
        app.helm_options(),
        &scratch,
    )
    .await?;
    rendered.require_objects(&format!(
        "the path {} of application '{}'",
        app.path, app.id
    ))?;
    let client = cluster::connect(&cluster_target(cluster))
        .await
        .with_context(|| format!("cluster '{}'", cluster.id))?;
    let mut report = plan(
        &client,
        &app.id,
        &rendered.objects,
        &app.policy(&settings.drift),
    )
    .await;
    rendered.mark_incomplete(&mut report);
    Ok(Compared { report, tree })
}

/// The application, or an error that names the configured ones.
pub fn find<'s>(settings: &'s Settings, id: &str, dirs: &Dirs) -> Result<&'s Application> {
    settings.application(id).ok_or_else(|| {
        let ids: Vec<&str> = settings
            .applications
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        anyhow!(
            "there is no application '{id}' in {}; configured: {}",
            dirs.settings_file().display(),
            if ids.is_empty() {
                "none (add them in the Shipdeck window, Settings → Applications)".to_string()
            } else {
                ids.join(", ")
            }
        )
    })
}
