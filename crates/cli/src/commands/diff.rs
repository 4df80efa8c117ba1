//! `shipdeck diff APP`: a configured application compared with its cluster, or, with
//! `--revision`, a preview of another branch, tag or commit of its repository (the application
//! is not changed).

use super::application::{compare, find};
use crate::args::DiffArgs;
use crate::exit::Code;
use anyhow::{Context, Result};
use shipdeck_engine::Dirs;
use shipdeck_engine::git::spelled;
use std::time::Duration;

pub async fn run(args: DiffArgs, dirs: &Dirs, git_timeout: Duration) -> Result<Code> {
    let settings = super::settings(dirs)?;
    let app = find(&settings, &args.app, dirs)?;
    let preview = match &args.revision {
        Some(rev) => Some(spelled::candidates(rev).context("--revision")?),
        None => None,
    };
    let previewing = preview.is_some();
    let compared = compare(&settings, app, preview, dirs, git_timeout).await?;
    let at = compared.tree.describe().unwrap_or_default();
    let heading = format!(
        "diff {}{} → cluster {}, namespace {}",
        app.id,
        if previewing {
            format!(", previewing {at}")
        } else {
            format!(" ({at})")
        },
        app.cluster,
        app.namespace
    );
    super::finish(&compared.report, &heading, &args.output)
}
