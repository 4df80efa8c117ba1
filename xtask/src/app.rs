//! Builds everything the app needs and the app itself.

use crate::step::{run, step};
use crate::{paths, system, tools, ui};
use anyhow::Result;
use std::path::PathBuf;
use std::process::Command;

/// The desktop app's binary (`[[bin]]` of src-tauri). `shipdeck` is the command line's, which
/// a workspace build puts next to it: launching that one for the window would fail the e2e
/// tests and the demo with a usage message.
pub const APP_BINARY: &str = "shipdeck-desktop";

/// What the app is built for. Tests build every target in one cargo invocation so that the
/// dependency graph (and its feature unification) matches the `cargo test --workspace` that
/// follows; building only the app first would compile GTK, Tauri and kube twice.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Run,
    Test,
    /// The optimised app, for measurements (`cargo xtask memory --release`).
    Release,
}

/// Installs what is missing, builds the UI bundle and the app; returns the app binary.
pub fn build_all(purpose: Purpose) -> Result<PathBuf> {
    step("Debian packages", system::ensure_packages)?;
    step("Rust wasm32 target", system::ensure_wasm_target)?;
    let wasm_bindgen = step("wasm-bindgen CLI (pinned to Cargo.lock)", || {
        tools::wasm_bindgen()?.ensure()
    })?;
    step("UI bundle (Leptos → wasm)", || ui::build(&wasm_bindgen))?;
    match purpose {
        // The demo deploys its applications with the `shipdeck` command line.
        Purpose::Run => step("Shipdeck app and command line", || {
            build(&["-p", "shipdeck-app", "-p", "shipdeck-cli"])
        }),
        Purpose::Test => step("Shipdeck app and every test target", || {
            build(&["--workspace", "--all-targets"])
        }),
        Purpose::Release => step("Shipdeck app (release)", || {
            build(&["--release", "-p", "shipdeck-app"])?;
            Ok(paths::target_dir().join("release").join(APP_BINARY))
        }),
    }
}

fn build(selection: &[&str]) -> Result<PathBuf> {
    run(Command::new("cargo")
        .args(["build", "--locked"])
        .args(selection)
        .env("CARGO_TARGET_DIR", paths::target_dir())
        .current_dir(paths::workspace_root()))?;
    Ok(app_binary())
}

/// The `shipdeck` command line, built with the app.
pub fn cli_binary() -> PathBuf {
    paths::target_dir().join("debug").join("shipdeck")
}

pub fn app_binary() -> PathBuf {
    paths::target_dir().join("debug").join(APP_BINARY)
}
