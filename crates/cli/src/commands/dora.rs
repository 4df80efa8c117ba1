//! `shipdeck dora`: the five DORA metrics of an application, a team or everything stored,
//! over a period, from the history store after indexing the clusters' deployment records.

use super::history::{index_all, open, scope};
use crate::args::{DoraArgs, Format};
use crate::exit::Code;
use anyhow::{Result, anyhow, bail};
use jiff::{Timestamp, ToSpan};
use shipdeck_engine::Dirs;
use shipdeck_engine::dora;
use shipdeck_ipc::dora::{Band, DoraReport, DoraView};

/// The period when none is given: Four Keys' window for the frequency label.
const DEFAULT_DAYS: i64 = 90;

pub async fn run(args: DoraArgs, dirs: &Dirs, git_timeout: std::time::Duration) -> Result<Code> {
    let until = match &args.until {
        Some(text) => bound("--until", text)?,
        None => Timestamp::now(),
    };
    let since = match &args.since {
        Some(text) => bound("--since", text)?,
        None => until - (DEFAULT_DAYS * 24).hours(),
    };
    if since >= until {
        bail!("--since ({since}) must be before --until ({until})");
    }
    let settings = super::settings(dirs)?;
    let store = open(dirs)?;
    let (scope, apps) = scope(&settings, &args.scope, dirs, &store)?;
    if !args.scope.offline {
        index_all(&settings, &apps, &store, dirs, git_timeout).await;
    }
    let view = dora::measure(&store, &scope, since, until)?;
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
    Ok(Code::SYNCED)
}

/// A day (`2026-09-01`, midnight UTC) or an RFC 3339 instant.
fn bound(flag: &str, text: &str) -> Result<Timestamp> {
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
    let rows: [(&str, String, Option<Band>, String); 6] = [
        (
            "deployments",
            now.deployments.to_string(),
            None,
            before.deployments.to_string(),
        ),
        (
            "deployment frequency",
            frequency(now),
            bands.deployment_frequency,
            frequency(before),
        ),
        (
            "change lead time",
            lead_time(now),
            bands.lead_time,
            lead_time(before),
        ),
        (
            "change fail rate",
            percent(now.change_fail_rate.as_ref().map(|r| r.ratio)),
            bands.change_fail_rate,
            percent(before.change_fail_rate.as_ref().map(|r| r.ratio)),
        ),
        (
            "recovery time",
            median(now),
            bands.recovery_time,
            median(before),
        ),
        (
            "rework rate",
            percent(now.rework_rate.as_ref().map(|r| r.ratio)),
            None,
            percent(before.rework_rate.as_ref().map(|r| r.ratio)),
        ),
    ];
    let band = |b: Option<Band>| {
        b.map(|b| format!("{b:?}").to_lowercase())
            .unwrap_or_else(|| "-".into())
    };
    let heading = format!(
        "DORA metrics of {what}, {} to {} (previous period: from {}); bands of the DORA {} report",
        now.since, now.until, before.since, bands.year
    );
    let mut out = String::new();
    if markdown {
        out.push_str(&format!(
            "**{heading}**\n\n| metric | value | band | previous |\n|---|---|---|---|\n"
        ));
        for (name, value, b, previous) in rows {
            out.push_str(&format!(
                "| {name} | {value} | {} | {previous} |\n",
                band(b)
            ));
        }
    } else {
        out.push_str(&format!("{heading}\n\n"));
        out.push_str(&format!(
            "{:<22} {:<28} {:<7} {}\n",
            "metric", "value", "band", "previous"
        ));
        for (name, value, b, previous) in rows {
            out.push_str(&format!(
                "{name:<22} {value:<28} {:<7} {previous}\n",
                band(b)
            ));
        }
    }
    out
}

fn frequency(r: &DoraReport) -> String {
    r.deployment_frequency.as_ref().map_or("-".into(), |f| {
        format!(
            "{:.2}/day ({})",
            f.per_day,
            format!("{:?}", f.label).to_lowercase()
        )
    })
}

fn lead_time(r: &DoraReport) -> String {
    r.lead_time.as_ref().map_or("-".into(), |l| {
        format!(
            "median {}, p90 {}",
            duration(l.median_seconds),
            duration(l.p90_seconds)
        )
    })
}

fn median(r: &DoraReport) -> String {
    r.recovery_time.as_ref().map_or("-".into(), |t| {
        format!("median {}", duration(t.median_seconds))
    })
}

fn percent(ratio: Option<f64>) -> String {
    ratio.map_or("-".into(), |r| format!("{:.1}%", r * 100.0))
}

/// `3d 4h`, `2h 05m`, `45s`: the two largest units.
fn duration(seconds: i64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
        seconds % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s:02}s"),
        (0, _, _) => format!("{h}h {m:02}m"),
        _ => format!("{d}d {h}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_durations_read_as_a_meeting_expects() {
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
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(7500), "2h 05m");
        assert_eq!(duration(3 * 86_400 + 4 * 3600 + 59), "3d 4h");
    }
}
