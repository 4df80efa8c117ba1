//! `shipdeck deployments APP`: the application's deployments, newest first, from the
//! cluster's records (what every desk sees) and this desk's own. No Git.

use super::application::{connect, find};
use crate::args::DeploymentsArgs;
use crate::exit::Code;
use crate::output::history;
use anyhow::Result;
use shipdeck_engine::Dirs;
use shipdeck_engine::deployments::{self, Context};

pub async fn run(args: DeploymentsArgs, dirs: &Dirs) -> Result<Code> {
    let settings = super::settings(dirs)?;
    let app = find(&settings, &args.app, dirs)?;
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
    let heading = format!("deployments of {} → cluster {}", app.id, app.cluster);
    history::print(&history, &heading, args.output.output)?;
    Ok(Code::SYNCED)
}
