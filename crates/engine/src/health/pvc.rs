//! A PersistentVolumeClaim: Bound is Healthy, Pending Progressing, Lost Degraded.

use super::{Health, text};
use serde_json::Value;
use shipdeck_ipc::status::HealthStatus::*;

pub fn assess(c: &Value) -> Health {
    match text(c, "/status/phase") {
        "Bound" => Health::healthy(),
        "Lost" => Health::new(Degraded, "The claim lost its volume"),
        _ => Health::new(Progressing, "Waiting for a volume"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn by_phase() {
        assert_eq!(
            assess(&json!({"status": {"phase": "Bound"}})),
            Health::healthy()
        );
        assert_eq!(
            assess(&json!({"status": {"phase": "Pending"}})).status,
            Progressing
        );
        assert_eq!(
            assess(&json!({"status": {"phase": "Lost"}})).status,
            Degraded
        );
    }
}
