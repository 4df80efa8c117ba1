//! A Deployment: rolled out when the controller saw its spec and every replica is updated and
//! available; a rollout past its progress deadline is Degraded; a paused one Suspended.

use super::{Health, condition, int, observed};
use serde_json::Value;
use shipdeck_ipc::status::HealthStatus::*;

pub fn assess(d: &Value) -> Health {
    if d.pointer("/spec/paused").and_then(Value::as_bool) == Some(true) {
        return Health::new(Suspended, "Deployment is paused");
    }
    if !observed(d) {
        return Health::new(
            Progressing,
            "Waiting for rollout to finish: the controller has not seen the latest spec",
        );
    }
    if condition(d, "Progressing")
        .and_then(|c| c.get("reason"))
        .and_then(Value::as_str)
        == Some("ProgressDeadlineExceeded")
    {
        return Health::new(Degraded, "Deployment exceeded its progress deadline");
    }
    let wanted = int(d, "/spec/replicas").unwrap_or(1);
    let updated = int(d, "/status/updatedReplicas").unwrap_or(0);
    let replicas = int(d, "/status/replicas").unwrap_or(0);
    let available = int(d, "/status/availableReplicas").unwrap_or(0);
    if updated < wanted {
        return Health::new(
            Progressing,
            format!("Waiting for rollout to finish: {updated} of {wanted} new replicas updated"),
        );
    }
    if replicas > updated {
        return Health::new(
            Progressing,
            format!(
                "Waiting for rollout to finish: {} old replicas pending termination",
                replicas - updated
            ),
        );
    }
    if available < updated {
        return Health::new(
            Progressing,
            format!(
                "Waiting for rollout to finish: {available} of {updated} updated replicas available"
            ),
        );
    }
    Health::healthy()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(status: Value) -> Value {
        json!({"metadata": {"generation": 2}, "spec": {"replicas": 3}, "status": status})
    }

    #[test]
    fn rolled_out_progressing_stuck_and_paused() {
        let done = deployment(json!({"observedGeneration": 2, "replicas": 3,
            "updatedReplicas": 3, "availableReplicas": 3}));
        assert_eq!(assess(&done), Health::healthy());
        let unseen = deployment(json!({"observedGeneration": 1}));
        assert_eq!(assess(&unseen).status, Progressing);
        let rolling = deployment(json!({"observedGeneration": 2, "replicas": 4,
            "updatedReplicas": 3, "availableReplicas": 3}));
        assert!(assess(&rolling).message.unwrap().contains("1 old replicas"));
        let stuck = deployment(json!({"observedGeneration": 2, "updatedReplicas": 1,
            "conditions": [{"type": "Progressing", "status": "False",
                            "reason": "ProgressDeadlineExceeded"}]}));
        assert_eq!(assess(&stuck).status, Degraded);
        let mut paused = done.clone();
        paused["spec"]["paused"] = json!(true);
        assert_eq!(assess(&paused).status, Suspended);
        let unavailable = deployment(json!({"observedGeneration": 2, "replicas": 3,
            "updatedReplicas": 3, "availableReplicas": 2}));
        assert_eq!(assess(&unavailable).status, Progressing);
    }
}
