//! Transfer progress and cancellation, shared between the caller (UI, poller) and the blocking
//! git2 call.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A snapshot of a clone or fetch, as git2's indexer reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Objects the server will send (0 until the pack header arrives).
    pub total_objects: usize,
    pub received_objects: usize,
    /// Objects checked and written; reaches `total_objects` when the transfer is complete.
    pub indexed_objects: usize,
    pub received_bytes: usize,
}

impl From<git2::Progress<'_>> for Progress {
    fn from(p: git2::Progress<'_>) -> Self {
        Self {
            total_objects: p.total_objects(),
            received_objects: p.received_objects(),
            indexed_objects: p.indexed_objects(),
            received_bytes: p.received_bytes(),
        }
    }
}

/// Cancels a clone, fetch or remote check from another thread. Cloning the token shares it.
///
/// git2 has no cancel call of its own: the operation stops at the next callback that sees the
/// token set (transfer progress, server messages, credentials, certificate check), which for a
/// transfer is at most one network read away.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
