//! `cargo xtask test`: install what is missing, start the services the suite needs (a private
//! display and dbus session, the local control plane), run every test, then stop the services
//! and check they left nothing behind.
//!
//! Tests that need the real window are `#[ignore]`d for a plain `cargo test` and run here with
//! `--include-ignored`. Extra arguments are passed to `cargo test` (e.g. `-p shipdeck-engine`).

use crate::session::{Display, in_session};
use crate::step::{run as run_cmd, step};
use crate::{app, cluster, demo_repo, paths, tools};
use anyhow::Result;
use std::path::Path;

pub fn run(extra: &[&str]) -> Result<()> {
    let app_binary = app::build_all()?;
    let driver = step("tauri-driver", || tools::tauri_driver().ensure())?;
    let workspace = step("Demo workspace repository", demo_repo::ensure)?;
    step("Local Kubernetes control plane", cluster::up)?;

    let suite = step("Test suite", || {
        let display = Display::start_virtual()?;
        println!("    private display {}", display.name);
        run_suite(&display, &app_binary, &driver, &workspace, extra)
    });
    let stopped = step("Stopping the control plane", || {
        cluster::down()?;
        cluster::verify_down()
    });
    suite.and(stopped)
}

fn run_suite(
    display: &Display,
    app_binary: &Path,
    driver: &Path,
    workspace: &Path,
    extra: &[&str],
) -> Result<()> {
    let screenshots = paths::screenshots_dir();
    std::fs::create_dir_all(&screenshots)?;
    let mut cmd = in_session(display, "cargo");
    cmd.args(["test", "--locked", "--workspace", "--no-fail-fast"])
        .args(extra)
        .args(["--", "--include-ignored"])
        .env("CARGO_TARGET_DIR", paths::target_dir())
        .env("SHIPDECK_APP_BIN", app_binary)
        .env("SHIPDECK_TAURI_DRIVER", driver)
        .env("SHIPDECK_SCREENSHOTS", &screenshots)
        .env("SHIPDECK_DEMO_WORKSPACE", workspace)
        .current_dir(paths::workspace_root());
    let result = run_cmd(&mut cmd);
    println!("    e2e screenshots: {}", screenshots.display());
    result
}
