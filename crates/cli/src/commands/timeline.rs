//! `shipdeck timeline`, `shipdeck deployment-diff` and `shipdeck incident`: the engine's
//! timeline query over the history store (brought up to date from the clusters' records and
//! this desk's drift log first), what a deployment changed from its record's manifests, and
//! the incident mark on a record.

use super::application::Records;
use super::dora::bound;
use super::history::{index_all, open, scope};
use super::rollback::deployment_id;
use crate::args::{DeploymentDiffArgs, Format, IncidentArgs, TimelineArgs};
use crate::exit::Code;
use crate::output::{self, printable};
use anyhow::{Result, anyhow};
use jiff::{SignedDuration, Timestamp};
use shipdeck_engine::Dirs;
use shipdeck_engine::deployments;
use shipdeck_engine::drift_log::{DriftLog, KEPT};
use shipdeck_engine::history::{marks, timeline};
use shipdeck_ipc::deploy::DeploymentResult;
use shipdeck_ipc::timeline::{EventKind, Timeline, TimelineQuery};

/// The window shown when --since is not given.
const DEFAULT_DAYS: i64 = 7;

pub async fn run(
    args: TimelineArgs,
    dirs: &Dirs,
    git_timeout: std::time::Duration,
) -> Result<Code> {
    let until = match &args.until {
        Some(t) => bound("--until", t)?,
        None => Timestamp::now(),
    };
    let since = match &args.since {
        Some(t) => bound("--since", t)?,
        None => until.checked_sub(SignedDuration::from_hours(24 * DEFAULT_DAYS))?,
    };
    let query = TimelineQuery {
        since: since.to_string(),
        until: until.to_string(),
        app: None,
        team: None,
        cluster: args.scope.cluster.clone(),
        kinds: args
            .kinds
            .iter()
            .map(|k| {
                EventKind::from_label(k).ok_or_else(|| {
                    anyhow!(
                        "--kind {k:?} is not a kind; choose {}",
                        EventKind::ALL.map(|k| k.label()).join(", ")
                    )
                })
            })
            .collect::<Result<_>>()?,
        results: args
            .results
            .iter()
            .map(|r| {
                DeploymentResult::from_label(r)
                    .filter(|r| *r != DeploymentResult::Running)
                    .ok_or_else(|| {
                        anyhow!(
                            "--result {r:?} is not a result; choose succeeded, failed or cancelled"
                        )
                    })
            })
            .collect::<Result<_>>()?,
        limit: Some(args.limit),
    };
    // The window's checks: the same window and limits.
    let (since, until, filter) = timeline::checked(&query).map_err(|e| anyhow!("{e}"))?;
    let settings = super::settings(dirs)?;
    let store = open(dirs)?;
    let (scope, apps) = scope(&settings, &args.scope, dirs, &store)?;
    if !args.scope.offline {
        index_all(&settings, &apps, &store, dirs, git_timeout).await;
    }
    // Drift this desk's window saw, from its log (the command line watches nothing itself).
    let drifts = DriftLog::open(Some(dirs.drift_events())).recent(KEPT);
    if let Err(e) = store.record_drifts(drifts) {
        eprintln!("shipdeck: drift events not added to the history: {e}");
    }
    let timeline = store.timeline(&scope, since, until, &filter)?;
    let text = match args.output.output {
        Format::Json => serde_json::to_string_pretty(&timeline)? + "\n",
        Format::Text => lines(&timeline, ""),
        Format::Markdown => lines(&timeline, "- "),
    };
    output::write_stdout(&text)?;
    Ok(Code::DONE)
}

/// One line per event (each after `bullet`), then how many there are.
fn lines(timeline: &Timeline, bullet: &str) -> String {
    let mut out = String::new();
    for e in &timeline.events {
        out.push_str(bullet);
        out.push_str(&printable(&format!(
            "{}  {:<10}  {}  {}",
            e.at,
            e.what.kind().label(),
            e.app,
            e.line()
        )));
        out.push('\n');
    }
    let total: usize = timeline.counts.iter().map(|c| c.count).sum();
    out.push_str(&format!(
        "{} of {total} events from {} to {}{}\n",
        timeline.events.len(),
        timeline.since,
        timeline.until,
        if timeline.truncated() {
            " (the newest; narrow the window or filter to see the rest)"
        } else {
            ""
        }
    ));
    out
}

pub async fn diff(args: DeploymentDiffArgs, dirs: &Dirs) -> Result<Code> {
    let records = Records::open(dirs, &args.app).await?;
    let (cx, app) = (records.context(), records.app());
    let history = deployments::history(&cx).await?;
    let id = deployment_id(&app.id, &args.id);
    let against = args.against.as_deref().map(|a| deployment_id(&app.id, a));
    let diff = shipdeck_engine::deployment_diff::of(&cx, &history, &id, against.as_deref()).await?;
    if args.output.output == Format::Json {
        output::write_stdout(&(serde_json::to_string_pretty(&diff)? + "\n"))?;
        return Ok(Code::DONE);
    }
    let heading = match &diff.against {
        Some(base) => format!(
            "{} against {} (+ added, - removed, ~ changed)",
            diff.deployment.id, base.id
        ),
        None => format!("{} (nothing earlier to compare with)", diff.deployment.id),
    };
    for note in &diff.notes {
        eprintln!("shipdeck: {}", printable(note));
    }
    output::print_changes(
        &diff.report,
        &heading,
        args.output.output == Format::Markdown,
        !args.output.no_diff,
    )?;
    Ok(Code::DONE)
}

pub async fn incident(args: IncidentArgs, dirs: &Dirs) -> Result<Code> {
    let records = Records::open(dirs, &args.app).await?;
    let (cx, app) = (records.context(), records.app());
    let id = deployment_id(&app.id, &args.id);
    let marked = marks::mark(&cx, open(dirs)?, &id, !args.clear).await?;
    println!(
        "{} {}",
        printable(&marked.id),
        if marked.incident {
            "is marked as having caused an incident"
        } else {
            "is no longer marked as having caused an incident"
        }
    );
    Ok(Code::DONE)
}
