//! `cluster status`: what runs, where, and which kubeconfig to use.

use super::build::{self, KUBERNETES_VERSION};
use super::layout::{self, CLUSTERS};
use super::{api, components, process, stop};
use anyhow::Result;

/// What runs, where, and which kubeconfig to use.
pub fn status() -> Result<()> {
    let listening = process::listening_ports();
    println!(
        "{:<26} {:>8}  {:<6} {:<16} log",
        "component", "pid", "alive", "port"
    );
    for name in components::names() {
        let pid = process::recorded_pid(&name);
        let alive = pid.is_some_and(|pid| process::is_alive(pid) && stop::is_ours(pid));
        let port = match components::port_of(&name) {
            Some(p) if listening.contains(&p) => format!("{p} listening"),
            Some(p) => format!("{p} closed"),
            None => "-".into(),
        };
        let pid = pid.map_or("-".into(), |p| p.to_string());
        let log = layout::log_dir().join(format!("{name}.log"));
        println!(
            "{name:<26} {pid:>8}  {:<6} {port:<16} {}",
            if alive { "yes" } else { "no" },
            log.display()
        );
    }
    let ca = layout::pki_dir().join("ca.crt");
    for cluster in &CLUSTERS {
        let ready = if api::ready(cluster, &ca) {
            "ready"
        } else {
            "NOT ready"
        };
        println!(
            "cluster {:<12} {}  {ready}",
            cluster.context,
            cluster.server()
        );
    }
    println!("data: {}", layout::root().display());
    print_usage();
    Ok(())
}

pub(super) fn print_usage() {
    println!(
        "\nkubeconfig: export KUBECONFIG={}\n\
         contexts:   shipdeck-a, shipdeck-b (token admin), shipdeck-{{a,b}}-cert (certificate admin),\n\
         \x20           shipdeck-{{a,b}}-nobody (no rights)",
        layout::kubeconfig().display()
    );
    // The pinned kubectl, when built for the current wrapper files (tests get it as
    // SHIPDECK_KUBECTL).
    match build::bin_dir().map(|dir| dir.join("kubectl")) {
        Ok(kubectl) if kubectl.exists() => {
            println!("kubectl:    {} ({KUBERNETES_VERSION})", kubectl.display())
        }
        _ => println!("kubectl:    not built yet (cargo xtask cluster build)"),
    }
}
