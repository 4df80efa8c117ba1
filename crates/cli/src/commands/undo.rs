//! `shipdeck undo APP DEPLOYMENT`: one Deployment of the application put back to its previous
//! ReplicaSet revision, as `kubectl rollout undo` does it, and recorded as a deployment of kind
//! undo answering the newest one. Git is never asked; the next sync puts Git's version back.

use super::application::{connect, find};
use super::deploy;
use crate::args::UndoArgs;
use crate::exit::Code;
use crate::output::printable;
use anyhow::{Result, bail};
use shipdeck_engine::Dirs;
use shipdeck_engine::deployments::{self, Context};

pub async fn run(args: UndoArgs, dirs: &Dirs) -> Result<Code> {
    let settings = super::settings(dirs)?;
    let app = find(&settings, &args.app, dirs)?;
    let (namespace, name) = target(&app.namespace, &args.deployment)?;
    let (cluster, client) = connect(&settings, app).await?;
    let local = dirs.deployments();
    let cx = Context {
        settings: &settings,
        app,
        cluster,
        client: &client,
        local_root: &local,
    };
    let history = deployments::history(&cx).await?;
    let job = deployments::undo_job(&cx, &history, namespace, name).await?;
    // The job's revision says which Deployment goes back to which ReplicaSet revision.
    let announce = vec![format!(
        "{}: {}{}",
        app.id,
        printable(&job.revision),
        job.answers
            .as_deref()
            .map(|a| format!(", answering {}", printable(a)))
            .unwrap_or_default()
    )];
    let done = deploy::run(&cx, job, args.rollout.timeout, &announce).await?;
    let heading = format!(
        "undo {} Deployment {}/{} → cluster {}",
        app.id,
        printable(namespace),
        printable(name),
        app.cluster
    );
    deploy::finish(&done, &heading, args.output.output)
}

/// The Deployment's namespace and name: `NAME` is in the application's namespace,
/// `NAMESPACE/NAME` names both.
fn target<'a>(app_namespace: &'a str, text: &'a str) -> Result<(&'a str, &'a str)> {
    let text = text.trim();
    let parts: Vec<&str> = text.split('/').collect();
    match parts[..] {
        [name] if !name.is_empty() => Ok((app_namespace, name)),
        [namespace, name] if !namespace.is_empty() && !name.is_empty() => Ok((namespace, name)),
        _ => bail!(
            "`{}` is not a Deployment: write NAME (in the application's namespace, {}) or \
             NAMESPACE/NAME",
            printable(text),
            printable(app_namespace)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::target;

    #[test]
    fn a_bare_name_is_in_the_applications_namespace() {
        assert_eq!(target("shop", "web").unwrap(), ("shop", "web"));
        assert_eq!(target("shop", " web ").unwrap(), ("shop", "web"));
        assert_eq!(target("shop", "edge/proxy").unwrap(), ("edge", "proxy"));
        for bad in [
            "",
            "/",
            "shop/",
            "/web",
            "apps/Deployment/shop/web",
            "a/b/c",
        ] {
            let err = target("shop", bad).unwrap_err().to_string();
            assert!(err.contains("NAMESPACE/NAME"), "{bad}: {err}");
        }
    }
}
