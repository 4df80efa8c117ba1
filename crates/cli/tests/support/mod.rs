//! Running the built `shipdeck` binary in a home of its own, and applying the fixture
//! repository to the local control plane the way a sync does.

#![allow(dead_code)]

use serde_json::Value;
use shipdeck_engine::drift::policy::FIELD_MANAGER;
use shipdeck_engine::drift::tracking;
use shipdeck_engine::manifests::{self, Options, Tools};
use shipdeck_ipc::SyncStatus;
use shipdeck_ipc::deploy::Deployment;
use shipdeck_ipc::drift::{DriftReport, ResourceDrift};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use std::time::{Duration, Instant};

/// A run still going after this long is killed and the test fails.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// The fixture repository: an overlay (`apps/web`) over a base outside its directory.
pub fn fixture_repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/repo")
}

/// A kubeconfig in `dir` whose one context, `gone`, points at a port where nothing answers
/// (with a made-up token): for runs that fail before, or at, the cluster.
pub fn unreachable_kubeconfig(dir: &Path) -> PathBuf {
    let file = dir.join("kubeconfig");
    std::fs::write(
        &file,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster:\n    server: https://127.0.0.1:1\n\
         contexts:\n- name: gone\n  context:\n    cluster: gone\n    user: gone\n\
         users:\n- name: gone\n  user:\n    token: not-a-real-token\n",
    )
    .expect("writing a kubeconfig");
    file
}

// Each test binary uses part of this module.
#[allow(unused_imports)]
pub use shipdeck_testkit::SilentServer;

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The JSON report on stdout.
    pub fn report(&self) -> DriftReport {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not a drift report ({e}): {self:#?}"))
    }

    /// The deployment record on stdout (`sync`/`rollback -o json`).
    pub fn deployment(&self) -> Deployment {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not a deployment record ({e}): {self:#?}"))
    }

    /// The records on stdout (`deployments -o json`), newest first.
    pub fn deployments(&self) -> Vec<Deployment> {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not a list of deployments ({e}): {self:#?}"))
    }

    /// The resources that are not Synced, as `id status reason`.
    pub fn drifted(&self) -> Vec<String> {
        self.report()
            .resources
            .iter()
            .filter(|r| r.status != SyncStatus::Synced)
            .map(|r| format!("{} {:?} {:?} {:?}", r.id(), r.status, r.reason, r.message))
            .collect()
    }

    /// Fails unless the exit code is `code` and, for an error before any report, stderr is one
    /// line (after a report, one line for each thing left out and for the first Unknown).
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(self.code, code, "{self:#?}");
        if code >= 2 && self.stdout.is_empty() {
            assert_eq!(self.stderr.trim().lines().count(), 1, "one line: {self:#?}");
        }
        for line in self.stderr.lines() {
            assert!(line.starts_with("shipdeck: "), "{line:?} in {self:#?}");
        }
        self
    }
}

/// A home of its own for the binary: empty config, data and cache directories, so the
/// developer's settings and caches are never read or written.
pub struct Home {
    pub dir: tempfile::TempDir,
    pub env: Vec<(String, String)>,
}

impl Home {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary home");
        Self {
            dir,
            env: Vec::new(),
        }
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    /// Also set `name` for every run.
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// `shipdeck args…` in this home, with stdout and stderr piped, not started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_shipdeck"));
        command
            .args(args)
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CACHE_HOME", self.dir.path().join("cache"))
            // Never the developer's keyring entries, should anything look.
            .env("SHIPDECK_KEYRING_SERVICE", "dev.shipdeck.cli-tests")
            .env_remove("KUBECONFIG")
            .env_remove("SHIPDECK_TOKEN")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in &self.env {
            command.env(name, value);
        }
        command
    }

    /// Runs `shipdeck args…`, killed after [`RUN_TIMEOUT`].
    pub fn run(&self, args: &[&str]) -> Run {
        let line = format!("shipdeck {}", args.join(" "));
        let mut child = self
            .command(args)
            .spawn()
            .unwrap_or_else(|e| panic!("starting `{line}`: {e}"));
        let read = |pipe: Option<Box<dyn Read + Send>>| {
            std::thread::spawn(move || {
                let mut text = String::new();
                if let Some(mut pipe) = pipe {
                    let _ = pipe.read_to_string(&mut text);
                }
                text
            })
        };
        let stdout = read(
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let stderr = read(
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("waiting for shipdeck") {
                break status;
            }
            if started.elapsed() > RUN_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "`{line}` did not finish within {RUN_TIMEOUT:?}; stderr: {}",
                    stderr.join().unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        Run {
            // A signal has no code: shown as -1, which no expectation matches.
            code: status.code().unwrap_or(-1),
            stdout: stdout.join().expect("stdout reader"),
            stderr: stderr.join().expect("stderr reader"),
        }
    }
}

/// Renders `path` of `repo` for `namespace` and applies it as a sync of application `app`
/// would: Shipdeck's field manager and tracking annotation.
pub async fn sync(client: &kube::Client, repo: &Path, path: &str, namespace: &str, app: &str) {
    let options = Options::new(namespace, app).tools(Tools::from_env());
    let render = manifests::render(repo, path, &options)
        .await
        .expect("the fixture renders");
    assert!(render.errors.is_empty(), "{:?}", render.errors);
    let stamped: Vec<Value> = render
        .objects
        .iter()
        .map(|object| {
            let mut desired = object.object.clone();
            tracking::stamp(&mut desired, app, &object.id);
            desired
        })
        .collect();
    shipdeck_testkit::server_side_apply(client, FIELD_MANAGER, &stamped).await;
}

/// `(path, manager)` of each change of the resource `id`.
pub fn changes(report: &DriftReport, id: &str) -> Vec<(String, Option<String>)> {
    find(report, id)
        .changes
        .iter()
        .map(|c| (c.path.clone(), c.manager.clone()))
        .collect()
}

pub fn find<'r>(report: &'r DriftReport, id: &str) -> &'r ResourceDrift {
    report
        .resources
        .iter()
        .find(|r| r.id() == id)
        .unwrap_or_else(|| panic!("{id} not in {:?}", report.resources))
}
