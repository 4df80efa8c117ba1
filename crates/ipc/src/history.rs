//! The history exchange format: JSON Lines, one event per line, versioned by a header line.
//! `shipdeck history export` writes it and `shipdeck history import FILE` reads it (and the
//! window does the same), to backfill history from a CI system or move it between machines.
//! Times are RFC 3339. The engine's `history::jsonl` reads and checks it.
//!
//! ```text
//! {"type":"header","format":"shipdeck-history","version":1}
//! {"type":"commit","app":"web","sha":"4f1c…","committed_at":"2026-11-02T09:14:00Z","author":"Maya Chen"}
//! {"type":"deployment","app":"web","cluster":"prod","id":"web.12","kind":"sync","started_at":"…","finished_at":"…","result":"succeeded","revision":"4f1c…","commits":["4f1c…"],"answers":null,"incident":false}
//! {"type":"incident","app":"web","opened_at":"…","resolved_at":"…","deployment":"web.12"}
//! ```

use crate::deploy::DeploymentKind;
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "shipdeck-history";
pub const VERSION: u32 = 1;

/// How a deployment ended, as the exchange format says it (no `running`: only finished
/// deployments are exchanged).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Succeeded,
    Failed,
    Cancelled,
}

/// One line of the format.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum HistoryEvent {
    Header {
        format: String,
        version: u32,
    },
    Commit {
        app: String,
        sha: String,
        committed_at: String,
        author: String,
    },
    Deployment {
        app: String,
        cluster: String,
        id: String,
        kind: DeploymentKind,
        started_at: String,
        finished_at: String,
        result: Outcome,
        revision: String,
        #[serde(default)]
        commits: Vec<String>,
        #[serde(default)]
        answers: Option<String>,
        #[serde(default)]
        incident: bool,
    },
    Incident {
        app: String,
        opened_at: String,
        #[serde(default)]
        resolved_at: Option<String>,
        #[serde(default)]
        deployment: Option<String>,
    },
}

/// A history file to import, or where to export to. `app` and `team` choose what an export
/// holds (as for `dora`); an import stores the whole file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct HistoryFileArgs {
    pub path: String,
    #[serde(default)]
    pub app: Option<String>,
    #[serde(default)]
    pub team: Option<String>,
    /// Export: replace `path` if it exists (the user confirmed).
    #[serde(default)]
    pub replace: bool,
}

/// How many events of each type an import stored, or an export wrote.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct HistoryCounts {
    pub commits: usize,
    pub deployments: usize,
    pub incidents: usize,
}
