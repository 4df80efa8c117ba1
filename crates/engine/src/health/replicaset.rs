//! A ReplicaSet: its replicas available; a replica failure (quota, admission) is Degraded.

use super::{Health, condition, int, observed};
use serde_json::Value;
use shipdeck_ipc::status::HealthStatus::*;

pub fn assess(r: &Value) -> Health {
    if !observed(r) {
        return Health::new(
            Progressing,
            "Waiting for the controller to see the latest spec",
        );
    }
    if let Some(failure) = condition(r, "ReplicaFailure")
        .filter(|c| c.get("status").and_then(Value::as_str) == Some("True"))
    {
        let message = failure
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("Replica failure");
        return Health::new(Degraded, message);
    }
    let wanted = int(r, "/spec/replicas").unwrap_or(1);
    let available = int(r, "/status/availableReplicas").unwrap_or(0);
    if available < wanted {
        return Health::new(
            Progressing,
            format!("{available} of {wanted} replicas available"),
        );
    }
    Health::healthy()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn available_or_failing() {
        let ok = json!({"spec": {"replicas": 2}, "status": {"availableReplicas": 2}});
        assert_eq!(assess(&ok), Health::healthy());
        let failing = json!({"spec": {"replicas": 2}, "status": {"conditions": [
            {"type": "ReplicaFailure", "status": "True", "message": "exceeded quota"}]}});
        assert_eq!(assess(&failing), Health::new(Degraded, "exceeded quota"));
    }
}
