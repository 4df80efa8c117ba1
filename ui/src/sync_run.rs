//! One sync, rollback or kill switch as the window follows it: the progress the engine streams,
//! folded into rows (one per object, in the order they were first heard of), counts for the
//! bar, and how it ended. The command's answer is the last word; progress heard after it is
//! ignored, since the channel and the answer can arrive in either order.

use shipdeck_ipc::deploy::{
    ApplyAction, Deployment, DeploymentResult, FieldConflict, ResourceResult, SyncProgress,
};
use shipdeck_ipc::{ErrorCode, HealthStatus, IpcError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Asked; the record is not written yet.
    Starting,
    Applying,
    /// Watching the rollout until it is Healthy.
    RollingOut,
    Ended,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The engine's record of how it ended.
    Finished(Box<Deployment>),
    /// The command failed after the deployment had started (or was cancelled before).
    Broken(IpcError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The id `operation_cancel` takes.
    pub operation: String,
    /// The deployment's id, once its record is written.
    pub deployment: Option<String>,
    pub stage: Stage,
    pub rows: Vec<ResourceResult>,
    pub applied: usize,
    pub total: usize,
    pub healthy: usize,
    pub watched: usize,
    pub cancelling: bool,
    pub outcome: Option<Outcome>,
}

/// A `<progress>`'s value and max; max is never 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    pub value: usize,
    pub max: usize,
}

/// A field another manager owns, with the object it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub resource: String,
    pub field: String,
    pub manager: String,
}

impl Run {
    pub fn new(operation: String) -> Self {
        Self {
            operation,
            deployment: None,
            stage: Stage::Starting,
            rows: Vec::new(),
            applied: 0,
            total: 0,
            healthy: 0,
            watched: 0,
            cancelling: false,
            outcome: None,
        }
    }

    pub fn is_over(&self) -> bool {
        self.outcome.is_some()
    }

    /// Whether the engine wrote the deployment's record: before that, a failure is a refusal
    /// and nothing was applied.
    pub fn started(&self) -> bool {
        self.deployment.is_some()
    }

    pub fn receive(&mut self, progress: SyncProgress) {
        if self.is_over() {
            return;
        }
        match progress {
            SyncProgress::Started { deployment, total } => {
                self.deployment = Some(deployment);
                self.total = total;
                self.stage = Stage::Applying;
            }
            SyncProgress::Applied {
                result,
                done,
                total,
            } => {
                self.applied = done;
                self.total = total;
                self.stage = Stage::Applying;
                self.upsert(result);
            }
            SyncProgress::Health {
                resources,
                healthy,
                total,
            } => {
                self.healthy = healthy;
                self.watched = total;
                self.stage = Stage::RollingOut;
                for r in resources {
                    self.upsert(r);
                }
            }
            SyncProgress::Finished { deployment } => self.end(Ok(deployment)),
        }
    }

    /// The command's answer.
    pub fn end(&mut self, answer: Result<Deployment, IpcError>) {
        self.stage = Stage::Ended;
        self.cancelling = false;
        match answer {
            Ok(deployment) => {
                self.deployment = Some(deployment.id.clone());
                for r in &deployment.resources {
                    self.upsert(r.clone());
                }
                self.outcome = Some(Outcome::Finished(Box::new(deployment)));
            }
            Err(error) => self.outcome = Some(Outcome::Broken(error)),
        }
    }

    fn upsert(&mut self, result: ResourceResult) {
        match self.rows.iter_mut().find(|r| r.resource == result.resource) {
            Some(row) => *row = result,
            None => self.rows.push(result),
        }
    }

    /// Applied of all during the apply, Healthy of those watched during the rollout; `None`
    /// (an indeterminate bar) until the engine says how many there are.
    pub fn bar(&self) -> Option<Bar> {
        let (value, max) = match self.stage {
            Stage::Starting => return None,
            Stage::Applying => (self.applied, self.total),
            Stage::RollingOut => (self.healthy, self.watched),
            Stage::Ended if self.result() == Some("succeeded") => {
                let max = self.total.max(1);
                (max, max)
            }
            Stage::Ended if self.watched > 0 && self.applied == self.total => {
                (self.healthy, self.watched)
            }
            Stage::Ended => (self.applied, self.total),
        };
        Some(Bar {
            value: value.min(max.max(1)),
            max: max.max(1),
        })
    }

    /// Where it stands, in words.
    pub fn headline(&self) -> String {
        let of = |n: usize, total: usize, what: &str| format!("{n} of {total} {what}");
        match self.stage {
            Stage::Starting => {
                "Starting: taking the lease and writing the deployment record…".into()
            }
            Stage::Applying if self.cancelling => format!(
                "Cancelling… ({})",
                of(self.applied, self.total, "objects applied")
            ),
            Stage::Applying => format!("Applying: {}", of(self.applied, self.total, "objects")),
            Stage::RollingOut if self.cancelling => "Cancelling the rollout watch…".into(),
            Stage::RollingOut => {
                format!("Rolling out: {}", of(self.healthy, self.watched, "Healthy"))
            }
            Stage::Ended => match self.result() {
                Some("succeeded") => "Succeeded".into(),
                Some("cancelled") => "Cancelled".into(),
                _ => "Failed".into(),
            },
        }
    }

    /// `succeeded`, `failed` or `cancelled` once over.
    pub fn result(&self) -> Option<&'static str> {
        Some(match self.outcome.as_ref()? {
            Outcome::Finished(d) => match d.result {
                // A record the engine handed back as running did not end as it should.
                DeploymentResult::Running | DeploymentResult::Failed => "failed",
                DeploymentResult::Succeeded => "succeeded",
                DeploymentResult::Cancelled => "cancelled",
            },
            Outcome::Broken(e) if e.code == ErrorCode::Cancelled => "cancelled",
            Outcome::Broken(_) => "failed",
        })
    }

    /// Why it ended as it did, in the engine's words.
    pub fn message(&self) -> Option<String> {
        match self.outcome.as_ref()? {
            Outcome::Finished(d) => d.message.clone(),
            Outcome::Broken(e) => Some(e.message.clone()),
        }
    }

    /// The fields other managers own that kept the sync from applying, when it failed for
    /// them.
    pub fn conflicts(&self) -> Vec<Conflict> {
        let Some(Outcome::Finished(d)) = &self.outcome else {
            return Vec::new();
        };
        if d.result != DeploymentResult::Failed {
            return Vec::new();
        }
        d.resources
            .iter()
            .flat_map(|r| {
                r.conflicts
                    .iter()
                    .map(|FieldConflict { field, manager }| Conflict {
                        resource: r.resource.display(),
                        field: field.clone(),
                        manager: manager.clone(),
                    })
            })
            .collect()
    }

    /// How many rows ended each way, for the summary under the bar.
    pub fn tally(&self) -> String {
        let mut parts = Vec::new();
        for action in [
            ApplyAction::Created,
            ApplyAction::Configured,
            ApplyAction::Unchanged,
            ApplyAction::Pruned,
            ApplyAction::Failed,
            ApplyAction::NotApplied,
        ] {
            let n = self.rows.iter().filter(|r| r.action == action).count();
            if n > 0 {
                parts.push(format!("{n} {}", action.label()));
            }
        }
        parts.join(", ")
    }
}

/// An action as a `data-action` value: one word, no spaces.
pub fn action_id(action: ApplyAction) -> &'static str {
    match action {
        ApplyAction::NotApplied => "not-applied",
        other => other.label(),
    }
}

/// A health as a `data-health` value; `none` for kinds without a health rule.
pub fn health_id(health: Option<HealthStatus>) -> &'static str {
    health.map_or("none", HealthStatus::label)
}

/// The confirmation of a take-over, naming every field and who owns it now.
pub fn take_over_question(conflicts: &[Conflict]) -> String {
    let fields: Vec<String> = conflicts
        .iter()
        .map(|c| format!("{} of {} (owned by {})", c.field, c.resource, c.manager))
        .collect();
    let managers = {
        let mut m: Vec<&str> = conflicts.iter().map(|c| c.manager.as_str()).collect();
        m.sort_unstable();
        m.dedup();
        m.join(", ")
    };
    let (these, its, it) = match fields.len() {
        1 => ("this field", "its", "it"),
        _ => ("these fields", "their", "them"),
    };
    format!(
        "Take over {these}: {}? Shipdeck becomes {its} manager and sets {it} as Git declares; \
         {managers} will no longer own {it}.",
        fields.join("; "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_ipc::deploy::{DeploymentKind, RecordPlace, ResourceRef};

    fn res(name: &str) -> ResourceRef {
        ResourceRef {
            group: "apps".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: name.into(),
        }
    }

    fn result(name: &str, action: ApplyAction) -> ResourceResult {
        ResourceResult {
            resource: res(name),
            action,
            message: None,
            conflicts: vec![],
            health: None,
            health_message: None,
        }
    }

    fn deployment(result: DeploymentResult, resources: Vec<ResourceResult>) -> Deployment {
        Deployment {
            id: "shop.7".into(),
            app: "shop".into(),
            cluster: "prod".into(),
            seq: 7,
            kind: DeploymentKind::Sync,
            result,
            interrupted: false,
            revision: "3f2a9c1d0e".into(),
            commits: vec![],
            selection: vec![],
            started_at: "2024-05-01T12:00:00Z".into(),
            finished_at: Some("2024-05-01T12:01:00Z".into()),
            by: "ana@desk".into(),
            identity: None,
            answers: None,
            restores: None,
            health: None,
            message: None,
            resources,
            has_manifests: true,
            place: RecordPlace::Cluster,
            incident: false,
        }
    }

    #[test]
    fn the_bar_follows_the_apply_then_the_rollout() {
        let mut run = Run::new("op".into());
        assert_eq!(run.bar(), None, "indeterminate until the total is known");
        run.receive(SyncProgress::Started {
            deployment: "shop.7".into(),
            total: 3,
        });
        assert!(run.started());
        assert_eq!(run.bar(), Some(Bar { value: 0, max: 3 }));
        run.receive(SyncProgress::Applied {
            result: result("web", ApplyAction::Configured),
            done: 1,
            total: 3,
        });
        run.receive(SyncProgress::Applied {
            result: result("api", ApplyAction::Created),
            done: 2,
            total: 3,
        });
        assert_eq!(run.bar(), Some(Bar { value: 2, max: 3 }));
        assert_eq!(run.headline(), "Applying: 2 of 3 objects");
        let mut web = result("web", ApplyAction::Configured);
        web.health = Some(HealthStatus::Progressing);
        let mut api = result("api", ApplyAction::Created);
        api.health = Some(HealthStatus::Healthy);
        run.receive(SyncProgress::Health {
            resources: vec![web, api],
            healthy: 1,
            total: 2,
        });
        assert_eq!(run.bar(), Some(Bar { value: 1, max: 2 }));
        assert_eq!(run.headline(), "Rolling out: 1 of 2 Healthy");
        assert_eq!(run.rows.len(), 2, "health updates rows in place");
        assert_eq!(run.rows[0].health, Some(HealthStatus::Progressing));
    }

    #[test]
    fn the_answer_is_the_last_word() {
        let mut run = Run::new("op".into());
        run.receive(SyncProgress::Started {
            deployment: "shop.7".into(),
            total: 2,
        });
        run.receive(SyncProgress::Applied {
            result: result("web", ApplyAction::Configured),
            done: 1,
            total: 2,
        });
        let done = deployment(
            DeploymentResult::Succeeded,
            vec![
                result("web", ApplyAction::Configured),
                result("db", ApplyAction::Unchanged),
            ],
        );
        run.end(Ok(done.clone()));
        run.receive(SyncProgress::Applied {
            result: result("late", ApplyAction::Failed),
            done: 2,
            total: 2,
        });
        run.receive(SyncProgress::Finished { deployment: done });
        assert_eq!(run.result(), Some("succeeded"));
        let names: Vec<&str> = run.rows.iter().map(|r| r.resource.name.as_str()).collect();
        assert_eq!(names, ["web", "db"], "kept in the order first heard of");
        assert_eq!(run.bar(), Some(Bar { value: 2, max: 2 }));
        assert_eq!(run.tally(), "1 configured, 1 unchanged");
    }

    #[test]
    fn failures_and_cancels_are_told_apart() {
        let mut run = Run::new("op".into());
        run.end(Err(IpcError::new(ErrorCode::Cancelled, "cancelled")));
        assert_eq!(run.result(), Some("cancelled"));
        let mut run = Run::new("op".into());
        run.end(Err(IpcError::new(ErrorCode::Internal, "panicked")));
        assert_eq!(run.result(), Some("failed"));
        assert_eq!(run.message().as_deref(), Some("panicked"));
        let mut run = Run::new("op".into());
        let mut cut = deployment(DeploymentResult::Cancelled, vec![]);
        cut.message = Some("cancelled after 1 of 3 objects".into());
        run.end(Ok(cut));
        assert_eq!(run.result(), Some("cancelled"));
        assert_eq!(run.headline(), "Cancelled");
        assert_eq!(
            run.message().as_deref(),
            Some("cancelled after 1 of 3 objects")
        );
    }

    #[test]
    fn conflicts_name_fields_and_managers() {
        let mut web = result("web", ApplyAction::Failed);
        web.conflicts = vec![
            FieldConflict {
                field: ".spec.replicas".into(),
                manager: "kubectl-scale".into(),
            },
            FieldConflict {
                field: ".spec.template.spec.containers[name=\"web\"].image".into(),
                manager: "kubectl-set".into(),
            },
        ];
        let mut run = Run::new("op".into());
        run.end(Ok(deployment(DeploymentResult::Failed, vec![web])));
        let conflicts = run.conflicts();
        assert_eq!(conflicts.len(), 2);
        assert_eq!(conflicts[0].resource, "Deployment/shop/web");
        let question = take_over_question(&conflicts[..1]);
        assert_eq!(
            question,
            "Take over this field: .spec.replicas of Deployment/shop/web (owned by kubectl-scale)? \
             Shipdeck becomes its manager and sets it as Git declares; kubectl-scale will no \
             longer own it."
        );
        assert!(take_over_question(&conflicts).contains("kubectl-scale, kubectl-set"));
        let mut ok = Run::new("op".into());
        ok.end(Ok(deployment(DeploymentResult::Succeeded, vec![])));
        assert!(ok.conflicts().is_empty());
    }

    #[test]
    fn attribute_values_have_no_spaces() {
        assert_eq!(action_id(ApplyAction::NotApplied), "not-applied");
        assert_eq!(action_id(ApplyAction::Configured), "configured");
        assert_eq!(health_id(None), "none");
        assert_eq!(health_id(Some(HealthStatus::Degraded)), "Degraded");
    }
}
