//! Shipdeck's configuration: clusters, repositories and applications, in a versioned,
//! human-readable TOML file in the app's config directory.
//!
//! Why a file and not the database: it is small, users want to read, diff and back it up, and
//! it must survive a database reset. Guarantees:
//! - a change is validated as a whole before anything is written;
//! - the file is replaced atomically (write a sibling, fsync, rename), so a kill at any moment
//!   leaves either the old or the new file, never a mix;
//! - a file that does not parse is never overwritten: the store refuses changes and says which
//!   line is wrong, so nothing already configured is lost.

mod store;
mod validate;

pub use store::{FORMAT_VERSION, SettingsStore};
pub use validate::validate;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path} could not be read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{path} is not valid Shipdeck settings: {message}. Fix the file or move it away; Shipdeck will not overwrite it"
    )]
    Parse { path: String, message: String },
    #[error(
        "{path} was written by a newer Shipdeck (format {found}, this one knows {FORMAT_VERSION}); upgrade Shipdeck"
    )]
    TooNew { path: String, found: u32 },
    #[error("{0}")]
    Invalid(String),
    #[error("saving {path} failed: {source}; the previous settings are unchanged")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests;
