//! Background polling: one tokio task per repository, each on its own interval and backoff, so
//! a slow or failing repository never delays another.
//!
//! Each round is [`Mirror::update`] in `spawn_blocking` (git2 blocks): `ls-remote`, a fetch
//! only when the tracked ref moved, then resolving the revision and path. The first round clones
//! the cache if it does not exist.
//!
//! Events, in the order a task sends them:
//! - [`PollEvent::RevisionChanged`] on the first successful round (`old: None`) and whenever
//!   the resolved commit differs from the previous round's;
//! - [`PollEvent::Checked`] after every successful round, so the UI can show "checked 10 s ago";
//! - [`PollEvent::PollFailed`] after each failed round, with the delay before the next one
//!   ([`PollConfig::retry_delay`]): the interval doubled per consecutive failure, capped at
//!   [`PollConfig::max_backoff`]; straight to the cap when only the user can fix the cause
//!   (authentication, a missing repository or ref, a redirect: [`ErrorKind::needs_user_fix`]),
//!   since the message already says what to fix and retrying sooner only loads the server;
//! - [`PollEvent::Recovered`] on the first success after failures, before the other events.
//!
//! Every wait, after a success too, is spread by ±[`JITTER`] so that repositories watched
//! together, or many users behind one forge, do not poll in lockstep.
//!
//! A task stops when it is unwatched, when the [`Poller`] is dropped, or when the event
//! receiver is dropped. A git2 call in flight is cancelled through its [`CancelToken`].

use super::error::{Error, ErrorKind, Operation};
use super::mirror::{Mirror, Update};
use super::progress::{CancelToken, Progress, throttled};
use super::snapshot::Snapshot;
use super::spec::Source;
use shipdeck_ipc::workspace::CommitSummary;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

/// The caller's name for a repository (its settings id), echoed in every event.
pub type RepoId = String;

/// Per-repository polling settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollConfig {
    interval: Duration,
    max_backoff: Duration,
}

impl Default for PollConfig {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(30),
            max_backoff: Duration::from_secs(10 * 60),
        }
    }
}

impl PollConfig {
    /// Time between rounds while all is well (default 30 s).
    #[must_use]
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The longest wait after repeated failures (default 10 min).
    #[must_use]
    pub fn max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    pub fn get_interval(&self) -> Duration {
        self.interval
    }

    pub fn get_max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The wait after `failures` consecutive transient failures (1 = the first), before
    /// jitter: the interval doubled per failure, capped at the maximum backoff.
    pub fn backoff(&self, failures: u32) -> Duration {
        let factor = 1u32 << failures.saturating_sub(1).min(16);
        self.interval
            .saturating_mul(factor)
            .min(self.max_backoff.max(self.interval))
    }

    /// The wait after `failures` consecutive failures, the last of class `kind`: the
    /// [`backoff`](Self::backoff) for transient causes, the maximum at once when only the user
    /// can fix it, then spread by `jitter` (see [`jittered`]). Pure: the poller passes a random
    /// `jitter`, tests a fixed one.
    pub fn retry_delay(&self, failures: u32, kind: ErrorKind, jitter: f64) -> Duration {
        jittered(self.base_delay(failures, kind.needs_user_fix()), jitter)
    }

    /// The same wait for a failure before Git is reached (a source that could not be built,
    /// e.g. the keyring did not give its secret), spread by a random jitter.
    pub fn retry_delay_before_git(&self, failures: u32, needs_user_fix: bool) -> Duration {
        jittered(self.base_delay(failures, needs_user_fix), random_jitter())
    }

    fn base_delay(&self, failures: u32, needs_user_fix: bool) -> Duration {
        if needs_user_fix {
            self.max_backoff.max(self.interval)
        } else {
            self.backoff(failures)
        }
    }

    /// The wait after a successful round: the interval spread by `jitter`.
    pub fn next_poll(&self, jitter: f64) -> Duration {
        jittered(self.interval, jitter)
    }
}

/// How far a wait is spread: ±20 %.
pub const JITTER: f64 = 0.2;

/// `base` scaled by `1 + jitter × JITTER`, with `jitter` clamped to −1.0 ..= 1.0 (so 0.8 to
/// 1.2 times `base`), in whole milliseconds.
pub fn jittered(base: Duration, jitter: f64) -> Duration {
    let factor = 1.0 + JITTER * jitter.clamp(-1.0, 1.0);
    let millis = (base.as_secs_f64() * factor * 1000.0).round();
    if millis.is_finite() && millis < u64::MAX as f64 {
        Duration::from_millis(millis as u64)
    } else {
        base
    }
}

/// A number in −1.0 ..< 1.0 for [`jittered`]. xorshift64* seeded from the clock and the
/// process id: spreading polls needs no quality randomness, and no new dependency.
fn random_jitter() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        x = (nanos ^ (u64::from(std::process::id()) << 32)) | 1;
    }
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    // A lost update between two threads only repeats a value: harmless here.
    STATE.store(x, Ordering::Relaxed);
    let bits = x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11; // 53 random bits
    (bits as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
}

// A few events per repository and interval: boxing the large variant would cost readability
// at every match for no measurable gain.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum PollEvent {
    RevisionChanged {
        repo: RepoId,
        /// `None` on the first round after [`Poller::watch`].
        old: Option<CommitSummary>,
        /// The new commit (`new.commit`) and the tracked path at it.
        new: Snapshot,
        /// Whether the files under the tracked path differ from the previous round's (always
        /// true on the first round). A commit elsewhere in the repository moves the revision
        /// but leaves this false, so callers can skip re-rendering.
        path_changed: bool,
    },
    Checked {
        repo: RepoId,
        /// False when `ls-remote` showed the ref had not moved and nothing was downloaded.
        fetched: bool,
        sha: String,
    },
    PollFailed {
        repo: RepoId,
        error: Error,
        /// Consecutive failures, 1 for the first.
        attempt: u32,
        retry_in: Duration,
    },
    Recovered {
        repo: RepoId,
        after_failures: u32,
    },
    /// Transfer progress of a clone or fetch in this round, at most every
    /// [`PROGRESS_INTERVAL`]; dropped rather than waited for when the receiver lags.
    Progress {
        repo: RepoId,
        progress: Progress,
    },
    /// The polling task panicked; it starts again after a pause that grows with repeated
    /// crashes (see [`supervise`](crate::supervise)).
    Crashed {
        repo: RepoId,
        message: String,
    },
}

/// How often a round reports transfer progress.
pub const PROGRESS_INTERVAL: std::time::Duration = std::time::Duration::from_millis(250);

impl PollEvent {
    pub fn repo(&self) -> &str {
        match self {
            PollEvent::RevisionChanged { repo, .. }
            | PollEvent::Checked { repo, .. }
            | PollEvent::PollFailed { repo, .. }
            | PollEvent::Recovered { repo, .. }
            | PollEvent::Progress { repo, .. }
            | PollEvent::Crashed { repo, .. } => repo,
        }
    }
}

/// Owns the polling tasks. Dropping it stops them all.
pub struct Poller {
    runtime: tokio::runtime::Handle,
    events: mpsc::Sender<PollEvent>,
    repos: HashMap<RepoId, Watch>,
}

struct Watch {
    task: JoinHandle<()>,
    wake: Arc<Notify>,
    cancel: CancelToken,
}

impl Drop for Watch {
    fn drop(&mut self) {
        // Abort stops the task at its next await; the token stops a git2 call running on the
        // blocking pool, which abort cannot reach.
        self.cancel.cancel();
        self.task.abort();
    }
}

impl Poller {
    /// A poller spawning on the current tokio runtime. Panics outside a runtime; use
    /// [`Poller::with_runtime`] there.
    pub fn new(events: mpsc::Sender<PollEvent>) -> Self {
        Self::with_runtime(tokio::runtime::Handle::current(), events)
    }

    pub fn with_runtime(runtime: tokio::runtime::Handle, events: mpsc::Sender<PollEvent>) -> Self {
        Self {
            runtime,
            events,
            repos: HashMap::new(),
        }
    }

    /// Starts polling `source`, cached in `cache_dir` (cloned on the first round if missing).
    /// Watching an id again replaces its task, e.g. after the user edited the repository.
    pub fn watch(
        &mut self,
        id: impl Into<RepoId>,
        source: Source,
        cache_dir: impl Into<PathBuf>,
        config: PollConfig,
    ) {
        let id = id.into();
        let wake = Arc::new(Notify::new());
        let cancel = CancelToken::new();
        let task = Task {
            id: id.clone(),
            source,
            cache_dir: cache_dir.into(),
            config,
            events: self.events.clone(),
            wake: wake.clone(),
            cancel: cancel.clone(),
        };
        let (events, repo) = (self.events.clone(), id.clone());
        // A panic in the loop is reported and the loop starts again.
        let task = crate::supervise::supervise(
            &self.runtime,
            format!("poller {id}"),
            move |message| {
                let _ = events.try_send(PollEvent::Crashed {
                    repo: repo.clone(),
                    message: format!("Internal error: {message}."),
                });
            },
            move || task.clone().run(),
        );
        // Replacing drops the old watch, which stops its task.
        self.repos.insert(id, Watch { task, wake, cancel });
    }

    /// Stops polling `id`. Returns whether it was watched.
    pub fn unwatch(&mut self, id: &str) -> bool {
        self.repos.remove(id).is_some()
    }

    /// Starts a round for `id` now instead of at the end of its wait (also cutting a backoff
    /// short). A round already running is followed by another. Returns whether it is watched.
    pub fn poll_now(&self, id: &str) -> bool {
        self.repos.get(id).map(|w| w.wake.notify_one()).is_some()
    }

    pub fn is_watching(&self, id: &str) -> bool {
        self.repos.contains_key(id)
    }

    pub fn watched(&self) -> impl Iterator<Item = &str> {
        self.repos.keys().map(String::as_str)
    }
}

#[derive(Clone)]
struct Task {
    id: RepoId,
    source: Source,
    cache_dir: PathBuf,
    config: PollConfig,
    events: mpsc::Sender<PollEvent>,
    wake: Arc<Notify>,
    cancel: CancelToken,
}

impl Task {
    async fn run(self) {
        let mut mirror: Option<Mirror> = None;
        let mut last: Option<Snapshot> = None;
        let mut failures = 0u32;
        loop {
            let (kept, result) = self.round(mirror.take()).await;
            mirror = kept;
            if self.cancel.is_cancelled() {
                return;
            }
            let mut events = Vec::new();
            let delay = match result {
                Ok(update) => {
                    if failures > 0 {
                        events.push(PollEvent::Recovered {
                            repo: self.id.clone(),
                            after_failures: failures,
                        });
                    }
                    failures = 0;
                    let new = update.snapshot;
                    let moved = last.as_ref().is_none_or(|l| l.commit.sha != new.commit.sha);
                    let sha = new.commit.sha.clone();
                    if moved {
                        events.push(PollEvent::RevisionChanged {
                            repo: self.id.clone(),
                            old: last.as_ref().map(|l| l.commit.clone()),
                            path_changed: last.as_ref().is_none_or(|l| !l.same_files(&new)),
                            new: new.clone(),
                        });
                    }
                    last = Some(new);
                    events.push(PollEvent::Checked {
                        repo: self.id.clone(),
                        fetched: update.fetched,
                        sha,
                    });
                    self.config.next_poll(random_jitter())
                }
                Err(error) => {
                    failures += 1;
                    let retry_in = self
                        .config
                        .retry_delay(failures, error.kind(), random_jitter());
                    // The monitor logs once per change of state; every round is debug detail.
                    tracing::debug!(repo = %self.id, attempt = failures, ?retry_in, "polling failed: {error}");
                    events.push(PollEvent::PollFailed {
                        repo: self.id.clone(),
                        error,
                        attempt: failures,
                        retry_in,
                    });
                    retry_in
                }
            };
            for event in events {
                if self.events.send(event).await.is_err() {
                    return; // Nobody listens any more.
                }
            }
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = self.wake.notified() => {}
            }
        }
    }

    /// One round on the blocking pool. Hands the mirror back so the next round reuses the open
    /// repository; after a failure it is reopened, in case the cache was the problem.
    async fn round(&self, mirror: Option<Mirror>) -> (Option<Mirror>, Result<Update, Error>) {
        let source = self.source.clone();
        let dir = self.cache_dir.clone();
        let cancel = self.cancel.clone();
        let (events, repo) = (self.events.clone(), self.id.clone());
        let report = throttled(PROGRESS_INTERVAL, move |progress: &Progress| {
            let repo = repo.clone();
            let _ = events.try_send(PollEvent::Progress {
                repo,
                progress: *progress,
            });
        });
        let job = tokio::task::spawn_blocking(move || {
            blocking_round(mirror, &dir, &source, &cancel, report)
        });
        match job.await {
            Ok(outcome) => outcome,
            Err(join) => (
                None,
                Err(Error::Other {
                    op: Operation::Fetch,
                    url: self.source.url().to_string(),
                    detail: format!("the polling task failed: {join}"),
                }),
            ),
        }
    }
}

fn blocking_round(
    mirror: Option<Mirror>,
    dir: &Path,
    source: &Source,
    cancel: &CancelToken,
    mut report: impl FnMut(&Progress),
) -> (Option<Mirror>, Result<Update, Error>) {
    let (mirror, cloned) = match mirror {
        Some(mirror) => (mirror, false),
        None => {
            let existed = dir.exists();
            match Mirror::open_or_clone(dir, source, cancel, &mut report) {
                Ok(mirror) => (mirror, !existed),
                Err(e) => return (None, Err(e)),
            }
        }
    };
    match mirror.update(source, cancel, &mut report) {
        Ok(mut update) => {
            update.fetched |= cloned;
            (Some(mirror), Ok(update))
        }
        Err(e) => (None, Err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> PollConfig {
        PollConfig::default()
            .interval(Duration::from_secs(10))
            .max_backoff(Duration::from_secs(300))
    }

    #[test]
    fn transient_failures_double_up_to_the_cap() {
        let delays: Vec<u64> = (1..=7)
            .map(|n| {
                config()
                    .retry_delay(n, ErrorKind::Unreachable, 0.0)
                    .as_secs()
            })
            .collect();
        assert_eq!(delays, [10, 20, 40, 80, 160, 300, 300]);
        assert_eq!(
            config().retry_delay(1, ErrorKind::Timeout, 0.0),
            Duration::from_secs(10)
        );
    }

    #[test]
    fn failures_only_the_user_can_fix_wait_the_longest_at_once() {
        for kind in [
            ErrorKind::AuthFailed,
            ErrorKind::NotFound,
            ErrorKind::Redirected,
        ] {
            assert_eq!(
                config().retry_delay(1, kind, 0.0),
                Duration::from_secs(300),
                "{kind:?}"
            );
        }
        // A missing path is usually fixed by a push: retried at the normal rate.
        assert_eq!(
            config().retry_delay(1, ErrorKind::PathMissing, 0.0),
            Duration::from_secs(10)
        );
    }

    #[test]
    fn jitter_spreads_every_delay_by_at_most_a_fifth() {
        let c = config();
        assert_eq!(c.next_poll(1.0), Duration::from_secs(12));
        assert_eq!(c.next_poll(-1.0), Duration::from_secs(8));
        assert_eq!(c.next_poll(7.0), Duration::from_secs(12), "clamped");
        assert_eq!(
            c.retry_delay(1, ErrorKind::AuthFailed, -0.5),
            Duration::from_secs(270)
        );
        assert_eq!(
            c.retry_delay(2, ErrorKind::Unreachable, 0.5),
            Duration::from_secs(22)
        );
    }

    #[test]
    fn random_jitter_stays_in_range_and_varies() {
        let values: Vec<f64> = (0..1000).map(|_| random_jitter()).collect();
        assert!(values.iter().all(|v| (-1.0..1.0).contains(v)), "{values:?}");
        let positive = values.iter().filter(|v| **v > 0.0).count();
        assert!(
            (300..700).contains(&positive),
            "{positive} of 1000 positive"
        );
    }
}
