//! The few API calls xtask makes itself (health, one binding, the fake nodes), through the
//! `curl` CLI so xtask needs no HTTP or TLS crate.

use super::layout::Cluster;
use super::pki::{self, Pki};
use crate::step::describe;
use anyhow::{Context, Result, bail};
use std::process::{Command, Stdio};

/// True when `/readyz` answers `ok`. The health endpoints are public (RBAC's
/// `system:public-info-viewer`), so no credential is needed, but the CA is checked.
pub fn ready(cluster: &Cluster, ca: &std::path::Path) -> bool {
    Command::new("curl")
        .args(["-sf", "--max-time", "2", "--cacert"])
        .arg(ca)
        .arg(format!("{}/readyz", cluster.server()))
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|out| out.status.success() && out.stdout == b"ok")
}

/// True when etcd's `/health` reports healthy.
pub fn etcd_healthy(port: u16) -> bool {
    Command::new("curl")
        .args([
            "-sf",
            "--max-time",
            "2",
            &format!("http://127.0.0.1:{port}/health"),
        ])
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|out| {
            out.status.success()
                && String::from_utf8_lossy(&out.stdout).contains("\"health\":\"true\"")
        })
}

/// Creates an object (JSON) as the components' `system:masters` user; an existing one is fine.
pub fn create(cluster: &Cluster, pki: &Pki, collection_path: &str, json: &str) -> Result<()> {
    let (status, body) = call(cluster, pki, "POST", collection_path, Some(json))?;
    if status != 201 && status != 409 {
        bail!("POST {collection_path} answered {status}: {body}");
    }
    Ok(())
}

/// GETs a path as the components' user, returning the body of a 200.
pub fn get(cluster: &Cluster, pki: &Pki, path: &str) -> Result<String> {
    let (status, body) = call(cluster, pki, "GET", path, None)?;
    if status != 200 {
        bail!("GET {path} answered {status}: {body}");
    }
    Ok(body)
}

fn call(
    cluster: &Cluster,
    pki: &Pki,
    method: &str,
    path: &str,
    json: Option<&str>,
) -> Result<(u16, String)> {
    let mut cmd = Command::new("curl");
    cmd.args([
        "-sS",
        "--max-time",
        "10",
        "-X",
        method,
        "-w",
        "\n%{http_code}",
        "--cacert",
    ])
    .arg(&pki.ca_cert)
    .arg("--cert")
    .arg(&pki.components_cert)
    .arg("--key")
    .arg(&pki.components_key)
    .args(["-H", "Content-Type: application/json"]);
    if let Some(json) = json {
        cmd.args(["--data-binary", json]);
    }
    cmd.arg(format!("{}{path}", cluster.server()));
    let out = cmd
        .output()
        .with_context(|| format!("could not start {}", describe(&cmd)))?;
    if !out.status.success() {
        bail!(
            "{method} {path} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
    Ok((code.trim().parse().unwrap_or(0), body.to_string()))
}

/// Binds both admin users (token and certificate) to the built-in cluster-admin role.
pub fn bind_admins(cluster: &Cluster, pki: &Pki) -> Result<()> {
    create(
        cluster,
        pki,
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
        &admin_binding(),
    )
}

fn admin_binding() -> String {
    format!(
        r#"{{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding",
        "metadata":{{"name":"shipdeck-admins"}},
        "roleRef":{{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"}},
        "subjects":[{{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"{}"}},
        {{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"{}"}}]}}"#,
        pki::TOKEN_ADMIN_USER,
        pki::CERT_ADMIN_USER
    )
}
