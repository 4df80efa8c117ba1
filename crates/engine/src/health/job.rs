//! A Job: Complete is Healthy, Failed Degraded (with the controller's message), suspended is
//! Suspended, anything else is running.

use super::{Health, condition};
use serde_json::Value;
use shipdeck_ipc::status::HealthStatus::*;

pub fn assess(j: &Value) -> Health {
    let is_true = |kind: &str| {
        condition(j, kind).filter(|c| c.get("status").and_then(Value::as_str) == Some("True"))
    };
    if let Some(failed) = is_true("Failed") {
        let message = failed
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("Job failed");
        return Health::new(Degraded, message);
    }
    if is_true("Complete").is_some() {
        return Health::healthy();
    }
    if j.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true) {
        return Health::new(Suspended, "Job is suspended");
    }
    Health::new(Progressing, "Job is running")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn complete_failed_suspended_running() {
        let done = json!({"status": {"conditions": [{"type": "Complete", "status": "True"}]}});
        assert_eq!(assess(&done), Health::healthy());
        let failed = json!({"status": {"conditions": [
            {"type": "Failed", "status": "True", "message": "BackoffLimitExceeded"}]}});
        assert_eq!(
            assess(&failed),
            Health::new(Degraded, "BackoffLimitExceeded")
        );
        assert_eq!(
            assess(&json!({"spec": {"suspend": true}})).status,
            Suspended
        );
        assert_eq!(
            assess(&json!({"status": {"active": 1}})).status,
            Progressing
        );
    }
}
