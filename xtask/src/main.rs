//! `cargo xtask` — the two quick-start commands and the developer tasks behind them.
//!
//! Every task installs what it needs (idempotently), prints each step it runs, and on failure
//! names the step that failed. Heavy caches live outside the clone (see [`paths`]).

mod app;
mod cluster;
mod demo;
mod demo_cluster;
mod demo_history;
mod demo_repo;
mod demo_settings;
mod helm;
mod kustomize;
mod memory;
mod paths;
mod session;
mod step;
mod system;
mod test;
mod tools;
mod ui;

use anyhow::{Result, bail};

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  demo                      install what is missing, build, open Shipdeck on the demo workspace
  test                      install what is missing, run the whole suite (unit, integration, e2e)
  cluster up|down|status    manage the local Kubernetes control plane on loopback
  cluster build             build the control-plane binaries and kubectl that are missing, start nothing
  cluster verify-down       fail if anything the control plane started is still running
  build                     install what is missing and build the UI bundle and the app
  memory [--release]        idle memory of the app on the demo workspace next to a bare WebKitGTK window
";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(err) = run(&args) {
        eprintln!("\nxtask: error: {err:#}");
        std::process::exit(1);
    }
}

fn run(args: &[String]) -> Result<()> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["demo", rest @ ..] => demo::run(rest),
        ["test", rest @ ..] => test::run(rest),
        ["memory", rest @ ..] => memory::run(rest),
        ["build"] => app::build_all(app::Purpose::Run).map(|_| ()),
        ["cluster", sub] => cluster::run(sub),
        ["help" | "--help" | "-h"] | [] => {
            print!("{USAGE}");
            Ok(())
        }
        _ => bail!("unknown task {args:?}\n\n{USAGE}"),
    }
}
