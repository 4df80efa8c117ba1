//! The command line's arguments. Every command and option has `--help`; no option takes a
//! secret (a token comes from `SHIPDECK_TOKEN`, the keyring or the kubeconfig).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

const AFTER_HELP: &str = "\
Exit codes: 0 every resource is Synced; 1 something is OutOfSync; 2 or more an error, \
including a resource that could not be compared (Unknown). `sync`, `rollback` and `undo`: 0 \
done and Healthy, 1 done but Failed or Cancelled, 2 nothing deployed (see their --help).

Credentials are read as kubectl reads them (KUBECONFIG or ~/.kube/config, inline tokens and \
certificates, exec plugins), plus the token Shipdeck stored in the OS keyring for a configured \
cluster with that context, plus SHIPDECK_TOKEN, a bearer token for pipelines that replaces the \
context's own. Never pass a secret on the command line.";

/// The exit codes and outputs of `sync`, `rollback` and `undo`, around what refuses each.
macro_rules! deploy_after_help {
    ($refused:literal, $more:literal) => {
        concat!(
            "Exit codes: 0 the deployment succeeded and everything it applied is Healthy; 1 it \
             ran but did not: Failed (an object was refused, a field another manager owns, the \
             rollout turned Degraded or was not Healthy within --timeout) or Cancelled (Ctrl-C), \
             and the record on stdout says what happened to each object; 2 or more nothing was \
             deployed: refused (another sync of the application is running, and the message \
             names who; ",
            $refused,
            ") or an error. ",
            $more,
            "A second Ctrl-C quits at once (exit 130), leaving the record to show as \
             interrupted.

Progress goes to stderr, one line per object applied and per health change; the deployment \
record goes to stdout (--output text, json or markdown). Every sync, rollback and undo is \
recorded in the cluster (settings: [deployments] namespace), where `shipdeck deployments APP` \
and the window read it."
        )
    };
}

const SYNC_AFTER_HELP: &str = deploy_after_help!(
    "an unknown --resource; files that did not render",
    "With --dry-run the codes are those of `shipdeck diff`: 0 nothing to change, 1 something \
     would change, 2 an error. "
);

const ROLLBACK_AFTER_HELP: &str = deploy_after_help!(
    "no earlier deployment to go back to, or --to names one that failed or no longer holds \
     its manifests",
    ""
);

const UNDO_AFTER_HELP: &str = deploy_after_help!(
    "no such Deployment, or none of its ReplicaSets has a revision before the current one \
     (see its revisionHistoryLimit)",
    ""
);

/// Compare Git with live Kubernetes clusters, on the same engine, settings and keyring as the
/// Shipdeck window.
#[derive(Debug, Parser)]
#[command(name = "shipdeck", version, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// The most time a Git clone or fetch may take, waiting included (`90s`, `5m`, `1h`; a
    /// bare number is seconds). Past it the clone is stopped and the command fails (exit 2).
    /// It is also what bounds how much a clone downloads.
    #[arg(
        long,
        global = true,
        value_name = "DURATION",
        default_value = "5m",
        value_parser = parse_duration
    )]
    pub git_timeout: Duration,
}

/// `90`, `90s`, `5m` or `1h`: a whole number of seconds, minutes or hours, at least one second.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, "s"),
    };
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => {
            return Err(format!(
                "`{text}` is not a duration; write e.g. 90s, 5m or 1h"
            ));
        }
    };
    match number.parse::<u64>() {
        Ok(n) if n > 0 => Ok(Duration::from_secs(n.saturating_mul(seconds))),
        _ => Err(format!(
            "`{text}` is not a duration of at least one second; write e.g. 90s, 5m or 1h"
        )),
    }
}

/// A duration as `--git-timeout` takes it: `5m`, `90s`.
pub fn show_duration(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds >= 60 && seconds.is_multiple_of(60) {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare manifests that are not configured as an application with a cluster: what a
    /// pull-request workflow runs, like `terraform plan`.
    #[command(after_help = AFTER_HELP)]
    Plan(PlanArgs),
    /// Compare a configured application with its cluster, or preview another revision of it
    /// without changing the application.
    #[command(after_help = AFTER_HELP)]
    Diff(DiffArgs),
    /// List the configured applications with their revision and sync status (each is rendered
    /// and compared, one after the other).
    #[command(after_help = AFTER_HELP)]
    Apps,
    /// Apply a configured application's revision to its cluster, as the window's Sync does,
    /// and wait until it is Healthy.
    #[command(after_help = SYNC_AFTER_HELP)]
    Sync(SyncArgs),
    /// Re-apply the manifests an earlier deployment recorded in the cluster (by default the
    /// last successful one before the newest). Needs no Git.
    #[command(after_help = ROLLBACK_AFTER_HELP)]
    Rollback(RollbackArgs),
    /// Put one Deployment of an application back to its previous ReplicaSet revision, as
    /// `kubectl rollout undo` does, recorded as a deployment of kind undo. Needs no Git; the
    /// next sync puts Git's version back.
    #[command(after_help = UNDO_AFTER_HELP)]
    Undo(UndoArgs),
    /// List an application's deployments, newest first, from the cluster's records and this
    /// desk's. Needs no Git.
    Deployments(DeploymentsArgs),
    /// The five DORA metrics of an application or a team over a period, with their bands
    /// (DORA 2024 report) and the previous period of the same length. The deployment records
    /// of the configured clusters are indexed first, so the numbers are the team's.
    #[command(after_help = DORA_AFTER_HELP)]
    Dora(DoraArgs),
    /// Export or import the deployment history (a versioned JSON Lines file: see the README).
    #[command(subcommand)]
    History(HistoryCommand),
    /// What happened in a window of time, newest first: commits, deployments, drift,
    /// incidents and recoveries, across applications and clusters (after indexing the
    /// clusters' deployment records).
    Timeline(TimelineArgs),
    /// What a deployment changed: its manifests against the deployment before it (or
    /// --against any other), from what their records keep. Needs no Git.
    #[command(name = "deployment-diff")]
    DeploymentDiff(DeploymentDiffArgs),
    /// Mark a deployment as having caused an incident (or --clear the mark), in its record in
    /// the cluster where the team sees it; change fail rate counts it.
    Incident(IncidentArgs),
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,

    /// The start of the window: a day (`2026-09-01`, UTC) or RFC 3339. Default: 7 days before
    /// --until.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// The end of the window, excluded. Default: now.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,

    /// Only these kinds (repeat): commit, deployment, drift, incident, recovery.
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,

    /// Only deployments that ended so (repeat): succeeded, failed, cancelled.
    #[arg(long = "result", value_name = "RESULT")]
    pub results: Vec<String>,

    /// At most this many events, newest first.
    #[arg(long, value_name = "N", default_value_t = shipdeck_ipc::timeline::DEFAULT_LIMIT)]
    pub limit: usize,

    #[command(flatten)]
    pub output: FormatArgs,
}

#[derive(Debug, Args)]
pub struct DeploymentDiffArgs {
    /// The application's id, as in Settings → Applications.
    #[arg(value_name = "APP")]
    pub app: String,

    /// The deployment (`APP.SEQ`, as `shipdeck deployments` lists them).
    #[arg(value_name = "ID")]
    pub id: String,

    /// Compare with this deployment instead of the one before.
    #[arg(long, value_name = "ID")]
    pub against: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct IncidentArgs {
    /// The application's id, as in Settings → Applications.
    #[arg(value_name = "APP")]
    pub app: String,

    /// The deployment (`APP.SEQ`).
    #[arg(value_name = "ID")]
    pub id: String,

    /// Clear the mark instead.
    #[arg(long)]
    pub clear: bool,
}

const DORA_AFTER_HELP: &str = "\
Definitions (decided once, in the README): a deployment counts in the period it finished in; \
frequency counts successful ones per day; lead time is the median and 90th percentile of \
deployment end minus commit time over every (successful deployment, commit it brought) pair, \
values of zero or less dropped; change fail rate is deployments that failed or were rolled \
back, undone or hot-fixed over all; recovery time is from such a deployment's end to the next \
clean success of the application; rework rate is rollbacks, undos and hotfixes over all. \
`null` (JSON) or `-` (text) where there is nothing to measure.

Exit codes: 0 measured (even with no deployments); 2 an error (unknown application or team, \
a bad date, an unusable history database). A cluster that cannot be reached is reported on \
stderr and its stored history is used.";

#[derive(Debug, Args)]
pub struct DoraArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,

    /// The first day (`2026-09-01`, UTC) or instant (RFC 3339) of the period. Default: 90
    /// days before --until.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// The end of the period, excluded (`2026-12-01` means up to the end of November 30).
    /// Default: now.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,

    /// Instead of the numbers, list the deployments behind one metric (deployments,
    /// frequency, lead-time, change-fail-rate, recovery-time, rework-rate), each with what it
    /// adds: how a meeting checks a number.
    #[arg(long, value_name = "METRIC")]
    pub explain: Option<String>,

    /// The chart --png, --svg and --csv write: frequency, lead-time, change-fail-rate,
    /// recovery-time or rework-rate.
    #[arg(long, value_name = "CHART", default_value = "frequency")]
    pub chart: String,

    /// Also write the chart as PNG (1200×675 at --scale 1, twice that at 2).
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,

    /// The PNG's scale: 1 or 2.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=2))]
    pub scale: u32,

    /// Also write the chart as SVG.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,

    /// Also write the numbers behind the chart as CSV.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,

    #[command(flatten)]
    pub output: FormatArgs,
}

/// Which applications: one, a team from Settings, or (neither) every configured one.
#[derive(Debug, Args)]
pub struct ScopeArgs {
    /// One application, by its id.
    #[arg(long, value_name = "APP", conflicts_with = "team")]
    pub app: Option<String>,

    /// A team: a named group of applications (`[[teams]]` in settings.toml).
    #[arg(long, value_name = "TEAM")]
    pub team: Option<String>,

    /// Only what happened on this cluster (an environment), by its id in the settings.
    #[arg(long, value_name = "CLUSTER")]
    pub cluster: Option<String>,

    /// Use only what is stored on this desk; do not read the clusters' deployment records.
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Write the stored history (after indexing the clusters' records) as JSON Lines, to
    /// stdout or --file.
    Export(ExportArgs),
    /// Add the events of a history file (a CI system's backfill, another desk's export).
    /// The file is checked whole first: a bad line refuses it with its line number and
    /// nothing of it is stored. Importing the same file twice changes nothing.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,

    /// Write here instead of stdout (replaced only once the whole file is written).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The history file (`-` for stdin).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The repository: a local directory (its files as they are on disk; the directory is the
    /// repository's root, so `../base` resolves) or a Git URL (https://, ssh://, git@host:path,
    /// file://), cloned into Shipdeck's cache.
    #[arg(long, value_name = "PATH|URL")]
    pub repo: String,

    /// Branch, tag or commit to render. For a Git URL the default is `main` (`master` when the
    /// repository has no `main`); for a local directory, giving one renders the directory's Git
    /// repository at that revision instead of the files on disk.
    #[arg(long, value_name = "REV")]
    pub revision: Option<String>,

    /// The directory of manifests (plain YAML/JSON, kustomize or a Helm chart), relative to the
    /// repository's root.
    #[arg(long, value_name = "DIR")]
    pub path: String,

    /// The kubeconfig context of the cluster to compare with.
    #[arg(long, value_name = "CTX")]
    pub context: String,

    /// Namespace for objects that declare none (and Helm's --namespace). Default: the
    /// context's namespace, else `default`.
    #[arg(long, short = 'n', value_name = "NS")]
    pub namespace: Option<String>,

    /// The application's name: the Helm release name, and the owner named in the tracking
    /// annotation (live objects tracked under this name and gone from Git show as extra).
    /// Default: the last component of --path.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Kubeconfig file to read instead of KUBECONFIG or ~/.kube/config.
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The application's id, as in Settings → Applications (`shipdeck apps` lists them).
    #[arg(value_name = "APP")]
    pub app: String,

    /// Preview this branch, tag or commit of the application's repository instead of the
    /// application's own revision. The application is not changed.
    #[arg(long, value_name = "REV")]
    pub revision: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The application's id, as in Settings → Applications (`shipdeck apps` lists them).
    #[arg(value_name = "APP")]
    pub app: String,

    /// Sync only this object (repeat for more): `KIND/NAME`, `KIND/NAMESPACE/NAME`, or with
    /// the API group first (`apps/Deployment/shop/web`, as `shipdeck diff` names objects).
    /// The kind is matched without regard to case. Default: the whole application.
    #[arg(long = "resource", value_name = "KIND/NAME")]
    pub resources: Vec<String>,

    /// Also delete the objects tracked as the application's that Git no longer declares (of
    /// the --resource selection, if any). They are listed on stderr before anything is
    /// deleted; without this flag they are listed and left alone.
    #[arg(long)]
    pub prune: bool,

    /// Only show what the sync would apply and prune (the comparison, as `shipdeck diff`
    /// prints it) and exit as `diff` does; nothing is changed or recorded.
    #[arg(long)]
    pub dry_run: bool,

    /// Take over fields another manager owns (`kubectl scale`, a controller). Without it,
    /// such a conflict fails the object and the conflicting fields and managers are printed.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub rollout: RolloutArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// How long a sync, rollback or undo waits for its rollout.
#[derive(Debug, Args)]
pub struct RolloutArgs {
    /// Wait until what was applied is Healthy. This is always done, so the flag changes
    /// nothing: a deployment counts as Succeeded only once its rollout is Healthy, and its
    /// record says Running until then (a run that returned earlier would leave it to show as
    /// interrupted). --timeout bounds the wait.
    #[arg(long)]
    pub wait: bool,

    /// How long the rollout may take to become Healthy (each wait, when objects are applied
    /// in waves): `90s`, `5m`, `1h`. Past it the deployment ends Failed (exit 1).
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "5m",
        value_parser = parse_duration
    )]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The application's id, as in Settings → Applications.
    #[arg(value_name = "APP")]
    pub app: String,

    /// The deployment to go back to: its id (`web.12`) or number (`12`), as `shipdeck
    /// deployments APP` lists them. Default: the newest successful deployment before the
    /// newest one that still holds its manifests.
    #[arg(long, value_name = "DEPLOYMENT")]
    pub to: Option<String>,

    #[command(flatten)]
    pub rollout: RolloutArgs,

    #[command(flatten)]
    pub output: FormatArgs,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The application's id, as in Settings → Applications.
    #[arg(value_name = "APP")]
    pub app: String,

    /// The Deployment to undo: `NAME` in the application's namespace, or `NAMESPACE/NAME`.
    #[arg(value_name = "DEPLOYMENT")]
    pub deployment: String,

    #[command(flatten)]
    pub rollout: RolloutArgs,

    #[command(flatten)]
    pub output: FormatArgs,
}

#[derive(Debug, Args)]
pub struct DeploymentsArgs {
    /// The application's id, as in Settings → Applications.
    #[arg(value_name = "APP")]
    pub app: String,

    #[command(flatten)]
    pub output: FormatArgs,
}

/// `--output` alone, for what has no diff to show.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// `text` for a terminal, `json` for scripts (the deployment record, or records, exactly
    /// as the cluster keeps them, without their manifests), `markdown` for a comment.
    #[arg(long, short = 'o', value_enum, default_value_t = Format::Text)]
    pub output: Format,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// `text` for a terminal (colour on a TTY unless NO_COLOR is set), `json` for scripts (the
    /// report exactly, or for a sync the deployment record; see the README), `markdown` for a
    /// pull-request comment.
    #[arg(long, short = 'o', value_enum, default_value_t = Format::Text)]
    pub output: Format,

    /// Text: show a unified diff of each changed resource (the default).
    #[arg(long, overrides_with = "no_diff")]
    pub diff: bool,

    /// Text: only the summary and the changed fields, without the unified diffs.
    #[arg(long, overrides_with = "diff")]
    pub no_diff: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_arguments_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn text_shows_diffs_unless_asked_not_to() {
        let parse = |extra: &[&str]| {
            let mut argv = vec!["shipdeck", "diff", "web"];
            argv.extend_from_slice(extra);
            match Cli::parse_from(argv).command {
                Command::Diff(d) => d.output,
                other => panic!("{other:?}"),
            }
        };
        assert!(!parse(&[]).no_diff);
        assert!(parse(&["--no-diff"]).no_diff);
        assert!(!parse(&["--no-diff", "--diff"]).no_diff);
        assert_eq!(parse(&["-o", "json"]).output, Format::Json);
    }

    #[test]
    fn the_git_timeout_is_five_minutes_unless_given_in_seconds_minutes_or_hours() {
        let timeout = |extra: &[&str]| {
            let mut argv = vec!["shipdeck"];
            argv.extend_from_slice(extra);
            argv.push("apps");
            Cli::try_parse_from(argv).map(|cli| cli.git_timeout)
        };
        assert_eq!(timeout(&[]).unwrap(), Duration::from_secs(300));
        assert_eq!(
            timeout(&["--git-timeout", "90"]).unwrap(),
            Duration::from_secs(90)
        );
        assert_eq!(
            timeout(&["--git-timeout", "2m"]).unwrap(),
            Duration::from_secs(120)
        );
        assert_eq!(
            timeout(&["--git-timeout", "1h"]).unwrap(),
            Duration::from_secs(3600)
        );
        for bad in ["0", "0s", "5 m", "m", "-1", "1.5m", "1d"] {
            assert!(timeout(&["--git-timeout", bad]).is_err(), "{bad}");
        }
        // Also after the command.
        let cli = Cli::try_parse_from(["shipdeck", "diff", "web", "--git-timeout", "7s"]).unwrap();
        assert_eq!(cli.git_timeout, Duration::from_secs(7));
        assert_eq!(show_duration(Duration::from_secs(300)), "5m");
        assert_eq!(show_duration(Duration::from_secs(90)), "90s");
    }

    #[test]
    fn sync_takes_a_selection_prune_force_and_a_rollout_timeout() {
        let sync = |extra: &[&str]| -> Result<SyncArgs, clap::Error> {
            let mut argv = vec!["shipdeck", "sync", "web"];
            argv.extend_from_slice(extra);
            match Cli::try_parse_from(argv)?.command {
                Command::Sync(s) => Ok(s),
                other => panic!("{other:?}"),
            }
        };
        let plain = sync(&[]).unwrap();
        assert_eq!(plain.app, "web");
        assert!(plain.resources.is_empty());
        assert!(!plain.prune && !plain.dry_run && !plain.force && !plain.rollout.wait);
        assert_eq!(plain.rollout.timeout, Duration::from_secs(300));
        assert_eq!(plain.output.output, Format::Text);
        let full = sync(&[
            "--resource",
            "Deployment/web",
            "--resource",
            "apps/Deployment/shop/api",
            "--prune",
            "--dry-run",
            "--force",
            "--wait",
            "--timeout",
            "90s",
            "-o",
            "json",
        ])
        .unwrap();
        assert_eq!(
            full.resources,
            ["Deployment/web", "apps/Deployment/shop/api"]
        );
        assert!(full.prune && full.dry_run && full.force && full.rollout.wait);
        assert_eq!(full.rollout.timeout, Duration::from_secs(90));
        assert_eq!(full.output.output, Format::Json);
        assert!(sync(&["--timeout", "0"]).is_err());
        assert!(sync(&["--resource"]).is_err());
        assert!(
            Cli::try_parse_from(["shipdeck", "sync"]).is_err(),
            "APP is required"
        );
    }

    #[test]
    fn rollback_and_deployments_need_no_git_options() {
        match Cli::try_parse_from([
            "shipdeck", "rollback", "web", "--to", "web.3", "-o", "markdown",
        ])
        .unwrap()
        .command
        {
            Command::Rollback(r) => {
                assert_eq!((r.app.as_str(), r.to.as_deref()), ("web", Some("web.3")));
                assert_eq!(r.output.output, Format::Markdown);
                assert_eq!(r.rollout.timeout, Duration::from_secs(300));
            }
            other => panic!("{other:?}"),
        }
        match Cli::try_parse_from(["shipdeck", "deployments", "web", "-o", "json"])
            .unwrap()
            .command
        {
            Command::Deployments(d) => assert_eq!(d.output.output, Format::Json),
            other => panic!("{other:?}"),
        }
        // Nothing to diff in a record.
        assert!(Cli::try_parse_from(["shipdeck", "rollback", "web", "--no-diff"]).is_err());
    }

    #[test]
    fn undo_takes_an_application_and_a_deployment() {
        match Cli::try_parse_from([
            "shipdeck",
            "undo",
            "web",
            "shop/api",
            "--timeout",
            "90s",
            "-o",
            "json",
        ])
        .unwrap()
        .command
        {
            Command::Undo(u) => {
                assert_eq!((u.app.as_str(), u.deployment.as_str()), ("web", "shop/api"));
                assert_eq!(u.rollout.timeout, Duration::from_secs(90));
                assert_eq!(u.output.output, Format::Json);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            Cli::try_parse_from(["shipdeck", "undo", "web"]).is_err(),
            "DEPLOYMENT is required"
        );
        assert!(Cli::try_parse_from(["shipdeck", "undo", "web", "web", "--no-diff"]).is_err());
    }
}
