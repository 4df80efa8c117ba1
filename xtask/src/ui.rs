//! Builds the UI bundle: cargo for wasm32, then wasm-bindgen, then the static files.
//! Release wasm without wasm-opt: Debian's wasm-opt breaks the bundle (build-notes.md).

use crate::paths;
use crate::step::run;
use anyhow::{Context, Result};
use std::fs;
use std::path::Path;
use std::process::Command;

const STATIC_FILES: [&str; 4] = ["index.html", "main.js", "styles.css", "diff.css"];

pub fn build(wasm_bindgen: &Path) -> Result<()> {
    let root = paths::workspace_root();
    run(Command::new("cargo")
        .args([
            "build",
            "--locked",
            "--release",
            "-p",
            "shipdeck-ui",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .env("CARGO_TARGET_DIR", paths::target_dir())
        .current_dir(&root))?;

    let wasm = paths::target_dir().join("wasm32-unknown-unknown/release/shipdeck-ui.wasm");
    let dist = paths::ui_dist();
    // Build into a fresh folder and swap it in, so a failed or killed build never leaves a
    // half-written bundle for the app to embed.
    let staging = dist.with_extension("staging");
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging)?;
    run(Command::new(wasm_bindgen)
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            "shipdeck_ui",
            "--out-dir",
        ])
        .arg(&staging)
        .arg(&wasm))?;
    for file in STATIC_FILES {
        let from = root.join("ui/static").join(file);
        fs::copy(&from, staging.join(file))
            .with_context(|| format!("copying {}", from.display()))?;
    }
    fs::copy(root.join("icons/shipdeck.svg"), staging.join("icon.svg"))?;
    let _ = fs::remove_dir_all(&dist);
    fs::rename(&staging, &dist).context("moving the new UI bundle into place")?;
    Ok(())
}
