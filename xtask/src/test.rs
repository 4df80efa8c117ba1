//! `cargo xtask test`: install what is missing, start the services the suite needs (a private
//! display and dbus session, the local control plane), run every test, then stop the services
//! and check they left nothing behind.
//!
//! Tests that need the real window are `#[ignore]`d for a plain `cargo test` and run here with
//! `--include-ignored`. Extra arguments are passed to `cargo test` (e.g. `-p shipdeck-engine`).

use crate::session::{Display, in_session_with_keyring};
use crate::step::{run as run_cmd, step};
use crate::{app, cluster, demo_repo, helm, kustomize, paths, tools};
use anyhow::Result;
use std::path::PathBuf;

/// Everything the suite is handed through the environment.
struct Inputs {
    app_binary: PathBuf,
    driver: PathBuf,
    workspace: PathBuf,
    kustomize: PathBuf,
    helm: PathBuf,
    kubectl: PathBuf,
}

pub fn run(extra: &[&str]) -> Result<()> {
    let app_binary = app::build_all(app::Purpose::Test)?;
    let inputs = Inputs {
        app_binary,
        driver: step("tauri-driver", || tools::tauri_driver().ensure())?,
        workspace: step("Demo workspace repository", demo_repo::ensure)?,
        kustomize: step(
            "kustomize (pinned, from the Go module proxy)",
            kustomize::ensure,
        )?,
        helm: step("helm (pinned, from the Go module proxy)", helm::ensure)?,
        kubectl: step(
            "Control-plane binaries and kubectl (pinned, built from upstream sources)",
            cluster::kubectl,
        )?,
    };
    step("Local Kubernetes control plane", cluster::up)?;

    let suite = step("Test suite", || {
        let display = Display::start_virtual()?;
        println!("    private display {}", display.name);
        run_suite(&display, &inputs, extra)
    });
    let stopped = step("Stopping the control plane", || {
        cluster::down()?;
        cluster::verify_down()
    });
    suite.and(stopped)
}

fn run_suite(display: &Display, inputs: &Inputs, extra: &[&str]) -> Result<()> {
    let screenshots = paths::screenshots_dir();
    std::fs::create_dir_all(&screenshots)?;
    // A fresh keyring (and any other per-user data) for every run.
    let home = paths::target_dir().join("test-home");
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home)?;
    let mut cmd = in_session_with_keyring(display, "cargo");
    cmd.args(["test", "--locked", "--workspace", "--no-fail-fast"])
        .args(extra)
        .args(["--", "--include-ignored"])
        .env("CARGO_TARGET_DIR", paths::target_dir())
        .env("SHIPDECK_CACHE", paths::cache_dir())
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("SHIPDECK_APP_BIN", &inputs.app_binary)
        .env("SHIPDECK_TAURI_DRIVER", &inputs.driver)
        .env("SHIPDECK_SCREENSHOTS", &screenshots)
        .env("SHIPDECK_DEMO_WORKSPACE", &inputs.workspace)
        .env("SHIPDECK_KUSTOMIZE", &inputs.kustomize)
        .env("SHIPDECK_HELM", &inputs.helm)
        .env("SHIPDECK_KUBECONFIG", cluster::kubeconfig_path())
        .env("SHIPDECK_KUBECTL", &inputs.kubectl)
        .current_dir(paths::workspace_root());
    let result = run_cmd(&mut cmd);
    println!("    e2e screenshots: {}", screenshots.display());
    result
}
