//! `shipdeck rollback APP [--to DEPLOYMENT]`: the manifests an earlier deployment recorded in
//! the cluster applied again. Git is never asked, so it works while the repository is down
//! (or was the cause), from any desk with access to the cluster.

use super::application::Records;
use super::deploy;
use crate::args::RollbackArgs;
use crate::exit::Code;
use crate::output::printable;
use anyhow::Result;
use shipdeck_engine::Dirs;
use shipdeck_engine::deployments;
use shipdeck_engine::records;

pub async fn run(args: RollbackArgs, dirs: &Dirs) -> Result<Code> {
    let records = Records::open(dirs, &args.app).await?;
    let (cx, app) = (records.context(), records.app());
    let history = deployments::history(&cx).await?;
    let to = args.to.as_deref().map(|to| deployment_id(&app.id, to));
    let job = deployments::rollback_job(&cx, &history, to.as_deref()).await?;
    let mut announce = vec![format!(
        "rolling {} back to {} (revision {}){}",
        app.id,
        printable(job.restores.as_deref().unwrap_or_default()),
        printable(&job.revision.chars().take(10).collect::<String>()),
        job.answers
            .as_deref()
            .map(|a| format!(", answering {}", printable(a)))
            .unwrap_or_default()
    )];
    // What the record will say about Secrets left out is also said up front.
    announce.extend(job.notes.iter().map(|n| crate::one_line(n)));
    let done = deploy::run(&cx, job, args.rollout.timeout, &announce).await?;
    let heading = format!(
        "rollback {} → cluster {}, namespace {}",
        app.id, app.cluster, app.namespace
    );
    deploy::finish(&done, &heading, args.output.output)
}

/// `--to 12` is deployment 12 of the application; anything else is taken as an id.
pub(super) fn deployment_id(app: &str, to: &str) -> String {
    match to.trim().parse::<u64>() {
        Ok(seq) => records::id(app, seq),
        Err(_) => to.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::deployment_id;

    #[test]
    fn a_bare_number_is_a_deployment_of_the_application() {
        assert_eq!(deployment_id("web", "12"), "web.12");
        assert_eq!(deployment_id("web", " web.12 "), "web.12");
        assert_eq!(deployment_id("web", "api.3"), "api.3");
    }
}
