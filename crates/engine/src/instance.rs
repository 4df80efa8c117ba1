//! One running Shipdeck per config directory. A second instance hands over to the first (which
//! brings its window to the front) and exits, instead of writing the same `settings.toml`.
//!
//! The lock is an OS file lock on `instance.lock` in the config directory, so it is released
//! when the process dies, however it dies. The first instance listens on a Unix socket next to
//! it; the second connects and asks it to show itself. Keyed by directory rather than by a
//! session-bus name, so instances with other config directories (tests, a second profile) run
//! side by side.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// What [`acquire`] found.
pub enum Instance {
    /// This is the only instance; keep the guard for as long as the app runs.
    First(Guard),
    /// Another instance owns the directory and was asked to show itself.
    Second,
}

pub struct Guard {
    _lock: File,
    socket: Option<PathBuf>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(path) = &self.socket {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot take the instance lock in {dir}: {source}")]
pub struct Error {
    dir: String,
    source: std::io::Error,
}

/// Takes the instance lock of `config_dir`, or asks the instance holding it to call its
/// `on_activate` (on a thread of its own).
pub fn acquire(
    config_dir: &Path,
    on_activate: impl Fn() + Send + 'static,
) -> Result<Instance, Error> {
    let err = |source| Error {
        dir: config_dir.display().to_string(),
        source,
    };
    std::fs::create_dir_all(config_dir).map_err(err)?;
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(config_dir.join("instance.lock"))
        .map_err(err)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            activate_first(config_dir);
            return Ok(Instance::Second);
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(err(e)),
    }
    let socket = listen(config_dir, on_activate);
    Ok(Instance::First(Guard {
        _lock: lock,
        socket,
    }))
}

fn socket_path(config_dir: &Path) -> PathBuf {
    config_dir.join("instance.sock")
}

#[cfg(unix)]
fn listen(config_dir: &Path, on_activate: impl Fn() + Send + 'static) -> Option<PathBuf> {
    use std::os::unix::net::UnixListener;
    let path = socket_path(config_dir);
    // We hold the lock, so a socket file left here is from an instance that died.
    let _ = std::fs::remove_file(&path);
    let listener = match UnixListener::bind(&path) {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(path = %path.display(), "a second instance will not be able to bring this one to the front: {e}");
            return None;
        }
    };
    std::thread::Builder::new()
        .name("instance".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
                let mut line = String::new();
                if BufReader::new(&stream).read_line(&mut line).is_ok() && line.trim() == "activate"
                {
                    on_activate();
                }
            }
        })
        .ok()?;
    Some(path)
}

#[cfg(not(unix))]
fn listen(_config_dir: &Path, _on_activate: impl Fn() + Send + 'static) -> Option<PathBuf> {
    None
}

#[cfg(unix)]
fn activate_first(config_dir: &Path) {
    match std::os::unix::net::UnixStream::connect(socket_path(config_dir)) {
        Ok(mut stream) => {
            let _ = stream.write_all(b"activate\n");
        }
        Err(e) => tracing::warn!("Shipdeck is already running but did not answer: {e}"),
    }
}

#[cfg(not(unix))]
fn activate_first(_config_dir: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn a_second_instance_activates_the_first_and_a_released_lock_is_taken_again() {
        let dir = tempfile::tempdir().unwrap();
        let (tx, rx) = mpsc::channel();
        let first = match acquire(dir.path(), move || tx.send(()).unwrap()).unwrap() {
            Instance::First(guard) => guard,
            Instance::Second => panic!("the directory was free"),
        };
        assert!(matches!(
            acquire(dir.path(), || {}).unwrap(),
            Instance::Second
        ));
        rx.recv_timeout(Duration::from_secs(5))
            .expect("the first instance was asked to show itself");

        let other = tempfile::tempdir().unwrap();
        assert!(
            matches!(acquire(other.path(), || {}).unwrap(), Instance::First(_)),
            "another config directory is another instance"
        );

        drop(first);
        assert!(matches!(
            acquire(dir.path(), || {}).unwrap(),
            Instance::First(_)
        ));
    }
}
