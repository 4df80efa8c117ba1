//! The live view of every configured connection: a check loop per cluster and a poller per
//! application, folded into one [`ConnectionsOverview`] that is handed to a callback whenever
//! it changes. The desktop shell turns that callback into a UI event; tests read it directly.

use crate::clusters;
use crate::connections::{cluster_target, git_source};
use crate::connections::{progress_for_ui, render_snapshot};
use crate::credentials::SecretStore;
use crate::git::{PollConfig, PollEvent, Poller, Source};
use shipdeck_ipc::config::Settings;
use shipdeck_ipc::connections::{
    ApplicationStatus, ClusterState, ClusterStatus, ConnectionsOverview, RevisionState,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How often a cluster is checked, and how long one check may take.
pub const CLUSTER_CHECK_INTERVAL: Duration = Duration::from_secs(30);
pub const CLUSTER_CHECK_TIMEOUT: Duration = Duration::from_secs(10);

type Notify = Arc<dyn Fn(ConnectionsOverview) + Send + Sync>;

pub struct Monitor {
    shared: Arc<Shared>,
    poller: Mutex<Poller>,
    cluster_tasks: Mutex<Vec<JoinHandle<()>>>,
    event_task: JoinHandle<()>,
    runtime: Handle,
}

/// What the monitor needs to render an application when its revision moves.
#[derive(Clone)]
struct Watched {
    source: Source,
    mirror: PathBuf,
    namespace: String,
}

struct Shared {
    state: Mutex<ConnectionsOverview>,
    watched: Mutex<HashMap<String, Watched>>,
    secrets: Arc<dyn SecretStore>,
    mirrors: PathBuf,
    notify: Notify,
}

impl Shared {
    fn update(&self, change: impl FnOnce(&mut ConnectionsOverview)) {
        let snapshot = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let before = state.clone();
            change(&mut state);
            (*state != before).then(|| state.clone())
        };
        if let Some(overview) = snapshot {
            (self.notify)(overview);
        }
    }
}

impl Monitor {
    /// Starts monitoring on `runtime`; `mirrors` is where repository caches live.
    pub fn start(
        runtime: Handle,
        secrets: Arc<dyn SecretStore>,
        mirrors: PathBuf,
        notify: impl Fn(ConnectionsOverview) + Send + Sync + 'static,
    ) -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::new(ConnectionsOverview::default()),
            watched: Mutex::new(HashMap::new()),
            secrets,
            mirrors,
            notify: Arc::new(notify),
        });
        let (tx, rx) = mpsc::channel(64);
        let event_task = runtime.spawn(fold_poll_events(shared.clone(), rx));
        Self {
            poller: Mutex::new(Poller::with_runtime(runtime.clone(), tx)),
            shared,
            cluster_tasks: Mutex::new(Vec::new()),
            event_task,
            runtime,
        }
    }

    pub fn overview(&self) -> ConnectionsOverview {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Follows `settings` from now on: restarts every check and poll. Cheap enough to call
    /// after each settings change; states of unchanged entries are kept until re-checked.
    pub fn reconfigure(&self, settings: &Settings) {
        let mut tasks = self.cluster_tasks.lock().unwrap_or_else(|p| p.into_inner());
        tasks.drain(..).for_each(|t| t.abort());
        let mut poller = self.poller.lock().unwrap_or_else(|p| p.into_inner());
        let watched: Vec<String> = poller.watched().map(str::to_string).collect();
        for id in watched {
            poller.unwatch(&id);
        }

        self.shared.update(|state| {
            let old = std::mem::take(state);
            state.clusters = settings
                .clusters
                .iter()
                .map(|c| {
                    let previous = old
                        .clusters
                        .iter()
                        .find(|o| o.id == c.id && o.context == c.context);
                    ClusterStatus {
                        id: c.id.clone(),
                        context: c.context.clone(),
                        state: previous.map_or(ClusterState::Checking, |p| p.state.clone()),
                    }
                })
                .collect();
            state.applications = settings
                .applications
                .iter()
                .map(|a| {
                    let previous = old.applications.iter().find(|o| &o.app == a);
                    ApplicationStatus {
                        app: a.clone(),
                        revision: previous
                            .map_or(RevisionState::Fetching(None), |p| p.revision.clone()),
                        render: previous.and_then(|p| p.render.clone()),
                    }
                })
                .collect();
        });

        for cluster in &settings.clusters {
            tasks.push(self.runtime.spawn(check_cluster_forever(
                self.shared.clone(),
                cluster_target(cluster),
            )));
        }
        let mut watched = self
            .shared
            .watched
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        watched.clear();
        for app in &settings.applications {
            let Some(repo) = settings
                .repositories
                .iter()
                .find(|r| r.id == app.repository)
            else {
                continue;
            };
            match git_source(repo, &app.revision, &app.path, self.shared.secrets.as_ref()) {
                Ok(source) => {
                    let config = PollConfig::default()
                        .interval(Duration::from_secs(u64::from(repo.poll_interval_secs)));
                    let mirror = self.shared.mirrors.join(&app.id);
                    watched.insert(
                        app.id.clone(),
                        Watched {
                            source: source.clone(),
                            mirror: mirror.clone(),
                            namespace: app.namespace.clone(),
                        },
                    );
                    poller.watch(app.id.clone(), source, mirror, config);
                }
                Err(err) => self.shared.update(|state| {
                    set_revision(state, &app.id, |_| RevisionState::Failed {
                        message: err.to_string(),
                        last_good: None,
                        retry_in_secs: 0,
                    })
                }),
            }
        }
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        self.event_task.abort();
        for task in self
            .cluster_tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            task.abort();
        }
    }
}

async fn check_cluster_forever(shared: Arc<Shared>, target: clusters::ClusterTarget) {
    loop {
        let state =
            match clusters::probe(&target, shared.secrets.as_ref(), CLUSTER_CHECK_TIMEOUT).await {
                Ok(probe) => ClusterState::Connected(probe),
                Err(err) => ClusterState::Failed {
                    failure: err.failure(),
                    message: err.to_string(),
                },
            };
        shared.update(|s| {
            if let Some(c) = s.clusters.iter_mut().find(|c| c.id == target.id) {
                c.state = state;
            }
        });
        tokio::time::sleep(CLUSTER_CHECK_INTERVAL).await;
    }
}

async fn fold_poll_events(shared: Arc<Shared>, mut events: mpsc::Receiver<PollEvent>) {
    while let Some(event) = events.recv().await {
        let app = event.repo().to_string();
        if let PollEvent::RevisionChanged { new, .. } = &event {
            render_in_background(shared.clone(), app.clone(), new.clone());
        }
        shared.update(|state| match event {
            PollEvent::RevisionChanged { new, .. } => {
                set_revision(state, &app, |_| RevisionState::Resolved(new.commit))
            }
            PollEvent::PollFailed {
                error, retry_in, ..
            } => set_revision(state, &app, |old| {
                let last_good = match old {
                    RevisionState::Resolved(c) => Some(c.clone()),
                    RevisionState::Failed { last_good, .. } => last_good.clone(),
                    RevisionState::Fetching(_) => None,
                };
                RevisionState::Failed {
                    message: error.to_string(),
                    last_good,
                    retry_in_secs: retry_in.as_secs(),
                }
            }),
            // A recovery without a new revision restores the last good one.
            PollEvent::Recovered { .. } => set_revision(state, &app, |old| match old {
                RevisionState::Failed {
                    last_good: Some(c), ..
                } => RevisionState::Resolved(c.clone()),
                other => other.clone(),
            }),
            // Shown while the first clone runs; later fetches keep the resolved revision.
            PollEvent::Progress { progress, .. } => set_revision(state, &app, |old| match old {
                RevisionState::Fetching(_) => {
                    RevisionState::Fetching(Some(progress_for_ui(&app, &progress)))
                }
                other => other.clone(),
            }),
            PollEvent::Checked { .. } => {}
        });
    }
}

/// Rendering reads files and may run kustomize or Helm, so it runs off the async threads.
fn render_in_background(shared: Arc<Shared>, app: String, snapshot: crate::git::Snapshot) {
    let Some(w) = shared
        .watched
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&app)
        .cloned()
    else {
        return;
    };
    tokio::task::spawn_blocking(move || {
        let summary = render_snapshot(&w.mirror, &w.source, &snapshot, &w.namespace, &app);
        shared.update(|state| {
            if let Some(a) = state.applications.iter_mut().find(|a| a.app.id == app) {
                a.render = Some(summary);
            }
        });
    });
}

fn set_revision(
    state: &mut ConnectionsOverview,
    app: &str,
    next: impl FnOnce(&RevisionState) -> RevisionState,
) {
    if let Some(a) = state.applications.iter_mut().find(|a| a.app.id == app) {
        a.revision = next(&a.revision);
    }
}
