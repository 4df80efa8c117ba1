//! Kubeconfigs for the app, derived from the local control plane's (`SHIPDECK_KUBECONFIG`,
//! written by `cargo xtask cluster up`: `server:` and `certificate-authority:` per cluster,
//! one `token:` per token user).

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The local control plane's kubeconfig.
pub fn local_kubeconfig() -> Result<PathBuf> {
    crate::env_path("SHIPDECK_KUBECONFIG")
}

/// The admin token of the local control plane (the `shipdeck-a` context's user).
pub fn admin_token() -> Result<String> {
    let text = std::fs::read_to_string(local_kubeconfig()?)?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("token: "))
        .map(|t| t.trim_matches('"').to_string())
        .context("the local kubeconfig has no token user")
}

/// Writes `path`: one context, `context`, on the local cluster `cluster` (e.g. `shipdeck-a`)
/// with its server and CA, and a user that holds no credential at all. Whatever the app
/// authenticates with on it, it took from somewhere else (the keyring).
pub fn write_without_credentials(path: &Path, cluster: &str, context: &str) -> Result<()> {
    let text = std::fs::read_to_string(local_kubeconfig()?)?;
    let (server, ca) = cluster_entry(&text, cluster)
        .with_context(|| format!("no cluster '{cluster}' in the local kubeconfig"))?;
    let yaml = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n\
         - name: {cluster}\n  cluster:\n    server: {server}\n    certificate-authority: {ca}\n\
         contexts:\n- name: {context}\n  context:\n    cluster: {cluster}\n    user: nobody-yet\n\
         current-context: {context}\n\
         users:\n- name: nobody-yet\n  user: {{}}\n"
    );
    std::fs::write(path, yaml)?;
    Ok(())
}

/// `(server, certificate-authority)` of the cluster entry named `name`.
fn cluster_entry(text: &str, name: &str) -> Option<(String, String)> {
    let mut lines = text
        .lines()
        .skip_while(|l| l.trim() != format!("- name: {name}"))
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with("- "));
    let mut server = None;
    let mut ca = None;
    for line in lines.by_ref() {
        let line = line.trim();
        if let Some(v) = line.strip_prefix("server: ") {
            server = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix("certificate-authority: ") {
            ca = Some(v.to_string());
        }
    }
    Some((server?, ca?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_cluster_entry_is_found_by_name() {
        let text = "clusters:\n- name: shipdeck-a\n  cluster:\n    server: https://127.0.0.1:1\n    \
                    certificate-authority: /a/ca.crt\n- name: shipdeck-b\n  cluster:\n    \
                    server: https://127.0.0.1:2\n    certificate-authority: /b/ca.crt\ncontexts:\n";
        assert_eq!(
            super::cluster_entry(text, "shipdeck-b"),
            Some(("https://127.0.0.1:2".into(), "/b/ca.crt".into()))
        );
        assert_eq!(super::cluster_entry(text, "shipdeck-c"), None);
    }
}
