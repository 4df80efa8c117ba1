//! Rendering an application's manifests into the objects it declares.
//!
//! An application's path holds one of three kinds of source, detected as Argo CD does
//! ([`SourceKind::detect`]):
//! - a Kustomize directory (`kustomization.yaml`, `kustomization.yml` or `Kustomization`),
//!   rendered by the real `kustomize build`;
//! - a Helm chart (`Chart.yaml`), rendered by `helm template` when Helm is installed;
//! - otherwise a plain directory of `.yaml`, `.yml` and `.json` files, read in Rust
//!   (recursively, multi-document, `List`s expanded).
//!
//! Contract:
//! - A file that cannot be read or parsed is a [`FileError`] in [`Render::errors`], naming the
//!   file and the line; the other files still render. A render with errors is incomplete:
//!   callers must not prune (delete live objects missing from it) on an incomplete render.
//! - Kustomize and Helm render the application as a whole, so their failure is an [`Error`].
//! - Objects with no namespace get the default namespace when their kind is namespaced
//!   (see [`scope`] for how that is known without a cluster).
//! - Order is deterministic: files by path, then documents in order (tools: output order).
//! - Rendering is blocking (file IO, child processes); async callers use `spawn_blocking`.

mod directory;
mod helm;
mod kustomize;
mod object;
mod parse;
pub mod scope;
mod tool;

pub use directory::{FileError, Problem};
pub use helm::Error as HelmError;
pub use kustomize::Error as KustomizeError;
pub use object::Error as ObjectError;
pub use object::{At, ObjectId, RenderedObject, Source};
pub use parse::Error as ParseError;
pub use scope::{BuiltinScopes, ScopeLookup};
pub use tool::{Error as ToolError, Tools, find_on_path};

use std::path::{Path, PathBuf};
use std::time::Duration;

/// How to render one application.
#[derive(Debug, Clone)]
pub struct Options {
    /// Given to namespaced objects that have none, and to Helm as `--namespace`.
    pub default_namespace: String,
    /// Helm's release name (Argo CD uses the application's name).
    pub release_name: String,
    pub tools: Tools,
    /// Larger manifest files are refused before they are read.
    pub max_file_bytes: u64,
    /// Larger output from kustomize or helm stops the tool.
    pub max_output_bytes: u64,
    /// How long kustomize or helm may run.
    pub timeout: Duration,
}

impl Options {
    /// 10 MiB per file: real manifests, CRD bundles included, stay well below it, and it keeps a
    /// stray data file from eating memory.
    pub const DEFAULT_MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
    /// A whole application's output: larger than any one file may be.
    pub const DEFAULT_MAX_OUTPUT_BYTES: u64 = 64 * 1024 * 1024;
    /// Kustomize with remote bases can be slow; Argo CD's default exec timeout is 90 s.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(90);

    /// Tools are looked up on `PATH` (see [`Options::tools`] and [`Tools::from_env`]).
    pub fn new(default_namespace: impl Into<String>, release_name: impl Into<String>) -> Self {
        Self {
            default_namespace: default_namespace.into(),
            release_name: release_name.into(),
            tools: Tools::default(),
            max_file_bytes: Self::DEFAULT_MAX_FILE_BYTES,
            max_output_bytes: Self::DEFAULT_MAX_OUTPUT_BYTES,
            timeout: Self::DEFAULT_TIMEOUT,
        }
    }

    #[must_use]
    pub fn tools(mut self, tools: Tools) -> Self {
        self.tools = tools;
        self
    }

    #[must_use]
    pub fn max_file_bytes(mut self, bytes: u64) -> Self {
        self.max_file_bytes = bytes;
        self
    }

    #[must_use]
    pub fn max_output_bytes(mut self, bytes: u64) -> Self {
        self.max_output_bytes = bytes;
        self
    }

    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn limits(&self) -> tool::Limits {
        tool::Limits {
            timeout: self.timeout,
            max_output_bytes: self.max_output_bytes,
        }
    }
}

/// What an application's path holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// `file` is the kustomization file's name.
    Kustomize {
        file: &'static str,
    },
    Helm,
    Directory,
}

impl SourceKind {
    /// Kustomize wins over Helm when a directory has both, as in Argo CD.
    pub fn detect(root: &Path) -> Self {
        if let Some(file) = kustomize::kustomization_file(root) {
            SourceKind::Kustomize { file }
        } else if helm::is_chart(root) {
            SourceKind::Helm
        } else {
            SourceKind::Directory
        }
    }
}

/// The objects an application declares.
#[derive(Debug)]
pub struct Render {
    pub kind: SourceKind,
    pub objects: Vec<RenderedObject>,
    /// Files (or documents) that did not render. Non-empty means the render is incomplete.
    pub errors: Vec<FileError>,
}

impl Render {
    /// False when some files did not render: do not prune on an incomplete render.
    pub fn is_complete(&self) -> bool {
        self.errors.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the application's path {} does not exist; check the path in the application's settings", path.display())]
    RootMissing { path: PathBuf },
    #[error("the application's path {} is not a directory; point it at the directory holding the manifests", path.display())]
    RootNotADirectory { path: PathBuf },
    #[error(transparent)]
    Kustomize(#[from] kustomize::Error),
    #[error(transparent)]
    Helm(#[from] helm::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Renders the application at `root` with the built-in table of cluster-scoped kinds.
pub fn render(root: &Path, options: &Options) -> Result<Render> {
    render_with(root, options, &BuiltinScopes)
}

/// Renders the application at `root`, asking `scopes` which kinds are namespaced (pass one backed
/// by the cluster's discovery when a cluster is at hand).
pub fn render_with(root: &Path, options: &Options, scopes: &dyn ScopeLookup) -> Result<Render> {
    if !root.exists() {
        return Err(Error::RootMissing {
            path: root.to_path_buf(),
        });
    }
    if !root.is_dir() {
        return Err(Error::RootNotADirectory {
            path: root.to_path_buf(),
        });
    }
    let kind = SourceKind::detect(root);
    let (mut objects, errors) = match &kind {
        SourceKind::Directory => directory::render(root, options.max_file_bytes),
        SourceKind::Kustomize { file } => {
            let documents =
                kustomize::build(root, options.tools.kustomize.as_deref(), options.limits())?;
            objects_of(documents.into_iter().map(|d| (PathBuf::from(file), d)))
        }
        SourceKind::Helm => {
            let rendered = helm::template(
                root,
                &options.release_name,
                &options.default_namespace,
                options.tools.helm.as_deref(),
                options.limits(),
            )?;
            objects_of(rendered.into_iter().map(|r| (r.template, r.document)))
        }
    };
    scope::apply_default_namespace(&mut objects, &options.default_namespace, scopes);
    Ok(Render {
        kind,
        objects,
        errors,
    })
}

/// Objects of tool output, with the documents that are not objects as errors.
fn objects_of(
    documents: impl Iterator<Item = (PathBuf, parse::Document)>,
) -> (Vec<RenderedObject>, Vec<FileError>) {
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    for (path, document) in documents {
        for result in object::from_document(&path, document) {
            match result {
                Ok(object) => objects.push(object),
                Err(err) => errors.push(FileError {
                    path: path.clone(),
                    problem: Problem::Object(err),
                }),
            }
        }
    }
    (objects, errors)
}
