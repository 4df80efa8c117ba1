//! `git http-backend` as CGI behind lighttpd with basic auth.
//!
//! lighttpd rather than a CGI bridge written for the tests: it is the setup the git manual
//! documents, it handles chunked request bodies and CGI headers the way production servers do,
//! and it adds no Rust dependency.

use crate::free_port;
use crate::server::{Server, require};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use tempfile::TempDir;

pub const HTTP_BACKEND: &str = "/usr/lib/git-core/git-http-backend";

pub struct HttpGit {
    pub port: u16,
    server: Server,
    dir: TempDir,
}

impl HttpGit {
    /// Serves every repository under `project_root` at `http://127.0.0.1:PORT/git/<name>.git`
    /// to the given `(user, password)` pairs only.
    pub fn start(project_root: &Path, users: &[(&str, &str)]) -> Self {
        let lighttpd = require("lighttpd", "lighttpd");
        require(HTTP_BACKEND, "git");
        let dir = TempDir::new().unwrap();
        let port = free_port();
        let www = dir.path().join("www");
        std::fs::create_dir(&www).unwrap();
        let userfile = dir.path().join("users");
        let mut entries = String::new();
        for (user, password) in users {
            writeln!(entries, "{user}:{password}").unwrap();
        }
        std::fs::write(&userfile, entries).unwrap();
        let conf = format!(
            r#"
server.document-root = "{www}"
server.bind = "127.0.0.1"
server.port = {port}
server.errorlog = "{errorlog}"
server.modules = ("mod_auth", "mod_authn_file", "mod_alias", "mod_setenv", "mod_cgi")
alias.url = ("/git" => "{HTTP_BACKEND}")
auth.backend = "plain"
auth.backend.plain.userfile = "{userfile}"
auth.require = ("/git" => ("method" => "basic", "realm" => "git", "require" => "valid-user"))
$HTTP["url"] =~ "^/git" {{
  cgi.assign = ("" => "")
  setenv.set-environment = ("GIT_PROJECT_ROOT" => "{root}", "GIT_HTTP_EXPORT_ALL" => "")
}}
"#,
            www = www.display(),
            errorlog = dir.path().join("error.log").display(),
            userfile = userfile.display(),
            root = project_root.display(),
        );
        let conf_path = dir.path().join("lighttpd.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let mut cmd = Command::new(lighttpd);
        cmd.arg("-D").arg("-f").arg(&conf_path);
        let server = Server::start("lighttpd", cmd, port, &dir.path().join("lighttpd.log"));
        Self { port, server, dir }
    }

    pub fn url(&self, repo: &str) -> String {
        format!("http://127.0.0.1:{}/git/{repo}", self.port)
    }

    /// lighttpd's error log, which records refused logins (for diagnostics).
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
            + &self.server.log_text()
    }
}
