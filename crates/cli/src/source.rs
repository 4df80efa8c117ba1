//! `--repo` and `--path`: the engine's checkout ([`shipdeck_engine::checkout`]), with the
//! command line's own names and advice in its messages. The command line keeps its own mirrors
//! (`<cache>/mirrors/cli/`), so it never races the window's poller on one repository.

use anyhow::{Result, anyhow};
use shipdeck_engine::checkout::{self, Remote, Tree};
use shipdeck_engine::git::CancelToken;
use std::path::Path;
use std::time::Duration;

pub use shipdeck_engine::checkout::without_userinfo;

/// The files of `dir` as they are on disk.
pub fn local(dir: &Path, path: &str) -> Result<Tree> {
    Tree::local(dir, path).map_err(|e| cli_error(e, true))
}

/// `remote` checked out into `scratch` within `deadline` (`--git-timeout`).
pub async fn checkout(remote: Remote, scratch: &Path, deadline: Duration) -> Result<Tree> {
    remote
        .checkout(scratch, &CancelToken::new(), deadline)
        .await
        .map_err(|e| cli_error(e, true))
}

/// The engine's checkout error in the command line's words: with `flags`, naming `--repo` and
/// `--path` (`plan`, which takes them); without, as is (`diff`, whose repository and path
/// come from the settings).
pub fn cli_error(e: checkout::Error, flags: bool) -> anyhow::Error {
    match e {
        checkout::Error::Repository(m) if flags => anyhow!("--repo {m}"),
        checkout::Error::Path(m) if flags => anyhow!("--path {m}"),
        checkout::Error::TooSlow { url, deadline } => anyhow!(
            "cloning or fetching {url} did not finish within {} (--git-timeout); the server \
             is slow or not answering, or another shipdeck run holds this repository's \
             cache. Try again, or give more time with --git-timeout",
            crate::args::show_duration(deadline)
        ),
        other => other.into(),
    }
}

/// Whether `--repo` names a Git URL rather than a directory on disk.
pub fn is_url(repo: &str) -> bool {
    if Path::new(repo).exists() {
        return false;
    }
    // `scheme://…`, or scp-like `[user@]host:path` (a colon before any slash).
    repo.contains("://")
        || repo
            .find(':')
            .is_some_and(|colon| !repo[..colon].contains('/') && colon > 1)
}
