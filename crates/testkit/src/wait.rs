//! Bounded polling: tests wait for the cluster to converge, never for a fixed time.

use std::future::Future;
use std::time::{Duration, Instant};

const INTERVAL: Duration = Duration::from_millis(250);

/// Calls `check` until it returns `Ok`, at most for `timeout`; then panics naming `what` and
/// the last `Err` it returned (what was observed instead), so a failure explains itself.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let start = Instant::now();
    loop {
        match check().await {
            Ok(value) => return value,
            Err(last) if start.elapsed() > timeout => {
                panic!(
                    "timed out after {}s waiting for {what}; last seen: {last}",
                    timeout.as_secs()
                )
            }
            Err(_) => tokio::time::sleep(INTERVAL).await,
        }
    }
}
