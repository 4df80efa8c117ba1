//! `shipdeck deployments APP`: the application's deployments, newest first, from the
//! cluster's records (what every desk sees) and this desk's own. No Git.

use super::application::Records;
use crate::args::DeploymentsArgs;
use crate::exit::Code;
use crate::output::history;
use anyhow::Result;
use shipdeck_engine::Dirs;
use shipdeck_engine::deployments;

pub async fn run(args: DeploymentsArgs, dirs: &Dirs) -> Result<Code> {
    let records = Records::open(dirs, &args.app).await?;
    let (cx, app) = (records.context(), records.app());
    let history = deployments::history(&cx).await?;
    let heading = format!("deployments of {} → cluster {}", app.id, app.cluster);
    history::print(&history, &heading, args.output.output)?;
    Ok(Code::SYNCED)
}
