//! Helm charts, rendered by `helm template` when Helm is installed (Shipdeck does not bundle it).
//!
//! Per application: values files from the repository, inline values and the release name
//! ([`HelmOptions`](super::HelmOptions)). Dependencies must be in the repository: vendored
//! under `charts/`, or a `file://` chart elsewhere in the tree, which is copied with the chart
//! into a scratch directory (the tree is never written to). Nothing is fetched, and Helm runs
//! with empty configuration and cache directories, so no repository of the user's is consulted.

use super::tree::{Refused, Tree};
use super::{Options, blocking, parse, process, tool};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use tokio::process::Command;

/// The file that makes a directory a Helm chart.
pub const CHART_FILE: &str = "Chart.yaml";

/// How deep `file://` dependencies may nest; deeper is taken for a cycle.
const MAX_DEPENDENCY_DEPTH: usize = 8;

/// Chart.yaml files are small; a larger one is not read.
const MAX_CHART_FILE_BYTES: u64 = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "helm is not installed (looked in {looked_in}): {dir} is a Helm chart (it has Chart.yaml) and Shipdeck renders it with `helm template`. Install Helm 3 (https://helm.sh/docs/intro/install/, or `go install helm.sh/helm/v3/cmd/helm@latest`) and put it on PATH or set its location in Shipdeck's settings",
        dir = dir.display()
    )]
    NotInstalled { dir: PathBuf, looked_in: String },
    #[error(
        "the values file `{path}` is outside the repository; give values files relative to the repository's root, without `..` or a leading `/`"
    )]
    ValuesFileOutside { path: String },
    #[error(
        "the values file `{path}` does not exist in the repository at this commit; values files are relative to the repository's root, not to the chart"
    )]
    ValuesFileMissing { path: String },
    #[error("{} cannot be read: {reason}", chart.display())]
    ChartFile { chart: PathBuf, reason: String },
    #[error(
        "dependency {name} of {} from {repository} is not vendored in charts/; Shipdeck renders without network access; run `helm dependency update` and commit charts/",
        chart.display()
    )]
    NotVendored {
        chart: PathBuf,
        name: String,
        repository: String,
    },
    #[error(
        "dependency {name} of {} is `{repository}`, which is outside the repository; a file:// dependency must be a chart in the same repository",
        chart.display()
    )]
    DependencyOutside {
        chart: PathBuf,
        name: String,
        repository: String,
    },
    #[error(
        "dependency {name} of {} is `{repository}`, which is not a chart (no Chart.yaml) at this commit; file:// paths are relative to the chart's directory",
        chart.display()
    )]
    DependencyMissing {
        chart: PathBuf,
        name: String,
        repository: String,
    },
    #[error(
        "the file:// dependencies of {} nest deeper than {MAX_DEPENDENCY_DEPTH} levels; look for a chart that depends on itself",
        chart.display()
    )]
    DependencyCycle { chart: PathBuf },
    #[error(
        "the chart {} cannot be rendered: {reason}; vendor its dependencies under charts/ or reduce them",
        chart.display()
    )]
    DependencyCopyTooBig { chart: PathBuf, reason: String },
    #[error("could not prepare helm template {}: {source}", dir.display())]
    Scratch {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("helm template {}: {source}", dir.display())]
    Template {
        dir: PathBuf,
        source: process::Error,
    },
    #[error("helm template {} printed YAML Shipdeck cannot read: {source}", dir.display())]
    Output { dir: PathBuf, source: parse::Error },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whether `dir` is a Helm chart.
pub fn is_chart(dir: &Path) -> bool {
    dir.join(CHART_FILE).is_file()
}

/// One rendered document and the chart template it came from.
pub(crate) struct Rendered {
    pub template: PathBuf,
    pub document: parse::Document,
}

/// `helm template <release> <chart> --namespace <namespace> --include-crds -f <values>...` as
/// documents; `dir` is canonical and inside `tree`. CRDs are included because Argo CD includes
/// them: they are part of what the chart declares.
pub(crate) async fn template(tree: &Tree, dir: &Path, options: &Options) -> Result<Vec<Rendered>> {
    let shown = tree.relative(dir);
    let binary = tool::locate(options.tools.helm.as_deref(), "helm").map_err(|looked_in| {
        Error::NotInstalled {
            dir: shown.clone(),
            looked_in,
        }
    })?;
    let scratch_error = |source| Error::Scratch {
        dir: shown.clone(),
        source,
    };
    let values_files = options
        .helm
        .values_files
        .iter()
        .map(|path| values_file(tree, path))
        .collect::<Result<Vec<_>>>()?;
    let scratch = options.scratch_dir().map_err(scratch_error)?;
    let chart = {
        let (tree, dir, scratch) = (
            tree.clone(),
            dir.to_path_buf(),
            scratch.path().to_path_buf(),
        );
        let budget = Arc::new(CopyBudget::new(options.max_output_bytes));
        let stop = budget.clone();
        let copying = blocking(move || with_dependencies(&tree, &dir, &scratch, &budget));
        match tokio::time::timeout(options.timeout, copying).await {
            Ok(chart) => chart?,
            Err(_) => {
                // The copy checks the budget before each file: it stops at the next one.
                stop.exhausted.store(true, Ordering::Relaxed);
                return Err(Error::DependencyCopyTooBig {
                    chart: shown,
                    reason: format!("copying it took longer than {:?}", options.timeout),
                });
            }
        }
    };
    let home = scratch.path().join("home");
    std::fs::create_dir(&home).map_err(scratch_error)?;

    let mut cmd = Command::new(binary);
    cmd.arg("template")
        .arg(options.helm_release())
        .arg(&chart)
        .arg("--include-crds")
        .current_dir(tree.root());
    if !options.default_namespace.is_empty() {
        cmd.args(["--namespace", &options.default_namespace]);
    }
    for file in &values_files {
        cmd.arg("--values").arg(file);
    }
    if let Some(values) = &options.helm.values {
        let file = scratch.path().join("inline-values.yaml");
        std::fs::write(&file, values).map_err(scratch_error)?;
        cmd.arg("--values").arg(file);
    }
    process::offline(&mut cmd, &home);
    for (var, dir) in [
        ("HELM_CONFIG_HOME", "config"),
        ("HELM_CACHE_HOME", "cache"),
        ("HELM_DATA_HOME", "data"),
        ("HELM_PLUGINS", "plugins"),
        ("HELM_REPOSITORY_CACHE", "repository"),
        ("HELM_REPOSITORY_CONFIG", "repositories.yaml"),
        ("HELM_REGISTRY_CONFIG", "registry.json"),
    ] {
        cmd.env(var, home.join(dir));
    }
    let output = process::run(cmd, "helm", options.limits())
        .await
        .map_err(|source| Error::Template {
            dir: shown.clone(),
            source,
        })?;
    let documents = parse::yaml(&output).map_err(|source| Error::Output {
        dir: shown.clone(),
        source,
    })?;
    let sources = source_comments(&output);
    Ok(documents
        .into_iter()
        .map(|document| Rendered {
            template: template_of(&sources, document.line)
                .unwrap_or_else(|| PathBuf::from(CHART_FILE)),
            document,
        })
        .collect())
}

/// A values file named in the settings, relative to the repository's root.
fn values_file(tree: &Tree, path: &str) -> Result<PathBuf> {
    match tree.resolve(path) {
        Ok(file) if file.is_file() => Ok(file),
        Ok(_) | Err(Refused::Missing) => Err(Error::ValuesFileMissing {
            path: path.to_string(),
        }),
        Err(Refused::Outside) => Err(Error::ValuesFileOutside {
            path: path.to_string(),
        }),
    }
}

/// A dependency as Chart.yaml declares it.
struct Dependency {
    name: String,
    repository: String,
}

/// How much copying file:// dependencies may do. Each dependent needs its own copy under its
/// `charts/`, so a chart reached from many places is copied many times: a hostile Chart.yaml
/// with thousands of dependencies on one large chart, or a deep diamond, would otherwise write
/// without bound.
struct CopyBudget {
    bytes_left: AtomicU64,
    files_left: AtomicU64,
    /// Set when the budget ran out or the render's time did.
    exhausted: AtomicBool,
}

impl CopyBudget {
    /// At most `max_bytes` (the render's output cap) and [`MAX_COPIED_FILES`] files in all.
    fn new(max_bytes: u64) -> Self {
        Self {
            bytes_left: AtomicU64::new(max_bytes),
            files_left: AtomicU64::new(MAX_COPIED_FILES),
            exhausted: AtomicBool::new(false),
        }
    }

    /// Takes one file of `bytes` from the budget; `false` when it does not fit.
    fn take(&self, bytes: u64) -> bool {
        if self.exhausted.load(Ordering::Relaxed) {
            return false;
        }
        let fits = self
            .files_left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
            && self
                .bytes_left
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                    n.checked_sub(bytes)
                })
                .is_ok();
        if !fits {
            self.exhausted.store(true, Ordering::Relaxed);
        }
        fits
    }
}

/// Files all chart copies of one render may hold together.
const MAX_COPIED_FILES: u64 = 20_000;

/// The chart to render: `dir` itself when every dependency is vendored, else a copy in
/// `scratch` with its `file://` dependencies copied into its `charts/`.
fn with_dependencies(
    tree: &Tree,
    dir: &Path,
    scratch: &Path,
    budget: &CopyBudget,
) -> Result<PathBuf> {
    if missing_dependencies(tree, dir)?.is_empty() {
        return Ok(dir.to_path_buf());
    }
    let copy = scratch.join("chart");
    materialise(tree, dir, &copy, 0, budget)?;
    Ok(copy)
}

/// Copies the chart at `source` to `dest`, then each of its missing `file://` dependencies
/// into `dest/charts/`, and theirs, refusing anything that would need the network.
fn materialise(
    tree: &Tree,
    source: &Path,
    dest: &Path,
    depth: usize,
    budget: &CopyBudget,
) -> Result<()> {
    let shown = tree.relative(source);
    if depth > MAX_DEPENDENCY_DEPTH {
        return Err(Error::DependencyCycle { chart: shown });
    }
    match copy_dir(source, dest, budget) {
        Ok(()) => {}
        Err(_) if budget.exhausted.load(Ordering::Relaxed) => {
            return Err(Error::DependencyCopyTooBig {
                chart: shown,
                reason: format!(
                    "its file:// dependencies copied together exceed {MAX_COPIED_FILES} files or the output cap"
                ),
            });
        }
        Err(source) => {
            return Err(Error::Scratch {
                dir: shown.clone(),
                source,
            });
        }
    }
    for dependency in missing_dependencies(tree, source)? {
        // The name becomes a directory under `charts/`: one plain component, or a hostile
        // Chart.yaml (`name: /home/me/.config/autostart`, `name: ../../x`) would write outside
        // the scratch copy.
        if crate::git::unsafe_name(dependency.name.as_bytes()).is_some() {
            return Err(Error::ChartFile {
                chart: tree.relative(&source.join(CHART_FILE)),
                reason: format!(
                    "the dependency name `{}` is not a chart name (one path component, no `/`, `\\` or `..`)",
                    dependency.name.escape_debug()
                ),
            });
        }
        // `missing_dependencies` lets only file:// ones through.
        let relative = dependency.repository.trim_start_matches("file://");
        let refused = |outside: bool| {
            let (chart, name, repository) = (
                shown.clone(),
                dependency.name.clone(),
                dependency.repository.clone(),
            );
            if outside {
                Error::DependencyOutside {
                    chart,
                    name,
                    repository,
                }
            } else {
                Error::DependencyMissing {
                    chart,
                    name,
                    repository,
                }
            }
        };
        let target = match tree.inside(&source.join(relative)) {
            _ if Path::new(relative).is_absolute() => return Err(refused(true)),
            Ok(target) if is_chart(&target) => target,
            Ok(_) | Err(Refused::Missing) => return Err(refused(false)),
            Err(Refused::Outside) => return Err(refused(true)),
        };
        let into = dest.join("charts").join(&dependency.name);
        debug_assert!(into.starts_with(dest));
        materialise(tree, &target, &into, depth + 1, budget)?;
    }
    Ok(())
}

/// The dependencies of the chart at `dir` that are not in its `charts/`. All must be
/// `file://`: another is an error, since fetching it needs the network.
fn missing_dependencies(tree: &Tree, dir: &Path) -> Result<Vec<Dependency>> {
    let chart_file = dir.join(CHART_FILE);
    let unreadable = |reason: String| Error::ChartFile {
        chart: tree.relative(&chart_file),
        reason,
    };
    let text = super::directory::read_text(&chart_file, MAX_CHART_FILE_BYTES)
        .map_err(|problem| unreadable(problem.to_string()))?;
    let documents = parse::yaml(&text).map_err(|err| unreadable(err.to_string()))?;
    let declared = documents
        .first()
        .and_then(|d| d.value.get("dependencies"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut missing = Vec::new();
    for dependency in declared {
        let text = |key: &str| {
            dependency
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let (name, repository) = (text("name"), text("repository"));
        if name.is_empty() || is_vendored(dir, &name) {
            // Helm reports a nameless dependency itself.
            continue;
        }
        if !repository.starts_with("file://") {
            return Err(Error::NotVendored {
                chart: tree.relative(dir),
                name,
                repository: if repository.is_empty() {
                    "no repository".to_string()
                } else {
                    repository
                },
            });
        }
        missing.push(Dependency { name, repository });
    }
    Ok(missing)
}

/// Whether `charts/` holds the dependency: a directory of that name or whose chart has that
/// name, or an archive `<name>-<version>.tgz` as `helm dependency update` writes. Helm checks
/// again when it loads the chart, by the names inside.
fn is_vendored(dir: &Path, name: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(dir.join("charts")) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            file_name == name || chart_name(&path).as_deref() == Some(name)
        } else {
            file_name
                .strip_suffix(".tgz")
                .and_then(|stem| stem.strip_prefix(name))
                .is_some_and(|version| version.starts_with('-'))
        }
    })
}

/// The `name` in the chart at `dir`.
fn chart_name(dir: &Path) -> Option<String> {
    let text = super::directory::read_text(&dir.join(CHART_FILE), MAX_CHART_FILE_BYTES).ok()?;
    let documents = parse::yaml(&text).ok()?;
    documents
        .first()?
        .value
        .get("name")?
        .as_str()
        .map(str::to_string)
}

/// Copies directories and regular files; links are skipped (an export holds none).
fn copy_dir(source: &Path, dest: &Path, budget: &CopyBudget) -> std::io::Result<()> {
    std::fs::create_dir_all(dest)?;
    for entry in std::fs::read_dir(source)? {
        let entry = entry?;
        let file_type = entry.file_type()?;
        let to = dest.join(entry.file_name());
        if file_type.is_dir() {
            copy_dir(&entry.path(), &to, budget)?;
        } else if file_type.is_file() {
            if !budget.take(entry.metadata()?.len()) {
                return Err(std::io::Error::other("copy budget exhausted"));
            }
            std::fs::copy(entry.path(), &to)?;
        }
    }
    Ok(())
}

/// `(line, path)` of each `# Source: <chart>/templates/x.yaml` comment Helm writes above a
/// document, with the path made relative to the chart (the leading chart name dropped).
fn source_comments(output: &str) -> Vec<(u64, PathBuf)> {
    output
        .lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let path = line.strip_prefix("# Source: ")?.trim();
            let relative = path.split_once('/').map_or(path, |(_chart, rest)| rest);
            Some((index as u64 + 1, PathBuf::from(relative)))
        })
        .collect()
}

/// The template named by the last `# Source:` comment above `line`.
fn template_of(sources: &[(u64, PathBuf)], line: u64) -> Option<PathBuf> {
    sources
        .iter()
        .rev()
        .find(|(at, _)| *at < line)
        .map(|(_, path)| path.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_traced_to_their_template() {
        let output = "---\n# Source: web/templates/service.yaml\napiVersion: v1\nkind: Service\n---\n# Source: web/charts/db/templates/sts.yaml\napiVersion: apps/v1\n";
        let sources = source_comments(output);
        assert_eq!(
            template_of(&sources, 3),
            Some("templates/service.yaml".into())
        );
        assert_eq!(
            template_of(&sources, 7),
            Some("charts/db/templates/sts.yaml".into())
        );
        assert_eq!(template_of(&sources, 1), None);
    }
}
