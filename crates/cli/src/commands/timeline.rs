//! `shipdeck timeline`, `shipdeck deployment-diff` and `shipdeck incident`: the engine's
//! timeline query over the history store (brought up to date from the clusters' records and
//! this desk's drift log first), what a deployment changed from its record's manifests, and
//! the incident mark on a record.

use super::application::{connect, find};
use super::dora::bound;
use super::history::{index_all, open, scope};
use super::rollback::deployment_id;
use crate::args::{DeploymentDiffArgs, Format, IncidentArgs, TimelineArgs};
use crate::exit::Code;
use crate::output::{self, printable};
use anyhow::{Result, anyhow};
use jiff::{SignedDuration, Timestamp};
use shipdeck_engine::Dirs;
use shipdeck_engine::deployments::{self, Context};
use shipdeck_engine::drift_log::{DriftLog, KEPT};
use shipdeck_engine::history::timeline::Filter;
use shipdeck_ipc::deploy::DeploymentResult;
use shipdeck_ipc::timeline::{EventKind, Timeline, What};

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
    if since >= until {
        return Err(anyhow!("--since {since} must be before --until {until}"));
    }
    let kinds = args
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
        .collect::<Result<Vec<_>>>()?;
    let results = args
        .results
        .iter()
        .map(|r| match r.as_str() {
            "succeeded" => Ok(DeploymentResult::Succeeded),
            "failed" => Ok(DeploymentResult::Failed),
            "cancelled" => Ok(DeploymentResult::Cancelled),
            other => Err(anyhow!(
                "--result {other:?} is not a result; choose succeeded, failed or cancelled"
            )),
        })
        .collect::<Result<Vec<_>>>()?;
    if args.limit == 0 {
        return Err(anyhow!("--limit must be at least 1"));
    }
    let settings = super::settings(dirs)?;
    let store = open(dirs)?;
    let (mut scope, apps) = scope(&settings, &args.scope, dirs, &store)?;
    scope.cluster = args.cluster.clone();
    if !args.scope.offline {
        index_all(&settings, &apps, &store, dirs, git_timeout).await;
    }
    // Drift this desk's window saw, from its log (the command line watches nothing itself).
    let drifts = DriftLog::open(Some(dirs.drift_events())).recent(KEPT);
    if let Err(e) = store.record_drifts(drifts) {
        eprintln!("shipdeck: drift events not added to the history: {e}");
    }
    let filter = Filter {
        kinds,
        results,
        limit: args.limit,
    };
    let timeline = store.timeline(&scope, since, until, &filter)?;
    match args.output.output {
        Format::Json => output::write_stdout(&(serde_json::to_string_pretty(&timeline)? + "\n"))?,
        Format::Text | Format::Markdown => output::write_stdout(&text(&timeline))?,
    }
    Ok(Code::DONE)
}

fn text(timeline: &Timeline) -> String {
    let mut out = String::new();
    for e in &timeline.events {
        let cluster = e.cluster.as_deref().unwrap_or("-");
        let detail = match &e.what {
            What::Commit { sha, author } => {
                format!("{} by {author}", output::deployment::short_sha(sha))
            }
            What::Deployment {
                id,
                kind,
                result,
                revision,
                answers,
                incident,
                ..
            } => format!(
                "{id} {} {} revision {}{}{}",
                kind.label(),
                result.label(),
                output::deployment::short_sha(revision),
                answers
                    .as_deref()
                    .map(|a| format!(", answers {a}"))
                    .unwrap_or_default(),
                if *incident {
                    ", caused an incident"
                } else {
                    ""
                }
            ),
            What::Drift {
                resources, summary, ..
            } => format!("{resources} resources: {summary}"),
            What::Incident {
                resolved_at,
                deployment,
            } => format!(
                "{}{}",
                resolved_at
                    .as_deref()
                    .map_or("open".to_string(), |r| format!("resolved {r}")),
                deployment
                    .as_deref()
                    .map(|d| format!(", caused by {d}"))
                    .unwrap_or_default()
            ),
            What::Recovery { failed, seconds } => format!(
                "{failed} recovered after {}",
                shipdeck_ipc::dora_text::duration(*seconds)
            ),
        };
        out.push_str(&printable(&format!(
            "{}  {:<10}  {}  {}  {detail}",
            e.at,
            e.what.kind().label(),
            e.app,
            cluster
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
    let settings = super::settings(dirs)?;
    let app = find(&settings, &args.app, dirs)?;
    let (cluster, client) = connect(&settings, app).await?;
    let local = dirs.deployments();
    let cx = Context {
        settings: &settings,
        app,
        cluster,
        client: &client,
        local_root: &local,
    };
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
    output::print_changes(&diff.report, &heading, &args.output)?;
    Ok(Code::DONE)
}

pub async fn incident(args: IncidentArgs, dirs: &Dirs) -> Result<Code> {
    let settings = super::settings(dirs)?;
    let app = find(&settings, &args.app, dirs)?;
    let (cluster, client) = connect(&settings, app).await?;
    let local = dirs.deployments();
    let cx = Context {
        settings: &settings,
        app,
        cluster,
        client: &client,
        local_root: &local,
    };
    let history = deployments::history(&cx).await?;
    let id = deployment_id(&app.id, &args.id);
    let marked = deployments::set_incident(&cx, &history, &id, !args.clear).await?;
    let store = open(dirs)?;
    store.set_incident(&cx.cluster.id, &marked.id, marked.incident)?;
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
