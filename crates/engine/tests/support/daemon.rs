//! `git daemon` serving a directory of repositories over git://.

use shipdeck_testkit::free_port;
use shipdeck_testkit::server::{Server, require};
use std::path::Path;
use std::process::Command;
use tempfile::TempDir;

pub struct GitDaemon {
    pub port: u16,
    _server: Server,
    _dir: TempDir,
}

impl GitDaemon {
    /// Serves every repository under `base` (`git://127.0.0.1:PORT/<name>.git`).
    pub fn start(base: &Path) -> Self {
        // `git-daemon` itself rather than `git daemon`: the `git` wrapper runs it as a child,
        // which killing the wrapper would leave running.
        let git = require("git", "git");
        let exec_path = std::process::Command::new(git)
            .arg("--exec-path")
            .output()
            .expect("running git --exec-path");
        let exec_path = String::from_utf8(exec_path.stdout).unwrap();
        let daemon = require(&format!("{}/git-daemon", exec_path.trim()), "git");
        let dir = TempDir::new().unwrap();
        let port = free_port();
        let mut cmd = Command::new(daemon);
        cmd.arg("--export-all")
            .arg(format!("--base-path={}", base.display()))
            .arg("--reuseaddr")
            .arg("--listen=127.0.0.1")
            .arg(format!("--port={port}"))
            .arg("--informative-errors")
            .arg(base);
        let server = Server::start("git daemon", cmd, port, &dir.path().join("daemon.log"));
        Self {
            port,
            _server: server,
            _dir: dir,
        }
    }

    pub fn url(&self, repo: &str) -> String {
        format!("git://127.0.0.1:{}/{repo}", self.port)
    }
}
