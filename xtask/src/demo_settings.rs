//! The demo's Shipdeck settings: both local clusters, the demo repository, and one application
//! per manifest directory. Written once; a user's later changes in the demo are kept.

use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::Path;

/// (application, cluster, namespace); the directories come from `demo_repo`.
pub const APPLICATIONS: [(&str, &str, &str); 5] = [
    ("storefront", "shipdeck-a", "shop"),
    ("catalog", "shipdeck-a", "shop"),
    ("auth-gateway", "shipdeck-a", "platform"),
    ("payments", "shipdeck-b", "payments"),
    ("notifications", "shipdeck-b", "messaging"),
];

/// Writes `<config_home>/dev.shipdeck.desktop/settings.toml` unless it exists.
pub fn ensure(config_home: &Path, workspace: &Path, kubeconfig: &Path) -> Result<()> {
    let file = config_home
        .join("dev.shipdeck.desktop")
        .join("settings.toml");
    if file.exists() {
        println!("    demo settings present at {}", file.display());
        return Ok(());
    }
    std::fs::create_dir_all(file.parent().context("settings dir")?)?;
    std::fs::write(&file, render(workspace, kubeconfig))?;
    println!("    wrote demo settings to {}", file.display());
    Ok(())
}

fn render(workspace: &Path, kubeconfig: &Path) -> String {
    let mut out = String::from(
        "# Shipdeck demo settings. Credentials are in the OS keyring, not here.\nformat = 2\n",
    );
    for cluster in ["shipdeck-a", "shipdeck-b"] {
        let _ = write!(
            out,
            "\n[[clusters]]\nid = \"{cluster}\"\ncontext = \"{cluster}\"\nkubeconfig = [{:?}]\n",
            kubeconfig.display().to_string()
        );
    }
    let _ = write!(
        out,
        "\n[[repositories]]\nid = \"demo\"\nurl = {:?}\npoll_interval_secs = 30\n",
        workspace.display().to_string()
    );
    for (app, cluster, namespace) in APPLICATIONS {
        let _ = write!(
            out,
            "\n[[applications]]\nid = \"{app}\"\nrepository = \"demo\"\npath = \"apps/{app}\"\n\
             cluster = \"{cluster}\"\nnamespace = \"{namespace}\"\n\n\
             [applications.revision]\nkind = \"branch\"\nname = \"main\"\n"
        );
    }
    out
}
