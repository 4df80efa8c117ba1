//! The pinned kubectl that `cargo xtask test` builds with the control plane, run against the
//! local clusters.

use crate::cluster::{cache_dir, kubeconfig};
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Set by `cargo xtask test` to the kubectl built from `k8s/kube` (v1.34.2).
const KUBECTL_ENV: &str = "SHIPDECK_KUBECTL";

/// A kubectl call still running after this long is killed, and the test fails.
pub const KUBECTL_TIMEOUT: Duration = Duration::from_secs(60);

/// Path of the pinned kubectl, from `$SHIPDECK_KUBECTL`.
///
/// Panics when the variable is not set: `cargo xtask test` sets it; by hand, point it at the
/// kubectl that `cargo xtask cluster up` (or `status`) prints.
pub fn kubectl_path() -> PathBuf {
    match std::env::var_os(KUBECTL_ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!(
            "{KUBECTL_ENV} is not set: run the tests with `cargo xtask test`, which builds the \
             pinned kubectl and sets it (by hand: {KUBECTL_ENV}=<the kubectl path printed by \
             `cargo xtask cluster up` or `cargo xtask cluster status`>)"
        ),
    }
}

/// Runs `$SHIPDECK_KUBECTL --kubeconfig <kubeconfig()> --context <context> <args>` and returns
/// its output, whatever its exit status (see [`kubectl_ok`] to require success).
///
/// kubectl's discovery cache goes to `<cache>/kubectl-cache`, not `~/.kube/cache`. Blocks the
/// calling thread; a call still running after [`KUBECTL_TIMEOUT`] is killed and the test panics
/// with what it printed so far. Panics if `SHIPDECK_KUBECTL` is not set (see [`kubectl_path`]).
pub fn kubectl(context: &str, args: &[&str]) -> Output {
    kubectl_with_env(context, &[], args)
}

/// [`kubectl`] with extra environment variables (`KUBE_EDITOR` for `kubectl edit`).
pub fn kubectl_with_env(context: &str, env: &[(&str, &str)], args: &[&str]) -> Output {
    let program = kubectl_path();
    let kubeconfig = kubeconfig();
    let mut cmd = Command::new(&program);
    cmd.envs(env.iter().copied());
    cmd.arg("--kubeconfig")
        .arg(&kubeconfig)
        .args(["--context", context])
        .arg("--cache-dir")
        .arg(cache_dir().join("kubectl-cache"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let line = format!("kubectl --context {context} {}", args.join(" "));
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|err| panic!("starting {} for `{line}`: {err}", program.display()));
    // Read both pipes while waiting, so a large output never blocks kubectl on a full pipe.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait_with_timeout(&mut child, KUBECTL_TIMEOUT);
    let output = |status| Output {
        status,
        stdout: join(stdout),
        stderr: join(stderr),
    };
    match status {
        Some(status) => output(status),
        None => {
            let _ = child.kill();
            let killed = output(child.wait().expect("waiting for the killed kubectl"));
            panic!(
                "`{line}` did not finish within {}s and was killed\nstdout:\n{}\nstderr:\n{}",
                KUBECTL_TIMEOUT.as_secs(),
                String::from_utf8_lossy(&killed.stdout),
                String::from_utf8_lossy(&killed.stderr)
            )
        }
    }
}

/// [`kubectl`], panicking with the command, its exit status and stderr unless it exits 0;
/// returns its stdout.
pub fn kubectl_ok(context: &str, args: &[&str]) -> String {
    let out = kubectl(context, args);
    if !out.status.success() {
        panic!(
            "`kubectl --context {context} {}` failed ({})\nstdout:\n{}\nstderr:\n{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).expect("kubectl printed invalid UTF-8")
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

fn join(reader: JoinHandle<Vec<u8>>) -> Vec<u8> {
    reader.join().expect("kubectl output reader panicked")
}

/// The exit status, or `None` if the child still runs after `timeout`.
fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait().expect("waiting for kubectl") {
            return Some(status);
        }
        if start.elapsed() >= timeout {
            return None;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_still_running_at_the_timeout_is_reported_and_can_be_killed() {
        let mut child = Command::new("sleep").arg("30").spawn().expect("sleep");
        let started = Instant::now();
        assert!(wait_with_timeout(&mut child, Duration::from_millis(200)).is_none());
        assert!(started.elapsed() < Duration::from_secs(5));
        child.kill().expect("kill");
        child.wait().expect("wait");
    }

    #[test]
    fn a_child_that_exits_gives_its_status() {
        let mut child = Command::new("false").spawn().expect("false");
        let status = wait_with_timeout(&mut child, Duration::from_secs(10)).expect("exited");
        assert_eq!(status.code(), Some(1));
    }
}
