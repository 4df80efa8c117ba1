//! The demo's history: a season of deployments, failures, rollbacks and hotfixes of the demo
//! applications, made from the demo repository's own commits (each application's directory),
//! so Metrics opens on real numbers and charts. It is written as a history file and imported
//! with `shipdeck history import`, the path a user has; importing it again changes nothing.
//!
//! Every commit of an application but its newest is deployed some hours after it was made
//! (the newest is what `demo_cluster` deploys for real). The hours, and which deployments fail,
//! come from the commit's hash, so the season is the same at every run: about one in nine
//! deployments fails and is rolled back within the hour (an incident), and about one in
//! sixteen is followed by a hotfix.

use crate::demo_settings::APPLICATIONS;
use crate::step::run;
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// A deployment of the season.
struct Deployment<'a> {
    app: &'a str,
    cluster: &'a str,
    id: String,
    kind: &'a str,
    started: i64,
    finished: i64,
    result: &'a str,
    revision: &'a str,
    commits: Vec<&'a str>,
    answers: Option<String>,
    incident: bool,
}

pub fn ensure(workspace: &Path, home: &Path, shipdeck: &Path) -> Result<()> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let mut file =
        String::from("{\"type\":\"header\",\"format\":\"shipdeck-history\",\"version\":1}\n");
    let mut count = 0;
    for (app, cluster, _) in APPLICATIONS {
        let log = git_log(workspace, &format!("apps/{app}"))?;
        // Oldest first; the newest is deployed for real.
        let deployed = &log[..log.len().saturating_sub(1)];
        let mut good: Option<&str> = None;
        for (n, (sha, committed, author)) in deployed.iter().enumerate() {
            let _ = writeln!(
                file,
                "{{\"type\":\"commit\",\"app\":\"{app}\",\"sha\":\"{sha}\",\"committed_at\":\"{}\",\"author\":{:?}}}",
                rfc3339(*committed),
                author
            );
            let dice = u32::from_str_radix(&sha[..6], 16).unwrap_or(0);
            // Two to thirty hours after the commit, on a working hour of that day.
            let finished = committed + 2 * 3600 + i64::from(dice % 28) * 3600;
            if finished > now - 3600 {
                continue;
            }
            let fails = dice % 9 == 4 && good.is_some();
            let sync = Deployment {
                app,
                cluster,
                id: format!("{app}.season-{n}"),
                kind: "sync",
                started: finished - 180,
                finished,
                result: if fails { "failed" } else { "succeeded" },
                revision: sha,
                commits: vec![sha],
                answers: None,
                incident: fails,
            };
            let mut deployments = vec![sync];
            if let (true, Some(previous)) = (fails, good) {
                let back = finished + 900 + i64::from(dice % 45) * 60;
                let _ = writeln!(
                    file,
                    "{{\"type\":\"incident\",\"app\":\"{app}\",\"opened_at\":\"{}\",\"resolved_at\":\"{}\",\"deployment\":\"{app}.season-{n}\"}}",
                    rfc3339(finished + 60),
                    rfc3339(back)
                );
                deployments.push(Deployment {
                    app,
                    cluster,
                    id: format!("{app}.season-{n}-rollback"),
                    kind: "rollback",
                    started: back - 120,
                    finished: back,
                    result: "succeeded",
                    revision: previous,
                    commits: Vec::new(),
                    answers: Some(format!("{app}.season-{n}")),
                    incident: false,
                });
            } else if dice % 16 == 7 {
                let fix = finished + 3 * 3600;
                deployments.push(Deployment {
                    app,
                    cluster,
                    id: format!("{app}.season-{n}-hotfix"),
                    kind: "hotfix",
                    started: fix - 120,
                    finished: fix,
                    result: "succeeded",
                    revision: sha,
                    commits: Vec::new(),
                    answers: Some(format!("{app}.season-{n}")),
                    incident: false,
                });
                good = Some(sha);
            } else {
                good = Some(sha);
            }
            for d in deployments.into_iter().filter(|d| d.finished < now - 3600) {
                file.push_str(&line(&d));
                count += 1;
            }
        }
    }
    let path = crate::paths::cache_dir().join("demo-history.jsonl");
    std::fs::write(&path, file).with_context(|| format!("writing {}", path.display()))?;
    run(Command::new(shipdeck)
        .args(["history", "import"])
        .arg(&path)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .stdout(std::process::Stdio::null()))
    .context("importing the demo's history")?;
    println!("    imported a season of {count} deployments with `shipdeck history import`");
    Ok(())
}

fn line(d: &Deployment<'_>) -> String {
    let commits: Vec<String> = d.commits.iter().map(|c| format!("\"{c}\"")).collect();
    let answers = d
        .answers
        .as_ref()
        .map_or("null".to_string(), |a| format!("\"{a}\""));
    format!(
        "{{\"type\":\"deployment\",\"app\":\"{}\",\"cluster\":\"{}\",\"id\":\"{}\",\"kind\":\"{}\",\"started_at\":\"{}\",\"finished_at\":\"{}\",\"result\":\"{}\",\"revision\":\"{}\",\"commits\":[{}],\"answers\":{answers},\"incident\":{}}}\n",
        d.app,
        d.cluster,
        d.id,
        d.kind,
        rfc3339(d.started),
        rfc3339(d.finished),
        d.result,
        d.revision,
        commits.join(","),
        d.incident
    )
}

/// The commits that changed `path`, oldest first: (sha, commit time, author).
fn git_log(workspace: &Path, path: &str) -> Result<Vec<(String, i64, String)>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(workspace)
        .args(["log", "--reverse", "--format=%H %ct %an", "--", path])
        .output()
        .context("reading the demo repository's log")?;
    anyhow::ensure!(out.status.success(), "git log of {path} failed");
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut parts = l.splitn(3, ' ');
            let sha = parts.next()?.to_string();
            let time = parts.next()?.parse().ok()?;
            Some((sha, time, parts.next().unwrap_or("").to_string()))
        })
        .collect())
}

/// Seconds since the epoch as RFC 3339 in UTC (the proleptic Gregorian calendar, as
/// `date -u` prints it).
fn rfc3339(secs: i64) -> String {
    let (days, of_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_as_rfc3339_in_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_600), "2026-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400 + 3661), "2000-02-29T01:01:01Z");
    }
}
