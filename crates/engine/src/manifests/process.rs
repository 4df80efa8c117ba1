//! Running an external renderer (kustomize, helm) so that it cannot hang, flood or outlive a
//! render, and cannot reach the network or the user's own configuration.
//!
//! - The tool runs in its own process group. A timeout, an output flood or a dropped render
//!   (the caller cancelled) kills the whole group, so a grandchild that inherited the output pipe
//!   (a `git` spawned by kustomize, a plugin) dies with it instead of holding the render open.
//! - Stdout is capped; of stderr only the tail is kept, which is where tools print the cause.
//! - The environment is replaced: a scratch home, no proxy but an unreachable one, Git allowed no
//!   transport. Remote bases and charts then fail at once instead of fetching.

use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not start {program}: {source}")]
    Start {
        program: String,
        source: std::io::Error,
    },
    #[error(
        "{program} did not finish within {timeout:?} and was stopped, with every process it started; look for a generator or plugin in the application that does not end (Shipdeck renders without network access, so nothing is fetched)"
    )]
    TimedOut { program: String, timeout: Duration },
    #[error(
        "{program} printed more than {limit} bytes and was stopped; an application this large is likely a generator gone wrong"
    )]
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

/// Git (which kustomize runs for remote bases) accepts no transport with this list: no protocol
/// has this name.
const NO_GIT_TRANSPORT: &str = "shipdeck-renders-offline";

/// Port 9 (discard) on loopback: nothing listens, so a proxied request is refused at once.
const UNREACHABLE_PROXY: &str = "http://127.0.0.1:9";

/// Replaces `cmd`'s environment with one that reads no user configuration and reaches no
/// network: `home` (an empty scratch directory) stands in for every per-user directory.
pub(crate) fn offline(cmd: &mut Command, home: &Path) {
    cmd.env_clear();
    // The tool is found by its full path; PATH stays for the helpers a tool may run.
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    for var in [
        "HOME",
        "XDG_CONFIG_HOME",
        "XDG_CACHE_HOME",
        "XDG_DATA_HOME",
        "TMPDIR",
    ] {
        cmd.env(var, home);
    }
    for var in ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"] {
        cmd.env(var, UNREACHABLE_PROXY);
    }
    cmd.env("GIT_ALLOW_PROTOCOL", NO_GIT_TRANSPORT)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
}

/// Runs `cmd` and returns its stdout. `program` names it in errors.
pub(crate) async fn run(mut cmd: Command, program: &str, limits: Limits) -> Result<String> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    cmd.process_group(0);
    let mut child = cmd.spawn().map_err(|source| Error::Start {
        program: program.to_string(),
        source,
    })?;
    // Armed before anything can fail or be cancelled: dropping it kills the group.
    let mut group = Group::of(child.id());
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let max = limits.max_output_bytes;

    let work = async {
        // Both pipes are drained together so neither can fill up and block the tool. The end of
        // the output is the end of every process holding the pipes, not only of the tool.
        let (out, err) = tokio::try_join!(read_capped(stdout, max), async {
            Ok::<_, TooLarge>(read_tail(stderr, STDERR_KEEP).await)
        })?;
        let status = child.wait().await;
        Ok::<_, TooLarge>((out, err, status))
    };
    let outcome = tokio::time::timeout(limits.timeout, work).await;
    // Whatever happened, nothing the tool started outlives the run.
    group.kill();
    let program = program.to_string();
    let (out, err, status) = match outcome {
        Err(_elapsed) => {
            reap(&mut child).await;
            return Err(Error::TimedOut {
                program,
                timeout: limits.timeout,
            });
        }
        Ok(Err(TooLarge)) => {
            reap(&mut child).await;
            return Err(Error::OutputTooLarge {
                program,
                limit: max,
            });
        }
        Ok(Ok(done)) => done,
    };
    let status = status.map_err(|source| Error::Start {
        program: program.clone(),
        source,
    })?;
    if !status.success() {
        return Err(Error::Failed {
            program,
            status,
            stderr: String::from_utf8_lossy(&err).trim_end().to_string(),
        });
    }
    String::from_utf8(out).map_err(|_| Error::NotUtf8 { program })
}

/// Waits briefly for a killed tool, so it is gone when the error is reported. Should it be stuck
/// in the kernel, `kill_on_drop` and tokio's reaper finish the job.
async fn reap(child: &mut tokio::process::Child) {
    let _ = child.start_kill();
    let _ = tokio::time::timeout(Duration::from_secs(2), child.wait()).await;
}

/// Stdout went past the limit.
struct TooLarge;

/// All of `reader`, or [`TooLarge`] as soon as it passes `max` bytes. A read error ends the
/// output like its end does; the tool's exit status tells whether it was complete.
async fn read_capped(reader: impl AsyncRead + Unpin, max: u64) -> Result<Vec<u8>, TooLarge> {
    let mut out = Vec::new();
    // One byte past the limit tells "exactly max" from "more".
    let _ = reader.take(max + 1).read_to_end(&mut out).await;
    if out.len() as u64 > max {
        Err(TooLarge)
    } else {
        Ok(out)
    }
}

/// The last `keep` bytes (about) of `reader`, read to its end.
async fn read_tail(mut reader: impl AsyncRead + Unpin, keep: usize) -> Vec<u8> {
    let mut all = Vec::new();
    let mut chunk = [0u8; 8192];
    while let Ok(n) = reader.read(&mut chunk).await {
        if n == 0 {
            break;
        }
        all.extend_from_slice(&chunk[..n]);
        if all.len() > 2 * keep {
            all.drain(..all.len() - keep);
        }
    }
    let start = all.len().saturating_sub(keep);
    all.split_off(start)
}

/// The process group of one tool run; killed when asked or when dropped.
struct Group {
    /// The tool's pid, which is the group's id (`process_group(0)`); `None` once killed.
    #[cfg_attr(not(unix), allow(dead_code))]
    id: Option<u32>,
}

impl Group {
    fn of(pid: Option<u32>) -> Self {
        Self { id: pid }
    }

    /// Sends SIGKILL to every process of the group. A group id is not reused while the group has
    /// a member, so this reaches only what the tool started; an empty group is a no-op.
    fn kill(&mut self) {
        let Some(id) = self.id.take() else {
            return;
        };
        #[cfg(unix)]
        if let Some(pid) = i32::try_from(id)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        {
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
        // Elsewhere there are no process groups; `kill_on_drop` stops the tool itself.
        #[cfg(not(unix))]
        let _ = id;
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

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

    #[tokio::test]
    async fn stdout_is_returned_and_the_stderr_tail_kept_on_failure() {
        assert_eq!(
            run(sh("echo hello"), "sh", limits()).await.unwrap(),
            "hello\n"
        );
        let script =
            "head -c 100000 /dev/zero | tr '\\0' x >&2; echo 'Error: no such file' >&2; exit 3";
        let err = run(sh(script), "sh", limits()).await.unwrap_err();
        let Error::Failed { stderr, .. } = &err else {
            panic!("{err}");
        };
        assert!(stderr.ends_with("Error: no such file"), "{err}");
        assert!(stderr.len() <= STDERR_KEEP, "{}", stderr.len());
    }

    #[tokio::test]
    async fn runaway_children_are_stopped() {
        let slow = Limits {
            timeout: Duration::from_millis(200),
            ..limits()
        };
        let started = Instant::now();
        let err = run(sh("exec sleep 30"), "sh", slow).await.unwrap_err();
        assert!(matches!(err, Error::TimedOut { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));

        let err = run(sh("exec yes"), "sh", limits()).await.unwrap_err();
        assert!(
            matches!(err, Error::OutputTooLarge { limit: 1024, .. }),
            "{err}"
        );
        // Exactly at the limit is fine.
        let out = run(sh("head -c 1024 /dev/zero"), "sh", limits())
            .await
            .unwrap();
        assert_eq!(out.len(), 1024);
    }

    #[tokio::test]
    async fn the_environment_reaches_no_network_and_no_user_config() {
        let home = tempfile::tempdir().unwrap();
        let mut cmd = sh("echo \"$HOME|$HTTPS_PROXY|$GIT_ALLOW_PROTOCOL|${KUBECONFIG:-none}\"");
        offline(&mut cmd, home.path());
        let out = run(cmd, "sh", limits()).await.unwrap();
        assert_eq!(
            out.trim_end(),
            format!(
                "{}|{UNREACHABLE_PROXY}|{NO_GIT_TRANSPORT}|none",
                home.path().display()
            )
        );
    }
}
