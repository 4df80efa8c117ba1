//! The engine's errors, each with the IPC code the UI shows it under. Messages come from the
//! module that failed and say what to do.

use crate::{clusters, credentials, git, settings, sources};
use shipdeck_ipc::{ErrorCode, IpcError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Settings(#[from] settings::Error),
    #[error("{0}")]
    Credentials(#[from] credentials::Error),
    #[error("{0}")]
    Cluster(#[from] clusters::Error),
    #[error("{0}")]
    Git(#[from] git::Error),
    #[error("{0}")]
    Source(#[from] sources::Error),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Io(String),
    /// A sync or rollback could not start (another runs, its record could not be written).
    #[error("{0}")]
    Refused(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Settings(_) | Error::Invalid(_) => ErrorCode::InvalidInput,
            Error::Credentials(credentials::Error::Rejected(_)) => ErrorCode::InvalidInput,
            Error::Credentials(_) => ErrorCode::Keyring,
            Error::Cluster(_) => ErrorCode::Cluster,
            Error::Git(git::Error::Cancelled { .. }) => ErrorCode::Cancelled,
            Error::Git(_) => ErrorCode::Git,
            Error::Source(sources::Error::Credentials(_)) => ErrorCode::Keyring,
            Error::Source(_) => ErrorCode::InvalidInput,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Io(_) => ErrorCode::Io,
            Error::Refused(_) => ErrorCode::Cluster,
        }
    }
}

impl From<Error> for IpcError {
    fn from(err: Error) -> Self {
        IpcError::new(err.code(), err.to_string())
    }
}

pub(crate) fn invalid<T>(message: impl Into<String>) -> Result<T> {
    Err(Error::Invalid(message.into()))
}
