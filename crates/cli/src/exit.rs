//! Exit codes, as `kubectl diff` and `flux diff` use them, so a pipeline can tell "no drift"
//! from "drift" from "could not tell".

use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::drift::DriftReport;
use std::process::ExitCode;

/// An exit code; the worst of several outcomes is the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Code(u8);

impl Code {
    /// Every resource is Synced.
    pub const SYNCED: Code = Code(0);
    /// Something is OutOfSync.
    pub const OUT_OF_SYNC: Code = Code(1);
    /// An error: nothing to compare, or a resource that could not be compared.
    pub const ERROR: Code = Code(2);
    /// A bug in Shipdeck (a caught panic).
    pub const PANIC: Code = Code(3);

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
}
