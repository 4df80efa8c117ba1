//! Pushes a fresh overview to the UI when the workspace's HEAD moves (a local commit or pull).
//! Reading HEAD is a file read, so checking every few seconds costs nothing measurable.

use crate::commands::workspace::load_overview;
use shipdeck_ipc::events::{WORKSPACE_LOADED, WorkspaceLoaded};
use std::path::PathBuf;
use std::time::Duration;
use tauri::{AppHandle, Emitter};

const INTERVAL: Duration = Duration::from_secs(3);

pub fn spawn_head_watcher(app: AppHandle, path: PathBuf) {
    std::thread::Builder::new()
        .name("workspace-head".into())
        .spawn(move || {
            let mut last: Option<String> = None;
            loop {
                let head = read_head(&path);
                if head != last {
                    last = head;
                    let payload = match load_overview(&path) {
                        Ok(overview) => WorkspaceLoaded::Loaded(Box::new(overview)),
                        Err(err) => WorkspaceLoaded::Failed(err),
                    };
                    if let Err(err) = app.emit(WORKSPACE_LOADED, payload) {
                        tracing::warn!(%err, "could not emit {WORKSPACE_LOADED}");
                    }
                }
                std::thread::sleep(INTERVAL);
            }
        })
        .expect("spawning a thread only fails when the OS is out of resources");
}

fn read_head(path: &std::path::Path) -> Option<String> {
    shipdeck_engine::Workspace::open(path).ok()?.head_id()
}
