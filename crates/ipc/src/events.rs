//! Events the backend emits to the UI.

use crate::{IpcError, workspace::WorkspaceOverview};
use serde::{Deserialize, Serialize};

/// Emitted when the backend finished (re)loading the workspace repository.
pub const WORKSPACE_LOADED: &str = "workspace-loaded";

/// Payload of [`WORKSPACE_LOADED`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum WorkspaceLoaded {
    Loaded(Box<WorkspaceOverview>),
    Failed(IpcError),
}

/// Emitted with a [`crate::connections::ConnectionsOverview`] whenever a cluster check or a
/// repository poll changes what the Overview shows.
pub const CONNECTIONS_CHANGED: &str = "connections-changed";

/// Emitted with a [`crate::connections::GitProgress`] while a clone the user waits on runs.
pub const GIT_PROGRESS: &str = "git-progress";

/// Emitted with the [`crate::config::Settings`] in force whenever they change, including by an
/// edit of `settings.toml` made outside Shipdeck.
pub const SETTINGS_CHANGED: &str = "settings-changed";

/// Emitted with a [`crate::drift::DriftEvent`] when a live change makes an application drift.
pub const DRIFT_DETECTED: &str = "drift-detected";
