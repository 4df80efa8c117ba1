//! What each number counts: the deployments behind a metric of a period, by the same rules
//! [`super::report_of`] uses (the same helpers), so a meeting can check a number on the spot.

use super::{Fact, Intervention, finished_in, recovered};
use jiff::Timestamp;
use shipdeck_ipc::deploy::DeploymentResult;
use shipdeck_ipc::dora::Counted;
use shipdeck_ipc::dora_text::duration;

/// The deployments metric `metric` counts in `since..until`, by finish time; `None` for a
/// metric that does not exist.
pub fn behind(
    metric: &str,
    facts: &[&Fact],
    since: Timestamp,
    until: Timestamp,
) -> Option<Vec<Counted>> {
    let in_period = finished_in(facts, since, until);
    let succeeded = || {
        in_period
            .iter()
            .filter(|f| f.result == DeploymentResult::Succeeded)
    };
    let intervention = Intervention::of(facts);
    let mut rows: Vec<Counted> = match metric {
        "deployments" => in_period.iter().map(|f| row(f, None)).collect(),
        "frequency" => succeeded().map(|f| row(f, None)).collect(),
        "lead-time" => succeeded()
            .filter_map(|f| {
                let end = f.finished_at?;
                let mut seconds: Vec<i64> = f
                    .commits
                    .iter()
                    .map(|c| end.duration_since(*c).as_secs())
                    .filter(|s| *s > 0)
                    .collect();
                seconds.sort_unstable();
                let times: Vec<String> = seconds.into_iter().map(duration).collect();
                (!times.is_empty())
                    .then(|| row(f, Some(format!("from its commits: {}", times.join(", ")))))
            })
            .collect(),
        "change-fail-rate" => in_period
            .iter()
            .filter(|f| intervention.needed(f))
            .map(|f| {
                let why = if f.result == DeploymentResult::Failed {
                    "failed"
                } else {
                    "rolled back, undone or hot-fixed"
                };
                row(f, Some(why.to_string()))
            })
            .collect(),
        "recovery-time" => recovered(facts, &in_period, &intervention)
            .iter()
            .map(|r| {
                row(
                    r.failed,
                    Some(format!(
                        "recovered at {} after {}",
                        r.recovered_at,
                        duration(r.seconds())
                    )),
                )
            })
            .collect(),
        "rework-rate" => in_period
            .iter()
            .filter(|f| f.kind.is_repair())
            .map(|f| row(f, f.answers.as_ref().map(|a| format!("answers {a}"))))
            .collect(),
        _ => return None,
    };
    rows.sort_by(|a, b| (&a.finished_at, &a.deployment).cmp(&(&b.finished_at, &b.deployment)));
    Some(rows)
}

fn row(f: &Fact, detail: Option<String>) -> Counted {
    Counted {
        deployment: f.id.clone(),
        app: f.app.clone(),
        kind: f.kind,
        result: f.result,
        finished_at: f.finished_at.map(|t| t.to_string()).unwrap_or_default(),
        detail,
    }
}
