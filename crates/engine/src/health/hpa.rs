//! A HorizontalPodAutoscaler: unable to scale or to read its metrics is Degraded; no
//! conditions yet is Progressing; otherwise Healthy.

use super::{Health, condition};
use serde_json::Value;
use shipdeck_ipc::status::HealthStatus::*;

pub fn assess(h: &Value) -> Health {
    let has_conditions = h
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|c| !c.is_empty());
    if !has_conditions {
        return Health::new(Progressing, "Waiting for the autoscaler to act");
    }
    for kind in ["AbleToScale", "ScalingActive"] {
        let Some(c) = condition(h, kind) else {
            continue;
        };
        let failing = c.get("status").and_then(Value::as_str) == Some("False")
            && c.get("reason").and_then(Value::as_str) != Some("ScalingDisabled");
        if failing {
            let message = c.get("message").and_then(Value::as_str).unwrap_or(kind);
            return Health::new(Degraded, message);
        }
    }
    Health::healthy()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn failing_metrics_are_degraded() {
        assert_eq!(assess(&json!({"status": {}})).status, Progressing);
        let ok = json!({"status": {"conditions": [
            {"type": "AbleToScale", "status": "True"},
            {"type": "ScalingActive", "status": "True"}]}});
        assert_eq!(assess(&ok), Health::healthy());
        let blind = json!({"status": {"conditions": [
            {"type": "ScalingActive", "status": "False", "reason": "FailedGetResourceMetric",
             "message": "no metrics returned"}]}});
        assert_eq!(assess(&blind), Health::new(Degraded, "no metrics returned"));
        let disabled = json!({"status": {"conditions": [
            {"type": "ScalingActive", "status": "False", "reason": "ScalingDisabled"}]}});
        assert_eq!(assess(&disabled), Health::healthy());
    }
}
