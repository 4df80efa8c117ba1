//! Local Kubernetes control plane on loopback (issue 3): `cargo xtask cluster
//! up|down|status|build`.
//!
//! Two clusters, contexts `shipdeck-a` and `shipdeck-b`, built from upstream sources (see
//! [`build`]) and run as detached processes whose files live in `<cache>/cluster` (see
//! [`layout`]). `docs/cluster.md` describes ports, users and the failure convention.
//!
//! Contract for `cargo xtask test`: call [`up`] before the test binaries (tests also find the
//! cluster on their own through `shipdeck-testkit`), set `SHIPDECK_KUBECONFIG` to
//! [`kubeconfig_path`] and `SHIPDECK_KUBECTL` to [`kubectl`], then [`down`] and [`verify_down`]
//! after them.

mod api;
mod build;
mod components;
mod kubeconfig;
mod kwok;
mod layout;
mod pki;
mod process;
mod status;
mod stop;

pub use status::status;
pub use stop::{down, verify_down};

use crate::step::step;
use anyhow::{Result, bail};
use components::Component;
use layout::CLUSTERS;
use std::path::PathBuf;
use std::time::Duration;

/// Bounds for readiness waits; cold starts on a busy 2-core machine take a few seconds.
const START_TIMEOUT: Duration = Duration::from_secs(90);

pub fn run(sub: &str) -> Result<()> {
    match sub {
        "up" => up(),
        "down" => down(),
        "status" => status(),
        "verify-down" => verify_down(),
        "build" => {
            let bins = build::ensure()?;
            println!("binaries: {}", bins.dir.display());
            Ok(())
        }
        other => {
            bail!("unknown cluster task '{other}': use up, down, status, build or verify-down")
        }
    }
}

/// The kubeconfig with the `shipdeck-*` contexts (exists once `up` has run).
pub fn kubeconfig_path() -> PathBuf {
    layout::kubeconfig()
}

/// The pinned kubectl, built with the control-plane binaries (whatever is missing is built;
/// nothing is started).
pub fn kubectl() -> Result<PathBuf> {
    Ok(build::ensure()?.kubectl())
}

/// Builds what is missing and starts both clusters; returns when the API servers are ready and
/// each cluster's fake node is Ready. A fast no-op when everything already runs and answers;
/// anything less (stale pids, a crashed component, new binaries) is stopped and started afresh.
pub fn up() -> Result<()> {
    let bins = build::ensure()?;
    let healthy = step("check for a running control plane", || {
        Ok(is_healthy(&bins))
    })?;
    if healthy {
        println!("    already up and ready");
        status::print_usage();
        return Ok(());
    }
    step("stop leftovers of an earlier run", stop::stop_everything)?;
    step("reset runtime data", reset_runtime_dir)?;
    let pki = step("generate certificates and tokens", pki::generate)?;

    step("start etcd", || {
        start(&components::etcd(&bins))?;
        wait_for("etcd", || api::etcd_healthy(layout::ETCD_CLIENT_PORT))
    })?;
    step("start API servers", || {
        for cluster in &CLUSTERS {
            start(&components::apiserver(&bins, cluster, &pki))?;
        }
        for cluster in &CLUSTERS {
            wait_for(&format!("kube-apiserver-{}", cluster.id), || {
                api::ready(cluster, &pki.ca_cert)
            })?;
        }
        Ok(())
    })?;
    step("write kubeconfigs and bind admins to cluster-admin", || {
        kubeconfig::write_user_kubeconfig(&pki)?;
        for cluster in &CLUSTERS {
            kubeconfig::write_components_kubeconfig(cluster, &pki)?;
            api::bind_admins(cluster, &pki)?;
        }
        Ok(())
    })?;
    step("start controller-managers, schedulers and KWOK", || {
        kwok::write_config()?;
        for cluster in &CLUSTERS {
            start(&components::controller_manager(&bins, cluster, &pki))?;
            start(&components::scheduler(&bins, cluster))?;
            start(&components::kwok(&bins, cluster))?;
        }
        Ok(())
    })?;
    step(
        "register the KWOK nodes and wait until they are Ready",
        || {
            for cluster in &CLUSTERS {
                kwok::create_node(cluster, &pki)?;
            }
            for cluster in &CLUSTERS {
                if !kwok::wait_node_ready(cluster, &pki, START_TIMEOUT) {
                    bail!(
                        "node {} of {} not Ready after {}s\n{}",
                        kwok::NODE_NAME,
                        cluster.context,
                        START_TIMEOUT.as_secs(),
                        process::log_tail(&format!("kwok-{}", cluster.id), 20)
                    );
                }
            }
            Ok(())
        },
    )?;
    // Written last: a run that failed half-way is not taken as up by the next `up`.
    std::fs::write(layout::up_marker(), "up\n")?;
    status::print_usage();
    Ok(())
}

fn start(component: &Component) -> Result<()> {
    let pid = process::spawn_detached(&component.name, &component.binary, &component.args)?;
    let port = component
        .port
        .map_or(String::new(), |p| format!(", port {p}"));
    println!("    {} started (pid {pid}{port})", component.name);
    Ok(())
}

/// Waits for `ready`; on timeout, or if the component died, fails with the end of its log.
fn wait_for(name: &str, mut ready: impl FnMut() -> bool) -> Result<()> {
    let pid = process::recorded_pid(name);
    let died = || pid.is_some_and(|pid| !process::is_alive(pid));
    if process::wait_until(START_TIMEOUT, || ready() || died()) && !died() {
        return Ok(());
    }
    let why = if died() {
        "exited".to_string()
    } else {
        format!("not ready after {}s", START_TIMEOUT.as_secs())
    };
    bail!("{name} {why}\n{}", process::log_tail(name, 25))
}

/// Everything recorded is alive and ours, from the current binaries, and both servers ready.
fn is_healthy(bins: &build::Binaries) -> bool {
    let dir = stop::canonical(&bins.dir);
    let all_alive = components::names().iter().all(|name| {
        process::recorded_pid(name).is_some_and(|pid| {
            process::is_alive(pid) && process::exe(pid).is_some_and(|exe| exe.starts_with(&dir))
        })
    });
    let ca = layout::pki_dir().join("ca.crt");
    all_alive && layout::up_marker().exists() && CLUSTERS.iter().all(|c| api::ready(c, &ca))
}

fn reset_runtime_dir() -> Result<()> {
    let root = layout::root();
    if root.exists() {
        std::fs::remove_dir_all(&root)?;
    }
    for dir in [
        layout::pki_dir(),
        layout::etcd_data_dir(),
        layout::log_dir(),
        layout::pid_dir(),
    ] {
        std::fs::create_dir_all(dir)?;
    }
    Ok(())
}
