//! The demo's applications in the local clusters, so Shipdeck opens on something to review:
//! each demo application applied the way a sync applies it (server-side apply with the field
//! manager `shipdeck` and the tracking annotation), then one of them edited by hand, as a
//! colleague would with kubectl (scaled, and given an environment variable).
//!
//! Run at every `cargo xtask demo`: applying again takes the fields back, so the demo always
//! starts from the same drift.

use crate::demo_settings::APPLICATIONS;
use crate::step::run;
use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;

/// The application edited by hand, its namespace and its Deployment.
const EDITED: (&str, &str, &str) = ("storefront", "shop", "storefront");

pub fn ensure(workspace: &Path, kubeconfig: &Path, kubectl: &Path) -> Result<()> {
    let kubectl_in = |context: &str| {
        let mut cmd = Command::new(kubectl);
        cmd.arg("--kubeconfig")
            .arg(kubeconfig)
            .args(["--context", context]);
        cmd
    };
    let scratch = crate::paths::cache_dir().join("demo-applied");
    std::fs::create_dir_all(&scratch)?;
    for (app, context, namespace) in APPLICATIONS {
        let dir = workspace.join("apps").join(app);
        let mut manifests =
            format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {namespace}\n");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file)?;
            for document in text.split("\n---").filter(|d| !d.trim().is_empty()) {
                manifests.push_str("---\n");
                manifests.push_str(&with_tracking(document, app, namespace));
                manifests.push('\n');
            }
        }
        let path = scratch.join(format!("{app}.yaml"));
        std::fs::write(&path, manifests)?;
        run(kubectl_in(context)
            .args([
                "apply",
                "--server-side",
                "--force-conflicts",
                "--field-manager=shipdeck",
                "-f",
            ])
            .arg(&path)
            .stdout(std::process::Stdio::null()))?;
        println!("    applied {app} to {context}/{namespace}");
    }
    let (app, namespace, deployment) = EDITED;
    let context = APPLICATIONS
        .iter()
        .find(|(a, _, _)| *a == app)
        .map(|(_, c, _)| *c)
        .context("the edited demo application is not in the demo settings")?;
    let target = format!("deployment/{deployment}");
    run(kubectl_in(context)
        .args(["-n", namespace, "scale", &target, "--replicas=6"])
        .stdout(std::process::Stdio::null()))?;
    run(kubectl_in(context)
        .args(["-n", namespace, "set", "env", &target, "DEBUG=true"])
        .stdout(std::process::Stdio::null()))?;
    println!("    edited {app} by hand: scaled to 6, DEBUG=true");
    Ok(())
}

/// `document` (one object as the demo repository writes it: `metadata:` with two-space
/// fields, no annotations) with Shipdeck's tracking annotation for application `app`.
fn with_tracking(document: &str, app: &str, default_namespace: &str) -> String {
    let field = |indent: &str, key: &str| {
        document
            .lines()
            .find_map(|l| l.strip_prefix(indent)?.strip_prefix(key)?.strip_prefix(':'))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let api_version = field("", "apiVersion");
    let group = api_version
        .rsplit_once('/')
        .map_or("", |(g, _)| g)
        .to_string();
    let (kind, name) = (field("", "kind"), field("  ", "name"));
    let namespace = match field("  ", "namespace") {
        ns if ns.is_empty() => default_namespace.to_string(),
        ns => ns,
    };
    let tracking = format!("{app}:{group}/{kind}:{namespace}/{name}");
    document.replacen(
        "\nmetadata:\n",
        &format!("\nmetadata:\n  annotations:\n    shipdeck.dev/tracking-id: \"{tracking}\"\n"),
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tracking_annotation_names_the_application_and_the_object() {
        let doc = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 1\n";
        let out = with_tracking(doc, "storefront", "default");
        assert!(
            out.contains("  annotations:\n    shipdeck.dev/tracking-id: \"storefront:apps/Deployment:shop/web\"\n  name: web"),
            "{out}"
        );
        let core = with_tracking(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
            "a",
            "ns",
        );
        assert!(core.contains("\"a:/Service:ns/web\""), "{core}");
    }
}
