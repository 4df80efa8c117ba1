//! Helm charts, rendered by `helm template` when Helm is installed (Shipdeck does not bundle it).

use super::parse;
use super::tool::{self, Limits};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The file that makes a directory a Helm chart.
pub const CHART_FILE: &str = "Chart.yaml";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "helm is not installed (looked in {looked_in}): {dir} is a Helm chart (it has Chart.yaml) and Shipdeck renders it with `helm template`. Install Helm 3 (https://helm.sh/docs/intro/install/, or `go install helm.sh/helm/v3/cmd/helm@latest`) and put it on PATH or set its location in Shipdeck's settings",
        dir = dir.display()
    )]
    NotInstalled { dir: PathBuf, looked_in: String },
    #[error("helm template {}: {source}", dir.display())]
    Template { dir: PathBuf, source: tool::Error },
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

/// `helm template <release> <dir> --namespace <namespace> --include-crds` as documents.
/// CRDs are included because Argo CD includes them: they are part of what the chart declares.
pub(crate) fn template(
    dir: &Path,
    release: &str,
    namespace: &str,
    configured: Option<&Path>,
    limits: Limits,
) -> Result<Vec<Rendered>> {
    let binary = tool::locate(configured, "helm").map_err(|looked_in| Error::NotInstalled {
        dir: dir.to_path_buf(),
        looked_in,
    })?;
    let mut cmd = Command::new(binary);
    cmd.arg("template")
        .arg(release)
        .arg(dir)
        .arg("--include-crds");
    if !namespace.is_empty() {
        cmd.args(["--namespace", namespace]);
    }
    let output = tool::run(cmd, "helm", limits).map_err(|source| Error::Template {
        dir: dir.to_path_buf(),
        source,
    })?;
    let documents = parse::yaml(&output).map_err(|source| Error::Output {
        dir: dir.to_path_buf(),
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
