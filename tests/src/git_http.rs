//! A Git server on loopback that wants a password: `git http-backend` as CGI behind lighttpd
//! with basic auth, the setup the git manual documents (the engine's tests use the same).

use anyhow::{Context, Result, bail};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const HTTP_BACKEND: &str = "/usr/lib/git-core/git-http-backend";
const STARTUP: Duration = Duration::from_secs(20);

/// A running server, stopped when dropped.
pub struct HttpGit {
    port: u16,
    child: Child,
}

impl HttpGit {
    /// Serves a bare clone of `repository` as `http://127.0.0.1:PORT/git/<name>.git` to
    /// `user` with `password` only. Its files (clone, config, logs) go to `dir`.
    pub fn serve(
        dir: &Path,
        repository: &Path,
        name: &str,
        user: &str,
        password: &str,
    ) -> Result<Self> {
        std::fs::create_dir_all(dir.join("www"))?;
        let root = dir.join("repos");
        let clone = Command::new("git")
            .args(["clone", "--quiet", "--bare"])
            .arg(repository)
            .arg(root.join(format!("{name}.git")))
            .status()?;
        if !clone.success() {
            bail!("git clone --bare {} failed", repository.display());
        }
        let userfile = dir.join("users");
        std::fs::write(&userfile, format!("{user}:{password}\n"))?;
        let port = crate::free_port();
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
            www = dir.join("www").display(),
            errorlog = dir.join("error.log").display(),
            userfile = userfile.display(),
            root = root.display(),
        );
        let conf_path = dir.join("lighttpd.conf");
        std::fs::write(&conf_path, conf)?;
        let child = Command::new("lighttpd")
            .arg("-D")
            .arg("-f")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting lighttpd (package lighttpd)")?;
        let mut server = Self { port, child };
        server.wait_listening()?;
        Ok(server)
    }

    pub fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/git/{name}.git", self.port)
    }

    fn wait_listening(&mut self) -> Result<()> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let deadline = Instant::now() + STARTUP;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                bail!("lighttpd exited during startup ({status})");
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "lighttpd did not listen on port {} within {STARTUP:?}",
                    self.port
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for HttpGit {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
