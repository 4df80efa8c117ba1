//! Exit codes, as `kubectl diff` and `flux diff` use them, so a pipeline can tell "no drift"
//! from "drift" from "could not tell". A sync or rollback keeps the same scale: 0 it is done
//! and Healthy, 1 it ran and the cluster is not what was asked, 2 nothing was deployed.

use shipdeck_ipc::deploy::{Deployment, DeploymentResult};
use shipdeck_ipc::drift::DriftReport;
use shipdeck_ipc::{HealthStatus, SyncStatus};
use std::process::ExitCode;

/// An exit code; the worst of several outcomes is the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Code(u8);

impl Code {
    /// Every resource is Synced.
    pub const SYNCED: Code = Code(0);
    /// Done, for commands that compare nothing (`dora`, `history`).
    pub const DONE: Code = Code(0);
    /// Something is OutOfSync.
    pub const OUT_OF_SYNC: Code = Code(1);
    /// An error: nothing to compare, or a resource that could not be compared.
    pub const ERROR: Code = Code(2);
    /// A bug in Shipdeck (a caught panic).
    pub const PANIC: Code = Code(3);
    /// A second Ctrl-C during a sync: what a shell reports for a process SIGINT ended.
    pub const INTERRUPTED: Code = Code(130);

    /// A report's code: an empty report (nothing compared), an incomplete one (something
    /// left out) or Unknown anywhere is an error, else OutOfSync anywhere is 1.
    pub fn of(report: &DriftReport) -> Code {
        if report.resources.is_empty() || !report.incomplete.is_empty() {
            return Code::ERROR;
        }
        match report.status() {
            SyncStatus::Synced => Code::SYNCED,
            SyncStatus::OutOfSync => Code::OUT_OF_SYNC,
            SyncStatus::Unknown => Code::ERROR,
        }
    }

    /// A finished deployment's code: 0 only when it succeeded and nothing it watched is
    /// anything but Healthy; a deployment that ran and did not is 1, like drift, since the
    /// cluster is not what was asked and the record says why.
    pub fn of_deployment(deployment: &Deployment) -> Code {
        let healthy = deployment.health.is_none_or(|h| h == HealthStatus::Healthy);
        match deployment.result {
            DeploymentResult::Succeeded if healthy => Code::SYNCED,
            // `sync::run` never returns one still running; should it, it is not done.
            DeploymentResult::Succeeded
            | DeploymentResult::Failed
            | DeploymentResult::Cancelled
            | DeploymentResult::Running => Code::OUT_OF_SYNC,
        }
    }

    /// For `std::process::exit`, which takes no `ExitCode`.
    pub fn number(self) -> i32 {
        self.0.into()
    }

    pub fn worst(self, other: Code) -> Code {
        self.max(other)
    }
}

impl From<Code> for ExitCode {
    fn from(code: Code) -> ExitCode {
        ExitCode::from(code.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_ipc::drift::ResourceDrift;

    fn resource(status: SyncStatus) -> ResourceDrift {
        ResourceDrift {
            health: None,
            group: String::new(),
            version: "v1".into(),
            kind: "ConfigMap".into(),
            namespace: Some("ns".into()),
            name: "x".into(),
            status,
            reason: None,
            changes: vec![],
            ignored: vec![],
            message: None,
            live_yaml: None,
            desired_yaml: None,
        }
    }

    #[test]
    fn unknown_wins_over_out_of_sync_which_wins_over_synced() {
        let report = |statuses: &[SyncStatus]| {
            DriftReport::new(statuses.iter().map(|s| resource(*s)).collect())
        };
        use SyncStatus::*;
        // Nothing compared is not "no drift".
        assert_eq!(Code::of(&report(&[])), Code::ERROR);
        assert_eq!(Code::of(&report(&[Synced, Synced])), Code::SYNCED);
        assert_eq!(Code::of(&report(&[Synced, OutOfSync])), Code::OUT_OF_SYNC);
        assert_eq!(Code::of(&report(&[OutOfSync, Unknown])), Code::ERROR);
        // Something left out of the comparison: not "no drift", nor only "drift".
        let mut incomplete = report(&[Synced, OutOfSync]);
        incomplete
            .incomplete
            .push("extra Secret objects in shop could not be listed".into());
        assert_eq!(Code::of(&incomplete), Code::ERROR);
        assert_eq!(Code::OUT_OF_SYNC.worst(Code::SYNCED), Code::OUT_OF_SYNC);
        assert_eq!(Code::OUT_OF_SYNC.worst(Code::ERROR), Code::ERROR);
    }

    #[test]
    fn a_deployment_is_0_only_when_it_succeeded_healthy() {
        let deployment = |result, health| Deployment {
            result,
            health,
            ..crate::output::deployment::tests::sample()
        };
        use DeploymentResult::*;
        use HealthStatus::*;
        assert_eq!(
            Code::of_deployment(&deployment(Succeeded, Some(Healthy))),
            Code::SYNCED
        );
        // Only prunes: nothing to watch.
        assert_eq!(
            Code::of_deployment(&deployment(Succeeded, None)),
            Code::SYNCED
        );
        for (result, health) in [
            (Succeeded, Some(Progressing)),
            (Failed, Some(Degraded)),
            (Failed, None),
            (Cancelled, Some(Healthy)),
            (Running, None),
        ] {
            assert_eq!(
                Code::of_deployment(&deployment(result, health)),
                Code::OUT_OF_SYNC,
                "{result:?} {health:?}"
            );
        }
    }
}
