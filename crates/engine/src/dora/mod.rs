//! The five DORA metrics over a period, from what deployments the team made: pure, decided
//! once here and tested for the edge cases a meeting asks about.
//!
//! - A deployment belongs to the period in which it **finished**; one still running counts
//!   nowhere. `deployments` counts every one, whatever its result.
//! - **Deployment frequency** (`null` when no deployment finished in the period): successful
//!   deployments per day of the period, with Four Keys'
//!   label: `daily` when the median week (7-day slices from the start) has deployments on 3
//!   days or more, else `weekly` when it has one, else `monthly` when the median 30-day slice
//!   has one, else `yearly`.
//! - **Change lead time**: over every (successful deployment, commit it brought) pair, the
//!   deployment's end minus the commit time; values of zero or less are dropped (clock skew,
//!   a commit dated after its deployment). Median and 90th percentile (nearest rank). Commits
//!   from before the period count: what is measured is the deployment.
//! - **Change fail rate**: deployments that needed immediate intervention (failed, or answered
//!   by a rollback, undo or hotfix) ÷ all deployments.
//! - **Failed deployment recovery time**: from each such deployment's end to the end of the
//!   next successful deployment of the same application that did not itself need
//!   intervention; median. Overlapping failures (a
//!   second before the fix) are each measured to that same fix; a failure not yet recovered
//!   from is left out.
//! - **Deployment rework rate**: rollbacks, undos and hotfixes ÷ all deployments. A rollback
//!   of a rollback is two rework deployments, and the first rollback counts as one that
//!   needed intervention.

pub mod bands;
mod behind;

pub use behind::behind;

use crate::history::{Scope, Store, store};
use jiff::{SignedDuration, Timestamp};
use shipdeck_ipc::deploy::{DeploymentKind, DeploymentResult};
use shipdeck_ipc::dora::{
    DeploymentFrequency, DoraReport, DoraView, FrequencyLabel, LeadTime, Ratio, RecoveryTime,
};
use std::collections::{BTreeSet, HashMap, HashSet};

/// One deployment as the metrics see it.
#[derive(Debug, Clone)]
pub struct Fact {
    pub id: String,
    pub app: String,
    pub kind: DeploymentKind,
    pub result: DeploymentResult,
    /// `None` while it runs.
    pub finished_at: Option<Timestamp>,
    /// The commits it brought and when each was committed.
    pub commits: Vec<Timestamp>,
    /// The deployment it repairs (rollback, undo, hotfix).
    pub answers: Option<String>,
    /// Marked as having caused an incident (in its record, or by a history file).
    pub incident: bool,
}

pub fn report(facts: &[Fact], since: Timestamp, until: Timestamp) -> DoraReport {
    report_of(&facts.iter().collect::<Vec<_>>(), since, until)
}

/// [`report`] over borrowed facts (a selection of the history store's cached ones).
pub fn report_of(facts: &[&Fact], since: Timestamp, until: Timestamp) -> DoraReport {
    let in_period = finished_in(facts, since, until);
    let succeeded: Vec<&Fact> = in_period
        .iter()
        .copied()
        .filter(|f| f.result == DeploymentResult::Succeeded)
        .collect();
    let intervention = Intervention::of(facts);
    let total = in_period.len();
    let ratio = |n: usize| {
        (total > 0).then(|| Ratio {
            ratio: n as f64 / total as f64,
        })
    };
    DoraReport {
        since: since.to_string(),
        until: until.to_string(),
        deployments: total,
        deployment_frequency: (total > 0)
            .then(|| frequency(&succeeded, since, until))
            .flatten(),
        lead_time: lead_time(&succeeded),
        change_fail_rate: ratio(in_period.iter().filter(|f| intervention.needed(f)).count()),
        recovery_time: recovery(&recovered(facts, &in_period, &intervention)),
        rework_rate: ratio(in_period.iter().filter(|f| f.kind.is_repair()).count()),
    }
}

/// The deployments that count in `since..until`: those that finished in it.
fn finished_in<'a>(facts: &[&'a Fact], since: Timestamp, until: Timestamp) -> Vec<&'a Fact> {
    facts
        .iter()
        .copied()
        .filter(|f| f.finished_at.is_some_and(|t| t >= since && t < until))
        .collect()
}

/// Which deployments needed immediate intervention. A repair may come after the period, so
/// the repairs are looked for among all the facts.
struct Intervention<'a> {
    answered: HashSet<&'a str>,
}

impl<'a> Intervention<'a> {
    fn of(facts: &[&'a Fact]) -> Self {
        Self {
            answered: facts
                .iter()
                .filter(|f| f.kind.is_repair())
                .filter_map(|f| f.answers.as_deref())
                .collect(),
        }
    }

    /// Failed, answered by a repair, or marked as having caused an incident: each needed
    /// immediate intervention.
    fn needed(&self, f: &Fact) -> bool {
        f.result == DeploymentResult::Failed || f.incident || self.answered.contains(f.id.as_str())
    }
}

/// The lengths in days of the slices the frequency label looks at: a week, and Four Keys'
/// month.
pub const WEEK_DAYS: i64 = 7;
pub const MONTH_DAYS: i64 = 30;

fn frequency(
    succeeded: &[&Fact],
    since: Timestamp,
    until: Timestamp,
) -> Option<DeploymentFrequency> {
    let seconds = until.duration_since(since).as_secs();
    if seconds <= 0 {
        return None;
    }
    let days = seconds as f64 / 86_400.0;
    // Distinct days (counted from the start of the period) with a successful deployment.
    let deploy_days: BTreeSet<i64> = succeeded
        .iter()
        .filter_map(|f| f.finished_at)
        .map(|t| t.duration_since(since).as_secs() / 86_400)
        .collect();
    let slices = |length: i64| -> Vec<usize> {
        let count = (seconds + length * 86_400 - 1) / (length * 86_400);
        (0..count)
            .map(|i| deploy_days.range(i * length..(i + 1) * length).count())
            .collect()
    };
    let label = if median_usize(slices(WEEK_DAYS)) >= 3 {
        FrequencyLabel::Daily
    } else if median_usize(slices(WEEK_DAYS)) >= 1 {
        FrequencyLabel::Weekly
    } else if median_usize(slices(MONTH_DAYS)) >= 1 {
        FrequencyLabel::Monthly
    } else {
        FrequencyLabel::Yearly
    };
    Some(DeploymentFrequency {
        per_day: succeeded.len() as f64 / days,
        label,
    })
}

fn lead_time(succeeded: &[&Fact]) -> Option<LeadTime> {
    let mut values: Vec<i64> = succeeded
        .iter()
        .flat_map(|f| {
            let end = f.finished_at;
            f.commits
                .iter()
                .filter_map(move |c| Some(end?.duration_since(*c).as_secs()))
        })
        .filter(|s| *s > 0)
        .collect();
    if values.is_empty() {
        return None;
    }
    // Two selections rather than a sort: a team's history has close to a million pairs.
    let len = values.len();
    let median = *values.select_nth_unstable((len - 1) / 2).1;
    let p90 = *values.select_nth_unstable(nearest_rank(len, 90)).1;
    Some(LeadTime {
        median_seconds: median,
        p90_seconds: p90,
    })
}

/// One deployment that needed intervention and the fix it was recovered by. Borrowed, so
/// that the report's median over a team's whole history copies nothing.
#[derive(Debug, Clone, Copy)]
pub struct Recovery<'a> {
    pub failed: &'a Fact,
    /// When `failed` finished.
    pub failed_at: Timestamp,
    /// When the fix finished.
    pub recovered_at: Timestamp,
}

impl Recovery<'_> {
    pub fn seconds(&self) -> i64 {
        self.recovered_at.duration_since(self.failed_at).as_secs()
    }
}

/// Each recovery that [`report`]'s recovery time of `since..until` is the median of, by the
/// time of the failure (then id): for charts, which show every one.
pub fn recoveries(facts: &[Fact], since: Timestamp, until: Timestamp) -> Vec<Recovery<'_>> {
    recoveries_of(&facts.iter().collect::<Vec<_>>(), since, until)
}

/// [`recoveries`] of borrowed facts (a scope's, picked out of the cached whole).
pub fn recoveries_of<'a>(
    facts: &[&'a Fact],
    since: Timestamp,
    until: Timestamp,
) -> Vec<Recovery<'a>> {
    let mut all = recovered(
        facts,
        &finished_in(facts, since, until),
        &Intervention::of(facts),
    );
    all.sort_by(|a, b| (a.failed_at, &a.failed.id).cmp(&(b.failed_at, &b.failed.id)));
    all
}

fn recovered<'a>(
    all: &[&Fact],
    in_period: &[&'a Fact],
    intervention: &Intervention,
) -> Vec<Recovery<'a>> {
    // Each application's clean successes, in order: every failure looks up its fix by a
    // binary search instead of scanning every deployment (a team's history is 100,000 long).
    let mut fixes: HashMap<&str, Vec<Timestamp>> = HashMap::new();
    for f in all {
        if let Some(end) = f.finished_at
            && f.result == DeploymentResult::Succeeded
            && !intervention.needed(f)
        {
            fixes.entry(f.app.as_str()).or_default().push(end);
        }
    }
    fixes.values_mut().for_each(|ends| ends.sort_unstable());
    in_period
        .iter()
        .copied()
        .filter(|f| intervention.needed(f))
        .filter_map(|failed| {
            let end = failed.finished_at?;
            let ends = fixes.get(failed.app.as_str())?;
            let fix = ends.get(ends.partition_point(|t| *t <= end))?;
            Some(Recovery {
                failed,
                failed_at: end,
                recovered_at: *fix,
            })
        })
        .collect()
}

fn recovery(recovered: &[Recovery]) -> Option<RecoveryTime> {
    let mut values: Vec<i64> = recovered.iter().map(Recovery::seconds).collect();
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(RecoveryTime {
        median_seconds: median_i64(&values),
    })
}

/// The median of sorted values; the lower middle of an even count (a time that happened).
fn median_i64(sorted: &[i64]) -> i64 {
    sorted[(sorted.len() - 1) / 2]
}

fn median_usize(mut values: Vec<usize>) -> usize {
    if values.is_empty() {
        return 0;
    }
    values.sort_unstable();
    values[(values.len() - 1) / 2]
}

/// The 0-based index of the `p`th percentile by nearest rank among `len` sorted values.
fn nearest_rank(len: usize, p: usize) -> usize {
    (p * len).div_ceil(100).max(1) - 1
}

/// The metrics of `since..until` for `scope` from the history store, with their bands and the
/// previous period of the same length.
pub fn measure(
    history: &Store,
    scope: &Scope,
    since: Timestamp,
    until: Timestamp,
) -> Result<DoraView, store::Error> {
    let (before, _) = previous(since, until);
    let facts = history.facts_cached()?;
    let chosen: Vec<&Fact> = facts
        .iter()
        .filter(|f| f.finished_at.is_none_or(|t| t >= before))
        .filter(|f| scope.covers(f))
        .collect();
    Ok(view_of(&chosen, since, until))
}

/// The deployments behind metric `metric` of `since..until` for `scope`, from the history
/// store; `None` for a metric that does not exist.
pub fn behind_in(
    history: &Store,
    scope: &Scope,
    metric: &str,
    since: Timestamp,
    until: Timestamp,
) -> Result<Option<Vec<shipdeck_ipc::dora::Counted>>, store::Error> {
    let facts = history.facts_cached()?;
    let chosen: Vec<&Fact> = facts
        .iter()
        .filter(|f| f.finished_at.is_none_or(|t| t >= since))
        .filter(|f| scope.covers(f))
        .collect();
    Ok(behind(metric, &chosen, since, until))
}

/// [`report`] of `since..until` and of the period before it, from `facts` holding at least
/// every deployment that finished since that earlier period began.
pub fn view(facts: &[Fact], since: Timestamp, until: Timestamp) -> DoraView {
    view_of(&facts.iter().collect::<Vec<_>>(), since, until)
}

fn view_of(facts: &[&Fact], since: Timestamp, until: Timestamp) -> DoraView {
    let now = report_of(facts, since, until);
    let (before, _) = previous(since, until);
    DoraView {
        bands: bands::of(&now),
        previous: report_of(facts, before, since),
        report: now,
        notice: None,
    }
}

/// The period a question names: `until` defaults to `now`, `since` to
/// [`DEFAULT_DAYS`](shipdeck_ipc::dora::DEFAULT_DAYS) before it; `since` must come first.
pub fn period(
    since: Option<Timestamp>,
    until: Option<Timestamp>,
    now: Timestamp,
) -> Result<(Timestamp, Timestamp), String> {
    let until = until.unwrap_or(now);
    let since = match since {
        Some(since) => since,
        None => until
            .checked_sub(SignedDuration::from_hours(
                24 * i64::from(shipdeck_ipc::dora::DEFAULT_DAYS),
            ))
            .map_err(|e| format!("no period of that length ends at {until}: {e}"))?,
    };
    if since >= until {
        return Err(format!(
            "the period must start before it ends (since {since}, until {until})"
        ));
    }
    Ok((since, until))
}

/// The period between two RFC 3339 times as the window and the timeline send them, checked
/// as [`period`] checks it.
pub fn period_between(since: &str, until: &str) -> Result<(Timestamp, Timestamp), String> {
    let bound = |name: &str, text: &str| {
        text.parse::<Timestamp>()
            .map_err(|e| format!("`{name}` is not an RFC 3339 time ({text:?}): {e}"))
    };
    period(
        Some(bound("since", since)?),
        Some(bound("until", until)?),
        Timestamp::now(),
    )
}

/// `since` and `until` of the period of the same length just before (for trends); it starts
/// at the earliest time there is when the period is longer than what lies before it.
pub fn previous(since: Timestamp, until: Timestamp) -> (Timestamp, Timestamp) {
    let length: SignedDuration = until.duration_since(since);
    (since.checked_sub(length).unwrap_or(Timestamp::MIN), since)
}

#[cfg(test)]
mod tests;
