//! Helm, pinned, installed from the Go module proxy: the engine renders Helm charts with
//! `helm template`, and its tests need the binary.

use anyhow::Result;
use std::path::PathBuf;

/// helm.sh/helm/v3. v3.22.0 builds with Go >= 1.26.
pub const VERSION: &str = "3.22.0";

/// Path of the pinned helm, installed unless this exact version is in the cache
/// (`<cache>/tools/helm-<version>/bin/helm`). Cold: about three minutes on two cores.
pub fn ensure() -> Result<PathBuf> {
    crate::kustomize::go_install("helm", "helm.sh/helm/v3/cmd/helm", VERSION, "helm")
}
