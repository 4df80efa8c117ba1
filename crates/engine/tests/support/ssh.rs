//! `sshd` on loopback accepting generated client keys, for git over ssh://.

use shipdeck_testkit::free_port;
use shipdeck_testkit::server::{Server, require};
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

pub const SSHD: &str = "/usr/sbin/sshd";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// RSA in the legacy PEM form (`ssh-keygen -m PEM`): readable by every libssh2 build.
    RsaPem,
    /// The OpenSSH key format, which libssh2 reads since 1.9.
    Ed25519,
    Ecdsa,
}

/// A generated key pair; `private` is the file to give Shipdeck.
pub struct ClientKey {
    pub private: PathBuf,
    pub public: PathBuf,
    pub passphrase: Option<String>,
}

/// Generates a key pair in `dir`.
pub fn keygen(dir: &Path, name: &str, key_type: KeyType, passphrase: Option<&str>) -> ClientKey {
    let ssh_keygen = require("ssh-keygen", "openssh-client");
    let private = dir.join(name);
    let mut cmd = Command::new(ssh_keygen);
    cmd.arg("-q")
        .arg("-N")
        .arg(passphrase.unwrap_or(""))
        .arg("-C")
        .arg(name)
        .arg("-f")
        .arg(&private);
    match key_type {
        KeyType::RsaPem => cmd.args(["-t", "rsa", "-b", "2048", "-m", "PEM"]),
        KeyType::Ed25519 => cmd.args(["-t", "ed25519"]),
        KeyType::Ecdsa => cmd.args(["-t", "ecdsa", "-b", "256"]),
    };
    let out = cmd.output().expect("running ssh-keygen");
    assert!(
        out.status.success(),
        "ssh-keygen failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    ClientKey {
        public: PathBuf::from(format!("{}.pub", private.display())),
        private,
        passphrase: passphrase.map(String::from),
    }
}

pub struct SshServer {
    pub port: u16,
    // Holds the host key, config and authorized keys until the server is gone.
    _dir: TempDir,
    server: Server,
}

impl SshServer {
    /// Runs sshd as the current user (root in CI) accepting only `authorized` keys. Host and
    /// client keys are generated per test, so nothing under ~/.ssh is read or written.
    pub fn start(authorized: &[&ClientKey]) -> Self {
        let sshd = require(SSHD, "openssh-server");
        let dir = TempDir::new().unwrap();
        // sshd refuses to start without its privilege separation directory, which the package
        // creates only when its service starts.
        std::fs::create_dir_all("/run/sshd").expect("creating /run/sshd (tests run as root)");
        let host_key = keygen(dir.path(), "host_key", KeyType::RsaPem, None);
        let mut keys = String::new();
        for key in authorized {
            keys.push_str(&std::fs::read_to_string(&key.public).unwrap());
        }
        let authorized_keys = dir.path().join("authorized_keys");
        std::fs::write(&authorized_keys, keys).unwrap();
        let port = free_port();
        let conf = format!(
            "Port {port}\n\
             ListenAddress 127.0.0.1\n\
             HostKey {host}\n\
             PidFile {pid}\n\
             AuthorizedKeysFile {authorized}\n\
             PermitRootLogin prohibit-password\n\
             StrictModes no\n\
             UsePAM no\n\
             PasswordAuthentication no\n\
             KbdInteractiveAuthentication no\n\
             PubkeyAuthentication yes\n\
             LogLevel VERBOSE\n",
            host = host_key.private.display(),
            pid = dir.path().join("sshd.pid").display(),
            authorized = authorized_keys.display(),
        );
        let conf_path = dir.path().join("sshd_config");
        std::fs::write(&conf_path, conf).unwrap();
        let mut cmd = Command::new(sshd);
        cmd.arg("-D").arg("-e").arg("-f").arg(&conf_path);
        let server = Server::start("sshd", cmd, port, &dir.path().join("sshd.log"));
        Self {
            port,
            _dir: dir,
            server,
        }
    }

    /// `ssh://USER@127.0.0.1:PORT/abs/path/to/repo.git` for the current user.
    pub fn url(&self, repo: &Path) -> String {
        format!(
            "ssh://{}@127.0.0.1:{}{}",
            whoami(),
            self.port,
            repo.display()
        )
    }

    pub fn log(&self) -> String {
        self.server.log_text()
    }
}

fn whoami() -> String {
    let out = Command::new("id").arg("-un").output().expect("running id");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}
