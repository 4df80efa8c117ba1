//! The record of drift events: what changed in a cluster, when, and which field manager
//! changed it. Kept in memory for the window and the command line, appended to a JSON Lines
//! file in the data directory so that it outlives the process, and sent to subscribers (the
//! window raises a desktop notification for each).
//!
//! The file is bounded: past [`MAX_FILE_BYTES`] it is rewritten with the newest events that
//! fill half of it (at most [`KEPT`]) through a temporary file and a rename, so a kill mid-write leaves either the
//! old or the new file. A line that does not parse (a torn last line after a crash, a hand
//! edit) is skipped, never fatal. Secret values are masked before events get here.

use shipdeck_ipc::drift::DriftEvent;
use std::collections::VecDeque;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use tokio::sync::broadcast;

/// Events kept in memory and after a rewrite of the file.
pub const KEPT: usize = 200;
/// Size past which the file is rewritten.
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

pub struct DriftLog {
    file: Option<PathBuf>,
    /// Newest last.
    recent: Mutex<VecDeque<DriftEvent>>,
    sender: broadcast::Sender<DriftEvent>,
}

impl DriftLog {
    /// Opens the log kept in `file` (none: in memory only), reading what it already holds.
    pub fn open(file: Option<PathBuf>) -> Self {
        let recent = file.as_deref().map(read).unwrap_or_default();
        Self {
            file,
            recent: Mutex::new(recent),
            sender: broadcast::channel(64).0,
        }
    }

    /// Records `event`: in memory, in the file, and to subscribers. A file that cannot be
    /// written is logged; the event is still kept and sent.
    pub fn record(&self, event: DriftEvent) {
        {
            let mut recent = lock(&self.recent);
            recent.push_back(event.clone());
            while recent.len() > KEPT {
                recent.pop_front();
            }
            if let Some(file) = &self.file
                && let Err(e) = append(file, &event, &recent)
            {
                tracing::warn!("drift events: could not write {}: {e}", file.display());
            }
        }
        let _ = self.sender.send(event);
    }

    /// The newest events first, at most `limit`.
    pub fn recent(&self, limit: usize) -> Vec<DriftEvent> {
        lock(&self.recent)
            .iter()
            .rev()
            .take(limit)
            .cloned()
            .collect()
    }

    /// Events recorded from now on. A subscriber that falls behind by more than 64 events
    /// misses the oldest ones (`RecvError::Lagged`); [`DriftLog::recent`] still has them.
    pub fn subscribe(&self) -> broadcast::Receiver<DriftEvent> {
        self.sender.subscribe()
    }
}

fn read(file: &std::path::Path) -> VecDeque<DriftEvent> {
    // Bytes, not text: a write cut inside a character must cost one line, not the file.
    let Ok(bytes) = std::fs::read(file) else {
        return VecDeque::new();
    };
    let mut events: VecDeque<DriftEvent> = bytes
        .split(|b| *b == b'\n')
        .filter_map(|line| serde_json::from_slice(line).ok())
        .collect();
    while events.len() > KEPT {
        events.pop_front();
    }
    events
}

fn append(
    file: &std::path::Path,
    event: &DriftEvent,
    recent: &VecDeque<DriftEvent>,
) -> std::io::Result<()> {
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        return rewrite(file, recent);
    }
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)?;
    // A torn last line (a crash mid-write) must not swallow this one.
    let torn = size > 0 && {
        use std::io::{Seek, SeekFrom};
        let mut last = [0u8; 1];
        let mut f = std::fs::File::open(file)?;
        f.seek(SeekFrom::End(-1))?;
        f.read_exact(&mut last)?;
        last[0] != b'\n'
    };
    // One write per line: a crash tears at most the last line, which reading skips.
    let lead = if torn { "\n" } else { "" };
    out.write_all(format!("{lead}{}\n", line(event)?).as_bytes())
}

fn rewrite(file: &std::path::Path, recent: &VecDeque<DriftEvent>) -> std::io::Result<()> {
    // Half the limit, so that the next rewrite is many appends away.
    let mut lines = Vec::new();
    let mut size = 0;
    for event in recent.iter().rev() {
        let line = line(event)?;
        size += line.len() as u64 + 1;
        if size > MAX_FILE_BYTES / 2 && !lines.is_empty() {
            break;
        }
        lines.push(line);
    }
    let dir = file.parent().unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    for line in lines.iter().rev() {
        writeln!(tmp, "{line}")?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

fn line(event: &DriftEvent) -> std::io::Result<String> {
    serde_json::to_string(event).map_err(std::io::Error::other)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Every critical section leaves the queue whole, so a poisoned lock's data is consistent.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_ipc::drift::{DriftedResource, FieldChange};

    fn event(n: usize) -> DriftEvent {
        DriftEvent {
            app: format!("app-{n}"),
            cluster: "prod".into(),
            at: "2026-11-29T10:00:00Z".into(),
            commit: "c1".into(),
            resources: vec![DriftedResource {
                id: "apps/Deployment/shop/web".into(),
                reason: None,
                changes: vec![FieldChange {
                    path: "/spec/replicas".into(),
                    live: Some(6.into()),
                    desired: Some(3.into()),
                    manager: Some("kubectl-scale".into()),
                }],
            }],
        }
    }

    #[test]
    fn events_outlive_the_process_and_a_torn_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("drift-events.jsonl");
        let log = DriftLog::open(Some(file.clone()));
        let mut rx = log.subscribe();
        log.record(event(1));
        log.record(event(2));
        assert_eq!(rx.try_recv().unwrap().app, "app-1");
        // A crash in the middle of a write.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&file)
            .unwrap();
        // Cut inside a two-byte character: the file is no longer valid UTF-8.
        f.write_all(b"{\"app\":\"torn \xc3").unwrap();
        drop(f);
        let reopened = DriftLog::open(Some(file.clone()));
        let apps: Vec<String> = reopened.recent(10).into_iter().map(|e| e.app).collect();
        assert_eq!(apps, ["app-2", "app-1"]);
        // The next event is not glued to the torn line.
        reopened.record(event(3));
        let again = DriftLog::open(Some(file));
        let apps: Vec<String> = again.recent(10).into_iter().map(|e| e.app).collect();
        assert_eq!(apps, ["app-3", "app-2", "app-1"]);
    }

    #[test]
    fn the_file_and_memory_stay_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("drift-events.jsonl");
        let log = DriftLog::open(Some(file.clone()));
        let big = |n| {
            let mut e = event(n);
            e.resources[0].changes[0].live = Some("x".repeat(20_000).into());
            e
        };
        for n in 0..(KEPT + 150) {
            log.record(big(n));
        }
        assert_eq!(log.recent(usize::MAX).len(), KEPT);
        let size = std::fs::metadata(&file).unwrap().len();
        assert!(size <= MAX_FILE_BYTES + 20_500, "{size}");
        let reopened = DriftLog::open(Some(file));
        assert_eq!(reopened.recent(1)[0].app, format!("app-{}", KEPT + 149));
    }
}
