//! External renderers (kustomize, helm): where their binaries are and how they are run.
//!
//! They run with a timeout and a cap on their output, so a runaway generator cannot hang or
//! exhaust the app, and their stderr is kept: it is the user's main clue when a render fails.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Locations of the external renderers. `None` means "look it up on `PATH` when needed".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tools {
    pub kustomize: Option<PathBuf>,
    pub helm: Option<PathBuf>,
}

impl Tools {
    /// `SHIPDECK_KUSTOMIZE` and `SHIPDECK_HELM` when set (`cargo xtask test` sets them to the
    /// pinned binaries it installs), otherwise `PATH`.
    pub fn from_env() -> Self {
        let var = |name| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        Self {
            kustomize: var("SHIPDECK_KUSTOMIZE"),
            helm: var("SHIPDECK_HELM"),
        }
    }

    #[must_use]
    pub fn kustomize(mut self, path: impl Into<PathBuf>) -> Self {
        self.kustomize = Some(path.into());
        self
    }

    #[must_use]
    pub fn helm(mut self, path: impl Into<PathBuf>) -> Self {
        self.helm = Some(path.into());
        self
    }
}

/// The binary to run: the configured one if it exists, else `program` on `PATH`.
/// The error value says where it looked, for the "not installed" message.
pub(crate) fn locate(configured: Option<&Path>, program: &str) -> Result<PathBuf, String> {
    match configured {
        Some(path) if path.is_file() => Ok(path.to_path_buf()),
        Some(path) => Err(format!("the configured path {}", path.display())),
        None => find_on_path(program).ok_or_else(|| "PATH".to_string()),
    }
}

/// The first `program` in the directories of `PATH`.
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not start {program}: {source}")]
    Start {
        program: String,
        source: std::io::Error,
    },
    #[error("{program} did not finish within {}s and was stopped", timeout.as_secs())]
    TimedOut { program: String, timeout: Duration },
    #[error("{program} printed more than {limit} bytes and was stopped")]
    OutputTooLarge { program: String, limit: u64 },
    #[error("{program} failed ({status}):\n{stderr}")]
    Failed {
        program: String,
        status: ExitStatus,
        stderr: String,
    },
    #[error("{program} printed output that is not UTF-8 text")]
    NotUtf8 { program: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Bounds for one run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub timeout: Duration,
    pub max_output_bytes: u64,
}

/// Most of stderr worth keeping: tools print the cause last, so the tail is kept.
const STDERR_KEEP: usize = 16 * 1024;

/// Runs `cmd` and returns its stdout. `program` names it in errors.
pub(crate) fn run(mut cmd: Command, program: &str, limits: Limits) -> Result<String> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| Error::Start {
            program: program.to_string(),
            source,
        })?;
    // Both pipes are drained on their own threads so neither can fill up and block the child.
    let stdout = child.stdout.take().expect("stdout is piped");
    let max = limits.max_output_bytes;
    let stdout_reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        // Reading stops one byte past the limit; dropping the pipe then ends the child (EPIPE).
        let _ = stdout.take(max + 1).read_to_end(&mut out);
        out
    });
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let stderr_reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        let mut chunk = [0u8; 8192];
        while let Ok(n) = stderr.read(&mut chunk) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&chunk[..n]);
            if all.len() > 2 * STDERR_KEEP {
                all.drain(..all.len() - STDERR_KEEP);
            }
        }
        all
    });

    let deadline = Instant::now() + limits.timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => {
                let _ = child.kill();
                break child.wait().ok();
            }
        }
    };
    let out = stdout_reader.join().unwrap_or_default();
    let err = stderr_reader.join().unwrap_or_default();
    let program = program.to_string();

    let Some(status) = status else {
        return Err(Error::TimedOut {
            program,
            timeout: limits.timeout,
        });
    };
    if out.len() as u64 > max {
        return Err(Error::OutputTooLarge {
            program,
            limit: max,
        });
    }
    if !status.success() {
        let tail = &err[err.len().saturating_sub(STDERR_KEEP)..];
        return Err(Error::Failed {
            program,
            status,
            stderr: String::from_utf8_lossy(tail).trim_end().to_string(),
        });
    }
    String::from_utf8(out).map_err(|_| Error::NotUtf8 { program })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            timeout: Duration::from_secs(10),
            max_output_bytes: 1024,
        }
    }

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", script]);
        cmd
    }

    #[test]
    fn stdout_is_returned_and_stderr_kept_on_failure() {
        assert_eq!(run(sh("echo hello"), "sh", limits()).unwrap(), "hello\n");
        let err = run(sh("echo 'Error: no such file' >&2; exit 3"), "sh", limits()).unwrap_err();
        assert!(matches!(err, Error::Failed { .. }));
        assert!(err.to_string().ends_with("Error: no such file"), "{err}");
    }

    #[test]
    fn runaway_children_are_stopped() {
        let slow = Limits {
            timeout: Duration::from_millis(200),
            ..limits()
        };
        let started = Instant::now();
        let err = run(sh("exec sleep 30"), "sh", slow).unwrap_err();
        assert!(matches!(err, Error::TimedOut { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10));

        let err = run(sh("exec yes"), "sh", limits()).unwrap_err();
        assert!(
            matches!(err, Error::OutputTooLarge { limit: 1024, .. }),
            "{err}"
        );
    }

    #[test]
    fn missing_binaries_say_where_they_were_looked_for() {
        let missing = Path::new("/nonexistent/kustomize");
        assert_eq!(
            locate(Some(missing), "kustomize").unwrap_err(),
            "the configured path /nonexistent/kustomize"
        );
        assert!(locate(None, "sh").is_ok());
        assert_eq!(locate(None, "no-such-tool-shipdeck").unwrap_err(), "PATH");
    }
}
