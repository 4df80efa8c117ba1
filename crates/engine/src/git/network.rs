//! Process-wide network settings of libgit2: connect and read timeouts.
//!
//! libgit2 waits forever by default: a server that accepts the TCP connection and never
//! answers (a wedged proxy, a half-dead forge, an attacker) would hold a poll round, and the
//! blocking thread it runs on, until the process exits. Cancellation cannot help either: it is
//! checked in callbacks, and libgit2 calls none while it waits for a read. The timeouts are
//! global options of the C library, so they are set once, at start-up.

use std::sync::{Once, OnceLock};
use std::time::Duration;

/// The connect timeout [`init_network_timeouts`] is meant to be called with.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The read timeout [`init_network_timeouts`] is meant to be called with: the longest silence
/// tolerated in the middle of a transfer, not a limit on the transfer's duration.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timeouts {
    pub connect: Duration,
    pub read: Duration,
}

static INIT: Once = Once::new();
static APPLIED: OnceLock<Timeouts> = OnceLock::new();

/// Sets libgit2's server connect and read timeouts for the whole process, once: later calls
/// change nothing, whatever their values. Every clone, fetch and remote check calls it first
/// with [`DEFAULT_CONNECT_TIMEOUT`] and [`DEFAULT_READ_TIMEOUT`], so the timeouts are always
/// in force; call it at start-up only to choose other values. Durations are rounded to
/// milliseconds and clamped to 1 ms ..= `i32::MAX` ms (zero would mean "no timeout").
pub fn init_network_timeouts(connect: Duration, read: Duration) {
    INIT.call_once(|| {
        let millis = |d: Duration| i32::try_from(d.as_millis()).unwrap_or(i32::MAX).max(1);
        let applied = set_libgit2_timeouts(millis(connect), millis(read));
        match applied {
            Ok(()) => {
                let _ = APPLIED.set(Timeouts { connect, read });
            }
            // Only an unsupported option fails; keep going without timeouts rather than
            // refusing to start, and say so.
            Err(e) => tracing::error!("libgit2 refused the network timeouts: {}", e.message()),
        }
    });
}

/// Called before every network operation (see `remote::Call`): blocks until the timeouts are
/// set, so no libgit2 socket is ever opened before they are.
pub(crate) fn ensure_timeouts() {
    init_network_timeouts(DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
}

/// The timeouts in force, if [`init_network_timeouts`] succeeded.
pub(crate) fn timeouts() -> Option<Timeouts> {
    APPLIED.get().copied()
}

// The one exception to the workspace's `unsafe_code` ban (see the engine's Cargo.toml):
// git2 exposes these libgit2 options only as `unsafe fn`, because they write C globals
// without synchronisation. What makes the calls sound here: `INIT` guarantees a single
// writer, ever, and every git2 network call in the engine goes through `ensure_timeouts`
// first, which waits for `INIT` to complete, so no reader runs concurrently with the write.
// Without them a silent server hangs a poll forever (see the module comment).
#[allow(unsafe_code)]
fn set_libgit2_timeouts(connect_ms: i32, read_ms: i32) -> Result<(), git2::Error> {
    // SAFETY: called only from `INIT.call_once` above, so never concurrently with itself;
    // libgit2 reads these integers when it opens or reads a socket, which the engine does only
    // after `ensure_timeouts` returned (see above).
    unsafe {
        git2::opts::set_server_connect_timeout_in_milliseconds(connect_ms)?;
        git2::opts::set_server_timeout_in_milliseconds(read_ms)?;
    }
    Ok(())
}
