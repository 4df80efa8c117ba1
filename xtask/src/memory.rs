//! `cargo xtask memory`: the idle memory of Shipdeck on the demo workspace, next to the floor
//! no WebKitGTK app goes below: a bare WebKitGTK window (MiniBrowser, shipped in Debian's
//! libwebkit2gtk-4.1-0 with the library the app uses) showing a trivial page.
//!
//! Every run starts the program on its own Xvfb inside its own dbus session with a keyring
//! (as `cargo xtask demo` does without a display) and a fresh home, waits until its window is
//! mapped, lets it settle, then sums RSS and PSS from `/proc/PID/smaps_rollup` over the program
//! and its WebKit processes (web, network, GPU). Medians over the runs are printed.

use crate::session::{Display, in_session_with_keyring};
use crate::step::step;
use crate::{cluster, demo_repo, demo_settings, paths};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const USAGE: &str =
    "usage: cargo xtask memory [--release | --binary PATH] [--runs N] [--settle SECS]";

struct Options {
    release: bool,
    binary: Option<PathBuf>,
    runs: usize,
    settle: Duration,
}

fn parse(args: &[&str]) -> Result<Options> {
    let mut options = Options {
        release: false,
        binary: None,
        runs: 5,
        settle: Duration::from_secs(20),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().copied().context(USAGE);
        match *arg {
            "--release" => options.release = true,
            "--binary" => options.binary = Some(PathBuf::from(value()?)),
            "--runs" => options.runs = value()?.parse().context(USAGE)?,
            "--settle" => options.settle = Duration::from_secs(value()?.parse().context(USAGE)?),
            other => bail!("unknown option {other}\n{USAGE}"),
        }
    }
    if options.runs == 0 {
        bail!("--runs must be at least 1");
    }
    Ok(options)
}

pub fn run(args: &[&str]) -> Result<()> {
    let options = parse(args)?;
    let binary = match &options.binary {
        Some(path) => path.clone(),
        None => build(options.release)?,
    };
    let workspace = step("Demo workspace repository", demo_repo::ensure)?;
    step("Local Kubernetes control plane", cluster::up)?;
    if !Path::new(MINIBROWSER).is_file() {
        bail!("{MINIBROWSER} is missing: it comes with Debian's libwebkit2gtk-4.1-0");
    }
    let page = tempfile_dir("page")?;
    std::fs::write(
        page.join("index.html"),
        "<!doctype html><title>floor</title><p>A bare WebKitGTK window.</p>\n",
    )?;
    let floor_url = format!("file://{}", page.join("index.html").display());

    println!(
        "==> {} runs each, {} s to settle after the window maps; binary {}",
        options.runs,
        options.settle.as_secs(),
        binary.display()
    );
    let mut app_runs = Vec::new();
    let mut floor_runs = Vec::new();
    // Interleaved, so a change in the machine's load hits both alike.
    for run in 1..=options.runs {
        let app = step(
            &format!("Shipdeck on the demo workspace, run {run}"),
            || {
                let home = tempfile_dir(&format!("app-{run}"))?;
                demo_settings::ensure(
                    &home.join("config"),
                    &workspace,
                    &cluster::kubeconfig_path(),
                )?;
                let mut cmd = Command::new(&binary);
                cmd.arg("--workspace")
                    .arg(&workspace)
                    .env("KUBECONFIG", cluster::kubeconfig_path());
                measure(cmd, &home, "Shipdeck", &options)
            },
        )?;
        app_runs.push(app);
        let floor = step(
            &format!("Bare WebKitGTK window (MiniBrowser), run {run}"),
            || {
                let home = tempfile_dir(&format!("floor-{run}"))?;
                let mut cmd = Command::new(MINIBROWSER);
                cmd.arg(&floor_url);
                measure(cmd, &home, "floor", &options)
            },
        )?;
        floor_runs.push(floor);
    }
    report(&app_runs, &floor_runs);
    Ok(())
}

fn build(release: bool) -> Result<PathBuf> {
    crate::app::build_all(if release {
        crate::app::Purpose::Release
    } else {
        crate::app::Purpose::Run
    })
}

/// A fresh directory under the cache for one run's files.
fn tempfile_dir(name: &str) -> Result<PathBuf> {
    let dir = paths::cache_dir().join("memory").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// One measurement: kB summed over the program and its WebKit processes.
#[derive(Clone, Debug, Default)]
struct Sample {
    rss_kb: u64,
    pss_kb: u64,
    processes: Vec<(String, u64, u64)>,
}

fn measure(cmd: Command, home: &Path, title: &str, options: &Options) -> Result<Sample> {
    let display = Display::start_virtual()?;
    let program = cmd.get_program().to_owned();
    let mut session = in_session_with_keyring(&display, &program);
    session
        .args(cmd.get_args())
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"));
    let mut child = session.spawn().context("starting the program")?;
    let result = (|| {
        display.wait_for_window(title, Duration::from_secs(60))?;
        std::thread::sleep(options.settle);
        sample(child.id(), &program_name(Path::new(&program)))
    })();
    stop(&mut child, &program_name(Path::new(&program)));
    let sample = result?;
    println!(
        "    RSS {} · PSS {}  ({})",
        mb(sample.rss_kb),
        mb(sample.pss_kb),
        sample
            .processes
            .iter()
            .map(|(name, rss, pss)| format!("{name} {}/{}", mb(*rss), mb(*pss)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(sample)
}

fn program_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Sums the program (found below `root`, the session wrapper) and its WebKit processes; the
/// bus and keyring daemons of the session are not the app's and are left out.
fn sample(root: u32, program: &str) -> Result<Sample> {
    let mut sample = Sample::default();
    for pid in descendants(root) {
        let Some(name) = exe_name(pid) else { continue };
        if name != program && !name.starts_with("WebKit") {
            continue;
        }
        let (rss, pss) = rollup(pid).with_context(|| format!("reading {name} ({pid})"))?;
        sample.rss_kb += rss;
        sample.pss_kb += pss;
        sample.processes.push((name, rss, pss));
    }
    if !sample.processes.iter().any(|(name, ..)| name == program) {
        bail!("{program} is not running any more; it exited before it could be measured");
    }
    sample.processes.sort();
    Ok(sample)
}

fn descendants(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let pid: u32 = e.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // The command name may hold spaces and parentheses: fields follow the last ')'.
            let ppid = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some((pid, ppid))
        })
        .collect();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    found
}

fn exe_name(pid: u32) -> Option<String> {
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
    Some(program_name(&exe))
}

/// (RSS, PSS) in kB.
fn rollup(pid: u32) -> Result<(u64, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))?;
    let field = |name: &str| -> Result<u64> {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .with_context(|| format!("no {name} in smaps_rollup"))
    };
    Ok((field("Rss:")?, field("Pss:")?))
}

/// Ends the program with SIGTERM (the session wrapper then stops its bus and keyring), and
/// kills the wrapper if that takes more than a few seconds.
fn stop(child: &mut Child, program: &str) {
    for pid in descendants(child.id()) {
        if exe_name(pid).as_deref() == Some(program) {
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    for pid in descendants(child.id()).into_iter().rev() {
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
    let _ = child.wait();
}

fn median(mut values: Vec<u64>) -> u64 {
    values.sort_unstable();
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2
    }
}

fn mb(kb: u64) -> String {
    format!("{:.0} MB", kb as f64 / 1024.0)
}

fn report(app: &[Sample], floor: &[Sample]) {
    let stats = |runs: &[Sample]| {
        (
            median(runs.iter().map(|s| s.rss_kb).collect()),
            median(runs.iter().map(|s| s.pss_kb).collect()),
        )
    };
    let (app_rss, app_pss) = stats(app);
    let (floor_rss, floor_pss) = stats(floor);
    println!("\n==> Medians over {} runs", app.len());
    println!("| what | RSS | PSS |\n|---|---|---|");
    println!(
        "| bare WebKitGTK window (floor) | {} | {} |",
        mb(floor_rss),
        mb(floor_pss)
    );
    println!(
        "| Shipdeck, demo workspace | {} | {} |",
        mb(app_rss),
        mb(app_pss)
    );
    println!(
        "| Shipdeck above the floor | {} | {} |",
        mb(app_rss.saturating_sub(floor_rss)),
        mb(app_pss.saturating_sub(floor_pss))
    );
}
