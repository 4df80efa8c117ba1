//! A CronJob: suspended is Suspended; the last scheduled run failing (no success since, and
//! nothing running) is Degraded; otherwise Healthy.

use super::{Health, text};
use serde_json::Value;
use shipdeck_ipc::status::HealthStatus::*;

pub fn assess(c: &Value) -> Health {
    if c.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true) {
        return Health::new(Suspended, "CronJob is suspended");
    }
    let scheduled = text(c, "/status/lastScheduleTime");
    if scheduled.is_empty() {
        return Health::healthy();
    }
    // RFC 3339 times of one format compare as text.
    let succeeded = text(c, "/status/lastSuccessfulTime");
    if succeeded.is_empty() || succeeded < scheduled {
        let running = c
            .pointer("/status/active")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        return if running {
            Health::new(Progressing, "The scheduled job is running")
        } else {
            Health::new(Degraded, "The last scheduled job did not succeed")
        };
    }
    Health::healthy()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_last_run_decides() {
        assert_eq!(
            assess(&json!({"spec": {"suspend": true}})).status,
            Suspended
        );
        assert_eq!(
            assess(&json!({"status": {}})),
            Health::healthy(),
            "never ran"
        );
        let ok = json!({"status": {"lastScheduleTime": "2026-11-29T10:00:00Z",
                                   "lastSuccessfulTime": "2026-11-29T10:01:00Z"}});
        assert_eq!(assess(&ok), Health::healthy());
        let failed = json!({"status": {"lastScheduleTime": "2026-11-29T11:00:00Z",
                                       "lastSuccessfulTime": "2026-11-29T10:01:00Z"}});
        assert_eq!(assess(&failed).status, Degraded);
        let mut running = failed.clone();
        running["status"]["active"] = json!([{"name": "report-1"}]);
        assert_eq!(assess(&running).status, Progressing);
    }
}
