//! A sync's progress as lines on stderr: one per object applied, then one per health change
//! while the rollout is watched. The engine reports every object's health each time any
//! changed; only the changes are printed, so a slow rollout is not a wall of repeats.

use super::deployment::{detail, resource_id};
use super::printable;
use shipdeck_ipc::HealthStatus;
use shipdeck_ipc::deploy::{ResourceRef, SyncProgress};
use std::collections::HashMap;

#[derive(Default)]
pub struct Progress {
    seen: HashMap<ResourceRef, (Option<HealthStatus>, Option<String>)>,
}

impl Progress {
    /// The lines `event` adds, without the `shipdeck: ` prefix.
    pub fn lines(&mut self, event: &SyncProgress) -> Vec<String> {
        match event {
            SyncProgress::Started { deployment, total } => vec![format!(
                "deployment {} started: {total} object{} to apply",
                printable(deployment),
                if *total == 1 { "" } else { "s" }
            )],
            SyncProgress::Applied {
                result,
                done,
                total,
            } => {
                let mut line = format!(
                    "[{done}/{total}] {} {}",
                    result.action.label(),
                    resource_id(&result.resource)
                );
                if let Some(detail) = detail(result) {
                    line.push_str(&format!(": {detail}"));
                }
                vec![line]
            }
            SyncProgress::Health {
                resources,
                healthy,
                total,
            } => resources
                .iter()
                .filter_map(|r| {
                    let now = (r.health, r.health_message.clone());
                    if self.seen.get(&r.resource) == Some(&now) {
                        return None;
                    }
                    self.seen.insert(r.resource.clone(), now);
                    let mut line = format!(
                        "{} {}",
                        resource_id(&r.resource),
                        r.health.map_or("Unknown", |h| h.label())
                    );
                    if let Some(message) = &r.health_message {
                        line.push_str(&format!(": {}", crate::one_line(message)));
                    }
                    line.push_str(&format!(" ({healthy} of {total} Healthy)"));
                    Some(line)
                })
                .collect(),
            // The record goes to stdout.
            SyncProgress::Finished { .. } => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_ipc::deploy::{ApplyAction, ResourceResult};

    fn result(kind: &str, health: Option<HealthStatus>, message: Option<&str>) -> ResourceResult {
        ResourceResult {
            resource: ResourceRef {
                group: if kind == "Deployment" { "apps" } else { "" }.into(),
                kind: kind.into(),
                namespace: Some("shop".into()),
                name: "web".into(),
            },
            action: ApplyAction::Created,
            message: None,
            conflicts: vec![],
            health,
            health_message: message.map(String::from),
        }
    }

    #[test]
    fn one_line_per_object_then_only_health_changes() {
        use HealthStatus::*;
        let mut p = Progress::default();
        let mut lines = Vec::new();
        let health = |resources: Vec<ResourceResult>| {
            let healthy = resources
                .iter()
                .filter(|r| r.health == Some(Healthy))
                .count();
            SyncProgress::Health {
                total: resources.len(),
                resources,
                healthy,
            }
        };
        for event in [
            SyncProgress::Started {
                deployment: "web.1".into(),
                total: 2,
            },
            SyncProgress::Applied {
                result: result("ConfigMap", None, None),
                done: 1,
                total: 2,
            },
            SyncProgress::Applied {
                result: result("Deployment", None, None),
                done: 2,
                total: 2,
            },
            health(vec![
                result("ConfigMap", Some(Healthy), None),
                result("Deployment", Some(Progressing), Some("0 of 2 ready\n")),
            ]),
            health(vec![
                result("ConfigMap", Some(Healthy), None),
                result("Deployment", Some(Healthy), None),
            ]),
        ] {
            lines.extend(p.lines(&event));
        }
        assert_eq!(
            lines,
            [
                "deployment web.1 started: 2 objects to apply",
                "[1/2] created ConfigMap/shop/web",
                "[2/2] created apps/Deployment/shop/web",
                "ConfigMap/shop/web Healthy (1 of 2 Healthy)",
                "apps/Deployment/shop/web Progressing: 0 of 2 ready (1 of 2 Healthy)",
                "apps/Deployment/shop/web Healthy (2 of 2 Healthy)",
            ]
        );
    }

    #[test]
    fn a_failed_apply_says_why_on_its_line_escaped() {
        let mut failed = result("Deployment", None, None);
        failed.action = ApplyAction::Failed;
        failed.message = Some("admission webhook denied: \x1b[2J".into());
        let lines = Progress::default().lines(&SyncProgress::Applied {
            result: failed,
            done: 1,
            total: 1,
        });
        assert_eq!(
            lines,
            ["[1/1] failed apps/Deployment/shop/web: admission webhook denied: \\u{1b}[2J"]
        );
    }
}
