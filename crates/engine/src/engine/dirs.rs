//! Where the engine keeps its files. Handed in by the front end (the window asks Tauri for its
//! app directories, the command line computes the same ones), so every front end opens the same
//! settings and caches.

use std::path::PathBuf;

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

    pub fn settings_file(&self) -> PathBuf {
        self.config.join("settings.toml")
    }

    pub fn mirrors(&self) -> PathBuf {
        self.cache.join("mirrors")
    }

    /// This process's scratch space: each process that opens the same directories (the
    /// window, a command line) has its own, so none removes another's work in progress.
    pub fn scratch(&self) -> PathBuf {
        self.scratch_root().join(std::process::id().to_string())
    }

    /// Where every process's scratch space lives.
    pub fn scratch_root(&self) -> PathBuf {
        self.cache.join("scratch")
    }
}
