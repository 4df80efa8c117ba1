//! A StatefulSet: its replicas ready and, unless it updates on delete, the update revision
//! rolled out (up to the partition of a partitioned rolling update).

use super::{Health, int, observed, text};
use serde_json::Value;
use shipdeck_ipc::status::HealthStatus::*;

pub fn assess(s: &Value) -> Health {
    if !observed(s) || int(s, "/status/observedGeneration").unwrap_or(0) == 0 {
        return Health::new(
            Progressing,
            "Waiting for the controller to see the latest spec",
        );
    }
    let wanted = int(s, "/spec/replicas").unwrap_or(1);
    let ready = int(s, "/status/readyReplicas").unwrap_or(0);
    if ready < wanted {
        return Health::new(Progressing, format!("{ready} of {wanted} pods ready"));
    }
    if text(s, "/spec/updateStrategy/type") == "OnDelete" {
        return Health::healthy();
    }
    if let Some(partition) = int(s, "/spec/updateStrategy/rollingUpdate/partition") {
        let updated = int(s, "/status/updatedReplicas").unwrap_or(0);
        let expected = (wanted - partition).max(0);
        return if updated < expected {
            Health::new(
                Progressing,
                format!("Partitioned rollout: {updated} of {expected} new pods updated"),
            )
        } else {
            Health::healthy()
        };
    }
    if text(s, "/status/updateRevision") != text(s, "/status/currentRevision") {
        return Health::new(Progressing, "Waiting for the rolling update to finish");
    }
    Health::healthy()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ready_updated_on_delete_and_partitioned() {
        let mut s = json!({"metadata": {"generation": 1}, "spec": {"replicas": 2},
            "status": {"observedGeneration": 1, "readyReplicas": 2,
                       "currentRevision": "a", "updateRevision": "a"}});
        assert_eq!(assess(&s), Health::healthy());
        s["status"]["updateRevision"] = json!("b");
        assert_eq!(assess(&s).status, Progressing);
        s["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
        assert_eq!(assess(&s), Health::healthy());
        s["spec"]["updateStrategy"] =
            json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 1}});
        s["status"]["updatedReplicas"] = json!(1);
        assert_eq!(assess(&s), Health::healthy(), "1 of 2 above the partition");
        s["status"]["readyReplicas"] = json!(1);
        assert_eq!(assess(&s).status, Progressing);
    }
}
