//! What the Metrics page and presentation mode measure: a scope (`""`, `app:ID` or `team:ID`,
//! as the scope selector names it), a cluster (`""`: every one) and the last N days.

use crate::components::scope_select::chosen;
use crate::format;
use leptos::prelude::*;
use shipdeck_ipc::dora::{DEFAULT_DAYS, DoraQuery};

/// The periods offered, in days.
pub const PERIODS: [u32; 4] = [7, 30, DEFAULT_DAYS, 365];

/// The choices, shared by the page and its presentation.
#[derive(Debug, Clone, Copy)]
pub struct Measure {
    pub scope: RwSignal<String>,
    pub cluster: RwSignal<String>,
    pub days: RwSignal<u32>,
}

impl Measure {
    pub fn new() -> Self {
        Measure {
            scope: RwSignal::new(String::new()),
            cluster: RwSignal::new(String::new()),
            days: RwSignal::new(DEFAULT_DAYS),
        }
    }

    /// The question as chosen now, tracked: asked again when a choice changes.
    pub fn query(&self) -> DoraQuery {
        of(&self.scope.get(), &self.cluster.get(), self.days.get())
    }

    /// The question as chosen now, for a one-off call (an export).
    pub fn query_untracked(&self) -> DoraQuery {
        of(
            &self.scope.get_untracked(),
            &self.cluster.get_untracked(),
            self.days.get_untracked(),
        )
    }
}

fn of(scope: &str, cluster: &str, days: u32) -> DoraQuery {
    let (app, team) = chosen(scope);
    let now = format::now_secs();
    DoraQuery {
        app,
        team,
        cluster: Some(cluster.to_string()).filter(|c| !c.is_empty()),
        since: format::rfc3339(now - i64::from(days) * 86_400),
        until: format::rfc3339(now),
    }
}
