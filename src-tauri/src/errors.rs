//! Engine errors to the one IPC error shape. Messages come from the engine, which words them
//! to say what to do; this only picks the code.

use shipdeck_engine::{clusters, connections, credentials, git, settings};
use shipdeck_ipc::{ErrorCode, IpcError};

pub fn from_settings(err: settings::Error) -> IpcError {
    IpcError::new(ErrorCode::InvalidInput, err.to_string())
}

pub fn from_credentials(err: credentials::Error) -> IpcError {
    let code = match err {
        credentials::Error::Rejected(_) => ErrorCode::InvalidInput,
        _ => ErrorCode::Keyring,
    };
    IpcError::new(code, err.to_string())
}

pub fn from_cluster(err: clusters::Error) -> IpcError {
    IpcError::new(ErrorCode::Cluster, err.to_string())
}

pub fn from_git(err: &git::Error) -> IpcError {
    let code = if matches!(err, git::Error::Cancelled { .. }) {
        ErrorCode::Cancelled
    } else {
        ErrorCode::Git
    };
    IpcError::new(code, err.to_string())
}

pub fn from_connections(err: connections::Error) -> IpcError {
    match err {
        connections::Error::Credentials(e) => from_credentials(e),
        connections::Error::Git(e) => from_git(&e),
        other => IpcError::new(ErrorCode::InvalidInput, other.to_string()),
    }
}

pub fn invalid(message: impl Into<String>) -> IpcError {
    IpcError::new(ErrorCode::InvalidInput, message)
}
