//! `shipdeck history export|import`, and what `dora` shares with them: the history store in
//! the data directory, brought up to date from the clusters' deployment records before it is
//! read, so that the numbers are the team's and not only this desk's.

use super::application::{compare_on, connect};
use crate::args::{ExportArgs, ImportArgs, ScopeArgs};
use crate::exit::Code;
use anyhow::{Context, Result, anyhow, bail};
use shipdeck_engine::Dirs;
use shipdeck_engine::deployments::Context as Deploying;
use shipdeck_engine::history::{self, Origin, Scope, Store, index, jsonl, replicasets};
use shipdeck_engine::settings::Settings;
use shipdeck_engine::settings::model::Application;
use std::io::{Read, Write};
use std::time::Duration;

/// The most one application's records may take to read before its cluster is skipped.
const INDEX_TIMEOUT: Duration = Duration::from_secs(30);

/// The store, after telling the user if the one found had to be set aside.
pub fn open(dirs: &Dirs) -> Result<Store> {
    let opened = Store::open(&dirs.history())?;
    if let Some(notice) = opened.notice {
        eprintln!("shipdeck: {notice}");
    }
    Ok(opened.store)
}

/// What `args` asks about, and the configured applications it covers (to index).
pub fn scope<'s>(
    settings: &'s Settings,
    args: &ScopeArgs,
    dirs: &Dirs,
    store: &Store,
) -> Result<(Scope, Vec<&'s Application>)> {
    history::scope::resolve(settings, args.app.as_deref(), args.team.as_deref(), store)
        .map_err(|e| anyhow!("{e} ({})", dirs.settings_file().display()))
}

/// Indexes each application's deployment records, and the rollouts its cluster remembers from
/// before them (its Deployments are found by rendering it, as `diff` does; when Git cannot be
/// read, only the records are indexed). A cluster that cannot be read is reported on stderr
/// and what is stored is used.
pub async fn index_all(
    settings: &Settings,
    apps: &[&Application],
    store: &Store,
    dirs: &Dirs,
    git_timeout: Duration,
) {
    let mirror_roots = [dirs.mirrors(), dirs.mirrors().join("cli")];
    let local = dirs.deployments();
    for app in apps {
        let indexed = tokio::time::timeout(INDEX_TIMEOUT + git_timeout, async {
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
            index::application(&cx, store, &mirror_roots, &workloads)
                .await
                .map_err(anyhow::Error::from)
        })
        .await
        .unwrap_or_else(|_| Err(anyhow!("no answer within {}s", INDEX_TIMEOUT.as_secs())));
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
    let text = jsonl::write(&store.export(&scope)?);
    match &args.file {
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .context("writing to stdout")?,
        Some(file) => shipdeck_engine::atomic_file::replace(file, text.as_bytes())
            .with_context(|| format!("cannot write {}", file.display()))?,
    }
    Ok(Code::SYNCED)
}

pub async fn import(args: ImportArgs, dirs: &Dirs) -> Result<Code> {
    let name = args.file.display().to_string();
    let mut bytes = Vec::new();
    let limit = jsonl::MAX_BYTES as u64 + 1;
    if name == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(&args.file)
            .with_context(|| format!("cannot read {name}"))?
            .take(limit)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {name}"))?;
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| anyhow!("{name}: not UTF-8 text ({e}); nothing was imported"))?;
    let events = match jsonl::parse(&text) {
        Ok(events) => events,
        Err(refused) => bail!(
            "{name}: {refused}; nothing was imported. Fix that line (the format is in the \
             README, History file) and import the file again"
        ),
    };
    let store = open(dirs)?;
    let counts = store.import(events, Origin::Import)?;
    println!(
        "imported {} commits, {} deployments and {} incidents into {}",
        counts.commits,
        counts.deployments,
        counts.incidents,
        store.path().display()
    );
    Ok(Code::SYNCED)
}
