//! kustomize, pinned, installed from the Go module proxy: the engine renders Kustomize
//! directories with the real `kustomize build`, and its tests need the binary.

use crate::paths;
use crate::step::{on_path, run};
use anyhow::{Result, bail};
use std::path::PathBuf;
use std::process::Command;

/// sigs.k8s.io/kustomize/kustomize/v5. Not 5.8.3: it requires Go 1.27, and Go 1.26 is what the
/// machines have. 5.8.2 builds with Go >= 1.26.
pub const VERSION: &str = "5.8.2";

/// Path of the pinned kustomize, installed unless this exact version is in the cache
/// (`<cache>/tools/kustomize-<version>/bin/kustomize`). Cold: about a minute.
pub fn ensure() -> Result<PathBuf> {
    go_install(
        "kustomize",
        "sigs.k8s.io/kustomize/kustomize/v5",
        VERSION,
        "kustomize",
    )
}

/// `go install <package>@v<version>` into `<cache>/tools/<name>-<version>/bin`, skipped when
/// the binary is already there. Shared by the Go tools xtask installs (see `helm.rs`).
pub fn go_install(name: &str, package: &str, version: &str, bin: &str) -> Result<PathBuf> {
    let bin_dir = paths::tool_dir(name, version).join("bin");
    let path = bin_dir.join(bin);
    if path.is_file() {
        println!("    {name} {version} present");
        return Ok(path);
    }
    if !on_path("go") {
        bail!(
            "Go is not installed; {name} {version} is built from the Go module proxy and needs Go 1.26 or newer (https://go.dev/doc/install)"
        );
    }
    println!("    installing {name} {version} with go install (cold: minutes)");
    run(Command::new("go")
        .args(["install", &format!("{package}@v{version}")])
        .env("GOBIN", &bin_dir)
        // Never fetch another Go toolchain: a version needing a newer Go fails with a clear
        // message instead of downloading one.
        .env("GOTOOLCHAIN", "local")
        // Static binaries, and no C toolchain needed.
        .env("CGO_ENABLED", "0"))?;
    if !path.is_file() {
        bail!(
            "go install {package}@v{version} succeeded but {} is missing",
            path.display()
        );
    }
    Ok(path)
}
