//! Shipdeck's GitOps engine.
//!
//! A library with no Tauri or UI dependency, so it can be tested headless and reused by other
//! front ends. It speaks the vocabulary of [`shipdeck_ipc`] so results cross the IPC boundary
//! without translation.

pub mod clusters;
pub mod commit;
pub mod credentials;
pub mod engine;
pub mod git;
pub mod instance;
pub mod live;
pub mod manifests;
pub mod monitor;
pub mod secret;
pub mod settings;
pub mod sources;
pub mod workspace;

pub use engine::{Dirs, Engine};
pub use secret::Secret;
pub use workspace::{Workspace, WorkspaceError};
