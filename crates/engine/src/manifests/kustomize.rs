//! Kustomize directories, rendered by the real `kustomize build` as Argo CD does: re-implementing
//! Kustomize would drift from what users test locally.

use super::parse;
use super::tool::{self, Limits};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The file names that make a directory a Kustomization, in kustomize's own order of preference.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "kustomize is not installed (looked in {looked_in}): {dir} is a Kustomize directory and Shipdeck renders it with `kustomize build`, as Argo CD does. Install kustomize v5 (`go install sigs.k8s.io/kustomize/kustomize/v5@latest`, or your package manager) and put it on PATH or set its location in Shipdeck's settings; for the test suite, `cargo xtask test` installs a pinned kustomize",
        dir = dir.display()
    )]
    NotInstalled { dir: PathBuf, looked_in: String },
    #[error("kustomize build {}: {source}", dir.display())]
    Build { dir: PathBuf, source: tool::Error },
    #[error("kustomize build {} printed YAML Shipdeck cannot read: {source}", dir.display())]
    Output { dir: PathBuf, source: parse::Error },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The kustomization file in `dir`, if it is a Kustomize directory.
pub fn kustomization_file(dir: &Path) -> Option<&'static str> {
    FILE_NAMES.into_iter().find(|name| dir.join(name).is_file())
}

/// `kustomize build <dir>` as documents.
pub(crate) fn build(
    dir: &Path,
    configured: Option<&Path>,
    limits: Limits,
) -> Result<Vec<parse::Document>> {
    let binary =
        tool::locate(configured, "kustomize").map_err(|looked_in| Error::NotInstalled {
            dir: dir.to_path_buf(),
            looked_in,
        })?;
    let mut cmd = Command::new(binary);
    cmd.arg("build").arg(dir);
    let output = tool::run(cmd, "kustomize", limits).map_err(|source| Error::Build {
        dir: dir.to_path_buf(),
        source,
    })?;
    parse::yaml(&output).map_err(|source| Error::Output {
        dir: dir.to_path_buf(),
        source,
    })
}
