//! A DaemonSet: every scheduled pod updated and available, unless it updates on delete.

use super::{Health, int, observed, text};
use serde_json::Value;
use shipdeck_ipc::status::HealthStatus::*;

pub fn assess(d: &Value) -> Health {
    if !observed(d) {
        return Health::new(
            Progressing,
            "Waiting for the controller to see the latest spec",
        );
    }
    if text(d, "/spec/updateStrategy/type") == "OnDelete" {
        return Health::healthy();
    }
    let desired = int(d, "/status/desiredNumberScheduled").unwrap_or(0);
    let updated = int(d, "/status/updatedNumberScheduled").unwrap_or(0);
    let available = int(d, "/status/numberAvailable").unwrap_or(0);
    if updated < desired {
        return Health::new(Progressing, format!("{updated} of {desired} pods updated"));
    }
    if available < desired {
        return Health::new(
            Progressing,
            format!("{available} of {desired} pods available"),
        );
    }
    Health::healthy()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn updated_and_available_everywhere() {
        let mut d = json!({"metadata": {"generation": 3},
            "status": {"observedGeneration": 3, "desiredNumberScheduled": 2,
                       "updatedNumberScheduled": 2, "numberAvailable": 2}});
        assert_eq!(assess(&d), Health::healthy());
        d["status"]["numberAvailable"] = json!(1);
        assert_eq!(assess(&d).status, Progressing);
        d["spec"] = json!({"updateStrategy": {"type": "OnDelete"}});
        assert_eq!(assess(&d), Health::healthy());
    }
}
