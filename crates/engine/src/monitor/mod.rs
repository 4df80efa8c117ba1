//! The live view of every configured connection: a check loop per cluster, one Git poller per
//! repository and revision (shared by the applications on it), and a render of each
//! application whenever its source moves.
//!
//! Everything that happens becomes an [`Event`] on one channel. One fold task applies them in
//! order to the [`fold::State`] (a pure function), carries out the effects the fold asks for,
//! and publishes each new [`LiveState`] with a higher sequence number to every subscriber.
//!
//! Reconfiguring restarts only what changed: a cluster check when its entry changed, a poller
//! when its repository entry changed, a render when an application's own options changed.
//! Every background task is supervised ([`supervise`](crate::supervise)): a panic is logged, shown on the
//! affected cluster or application, and the task restarts.

mod drift;
mod drift_seen;
mod fold;
mod follower;
mod key;
mod render;

pub use drift::DRIFT_RECHECK;
pub use fold::{Effect, Event, Log, RenderOutcome, Scope, State};
pub use key::SourceKey;

use crate::clusters::{ClusterClients, ClusterTarget, KubeconfigSource, StoredCredential};
use crate::credentials::SecretStore;
use crate::drift_log::DriftLog;
use crate::git::{PollConfig, PollEvent, Poller};
use crate::live::{LiveState, Subscription};
use crate::settings::Settings;
use crate::settings::model::{Cluster, ClusterCredential};
use crate::sources;
use crate::supervise::supervise;
use shipdeck_ipc::connections::ClusterState;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// How often a cluster is checked, and how long one check may take.
pub const CLUSTER_CHECK_INTERVAL: Duration = Duration::from_secs(30);
pub const CLUSTER_CHECK_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the monitor keeps its files and what it renders with.
#[derive(Debug, Clone)]
pub struct MonitorConfig {
    /// One bare mirror per repository and revision lives under here.
    pub mirrors: PathBuf,
    /// Exports for rendering are made (and removed) under here.
    pub scratch: PathBuf,
    pub tools: crate::manifests::Tools,
    /// See [`DRIFT_RECHECK`].
    pub drift_recheck: Duration,
    /// The file drift events are kept in ([`DriftLog`]); `None` keeps them in memory only.
    pub drift_events: Option<PathBuf>,
}

pub struct Monitor {
    inner: Arc<Inner>,
    fold_task: JoinHandle<()>,
    forward_task: JoinHandle<()>,
}

pub(crate) struct Inner {
    runtime: Handle,
    events: mpsc::UnboundedSender<Event>,
    secrets: Arc<dyn SecretStore>,
    /// One long-lived client per cluster: exec plugins are not re-run on every check.
    clients: Arc<ClusterClients>,
    config: MonitorConfig,
    tasks: Mutex<Tasks>,
    /// The source each poller follows, so renders can read its mirror.
    sources: Mutex<HashMap<SourceKey, Watched>>,
    /// Poller watch ids to source keys. Each watch gets a new id, so events still queued from
    /// a replaced poller (old URL, old credentials) find no key and are dropped.
    watch_ids: Mutex<HashMap<String, SourceKey>>,
    live: watch::Sender<Arc<LiveState>>,
    drift_log: Arc<DriftLog>,
    /// Each cluster's live cache, held by the comparisons that read it ([`drift`]).
    caches: Mutex<HashMap<String, drift::CacheSlot>>,
}

#[derive(Clone)]
pub(crate) struct Watched {
    pub source: crate::git::Source,
    pub mirror: PathBuf,
}

struct Tasks {
    settings: Arc<Settings>,
    clusters: HashMap<String, JoinHandle<()>>,
    poller: Poller,
    generation: u64,
    /// One comparison loop per application (see [`drift`]).
    drift: HashMap<String, JoinHandle<()>>,
    /// Sources that could not be built, with the generation of that attempt and the task that
    /// tries again. A retry whose generation is no longer here was overtaken (the source was
    /// restarted or removed) and does nothing.
    retries: HashMap<SourceKey, (u64, JoinHandle<()>)>,
}

impl Monitor {
    /// Starts monitoring on `runtime`. Nothing is checked until [`Monitor::reconfigure`].
    pub fn start(runtime: Handle, secrets: Arc<dyn SecretStore>, config: MonitorConfig) -> Self {
        let (events, rx) = mpsc::unbounded_channel();
        let (poll_tx, poll_rx) = mpsc::channel(256);
        let (live, _) = watch::channel(Arc::new(LiveState::default()));
        let inner = Arc::new(Inner {
            runtime: runtime.clone(),
            events,
            secrets,
            clients: Arc::new(ClusterClients::new()),
            drift_log: Arc::new(DriftLog::open(config.drift_events.clone())),
            caches: Mutex::new(HashMap::new()),
            config,
            tasks: Mutex::new(Tasks {
                settings: Arc::new(Settings::default()),
                clusters: HashMap::new(),
                poller: Poller::with_runtime(runtime.clone(), poll_tx),
                generation: 0,
                drift: HashMap::new(),
                retries: HashMap::new(),
            }),
            sources: Mutex::new(HashMap::new()),
            watch_ids: Mutex::new(HashMap::new()),
            live,
        });
        let forward_task = runtime.spawn(forward_polls(inner.clone(), poll_rx));
        let fold_task = runtime.spawn(run_fold(inner.clone(), rx));
        Self {
            inner,
            fold_task,
            forward_task,
        }
    }

    /// The newest state now and every newer one from now on.
    pub fn subscribe(&self) -> Subscription {
        self.inner.live.subscribe()
    }

    /// The renderers the monitor uses, for renders outside it (a preview).
    pub fn tools(&self) -> &crate::manifests::Tools {
        &self.inner.config.tools
    }

    /// The monitor's long-lived client of `target` (exec plugins are not run again for it).
    pub async fn client(
        &self,
        target: &ClusterTarget,
    ) -> Result<kube::Client, crate::clusters::Error> {
        self.inner
            .clients
            .get(target, self.inner.secrets.as_ref())
            .await
    }

    /// Drift events: what live changes made applications drift ([`DriftLog`]).
    pub fn drift_log(&self) -> &Arc<DriftLog> {
        &self.inner.drift_log
    }

    /// The newest published state.
    pub fn current(&self) -> Arc<LiveState> {
        self.inner.live.borrow().clone()
    }

    /// The bare mirror application `app`'s revision is polled into, once its poller started.
    pub fn mirror_of(&self, app: &crate::settings::model::Application) -> Option<PathBuf> {
        lock(&self.inner.sources)
            .get(&SourceKey::of(app))
            .map(|w| w.mirror.clone())
    }

    /// Shows what auto-sync or self-heal did for `app`, or why it stopped.
    pub fn automation_note(&self, app: &str, note: Option<String>) {
        let _ = self.inner.events.send(Event::Automation {
            app: app.to_string(),
            note,
        });
    }

    /// Reports a problem with the settings file (or its end) on the overview.
    pub fn settings_problem(&self, problem: Option<String>) {
        let _ = self.inner.events.send(Event::SettingsProblem(problem));
    }

    /// Follows `settings` from now on, restarting only what changed.
    pub fn reconfigure(&self, settings: Arc<Settings>) {
        let mut tasks = lock(&self.inner.tasks);
        let old = std::mem::replace(&mut tasks.settings, settings.clone());
        let _ = self
            .inner
            .events
            .send(Event::Reconfigured(settings.clone()));

        tasks.clusters.retain(|id, task| {
            let keep = settings.cluster(id).is_some();
            if !keep {
                task.abort();
                self.inner.clients.invalidate(id);
            }
            keep
        });
        for cluster in &settings.clusters {
            if old.cluster(&cluster.id) != Some(cluster)
                || !tasks.clusters.contains_key(&cluster.id)
            {
                self.start_cluster(&mut tasks, cluster);
            }
        }

        tasks.drift.retain(|id, task| {
            let keep = settings.application(id).is_some();
            if !keep {
                task.abort();
            }
            keep
        });
        for app in &settings.applications {
            if !tasks.drift.contains_key(&app.id) {
                let task = drift::start(&self.inner, &app.id);
                tasks.drift.insert(app.id.clone(), task);
            }
        }

        let wanted: BTreeMap<SourceKey, ()> = settings
            .applications
            .iter()
            .map(|a| (SourceKey::of(a), ()))
            .collect();
        let had: BTreeMap<SourceKey, ()> = old
            .applications
            .iter()
            .map(|a| (SourceKey::of(a), ()))
            .collect();
        for key in had.keys().filter(|k| !wanted.contains_key(*k)) {
            self.inner.stop_source(&mut tasks, key);
        }
        for key in wanted.keys() {
            let repo_changed =
                old.repository(&key.repository) != settings.repository(&key.repository);
            if !had.contains_key(key) || repo_changed {
                self.inner.start_source(&mut tasks, key, 0);
            }
        }
    }

    /// Checks one cluster again from scratch (e.g. after its credential changed).
    pub fn restart_cluster(&self, id: &str) {
        let mut tasks = lock(&self.inner.tasks);
        if let Some(cluster) = tasks.settings.cluster(id).cloned() {
            self.start_cluster(&mut tasks, &cluster);
        }
    }

    /// Polls every source of one repository again from scratch (e.g. after its secret changed).
    pub fn restart_repository(&self, id: &str) {
        let mut tasks = lock(&self.inner.tasks);
        let keys: Vec<SourceKey> = tasks
            .settings
            .applications
            .iter()
            .filter(|a| a.repository == id)
            .map(SourceKey::of)
            .collect();
        for key in keys {
            self.inner.start_source(&mut tasks, &key, 0);
        }
    }

    fn start_cluster(&self, tasks: &mut Tasks, cluster: &Cluster) {
        if let Some(old) = tasks.clusters.remove(&cluster.id) {
            old.abort();
        }
        // Restarted because the entry or its credential changed: connect afresh.
        self.inner.clients.invalidate(&cluster.id);
        tasks.generation += 1;
        let generation = tasks.generation;
        let _ = self.inner.events.send(Event::ClusterStarted {
            id: cluster.id.clone(),
            generation,
        });
        let target = cluster_target(cluster);
        let inner = self.inner.clone();
        let (events, id) = (self.inner.events.clone(), cluster.id.clone());
        let task = supervise(
            &self.inner.runtime,
            format!("cluster check {}", cluster.id),
            move |message| {
                let _ = events.send(Event::Crashed {
                    scope: Scope::Cluster(id.clone()),
                    message: format!("Internal error: {message}."),
                });
            },
            move || check_cluster_forever(inner.clone(), target.clone(), generation),
        );
        tasks.clusters.insert(cluster.id.clone(), task);
    }
}

impl Inner {
    fn stop_source(&self, tasks: &mut Tasks, key: &SourceKey) {
        if let Some((_, retry)) = tasks.retries.remove(key) {
            retry.abort();
        }
        let mut ids = lock(&self.watch_ids);
        let old: Vec<String> = ids
            .iter()
            .filter(|(_, k)| *k == key)
            .map(|(id, _)| id.clone())
            .collect();
        for id in old {
            tasks.poller.unwatch(&id);
            ids.remove(&id);
        }
        lock(&self.sources).remove(key);
    }

    /// Starts polling `key` afresh. `failures` counts the attempts before this one that could
    /// not even build the source; each such attempt schedules the next with backoff.
    fn start_source(self: &Arc<Self>, tasks: &mut Tasks, key: &SourceKey, failures: u32) {
        self.stop_source(tasks, key);
        tasks.generation += 1;
        let generation = tasks.generation;
        let id = format!("{key}#{generation}");
        let Some(repo) = tasks.settings.repository(&key.repository).cloned() else {
            return;
        };
        let config =
            PollConfig::default().interval(Duration::from_secs(u64::from(repo.poll_interval_secs)));
        match sources::repository_source(&repo, &key.revision, self.secrets.as_ref()) {
            Ok(source) => {
                let mirror = self
                    .config
                    .mirrors
                    .join(&repo.id)
                    .join(key.dir_name(&repo.url));
                lock(&self.sources).insert(
                    key.clone(),
                    Watched {
                        source: source.clone(),
                        mirror: mirror.clone(),
                    },
                );
                lock(&self.watch_ids).insert(id.clone(), key.clone());
                tasks.poller.watch(id, source, mirror, config);
            }
            Err(e) => {
                let failures = failures + 1;
                let retry_in = config.retry_delay_before_git(failures, e.needs_user_fix());
                let _ = self.events.send(Event::SourceUnusable {
                    key: key.clone(),
                    message: e.to_string(),
                    retry_in,
                });
                // A keyring that was locked or not yet running may answer later; a secret
                // stored meanwhile (by another Shipdeck, or the command line) is found too.
                let (weak, key_again) = (Arc::downgrade(self), key.clone());
                let retry = self.runtime.spawn(async move {
                    tokio::time::sleep(retry_in).await;
                    let Some(inner) = weak.upgrade() else { return };
                    // Keyring reads can block for seconds: off the async workers.
                    let _ = tokio::task::spawn_blocking(move || {
                        let mut tasks = lock(&inner.tasks);
                        let current = tasks.retries.get(&key_again).map(|(g, _)| *g);
                        if current == Some(generation) {
                            inner.start_source(&mut tasks, &key_again, failures);
                        }
                    })
                    .await;
                });
                tasks.retries.insert(key.clone(), (generation, retry));
            }
        }
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        // Never wait here (this runs as the app exits): if a reconfigure holds the lock, its
        // tasks end with the runtime.
        let mut tasks = match self.inner.tasks.try_lock() {
            Ok(tasks) => tasks,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                self.fold_task.abort();
                self.forward_task.abort();
                return;
            }
        };
        tasks.clusters.drain().for_each(|(_, t)| t.abort());
        tasks.retries.drain().for_each(|(_, (_, t))| t.abort());
        tasks.drift.drain().for_each(|(_, t)| t.abort());
        let ids: Vec<String> = tasks.poller.watched().map(str::to_string).collect();
        for id in ids {
            tasks.poller.unwatch(&id);
        }
        self.fold_task.abort();
        self.forward_task.abort();
    }
}

pub fn cluster_target(entry: &Cluster) -> ClusterTarget {
    ClusterTarget {
        id: entry.id.clone(),
        context: entry.context.clone(),
        source: if entry.kubeconfig.is_empty() {
            KubeconfigSource::Default
        } else {
            KubeconfigSource::Files(entry.kubeconfig.iter().map(PathBuf::from).collect())
        },
        stored: entry.credential.map(|c| match c {
            ClusterCredential::Token => StoredCredential::Token,
            ClusterCredential::ClientKey => StoredCredential::ClientKey,
        }),
    }
}

async fn check_cluster_forever(inner: Arc<Inner>, target: ClusterTarget, generation: u64) {
    loop {
        let checked = inner
            .clients
            .probe(&target, inner.secrets.as_ref(), CLUSTER_CHECK_TIMEOUT)
            .await;
        let state = match checked {
            Ok(probe) => ClusterState::Connected(probe),
            Err(err) => ClusterState::Failed {
                failure: err.failure(),
                message: err.to_string(),
            },
        };
        let _ = inner.events.send(Event::ClusterChecked {
            id: target.id.clone(),
            generation,
            state,
        });
        tokio::time::sleep(CLUSTER_CHECK_INTERVAL).await;
    }
}

/// Turns the poller's events (named by string id) into fold events (named by source key).
async fn forward_polls(inner: Arc<Inner>, mut rx: mpsc::Receiver<PollEvent>) {
    while let Some(event) = rx.recv().await {
        let key = lock(&inner.watch_ids).get(event.repo()).cloned();
        let Some(key) = key else { continue };
        let _ = inner.events.send(match event {
            PollEvent::Crashed { message, .. } => Event::Crashed {
                scope: Scope::Source(key),
                message,
            },
            event => Event::Poll {
                key,
                event: Box::new(event),
            },
        });
    }
}

/// Applies events in order, carries out their effects and publishes each new state.
async fn run_fold(inner: Arc<Inner>, mut rx: mpsc::UnboundedReceiver<Event>) {
    let live = &inner.live;
    let mut state = State::default();
    state.remember(&inner.drift_log.recent(crate::drift_log::KEPT));
    let mut seq = 0u64;
    let mut published = state.overview(0);
    while let Some(event) = rx.recv().await {
        for effect in state.apply(event) {
            match effect {
                Effect::Log(Log::Info(line)) => tracing::info!("{line}"),
                Effect::Log(Log::Warn(line)) => tracing::warn!("{line}"),
                Effect::Render {
                    app,
                    ticket,
                    snapshot,
                } => render::spawn(&inner, &state.settings, app, ticket, *snapshot),
                Effect::DriftDetected(event) => {
                    // Debug-quoted: manager names are whatever a client sent.
                    tracing::info!(headline = ?event.headline(), "drift");
                    inner.drift_log.record(event);
                }
            }
        }
        let overview = state.overview(seq + 1);
        // Pointer comparisons: renders are immutable once made, and comparing their objects
        // on every event would cost a deep walk of every rendered manifest.
        let rendered_changed = {
            let current = live.borrow();
            !same_pointers(&current.rendered, &state.rendered)
                || !same_pointers(&current.drift, &state.drift)
                || !Arc::ptr_eq(&current.settings, &state.settings)
        };
        let mut comparable = published.clone();
        comparable.seq = overview.seq;
        if comparable != overview || rendered_changed {
            seq += 1;
            published = overview.clone();
            live.send_replace(Arc::new(LiveState {
                overview,
                settings: state.settings.clone(),
                rendered: state.rendered.clone(),
                drift: state.drift.clone(),
            }));
        }
    }
}

/// Whether both maps hold the same keys with the very same values.
fn same_pointers<T>(a: &BTreeMap<String, Arc<T>>, b: &BTreeMap<String, Arc<T>>) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((ka, va), (kb, vb))| ka == kb && Arc::ptr_eq(va, vb))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Every critical section swaps whole values, so data behind a poisoned lock is consistent.
    m.lock().unwrap_or_else(|p| p.into_inner())
}
