//! Finding the local control plane, and starting it once per test run when it is not up.

use kube::Client;
use kube::config::{KubeConfigOptions, Kubeconfig};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Set by `cargo xtask test` once it has started the cluster itself.
const KUBECONFIG_ENV: &str = "SHIPDECK_KUBECONFIG";

/// Path of the kubeconfig with the `shipdeck-*` contexts.
///
/// With `SHIPDECK_KUBECONFIG` set, that file is used as is. Otherwise the first call in this
/// process runs `cargo xtask cluster up` (a fast no-op when the cluster already runs) under a
/// file lock, so test binaries started in parallel never start it twice; later calls return at
/// once. Panics with xtask's output if the cluster cannot be started.
pub fn kubeconfig() -> PathBuf {
    static STARTED: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    STARTED
        .get_or_init(|| match std::env::var_os(KUBECONFIG_ENV) {
            Some(path) => Ok(PathBuf::from(path)),
            None => start_cluster(),
        })
        .clone()
        .unwrap_or_else(|err| panic!("the local control plane is not available: {err}"))
}

/// A client for one of the kubeconfig's contexts (see [`crate::contexts`]).
pub async fn client(context: &str) -> Client {
    let path = kubeconfig();
    let kubeconfig = Kubeconfig::read_from(&path)
        .unwrap_or_else(|err| panic!("reading kubeconfig {}: {err}", path.display()));
    let options = KubeConfigOptions {
        context: Some(context.to_string()),
        ..Default::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .unwrap_or_else(|err| panic!("context {context} in {}: {err}", path.display()));
    Client::try_from(config).unwrap_or_else(|err| panic!("client for context {context}: {err}"))
}

fn start_cluster() -> Result<PathBuf, String> {
    let cache = cache_dir();
    std::fs::create_dir_all(&cache).map_err(|e| format!("creating {}: {e}", cache.display()))?;
    // Outside `<cache>/cluster`, which `up` wipes: removing a held lock file would let a second
    // process lock a new file of the same name.
    let lock_path = cache.join("cluster.lock");
    let lock =
        std::fs::File::create(&lock_path).map_err(|e| format!("{}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("locking {}: {e}", lock_path.display()))?;

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(workspace_root())
        .args(["xtask", "cluster", "up"])
        .output()
        .map_err(|e| format!("running cargo xtask cluster up: {e}"))?;
    drop(lock);
    if !out.status.success() {
        return Err(format!(
            "`cargo xtask cluster up` failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(cache.join("cluster").join("kubeconfig"))
}

/// Same rule as xtask's `paths::cache_dir`: `$SHIPDECK_CACHE`, else `$XDG_CACHE_HOME/shipdeck`,
/// else `~/.cache/shipdeck`.
pub(crate) fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SHIPDECK_CACHE") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("shipdeck");
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/root"), PathBuf::from);
    home.join(".cache").join("shipdeck")
}

fn workspace_root() -> &'static Path {
    // crates/testkit -> workspace root
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .and_then(Path::parent)
        .expect("crates/testkit")
}
