//! The one error shape the UI receives from any command.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of failure, so the UI can choose how to present it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The user asked for something that is not configured or does not exist.
    NotFound,
    /// The input was rejected; the message says what to change.
    InvalidInput,
    /// A Git operation failed.
    Git,
    /// A cluster could not be reached or refused us.
    Cluster,
    /// The OS keyring is unavailable or refused.
    Keyring,
    /// The user cancelled the operation.
    Cancelled,
    /// Reading or writing local files failed.
    Io,
    /// A bug: a command panicked or broke an invariant. The app keeps running.
    Internal,
}

/// A command failure: a code for the UI and a message for the user that says what to do.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for IpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IpcError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI parses this shape; changing it is a breaking change for both sides.
    #[test]
    fn json_shape_is_pinned() {
        let err = IpcError::new(ErrorCode::NotFound, "no workspace");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "not_found", "message": "no workspace"})
        );
    }
}
