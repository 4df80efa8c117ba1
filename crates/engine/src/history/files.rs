//! History files on disk, for the window and the command line alike: read whole (bounded) and
//! checked before anything is stored, or written so that a kill leaves the old file or the new.

use super::jsonl;
use shipdeck_ipc::history::{HistoryCounts, HistoryEvent};
use std::io::Read;
use std::path::Path;

/// Every event of the file at `path` (`-` is standard input), or why it is refused: too large,
/// not UTF-8, or its first bad line with its number. Nothing is stored either way.
pub fn read(path: &Path) -> Result<Vec<HistoryEvent>, String> {
    let name = path.display();
    let limit = jsonl::MAX_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(|e| format!("cannot read {name}: {e}"))?;
    if bytes.len() as u64 >= limit {
        return Err(format!(
            "{name} is larger than {} bytes; split it and import the parts",
            jsonl::MAX_BYTES
        ));
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| format!("{name} is not UTF-8 text ({e}); nothing was imported"))?;
    jsonl::parse(&text).map_err(|refused| {
        format!(
            "{name}: {refused}; nothing was imported. Fix that line (the format is in the \
             README, History and DORA metrics) and import the file again"
        )
    })
}

/// Writes `events` as a history file at `path`, replacing it only once it is whole.
pub fn write(path: &Path, events: &[HistoryEvent]) -> std::io::Result<HistoryCounts> {
    crate::atomic_file::replace(path, jsonl::write(events).as_bytes())?;
    Ok(counts(events))
}

pub fn counts(events: &[HistoryEvent]) -> HistoryCounts {
    let mut c = HistoryCounts::default();
    for e in events {
        match e {
            HistoryEvent::Commit { .. } => c.commits += 1,
            HistoryEvent::Deployment { .. } => c.deployments += 1,
            HistoryEvent::Incident { .. } => c.incidents += 1,
            HistoryEvent::Header { .. } => {}
        }
    }
    c
}
