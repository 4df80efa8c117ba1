//! Stopping the control plane, and checking that nothing of it is left.

use super::{build, components, layout, process};
use crate::step::step;
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a component gets to exit after SIGTERM before SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// Stops every component (SIGTERM, then SIGKILL after a grace period). Pid files and logs stay
/// for inspection and for [`verify_down`]; the next `up` resets them.
pub fn down() -> Result<()> {
    step("stop the local control plane", || {
        let _ = std::fs::remove_file(layout::up_marker());
        stop_everything()
    })?;
    println!("    stopped; logs stay in {}", layout::log_dir().display());
    Ok(())
}

/// Fails unless nothing of the control plane is left: no recorded pid alive, no process running
/// a cached control-plane binary, no control-plane port listening. Call after [`down`].
pub fn verify_down() -> Result<()> {
    let mut left = Vec::new();
    let mut seen = Vec::new();
    for (name, pid) in process::recorded() {
        if process::is_alive(pid) && is_ours(pid) {
            left.push(format!("{name} (pid {pid}) still runs"));
            seen.push(pid);
        }
    }
    for pid in process::processes_under(&canonical(&build::builds_root())) {
        if !seen.contains(&pid) {
            let exe = process::exe(pid).unwrap_or_default();
            left.push(format!("pid {pid} still runs {}", exe.display()));
        }
    }
    let listening = process::listening_ports();
    for port in components::ports()
        .into_iter()
        .filter(|p| listening.contains(p))
    {
        left.push(format!("port {port} is still listening"));
    }
    if !left.is_empty() {
        bail!(
            "the control plane is not fully down:\n  {}",
            left.join("\n  ")
        );
    }
    println!("    verified: no control-plane process alive and no control-plane port listening");
    Ok(())
}

/// A pid runs one of our cached binaries (pids get reused; never signal a stranger).
pub(super) fn is_ours(pid: u32) -> bool {
    let root = canonical(&build::builds_root());
    process::exe(pid).is_some_and(|exe| exe.starts_with(root))
}

/// Stops recorded components and any stray process running a cached binary, in reverse start
/// order (KWOK and controllers before the API servers, etcd last), then checks the ports.
pub(super) fn stop_everything() -> Result<()> {
    let mut pids: Vec<u32> = components::names()
        .iter()
        .rev()
        .filter_map(|name| process::recorded_pid(name))
        .filter(|pid| process::is_alive(*pid) && is_ours(*pid))
        .collect();
    for pid in process::processes_under(&canonical(&build::builds_root())) {
        if !pids.contains(&pid) {
            pids.push(pid);
        }
    }
    if !pids.is_empty() {
        println!("    stopping pids {pids:?}");
    }
    process::stop_all(&pids, STOP_GRACE)?;
    let ports = components::ports();
    let free = process::wait_until(Duration::from_secs(10), || {
        let listening = process::listening_ports();
        !ports.iter().any(|p| listening.contains(p))
    });
    if !free {
        let listening = process::listening_ports();
        let busy: Vec<_> = ports.iter().filter(|p| listening.contains(p)).collect();
        bail!("ports {busy:?} are still listening, held by a process that is not ours");
    }
    Ok(())
}

pub(super) fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
