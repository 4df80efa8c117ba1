//! Tools installed from crates.io into the cache, one folder per name and version.
//! Nothing is downloaded from outside the registry: no Trunk, no Tauri CLI, no binary fetches.

use crate::paths;
use crate::step::run;
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::Command;

pub const TAURI_DRIVER_VERSION: &str = "2.1.0";

pub struct Tool {
    pub krate: &'static str,
    pub version: String,
    pub bin: &'static str,
    /// Use the crate's own lockfile. wasm-bindgen-cli's pins a crate version the registry lacks.
    pub locked: bool,
}

impl Tool {
    pub fn path(&self) -> PathBuf {
        paths::tool_dir(self.krate, &self.version)
            .join("bin")
            .join(self.bin)
    }

    /// Installs the tool unless this exact version is already in the cache.
    pub fn ensure(&self) -> Result<PathBuf> {
        let path = self.path();
        if path.is_file() {
            println!("    {} {} present", self.krate, self.version);
            return Ok(path);
        }
        println!(
            "    installing {} {} (cold: several minutes)",
            self.krate, self.version
        );
        let mut cmd = Command::new("cargo");
        cmd.args([
            "install",
            self.krate,
            "--version",
            &format!("={}", self.version),
        ])
        .arg("--root")
        .arg(paths::tool_dir(self.krate, &self.version))
        // Installs build in their own temp dir; keep the shared target dir out of it.
        .env_remove("CARGO_TARGET_DIR");
        if self.locked {
            cmd.arg("--locked");
        }
        run(&mut cmd)?;
        Ok(path)
    }
}

pub fn wasm_bindgen() -> Result<Tool> {
    Ok(Tool {
        krate: "wasm-bindgen-cli",
        version: locked_version("wasm-bindgen")?,
        bin: "wasm-bindgen",
        locked: false,
    })
}

pub fn tauri_driver() -> Tool {
    Tool {
        krate: "tauri-driver",
        version: TAURI_DRIVER_VERSION.into(),
        bin: "tauri-driver",
        locked: true,
    }
}

/// The version of `package` in Cargo.lock: wasm-bindgen-cli must match the library exactly.
pub fn locked_version(package: &str) -> Result<String> {
    let lock_path = paths::workspace_root().join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .with_context(|| format!("reading {}", lock_path.display()))?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .with_context(|| format!("{package} is not in Cargo.lock"))?
        + needle.len();
    let end = lock[start..].find('"').context("malformed Cargo.lock")? + start;
    Ok(lock[start..end].to_string())
}
