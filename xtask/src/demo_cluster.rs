//! The demo's applications in the local clusters, so Shipdeck opens on something to review:
//! each demo application deployed by `shipdeck sync`, as a release manager would, so each has
//! a deployment record in its cluster to roll back to. The broken application
//! ([`demo_repo::BROKEN_APP`]) is deployed at the commit before its broken release, so the
//! window shows that release waiting to be synced. Then one application is edited by hand, as
//! a colleague would with kubectl (scaled, and given an environment variable).
//!
//! Run at every `cargo xtask demo`: deploying again (taking the fields back) makes the demo
//! start from the same drift.

use crate::demo_repo;
use crate::demo_settings::{self, APPLICATIONS};
use crate::step::run;
use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;

/// The application edited by hand, its namespace and its Deployment.
const EDITED: (&str, &str, &str) = ("storefront", "shop", "storefront");

pub fn ensure(workspace: &Path, kubeconfig: &Path, kubectl: &Path, shipdeck: &Path) -> Result<()> {
    let kubectl_in = |context: &str| {
        let mut cmd = Command::new(kubectl);
        cmd.arg("--kubeconfig")
            .arg(kubeconfig)
            .args(["--context", context]);
        cmd
    };
    let scratch = crate::paths::cache_dir().join("demo-applied");
    std::fs::create_dir_all(&scratch)?;
    // Settings of a desk that deploys the broken application at the commit before.
    let before = git_output(workspace, &["rev-parse", "HEAD~1"])?;
    let home = crate::paths::cache_dir().join("demo-deployer");
    demo_settings::write(
        &home.join("config"),
        &demo_settings::render(
            workspace,
            kubeconfig,
            Some((demo_repo::BROKEN_APP, before.as_str())),
        ),
    )?;
    for (app, context, namespace) in APPLICATIONS {
        // Namespaces are the platform's, not the applications': made here, not synced.
        let path = scratch.join(format!("{namespace}.yaml"));
        std::fs::write(
            &path,
            format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {namespace}\n"),
        )?;
        run(kubectl_in(context)
            .args(["apply", "--server-side", "-f"])
            .arg(&path)
            .stdout(std::process::Stdio::null()))?;
        run(Command::new(shipdeck)
            // Takes back the fields the hand edit below took in an earlier demo.
            .args(["sync", app, "--force", "--timeout", "120s"])
            .env("KUBECONFIG", kubeconfig)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .stdout(std::process::Stdio::null()))
        .with_context(|| format!("deploying the demo application {app}"))?;
        println!("    deployed {app} to {context}/{namespace} with `shipdeck sync`");
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

fn git_output(repo: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()?;
    anyhow::ensure!(out.status.success(), "git {args:?} failed");
    Ok(String::from_utf8(out.stdout)?.trim().to_string())
}
