//! How a deployment reads in the history: its result (a running record nobody runs any more is
//! "interrupted"), short revision, scope, who and how long, and which ones a rollback can go
//! back to. Pure, so the wording is tested natively.

use crate::format;
use shipdeck_ipc::deploy::{Deployment, DeploymentResult};

/// The result as shown and as `data-result`: `interrupted` for a cut-off running record.
pub fn result_label(d: &Deployment) -> &'static str {
    match d.result {
        DeploymentResult::Running if d.interrupted => "interrupted",
        other => other.label(),
    }
}

/// What "Roll back" goes back to without a target, as the engine chooses it: the newest
/// successful deployment older than the newest one that still holds its manifests.
pub fn last_known_good(history: &[Deployment]) -> Option<&Deployment> {
    history.iter().skip(1).find(|d| d.can_restore())
}

pub fn short_revision(revision: &str) -> String {
    revision.chars().take(7).collect()
}

/// "whole application", "1 resource", "4 resources".
pub fn scope(d: &Deployment) -> String {
    match d.selection.len() {
        0 => "whole application".into(),
        1 => "1 resource".into(),
        n => format!("{n} resources"),
    }
}

/// "ana@desk", or "ana@desk as system:admin" when the cluster identity is known.
pub fn who(d: &Deployment) -> String {
    match &d.identity {
        Some(identity) if !identity.is_empty() => format!("{} as {identity}", d.by),
        _ => d.by.clone(),
    }
}

/// How long it took: "45 s", "3 min 20 s", "1 h 5 min"; `None` while it runs or when a time
/// cannot be read.
pub fn took(d: &Deployment) -> Option<String> {
    let start = format::parse_rfc3339(&d.started_at)?;
    let end = format::parse_rfc3339(d.finished_at.as_deref()?)?;
    let secs = (end - start).max(0);
    Some(match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => match s % 60 {
            0 => format!("{} min", s / 60),
            r => format!("{} min {r} s", s / 60),
        },
        s => match s % 3600 / 60 {
            0 => format!("{} h", s / 3600),
            m => format!("{} h {m} min", s / 3600),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_ipc::deploy::{DeploymentKind, RecordPlace, ResourceRef};

    fn d(seq: u64, result: DeploymentResult, has_manifests: bool) -> Deployment {
        Deployment {
            id: format!("shop.{seq}"),
            app: "shop".into(),
            cluster: "prod".into(),
            seq,
            kind: DeploymentKind::Sync,
            result,
            interrupted: false,
            revision: "3f2a9c1d0e5b".into(),
            commits: vec![],
            selection: vec![],
            started_at: "2024-05-01T12:00:00Z".into(),
            finished_at: Some("2024-05-01T12:03:20Z".into()),
            by: "ana@desk".into(),
            identity: None,
            answers: None,
            restores: None,
            health: None,
            message: None,
            resources: vec![],
            has_manifests,
            place: RecordPlace::Cluster,
            incident: false,
        }
    }

    #[test]
    fn a_running_record_nobody_runs_is_interrupted() {
        let mut running = d(3, DeploymentResult::Running, true);
        assert_eq!(result_label(&running), "running");
        running.interrupted = true;
        assert_eq!(result_label(&running), "interrupted");
        assert_eq!(
            result_label(&d(2, DeploymentResult::Cancelled, true)),
            "cancelled"
        );
    }

    #[test]
    fn the_last_known_good_skips_the_newest_and_what_cannot_be_restored() {
        use DeploymentResult::*;
        let history = [
            d(9, Succeeded, true),
            d(8, Failed, true),
            d(7, Succeeded, false),
            d(6, Succeeded, true),
            d(5, Succeeded, true),
        ];
        assert_eq!(last_known_good(&history).map(|d| d.seq), Some(6));
        assert_eq!(last_known_good(&history[..3]), None);
        assert_eq!(last_known_good(&[]), None);
        let restorable: Vec<u64> = history
            .iter()
            .filter(|d| d.can_restore())
            .map(|d| d.seq)
            .collect();
        assert_eq!(restorable, [9, 6, 5]);
    }

    #[test]
    fn rows_read_naturally() {
        let mut one = d(1, DeploymentResult::Succeeded, true);
        assert_eq!(short_revision(&one.revision), "3f2a9c1");
        assert_eq!(scope(&one), "whole application");
        assert_eq!(who(&one), "ana@desk");
        assert_eq!(took(&one).as_deref(), Some("3 min 20 s"));
        one.identity = Some("system:admin".into());
        one.selection = vec![ResourceRef {
            group: String::new(),
            kind: "Service".into(),
            namespace: None,
            name: "web".into(),
        }];
        assert_eq!(scope(&one), "1 resource");
        assert_eq!(who(&one), "ana@desk as system:admin");
        one.finished_at = Some("2024-05-01T13:05:00Z".into());
        assert_eq!(took(&one).as_deref(), Some("1 h 5 min"));
        one.finished_at = Some("2024-05-01T12:00:45Z".into());
        assert_eq!(took(&one).as_deref(), Some("45 s"));
        one.finished_at = None;
        assert_eq!(took(&one), None);
    }
}
