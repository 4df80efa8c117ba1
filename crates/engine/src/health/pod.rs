//! A Pod: a container waiting for a reason that is an error (`ErrImagePull`,
//! `CrashLoopBackOff`, `CreateContainerConfigError`) or a failed phase is Degraded; running and
//! ready (or succeeded) is Healthy; anything else is still coming up.

use super::{Health, condition, text};
use serde_json::Value;
use shipdeck_ipc::status::HealthStatus::*;

pub fn assess(p: &Value) -> Health {
    let statuses = ["/status/initContainerStatuses", "/status/containerStatuses"]
        .iter()
        .filter_map(|at| p.pointer(at).and_then(Value::as_array))
        .flatten();
    for status in statuses {
        let waiting = status
            .pointer("/state/waiting/reason")
            .and_then(Value::as_str);
        if let Some(reason) = waiting
            && (reason.starts_with("Err")
                || reason.ends_with("Error")
                || reason.ends_with("BackOff"))
        {
            let message = status
                .pointer("/state/waiting/message")
                .and_then(Value::as_str)
                .map_or_else(|| reason.to_string(), |m| format!("{reason}: {m}"));
            return Health::new(Degraded, message);
        }
    }
    match text(p, "/status/phase") {
        "Failed" => Health::new(Degraded, text(p, "/status/message").to_string()),
        "Succeeded" => Health::healthy(),
        // A pod that restarts always serves while ready; one meant to end (a Job's, OnFailure
        // or Never) is still working while it runs, as Argo CD sees it.
        "Running" if matches!(text(p, "/spec/restartPolicy"), "" | "Always") => {
            let ready = condition(p, "Ready")
                .and_then(|c| c.get("status"))
                .and_then(Value::as_str)
                == Some("True");
            if ready {
                Health::healthy()
            } else {
                Health::new(Progressing, "Running, not ready yet")
            }
        }
        "Running" => Health::new(Progressing, "Running to completion"),
        _ => Health::new(Progressing, "Pending"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn crash_loops_and_pull_errors_are_degraded_ready_is_healthy() {
        let crashing = json!({"status": {"phase": "Running", "containerStatuses": [
            {"state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m"}}}]}});
        assert_eq!(
            assess(&crashing),
            Health::new(Degraded, "CrashLoopBackOff: back-off 5m")
        );
        let pull = json!({"status": {"phase": "Pending", "initContainerStatuses": [
            {"state": {"waiting": {"reason": "ErrImagePull"}}}]}});
        assert_eq!(assess(&pull).status, Degraded);
        let creating = json!({"status": {"phase": "Pending", "containerStatuses": [
            {"state": {"waiting": {"reason": "ContainerCreating"}}}]}});
        assert_eq!(assess(&creating).status, Progressing);
        let ready = json!({"spec": {"restartPolicy": "Always"}, "status": {"phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}]}});
        assert_eq!(assess(&ready), Health::healthy());
        let not_ready = json!({"spec": {"restartPolicy": "Always"},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}]}});
        assert_eq!(assess(&not_ready).status, Progressing);
        assert_eq!(
            assess(&json!({"status": {"phase": "Failed", "message": "OOM"}})).status,
            Degraded
        );
    }
}
