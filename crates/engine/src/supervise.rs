//! Background tasks that restart after a panic. A panic is logged, handed to `on_panic` (the
//! monitor shows it on the affected cluster; a poller reports a failed round), and the task
//! starts again after a pause that grows with repeated crashes, so a task that always panics
//! cannot spin.

use std::future::Future;
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

const FIRST_PAUSE: Duration = Duration::from_secs(1);
const MAX_PAUSE: Duration = Duration::from_secs(60);

/// Runs `make()` on `runtime` until it returns, restarting it whenever it panics. Aborting the
/// returned handle stops the task too.
pub fn supervise<F, Fut>(
    runtime: &Handle,
    what: String,
    on_panic: impl Fn(String) + Send + 'static,
    make: F,
) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let spawner = runtime.clone();
    runtime.spawn(async move {
        let mut pause = FIRST_PAUSE;
        loop {
            let mut task = AbortOnDrop(spawner.spawn(make()));
            match (&mut task.0).await {
                Ok(()) => return,
                Err(e) if e.is_panic() => {
                    let message = panic_message(e.into_panic());
                    tracing::error!(task = %what, "background task panicked: {message}; restarting");
                    on_panic(message);
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(MAX_PAUSE);
                }
                Err(_) => return,
            }
        }
    })
}

/// Aborts the inner task when the supervisor itself is aborted.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a background task panicked".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn a_panicking_task_is_reported_and_restarted() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let runs = Arc::new(AtomicU32::new(0));
        let counter = runs.clone();
        let handle = supervise(
            &Handle::current(),
            "test".into(),
            move |message| drop(tx.send(message)),
            move || {
                let counter = counter.clone();
                async move {
                    if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                        panic!("boom");
                    }
                }
            },
        );
        handle.await.unwrap();
        assert_eq!(
            runs.load(Ordering::SeqCst),
            2,
            "restarted once, then finished"
        );
        let message = rx.recv().await.expect("the panic was reported");
        assert!(message.contains("boom"), "{message}");
    }

    #[tokio::test]
    async fn aborting_the_supervisor_stops_the_task() {
        let alive = Arc::new(AtomicU32::new(0));
        let probe = alive.clone();
        let handle = supervise(
            &Handle::current(),
            "test".into(),
            |_| {},
            move || {
                let probe = probe.clone();
                async move {
                    loop {
                        probe.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
            },
        );
        tokio::time::sleep(Duration::from_millis(30)).await;
        handle.abort();
        let _ = handle.await;
        let seen = alive.load(Ordering::SeqCst);
        assert!(seen > 0, "the task ran before the abort");
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert_eq!(alive.load(Ordering::SeqCst), seen, "the inner task stopped");
    }
}
