//! Where the engine keeps its files. Handed in by the front end (the window asks Tauri for its
//! app directories, the command line computes the same ones), so every front end opens the same
//! settings and caches.

use std::path::PathBuf;

/// The window's Tauri identifier (`identifier` in `tauri.conf.json`): the name of its config,
/// data and cache directories.
pub const APP_ID: &str = "dev.shipdeck.desktop";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dirs {
    /// `settings.toml` and the instance lock.
    pub config: PathBuf,
    /// Data that must survive (history, local deployment records).
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

    /// The current user's directories, the ones the window gets from Tauri's path API
    /// (`app_config_dir`, `app_data_dir`, `app_cache_dir`: the platform's config, data and cache
    /// directories joined with [`APP_ID`]; on Linux `$XDG_CONFIG_HOME/dev.shipdeck.desktop`
    /// or `~/.config/dev.shipdeck.desktop`, and so on). Tauri computes them with the same
    /// `dirs` crate, so a command line opens the window's settings and caches. `None` when the
    /// platform has no home directory.
    pub fn for_user() -> Option<Self> {
        Some(Self::new(
            ::dirs::config_dir()?.join(APP_ID),
            ::dirs::data_dir()?.join(APP_ID),
            ::dirs::cache_dir()?.join(APP_ID),
        ))
    }

    pub fn settings_file(&self) -> PathBuf {
        self.config.join("settings.toml")
    }

    /// The record of drift events ([`crate::drift_log`]).
    pub fn drift_events(&self) -> PathBuf {
        self.data.join("drift-events.jsonl")
    }

    /// Deployment records the clusters refused, kept on this desk ([`crate::records::local`]).
    pub fn deployments(&self) -> PathBuf {
        self.data.join("deployments")
    }

    /// The history database ([`crate::history::Store`]).
    pub fn history(&self) -> PathBuf {
        self.data.join("history.sqlite")
    }

    /// Every directory Git mirrors are kept under (`ROOT/REPOSITORY-ID/…`): the window's and
    /// the command line's, so history finds a commit whichever fetched it.
    pub fn mirror_roots(&self) -> Vec<PathBuf> {
        vec![self.mirrors(), self.mirrors().join("cli")]
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The window's directories are Tauri's app directories: the platform's, named after the
    /// app's identifier (a command-line test checks the identifier against tauri.conf.json).
    #[test]
    fn the_users_directories_are_named_after_the_app() {
        let dirs = Dirs::for_user().expect("tests run with a home directory");
        for dir in [&dirs.config, &dirs.data, &dirs.cache] {
            assert!(dir.ends_with(APP_ID), "{}", dir.display());
        }
        assert_ne!(dirs.config, dirs.cache);
        assert!(
            dirs.settings_file()
                .ends_with("dev.shipdeck.desktop/settings.toml")
        );
    }
}
