//! Shipdeck's GitOps engine.
//!
//! A library with no Tauri or UI dependency, so it can be tested headless and driven by several
//! front ends through one [`Engine`]. Its results use the vocabulary of [`shipdeck_ipc`]; the
//! settings file has its own schema ([`settings::model`]), mapped at the boundary.

pub mod atomic_file;
pub mod automation;
pub mod charts;
pub mod checkout;
pub mod clusters;
pub mod commit;
pub mod credentials;
pub mod deployment_diff;
pub mod deployments;
pub mod dora;
pub mod drift;
pub mod drift_log;
pub mod drift_notice;
pub mod engine;
pub mod git;
pub mod health;
pub mod history;
pub mod instance;
pub mod live;
pub mod manifests;
pub mod monitor;
pub mod records;
pub mod secret;
pub mod settings;
pub mod sources;
pub mod supervise;
pub mod sync;
pub mod undo;
pub mod workspace;

pub use engine::{Dirs, Engine};
pub use secret::Secret;
pub use workspace::{Workspace, WorkspaceError};
