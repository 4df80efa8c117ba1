//! `shipdeck plan`: manifests that are not configured as an application, compared with the
//! cluster of a kubeconfig context. What a pull-request workflow runs.

use crate::args::PlanArgs;
use crate::cluster;
use crate::exit::Code;
use crate::source::{self, is_url, without_userinfo};
use anyhow::{Context, Result};
use shipdeck_engine::Dirs;
use shipdeck_engine::checkout::Remote;
use shipdeck_engine::checkout::render::render;
use shipdeck_engine::credentials::Keyring;
use shipdeck_engine::drift::plan::plan;
use shipdeck_engine::drift::policy::Policy;
use shipdeck_engine::git::spelled;
use shipdeck_engine::git::{self, RepoUrl, Transport};
use shipdeck_engine::manifests::{HelmOptions, Tools};
use shipdeck_engine::settings::Settings;
use shipdeck_engine::sources;
use std::path::Path;
use std::time::Duration;

pub async fn run(args: PlanArgs, dirs: &Dirs, git_timeout: Duration) -> Result<Code> {
    let settings = super::settings_if_usable(dirs);
    // The context first: a typo fails at once, before a clone.
    let (target, context_namespace) =
        cluster::for_context(&args.context, args.kubeconfig.clone(), &settings)?;
    let namespace = args
        .namespace
        .clone()
        .or(context_namespace)
        .unwrap_or_else(|| "default".into());
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| default_name(&args.path, &args.repo));
    let scratch = dirs.scratch();
    let tree = if is_url(&args.repo) || args.revision.is_some() {
        source::checkout(remote(&args, &settings, dirs)?, &scratch, git_timeout).await?
    } else {
        source::local(Path::new(&args.repo), &args.path)?
    };
    let rendered = render(
        &tree,
        &args.path,
        &namespace,
        &name,
        HelmOptions::default(),
        Tools::from_env(),
        &scratch,
    )
    .await
    .map_err(anyhow::Error::msg)?;
    rendered
        .require_objects(&format!("--path {}", args.path))
        .map_err(anyhow::Error::msg)?;
    let client = cluster::connect(&target).await?;
    let mut report = plan(&client, &name, &rendered.objects, &Policy::default()).await;
    rendered.mark_incomplete(&mut report);
    let at = tree
        .describe()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let heading = format!(
        "plan {}{at} → context {}, namespace {namespace}",
        args.path, args.context
    );
    super::finish(&report, &heading, &args.output)
}

/// The Git repository `--repo` names (a URL, or a local repository when `--revision` is
/// given), with the authentication of a configured repository at the same URL, if any.
fn remote(args: &PlanArgs, settings: &Settings, dirs: &Dirs) -> Result<Remote> {
    let url = if is_url(&args.repo) {
        args.repo.clone()
    } else {
        // A local repository: the engine wants an absolute path.
        Path::new(&args.repo)
            .canonicalize()
            .with_context(|| format!("--repo {}: no such directory", without_userinfo(&args.repo)))?
            .display()
            .to_string()
    };
    let auth = match settings.repositories.iter().find(|r| r.url == url) {
        Some(repo) => {
            let secret = sources::stored_secret(repo, &Keyring::from_env())?;
            sources::auth(repo, secret)?
        }
        None => match RepoUrl::parse(&url)
            .with_context(|| format!("--repo {}", without_userinfo(&url)))?
            .transport()
        {
            Transport::Ssh => git::Auth::SshAgent,
            _ => git::Auth::None,
        },
    };
    let revisions = match &args.revision {
        Some(rev) => spelled::candidates(rev).context("--revision")?,
        None => spelled::default_branches(),
    };
    Ok(Remote {
        url,
        auth,
        revisions,
        path: args.path.clone(),
        mirrors: dirs.mirrors().join("cli").join("plan"),
    })
}

/// The last component of the path, else of the repository (without `.git`).
fn default_name(path: &str, repo: &str) -> String {
    let last = |s: &str| {
        s.trim_end_matches('/')
            .rsplit(['/', ':'])
            .find(|c| !c.is_empty() && *c != ".")
            .map(|c| c.trim_end_matches(".git").to_string())
    };
    last(path)
        .or_else(|| last(repo))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "app".into())
}

#[cfg(test)]
mod tests {
    use super::default_name;

    #[test]
    fn the_name_is_the_last_component_of_the_path_else_of_the_repository() {
        assert_eq!(default_name("apps/web", "/src/repo"), "web");
        assert_eq!(default_name("apps/web/", "/src/repo"), "web");
        assert_eq!(
            default_name(".", "https://git.example/org/shop.git"),
            "shop"
        );
        assert_eq!(default_name("", "git@host:org/shop.git"), "shop");
        assert_eq!(default_name("", "/"), "app");
    }
}
