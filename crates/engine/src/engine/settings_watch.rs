//! Picks up edits of `settings.toml` made outside Shipdeck while it runs. The file is small, so
//! reading it every couple of seconds costs nothing measurable and works on every platform and
//! file system (inotify misses edits through some editors' rename-over and network mounts).

use super::Engine;
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(2);

pub fn spawn(runtime: &Handle, engine: Weak<Engine>, every: Duration) -> JoinHandle<()> {
    runtime.spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            let Some(engine) = engine.upgrade() else {
                return;
            };
            let checked = tokio::task::spawn_blocking(move || {
                apply(&engine);
            })
            .await;
            if let Err(e) = checked {
                tracing::error!("checking settings.toml failed: {e}");
            }
        }
    })
}

fn apply(engine: &Arc<Engine>) {
    engine.follow_file();
}
