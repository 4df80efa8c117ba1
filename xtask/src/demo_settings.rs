//! The demo's Shipdeck settings: both local clusters, the demo repository, and one application
//! per manifest directory, one of them with auto-sync and self-heal on. Written once; a user's
//! later changes in the demo are kept.

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

/// The application that syncs itself: auto-sync and self-heal on.
pub const AUTOMATED: &str = "auth-gateway";

/// Writes `<config_home>/dev.shipdeck.desktop/settings.toml` unless it exists.
pub fn ensure(config_home: &Path, workspace: &Path, kubeconfig: &Path) -> Result<()> {
    let file = settings_file(config_home);
    if file.exists() {
        println!("    demo settings present at {}", file.display());
        return Ok(());
    }
    write(config_home, &render(workspace, kubeconfig, None))?;
    println!("    wrote demo settings to {}", file.display());
    Ok(())
}

pub fn settings_file(config_home: &Path) -> std::path::PathBuf {
    config_home
        .join("dev.shipdeck.desktop")
        .join("settings.toml")
}

pub fn write(config_home: &Path, text: &str) -> Result<()> {
    let file = settings_file(config_home);
    std::fs::create_dir_all(file.parent().context("settings dir")?)?;
    std::fs::write(&file, text)?;
    Ok(())
}

/// The settings; `pinned` names an application and the commit it follows instead of `main`.
pub fn render(workspace: &Path, kubeconfig: &Path, pinned: Option<(&str, &str)>) -> String {
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
        let revision = match pinned {
            Some((pinned, commit)) if pinned == app => {
                format!("kind = \"commit\"\nname = \"{commit}\"")
            }
            _ => "kind = \"branch\"\nname = \"main\"".to_string(),
        };
        let _ = write!(
            out,
            "\n[[applications]]\nid = \"{app}\"\nrepository = \"demo\"\npath = \"apps/{app}\"\n\
             cluster = \"{cluster}\"\nnamespace = \"{namespace}\"\n\n\
             [applications.revision]\n{revision}\n"
        );
        if app == AUTOMATED {
            out.push_str("\n[applications.sync]\nauto_sync = true\nself_heal = true\n");
        }
    }
    out
}
