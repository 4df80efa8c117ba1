//! Tauri commands, one file per domain. Each is a few lines: state in, engine call, error mapped.

pub mod app;
pub mod applications;
pub mod clusters;
pub mod deploy;
pub mod history;
pub mod repositories;
pub mod timeline;
pub mod workspace;
