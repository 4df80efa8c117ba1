//! Rendering an application's manifests into the objects it declares.
//!
//! A render reads the whole repository tree at a commit (see [`tree`]) and renders the
//! application's path inside it, so Kustomize bases and Helm `file://` dependencies elsewhere in
//! the repository are found, as in Argo CD and Flux. Nothing outside the tree is read, and
//! nothing is fetched: rendering needs no network.
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
//! - Rendering is async: tools run as `tokio` child processes (see [`process`]), file reads on
//!   the blocking pool. Dropping the future stops the tools it started.

mod directory;
mod helm;
mod kustomize;
mod object;
mod parse;
mod process;
pub mod scope;
mod tool;
mod tree;

pub use directory::{FileError, Problem};
pub use helm::Error as HelmError;
pub use kustomize::Error as KustomizeError;
pub use object::Error as ObjectError;
pub use object::{At, ObjectId, RenderedObject, Source};
pub use parse::Error as ParseError;
pub use process::Error as ToolError;
pub use scope::{BuiltinScopes, ScopeLookup};
pub use tool::{Tools, find_on_path};

use std::path::{Path, PathBuf};
use std::time::Duration;

/// How to render one application.
#[derive(Debug, Clone)]
pub struct Options {
    /// Given to namespaced objects that have none, and to Helm as `--namespace`.
    pub default_namespace: String,
    /// Helm's release name unless [`HelmOptions::release_name`] sets one (Argo CD uses the
    /// application's name; Shipdeck its id).
    pub release_name: String,
    pub helm: HelmOptions,
    pub tools: Tools,
    /// Larger manifest files are refused before they are read.
    pub max_file_bytes: u64,
    /// Larger output from kustomize or helm stops the tool.
    pub max_output_bytes: u64,
    /// How long kustomize or helm may run.
    pub timeout: Duration,
    /// Where the tools' homes and chart copies are made (Shipdeck's own scratch directory);
    /// `None` uses the system's temporary directory.
    pub scratch: Option<PathBuf>,
}

impl Options {
    /// 10 MiB per file: real manifests, CRD bundles included, stay well below it, and it keeps a
    /// stray data file from eating memory.
    pub const DEFAULT_MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
    /// A whole application's output: larger than any one file may be.
    pub const DEFAULT_MAX_OUTPUT_BYTES: u64 = 64 * 1024 * 1024;
    /// Argo CD's default exec timeout. Nothing is fetched, so a render that takes this long is
    /// stuck, not slow.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(90);

    /// Tools are looked up on `PATH` (see [`Options::tools`] and [`Tools::from_env`]).
    pub fn new(default_namespace: impl Into<String>, release_name: impl Into<String>) -> Self {
        Self {
            default_namespace: default_namespace.into(),
            release_name: release_name.into(),
            helm: HelmOptions::default(),
            tools: Tools::default(),
            max_file_bytes: Self::DEFAULT_MAX_FILE_BYTES,
            max_output_bytes: Self::DEFAULT_MAX_OUTPUT_BYTES,
            timeout: Self::DEFAULT_TIMEOUT,
            scratch: None,
        }
    }

    #[must_use]
    pub fn scratch(mut self, dir: impl Into<PathBuf>) -> Self {
        self.scratch = Some(dir.into());
        self
    }

    /// A fresh directory for one tool run, removed when dropped.
    fn scratch_dir(&self) -> std::io::Result<tempfile::TempDir> {
        match &self.scratch {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                tempfile::tempdir_in(dir)
            }
            None => tempfile::tempdir(),
        }
    }

    #[must_use]
    pub fn helm(mut self, helm: HelmOptions) -> Self {
        self.helm = helm;
        self
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

    fn limits(&self) -> process::Limits {
        process::Limits {
            timeout: self.timeout,
            max_output_bytes: self.max_output_bytes,
        }
    }

    /// The release name Helm renders with.
    fn helm_release(&self) -> &str {
        self.helm
            .release_name
            .as_deref()
            .unwrap_or(&self.release_name)
    }
}

/// How a Helm chart is rendered, per application. Used only when the path is a chart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelmOptions {
    /// Values files relative to the repository's root (not the chart), given to Helm in order
    /// with `-f`. Each must exist in the repository at the rendered commit.
    pub values_files: Vec<String>,
    /// Inline values (YAML), applied after the files, so they win.
    pub values: Option<String>,
    /// Overrides [`Options::release_name`].
    pub release_name: Option<String>,
}

impl HelmOptions {
    #[must_use]
    pub fn values_file(mut self, path: impl Into<String>) -> Self {
        self.values_files.push(path.into());
        self
    }

    #[must_use]
    pub fn values(mut self, yaml: impl Into<String>) -> Self {
        self.values = Some(yaml.into());
        self
    }

    #[must_use]
    pub fn release_name(mut self, name: impl Into<String>) -> Self {
        self.release_name = Some(name.into());
        self
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
    #[error("the repository tree {} cannot be read: {source}", path.display())]
    Tree {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the application's path `{path}` leaves the repository; give it relative to the repository's root, without `..` or a leading `/`"
    )]
    PathOutsideRepository { path: String },
    #[error("the application's path {} does not exist at this commit; check the path in the application's settings", path.display())]
    RootMissing { path: PathBuf },
    #[error("the application's path {} is not a directory; point it at the directory holding the manifests", path.display())]
    RootNotADirectory { path: PathBuf },
    #[error(transparent)]
    Kustomize(#[from] kustomize::Error),
    #[error(transparent)]
    Helm(#[from] helm::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Renders the application at `app_path` (relative to `tree_root`, `/`-separated; empty or `.`
/// for the root) with the built-in table of cluster-scoped kinds. `tree_root` holds the whole
/// repository at the rendered commit.
pub async fn render(tree_root: &Path, app_path: &str, options: &Options) -> Result<Render> {
    render_with(tree_root, app_path, options, &BuiltinScopes).await
}

/// [`render`], asking `scopes` which kinds are namespaced (pass one backed by the cluster's
/// discovery when a cluster is at hand).
pub async fn render_with(
    tree_root: &Path,
    app_path: &str,
    options: &Options,
    scopes: &(dyn ScopeLookup + Sync),
) -> Result<Render> {
    let tree = tree::Tree::open(tree_root).map_err(|source| Error::Tree {
        path: tree_root.to_path_buf(),
        source,
    })?;
    let root = match tree.resolve(app_path) {
        Ok(root) => root,
        Err(tree::Refused::Outside) => {
            return Err(Error::PathOutsideRepository {
                path: app_path.to_string(),
            });
        }
        Err(tree::Refused::Missing) => {
            return Err(Error::RootMissing {
                path: PathBuf::from(app_path),
            });
        }
    };
    if !root.is_dir() {
        return Err(Error::RootNotADirectory {
            path: PathBuf::from(app_path),
        });
    }
    let kind = SourceKind::detect(&root);
    let (mut objects, errors) = match &kind {
        SourceKind::Directory => {
            let max = options.max_file_bytes;
            blocking(move || directory::render(&root, max)).await
        }
        SourceKind::Kustomize { file } => {
            let documents = kustomize::build(&tree, &root, options).await?;
            objects_of(documents.into_iter().map(|d| (PathBuf::from(file), d)))
        }
        SourceKind::Helm => {
            let rendered = helm::template(&tree, &root, options).await?;
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

/// Runs file IO on the blocking pool. A panic in `f` is the caller's panic.
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(f).await {
        Ok(value) => value,
        Err(err) => match err.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            // Only a runtime shutting down cancels blocking work, and it drops the caller too.
            Err(_) => panic!("the runtime shut down during a render"),
        },
    }
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
