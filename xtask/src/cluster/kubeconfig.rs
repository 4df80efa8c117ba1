//! Kubeconfig files: one for people, tests and the demo, and one per cluster for its
//! controller-manager, scheduler and KWOK. Credentials are referenced by absolute path, so the
//! files stay short and readable.

use super::layout::{self, CLUSTERS, Cluster};
use super::pki::{self, Pki};
use anyhow::Result;
use std::fmt::Write;
use std::path::Path;

/// Context-name suffix and user of each context written per cluster.
const CONTEXTS: [(&str, &str); 3] = [
    ("", pki::TOKEN_ADMIN_USER),
    ("-cert", pki::CERT_ADMIN_USER),
    ("-nobody", pki::NOBODY_USER),
];

/// Writes `<cluster>/kubeconfig`: contexts `shipdeck-{a,b}` (token admin), `shipdeck-{a,b}-cert`
/// (client-certificate admin) and `shipdeck-{a,b}-nobody` (no rights); current: `shipdeck-a`.
pub fn write_user_kubeconfig(pki: &Pki) -> Result<()> {
    let mut yaml = String::from("apiVersion: v1\nkind: Config\nclusters:\n");
    for cluster in CLUSTERS {
        write_cluster(&mut yaml, &cluster, &pki.ca_cert);
    }
    yaml.push_str("contexts:\n");
    for cluster in CLUSTERS {
        for (suffix, user) in CONTEXTS {
            let name = format!("{}{suffix}", cluster.context);
            writeln!(
                yaml,
                "- name: {name}\n  context:\n    cluster: {}\n    user: {user}",
                cluster.context
            )?;
        }
    }
    writeln!(yaml, "current-context: {}", CLUSTERS[0].context)?;
    yaml.push_str("users:\n");
    writeln!(
        yaml,
        "- name: {}\n  user:\n    token: {}",
        pki::TOKEN_ADMIN_USER,
        pki.admin_token
    )?;
    write_cert_user(
        &mut yaml,
        pki::CERT_ADMIN_USER,
        &pki.admin_cert,
        &pki.admin_key,
    );
    writeln!(
        yaml,
        "- name: {}\n  user:\n    token: {}",
        pki::NOBODY_USER,
        pki.nobody_token
    )?;
    write_private(&layout::kubeconfig(), &yaml)
}

/// Writes the kubeconfig the cluster's own components use (the `system:masters` certificate).
pub fn write_components_kubeconfig(cluster: &Cluster, pki: &Pki) -> Result<()> {
    let mut yaml = String::from("apiVersion: v1\nkind: Config\nclusters:\n");
    write_cluster(&mut yaml, cluster, &pki.ca_cert);
    writeln!(
        yaml,
        "contexts:\n- name: components\n  context:\n    cluster: {}\n    user: components\n\
         current-context: components\nusers:",
        cluster.context
    )?;
    write_cert_user(
        &mut yaml,
        "components",
        &pki.components_cert,
        &pki.components_key,
    );
    write_private(&cluster.components_kubeconfig(), &yaml)
}

fn write_cluster(yaml: &mut String, cluster: &Cluster, ca: &Path) {
    let _ = writeln!(
        yaml,
        "- name: {}\n  cluster:\n    server: {}\n    certificate-authority: {}",
        cluster.context,
        cluster.server(),
        ca.display()
    );
}

fn write_cert_user(yaml: &mut String, name: &str, cert: &Path, key: &Path) {
    let _ = writeln!(
        yaml,
        "- name: {name}\n  user:\n    client-certificate: {}\n    client-key: {}",
        cert.display(),
        key.display()
    );
}

/// Kubeconfigs hold credentials: readable by the owner only.
fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(())
}
