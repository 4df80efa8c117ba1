//! The one deploy panel each application has: closed, a confirmation (sync, rollback, kill
//! switch, take-over, undo of one Deployment), or a run with its progress and result. Kept per
//! application in the store, so a run goes on being followed when the user looks at another
//! page.
//!
//! A confirmation that the engine refuses (nothing was started) comes back with the refusal,
//! so the user sees why next to the button that asked; a run that started ends in its result.

use crate::sync_draft::SyncDraft;
use crate::sync_run::{Conflict, Run};
use crate::undo::UndoTarget;
use shipdeck_ipc::deploy::{Deployment, ResourceRef, RollbackPreview, SyncProgress, SyncRequest};
use shipdeck_ipc::{ErrorCode, IpcError};
use std::collections::BTreeMap;

/// What a confirmation starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Sync(SyncRequest),
    Rollback {
        to: Option<String>,
    },
    KillSwitch,
    /// One Deployment back to its previous ReplicaSet revision.
    Undo(UndoTarget),
}

impl Action {
    /// What the progress panel calls the run: "Sync", "Rollback", "Kill switch", "Undo".
    pub fn title(&self) -> &'static str {
        match self {
            Action::Sync(_) => "Sync",
            Action::Rollback { .. } => "Rollback",
            Action::KillSwitch => "Kill switch",
            Action::Undo(_) => "Undo",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Preview {
    Loading(u64),
    Loaded(Box<RollbackPreview>),
    Failed(IpcError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RollbackDraft {
    /// The deployment asked for; `None` for the last known good one.
    pub to: Option<String>,
    pub preview: Preview,
    pub error: Option<IpcError>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TakeOver {
    /// The failed sync's request, with force.
    pub request: SyncRequest,
    pub conflicts: Vec<Conflict>,
    pub error: Option<IpcError>,
    /// The failed run, shown again on "Back".
    pub failed: Box<Running>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Running {
    pub action: Action,
    pub run: Run,
    /// The confirmation it came from, given back with the refusal if nothing started.
    pub from: Panel,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Panel {
    #[default]
    Closed,
    Sync(SyncDraft),
    Rollback(RollbackDraft),
    KillSwitch {
        error: Option<IpcError>,
    },
    TakeOver(TakeOver),
    Undo {
        target: UndoTarget,
        error: Option<IpcError>,
    },
    Running(Box<Running>),
}

/// Which panel shows, without its content: the page switches on this and each panel reads
/// its own part, so progress does not rebuild what is around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Closed,
    Sync,
    Rollback,
    KillSwitch,
    TakeOver,
    Undo,
    Running,
}

impl Panel {
    pub fn shown(&self) -> Shown {
        match self {
            Panel::Closed => Shown::Closed,
            Panel::Sync(_) => Shown::Sync,
            Panel::Rollback(_) => Shown::Rollback,
            Panel::KillSwitch { .. } => Shown::KillSwitch,
            Panel::TakeOver(_) => Shown::TakeOver,
            Panel::Undo { .. } => Shown::Undo,
            Panel::Running(_) => Shown::Running,
        }
    }

    fn refused(mut self, error: IpcError) -> Self {
        match &mut self {
            Panel::Sync(d) => d.error = Some(error),
            Panel::Rollback(d) => d.error = Some(error),
            Panel::KillSwitch { error: e } => *e = Some(error),
            Panel::TakeOver(t) => t.error = Some(error),
            Panel::Undo { error: e, .. } => *e = Some(error),
            Panel::Closed | Panel::Running(_) => {}
        }
        self
    }

    fn without_error(mut self) -> Self {
        match &mut self {
            Panel::Sync(d) => d.error = None,
            Panel::Rollback(d) => d.error = None,
            Panel::KillSwitch { error } => *error = None,
            Panel::TakeOver(t) => t.error = None,
            Panel::Undo { error, .. } => *error = None,
            Panel::Closed | Panel::Running(_) => {}
        }
        self
    }
}

/// Every application's panel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deploys {
    panels: BTreeMap<String, Panel>,
    /// Counts the runs that ended per application, so its history is read again.
    ended: BTreeMap<String, u64>,
    tickets: u64,
}

impl Deploys {
    pub fn panel(&self, app: &str) -> Option<&Panel> {
        self.panels.get(app)
    }

    pub fn shown(&self, app: &str) -> Shown {
        self.panel(app).map_or(Shown::Closed, Panel::shown)
    }

    pub fn running(&self, app: &str) -> Option<&Running> {
        match self.panel(app)? {
            Panel::Running(r) => Some(r),
            _ => None,
        }
    }

    /// A run of this desk is under way: nothing else may start.
    pub fn busy(&self, app: &str) -> bool {
        self.running(app).is_some_and(|r| !r.run.is_over())
    }

    pub fn ended(&self, app: &str) -> u64 {
        self.ended.get(app).copied().unwrap_or(0)
    }

    fn ticket(&mut self) -> u64 {
        self.tickets += 1;
        self.tickets
    }

    /// Opens a sync confirmation; `Some(ticket)` when prune candidates must be asked for.
    /// `None` as well when a run is under way and nothing opened: see [`Deploys::busy`].
    pub fn open_sync(&mut self, app: &str, mut draft: SyncDraft) -> Option<u64> {
        if self.busy(app) {
            return None;
        }
        let ticket = self.ticket();
        let ask = draft.ask_if_needed(ticket);
        self.panels.insert(app.to_string(), Panel::Sync(draft));
        ask.then_some(ticket)
    }

    /// Ticks or unticks prune; `Some(ticket)` when the candidates must be asked for.
    pub fn set_prune(&mut self, app: &str, on: bool) -> Option<u64> {
        let ticket = self.ticket();
        match self.panels.get_mut(app) {
            Some(Panel::Sync(draft)) => draft.set_prune(on, ticket).then_some(ticket),
            _ => None,
        }
    }

    pub fn candidates_loaded(
        &mut self,
        app: &str,
        ticket: u64,
        answer: Result<Vec<ResourceRef>, IpcError>,
    ) {
        if let Some(Panel::Sync(draft)) = self.panels.get_mut(app) {
            draft.candidates_loaded(ticket, answer);
        }
    }

    /// Opens a rollback confirmation; `Some(ticket)` to ask for its preview under.
    pub fn open_rollback(&mut self, app: &str, to: Option<String>) -> Option<u64> {
        if self.busy(app) {
            return None;
        }
        let ticket = self.ticket();
        let draft = RollbackDraft {
            to,
            preview: Preview::Loading(ticket),
            error: None,
        };
        self.panels.insert(app.to_string(), Panel::Rollback(draft));
        Some(ticket)
    }

    pub fn preview_loaded(
        &mut self,
        app: &str,
        ticket: u64,
        answer: Result<RollbackPreview, IpcError>,
    ) {
        if let Some(Panel::Rollback(draft)) = self.panels.get_mut(app)
            && draft.preview == Preview::Loading(ticket)
        {
            draft.preview = match answer {
                Ok(preview) => Preview::Loaded(Box::new(preview)),
                Err(error) => Preview::Failed(error),
            };
        }
    }

    pub fn open_kill_switch(&mut self, app: &str) -> bool {
        if self.busy(app) {
            return false;
        }
        let panel = Panel::KillSwitch { error: None };
        self.panels.insert(app.to_string(), panel);
        true
    }

    /// Opens the confirmation of an undo of Deployment `target`; `false` while a run is under
    /// way.
    pub fn open_undo(&mut self, app: &str, target: UndoTarget) -> bool {
        if self.busy(app) {
            return false;
        }
        let panel = Panel::Undo {
            target,
            error: None,
        };
        self.panels.insert(app.to_string(), panel);
        true
    }

    /// From a sync that failed on fields other managers own: the confirmation to take them
    /// over, re-running the same request with force.
    pub fn take_over(&mut self, app: &str) -> bool {
        let Some(Panel::Running(running)) = self.panels.get(app) else {
            return false;
        };
        let (Action::Sync(request), true) = (&running.action, running.run.is_over()) else {
            return false;
        };
        let conflicts = running.run.conflicts();
        if conflicts.is_empty() {
            return false;
        }
        let take_over = TakeOver {
            request: SyncRequest {
                force: true,
                ..request.clone()
            },
            conflicts,
            error: None,
            failed: running.clone(),
        };
        self.panels
            .insert(app.to_string(), Panel::TakeOver(take_over));
        true
    }

    /// Starts what the open confirmation confirms, as `operation`; the action to run, or
    /// `None` when it cannot start (see [`SyncDraft::blocked`], a preview not loaded).
    pub fn start(
        &mut self,
        app: &str,
        operation: &str,
        current_commit: Option<&str>,
    ) -> Option<Action> {
        let action = match self.panels.get(app)? {
            Panel::Sync(draft) => Action::Sync(draft.request(app, current_commit)?),
            Panel::Rollback(RollbackDraft {
                preview: Preview::Loaded(preview),
                ..
            }) => Action::Rollback {
                // What was previewed is what is applied, even if a newer deployment has
                // since changed which one is the last known good.
                to: Some(preview.target.id.clone()),
            },
            Panel::KillSwitch { .. } => Action::KillSwitch,
            Panel::TakeOver(t) => Action::Sync(t.request.clone()),
            Panel::Undo { target, .. } => Action::Undo(target.clone()),
            _ => return None,
        };
        let from = self.panels.remove(app)?.without_error();
        let running = Running {
            action: action.clone(),
            run: Run::new(operation.to_string()),
            from,
        };
        self.panels
            .insert(app.to_string(), Panel::Running(Box::new(running)));
        Some(action)
    }

    fn run_of(&mut self, app: &str, operation: &str) -> Option<&mut Box<Running>> {
        match self.panels.get_mut(app)? {
            Panel::Running(r) if r.run.operation == operation => Some(r),
            _ => None,
        }
    }

    pub fn progress(&mut self, app: &str, operation: &str, progress: SyncProgress) {
        if let Some(running) = self.run_of(app, operation) {
            let was_over = running.run.is_over();
            running.run.receive(progress);
            if !was_over && running.run.is_over() {
                *self.ended.entry(app.to_string()).or_default() += 1;
            }
        }
    }

    /// The command's answer. A refusal before anything started returns to the confirmation
    /// with the engine's words; a sync refused with prune asks for the candidates again
    /// (they are the likely reason): `Some(ticket)` for that question.
    pub fn finish(
        &mut self,
        app: &str,
        operation: &str,
        answer: Result<Deployment, IpcError>,
    ) -> Option<u64> {
        let running = self.run_of(app, operation)?;
        let refused = match &answer {
            Err(e) => !running.run.started() && e.code != ErrorCode::Cancelled,
            Ok(_) => false,
        };
        if !refused {
            let was_over = running.run.is_over();
            running.run.end(answer);
            if !was_over {
                *self.ended.entry(app.to_string()).or_default() += 1;
            }
            return None;
        }
        let Err(error) = answer else { return None };
        let from = std::mem::take(&mut running.from);
        let mut back = from.refused(error);
        let ticket = self.ticket();
        let ask = match &mut back {
            Panel::Sync(draft) if draft.prune => draft.ask_again(ticket),
            _ => false,
        };
        self.panels.insert(app.to_string(), back);
        ask.then_some(ticket)
    }

    /// Marks the run as being cancelled; the operation to cancel.
    pub fn cancel(&mut self, app: &str) -> Option<String> {
        match self.panels.get_mut(app)? {
            Panel::Running(r) if !r.run.is_over() => {
                r.run.cancelling = true;
                Some(r.run.operation.clone())
            }
            _ => None,
        }
    }

    /// Closes the panel; a take-over goes back to the failed run. A run under way stays.
    pub fn close(&mut self, app: &str) {
        if self.busy(app) {
            return;
        }
        if let Some(Panel::TakeOver(t)) = self.panels.remove(app) {
            self.panels
                .insert(app.to_string(), Panel::Running(t.failed));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync_draft::{Candidates, Scope};
    use shipdeck_ipc::deploy::{
        ApplyAction, DeploymentKind, DeploymentResult, FieldConflict, RecordPlace, ResourceResult,
    };
    use shipdeck_ipc::drift::DriftReport;

    const COMMIT: &str = "3f2a9c1d0e";

    fn draft(prune: bool) -> SyncDraft {
        let scope = Scope::Whole {
            objects: Some(2),
            out_of_sync: 1,
        };
        SyncDraft::new(scope, COMMIT.into(), prune)
    }

    fn web() -> ResourceRef {
        ResourceRef {
            group: "apps".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: "web".into(),
        }
    }

    fn deployment(id: &str, result: DeploymentResult) -> Deployment {
        Deployment {
            id: id.into(),
            app: "shop".into(),
            cluster: "prod".into(),
            seq: 1,
            kind: DeploymentKind::Sync,
            result,
            interrupted: false,
            revision: COMMIT.into(),
            commits: vec![],
            selection: vec![],
            started_at: "2024-05-01T12:00:00Z".into(),
            finished_at: None,
            by: "ana@desk".into(),
            identity: None,
            answers: None,
            restores: None,
            health: None,
            message: None,
            resources: vec![],
            has_manifests: true,
            place: RecordPlace::Cluster,
            incident: false,
        }
    }

    fn refused(message: &str) -> IpcError {
        IpcError::new(ErrorCode::Cluster, message)
    }

    #[test]
    fn a_sync_runs_from_its_confirmation_to_its_result() {
        let mut deploys = Deploys::default();
        assert_eq!(deploys.open_sync("shop", draft(false)), None);
        assert_eq!(deploys.shown("shop"), Shown::Sync);
        let Some(Action::Sync(request)) = deploys.start("shop", "op-1", Some(COMMIT)) else {
            panic!("not started");
        };
        assert_eq!(request.reviewed_commit.as_deref(), Some(COMMIT));
        assert!(deploys.busy("shop"));
        assert_eq!(
            deploys.open_sync("shop", draft(false)),
            None,
            "one at a time"
        );
        assert!(!deploys.open_kill_switch("shop"));
        assert_eq!(deploys.shown("shop"), Shown::Running);
        deploys.progress(
            "shop",
            "op-1",
            SyncProgress::Started {
                deployment: "shop.1".into(),
                total: 2,
            },
        );
        deploys.progress(
            "shop",
            "another",
            SyncProgress::Started {
                deployment: "shop.9".into(),
                total: 9,
            },
        );
        assert_eq!(deploys.running("shop").unwrap().run.total, 2);
        assert_eq!(deploys.cancel("shop").as_deref(), Some("op-1"));
        assert!(deploys.running("shop").unwrap().run.cancelling);
        deploys.close("shop");
        assert_eq!(
            deploys.shown("shop"),
            Shown::Running,
            "a run under way stays"
        );
        let done = deployment("shop.1", DeploymentResult::Cancelled);
        assert_eq!(deploys.finish("shop", "op-1", Ok(done)), None);
        assert!(!deploys.busy("shop"));
        assert_eq!(deploys.ended("shop"), 1);
        assert_eq!(
            deploys.running("shop").unwrap().run.result(),
            Some("cancelled")
        );
        assert_eq!(deploys.cancel("shop"), None, "nothing left to cancel");
        deploys.close("shop");
        assert_eq!(deploys.shown("shop"), Shown::Closed);
    }

    #[test]
    fn a_refusal_returns_to_the_confirmation_and_asks_for_the_prune_list_again() {
        let mut deploys = Deploys::default();
        let ticket = deploys
            .open_sync("shop", draft(true))
            .expect("prune preset");
        deploys.candidates_loaded("shop", ticket, Ok(vec![web()]));
        let Some(Action::Sync(request)) = deploys.start("shop", "op-1", Some(COMMIT)) else {
            panic!("not started");
        };
        assert_eq!(request.prune_confirmed, [web()]);
        let again = deploys.finish(
            "shop",
            "op-1",
            Err(refused(
                "what prune would delete changed since you confirmed it",
            )),
        );
        let Some(Panel::Sync(back)) = deploys.panel("shop") else {
            panic!("not back at the confirmation");
        };
        assert_eq!(
            back.error.as_ref().map(|e| e.message.as_str()),
            Some("what prune would delete changed since you confirmed it")
        );
        assert_eq!(back.candidates, Candidates::Loading(again.unwrap()));
        assert_eq!(deploys.ended("shop"), 0, "nothing ran");
        deploys.candidates_loaded("shop", again.unwrap(), Ok(vec![]));
        deploys.start("shop", "op-2", Some(COMMIT)).unwrap();
        let Some(Panel::Running(r)) = deploys.panel("shop") else {
            panic!()
        };
        assert_eq!(r.from.shown(), Shown::Sync);
        let Panel::Sync(from) = &r.from else { panic!() };
        assert_eq!(from.error, None, "the old refusal is not shown again");
    }

    #[test]
    fn a_failure_after_the_start_is_a_result_not_a_refusal() {
        let mut deploys = Deploys::default();
        deploys.open_kill_switch("shop");
        assert_eq!(
            deploys.start("shop", "op-1", None),
            Some(Action::KillSwitch)
        );
        deploys.progress(
            "shop",
            "op-1",
            SyncProgress::Started {
                deployment: "shop.2".into(),
                total: 1,
            },
        );
        deploys.finish("shop", "op-1", Err(refused("the app panicked")));
        assert_eq!(deploys.shown("shop"), Shown::Running);
        assert_eq!(
            deploys.running("shop").unwrap().run.result(),
            Some("failed")
        );
        assert_eq!(deploys.ended("shop"), 1);
    }

    #[test]
    fn a_kill_switch_refusal_stays_on_its_confirmation() {
        let mut deploys = Deploys::default();
        deploys.open_kill_switch("shop");
        deploys.start("shop", "op-1", None);
        deploys.finish(
            "shop",
            "op-1",
            Err(refused(
                "auto-sync is paused, but nothing was rolled back: no earlier deployment",
            )),
        );
        let Some(Panel::KillSwitch { error: Some(e) }) = deploys.panel("shop") else {
            panic!("not back at the kill switch");
        };
        assert!(e.message.starts_with("auto-sync is paused"));
    }

    #[test]
    fn a_rollback_applies_what_was_previewed() {
        let mut deploys = Deploys::default();
        let ticket = deploys.open_rollback("shop", None).unwrap();
        assert_eq!(
            deploys.start("shop", "op-1", None),
            None,
            "not previewed yet"
        );
        let preview = RollbackPreview {
            target: deployment("shop.4", DeploymentResult::Succeeded),
            answers: Some(deployment("shop.5", DeploymentResult::Failed)),
            report: DriftReport::new(vec![]),
        };
        deploys.preview_loaded("shop", ticket + 1, Err(refused("stale")));
        assert!(matches!(
            deploys.panel("shop"),
            Some(Panel::Rollback(RollbackDraft {
                preview: Preview::Loading(_),
                ..
            }))
        ));
        deploys.preview_loaded("shop", ticket, Ok(preview));
        assert_eq!(
            deploys.start("shop", "op-1", None),
            Some(Action::Rollback {
                to: Some("shop.4".into())
            })
        );
    }

    #[test]
    fn a_conflict_offers_the_same_sync_with_force_and_back_returns_to_it() {
        let mut deploys = Deploys::default();
        deploys.open_sync("shop", draft(false));
        deploys.start("shop", "op-1", Some(COMMIT));
        assert!(!deploys.take_over("shop"), "not while it runs");
        let mut failed = deployment("shop.1", DeploymentResult::Failed);
        failed.resources = vec![ResourceResult {
            resource: web(),
            action: ApplyAction::Failed,
            message: Some("fields another manager owns would change".into()),
            conflicts: vec![FieldConflict {
                field: ".spec.replicas".into(),
                manager: "kubectl-scale".into(),
            }],
            health: None,
            health_message: None,
        }];
        deploys.finish("shop", "op-1", Ok(failed));
        assert!(deploys.take_over("shop"));
        let Some(Panel::TakeOver(t)) = deploys.panel("shop") else {
            panic!()
        };
        assert!(t.request.force);
        assert_eq!(t.request.reviewed_commit.as_deref(), Some(COMMIT));
        assert_eq!(t.conflicts[0].manager, "kubectl-scale");
        deploys.close("shop");
        assert_eq!(
            deploys.shown("shop"),
            Shown::Running,
            "back to the failed run"
        );
        deploys.take_over("shop");
        let Some(Action::Sync(forced)) = deploys.start("shop", "op-2", None) else {
            panic!()
        };
        assert!(forced.force);
    }

    #[test]
    fn a_succeeded_sync_offers_no_take_over() {
        let mut deploys = Deploys::default();
        deploys.open_sync("shop", draft(false));
        deploys.start("shop", "op-1", Some(COMMIT));
        deploys.finish(
            "shop",
            "op-1",
            Ok(deployment("shop.1", DeploymentResult::Succeeded)),
        );
        assert!(!deploys.take_over("shop"));
    }

    fn web_target() -> UndoTarget {
        UndoTarget {
            namespace: "shop".into(),
            name: "web".into(),
        }
    }

    #[test]
    fn an_undo_runs_its_deployment_from_its_confirmation_and_a_refusal_comes_back_to_it() {
        let mut deploys = Deploys::default();
        assert!(deploys.open_undo("shop", web_target()));
        assert_eq!(deploys.shown("shop"), Shown::Undo);
        let action = deploys.start("shop", "op-1", None);
        assert_eq!(action, Some(Action::Undo(web_target())));
        assert_eq!(action.unwrap().title(), "Undo");
        assert!(deploys.busy("shop"));
        assert!(
            !deploys.open_undo("shop", web_target()),
            "not while a run is under way"
        );
        // Refused before the record was written: back at the confirmation, with why.
        deploys.finish(
            "shop",
            "op-1",
            Err(refused(
                "Deployment web has no revision before 1 to go back to",
            )),
        );
        let Some(Panel::Undo {
            target,
            error: Some(e),
        }) = deploys.panel("shop")
        else {
            panic!("not back at the undo confirmation");
        };
        assert_eq!(target, &web_target());
        assert!(e.message.contains("no revision before 1"));
        assert_eq!(deploys.ended("shop"), 0, "nothing ran");

        // Started this time: its progress and result are the run's, the refusal forgotten.
        deploys.start("shop", "op-2", None).unwrap();
        deploys.progress(
            "shop",
            "op-2",
            SyncProgress::Started {
                deployment: "shop.3".into(),
                total: 1,
            },
        );
        let mut undone = deployment("shop.3", DeploymentResult::Succeeded);
        undone.kind = DeploymentKind::Undo;
        deploys.finish("shop", "op-2", Ok(undone));
        let running = deploys.running("shop").unwrap();
        assert_eq!(running.action, Action::Undo(web_target()));
        assert_eq!(running.run.result(), Some("succeeded"));
        assert_eq!(
            running.from,
            Panel::Undo {
                target: web_target(),
                error: None
            }
        );
        assert_eq!(deploys.ended("shop"), 1);
        deploys.close("shop");
        assert_eq!(deploys.shown("shop"), Shown::Closed);
    }

    #[test]
    fn every_action_has_its_title() {
        assert_eq!(Action::KillSwitch.title(), "Kill switch");
        assert_eq!(Action::Rollback { to: None }.title(), "Rollback");
        assert_eq!(Action::Sync(SyncRequest::default()).title(), "Sync");
    }
}
