//! Kustomize directories, rendered by the real `kustomize build` as Argo CD does: re-implementing
//! Kustomize would drift from what users test locally.
//!
//! Kustomize's default load restrictor lets a kustomization read files only under its own
//! directory, but lets it name any other kustomization directory (`../../base`) as a resource,
//! anywhere on the machine or on the network. Before kustomize runs, the directories it would
//! reach are followed here, and one outside the repository or remote is refused with a message;
//! the offline environment of [`process`] backs that up should something slip through.

use super::tree::{Refused, Tree};
use super::{Options, blocking, directory, parse, process, tool};
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use tokio::process::Command;

/// The file names that make a directory a Kustomization, in kustomize's own order of preference.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Fields whose entries may name another kustomization directory.
const DIRECTORY_FIELDS: [&str; 6] = [
    "resources",
    "bases",
    "components",
    "generators",
    "transformers",
    "validators",
];

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "kustomize is not installed (looked in {looked_in}): {dir} is a Kustomize directory and Shipdeck renders it with `kustomize build`, as Argo CD does. Install kustomize v5 (`go install sigs.k8s.io/kustomize/kustomize/v5@latest`, or your package manager) and put it on PATH or set its location in Shipdeck's settings; for the test suite, `cargo xtask test` installs a pinned kustomize",
        dir = dir.display()
    )]
    NotInstalled { dir: PathBuf, looked_in: String },
    #[error(
        "{} refers to `{entry}`, which is outside the repository; Shipdeck renders only what the repository holds at the commit, so move it into the repository and refer to it by a relative path",
        file.display()
    )]
    Outside { file: PathBuf, entry: String },
    #[error(
        "{} refers to the remote base `{entry}`; Shipdeck renders without network access, so copy the base into the repository and refer to it by a relative path",
        file.display()
    )]
    Remote { file: PathBuf, entry: String },
    #[error("could not prepare kustomize build {}: {source}", dir.display())]
    Scratch {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("kustomize build {}: {source}", dir.display())]
    Build {
        dir: PathBuf,
        source: process::Error,
    },
    #[error("kustomize build {} printed YAML Shipdeck cannot read: {source}", dir.display())]
    Output { dir: PathBuf, source: parse::Error },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The kustomization file in `dir`, if it is a Kustomize directory.
pub fn kustomization_file(dir: &Path) -> Option<&'static str> {
    FILE_NAMES.into_iter().find(|name| dir.join(name).is_file())
}

/// `kustomize build <dir>` as documents; `dir` is canonical and inside `tree`.
pub(crate) async fn build(
    tree: &Tree,
    dir: &Path,
    options: &Options,
) -> Result<Vec<parse::Document>> {
    let shown = tree.relative(dir);
    let binary =
        tool::locate(options.tools.kustomize.as_deref(), "kustomize").map_err(|looked_in| {
            Error::NotInstalled {
                dir: shown.clone(),
                looked_in,
            }
        })?;
    {
        let (tree, dir, max) = (tree.clone(), dir.to_path_buf(), options.max_file_bytes);
        blocking(move || confine(&tree, &dir, max)).await?;
    }
    let home = options.scratch_dir().map_err(|source| Error::Scratch {
        dir: shown.clone(),
        source,
    })?;
    let mut cmd = Command::new(binary);
    cmd.arg("build").arg(dir).current_dir(tree.root());
    process::offline(&mut cmd, home.path());
    let output = process::run(cmd, "kustomize", options.limits())
        .await
        .map_err(|source| Error::Build {
            dir: shown.clone(),
            source,
        })?;
    parse::yaml(&output).map_err(|source| Error::Output { dir: shown, source })
}

/// Follows every kustomization directory `dir` reaches and refuses one outside `tree` or
/// remote. What kustomize itself reports (a missing file, a file outside its directory, bad
/// YAML) is left to kustomize: its messages are the ones users know.
fn confine(tree: &Tree, dir: &Path, max_file_bytes: u64) -> Result<()> {
    let mut pending = vec![dir.to_path_buf()];
    let mut seen = HashSet::new();
    while let Some(dir) = pending.pop() {
        if !seen.insert(dir.clone()) {
            continue;
        }
        let Some(name) = kustomization_file(&dir) else {
            continue;
        };
        let file = dir.join(name);
        let Ok(text) = directory::read_text(&file, max_file_bytes) else {
            continue;
        };
        let Ok(documents) = parse::yaml(&text) else {
            continue;
        };
        let entries = documents.iter().flat_map(|document| {
            DIRECTORY_FIELDS
                .iter()
                .filter_map(|field| document.value.get(field).and_then(Value::as_array))
                .flatten()
                .filter_map(Value::as_str)
        });
        for entry in entries {
            // Generators and transformers may be inline YAML rather than a path.
            if entry.contains('\n') {
                continue;
            }
            let refused = |remote: bool| {
                let file = tree.relative(&file);
                let entry = entry.to_string();
                if remote {
                    Error::Remote { file, entry }
                } else {
                    Error::Outside { file, entry }
                }
            };
            match tree.inside(&dir.join(entry)) {
                Ok(target) if target.is_dir() => pending.push(target),
                Ok(_) => {}
                Err(Refused::Outside) => return Err(refused(false)),
                // Kustomize takes what is not a local path for a remote one.
                Err(Refused::Missing) if is_remote(entry) => return Err(refused(true)),
                Err(Refused::Missing) if Path::new(entry).is_absolute() => {
                    return Err(refused(false));
                }
                Err(Refused::Missing) => {}
            }
        }
    }
    Ok(())
}

/// Whether kustomize would fetch `entry` (a URL, `git@host:repo`, or a `host/org/repo` path
/// with a ref), as its remote target parser accepts them.
fn is_remote(entry: &str) -> bool {
    const HOSTS: [&str; 4] = [
        "github.com/",
        "gitlab.com/",
        "bitbucket.org/",
        "dev.azure.com/",
    ];
    entry.contains("://")
        || entry.starts_with("git@")
        || entry.contains("?ref=")
        || entry.contains("?version=")
        || entry.contains(".git//")
        || entry.contains("/_git/")
        || HOSTS.iter().any(|host| entry.starts_with(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_targets_are_recognised() {
        for remote in [
            "https://github.com/kubernetes-sigs/kustomize//examples/multibases?ref=v1.0.6",
            "github.com/kubernetes-sigs/kustomize/examples/multibases",
            "git@github.com:owner/repo.git//base",
            "ssh://git@example.com/owner/repo",
            "example.com/owner/repo.git//base",
            "https://raw.githubusercontent.com/owner/repo/main/deploy.yaml",
        ] {
            assert!(is_remote(remote), "{remote}");
        }
        for local in ["../../base", "base", "deployment.yaml", "components/x"] {
            assert!(!is_remote(local), "{local}");
        }
    }
}
