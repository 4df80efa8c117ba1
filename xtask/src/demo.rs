//! `cargo xtask demo`: build, create the demo workspace, open Shipdeck on it.
//!
//! With a display (`$DISPLAY`) the window opens there. Without one (a server, CI) it opens on a
//! private Xvfb and a screenshot of the screen is saved, so the demo is visible either way.
//! `--screenshot` takes that screenshot and exits instead of waiting for the window to close.

use crate::session::{Display, in_session};
use crate::step::step;
use crate::{app, demo_repo, paths};
use anyhow::{Context, Result, bail};
use std::time::Duration;

pub fn run(args: &[&str]) -> Result<()> {
    let screenshot_and_exit = match args {
        [] => false,
        ["--screenshot"] => true,
        other => bail!("unknown demo option {other:?}: the only option is --screenshot"),
    };
    let binary = app::build_all()?;
    let workspace = step("Demo workspace repository", demo_repo::ensure)?;
    let display = step("Display", || {
        let display = if screenshot_and_exit { Display::start_virtual() } else { Display::user_or_virtual() }?;
        if display.is_virtual() {
            println!("    no $DISPLAY: using a private Xvfb on {}", display.name);
        }
        Ok(display)
    })?;

    println!("==> Opening Shipdeck on {}", workspace.display());
    let mut child = in_session(&display, &binary)
        .arg("--workspace")
        .arg(&workspace)
        .env("XDG_DATA_HOME", paths::cache_dir().join("demo-home/data"))
        .env("XDG_CONFIG_HOME", paths::cache_dir().join("demo-home/config"))
        .spawn()
        .context("starting Shipdeck")?;

    if display.is_virtual() {
        let shot = paths::target_dir().join("demo-screenshot.png");
        let taken = display
            .wait_for_window("Shipdeck", Duration::from_secs(60))
            .and_then(|()| {
                // The window maps before the wasm UI has rendered its first page.
                std::thread::sleep(Duration::from_secs(4));
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
        println!("    running on the private display {}; press Ctrl-C to stop", display.name);
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("Shipdeck exited with {status}; its log is under ~/.local/share or the app log dir");
    }
    Ok(())
}
