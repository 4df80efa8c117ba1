//! Where things live. The clone holds only sources; build outputs, installed tools and runtime data
//! live in one cache directory outside it so a CI run on a fresh clone of the same machine is warm.

use std::path::{Path, PathBuf};

/// Root of the Cargo workspace (the clone).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// `$SHIPDECK_CACHE`, else `$XDG_CACHE_HOME/shipdeck`, else `~/.cache/shipdeck`.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SHIPDECK_CACHE") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("shipdeck");
    }
    home().join(".cache").join("shipdeck")
}

pub fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/root"))
}

/// Cargo target dir shared by every build xtask starts (cargo's fingerprints keep it correct).
pub fn target_dir() -> PathBuf {
    cache_dir().join("target")
}

/// Tools installed from registries, one folder per `name-version` so a version bump never reuses
/// a stale binary.
pub fn tool_dir(name: &str, version: &str) -> PathBuf {
    cache_dir().join("tools").join(format!("{name}-{version}"))
}

/// Built UI bundle; `tauri.conf.json`'s `build.frontendDist` points here.
pub fn ui_dist() -> PathBuf {
    workspace_root().join("ui").join("dist")
}

/// Where e2e tests save their screenshots.
pub fn screenshots_dir() -> PathBuf {
    target_dir().join("e2e").join("screenshots")
}

/// The demo workspace (a Git repository of manifests), created once.
pub fn demo_dir() -> PathBuf {
    cache_dir().join("demo")
}
