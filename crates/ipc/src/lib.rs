//! The contract between the Shipdeck backend and its UI.
//!
//! Everything here is plain serde data so the wasm UI and the native backend agree by
//! construction. Command names and event names are constants here too, so neither side spells
//! them by hand.

pub mod clusters;
pub mod commands;
pub mod config;
pub mod connections;
pub mod deploy;
pub mod dora;
pub mod dora_text;
pub mod drift;
pub mod error;
pub mod events;
pub mod history;
pub mod status;
pub mod timeline;
pub mod workspace;

pub use error::{ErrorCode, IpcError};
pub use status::{HealthStatus, SyncStatus};
