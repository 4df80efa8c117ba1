//! `shipdeck history export|import`, and what `dora` shares with them: the history store in
//! the data directory, brought up to date from the clusters' deployment records before it is
//! read, so that the numbers are the team's and not only this desk's.

use super::application::{connect, find};
use crate::args::{ExportArgs, ImportArgs, ScopeArgs};
use crate::exit::Code;
use anyhow::{Context, Result, anyhow, bail};
use shipdeck_engine::Dirs;
use shipdeck_engine::deployments::Context as Deploying;
use shipdeck_engine::history::{Origin, Scope, Store, index, jsonl};
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

/// What `args` asks about, and the configured applications it covers (to index). An
/// application that is not configured may still have imported history in `store`.
pub fn scope<'s>(
    settings: &'s Settings,
    args: &ScopeArgs,
    dirs: &Dirs,
    store: &Store,
) -> Result<(Scope, Vec<&'s Application>)> {
    if let Some(id) = &args.app {
        let configured = match settings.application(id) {
            Some(app) => vec![app],
            None if store.apps()?.contains(id) => Vec::new(),
            None => return Err(find(settings, id, dirs).unwrap_err()),
        };
        return Ok((
            Scope {
                apps: Some(vec![id.clone()]),
                cluster: None,
            },
            configured,
        ));
    }
    if let Some(team) = &args.team {
        let found = settings
            .teams
            .iter()
            .find(|t| &t.id == team)
            .ok_or_else(|| {
                let ids: Vec<&str> = settings.teams.iter().map(|t| t.id.as_str()).collect();
                anyhow!(
                    "there is no team '{team}' in {}; configured: {} (a team is a [[teams]] \
                 entry with an id and its applications)",
                    dirs.settings_file().display(),
                    if ids.is_empty() {
                        "none".into()
                    } else {
                        ids.join(", ")
                    }
                )
            })?;
        let apps = found
            .applications
            .iter()
            .filter_map(|a| settings.application(a))
            .collect();
        return Ok((
            Scope {
                apps: Some(found.applications.clone()),
                cluster: None,
            },
            apps,
        ));
    }
    Ok((Scope::default(), settings.applications.iter().collect()))
}

/// Indexes each application's deployment records; a cluster that cannot be read is reported
/// on stderr and what is stored is used.
pub async fn index_all(settings: &Settings, apps: &[&Application], store: &Store, dirs: &Dirs) {
    let mirror_roots = [dirs.mirrors(), dirs.mirrors().join("cli")];
    let local = dirs.deployments();
    for app in apps {
        let indexed = tokio::time::timeout(INDEX_TIMEOUT, async {
            let (cluster, client) = connect(settings, app).await?;
            let cx = Deploying {
                settings,
                app,
                cluster,
                client: &client,
                local_root: &local,
            };
            index::application(&cx, store, &mirror_roots)
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

pub async fn export(args: ExportArgs, dirs: &Dirs) -> Result<Code> {
    let settings = super::settings(dirs)?;
    let store = open(dirs)?;
    let (scope, apps) = scope(&settings, &args.scope, dirs, &store)?;
    if !args.scope.offline {
        index_all(&settings, &apps, &store, dirs).await;
    }
    let text = jsonl::write(&store.export(&scope)?);
    match &args.file {
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .context("writing to stdout")?,
        Some(file) => {
            let dir = file
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let mut temp = tempfile::NamedTempFile::new_in(dir)
                .with_context(|| format!("cannot write in {}", dir.display()))?;
            temp.write_all(text.as_bytes())?;
            temp.as_file().sync_all()?;
            temp.persist(file)
                .with_context(|| format!("cannot write {}", file.display()))?;
        }
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
