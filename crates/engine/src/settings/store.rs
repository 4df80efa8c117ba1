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
        match store.read_disk(false) {
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
        // A hand edit is caught up on a copy: if this change is refused, the edit stays unseen
        // for `reload_if_changed`, which reports it (and the monitor follows it) as usual.
        let mut staged = Inner {
            current: inner.current.clone(),
            problem: inner
                .problem
                .as_ref()
                .map(|p| Error::Invalid(p.to_string())),
            seen: inner.seen,
        };
        self.catch_up(&mut staged)?;
        let mut next = staged.current.clone();
        let out = change(&mut next)?;
        validate(&next)?;
        let text = file::render(&next)
            .map_err(|e| Error::Invalid(format!("the settings cannot be written: {e}")))?;
        file::write_atomically(&self.path, &text)?;
        inner.seen = Some(hash(text.as_bytes()));
        inner.current = next;
        inner.problem = None;
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
        match self.read_disk(inner.seen.is_some()) {
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

    /// Reads and parses the file. `had_file`: Shipdeck saw a file there before. Then a missing
    /// or empty file is a problem, not an empty configuration: editors that truncate before
    /// writing and sync tools that delete before recreating show one for a moment, and taking
    /// it would stop every poller and let the next save write over the user's settings.
    #[allow(clippy::type_complexity)]
    fn read_disk(
        &self,
        had_file: bool,
    ) -> Result<(Settings, Option<u64>, u32), (Error, Option<u64>)> {
        let gone = |what: &str, seen| {
            (
                Error::InvalidFile {
                    path: self.path.display().to_string(),
                    message: format!(
                        "the file {what}; put it back (or quit Shipdeck and start it again to begin with empty settings)"
                    ),
                },
                seen,
            )
        };
        match std::fs::read(&self.path) {
            Ok(bytes) => {
                let seen = Some(hash(&bytes));
                let text = String::from_utf8_lossy(&bytes);
                if had_file && text.trim().is_empty() {
                    return Err(gone("is empty", seen));
                }
                file::parse(&self.path, &text)
                    .map(|(s, version)| (s, seen, version))
                    .map_err(|e| (e, seen))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if had_file {
                    Err(gone("was removed", None))
                } else {
                    Ok((Settings::default(), None, FORMAT_VERSION))
                }
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
