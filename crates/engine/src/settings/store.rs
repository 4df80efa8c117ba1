use super::{Error, Result, validate};
use shipdeck_ipc::config::Settings;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Bumped when the file's shape changes incompatibly; older files are migrated on load.
pub const FORMAT_VERSION: u32 = 1;

#[derive(serde::Serialize, serde::Deserialize)]
struct File {
    format: u32,
    #[serde(flatten)]
    settings: Settings,
}

pub struct SettingsStore {
    path: PathBuf,
    current: Mutex<Settings>,
}

impl SettingsStore {
    /// Opens the settings at `path`; a missing file is an empty configuration.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self> {
        let path = path.into();
        let settings = match std::fs::read_to_string(&path) {
            Ok(text) => parse(&path, &text)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(source) => {
                return Err(Error::Read {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        Ok(Self {
            path,
            current: Mutex::new(settings),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self) -> Settings {
        self.lock().clone()
    }

    /// Applies `change` to a copy, validates the result, writes it, and only then makes it
    /// current. On any error nothing changes, in memory or on disk.
    pub fn update<T>(&self, change: impl FnOnce(&mut Settings) -> Result<T>) -> Result<T> {
        let mut current = self.lock();
        let mut next = current.clone();
        let out = change(&mut next)?;
        validate(&next)?;
        write_atomically(&self.path, &next)?;
        *current = next;
        Ok(out)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Settings> {
        // A panic while holding the lock cannot leave a half-applied change (we swap whole
        // values), so the data behind a poisoned lock is still consistent.
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn parse(path: &Path, text: &str) -> Result<Settings> {
    let file: File = toml::from_str(text).map_err(|e| Error::Parse {
        path: path.display().to_string(),
        message: e.to_string().trim().replace('\n', " "),
    })?;
    if file.format > FORMAT_VERSION {
        return Err(Error::TooNew {
            path: path.display().to_string(),
            found: file.format,
        });
    }
    Ok(file.settings)
}

fn write_atomically(path: &Path, settings: &Settings) -> Result<()> {
    let write_err = |source| Error::Write {
        path: path.display().to_string(),
        source,
    };
    let file = File {
        format: FORMAT_VERSION,
        settings: settings.clone(),
    };
    let text = toml::to_string_pretty(&file)
        .map_err(|e| write_err(std::io::Error::other(e.to_string())))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(write_err)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(write_err)?;
    tmp.write_all(b"# Shipdeck settings. Credentials are in the OS keyring, not here.\n")
        .and_then(|()| tmp.write_all(text.as_bytes()))
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(write_err)?;
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    Ok(())
}
