//! Names of the backend commands the UI may invoke, and their argument types.
//!
//! The Tauri capability file allows exactly these; a test in `src-tauri` checks the two agree.

use serde::{Deserialize, Serialize};

pub const APP_INFO: &str = "app_info";
pub const WORKSPACE_OVERVIEW: &str = "workspace_overview";
pub const RECENT_COMMITS: &str = "recent_commits";

/// Every command the backend registers.
pub const ALL: &[&str] = &[APP_INFO, WORKSPACE_OVERVIEW, RECENT_COMMITS];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecentCommitsArgs {
    pub limit: u32,
}

/// Facts about the running app, shown in Settings and used to locate logs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AppInfo {
    pub version: String,
    pub log_dir: String,
    pub data_dir: String,
    pub config_dir: String,
    /// The workspace repository the app opened, if any.
    pub workspace: Option<String>,
}
