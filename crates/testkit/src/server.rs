//! Starting a server process (a Git daemon, lighttpd, sshd) and waiting, bounded, until it
//! accepts connections; finding the system binaries they need.

use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a server may take to start listening; generous because CI shares two cores with
/// other builds.
const STARTUP: Duration = Duration::from_secs(20);

/// Fails the test with what to do when a system binary is missing.
pub fn require(binary: &str, apt_package: &str) -> PathBuf {
    let found = if binary.contains('/') {
        Some(PathBuf::from(binary)).filter(|p| p.is_file())
    } else {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(binary))
                .find(|p| p.is_file())
        })
    };
    found.unwrap_or_else(|| {
        panic!(
            "`{binary}` is not installed (Debian package `{apt_package}`); run the tests with \
             `cargo xtask test`, which installs it, or `apt-get install {apt_package}`"
        )
    })
}

/// A running server, killed when dropped.
pub struct Server {
    name: String,
    child: Child,
    log: PathBuf,
}

impl Server {
    /// Spawns `command` with its output in `log` and waits until `port` accepts a TCP
    /// connection. Panics with the log if the process exits or the wait times out.
    pub fn start(name: &str, mut command: Command, port: u16, log: &Path) -> Self {
        let out = File::create(log).expect("creating the server log");
        let err = out.try_clone().expect("cloning the log handle");
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .unwrap_or_else(|e| panic!("starting {name}: {e}"));
        let mut server = Self {
            name: name.into(),
            child,
            log: log.to_path_buf(),
        };
        server.wait_listening(port);
        server
    }

    fn wait_listening(&mut self, port: u16) {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + STARTUP;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited during startup ({status}):\n{}",
                    self.name,
                    self.log_text()
                );
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not listen on port {port} within {STARTUP:?}:\n{}",
                self.name,
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
