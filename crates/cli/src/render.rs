//! Rendering a path of a tree with the engine (plain YAML/JSON, kustomize, Helm), with
//! kustomize and helm from `SHIPDECK_KUSTOMIZE` / `SHIPDECK_HELM` or `PATH`.

use crate::source::Tree;
use anyhow::{Context, Result, bail};
use shipdeck_engine::manifests::{self, HelmOptions, Options, RenderedObject, Tools};
use shipdeck_ipc::drift::DriftReport;
use std::path::Path;

/// What a path rendered to.
pub struct Rendered {
    pub objects: Vec<RenderedObject>,
    /// Files that did not render. The comparison is then incomplete (an object of such a file
    /// may show as extra): see [`Rendered::mark_incomplete`].
    pub problems: Vec<String>,
}

impl Rendered {
    /// Adds each file that did not render to what `report` left out: the report is then
    /// Unknown, and the command exits with an error after printing it.
    pub fn mark_incomplete(&self, report: &mut DriftReport) {
        report.incomplete.extend(
            self.problems
                .iter()
                .map(|p| format!("did not render, so its objects were not compared: {p}")),
        );
    }

    /// Fails when nothing rendered (`what` names the path): an empty comparison would report
    /// "Synced" about nothing at all.
    pub fn require_objects(&self, what: &str) -> Result<()> {
        if !self.objects.is_empty() {
            return Ok(());
        }
        let why = match self.problems.as_slice() {
            [] => String::new(),
            [one] => format!(" ({one})"),
            [first, ..] => format!(
                " ({} files did not render; the first: {first})",
                self.problems.len()
            ),
        };
        bail!("{what} rendered no objects{why}: nothing was compared")
    }
}

pub async fn render(
    tree: &Tree,
    path: &str,
    namespace: &str,
    release: &str,
    helm: HelmOptions,
    scratch: &Path,
) -> Result<Rendered> {
    let options = Options::new(namespace, release)
        .tools(Tools::from_env())
        .helm(helm)
        // Tool homes and chart copies (inline values may hold passwords) stay in Shipdeck's
        // scratch space.
        .scratch(scratch);
    let render = manifests::render(&tree.root, path, &options)
        .await
        .with_context(|| format!("rendering {path}"))?;
    Ok(Rendered {
        objects: render.objects,
        problems: render
            .errors
            .iter()
            .map(|e| format!("{path}: {e}"))
            .collect(),
    })
}
