//! Builds everything the app needs and the app itself.

use crate::step::{run, step};
use crate::{paths, system, tools, ui};
use anyhow::Result;
use std::path::PathBuf;
use std::process::Command;

/// Installs what is missing, builds the UI bundle and the app; returns the app binary.
pub fn build_all() -> Result<PathBuf> {
    step("Debian packages", system::ensure_packages)?;
    step("Rust wasm32 target", system::ensure_wasm_target)?;
    let wasm_bindgen = step("wasm-bindgen CLI (pinned to Cargo.lock)", || tools::wasm_bindgen()?.ensure())?;
    step("UI bundle (Leptos → wasm)", || ui::build(&wasm_bindgen))?;
    step("Shipdeck app", build_app)
}

fn build_app() -> Result<PathBuf> {
    run(Command::new("cargo")
        .args(["build", "--locked", "-p", "shipdeck-app"])
        .env("CARGO_TARGET_DIR", paths::target_dir())
        .current_dir(paths::workspace_root()))?;
    Ok(app_binary())
}

pub fn app_binary() -> PathBuf {
    paths::target_dir().join("debug").join("shipdeck")
}
