//! The demo workspace: a Git repository of Kubernetes manifests with a believable history
//! (five applications, five authors in different time zones, about four months of weekday
//! commits: releases, scaling, config changes, one revert). Created once; a pseudo-random
//! generator with a fixed seed gives every machine the same shape of history.
//!
//! The newest commit is a catalog release whose image follows the local cluster's failure
//! convention (tag `broken`: its pods crash, so the rollout passes its 60 s progress deadline
//! and turns Degraded): the demo deploys the commit before it, and a newcomer syncs this one,
//! watches it fail and rolls it back.

use crate::paths;
use crate::step::run;
use anyhow::{Context, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

const DAY: i64 = 86_400;
const SEED: u64 = 0x5EED_D0C5;
const HISTORY_DAYS: i64 = 120;
/// Bumped when what the demo repository holds changes, so a cached one is made again.
const VERSION: &str = "2: catalog's newest release is broken; 60 s progress deadlines";
/// The demo application whose newest commit is the broken release.
pub const BROKEN_APP: &str = "catalog";

const AUTHORS: [(&str, &str, &str, i64); 5] = [
    ("Maya Chen", "maya.chen@shipdeck.example", "+0100", 3600),
    (
        "Tomás Rivera",
        "tomas.rivera@shipdeck.example",
        "-0500",
        -5 * 3600,
    ),
    (
        "Priya Natarajan",
        "priya.natarajan@shipdeck.example",
        "+0530",
        19_800,
    ),
    ("Jonas Weber", "jonas.weber@shipdeck.example", "+0100", 3600),
    ("Amara Okafor", "amara.okafor@shipdeck.example", "+0000", 0),
];

struct App {
    name: &'static str,
    namespace: &'static str,
    version: (u32, u32, u32),
    replicas: u32,
    cpu_millis: u32,
    log_level: &'static str,
    feature_flags: u32,
    /// An image tag other than the version (the broken release).
    tag: Option<&'static str>,
}

/// Returns the demo repository, creating it first if needed.
pub fn ensure() -> Result<PathBuf> {
    let dir = paths::demo_dir();
    let marker = dir.join(".git").join("shipdeck-demo-version");
    if fs::read_to_string(&marker).is_ok_and(|v| v == VERSION) {
        println!("    demo workspace present at {}", dir.display());
        return Ok(dir);
    }
    // Build beside it and rename at the end: a kill midway never leaves a half-made repository.
    let staging = dir.with_extension(format!("tmp-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging)?;
    create(&staging).context("creating the demo repository")?;
    fs::write(staging.join(".git").join("shipdeck-demo-version"), VERSION)?;
    let _ = fs::remove_dir_all(&dir);
    fs::rename(&staging, &dir)?;
    println!("    created demo workspace at {}", dir.display());
    Ok(dir)
}

fn create(repo: &Path) -> Result<()> {
    run(Command::new("git")
        .args(["init", "-q", "-b", "main"])
        .arg(repo))?;
    let mut rng = Lcg(SEED);
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64;
    let start = now - HISTORY_DAYS * DAY;
    let mut apps = [
        app("storefront", "shop", (1, 4, 2), 3),
        app("catalog", "shop", (3, 1, 0), 2),
        app("payments", "payments", (2, 3, 1), 2),
        app("notifications", "messaging", (0, 9, 4), 1),
        app("auth-gateway", "platform", (1, 0, 7), 2),
    ];

    let mut clock = Clock {
        day: start,
        rng: &mut rng,
    };
    fs::write(repo.join("README.md"), README)?;
    for a in &apps[..2] {
        write_app(repo, a)?;
    }
    let (t, who) = clock.next(0);
    commit(repo, t, who, "Bootstrap shop: storefront and catalog")?;
    let introductions = [
        (2, "Add payments service"),
        (3, "Add notifications worker"),
        (4, "Add auth-gateway in front of the shop"),
    ];
    for (i, message) in introductions {
        write_app(repo, &apps[i])?;
        let (t, who) = clock.next(2);
        commit(repo, t, who, message)?;
    }

    // Stop before a commit would be dated within the last hour (or ahead of now).
    let latest = now - 3600;
    let mut reverted = false;
    loop {
        let gap = 1 + (clock.rng.next() % 3) as i64;
        let (t, who) = clock.next(gap);
        if t > latest {
            break;
        }
        let i = (clock.rng.next() % apps.len() as u64) as usize;
        let a = &mut apps[i];
        let message = match clock.rng.next() % 10 {
            0..=4 => {
                a.version = bump(a.version, clock.rng.next().is_multiple_of(4));
                format!("{}: release {}", a.name, semver(a.version))
            }
            5 => {
                a.replicas = if a.replicas >= 5 {
                    a.replicas - 1
                } else {
                    a.replicas + 1
                };
                format!("{}: scale to {} replicas", a.name, a.replicas)
            }
            6 => {
                a.cpu_millis += 100;
                format!("{}: raise CPU request to {}m", a.name, a.cpu_millis)
            }
            7 => {
                a.log_level = if a.log_level == "info" {
                    "debug"
                } else {
                    "info"
                };
                format!("{}: set log level to {}", a.name, a.log_level)
            }
            _ => {
                a.feature_flags += 1;
                format!("{}: enable feature flag #{}", a.name, a.feature_flags)
            }
        };
        write_app(repo, a)?;
        commit(repo, t, who, &message)?;

        // One bad payments release, reverted the next working day: a rollback to remember.
        if !reverted && a.name == "payments" && message.contains("release") {
            let (t, who) = clock.next(1);
            if t > latest {
                break;
            }
            reverted = true;
            let bad = a.version;
            a.version = unbump(bad);
            write_app(repo, a)?;
            let msg = format!(
                "Revert \"payments: release {}\"\n\nCheckout errors spiked after the release.",
                semver(bad)
            );
            commit(repo, t, who, &msg)?;
        }
    }

    // Half an hour ago: the release that fails (see the module comment).
    let catalog = apps
        .iter_mut()
        .find(|a| a.name == BROKEN_APP)
        .context("the broken demo application")?;
    catalog.version = bump(catalog.version, true);
    catalog.tag = Some("broken");
    write_app(repo, catalog)?;
    let message = format!(
        "{BROKEN_APP}: release {} (new search backend)",
        semver(catalog.version)
    );
    commit(repo, now - 1800, 0, &message)?;
    Ok(())
}

/// Walks forward through weekdays, handing out commit times in the author's working hours.
struct Clock<'a> {
    day: i64,
    rng: &'a mut Lcg,
}

impl Clock<'_> {
    fn next(&mut self, days_ahead: i64) -> (i64, usize) {
        self.day += days_ahead * DAY;
        while is_weekend(self.day) {
            self.day += DAY;
        }
        let who = (self.rng.next() % AUTHORS.len() as u64) as usize;
        let midnight_utc = self.day - self.day.rem_euclid(DAY);
        let local_hour = 9 + (self.rng.next() % 9) as i64;
        let minute = (self.rng.next() % 60) as i64;
        let t = midnight_utc + local_hour * 3600 + minute * 60 - AUTHORS[who].3;
        (t, who)
    }
}

fn is_weekend(t: i64) -> bool {
    // 1970-01-01 was a Thursday: (days + 4) % 7 is 0 on Sundays and 6 on Saturdays.
    let weekday = (t.div_euclid(DAY) + 4).rem_euclid(7);
    weekday == 0 || weekday == 6
}

fn commit(repo: &Path, time: i64, who: usize, message: &str) -> Result<()> {
    let (name, email, tz, _) = AUTHORS[who];
    let date = format!("{time} {tz}");
    run(Command::new("git").current_dir(repo).args(["add", "-A"]))?;
    run(Command::new("git")
        .current_dir(repo)
        .args(["-c", "commit.gpgsign=false", "commit", "-q", "-m", message])
        .env("GIT_AUTHOR_NAME", name)
        .env("GIT_AUTHOR_EMAIL", email)
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_NAME", name)
        .env("GIT_COMMITTER_EMAIL", email)
        .env("GIT_COMMITTER_DATE", &date))
}

fn app(
    name: &'static str,
    namespace: &'static str,
    version: (u32, u32, u32),
    replicas: u32,
) -> App {
    App {
        name,
        namespace,
        version,
        replicas,
        cpu_millis: 100,
        log_level: "info",
        feature_flags: 0,
        tag: None,
    }
}

fn bump((major, minor, patch): (u32, u32, u32), minor_release: bool) -> (u32, u32, u32) {
    if minor_release {
        (major, minor + 1, 0)
    } else {
        (major, minor, patch + 1)
    }
}

fn unbump((major, minor, patch): (u32, u32, u32)) -> (u32, u32, u32) {
    if patch > 0 {
        (major, minor, patch - 1)
    } else {
        (major, minor.saturating_sub(1), 9)
    }
}

fn semver((major, minor, patch): (u32, u32, u32)) -> String {
    format!("{major}.{minor}.{patch}")
}

fn write_app(repo: &Path, a: &App) -> Result<()> {
    let dir = repo.join("apps").join(a.name);
    fs::create_dir_all(&dir)?;
    let (name, ns) = (a.name, a.namespace);
    let version = a.tag.map_or_else(|| semver(a.version), str::to_string);
    fs::write(
        dir.join("deployment.yaml"),
        format!(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: {name}
spec:
  replicas: {replicas}
  progressDeadlineSeconds: 60
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
    spec:
      containers:
        - name: {name}
          image: registry.shipdeck.example/demo/{name}:{version}
          ports:
            - containerPort: 8080
          envFrom:
            - configMapRef:
                name: {name}-config
          resources:
            requests:
              cpu: {cpu}m
              memory: 128Mi
            limits:
              memory: 256Mi
",
            replicas = a.replicas,
            cpu = a.cpu_millis
        ),
    )?;
    fs::write(
        dir.join("service.yaml"),
        format!(
            "apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  selector:
    app.kubernetes.io/name: {name}
  ports:
    - port: 80
      targetPort: 8080
"
        ),
    )?;
    let flags: String = (1..=a.feature_flags)
        .map(|i| format!("  FEATURE_{i}: \"on\"\n"))
        .collect();
    fs::write(
        dir.join("configmap.yaml"),
        format!(
            "apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: {ns}
data:
  LOG_LEVEL: {level}
{flags}",
            level = a.log_level
        ),
    )?;
    Ok(())
}

const README: &str = "# Shipdeck demo workspace\n\nDesired state for the demo shop, one directory per application under `apps/`.\n";

/// A small deterministic generator (Knuth's MMIX LCG); the demo needs repeatability, not quality.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}
