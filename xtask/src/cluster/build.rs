//! Builds the control-plane binaries and kubectl from the Go wrapper modules in `k8s/` and caches
//! them outside the clone, in `<cache>/k8s/<key>/bin`.
//!
//! The key names every pinned version and hashes the wrapper modules' files and the build flags,
//! so editing a go.mod or bumping a version builds into a new folder and a stale binary is never
//! used. Go's own module and build caches (default locations, outside the clone) make a rebuild
//! after a key change mostly a link step.
//!
//! The list of commands is deliberately not part of the key: [`ensure`] builds each binary that
//! is missing from the folder, so a command added without touching the wrapper files is built
//! into the existing folder on its own and the other binaries (and a running control plane that
//! uses them) stay as they are.

use crate::paths;
use crate::step::{run, step};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const KUBERNETES_VERSION: &str = "v1.34.2";
pub const ETCD_VERSION: &str = "v3.6.16";
pub const KWOK_VERSION: &str = "v0.7.0";
/// Release date of k8s.io/kubernetes v1.34.2 (from the Go module proxy's `.info`), so the
/// binaries report the same build date on every machine.
const KUBERNETES_BUILD_DATE: &str = "2025-11-11T19:00:37Z";

/// The Kubernetes commands built from `k8s/kube`: the three control-plane components, and the
/// kubectl handed to the tests (`SHIPDECK_KUBECTL`).
const KUBE_COMMANDS: [&str; 4] = [
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kubectl",
];

/// Files whose content decides what gets built; any change gives a new cache key.
const WRAPPER_FILES: [&str; 6] = [
    "k8s/kube/go.mod",
    "k8s/kube/go.sum",
    "k8s/kube/tools.go",
    "k8s/etcd/go.mod",
    "k8s/etcd/go.sum",
    "k8s/etcd/tools.go",
];

/// Paths of the built binaries.
#[derive(Clone, Debug)]
pub struct Binaries {
    pub dir: PathBuf,
}

impl Binaries {
    pub fn get(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The pinned kubectl (same version and version flags as the control plane).
    pub fn kubectl(&self) -> PathBuf {
        self.get("kubectl")
    }
}

/// `-ldflags` making the binaries report their real version (without them the server says
/// `v0.0.0-master+$Format:%H$`, which kubectl and client libraries cannot parse).
fn kube_ldflags() -> String {
    let minor = KUBERNETES_VERSION.split('.').nth(1).unwrap_or("0");
    let var = |name: &str, value: &str| format!("-X k8s.io/component-base/version.{name}={value}");
    [
        "-s -w".to_string(),
        var("gitVersion", KUBERNETES_VERSION),
        var("gitMajor", "1"),
        var("gitMinor", minor),
        var("gitCommit", &format!("shipdeck-{KUBERNETES_VERSION}")),
        var("gitTreeState", "clean"),
        var("buildDate", KUBERNETES_BUILD_DATE),
    ]
    .join(" ")
}

/// `<cache>/k8s/<key>`: versions plus a hash of the wrapper files and the flags.
pub fn cache_key() -> Result<String> {
    let mut hash = Fnv64::new();
    for file in WRAPPER_FILES {
        let path = paths::workspace_root().join(file);
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        hash.write(file.as_bytes());
        hash.write(&bytes);
    }
    hash.write(kube_ldflags().as_bytes());
    Ok(format!(
        "k8s-{KUBERNETES_VERSION}_etcd-{ETCD_VERSION}_kwok-{KWOK_VERSION}_{:016x}",
        hash.finish()
    ))
}

/// Root of every cached build; `down` also looks here for stray processes.
pub fn builds_root() -> PathBuf {
    paths::cache_dir().join("k8s")
}

/// `<cache>/k8s/<key>/bin` for the current key; the binaries in it may not be built yet.
pub fn bin_dir() -> Result<PathBuf> {
    Ok(builds_root().join(cache_key()?).join("bin"))
}

/// Builds whatever binary is missing for the current key; a no-op when all exist.
pub fn ensure() -> Result<Binaries> {
    let bin = bin_dir()?;
    std::fs::create_dir_all(&bin)?;
    let root = paths::workspace_root();

    let etcd = bin.join("etcd");
    if !etcd.exists() {
        step(&format!("build etcd {ETCD_VERSION}"), || {
            go_build(
                &root.join("k8s/etcd"),
                "go.etcd.io/etcd/server/v3",
                "",
                &etcd,
            )
        })?;
    }
    for name in KUBE_COMMANDS {
        let out = bin.join(name);
        if !out.exists() {
            step(&format!("build {name} {KUBERNETES_VERSION}"), || {
                let pkg = format!("k8s.io/kubernetes/cmd/{name}");
                go_build(&root.join("k8s/kube"), &pkg, &kube_ldflags(), &out)
            })?;
        }
    }
    let kwok = bin.join("kwok");
    if !kwok.exists() {
        step(&format!("install kwok {KWOK_VERSION}"), || {
            // `go install pkg@version` builds outside any module; GOBIN puts it in the cache.
            let staging = bin.join(".kwok-install");
            std::fs::create_dir_all(&staging)?;
            run(go().env("GOBIN", &staging).args([
                "install",
                &format!("sigs.k8s.io/kwok/cmd/kwok@{KWOK_VERSION}"),
            ]))?;
            std::fs::rename(staging.join("kwok"), &kwok)?;
            Ok(std::fs::remove_dir(&staging)?)
        })?;
    }
    Ok(Binaries { dir: bin })
}

/// `go build` into a temporary name, renamed when done, so an interrupted build never leaves
/// a half-written binary that a later run would take as built.
fn go_build(module: &Path, package: &str, ldflags: &str, out: &Path) -> Result<()> {
    let tmp = out.with_extension("partial");
    run(go()
        .current_dir(module)
        .args([
            "build",
            "-trimpath",
            "-buildvcs=false",
            "-ldflags",
            ldflags,
            "-o",
        ])
        .arg(&tmp)
        .arg(package))?;
    std::fs::rename(&tmp, out)?;
    Ok(())
}

fn go() -> Command {
    let mut cmd = Command::new("go");
    // Static binaries: no C toolchain needed, and they run on any Linux of this family.
    cmd.env("CGO_ENABLED", "0");
    cmd
}

/// FNV-1a: a tiny hash that is stable across Rust releases (std's `DefaultHasher` is not
/// guaranteed to be), good enough to tell file contents apart in a cache key.
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
