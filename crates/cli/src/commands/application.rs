//! A configured application compared with its cluster, as the window would: its repository
//! (with the secret stored for it) at its revision or a previewed one, rendered with its
//! namespace and Helm options, compared under its cluster's credentials.

use crate::cluster;
use crate::source::cli_error;
use anyhow::{Context, Result, anyhow};
use shipdeck_engine::Dirs;
use shipdeck_engine::checkout::application::{self, Compared, Place};
use shipdeck_engine::credentials::Keyring;
use shipdeck_engine::deployments;
use shipdeck_engine::git::{CancelToken, Revision};
use shipdeck_engine::manifests::Tools;
use shipdeck_engine::monitor::cluster_target;
use shipdeck_engine::settings::Settings;
use shipdeck_engine::settings::model::{Application, Cluster};
use std::time::Duration;

/// Compares `app` at `revisions` (tried in order), or at its own revision when `None`, the
/// way the window's preview does.
pub async fn compare(
    settings: &Settings,
    app: &Application,
    revisions: Option<Vec<Revision>>,
    dirs: &Dirs,
    git_timeout: Duration,
) -> Result<Compared> {
    let (_, client) = connect(settings, app).await?;
    compare_on(settings, app, revisions, dirs, git_timeout, &client).await
}

/// The application's cluster, and a client that has reached it.
pub async fn connect<'s>(
    settings: &'s Settings,
    app: &Application,
) -> Result<(&'s Cluster, kube::Client)> {
    let cluster = settings
        .cluster(&app.cluster)
        .ok_or_else(|| anyhow!("cluster '{}' is not configured", app.cluster))?;
    let client = cluster::connect(&cluster_target(cluster))
        .await
        .with_context(|| format!("cluster '{}'", cluster.id))?;
    Ok((cluster, client))
}

/// What a command that reads or writes an application's deployment records works with: the
/// settings, the application and its cluster, a client of that cluster, and this desk's
/// records. [`Records::context`] lends the engine's [`deployments::Context`].
pub struct Records {
    settings: Settings,
    app: Application,
    cluster: Cluster,
    client: kube::Client,
    local: std::path::PathBuf,
}

impl Records {
    /// Application `id` of the window's settings, connected to its cluster.
    pub async fn open(dirs: &Dirs, id: &str) -> Result<Self> {
        let settings = super::settings(dirs)?;
        let app = find(&settings, id, dirs)?.clone();
        let (cluster, client) = connect(&settings, &app).await?;
        let cluster = cluster.clone();
        Ok(Records {
            settings,
            app,
            cluster,
            client,
            local: dirs.deployments(),
        })
    }

    pub fn app(&self) -> &Application {
        &self.app
    }

    pub fn context(&self) -> deployments::Context<'_> {
        deployments::Context {
            settings: &self.settings,
            app: &self.app,
            cluster: &self.cluster,
            client: &self.client,
            local_root: &self.local,
        }
    }
}

/// [`compare`] with a client the caller keeps (a sync applies with it afterwards).
pub async fn compare_on(
    settings: &Settings,
    app: &Application,
    revisions: Option<Vec<Revision>>,
    dirs: &Dirs,
    git_timeout: Duration,
    client: &kube::Client,
) -> Result<Compared> {
    let place = Place {
        mirrors: dirs.mirrors().join("cli"),
        scratch: dirs.scratch(),
        tools: Tools::from_env(),
    };
    application::compare(
        settings,
        app,
        revisions,
        &Keyring::from_env(),
        client,
        &place,
        &CancelToken::new(),
        git_timeout,
    )
    .await
    .map_err(|e| match e {
        application::Error::Checkout { repository, source } => {
            cli_error(source, false).context(format!("repository '{repository}'"))
        }
        other => other.into(),
    })
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
