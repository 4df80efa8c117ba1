//! `cargo xtask demo`: build, create the demo workspace, open Shipdeck on it.
//!
//! With a display (`$DISPLAY`) the window opens there. Without one (a server, CI) it opens on a
//! private Xvfb and a screenshot of the screen is saved, so the demo is visible either way.
//! `--screenshot` takes that screenshot and exits instead of waiting for the window to close.

use crate::session::{Display, in_session_with_keyring};
use crate::step::step;
use crate::{app, cluster, demo_cluster, demo_history, demo_repo, demo_settings, paths};
use anyhow::{Context, Result, bail};
use std::time::Duration;

pub fn run(args: &[&str]) -> Result<()> {
    let screenshot_and_exit = match args {
        [] => false,
        ["--screenshot"] => true,
        other => bail!("unknown demo option {other:?}: the only option is --screenshot"),
    };
    let binary = app::build_all(app::Purpose::Run)?;
    let workspace = step("Demo workspace repository", demo_repo::ensure)?;
    step("Local Kubernetes control plane", cluster::up)?;
    let home = paths::cache_dir().join("demo-home");
    let kubeconfig = cluster::kubeconfig_path();
    step("Demo settings", || {
        demo_settings::ensure(&home.join("config"), &workspace, &kubeconfig)
    })?;
    let kubectl = cluster::kubectl()?;
    step(
        "Demo applications in the clusters, one edited by hand",
        || demo_cluster::ensure(&workspace, &kubeconfig, &kubectl, &app::cli_binary()),
    )?;
    step("Demo history: a season of deployments, imported", || {
        demo_history::ensure(&workspace, &home, &app::cli_binary())
    })?;
    let display = step("Display", || {
        let display = if screenshot_and_exit {
            Display::start_virtual()
        } else {
            Display::user_or_virtual()
        }?;
        if display.is_virtual() {
            println!("    no $DISPLAY: using a private Xvfb on {}", display.name);
        }
        Ok(display)
    })?;

    println!("==> Opening Shipdeck on {}", workspace.display());
    // On a private display the app also gets a private session bus with its own keyring; on
    // the user's display it uses their session and keyring.
    let mut command = if display.is_virtual() {
        in_session_with_keyring(&display, &binary)
    } else {
        std::process::Command::new(&binary)
    };
    let mut child = command
        .arg("--workspace")
        .arg(&workspace)
        .env("KUBECONFIG", &kubeconfig)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .spawn()
        .context("starting Shipdeck")?;

    if display.is_virtual() {
        let shot = paths::target_dir().join("demo-screenshot.png");
        let taken = display
            .wait_for_window("Shipdeck", Duration::from_secs(60))
            .and_then(|()| {
                // The window maps before the wasm UI has rendered and the first cluster checks answered.
                std::thread::sleep(Duration::from_secs(8));
                display.screenshot(&shot)
            });
        match taken {
            Ok(()) => println!("    screenshot of the demo window: {}", shot.display()),
            Err(err) => {
                let _ = child.kill();
                return Err(err.context("the Shipdeck window did not appear"));
            }
        }
        if screenshot_and_exit {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(());
        }
        println!(
            "    running on the private display {}; press Ctrl-C to stop",
            display.name
        );
    }
    let status = child.wait()?;
    println!("    the local control plane keeps running; `cargo xtask cluster down` stops it");
    if !status.success() {
        bail!(
            "Shipdeck exited with {status}; its log is in {}",
            home.join("data/dev.shipdeck.desktop/logs").display()
        );
    }
    Ok(())
}
