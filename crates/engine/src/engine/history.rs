//! The history index for the window: opened with the engine, brought up to date from every
//! application's deployment records (soon after start, then every [`INDEX_EVERY`], and after
//! each deployment this window makes), read for the DORA metrics, and imported into and
//! exported from history files. The rules are [`crate::history`]'s and [`crate::dora`]'s,
//! shared with the command line.

use super::Engine;
use super::error::{Error, Result};
use crate::history::{Imported, Origin, Store, index, jsonl, replicasets, scope};
use jiff::Timestamp;
use shipdeck_ipc::deploy::Deployment;
use shipdeck_ipc::dora::{DoraQuery, DoraView};
use shipdeck_ipc::history::{HistoryCounts, HistoryEvent, HistoryFileArgs};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::task::JoinHandle;

/// How often every application's records are indexed again (another desk deploys too).
const INDEX_EVERY: Duration = Duration::from_secs(300);
/// The first indexing waits for the first comparisons, which name each application's
/// Deployments (their ReplicaSets are history from before Shipdeck).
const FIRST_INDEX_AFTER: Duration = Duration::from_secs(15);
/// The most one application's indexing may take before it is left for the next round.
const INDEX_TIMEOUT: Duration = Duration::from_secs(60);

/// The store, or why there is none (it could not be opened, even new).
pub(super) type History = std::result::Result<Arc<Store>, String>;

pub(super) fn open(dirs: &super::Dirs) -> (History, Option<String>) {
    match Store::open(&dirs.history()) {
        Ok(opened) => (Ok(Arc::new(opened.store)), opened.notice),
        Err(e) => {
            tracing::error!("history unavailable: {e}");
            (Err(e.to_string()), None)
        }
    }
}

pub(super) fn spawn(runtime: &tokio::runtime::Handle, engine: Weak<Engine>) -> JoinHandle<()> {
    runtime.spawn(async move {
        tokio::time::sleep(FIRST_INDEX_AFTER).await;
        loop {
            let Some(engine) = engine.upgrade() else {
                return;
            };
            engine.index_history_all().await;
            drop(engine);
            tokio::time::sleep(INDEX_EVERY).await;
        }
    })
}

fn counts(i: Imported) -> HistoryCounts {
    HistoryCounts {
        commits: i.commits,
        deployments: i.deployments,
        incidents: i.incidents,
    }
}

impl Engine {
    fn history_store(&self) -> Result<Arc<Store>> {
        self.history.clone().map_err(|e| {
            Error::Io(format!(
                "the history database cannot be used ({e}); check that {} is writable",
                self.dirs.data.display()
            ))
        })
    }

    /// Stores a deployment this window just made in the history at once (the next indexing
    /// round would find it too), and hands it back.
    pub(super) fn remember(&self, deployment: Deployment) -> Deployment {
        let Ok(store) = self.history_store() else {
            return deployment;
        };
        let mirror = self
            .settings
            .get()
            .application(&deployment.app)
            .and_then(|app| self.monitor.mirror_of(app));
        let events = index::events_of(std::slice::from_ref(&deployment), &|sha| {
            crate::git::commit_facts(mirror.as_deref()?, sha)
        });
        if let Err(e) = store.import(events, Origin::Cluster) {
            tracing::warn!(id = %deployment.id, "deployment not added to the history: {e}");
        }
        deployment
    }

    /// Indexes every configured application, one after the other; a failure is logged and
    /// the application is tried again next round.
    pub async fn index_history_all(&self) {
        let ids: Vec<String> = self
            .settings
            .get()
            .applications
            .iter()
            .map(|a| a.id.clone())
            .collect();
        for id in ids {
            match tokio::time::timeout(INDEX_TIMEOUT, self.index_history(&id)).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(app = %id, "history not indexed: {e}"),
                Err(_) => tracing::warn!(app = %id, "history not indexed within {INDEX_TIMEOUT:?}"),
            }
        }
    }

    /// Indexes application `id`'s deployment records (and what its cluster remembers from
    /// before them) into the history store.
    pub async fn index_history(&self, id: &str) -> Result<HistoryCounts> {
        let store = self.history_store()?;
        let target = self.target(id).await?;
        let workloads = self
            .drift(id)
            .map(|report| replicasets::workloads(&report))
            .unwrap_or_default();
        let imported = index::application(
            &target.context(),
            &store,
            &[self.dirs.mirrors()],
            &workloads,
        )
        .await
        .map_err(|e| Error::Io(e.to_string()))?;
        Ok(counts(imported))
    }

    /// The DORA metrics `query` asks for, with bands and the previous period, from what is
    /// indexed (the periodic indexing keeps it current).
    pub async fn dora(&self, query: DoraQuery) -> Result<DoraView> {
        let store = self.history_store()?;
        let bound = |name: &str, text: &str| {
            text.parse::<Timestamp>().map_err(|e| {
                Error::Invalid(format!("`{name}` is not an RFC 3339 time ({text:?}): {e}"))
            })
        };
        let (since, until) = (bound("since", &query.since)?, bound("until", &query.until)?);
        if since >= until {
            return Err(Error::Invalid(format!(
                "the period starts ({since}) after it ends ({until})"
            )));
        }
        let settings = self.settings.get();
        let (scope, _) = scope::resolve(
            &settings,
            query.app.as_deref(),
            query.team.as_deref(),
            &store,
        )
        .map_err(Error::Invalid)?;
        let mut view =
            tokio::task::spawn_blocking(move || crate::dora::measure(&store, &scope, since, until))
                .await
                .map_err(|e| Error::Io(e.to_string()))?
                .map_err(|e| Error::Io(e.to_string()))?;
        view.notice = self.history_notice.clone();
        Ok(view)
    }

    /// Imports a history file: checked whole first, refused with the line number of its first
    /// bad line, then stored in one transaction (all of it or nothing).
    pub async fn history_import(&self, args: HistoryFileArgs) -> Result<HistoryCounts> {
        let store = self.history_store()?;
        tokio::task::spawn_blocking(move || {
            let path = std::path::Path::new(&args.path);
            let size = std::fs::metadata(path)
                .map_err(|e| Error::Io(format!("cannot read {}: {e}", args.path)))?
                .len();
            if size > jsonl::MAX_BYTES as u64 {
                return Err(Error::Invalid(format!(
                    "{} is larger than {} bytes; split it and import the parts",
                    args.path,
                    jsonl::MAX_BYTES
                )));
            }
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::Invalid(format!("cannot read {}: {e}", args.path)))?;
            let events = jsonl::parse(&text).map_err(|r| {
                Error::Invalid(format!(
                    "{}: {r}; nothing was imported. Fix that line and import the file again",
                    args.path
                ))
            })?;
            store
                .import(events, Origin::Import)
                .map(counts)
                .map_err(|e| Error::Io(e.to_string()))
        })
        .await
        .map_err(|e| Error::Io(e.to_string()))?
    }

    /// Writes the history of the scope `args` names to `args.path`, replacing the file only
    /// once the whole of it is written.
    pub async fn history_export(&self, args: HistoryFileArgs) -> Result<HistoryCounts> {
        let store = self.history_store()?;
        let settings = self.settings.get();
        let (scope, _) =
            scope::resolve(&settings, args.app.as_deref(), args.team.as_deref(), &store)
                .map_err(Error::Invalid)?;
        tokio::task::spawn_blocking(move || {
            let events = store.export(&scope).map_err(|e| Error::Io(e.to_string()))?;
            let mut written = HistoryCounts::default();
            for e in &events {
                match e {
                    HistoryEvent::Commit { .. } => written.commits += 1,
                    HistoryEvent::Deployment { .. } => written.deployments += 1,
                    HistoryEvent::Incident { .. } => written.incidents += 1,
                    HistoryEvent::Header { .. } => {}
                }
            }
            crate::atomic_file::replace(
                std::path::Path::new(&args.path),
                jsonl::write(&events).as_bytes(),
            )
            .map_err(|e| Error::Io(format!("cannot write {}: {e}", args.path)))?;
            Ok(written)
        })
        .await
        .map_err(|e| Error::Io(e.to_string()))?
    }
}
