use super::file::{self, FORMAT_VERSION};
use super::model::Settings;
use super::{Error, Result, validate};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The settings file and the last good settings read from it or written to it.
///
/// Every change is read-modify-write under one lock, on top of the newest copy on disk: if
/// the file changed since Shipdeck last read or wrote it (a hand edit), that edit is read
/// first, so it is never overwritten by an older copy and two changes never lose one another.
/// A file that does not parse or is invalid is never overwritten and never used: the last good
/// settings stay in force and [`SettingsStore::problem`] says what is wrong.
pub struct SettingsStore {
    path: PathBuf,
    inner: Mutex<Inner>,
}

struct Inner {
    current: Settings,
    problem: Option<Error>,
    /// Hash of the file as last read or written; `None` when there was no file.
    seen: Option<u64>,
}

/// What [`SettingsStore::reload_if_changed`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reload {
    /// The file is as Shipdeck last saw it.
    Unchanged,
    /// The file changed and is good: these are the settings now.
    Changed(Settings),
    /// The file changed and cannot be used; the last good settings stay in force.
    Broken(String),
}

impl SettingsStore {
    /// Opens the settings at `path`. A missing file is an empty configuration; a file that
    /// cannot be used leaves the store empty with [`problem`](Self::problem) set.
    pub fn open(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let store = Self {
            path,
            inner: Mutex::new(Inner {
                current: Settings::default(),
                problem: None,
                seen: None,
            }),
        };
        let mut inner = store.lock();
        match store.read_disk() {
            Ok((settings, seen, version)) => {
                if version < FORMAT_VERSION && seen.is_some() {
                    file::back_up_older_format(&store.path, version);
                }
                inner.current = settings;
                inner.seen = seen;
            }
            Err((e, seen)) => {
                tracing::error!("{e}");
                inner.problem = Some(e);
                inner.seen = seen;
            }
        }
        drop(inner);
        store
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The settings in force: the last good ones.
    pub fn get(&self) -> Settings {
        self.lock().current.clone()
    }

    /// Why the file on disk is not in force, if it is not.
    pub fn problem(&self) -> Option<String> {
        self.lock().problem.as_ref().map(ToString::to_string)
    }

    /// Applies `change` to the newest settings, validates the result, writes it, and only then
    /// makes it current. On any error nothing changes, in memory or on disk.
    /// `change` may fail with its own error type; the store's errors convert into it.
    pub fn update<T, E: From<Error>>(
        &self,
        change: impl FnOnce(&mut Settings) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut inner = self.lock();
        self.catch_up(&mut inner)?;
        let mut next = inner.current.clone();
        let out = change(&mut next)?;
        validate(&next)?;
        let text = file::render(&next)
            .map_err(|e| Error::Invalid(format!("the settings cannot be written: {e}")))?;
        file::write_atomically(&self.path, &text)?;
        inner.seen = Some(hash(text.as_bytes()));
        inner.current = next;
        Ok(out)
    }

    /// Reads the file again if it changed since Shipdeck last read or wrote it.
    pub fn reload_if_changed(&self) -> Reload {
        let mut inner = self.lock();
        let problem = |i: &Inner| i.problem.as_ref().map(ToString::to_string);
        let before = (inner.current.clone(), problem(&inner));
        // The outcome is read from `inner`; the error only repeats the recorded problem.
        let _ = self.catch_up(&mut inner);
        let after = (inner.current.clone(), problem(&inner));
        if after == before {
            return Reload::Unchanged;
        }
        match after.1 {
            Some(problem) => Reload::Broken(problem),
            None => Reload::Changed(after.0),
        }
    }

    /// Brings `inner` up to the file on disk when the file changed. Fails (and records the
    /// problem) when the changed file cannot be used.
    fn catch_up(&self, inner: &mut Inner) -> Result<()> {
        let now = read_hash(&self.path)?;
        if now == inner.seen && inner.problem.is_none() {
            return Ok(());
        }
        if now == inner.seen
            && let Some(problem) = &inner.problem
        {
            return Err(Error::Invalid(problem.to_string()));
        }
        match self.read_disk() {
            Ok((settings, seen, _)) => {
                tracing::info!(path = %self.path.display(), "settings changed on disk; reloaded");
                inner.current = settings;
                inner.seen = seen;
                inner.problem = None;
                Ok(())
            }
            Err((e, seen)) => {
                tracing::warn!("{e}");
                let message = e.to_string();
                inner.problem = Some(e);
                inner.seen = seen;
                Err(Error::Invalid(message))
            }
        }
    }

    #[allow(clippy::type_complexity)]
    fn read_disk(&self) -> Result<(Settings, Option<u64>, u32), (Error, Option<u64>)> {
        match std::fs::read(&self.path) {
            Ok(bytes) => {
                let seen = Some(hash(&bytes));
                let text = String::from_utf8_lossy(&bytes);
                file::parse(&self.path, &text)
                    .map(|(s, version)| (s, seen, version))
                    .map_err(|e| (e, seen))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok((Settings::default(), None, FORMAT_VERSION))
            }
            Err(source) => Err((
                Error::Read {
                    path: self.path.display().to_string(),
                    source,
                },
                None,
            )),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Changes swap whole values, so the data behind a poisoned lock is still consistent.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn read_hash(path: &Path) -> Result<Option<u64>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(hash(&bytes))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Read {
            path: path.display().to_string(),
            source,
        }),
    }
}

fn hash(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}
