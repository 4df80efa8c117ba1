//! The monitor's state and how each event changes it: a pure function, unit-tested with
//! synthetic events. Side effects it asks for (render an application, write a log line) are
//! returned as [`Effect`]s for the task that runs the fold to carry out.
//!
//! Git state is kept once per source (a repository at a revision), not per application: the
//! applications on a source all see the same fetch, so its failure is reported, logged and
//! shown once, on the repository.

use super::drift_seen::Seen;
use super::key::SourceKey;
use crate::git::{PollEvent, Snapshot};
use crate::live::RenderedApp;
use crate::settings::Settings;
use crate::settings::wire;
use shipdeck_ipc::connections::{
    ApplicationStatus, ClusterState, ClusterStatus, ConnectionsOverview, GitProgress,
    RenderSummary, RepositoryStatus, RevisionState, SourceStatus,
};
use shipdeck_ipc::drift::{DriftEvent, DriftReport, SyncSummary};
use shipdeck_ipc::workspace::CommitSummary;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Something that happened, in the order the fold task received it.
#[derive(Debug)]
pub enum Event {
    /// What auto-sync or self-heal did for an application, or why it stopped.
    Automation { app: String, note: Option<String> },
    /// The settings in force changed (or were first loaded).
    Reconfigured(Arc<Settings>),
    /// `settings.toml` holds an edit that cannot be used, or no longer does.
    SettingsProblem(Option<String>),
    /// A cluster check task was (re)started; results from older generations are dropped.
    ClusterStarted { id: String, generation: u64 },
    ClusterChecked {
        id: String,
        generation: u64,
        state: ClusterState,
    },
    /// A repository source could not even be built (e.g. the keyring did not give its
    /// secret); the monitor tries again after `retry_in`.
    SourceUnusable {
        key: SourceKey,
        message: String,
        retry_in: Duration,
    },
    Poll {
        key: SourceKey,
        event: Box<PollEvent>,
    },
    Rendered {
        app: String,
        ticket: u64,
        outcome: RenderOutcome,
    },
    /// An application's rendered objects (from `commit`) were compared with its cluster, or
    /// could not be (the error says why).
    /// Carries the entries it was made with: a comparison that finishes after the application
    /// or its cluster changed is of something else and is dropped.
    Drifted {
        app: crate::settings::model::Application,
        cluster: crate::settings::model::Cluster,
        commit: String,
        outcome: Result<Arc<DriftReport>, String>,
        /// When the comparison finished.
        at: jiff::Timestamp,
    },
    /// A background task panicked and was restarted.
    Crashed { scope: Scope, message: String },
}

/// What a crash or problem is shown on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Cluster(String),
    Source(SourceKey),
    Application(String),
}

/// The result of rendering one application at one commit.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOutcome {
    /// The last commit that touched the application's path, when it could be found.
    pub path_commit: Option<CommitSummary>,
    pub summary: RenderSummary,
    pub rendered: Option<Arc<RenderedApp>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Render `app` from `snapshot` (of its source); the result comes back as
    /// [`Event::Rendered`] with the same ticket.
    Render {
        app: String,
        ticket: u64,
        snapshot: Box<Snapshot>,
    },
    Log(Log),
    /// A comparison found drift not seen before ([`super::drift_seen`]): record it and tell
    /// the user.
    DriftDetected(DriftEvent),
}

/// A line for the log, emitted once per change of state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Log {
    Info(String),
    Warn(String),
}

#[derive(Debug, Default)]
pub struct State {
    pub settings: Arc<Settings>,
    settings_error: Option<String>,
    clusters: BTreeMap<String, ClusterSlot>,
    sources: BTreeMap<SourceKey, SourceSlot>,
    apps: BTreeMap<String, AppSlot>,
    pub rendered: BTreeMap<String, Arc<RenderedApp>>,
    pub drift: BTreeMap<String, Arc<DriftReport>>,
    next_ticket: u64,
    /// Drift already told in an earlier run, by application ([`State::remember`]).
    told: BTreeMap<String, Seen>,
}

#[derive(Debug)]
struct ClusterSlot {
    state: ClusterState,
    notice: Option<String>,
    generation: u64,
}

#[derive(Debug)]
struct SourceSlot {
    revision: RevisionState,
    /// The newest snapshot, for renders after a settings change.
    snapshot: Option<Snapshot>,
    notice: Option<String>,
}

impl SourceSlot {
    fn new() -> Self {
        Self {
            revision: RevisionState::Fetching(None),
            snapshot: None,
            notice: None,
        }
    }

    /// Records a failure; returns whether it differs from the one already shown (a new
    /// retry time alone is not a change worth a log line).
    fn fail(&mut self, message: String, retry_in: Duration) -> bool {
        let same =
            matches!(&self.revision, RevisionState::Failed { message: m, .. } if *m == message);
        self.revision = RevisionState::Failed {
            message,
            last_good: last_good(&self.revision),
            retry_in_secs: retry_in.as_secs().max(1),
        };
        !same
    }
}

#[derive(Debug)]
struct AppSlot {
    path_commit: Option<CommitSummary>,
    render: Option<RenderSummary>,
    sync: Option<SyncSummary>,
    /// Drift already reported as an event.
    seen: Seen,
    notice: Option<String>,
    automation: Option<String>,
    /// The newest render asked for; only its result is taken.
    ticket: u64,
}

impl AppSlot {
    fn new() -> Self {
        Self {
            path_commit: None,
            render: None,
            sync: None,
            seen: Seen::default(),
            notice: None,
            automation: None,
            ticket: 0,
        }
    }
}

impl State {
    /// Takes in drift events recorded by an earlier run (newest first), so that drift already
    /// told is not told again after a restart.
    pub fn remember(&mut self, events: &[DriftEvent]) {
        for event in events.iter().rev() {
            self.told
                .entry(event.app.clone())
                .or_default()
                .told(&event.resources);
        }
    }

    /// Applies one event. Returns what must be done because of it.
    pub fn apply(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Reconfigured(settings) => self.reconfigure(settings),
            Event::SettingsProblem(problem) => {
                self.settings_error = problem;
                Vec::new()
            }
            Event::ClusterStarted { id, generation } => {
                if let Some(slot) = self.clusters.get_mut(&id) {
                    slot.generation = generation;
                }
                Vec::new()
            }
            Event::ClusterChecked {
                id,
                generation,
                state,
            } => self.cluster_checked(&id, generation, state),
            Event::SourceUnusable {
                key,
                message,
                retry_in,
            } => {
                let Some(slot) = self.sources.get_mut(&key) else {
                    return Vec::new();
                };
                let log = format!(
                    "repository {key} cannot be polled: {message} (trying again in {} s)",
                    retry_in.as_secs()
                );
                slot.fail(message, retry_in)
                    .then_some(Effect::Log(Log::Warn(log)))
                    .into_iter()
                    .collect()
            }
            Event::Poll { key, event } => self.poll(key, *event),
            Event::Rendered {
                app,
                ticket,
                outcome,
            } => {
                self.rendered_app(&app, ticket, outcome);
                Vec::new()
            }
            Event::Drifted {
                app,
                cluster,
                commit,
                outcome,
                at,
            } => {
                let current = self.settings.application(&app.id) == Some(&app)
                    && self.settings.cluster(&cluster.id) == Some(&cluster);
                if current {
                    self.drifted(&app, &commit, outcome, at)
                } else {
                    Vec::new()
                }
            }
            Event::Crashed { scope, message } => self.crashed(scope, message),
            Event::Automation { app, note } => {
                if let Some(slot) = self.apps.get_mut(&app) {
                    slot.automation = note;
                }
                Vec::new()
            }
        }
    }

    /// The overview the UI shows, in the order of the settings.
    pub fn overview(&self, seq: u64) -> ConnectionsOverview {
        let fetching = RevisionState::Fetching(None);
        let revision_of = |key: &SourceKey| {
            self.sources
                .get(key)
                .map_or(&fetching, |s| &s.revision)
                .clone()
        };
        ConnectionsOverview {
            seq,
            settings_error: self.settings_error.clone(),
            clusters: self
                .settings
                .clusters
                .iter()
                .filter_map(|c| {
                    let slot = self.clusters.get(&c.id)?;
                    Some(ClusterStatus {
                        id: c.id.clone(),
                        context: c.context.clone(),
                        state: slot.state.clone(),
                        notice: slot.notice.clone(),
                    })
                })
                .collect(),
            applications: self
                .settings
                .applications
                .iter()
                .filter_map(|a| {
                    let slot = self.apps.get(&a.id)?;
                    Some(ApplicationStatus {
                        app: wire::application_to_ipc(a),
                        revision: revision_of(&SourceKey::of(a)),
                        path_commit: slot.path_commit.clone(),
                        render: slot.render.clone(),
                        sync: slot.sync.clone(),
                        notice: slot.notice.clone(),
                        automation: slot.automation.clone(),
                    })
                })
                .collect(),
            repositories: self
                .settings
                .repositories
                .iter()
                .map(|r| {
                    let mut sources: Vec<SourceStatus> = Vec::new();
                    for app in self.settings.applications.iter() {
                        if app.repository != r.id {
                            continue;
                        }
                        let revision = wire::revision_to_ipc(&app.revision);
                        match sources.iter_mut().find(|s| s.revision == revision) {
                            Some(source) => source.applications.push(app.id.clone()),
                            None => {
                                let key = SourceKey::of(app);
                                sources.push(SourceStatus {
                                    revision,
                                    state: revision_of(&key),
                                    applications: vec![app.id.clone()],
                                    notice: self.sources.get(&key).and_then(|s| s.notice.clone()),
                                });
                            }
                        }
                    }
                    RepositoryStatus {
                        id: r.id.clone(),
                        url: r.url.clone(),
                        sources,
                    }
                })
                .collect(),
        }
    }

    fn reconfigure(&mut self, settings: Arc<Settings>) -> Vec<Effect> {
        let old = std::mem::replace(&mut self.settings, settings.clone());
        self.clusters.retain(|id, _| settings.cluster(id).is_some());
        for c in &settings.clusters {
            let changed = old.cluster(&c.id) != Some(c);
            let slot = self.clusters.entry(c.id.clone()).or_insert(ClusterSlot {
                state: ClusterState::Checking,
                notice: None,
                generation: 0,
            });
            if changed {
                slot.state = ClusterState::Checking;
                slot.notice = None;
            }
        }
        let keys: Vec<SourceKey> = settings.applications.iter().map(SourceKey::of).collect();
        // A source whose repository entry changed gets a new poller (see `Monitor::reconfigure`):
        // what the old one saw no longer applies.
        self.sources.retain(|k, _| {
            keys.contains(k) && old.repository(&k.repository) == settings.repository(&k.repository)
        });
        for key in keys {
            self.sources.entry(key).or_insert_with(SourceSlot::new);
        }
        self.apps.retain(|id, _| settings.application(id).is_some());
        self.rendered
            .retain(|id, _| settings.application(id).is_some());
        self.drift
            .retain(|id, _| settings.application(id).is_some());
        let mut effects = Vec::new();
        for app in &settings.applications {
            let key = SourceKey::of(app);
            let before = old.application(&app.id);
            let repo_changed =
                old.repository(&app.repository) != settings.repository(&app.repository);
            let source_changed = before.is_none_or(|b| SourceKey::of(b) != key) || repo_changed;
            let told = &mut self.told;
            let slot = self.apps.entry(app.id.clone()).or_insert_with(|| AppSlot {
                seen: told.remove(&app.id).unwrap_or_default(),
                ..AppSlot::new()
            });
            if !source_changed && before == Some(app) {
                continue;
            }
            if source_changed {
                // What the old source said no longer applies, and a render of it still running
                // must not be taken.
                self.next_ticket += 1;
                // What was seen stays: drift the new revision brings is not news.
                let seen = std::mem::take(&mut slot.seen);
                *slot = AppSlot {
                    ticket: self.next_ticket,
                    seen,
                    ..AppSlot::new()
                };
                self.rendered.remove(&app.id);
                self.drift.remove(&app.id);
            }
            // A source already polled (another application's, or this one with other options)
            // has a snapshot: render from it now instead of waiting for its next move.
            if let Some(snapshot) = self.sources.get(&key).and_then(|s| s.snapshot.as_ref()) {
                self.next_ticket += 1;
                slot.ticket = self.next_ticket;
                effects.push(Effect::Render {
                    app: app.id.clone(),
                    ticket: slot.ticket,
                    snapshot: Box::new(snapshot.clone()),
                });
            }
        }
        effects
    }

    fn cluster_checked(&mut self, id: &str, generation: u64, state: ClusterState) -> Vec<Effect> {
        let Some(slot) = self.clusters.get_mut(id) else {
            return Vec::new();
        };
        if slot.generation != generation {
            return Vec::new();
        }
        // A check from the restarted task clears the notice of the crash that restarted it.
        slot.notice = None;
        if slot.state == state {
            return Vec::new();
        }
        let was_failed = matches!(slot.state, ClusterState::Failed { .. });
        let log = match &state {
            ClusterState::Connected(probe) => (was_failed || slot.state == ClusterState::Checking)
                .then(|| {
                    Log::Info(format!(
                        "cluster {id}: connected ({}, {} ms)",
                        probe.server_version, probe.rtt_ms
                    ))
                }),
            ClusterState::Failed { failure, message } => {
                let same = matches!(&slot.state, ClusterState::Failed { failure: f, message: m } if f == failure && m == message);
                (!same).then(|| Log::Warn(format!("cluster {id}: {failure:?}: {message}")))
            }
            ClusterState::Checking => None,
        };
        slot.state = state;
        log.map(Effect::Log).into_iter().collect()
    }

    fn poll(&mut self, key: SourceKey, event: PollEvent) -> Vec<Effect> {
        let Some(slot) = self.sources.get_mut(&key) else {
            return Vec::new();
        };
        let mut effects = Vec::new();
        if !matches!(event, PollEvent::Progress { .. }) {
            // A result from the restarted poller clears the notice of the crash that restarted it.
            slot.notice = None;
        }
        match event {
            PollEvent::RevisionChanged { new, .. } => {
                if matches!(slot.revision, RevisionState::Failed { .. }) {
                    effects.push(Effect::Log(Log::Info(format!(
                        "repository {key} is reachable again"
                    ))));
                }
                slot.revision = RevisionState::Resolved(new.commit.clone());
                slot.snapshot = Some(new.clone());
                for app in self.settings.applications.iter() {
                    if SourceKey::of(app) != key {
                        continue;
                    }
                    let Some(app_slot) = self.apps.get_mut(&app.id) else {
                        continue;
                    };
                    self.next_ticket += 1;
                    app_slot.ticket = self.next_ticket;
                    effects.push(Effect::Render {
                        app: app.id.clone(),
                        ticket: app_slot.ticket,
                        snapshot: Box::new(new.clone()),
                    });
                }
            }
            PollEvent::PollFailed {
                error, retry_in, ..
            } => {
                let message = error.to_string();
                let log = format!(
                    "repository {key}: {message} (retrying in {} s)",
                    retry_in.as_secs()
                );
                if slot.fail(message, retry_in) {
                    effects.push(Effect::Log(Log::Warn(log)));
                }
            }
            PollEvent::Recovered { .. } => {
                if let RevisionState::Failed {
                    last_good: Some(c), ..
                } = &slot.revision
                {
                    slot.revision = RevisionState::Resolved(c.clone());
                    effects.push(Effect::Log(Log::Info(format!(
                        "repository {key} is reachable again"
                    ))));
                }
            }
            PollEvent::Progress { progress, .. } => {
                if let RevisionState::Fetching(_) = slot.revision {
                    slot.revision = RevisionState::Fetching(Some(GitProgress {
                        operation: key.to_string(),
                        received_objects: progress.received_objects as u64,
                        total_objects: progress.total_objects as u64,
                        received_bytes: progress.received_bytes as u64,
                    }));
                }
            }
            // Turned into `Event::Crashed` by the monitor before it gets here.
            PollEvent::Checked { .. } | PollEvent::Crashed { .. } => {}
        }
        effects
    }

    fn rendered_app(&mut self, app: &str, ticket: u64, outcome: RenderOutcome) {
        let Some(slot) = self.apps.get_mut(app) else {
            return;
        };
        // A render that finishes after a newer one was asked for is stale.
        if slot.ticket != ticket {
            return;
        }
        slot.path_commit = outcome.path_commit;
        slot.render = Some(outcome.summary);
        slot.notice = None;
        // A render that failed (a tool timed out, a file broke) keeps the last good objects:
        // drift and rollback still need a desired state, and `RenderedApp::commit` says which
        // commit it is from. A source change already dropped them in `reconfigure`.
        if let Some(rendered) = outcome.rendered {
            self.rendered.insert(app.to_string(), rendered);
        }
    }

    fn drifted(
        &mut self,
        app: &crate::settings::model::Application,
        commit: &str,
        outcome: Result<Arc<DriftReport>, String>,
        at: jiff::Timestamp,
    ) -> Vec<Effect> {
        let Some(slot) = self.apps.get_mut(&app.id) else {
            return Vec::new();
        };
        let mut effects = Vec::new();
        let mut next = match &outcome {
            Ok(report) => SyncSummary::of(report, commit),
            Err(reason) => SyncSummary::unknown(reason.clone(), commit),
        };
        let fresh = match &outcome {
            Ok(report) => slot.seen.observe(commit, report),
            Err(_) => Vec::new(),
        };
        next.compared = slot.sync.as_ref().map_or(1, |s| s.compared + 1);
        let before = slot.sync.as_ref().map(|s| (s.status, s.message.clone()));
        let moved = slot
            .sync
            .as_ref()
            .is_none_or(|s| (s.status, s.out_of_sync) != (next.status, next.out_of_sync));
        next.changed_at = if moved || !fresh.is_empty() {
            Some(at.to_string())
        } else {
            slot.sync.as_ref().and_then(|s| s.changed_at.clone())
        };
        if before != Some((next.status, next.message.clone())) {
            let line = format!(
                "application {}: {}: {}",
                app.id,
                next.status.label(),
                next.detail()
            );
            effects.push(Effect::Log(Log::Info(line)));
        }
        if !fresh.is_empty() {
            effects.push(Effect::DriftDetected(DriftEvent {
                app: app.id.clone(),
                cluster: app.cluster.clone(),
                at: at.to_string(),
                commit: commit.to_string(),
                resources: super::drift_seen::capped(fresh),
            }));
        }
        slot.sync = Some(next);
        match outcome {
            Ok(report) => {
                self.drift.insert(app.id.clone(), report);
            }
            Err(_) => {
                self.drift.remove(&app.id);
            }
        }
        effects
    }

    fn crashed(&mut self, scope: Scope, message: String) -> Vec<Effect> {
        let notice = Some(format!(
            "{message} Shipdeck restarted the task; details are in the log."
        ));
        match &scope {
            Scope::Cluster(id) => {
                if let Some(slot) = self.clusters.get_mut(id) {
                    slot.notice = notice;
                }
            }
            Scope::Application(id) => {
                if let Some(slot) = self.apps.get_mut(id) {
                    slot.notice = notice;
                }
            }
            Scope::Source(key) => {
                if let Some(slot) = self.sources.get_mut(key) {
                    slot.notice = notice;
                }
            }
        }
        vec![Effect::Log(Log::Warn(format!(
            "{scope:?}: {message}; restarted"
        )))]
    }
}

fn last_good(revision: &RevisionState) -> Option<CommitSummary> {
    match revision {
        RevisionState::Resolved(c) => Some(c.clone()),
        RevisionState::Failed { last_good, .. } => last_good.clone(),
        RevisionState::Fetching(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::Error as GitError;
    use crate::settings::model::{Application, Cluster, Repository, Revision};
    use shipdeck_ipc::clusters::{ClusterProbe, ConnectionFailure};
    use shipdeck_ipc::drift::DriftReport;
    use std::time::Duration;

    fn settings(apps: &[(&str, &str)]) -> Arc<Settings> {
        Arc::new(Settings {
            clusters: vec![Cluster {
                id: "a".into(),
                context: "a".into(),
                kubeconfig: vec![],
                credential: None,
            }],
            repositories: vec![Repository {
                id: "repo".into(),
                url: "/srv/repo".into(),
                auth: Default::default(),
                poll_interval_secs: 30,
            }],
            applications: apps
                .iter()
                .map(|(id, branch)| Application {
                    id: (*id).into(),
                    repository: "repo".into(),
                    revision: Revision::Branch((*branch).into()),
                    path: format!("apps/{id}"),
                    cluster: "a".into(),
                    namespace: "shop".into(),
                    helm: Default::default(),
                    ignore: Vec::new(),
                    sync: Default::default(),
                })
                .collect(),
            drift: Default::default(),
            deployments: Default::default(),
            teams: Vec::new(),
        })
    }

    fn key(branch: &str) -> SourceKey {
        SourceKey {
            repository: "repo".into(),
            revision: Revision::Branch(branch.into()),
        }
    }

    fn moved(branch: &str, sha: &str) -> Event {
        Event::Poll {
            key: key(branch),
            event: Box::new(PollEvent::RevisionChanged {
                repo: key(branch).to_string(),
                old: None,
                new: Snapshot::for_tests(sha, sha),
                path_changed: true,
            }),
        }
    }

    fn renders(effects: &[Effect]) -> Vec<(String, u64)> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Render { app, ticket, .. } => Some((app.clone(), *ticket)),
                Effect::Log(_) | Effect::DriftDetected(_) => None,
            })
            .collect()
    }

    fn outcome(label: &str) -> RenderOutcome {
        RenderOutcome {
            path_commit: None,
            summary: RenderSummary {
                objects: vec![label.into()],
                ..RenderSummary::default()
            },
            rendered: None,
        }
    }

    #[test]
    fn a_new_revision_renders_every_application_on_its_source_and_no_other() {
        let mut state = State::default();
        state.apply(Event::Reconfigured(settings(&[
            ("web", "main"),
            ("api", "main"),
            ("docs", "release"),
        ])));
        let effects = state.apply(moved("main", "c1"));
        let mut apps: Vec<String> = renders(&effects).into_iter().map(|(a, _)| a).collect();
        apps.sort();
        assert_eq!(apps, ["api", "web"]);
        let overview = state.overview(1);
        let docs = overview
            .applications
            .iter()
            .find(|a| a.app.id == "docs")
            .unwrap();
        assert_eq!(docs.revision, RevisionState::Fetching(None));
    }

    #[test]
    fn a_render_that_finishes_after_a_newer_one_was_asked_for_is_dropped() {
        let mut state = State::default();
        state.apply(Event::Reconfigured(settings(&[("web", "main")])));
        let old = renders(&state.apply(moved("main", "c1")))[0].1;
        let new = renders(&state.apply(moved("main", "c2")))[0].1;
        state.apply(Event::Rendered {
            app: "web".into(),
            ticket: new,
            outcome: outcome("from c2"),
        });
        state.apply(Event::Rendered {
            app: "web".into(),
            ticket: old,
            outcome: outcome("from c1, late"),
        });
        let web = &state.overview(1).applications[0];
        assert_eq!(web.render.as_ref().unwrap().objects, ["from c2"]);
    }

    #[test]
    fn editing_one_application_renders_it_again_and_leaves_the_others() {
        let mut state = State::default();
        state.apply(Event::Reconfigured(settings(&[
            ("web", "main"),
            ("api", "main"),
        ])));
        state.apply(moved("main", "c1"));
        let mut edited = (*settings(&[("web", "main"), ("api", "main")])).clone();
        edited.applications[0].namespace = "shop-v2".into();
        let effects = state.apply(Event::Reconfigured(Arc::new(edited)));
        assert_eq!(
            renders(&effects)
                .into_iter()
                .map(|(a, _)| a)
                .collect::<Vec<_>>(),
            ["web"]
        );
        let api = &state.overview(2).applications[1];
        assert!(
            matches!(api.revision, RevisionState::Resolved(_)),
            "api keeps its state"
        );
    }

    #[test]
    fn cluster_results_of_a_replaced_check_are_dropped_and_changes_logged_once() {
        let mut state = State::default();
        state.apply(Event::Reconfigured(settings(&[])));
        state.apply(Event::ClusterStarted {
            id: "a".into(),
            generation: 2,
        });
        let failed = || ClusterState::Failed {
            failure: ConnectionFailure::Unreachable,
            message: "refused".into(),
        };
        let stale = state.apply(Event::ClusterChecked {
            id: "a".into(),
            generation: 1,
            state: failed(),
        });
        assert!(stale.is_empty());
        assert_eq!(state.overview(1).clusters[0].state, ClusterState::Checking);

        let first = state.apply(Event::ClusterChecked {
            id: "a".into(),
            generation: 2,
            state: failed(),
        });
        assert!(matches!(first.as_slice(), [Effect::Log(Log::Warn(l))] if l.contains("refused")));
        let again = state.apply(Event::ClusterChecked {
            id: "a".into(),
            generation: 2,
            state: failed(),
        });
        assert!(again.is_empty(), "the same failure is not logged twice");
        let back = state.apply(Event::ClusterChecked {
            id: "a".into(),
            generation: 2,
            state: ClusterState::Connected(ClusterProbe {
                server_version: "v1.34.2".into(),
                platform: "linux/amd64".into(),
                rtt_ms: 3,
                warnings: vec![],
            }),
        });
        assert!(matches!(back.as_slice(), [Effect::Log(Log::Info(_))]));
    }

    #[test]
    fn a_failing_poll_keeps_the_last_good_revision_and_logs_once() {
        let mut state = State::default();
        state.apply(Event::Reconfigured(settings(&[("web", "main")])));
        state.apply(moved("main", "c1"));
        let failure = || failed("gone");
        assert_eq!(state.apply(failure()).len(), 1);
        assert!(state.apply(failure()).is_empty(), "logged once per change");
        match &state.overview(1).applications[0].revision {
            RevisionState::Failed { last_good, .. } => {
                assert_eq!(last_good.as_ref().unwrap().sha, "c1")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_crash_is_shown_on_what_it_affected_until_its_next_result() {
        let mut state = State::default();
        state.apply(Event::Reconfigured(settings(&[("web", "main")])));
        let ticket = renders(&state.apply(moved("main", "c1")))[0].1;
        state.apply(Event::Crashed {
            scope: Scope::Application("web".into()),
            message: "Internal error: boom.".into(),
        });
        state.apply(Event::Crashed {
            scope: Scope::Cluster("a".into()),
            message: "Internal error: bang.".into(),
        });
        let overview = state.overview(1);
        assert!(
            overview.applications[0]
                .notice
                .as_ref()
                .unwrap()
                .contains("boom")
        );
        assert!(
            overview.clusters[0]
                .notice
                .as_ref()
                .unwrap()
                .contains("bang")
        );
        state.apply(Event::Rendered {
            app: "web".into(),
            ticket,
            outcome: outcome("ok"),
        });
        state.apply(Event::ClusterChecked {
            id: "a".into(),
            generation: 0,
            state: ClusterState::Checking,
        });
        let overview = state.overview(2);
        assert_eq!(overview.applications[0].notice, None);
        assert_eq!(overview.clusters[0].notice, None);
    }

    #[test]
    fn an_application_added_to_a_polled_source_renders_at_once() {
        let mut state = State::default();
        state.apply(Event::Reconfigured(settings(&[("web", "main")])));
        state.apply(moved("main", "c1"));
        let effects = state.apply(Event::Reconfigured(settings(&[
            ("web", "main"),
            ("api", "main"),
        ])));
        let apps: Vec<String> = renders(&effects).into_iter().map(|(a, _)| a).collect();
        assert_eq!(apps, ["api"], "only the new application renders");
        let api = &state.overview(1).applications[1];
        assert!(matches!(&api.revision, RevisionState::Resolved(c) if c.sha == "c1"));
    }

    #[test]
    fn a_failed_render_keeps_the_last_good_objects() {
        let mut state = State::default();
        state.apply(Event::Reconfigured(settings(&[("web", "main")])));
        let good = renders(&state.apply(moved("main", "c1")))[0].1;
        let rendered = Arc::new(RenderedApp {
            commit: Snapshot::for_tests("c1", "c1").commit,
            objects: Vec::new(),
            errors: Vec::new(),
        });
        state.apply(Event::Rendered {
            app: "web".into(),
            ticket: good,
            outcome: RenderOutcome {
                rendered: Some(rendered.clone()),
                ..outcome("ok")
            },
        });
        let broken = renders(&state.apply(moved("main", "c2")))[0].1;
        state.apply(Event::Rendered {
            app: "web".into(),
            ticket: broken,
            outcome: RenderOutcome {
                summary: RenderSummary {
                    failed: Some("helm timed out".into()),
                    ..RenderSummary::default()
                },
                ..outcome("failed")
            },
        });
        assert!(Arc::ptr_eq(&state.rendered["web"], &rendered));
        let web = &state.overview(1).applications[0];
        assert_eq!(
            web.render.as_ref().unwrap().failed.as_deref(),
            Some("helm timed out")
        );
    }

    fn drifted(settings: &Settings, app: &str, report: DriftReport) -> Event {
        let entry = settings.application(app).unwrap().clone();
        Event::Drifted {
            cluster: settings.cluster(&entry.cluster).unwrap().clone(),
            app: entry,
            commit: "c1".into(),
            outcome: Ok(Arc::new(report)),
            at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_comparison_made_for_an_older_entry_is_dropped_and_each_new_one_counts() {
        let mut state = State::default();
        let before = settings(&[("web", "main")]);
        state.apply(Event::Reconfigured(before.clone()));
        state.apply(drifted(&before, "web", DriftReport::default()));
        let sync = |s: &State| s.overview(1).applications[0].sync.clone().unwrap();
        assert_eq!(
            (sync(&state).status, sync(&state).compared),
            (shipdeck_ipc::SyncStatus::Synced, 1)
        );
        state.apply(drifted(&before, "web", DriftReport::default()));
        assert_eq!(
            sync(&state).compared,
            2,
            "a new report is told apart from the last"
        );

        // The application moves to another namespace; a comparison of the old one lands late.
        let mut moved = (*before).clone();
        moved.applications[0].namespace = "shop-v2".into();
        state.apply(Event::Reconfigured(Arc::new(moved)));
        let mut late = DriftReport::default();
        late.incomplete.push("from the old namespace".into());
        state.apply(drifted(&before, "web", late));
        assert_eq!(sync(&state).compared, 2, "the late result was dropped");
    }

    #[test]
    fn new_drift_is_an_event_and_the_time_of_the_last_change() {
        let mut state = State::default();
        let settings = settings(&[("web", "main")]);
        state.apply(Event::Reconfigured(settings.clone()));
        let mut scaled = shipdeck_ipc::drift::ResourceDrift {
            health: None,
            group: "apps".into(),
            version: "v1".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: "web".into(),
            status: shipdeck_ipc::SyncStatus::Synced,
            reason: None,
            changes: vec![],
            ignored: vec![],
            message: None,
            live_yaml: None,
            desired_yaml: None,
        };
        let at = |s: i64| jiff::Timestamp::from_second(s).unwrap();
        let with_time = |report: DriftReport, t: i64| match drifted(&settings, "web", report) {
            Event::Drifted {
                app,
                cluster,
                commit,
                outcome,
                ..
            } => Event::Drifted {
                app,
                cluster,
                commit,
                outcome,
                at: at(t),
            },
            _ => unreachable!(),
        };
        let events = |effects: Vec<Effect>| -> Vec<DriftEvent> {
            effects
                .into_iter()
                .filter_map(|e| match e {
                    Effect::DriftDetected(event) => Some(event),
                    _ => None,
                })
                .collect()
        };
        let changed_at = |s: &State| {
            s.overview(1).applications[0]
                .sync
                .clone()
                .unwrap()
                .changed_at
        };
        let synced = DriftReport::new(vec![scaled.clone()]);
        assert!(events(state.apply(with_time(synced.clone(), 100))).is_empty());
        assert_eq!(changed_at(&state), Some(at(100).to_string()));
        assert!(events(state.apply(with_time(synced, 200))).is_empty());
        assert_eq!(
            changed_at(&state),
            Some(at(100).to_string()),
            "nothing changed"
        );

        scaled.status = shipdeck_ipc::SyncStatus::OutOfSync;
        scaled.changes.push(shipdeck_ipc::drift::FieldChange {
            path: "/spec/replicas".into(),
            live: Some(6.into()),
            desired: Some(3.into()),
            manager: Some("kubectl-scale".into()),
        });
        let raised = events(state.apply(with_time(DriftReport::new(vec![scaled]), 300)));
        assert_eq!(raised.len(), 1);
        assert_eq!(
            (raised[0].app.as_str(), raised[0].cluster.as_str()),
            ("web", "a")
        );
        assert_eq!(raised[0].managers(), ["kubectl-scale"]);
        assert_eq!(changed_at(&state), Some(at(300).to_string()));
    }

    #[test]
    fn a_render_of_the_old_source_is_not_taken_after_the_source_changed() {
        let mut state = State::default();
        state.apply(Event::Reconfigured(settings(&[("web", "main")])));
        let ticket = renders(&state.apply(moved("main", "c1")))[0].1;
        state.apply(Event::Reconfigured(settings(&[("web", "release")])));
        state.apply(Event::Rendered {
            app: "web".into(),
            ticket,
            outcome: outcome("from main"),
        });
        assert_eq!(state.overview(1).applications[0].render, None);
    }

    fn failed(message: &str) -> Event {
        Event::Poll {
            key: key("main"),
            event: Box::new(PollEvent::PollFailed {
                repo: key("main").to_string(),
                error: GitError::Other {
                    op: crate::git::Operation::Fetch,
                    url: "/srv/repo".into(),
                    detail: message.into(),
                },
                attempt: 1,
                retry_in: Duration::from_secs(60),
            }),
        }
    }

    #[test]
    fn a_source_failure_is_kept_once_on_its_repository_and_each_application_points_at_it() {
        let mut state = State::default();
        state.apply(Event::Reconfigured(settings(&[
            ("web", "main"),
            ("api", "main"),
            ("docs", "release"),
        ])));
        let effects = state.apply(failed("gone"));
        assert_eq!(effects.len(), 1, "one log line for the source: {effects:?}");
        let overview = state.overview(1);
        let [repo] = overview.repositories.as_slice() else {
            panic!("{:?}", overview.repositories)
        };
        let [main, release] = repo.sources.as_slice() else {
            panic!("{:?}", repo.sources)
        };
        assert_eq!(main.applications, ["web", "api"]);
        assert!(
            matches!(&main.state, RevisionState::Failed { message, .. } if message.contains("gone"))
        );
        assert_eq!(release.applications, ["docs"]);
        assert_eq!(release.state, RevisionState::Fetching(None));
        for app in &overview.applications[..2] {
            assert_eq!(
                app.revision, main.state,
                "{} shows its source's state",
                app.app.id
            );
        }
    }

    #[test]
    fn an_unusable_source_says_when_it_is_tried_again_and_logs_only_a_new_reason() {
        let mut state = State::default();
        state.apply(Event::Reconfigured(settings(&[("web", "main")])));
        let unusable = |message: &str, secs| Event::SourceUnusable {
            key: key("main"),
            message: message.into(),
            retry_in: Duration::from_secs(secs),
        };
        assert_eq!(state.apply(unusable("keyring locked", 5)).len(), 1);
        assert!(
            state.apply(unusable("keyring locked", 10)).is_empty(),
            "a later retry of the same failure is not logged again"
        );
        assert!(matches!(
            &state.overview(1).applications[0].revision,
            RevisionState::Failed {
                retry_in_secs: 10,
                ..
            }
        ));
        assert_eq!(state.apply(unusable("secret missing", 600)).len(), 1);
        // A source nothing tracks any more is not brought back by a late retry.
        state.apply(Event::Reconfigured(settings(&[])));
        assert!(state.apply(unusable("keyring locked", 5)).is_empty());
        assert!(state.overview(2).repositories[0].sources.is_empty());
    }

    #[test]
    fn a_poller_crash_is_shown_on_its_source_until_the_next_poll_result() {
        let mut state = State::default();
        state.apply(Event::Reconfigured(settings(&[("web", "main")])));
        state.apply(Event::Crashed {
            scope: Scope::Source(key("main")),
            message: "Internal error: boom.".into(),
        });
        let source = |s: &State| s.overview(1).repositories[0].sources[0].clone();
        assert!(source(&state).notice.unwrap().contains("boom"));
        assert_eq!(state.overview(1).applications[0].notice, None, "said once");
        state.apply(moved("main", "c1"));
        assert_eq!(source(&state).notice, None);
    }
}
