//! An origin repository built with the real `git` CLI, and helpers to push to it.
//!
//! Layout after [`Origin::new`] (branch `main`):
//! - commit 1 "add web deployment": `apps/web/deployment.yaml`, `README.md`; annotated tag `v1`
//! - commit 2 "add web service": `apps/web/service.yaml`, `apps/web/hooks/run.sh` (executable)

use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

pub const REPO: &str = "app.git";

pub struct Origin {
    /// Holds `repos/` (served by the daemon and http-backend) and `work/`.
    pub dir: TempDir,
    pub first: String,
    pub second: String,
}

impl Origin {
    pub fn new() -> Self {
        shipdeck_testkit::server::require("git", "git");
        let dir = TempDir::new().unwrap();
        std::fs::create_dir(dir.path().join("repos")).unwrap();
        let origin = Self {
            dir,
            first: String::new(),
            second: String::new(),
        };
        git(
            origin.dir.path(),
            &["init", "-q", "--bare", "-b", "main"],
            Some(&origin.bare()),
        );
        git(
            origin.dir.path(),
            &["init", "-q", "-b", "main"],
            Some(&origin.work()),
        );
        git(
            &origin.work(),
            &["remote", "add", "origin", origin.bare().to_str().unwrap()],
            None,
        );
        origin.write("apps/web/deployment.yaml", "kind: Deployment\n");
        origin.write("README.md", "# app\n");
        let first = origin.commit("add web deployment");
        git(
            &origin.work(),
            &["tag", "-a", "v1", "-m", "release v1"],
            None,
        );
        origin.write("apps/web/service.yaml", "kind: Service\n");
        origin.write("apps/web/hooks/run.sh", "#!/bin/sh\n");
        origin.make_executable("apps/web/hooks/run.sh");
        let second = origin.commit("add web service");
        origin.push();
        Self {
            first,
            second,
            ..origin
        }
    }

    /// The directory of served repositories.
    pub fn repos(&self) -> PathBuf {
        self.dir.path().join("repos")
    }

    /// The bare origin repository.
    pub fn bare(&self) -> PathBuf {
        self.repos().join(REPO)
    }

    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    pub fn write(&self, path: &str, content: &str) {
        let file = self.work().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, content).unwrap();
    }

    pub fn make_executable(&self, path: &str) {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::Permissions::from_mode(0o755);
        std::fs::set_permissions(self.work().join(path), perms).unwrap();
    }

    /// Adds a symbolic link `link` pointing at `target` (as written, e.g. `../../etc/passwd`).
    pub fn symlink(&self, target: &str, link: &str) {
        let link = self.work().join(link);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, link).unwrap();
    }

    /// Commits everything in the work tree; returns the SHA.
    pub fn commit(&self, message: &str) -> String {
        git(&self.work(), &["add", "-A"], None);
        git(&self.work(), &["commit", "-q", "-m", message], None);
        git(&self.work(), &["rev-parse", "HEAD"], None)
    }

    /// Pushes `main` and the tags to the origin.
    pub fn push(&self) {
        git(
            &self.work(),
            &["push", "-q", "--follow-tags", "origin", "main"],
            None,
        );
    }

    /// Writes, commits and pushes one file; returns the new SHA.
    pub fn push_change(&self, path: &str, content: &str, message: &str) -> String {
        self.write(path, content);
        let sha = self.commit(message);
        self.push();
        sha
    }

    /// Adds `files` incompressible files of `size` bytes, so that a clone takes many transfer
    /// callbacks.
    pub fn push_bulk(&self, files: usize, size: usize) -> String {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for i in 0..files {
            let mut bytes = Vec::with_capacity(size);
            while bytes.len() < size {
                // xorshift: cheap bytes that zlib cannot shrink.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                bytes.extend_from_slice(&state.to_le_bytes());
            }
            let file = self.work().join(format!("bulk/{i:04}.bin"));
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, bytes).unwrap();
        }
        let sha = self.commit("bulk data");
        self.push();
        sha
    }
}

/// Runs git with a fixed identity and no user or system config; returns trimmed stdout.
pub fn git(cwd: &Path, args: &[&str], extra_path: Option<&Path>) -> String {
    let mut cmd = Command::new("git");
    cmd.current_dir(cwd)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Ada Lovelace")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Shipdeck Tests")
        .env("GIT_COMMITTER_EMAIL", "ci@example.com");
    if let Some(path) = extra_path {
        cmd.arg(path);
    }
    let out = cmd.output().expect("running git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}
