//! Events the backend emits to the UI.

use crate::{IpcError, workspace::WorkspaceOverview};
use serde::{Deserialize, Serialize};

/// Emitted when the backend finished (re)loading the workspace repository.
pub const WORKSPACE_LOADED: &str = "workspace-loaded";

/// Payload of [`WORKSPACE_LOADED`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum WorkspaceLoaded {
    Loaded(WorkspaceOverview),
    Failed(IpcError),
}
