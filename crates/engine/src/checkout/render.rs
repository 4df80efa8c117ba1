//! Rendering a path of a checked-out tree (plain YAML/JSON, kustomize, Helm), and what a
//! comparison of it must say about files that did not render or a path that rendered nothing.

use super::Tree;
use crate::manifests::{self, HelmOptions, Options, RenderedObject, Tools};
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
    /// Unknown (the command line exits with an error after printing it).
    pub fn mark_incomplete(&self, report: &mut DriftReport) {
        report.incomplete.extend(
            self.problems
                .iter()
                .map(|p| format!("did not render, so its objects were not compared: {p}")),
        );
    }

    /// Fails when nothing rendered (`what` names the path): an empty comparison would report
    /// "Synced" about nothing at all.
    pub fn require_objects(&self, what: &str) -> Result<(), String> {
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
        Err(format!(
            "{what} rendered no objects{why}: nothing was compared"
        ))
    }
}

/// Renders `path` of `tree` with `tools` (kustomize and helm), tool homes and chart copies in
/// `scratch`.
pub async fn render(
    tree: &Tree,
    path: &str,
    namespace: &str,
    release: &str,
    helm: HelmOptions,
    tools: Tools,
    scratch: &Path,
) -> Result<Rendered, String> {
    let options = Options::new(namespace, release)
        .tools(tools)
        .helm(helm)
        // Tool homes and chart copies (inline values may hold passwords) stay in Shipdeck's
        // scratch space.
        .scratch(scratch);
    let render = manifests::render(&tree.root, path, &options)
        .await
        .map_err(|e| format!("rendering {path}: {e}"))?;
    Ok(Rendered {
        objects: render.objects,
        problems: render
            .errors
            .iter()
            .map(|e| format!("{path}: {e}"))
            .collect(),
    })
}
