//! Auto-sync and self-heal, decided per application from what the monitor publishes; pure, so
//! every rule is tested with a fake clock ([`Pilot::decide`]). The engine's task carries the
//! decisions out (`engine::automation`).
//!
//! - **Auto-sync** syncs a newly rendered commit once it is compared and OutOfSync, unless a
//!   deployment of that very commit was already made (by anyone, whatever its result): a
//!   commit that failed and was rolled back is not synced again on its own, as in Argo CD.
//! - **Self-heal** re-applies the deployed commit when the cluster drifts from it, after the
//!   drift has lasted [`SETTLE`] and with a backoff that doubles up to [`MAX_BACKOFF`].
//! - It never fights another controller in a loop: when the drift comes back soon after each
//!   of [`FIGHTS`] re-applies, or more than [`LIMIT`] re-applies were needed within
//!   [`WINDOW`], self-heal stops for the application and says why, until it is turned on again.

use shipdeck_ipc::SyncStatus;
use std::collections::{BTreeSet, VecDeque};
use std::time::{Duration, Instant};

/// How long drift must last before self-heal answers it (a person may be mid-edit, or the
/// controller already putting it back).
pub const SETTLE: Duration = Duration::from_secs(5);
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// Drift back within this long after a re-apply counts as a fight.
pub const FIGHT_WINDOW: Duration = Duration::from_secs(120);
/// Fights in a row that stop self-heal.
pub const FIGHTS: u32 = 3;
/// Re-applies allowed within [`WINDOW`].
pub const LIMIT: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(30 * 60);

/// What the monitor says about the application now.
#[derive(Debug, Clone)]
pub struct Observed<'a> {
    pub auto_sync: bool,
    pub self_heal: bool,
    /// The commit rendered now.
    pub commit: &'a str,
    /// The commit of the newest comparison and its status, when there is one.
    pub compared: Option<(&'a str, SyncStatus)>,
    /// Drifted resources, with the managers that changed them (for the warning).
    pub drifted: Vec<(String, Vec<String>)>,
}

/// What the application's deployments say (from the records; refreshed by the engine).
#[derive(Debug, Clone, Default)]
pub struct Deployed {
    /// The revision of the newest successful deployment.
    pub current: Option<String>,
    /// Every revision a deployment was made of, whatever its result.
    pub tried: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Nothing,
    AutoSync,
    SelfHeal,
    /// Self-heal stops, for this reason (shown on the application).
    Stop(String),
}

/// One application's automation state.
#[derive(Debug, Default)]
pub struct Pilot {
    drift_since: Option<Instant>,
    backoff: Option<Duration>,
    heals: VecDeque<Instant>,
    fights: u32,
    /// Why self-heal stopped; cleared when self-heal is turned off and on again.
    stopped: Option<String>,
    /// The commit auto-sync last started, so a sync in flight is not started twice.
    auto_synced: Option<String>,
}

impl Pilot {
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    pub fn decide(&mut self, now: Instant, seen: &Observed<'_>, deployed: &Deployed) -> Decision {
        if !seen.self_heal {
            // Turning self-heal off and on again is how a user says the fight is over.
            self.stopped = None;
            self.fights = 0;
        }
        let drifting =
            matches!(seen.compared, Some((c, SyncStatus::OutOfSync)) if c == seen.commit);
        if !drifting {
            if matches!(seen.compared, Some((c, SyncStatus::Synced)) if c == seen.commit)
                && self
                    .heals
                    .back()
                    .is_none_or(|t| now.duration_since(*t) > FIGHT_WINDOW)
            {
                // Held long enough after the last re-apply: not a fight.
                self.fights = 0;
                self.backoff = None;
            }
            self.drift_since = None;
            return Decision::Nothing;
        }
        let new_commit = !deployed.tried.contains(seen.commit);
        if new_commit {
            if seen.auto_sync && self.auto_synced.as_deref() != Some(seen.commit) {
                self.auto_synced = Some(seen.commit.to_string());
                return Decision::AutoSync;
            }
            return Decision::Nothing;
        }
        if !seen.self_heal
            || deployed.current.as_deref() != Some(seen.commit)
            || self.stopped.is_some()
        {
            return Decision::Nothing;
        }
        let since = *self.drift_since.get_or_insert(now);
        if let Some(last) = self.heals.back()
            && since.duration_since(*last) < FIGHT_WINDOW
            && since >= *last
        {
            // Drift came back soon after a re-apply: count it once per episode.
            if self.drift_since == Some(since) && now == since {
                self.fights += 1;
            }
        }
        if self.fights >= FIGHTS {
            let who = managers(&seen.drifted);
            let reason = format!(
                "Self-heal stopped: {} changed {} back after each of the last {FIGHTS} re-applies; \
                 another controller is fighting Shipdeck for these fields. Make Git agree with it \
                 or ignore the fields, then turn self-heal on again.",
                if who.is_empty() {
                    "something".to_string()
                } else {
                    who
                },
                resources(&seen.drifted)
            );
            self.stopped = Some(reason.clone());
            return Decision::Stop(reason);
        }
        while self
            .heals
            .front()
            .is_some_and(|t| now.duration_since(*t) > WINDOW)
        {
            self.heals.pop_front();
        }
        if self.heals.len() >= LIMIT {
            let reason = format!(
                "Self-heal stopped: {LIMIT} re-applies within {} minutes did not hold ({}). Find \
                 what keeps changing the cluster, then turn self-heal on again.",
                WINDOW.as_secs() / 60,
                resources(&seen.drifted)
            );
            self.stopped = Some(reason.clone());
            return Decision::Stop(reason);
        }
        let wait = self.backoff.unwrap_or(SETTLE);
        if now.duration_since(since) < wait {
            return Decision::Nothing;
        }
        self.heals.push_back(now);
        self.backoff = Some((wait * 2).min(MAX_BACKOFF));
        self.drift_since = None;
        Decision::SelfHeal
    }

    /// When to look again without news: the end of the current wait, if one runs.
    pub fn next_look(&self, now: Instant) -> Option<Duration> {
        let since = self.drift_since?;
        let due = since + self.backoff.unwrap_or(SETTLE);
        Some(due.saturating_duration_since(now))
    }
}

fn managers(drifted: &[(String, Vec<String>)]) -> String {
    let all: BTreeSet<&str> = drifted
        .iter()
        .flat_map(|(_, m)| m.iter().map(String::as_str))
        .collect();
    all.into_iter().collect::<Vec<_>>().join(", ")
}

fn resources(drifted: &[(String, Vec<String>)]) -> String {
    let mut names: Vec<&str> = drifted.iter().map(|(r, _)| r.as_str()).take(5).collect();
    if drifted.len() > 5 {
        names.push("…");
    }
    names.join(", ")
}

#[cfg(test)]
mod tests;
