//! Transfer progress and cancellation, shared between the caller (UI, poller) and the blocking
//! git2 call.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

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

impl Progress {
    /// All objects have arrived (indexing may still be running).
    pub fn is_received(&self) -> bool {
        self.total_objects > 0 && self.received_objects == self.total_objects
    }
}

/// Passes on at most one report per `every`, plus the first and the one where every object
/// has arrived (once), so a UI is neither flooded nor left short of 100 %. git2 calls back for
/// every object received and again for every object indexed.
pub fn throttled(every: Duration, mut report: impl FnMut(&Progress)) -> impl FnMut(&Progress) {
    let mut last: Option<Instant> = None;
    let mut completion_sent = false;
    move |p: &Progress| {
        let completes = p.is_received() && !completion_sent;
        if completes || last.is_none_or(|t| t.elapsed() >= every) {
            completion_sent |= p.is_received();
            last = Some(Instant::now());
            report(p);
        }
    }
}

/// Cancels a clone, fetch or remote check from another thread. Cloning the token shares it.
///
/// git2 has no cancel call of its own: the operation stops at the next callback that sees the
/// token set (transfer progress, server messages, credentials, certificate check), which for a
/// transfer is at most one network read away. While libgit2 waits on a silent server it calls
/// nothing, so the blocking call returns only at the read timeout (see
/// [`init_network_timeouts`](super::init_network_timeouts)), as cancelled. An async caller
/// need not wait for that: it can race the blocking job against [`CancelToken::cancelled`]
/// and return at once, leaving the job to end on its own.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<Shared>);

#[derive(Debug, Default)]
struct Shared {
    cancelled: AtomicBool,
    notify: Notify,
}

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    /// Completes when the token is cancelled (at once if it already is). For `select!`
    /// against a blocking git2 job, so that Cancel returns at once.
    pub async fn cancelled(&self) {
        let mut notified = std::pin::pin!(self.0.notify.notified());
        // Registered before the check, so a cancel between the two is not missed.
        notified.as_mut().enable();
        if self.is_cancelled() {
            return;
        }
        notified.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(received: usize) -> Progress {
        Progress {
            total_objects: 100,
            received_objects: received,
            indexed_objects: 0,
            received_bytes: received * 10,
        }
    }

    #[test]
    fn throttling_keeps_the_first_report_and_the_completion_once() {
        let mut seen = Vec::new();
        {
            let mut report =
                throttled(Duration::from_secs(3600), |p| seen.push(p.received_objects));
            for received in [1, 2, 50, 99, 100, 100, 100] {
                report(&at(received));
            }
        }
        assert_eq!(seen, [1, 100]);
    }

    #[tokio::test]
    async fn cancelled_completes_when_cancelled_from_another_thread() {
        let token = CancelToken::new();
        let waiter = tokio::spawn({
            let token = token.clone();
            async move { token.cancelled().await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished(), "completed before the cancel");
        let canceller = token.clone();
        std::thread::spawn(move || canceller.cancel())
            .join()
            .unwrap();
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("cancelled() did not complete after cancel()")
            .unwrap();
        // Already cancelled: completes at once.
        tokio::time::timeout(Duration::from_millis(100), token.cancelled())
            .await
            .expect("cancelled() waits although the token is cancelled");
    }

    #[test]
    fn without_a_limit_every_report_passes() {
        let mut seen = 0;
        {
            let mut report = throttled(Duration::ZERO, |_| seen += 1);
            (1..=5).for_each(|r| report(&at(r)));
        }
        assert_eq!(seen, 5);
    }
}
