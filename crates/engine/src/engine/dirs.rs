//! Where the engine keeps its files. Handed in by the front end (the window asks Tauri for its
//! app directories, the command line computes the same ones), so every front end opens the same
//! settings and caches.

use std::path::{Path, PathBuf};

/// The app identifier the directories are named after, as in `tauri.conf.json`.
pub const APP_ID: &str = "dev.shipdeck.desktop";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dirs {
    /// `settings.toml` and the instance lock.
    pub config: PathBuf,
    /// Data that must survive (history, later).
    pub data: PathBuf,
    /// Mirrors and scratch space: safe to delete.
    pub cache: PathBuf,
}

impl Dirs {
    pub fn new(
        config: impl Into<PathBuf>,
        data: impl Into<PathBuf>,
        cache: impl Into<PathBuf>,
    ) -> Self {
        Self {
            config: config.into(),
            data: data.into(),
            cache: cache.into(),
        }
    }

    /// The platform's per-user directories for [`APP_ID`], the same Tauri uses for the window
    /// (`$XDG_CONFIG_HOME/dev.shipdeck.desktop`, …), for front ends without Tauri.
    pub fn for_user() -> Option<Self> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let xdg = |var: &str, fallback: &str| -> Option<PathBuf> {
            std::env::var_os(var)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .or_else(|| home.as_ref().map(|h| h.join(fallback)))
        };
        Some(Self::new(
            xdg("XDG_CONFIG_HOME", ".config")?.join(APP_ID),
            xdg("XDG_DATA_HOME", ".local/share")?.join(APP_ID),
            xdg("XDG_CACHE_HOME", ".cache")?.join(APP_ID),
        ))
    }

    pub fn settings_file(&self) -> PathBuf {
        self.config.join("settings.toml")
    }

    pub fn mirrors(&self) -> PathBuf {
        self.cache.join("mirrors")
    }

    pub fn scratch(&self) -> PathBuf {
        self.cache.join("scratch")
    }

    pub fn config_dir(&self) -> &Path {
        &self.config
    }
}
