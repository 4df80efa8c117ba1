//! Shipdeck's configuration: clusters, repositories and applications, in a versioned,
//! human-readable TOML file in the config directory.
//!
//! Why a file and not the database: it is small, users want to read, diff and back it up, and
//! it must survive a database reset. Guarantees:
//! - the file's schema belongs to the engine ([`model`]), has a format version, and older
//!   formats are migrated when read ([`v1`]); the IPC types are mapped at the boundary
//!   ([`wire`]);
//! - a change is read-modify-write under one lock on top of the newest file, validated as a
//!   whole before anything is written ([`validate`], which uses the poller's own parsers);
//! - the file is replaced atomically, so a kill at any moment leaves the old or the new file;
//! - a file that does not parse or is invalid is never overwritten and never used: the store
//!   keeps the last good settings and says which line or field is wrong;
//! - a hand edit made while Shipdeck runs is picked up ([`SettingsStore::reload_if_changed`]).

mod file;
pub mod model;
mod store;
mod v1;
mod validate;
pub mod wire;

pub use file::FORMAT_VERSION;
pub use model::Settings;
pub use store::{Reload, SettingsStore};
pub use validate::{is_dns_label, validate};

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
        "{path} cannot be used: {message}. Fix the file; Shipdeck will not overwrite it and keeps the last good settings"
    )]
    InvalidFile { path: String, message: String },
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
