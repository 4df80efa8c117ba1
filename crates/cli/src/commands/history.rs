//! `shipdeck history export|import`, and what `dora` shares with them: the history store in
//! the data directory, brought up to date from the clusters' deployment records before it is
//! read, so that the numbers are the team's and not only this desk's. The rules are the
//! engine's (`history::{files, index, scope}`).

use super::application::{compare_on, connect};
use crate::args::{ExportArgs, ImportArgs, ScopeArgs};
use crate::exit::Code;
use anyhow::{Context, Result, anyhow};
use shipdeck_engine::Dirs;
use shipdeck_engine::deployments::Context as Deploying;
use shipdeck_engine::history::{self, Origin, Scope, Store, files, index, jsonl, replicasets};
use shipdeck_engine::settings::Settings;
use shipdeck_engine::settings::model::Application;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

/// The store, after telling the user if the one found had to be set aside.
pub fn open(dirs: &Dirs) -> Result<Arc<Store>> {
    let opened = Store::open(&dirs.history())?;
    if let Some(notice) = opened.notice {
        eprintln!("shipdeck: {notice}");
    }
    Ok(Arc::new(opened.store))
}

/// What `args` asks about, and the configured applications it covers (to index).
pub fn scope<'s>(
    settings: &'s Settings,
    args: &ScopeArgs,
    dirs: &Dirs,
    store: &Store,
) -> Result<(Scope, Vec<&'s Application>)> {
    history::scope::resolve(
        settings,
        args.app.as_deref(),
        args.team.as_deref(),
        args.cluster.as_deref(),
        store,
    )
    .map_err(|e| anyhow!("{e} ({})", dirs.settings_file().display()))
}

/// Indexes each application's deployment records, and the rollouts its cluster remembers from
/// before them (its Deployments are found by rendering it, as `diff` does; when Git cannot be
/// read, only the records are indexed). A cluster that cannot be read is reported on stderr
/// and what is stored is used.
pub async fn index_all(
    settings: &Settings,
    apps: &[&Application],
    store: &Arc<Store>,
    dirs: &Dirs,
    git_timeout: Duration,
) {
    let mirror_roots = dirs.mirror_roots();
    let local = dirs.deployments();
    let timeout = index::TIMEOUT + git_timeout;
    for app in apps {
        let indexed = tokio::time::timeout(timeout, async {
            let (cluster, client) = connect(settings, app).await?;
            let workloads = match compare_on(settings, app, None, dirs, git_timeout, &client).await
            {
                Ok(compared) => replicasets::workloads(&compared.report),
                Err(e) => {
                    eprintln!(
                        "shipdeck: {}: not rendered, so rollouts from before its first \
                             recorded deployment are left out: {}",
                        app.id,
                        crate::one_line(&format!("{e:#}"))
                    );
                    Vec::new()
                }
            };
            let cx = Deploying {
                settings,
                app,
                cluster,
                client: &client,
                local_root: &local,
            };
            index::application(&cx, store.clone(), &mirror_roots, &workloads)
                .await
                .map_err(anyhow::Error::from)
        })
        .await
        .unwrap_or_else(|_| Err(anyhow!("no answer within {}s", timeout.as_secs())));
        if let Err(e) = indexed {
            eprintln!(
                "shipdeck: {}: {}; using the history stored on this desk",
                app.id,
                crate::one_line(&format!("{e:#}"))
            );
        }
    }
}

pub async fn export(args: ExportArgs, dirs: &Dirs, git_timeout: Duration) -> Result<Code> {
    let settings = super::settings(dirs)?;
    let store = open(dirs)?;
    let (scope, apps) = scope(&settings, &args.scope, dirs, &store)?;
    if !args.scope.offline {
        index_all(&settings, &apps, &store, dirs, git_timeout).await;
    }
    let events = store.export(&scope)?;
    match &args.file {
        None => std::io::stdout()
            .lock()
            .write_all(jsonl::write(&events).as_bytes())
            .context("writing to stdout")?,
        Some(file) => {
            files::write(file, &events)
                .with_context(|| format!("cannot write {}", file.display()))?;
        }
    }
    Ok(Code::DONE)
}

pub async fn import(args: ImportArgs, dirs: &Dirs) -> Result<Code> {
    let events = files::read(&args.file).map_err(|e| anyhow!("{e}"))?;
    let store = open(dirs)?;
    let counts = store.import(events, Origin::Import)?;
    println!(
        "imported {} deployments, {} commits and {} incidents into {}",
        counts.deployments,
        counts.commits,
        counts.incidents,
        store.path().display()
    );
    Ok(Code::DONE)
}
