//! The history index for the window: opened with the engine, brought up to date from every
//! application's deployment records (soon after start, then every [`INDEX_EVERY`], and after
//! each deployment this window makes), read for the DORA metrics, and imported into and
//! exported from history files. The rules are [`crate::history`]'s and [`crate::dora`]'s,
//! shared with the command line.

use super::Engine;
use super::error::{Error, Result};
use crate::charts::ChartKind;
use crate::history::{Origin, Store, files, index, replicasets, scope};
use jiff::Timestamp;
use shipdeck_ipc::deploy::Deployment;
use shipdeck_ipc::dora::{BehindArgs, ChartExportArgs, ChartSvg, Counted, DoraQuery, DoraView};
use shipdeck_ipc::history::{HistoryCounts, HistoryFileArgs};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::task::JoinHandle;

/// How often every application's records are indexed again (another desk deploys too).
const INDEX_EVERY: Duration = Duration::from_secs(300);
/// The first indexing waits for the first comparisons, which name each application's
/// Deployments (their ReplicaSets are history from before Shipdeck).
const FIRST_INDEX_AFTER: Duration = Duration::from_secs(15);

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
    use tokio::sync::broadcast::error::RecvError;
    runtime.spawn(async move {
        // Drift goes into the history as it is seen; each round also stores what the drift
        // log holds, in case some was missed (a lagging receiver, a start).
        let (mut drifts, mut live) = match engine.upgrade() {
            Some(e) => (Some(e.monitor.drift_log().subscribe()), Some(e.subscribe())),
            None => return,
        };
        // Applications last seen OutOfSync; one seen in sync after that (or for the first
        // time) resolves its open drift.
        let mut drifting = Drifting::default();
        let mut next_round = tokio::time::Instant::now() + FIRST_INDEX_AFTER;
        loop {
            let seen = async {
                match drifts.as_mut() {
                    Some(rx) => rx.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = tokio::time::sleep_until(next_round) => {
                    let Some(engine) = engine.upgrade() else { return };
                    let recent = engine.monitor.drift_log().recent(crate::drift_log::KEPT);
                    engine.record_drifts(recent).await;
                    engine.index_history_all().await;
                    next_round = tokio::time::Instant::now() + INDEX_EVERY;
                }
                event = seen => match event {
                    Ok(event) => {
                        let Some(engine) = engine.upgrade() else { return };
                        engine.record_drifts(vec![event]).await;
                    }
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => drifts = None,
                },
                changed = async {
                    match live.as_mut() {
                        Some(rx) => rx.changed().await,
                        None => std::future::pending().await,
                    }
                } => {
                    let (Ok(()), Some(rx)) = (changed, live.as_mut()) else {
                        live = None;
                        continue;
                    };
                    let state = rx.borrow_and_update().clone();
                    let Some(engine) = engine.upgrade() else { return };
                    for (app, cluster) in drifting.back_in_sync(&state) {
                        engine.resolve_drifts(app, cluster).await;
                    }
                }
            }
        }
    })
}

/// Which applications are drifting, as the live states say, to tell when each is back in
/// sync.
#[derive(Default)]
struct Drifting {
    seen: std::collections::HashMap<String, bool>,
}

impl Drifting {
    /// The applications (with their cluster) that `state` shows in sync, having been OutOfSync
    /// or not seen before.
    fn back_in_sync(&mut self, state: &crate::live::LiveState) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (app, report) in &state.drift {
            let synced = report.status() == shipdeck_ipc::SyncStatus::Synced;
            let was = self.seen.insert(app.clone(), !synced);
            if synced
                && was != Some(false)
                && let Some(configured) = state.settings.application(app)
            {
                out.push((app.clone(), configured.cluster.clone()));
            }
        }
        out
    }
}

impl Engine {
    /// Marks the open drift of `app` on `cluster` resolved now; a failure is logged.
    async fn resolve_drifts(&self, app: String, cluster: String) {
        let Ok(store) = self.history_store() else {
            return;
        };
        let now = Timestamp::now();
        let resolved =
            tokio::task::spawn_blocking(move || store.resolve_drifts(&app, &cluster, now)).await;
        if let Ok(Err(e)) = resolved {
            tracing::warn!("drift not marked resolved in the history: {e}");
        }
    }

    pub(super) fn history_store(&self) -> Result<Arc<Store>> {
        self.history.clone().map_err(|e| {
            Error::Io(format!(
                "the history database cannot be used ({e}); check that {} is writable",
                self.dirs.data.display()
            ))
        })
    }

    /// Stores a deployment this window just made in the history at once (the next indexing
    /// round would find it too), off the async runtime, and hands it back.
    pub(super) fn remember(&self, deployment: Deployment) -> Deployment {
        let Ok(store) = self.history_store() else {
            return deployment;
        };
        let settings = self.settings.get();
        let Some(app) = settings.application(&deployment.app) else {
            return deployment;
        };
        let mirrors: Vec<_> = self.monitor.mirror_of(app).into_iter().collect();
        let (record, cluster) = (deployment.clone(), app.cluster.clone());
        tokio::task::spawn_blocking(move || {
            let mirrors = index::Mirrors::open(&mirrors);
            let events = index::events_of(
                std::slice::from_ref(&record),
                &record.app,
                &cluster,
                &mirrors,
            );
            if let Err(e) = store.import(events, Origin::Cluster) {
                tracing::warn!(id = %record.id, "deployment not added to the history: {e}");
            }
        });
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
            match tokio::time::timeout(index::TIMEOUT, self.index_history(&id)).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(app = %id, "history not indexed: {e}"),
                Err(_) => {
                    tracing::warn!(app = %id, "history not indexed within {:?}", index::TIMEOUT)
                }
            }
        }
    }

    /// Indexes application `id`'s deployment records (and what its cluster remembers from
    /// before them) into the history store.
    pub async fn index_history(&self, id: &str) -> Result<HistoryCounts> {
        let store = self.history_store()?;
        let _marks_wait = self.index_lock.lock().await;
        let target = self.target(id).await?;
        let workloads = self
            .drift(id)
            .map(|report| replicasets::workloads(&report))
            .unwrap_or_default();
        index::application(
            &target.context(),
            store,
            &self.dirs.mirror_roots(),
            &workloads,
        )
        .await
        .map_err(|e| Error::Io(e.to_string()))
    }

    /// The DORA metrics `query` asks for, with bands and the previous period, from what is
    /// indexed (the periodic indexing keeps it current).
    pub async fn dora(&self, query: DoraQuery) -> Result<DoraView> {
        let store = self.history_store()?;
        let (since, until) = period_of(&query)?;
        let settings = self.settings.get();
        let notice = self.history_notice.clone();
        blocking(move || {
            let scope = scope_of(&settings, &query.app, &query.team, &query.cluster, &store)?;
            let mut view = crate::dora::measure(&store, &scope, since, until)
                .map_err(|e| Error::Io(e.to_string()))?;
            view.notice = notice;
            Ok(view)
        })
        .await
    }

    /// The deployments behind one metric of what `args.query` measures.
    pub async fn dora_behind(&self, args: BehindArgs) -> Result<Vec<Counted>> {
        let store = self.history_store()?;
        let (since, until) = period_of(&args.query)?;
        let settings = self.settings.get();
        blocking(move || {
            let scope = scope_of(
                &settings,
                &args.query.app,
                &args.query.team,
                &args.query.cluster,
                &store,
            )?;
            crate::dora::behind_in(&store, &scope, &args.metric, since, until)
                .map_err(|e| Error::Io(e.to_string()))?
                .ok_or_else(|| Error::Invalid(format!("there is no metric '{}'", args.metric)))
        })
        .await
    }

    /// The five charts of what `query` measures, as SVG for the window.
    pub async fn dora_charts(&self, query: DoraQuery) -> Result<Vec<ChartSvg>> {
        let (w, h) = shipdeck_ipc::dora::CHART_SIZE;
        let charts = self.charts_of(query).await?;
        Ok(charts
            .iter()
            .map(|c| ChartSvg {
                id: c.kind.id().to_string(),
                title: c.title.clone(),
                svg: crate::charts::svg(c, w, h),
            })
            .collect())
    }

    /// Writes one chart of what `args.query` measures as PNG (1× or 2×), SVG or CSV.
    pub async fn dora_chart_export(&self, args: ChartExportArgs) -> Result<u64> {
        let kind = ChartKind::from_id(&args.chart).ok_or_else(|| {
            Error::Invalid(format!(
                "there is no chart '{}'; there are {}",
                args.chart,
                ChartKind::ALL.map(|k| k.id()).join(", ")
            ))
        })?;
        let path = absolute(&args.path)?;
        if path.exists() && !args.replace {
            return Err(Error::Refused(format!(
                "{} exists; choose another file, or confirm replacing it",
                path.display()
            )));
        }
        let charts = self.charts_of(args.query).await?;
        let chart = charts
            .into_iter()
            .find(|c| c.kind == kind)
            .ok_or_else(|| Error::NotFound(format!("no chart '{}'", args.chart)))?;
        blocking(move || {
            let bytes = crate::charts::export(&chart, args.format);
            crate::atomic_file::replace(&path, &bytes)
                .map_err(|e| Error::Io(format!("cannot write {}: {e}", path.display())))?;
            Ok(bytes.len() as u64)
        })
        .await
    }

    async fn charts_of(&self, query: DoraQuery) -> Result<Vec<crate::charts::ChartData>> {
        let store = self.history_store()?;
        let (since, until) = period_of(&query)?;
        let settings = self.settings.get();
        blocking(move || {
            let scope = scope_of(&settings, &query.app, &query.team, &query.cluster, &store)?;
            crate::charts::of_history(&store, &scope, since, until)
                .map_err(|e| Error::Io(e.to_string()))
        })
        .await
    }

    /// Imports a history file: checked whole first, refused with the line number of its first
    /// bad line, then stored in one transaction (all of it or nothing).
    pub async fn history_import(&self, args: HistoryFileArgs) -> Result<HistoryCounts> {
        let store = self.history_store()?;
        let path = absolute(&args.path)?;
        blocking(move || {
            let events = files::read(&path).map_err(Error::Invalid)?;
            store
                .import(events, Origin::Import)
                .map_err(|e| Error::Io(e.to_string()))
        })
        .await
    }

    /// Writes the history of the scope `args` names to `args.path`, replacing the file only
    /// once the whole of it is written, and an existing file only when `args.replace` says so.
    pub async fn history_export(&self, args: HistoryFileArgs) -> Result<HistoryCounts> {
        let store = self.history_store()?;
        let path = absolute(&args.path)?;
        if path.exists() && !args.replace {
            return Err(Error::Refused(format!(
                "{} exists; choose another file, or confirm replacing it",
                path.display()
            )));
        }
        let settings = self.settings.get();
        blocking(move || {
            let scope = scope_of(&settings, &args.app, &args.team, &None, &store)?;
            let events = store.export(&scope).map_err(|e| Error::Io(e.to_string()))?;
            files::write(&path, &events)
                .map_err(|e| Error::Io(format!("cannot write {}: {e}", path.display())))
        })
        .await
    }
}

/// The scope an application or team (or neither) names, on a cluster or all.
pub(super) fn scope_of(
    settings: &crate::settings::Settings,
    app: &Option<String>,
    team: &Option<String>,
    cluster: &Option<String>,
    store: &Store,
) -> Result<crate::history::Scope> {
    scope::resolve(
        settings,
        app.as_deref(),
        team.as_deref(),
        cluster.as_deref(),
        store,
    )
    .map(|(scope, _)| scope)
    .map_err(Error::Invalid)
}

/// The period `query` names, checked.
fn period_of(query: &DoraQuery) -> Result<(Timestamp, Timestamp)> {
    period(&query.since, &query.until)
}

/// The period between two RFC 3339 times, checked.
pub(super) fn period(since: &str, until: &str) -> Result<(Timestamp, Timestamp)> {
    crate::dora::period_between(since, until).map_err(Error::Invalid)
}

/// A path the window was given: only an absolute one (the app's working directory means
/// nothing to its user).
fn absolute(path: &str) -> Result<std::path::PathBuf> {
    let path = std::path::PathBuf::from(path.trim());
    if path.is_absolute() {
        Ok(path)
    } else {
        Err(Error::Invalid(format!(
            "{path:?} is not a full path; give one that starts with /"
        )))
    }
}

/// Runs SQLite and file work off the async runtime.
pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Io(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::LiveState;
    use shipdeck_ipc::SyncStatus;
    use shipdeck_ipc::drift::{DriftReport, ResourceDrift};

    fn state(web: SyncStatus) -> LiveState {
        let settings = toml::from_str::<crate::settings::Settings>(
            "[[applications]]\nid = \"web\"\nrepository = \"r\"\npath = \"web\"\n\
             cluster = \"prod\"\nnamespace = \"shop\"\n\n[applications.revision]\n\
             kind = \"branch\"\nname = \"main\"\n",
        )
        .unwrap();
        let resource: ResourceDrift = serde_json::from_value(serde_json::json!({
            "group": "apps", "version": "v1", "kind": "Deployment", "namespace": "shop",
            "name": "web", "status": web, "reason": null, "changes": [], "message": null
        }))
        .unwrap();
        LiveState {
            overview: Default::default(),
            settings: Arc::new(settings),
            rendered: Default::default(),
            drift: [(
                "web".to_string(),
                Arc::new(DriftReport::new(vec![resource])),
            )]
            .into(),
        }
    }

    #[test]
    fn an_application_back_in_sync_resolves_its_drift_once() {
        let mut drifting = Drifting::default();
        // Seen in sync for the first time: whatever was open before the window started.
        let first = drifting.back_in_sync(&state(SyncStatus::Synced));
        assert_eq!(first, [("web".to_string(), "prod".to_string())]);
        assert!(drifting.back_in_sync(&state(SyncStatus::Synced)).is_empty());
        assert!(
            drifting
                .back_in_sync(&state(SyncStatus::OutOfSync))
                .is_empty()
        );
        assert!(
            drifting
                .back_in_sync(&state(SyncStatus::OutOfSync))
                .is_empty()
        );
        assert_eq!(drifting.back_in_sync(&state(SyncStatus::Synced)).len(), 1);
    }
}
