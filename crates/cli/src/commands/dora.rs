//! `shipdeck dora`: the five DORA metrics of an application, a team or everything stored,
//! over a period, from the history store after indexing the clusters' deployment records.

use super::history::{index_all, open, scope};
use crate::args::{DoraArgs, Format};
use crate::exit::Code;
use anyhow::{Context, Result, anyhow};
use jiff::Timestamp;
use shipdeck_engine::Dirs;
use shipdeck_engine::charts::{self, ChartKind};
use shipdeck_engine::dora;
use shipdeck_ipc::dora::{ChartFormat, DoraView};
use shipdeck_ipc::dora_text as text;

pub async fn run(args: DoraArgs, dirs: &Dirs, git_timeout: std::time::Duration) -> Result<Code> {
    let parse =
        |flag: &str, text: &Option<String>| text.as_deref().map(|t| bound(flag, t)).transpose();
    let (since, until) = dora::period(
        parse("--since", &args.since)?,
        parse("--until", &args.until)?,
        Timestamp::now(),
    )
    .map_err(|e| anyhow!("{e}"))?;
    let settings = super::settings(dirs)?;
    let store = open(dirs)?;
    let (scope, apps) = scope(&settings, &args.scope, dirs, &store)?;
    if !args.scope.offline {
        index_all(&settings, &apps, &store, dirs, git_timeout).await;
    }
    if let Some(metric) = &args.explain {
        let rows = dora::behind_in(&store, &scope, metric, since, until)?.ok_or_else(|| {
            anyhow!(
                "--explain {metric:?} is not a metric; choose {}",
                text::METRICS.map(|m| m.id).join(", ")
            )
        })?;
        match args.output.output {
            Format::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
            Format::Text | Format::Markdown => {
                for r in &rows {
                    println!(
                        "{}  {}  {} {}{}",
                        r.finished_at,
                        r.deployment,
                        r.kind.label(),
                        r.result.label(),
                        r.detail
                            .as_ref()
                            .map(|d| format!(": {d}"))
                            .unwrap_or_default()
                    );
                }
                println!("{} deployments", rows.len());
            }
        }
        return Ok(Code::DONE);
    }
    let view = dora::measure(&store, &scope, since, until)?;
    let files = [
        (
            &args.png,
            if args.scale == 2 {
                ChartFormat::Png2x
            } else {
                ChartFormat::Png1x
            },
        ),
        (&args.svg, ChartFormat::Svg),
        (&args.csv, ChartFormat::Csv),
    ];
    if files.iter().any(|(f, _)| f.is_some()) {
        let kind = ChartKind::from_id(&args.chart).ok_or_else(|| {
            anyhow!(
                "--chart {:?} is not a chart; choose {}",
                args.chart,
                ChartKind::ALL.map(|k| k.id()).join(", ")
            )
        })?;
        let chart = charts::of_history(&store, &scope, since, until)?
            .into_iter()
            .find(|c| c.kind == kind)
            .ok_or_else(|| anyhow!("no {} chart", args.chart))?;
        for (file, format) in files {
            if let Some(file) = file {
                shipdeck_engine::atomic_file::replace(file, &charts::export(&chart, format))
                    .with_context(|| format!("cannot write {}", file.display()))?;
            }
        }
    }
    let what = match (&args.scope.app, &args.scope.team) {
        (Some(app), _) => format!("application {app}"),
        (_, Some(team)) => format!("team {team}"),
        _ => "every application".to_string(),
    };
    match args.output.output {
        Format::Json => println!("{}", serde_json::to_string_pretty(&view)?),
        Format::Text => print!("{}", table(&view, &what, false)),
        Format::Markdown => print!("{}", table(&view, &what, true)),
    }
    Ok(Code::DONE)
}

/// A day (`2026-09-01`, midnight UTC) or an RFC 3339 instant.
pub(super) fn bound(flag: &str, text: &str) -> Result<Timestamp> {
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    text.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| {
            anyhow!("{flag} {text:?} is not a date (2026-09-01) or an RFC 3339 time (2026-09-01T09:00:00Z)")
        })
}

fn table(view: &DoraView, what: &str, markdown: bool) -> String {
    let (now, before, bands) = (&view.report, &view.previous, &view.bands);
    let band = |id: &str| text::band(id, bands).map_or(text::NONE, |b| b.label());
    let heading = format!(
        "DORA metrics of {what}, {} to {} (previous period: from {}); bands of the DORA {} \
         report",
        now.since, now.until, before.since, bands.year
    );
    let mut out = String::new();
    if markdown {
        out.push_str(&format!(
            "**{heading}**\n\n| metric | value | band | previous |\n|---|---|---|---|\n"
        ));
        for m in text::METRICS {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                m.name,
                text::value(m.id, now),
                band(m.id),
                text::value(m.id, before)
            ));
        }
        out.push('\n');
        for m in text::METRICS {
            out.push_str(&format!("- **{}**: {}\n", m.name, m.definition));
        }
    } else {
        out.push_str(&format!("{heading}\n\n"));
        out.push_str(&format!(
            "{:<32} {:<30} {:<7} {}\n",
            "metric", "value", "band", "previous"
        ));
        for m in text::METRICS {
            out.push_str(&format!(
                "{:<32} {:<30} {:<7} {}\n",
                m.name,
                text::value(m.id, now),
                band(m.id),
                text::value(m.id, before)
            ));
        }
        out.push('\n');
        for m in text::METRICS {
            out.push_str(&format!("{}: {}\n", m.name, m.definition));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_days_or_instants() {
        assert_eq!(
            bound("--since", "2026-09-01").unwrap().to_string(),
            "2026-09-01T00:00:00Z"
        );
        assert_eq!(
            bound("--since", "2026-09-01T09:30:00+02:00")
                .unwrap()
                .to_string(),
            "2026-09-01T07:30:00Z"
        );
        assert!(
            bound("--since", "last week")
                .unwrap_err()
                .to_string()
                .contains("--since")
        );
    }
}
