//! What the Metrics page and presentation mode ask the engine: a scope (`""`, `app:ID` or
//! `team:ID`, as the scope selector names it) over the last N days.

use crate::components::scope_select::chosen;
use crate::format;
use shipdeck_ipc::dora::{DEFAULT_DAYS, DoraQuery};

/// The periods offered, in days.
pub const PERIODS: [u32; 4] = [7, 30, DEFAULT_DAYS, 365];

pub fn query(scope: &str, days: u32, now: i64) -> DoraQuery {
    let (app, team) = chosen(scope);
    DoraQuery {
        app,
        team,
        since: format::rfc3339(now - i64::from(days) * 86_400),
        until: format::rfc3339(now),
    }
}
