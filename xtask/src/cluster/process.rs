//! Detached processes, pid files, signals and listening ports, read from `/proc` so xtask needs
//! no extra crate.

use super::layout;
use crate::step::output;
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Starts `program` so it outlives xtask: `setsid` gives it its own session (no terminal hangup
/// reaches it) and the shell's `&` makes init its parent, so xtask never holds a zombie even
/// when `up` and `down` run in one process. Output goes to `<cluster>/logs/<name>.log`; the pid
/// goes to `<cluster>/pids/<name>.pid`.
pub fn spawn_detached(name: &str, program: &Path, args: &[String]) -> Result<u32> {
    let log = layout::log_dir().join(format!("{name}.log"));
    std::fs::create_dir_all(layout::log_dir())?;
    std::fs::create_dir_all(layout::pid_dir())?;
    let script = r#"log="$1"; shift; setsid "$@" </dev/null >>"$log" 2>&1 & echo $!"#;
    let out = output(
        Command::new("sh")
            .args(["-c", script, "sh"])
            .arg(&log)
            .arg(program)
            .args(args),
    )?;
    let pid: u32 = out
        .trim()
        .parse()
        .with_context(|| format!("no pid from shell: {out:?}"))?;
    std::fs::write(pid_file(name), pid.to_string())?;
    Ok(pid)
}

fn pid_file(name: &str) -> PathBuf {
    layout::pid_dir().join(format!("{name}.pid"))
}

/// The pid recorded for a component, if any.
pub fn recorded_pid(name: &str) -> Option<u32> {
    std::fs::read_to_string(pid_file(name))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Every pid file, as (component name, pid).
pub fn recorded() -> Vec<(String, u32)> {
    let Ok(entries) = std::fs::read_dir(layout::pid_dir()) else {
        return Vec::new();
    };
    let mut found: Vec<(String, u32)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry
                .file_name()
                .to_string_lossy()
                .strip_suffix(".pid")?
                .to_string();
            let pid = recorded_pid(&name)?;
            Some((name, pid))
        })
        .collect();
    found.sort();
    found
}

/// Alive = exists and is not a zombie (a zombie holds no port and does no work).
pub fn is_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state letter follows the `(comm)` field, which may itself contain spaces.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

/// The executable a pid runs, so a recycled pid is never taken for one of ours.
pub fn exe(pid: u32) -> Option<PathBuf> {
    std::fs::read_link(format!("/proc/{pid}/exe")).ok()
}

/// Live processes whose executable lies under `dir` (any cached build), found even when their
/// pid files are gone: what a crashed or interrupted `up` may have left.
pub fn processes_under(dir: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| exe(*pid).is_some_and(|exe| exe.starts_with(dir)) && is_alive(*pid))
        .collect()
}

fn signal(pid: u32, signal: &str) {
    // Errors are expected when the process ended between the check and the signal.
    let _ = Command::new("kill")
        .args(["-s", signal, &pid.to_string()])
        .status();
}

/// SIGTERM, then SIGKILL for whatever still lives after `grace`; waits until all are gone.
pub fn stop_all(pids: &[u32], grace: Duration) -> Result<()> {
    for pid in pids {
        signal(*pid, "TERM");
    }
    if wait_until(grace, || pids.iter().all(|pid| !is_alive(*pid))) {
        return Ok(());
    }
    for pid in pids.iter().filter(|pid| is_alive(**pid)) {
        println!(
            "    pid {pid} ignored SIGTERM for {}s: SIGKILL",
            grace.as_secs()
        );
        signal(*pid, "KILL");
    }
    if !wait_until(Duration::from_secs(5), || {
        pids.iter().all(|pid| !is_alive(*pid))
    }) {
        let left: Vec<_> = pids.iter().filter(|pid| is_alive(**pid)).collect();
        bail!("processes still alive after SIGKILL: {left:?}");
    }
    Ok(())
}

/// TCP ports in LISTEN state on this machine (IPv4 and IPv6), from `/proc/net/tcp{,6}`.
pub fn listening_ports() -> BTreeSet<u16> {
    let mut ports = BTreeSet::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // fields[1] = local "ADDR:PORT" in hex, fields[3] = state; 0A is LISTEN.
            if fields.len() > 3 && fields[3] == "0A" {
                let port = fields[1]
                    .rsplit(':')
                    .next()
                    .and_then(|p| u16::from_str_radix(p, 16).ok());
                ports.extend(port);
            }
        }
    }
    ports
}

/// Polls `done` every 200 ms until it holds or `timeout` passes; returns whether it held.
pub fn wait_until(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if done() {
            return true;
        }
        if start.elapsed() > timeout {
            return false;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Last lines of a component's log, for error messages that show why it failed.
pub fn log_tail(name: &str, lines: usize) -> String {
    let path = layout::log_dir().join(format!("{name}.log"));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    let tail = all[all.len().saturating_sub(lines)..].join("\n");
    format!("last lines of {}:\n{tail}", path.display())
}
