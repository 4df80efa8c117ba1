//! A Git server on loopback that wants a password: a bare clone of a repository served by
//! shipdeck-testkit's lighttpd + `git http-backend` (the engine's tests use the same server).

use anyhow::{Result, bail};
use std::path::Path;
use std::process::Command;

/// A running server, stopped when dropped.
pub struct HttpGit {
    server: shipdeck_testkit::git_http::HttpGit,
}

impl HttpGit {
    /// Serves a bare clone of `repository` as `http://127.0.0.1:PORT/git/<name>.git` to
    /// `user` with `password` only. The clone goes to `dir`.
    pub fn serve(
        dir: &Path,
        repository: &Path,
        name: &str,
        user: &str,
        password: &str,
    ) -> Result<Self> {
        let root = dir.join("repos");
        let clone = Command::new("git")
            .args(["clone", "--quiet", "--bare"])
            .arg(repository)
            .arg(root.join(format!("{name}.git")))
            .status()?;
        if !clone.success() {
            bail!("git clone --bare {} failed", repository.display());
        }
        let server = shipdeck_testkit::git_http::HttpGit::start(&root, &[(user, password)]);
        Ok(Self { server })
    }

    pub fn url(&self, name: &str) -> String {
        self.server.url(&format!("{name}.git"))
    }
}
