//! Reading and writing `settings.toml`: the format version, migration of older formats, and the
//! atomic replace.

use super::model::Settings;
use super::{Error, Result, v1, validate};
use std::path::Path;

/// The format this Shipdeck writes. Older formats are migrated when read; see [`v1`].
pub const FORMAT_VERSION: u32 = 2;

const HEADER: &str = "# Shipdeck settings. Credentials are in the OS keyring, not here.\n";

#[derive(serde::Deserialize)]
struct Version {
    format: Option<u32>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Current {
    #[serde(default = "current_format")]
    format: u32,
    #[serde(flatten)]
    settings: Settings,
}

/// Parses and validates a settings file's text, migrating older formats. A file with no
/// `format` line is read as the current format (someone wrote it by hand).
pub fn parse(path: &Path, text: &str) -> Result<(Settings, u32)> {
    let parse_err = |e: toml::de::Error| Error::Parse {
        path: path.display().to_string(),
        message: e.to_string().trim().replace('\n', " "),
    };
    let version = toml::from_str::<Version>(text)
        .map_err(parse_err)?
        .format
        .unwrap_or(FORMAT_VERSION);
    let settings = match version {
        1 => v1::migrate(toml::from_str::<v1::Settings>(text).map_err(parse_err)?),
        FORMAT_VERSION => toml::from_str::<Current>(text).map_err(parse_err)?.settings,
        found if found > FORMAT_VERSION => {
            return Err(Error::TooNew {
                path: path.display().to_string(),
                found,
            });
        }
        found => {
            return Err(Error::Parse {
                path: path.display().to_string(),
                message: format!("`format = {found}` is not a Shipdeck settings format"),
            });
        }
    };
    validate(&settings).map_err(|e| Error::InvalidFile {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    Ok((settings, version))
}

fn current_format() -> u32 {
    FORMAT_VERSION
}

pub fn render(settings: &Settings) -> Result<String, toml::ser::Error> {
    let text = toml::to_string_pretty(&Current {
        format: FORMAT_VERSION,
        settings: settings.clone(),
    })?;
    Ok(format!("{HEADER}{text}"))
}

/// Replaces `path` with `text` atomically (write a sibling, fsync, rename): a kill at any
/// moment leaves the old file or the new one, never a mix.
pub fn write_atomically(path: &Path, text: &str) -> Result<()> {
    crate::atomic_file::replace(path, text.as_bytes()).map_err(|source| Error::Write {
        path: path.display().to_string(),
        source,
    })
}

/// Keeps a copy of a file in an older format before Shipdeck first replaces it, so a user
/// going back to the older Shipdeck still has their settings.
pub fn back_up_older_format(path: &Path, version: u32) {
    let backup = path.with_extension(format!("toml.format-{version}.bak"));
    if !backup.exists()
        && let Err(e) = std::fs::copy(path, &backup)
    {
        tracing::warn!(path = %backup.display(), "could not back up the settings file: {e}");
    }
}
