//! A deployment record, the result of `shipdeck sync` and `rollback`: text for a terminal,
//! the record itself as JSON, Markdown for a comment. Everything in a record may come from the
//! cluster (another desk wrote it, the server's refusal is quoted in it), so every string is
//! printed escaped.

use super::markdown::{cell, code, escape_text};
use super::{printable, write_stdout};
use crate::args::Format;
use anyhow::Result;
use shipdeck_ipc::deploy::{Deployment, RecordPlace, ResourceRef, ResourceResult};
use std::fmt::Write as _;

pub fn print(deployment: &Deployment, heading: &str, format: Format) -> Result<()> {
    let out = match format {
        Format::Json => serde_json::to_string_pretty(deployment)? + "\n",
        Format::Text => text(deployment, heading),
        Format::Markdown => markdown(deployment, heading),
    };
    write_stdout(&out)
}

/// `group/Kind/namespace/name`, as `shipdeck diff` names objects (and `--resource` takes).
pub fn resource_id(r: &ResourceRef) -> String {
    let mut out = String::new();
    for part in [Some(&r.group).filter(|g| !g.is_empty()), Some(&r.kind)]
        .into_iter()
        .chain([r.namespace.as_ref()])
        .flatten()
    {
        out.push_str(part);
        out.push('/');
    }
    out.push_str(&r.name);
    printable(&out)
}

/// `.spec.replicas (kubectl-scale), …`: the fields a sync without --force did not take.
pub fn conflicts(result: &ResourceResult) -> Option<String> {
    (!result.conflicts.is_empty()).then(|| {
        let listed: Vec<String> = result
            .conflicts
            .iter()
            .map(|c| format!("{} ({})", c.field, c.manager))
            .collect();
        crate::one_line(&listed.join(", "))
    })
}

/// What happened to one object, in words: its conflicts, else the server's message or the
/// health's.
pub fn detail(result: &ResourceResult) -> Option<String> {
    if let Some(fields) = conflicts(result) {
        return Some(format!(
            "fields another manager owns: {fields}; rerun with --force to take them over"
        ));
    }
    result
        .message
        .as_deref()
        .or(result.health_message.as_deref())
        .map(crate::one_line)
}

/// `succeeded, Healthy`, `failed, Degraded`, `running (interrupted)`.
pub fn outcome(d: &Deployment) -> String {
    let mut out = d.result.label().to_string();
    if d.interrupted {
        out = "interrupted".into();
    }
    if let Some(health) = d.health {
        out.push_str(", ");
        out.push_str(health.label());
    }
    out
}

/// RFC 3339 to the second: the records keep nanoseconds nobody reads.
pub fn short_time(rfc3339: &str) -> String {
    let text = match rfc3339.split_once('.') {
        Some((seconds, rest)) => {
            format!(
                "{seconds}{}",
                rest.trim_start_matches(|c: char| c.is_ascii_digit())
            )
        }
        None => rfc3339.to_string(),
    };
    printable(&text)
}

pub fn short_sha(sha: &str) -> String {
    printable(&sha.chars().take(10).collect::<String>())
}

pub fn place(place: RecordPlace) -> &'static str {
    match place {
        RecordPlace::Cluster => "cluster",
        RecordPlace::Local => "this desk only",
    }
}

/// `by alice@desk (system:admin)`.
fn by(d: &Deployment) -> String {
    match &d.identity {
        Some(identity) => printable(&format!("{} as {identity}", d.by)),
        None => printable(&d.by),
    }
}

/// `restores web.1, answering web.2`, for a rollback.
fn lineage(d: &Deployment) -> Option<String> {
    let parts: Vec<String> = [
        d.restores.as_ref().map(|r| format!("restores {r}")),
        d.answers.as_ref().map(|a| format!("answers {a}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| printable(&parts.join(", ")))
}

pub fn text(d: &Deployment, heading: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} {} {}",
        printable(heading),
        d.kind.label(),
        printable(&d.id),
        outcome(d)
    );
    let mut facts = vec![
        ("revision", short_sha(&d.revision)),
        ("by", by(d)),
        ("started", short_time(&d.started_at)),
    ];
    if let Some(finished) = &d.finished_at {
        facts.push(("finished", short_time(finished)));
    }
    if let Some(lineage) = lineage(d) {
        facts.push(("rollback", lineage));
    }
    facts.push(("record", place(d.place).to_string()));
    if let Some(message) = &d.message {
        facts.push(("message", crate::one_line(message)));
    }
    for (name, value) in facts {
        let _ = writeln!(out, "  {name:<9} {value}");
    }
    if d.resources.is_empty() {
        return out;
    }
    let _ = writeln!(out);
    let actions: Vec<&str> = d.resources.iter().map(|r| r.action.label()).collect();
    let healths: Vec<&str> = d
        .resources
        .iter()
        .map(|r| r.health.map_or("-", |h| h.label()))
        .collect();
    let action_width = actions.iter().map(|a| a.len()).max().unwrap_or(0);
    let health_width = healths.iter().map(|h| h.len()).max().unwrap_or(0);
    for ((r, action), health) in d.resources.iter().zip(actions).zip(healths) {
        let _ = write!(
            out,
            "  {action:<action_width$}  {health:<health_width$}  {}",
            resource_id(&r.resource)
        );
        match detail(r) {
            Some(detail) => {
                let _ = writeln!(out, ": {detail}");
            }
            None => out.push('\n'),
        }
    }
    out
}

pub fn markdown(d: &Deployment, heading: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### {}\n", escape_text(&printable(heading)));
    let _ = writeln!(
        out,
        "{} {}: **{}**\n",
        escape_text(d.kind.label()),
        code(&printable(&d.id)),
        escape_text(&outcome(d))
    );
    let _ = writeln!(out, "| Revision | By | Started | Finished | Record |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |\n",
        cell(&code(&short_sha(&d.revision))),
        cell(&escape_text(&by(d))),
        cell(&escape_text(&short_time(&d.started_at))),
        cell(&escape_text(
            &d.finished_at.as_deref().map(short_time).unwrap_or_default()
        )),
        place(d.place)
    );
    if let Some(lineage) = lineage(d) {
        let _ = writeln!(out, "This rollback {}.\n", escape_text(&lineage));
    }
    if let Some(message) = &d.message {
        let _ = writeln!(out, "> {}\n", escape_text(&crate::one_line(message)));
    }
    if d.resources.is_empty() {
        return out;
    }
    let _ = writeln!(out, "| Resource | Action | Health | Detail |");
    let _ = writeln!(out, "|---|---|---|---|");
    for r in &d.resources {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&code(&resource_id(&r.resource))),
            r.action.label(),
            r.health.map_or("", |h| h.label()),
            cell(&escape_text(&detail(r).unwrap_or_default()))
        );
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use shipdeck_ipc::HealthStatus;
    use shipdeck_ipc::deploy::{ApplyAction, DeploymentKind, DeploymentResult, FieldConflict};

    pub fn sample() -> Deployment {
        Deployment {
            id: "web.3".into(),
            app: "web".into(),
            cluster: "a".into(),
            seq: 3,
            kind: DeploymentKind::Sync,
            result: DeploymentResult::Succeeded,
            interrupted: false,
            revision: "0123456789abcdef".into(),
            commits: vec![],
            selection: vec![],
            started_at: "2025-06-01T12:00:00.123456789Z".into(),
            finished_at: Some("2025-06-01T12:00:09.5+00:00".into()),
            by: "alice@desk".into(),
            identity: Some("system:admin".into()),
            answers: None,
            restores: None,
            health: Some(HealthStatus::Healthy),
            message: None,
            resources: vec![
                result(
                    "",
                    "ConfigMap",
                    ApplyAction::Created,
                    Some(HealthStatus::Healthy),
                ),
                result("apps", "Deployment", ApplyAction::Configured, None),
            ],
            has_manifests: true,
            place: RecordPlace::Cluster,
            incident: false,
        }
    }

    fn result(
        group: &str,
        kind: &str,
        action: ApplyAction,
        health: Option<HealthStatus>,
    ) -> ResourceResult {
        ResourceResult {
            resource: ResourceRef {
                group: group.into(),
                kind: kind.into(),
                namespace: Some("shop".into()),
                name: "web".into(),
            },
            action,
            message: None,
            conflicts: vec![],
            health,
            health_message: None,
        }
    }

    #[test]
    fn text_says_how_it_ended_then_each_object() {
        let text = text(&sample(), "sync web → cluster a");
        assert_eq!(
            text,
            "sync web → cluster a: sync web.3 succeeded, Healthy\n  \
             revision  0123456789\n  \
             by        alice@desk as system:admin\n  \
             started   2025-06-01T12:00:00Z\n  \
             finished  2025-06-01T12:00:09+00:00\n  \
             record    cluster\n\n  \
             created     Healthy  ConfigMap/shop/web\n  \
             configured  -        apps/Deployment/shop/web\n"
        );
    }

    #[test]
    fn a_conflict_names_fields_and_managers_and_the_flag_that_takes_them() {
        let mut d = sample();
        d.result = DeploymentResult::Failed;
        d.health = None;
        d.message = Some("apps/Deployment/shop/web failed".into());
        let web = &mut d.resources[1];
        web.action = ApplyAction::Failed;
        web.message = Some("fields another manager owns would change".into());
        web.conflicts = vec![FieldConflict {
            field: ".spec.replicas".into(),
            manager: "kubectl-scale".into(),
        }];
        let text = text(&d, "sync web");
        assert!(text.starts_with("sync web: sync web.3 failed\n"), "{text}");
        assert!(
            text.contains(
                "  failed   -        apps/Deployment/shop/web: fields another manager owns: \
                 .spec.replicas (kubectl-scale); rerun with --force to take them over\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("  message   apps/Deployment/shop/web failed\n"),
            "{text}"
        );
        let md = markdown(&d, "sync web");
        assert!(
            md.contains("| `apps/Deployment/shop/web` | failed |  | fields another manager owns: .spec.replicas (kubectl-scale); rerun with --force to take them over |"),
            "{md}"
        );
    }

    #[test]
    fn a_rollback_says_what_it_restores_and_answers() {
        let mut d = sample();
        d.kind = DeploymentKind::Rollback;
        d.restores = Some("web.1".into());
        d.answers = Some("web.2".into());
        d.place = RecordPlace::Local;
        let text = text(&d, "rollback web");
        assert!(
            text.contains(
                "  rollback  restores web.1, answers web.2\n  record    this desk only\n"
            ),
            "{text}"
        );
        let md = markdown(&d, "rollback web");
        assert!(
            md.starts_with(
                "### rollback web\n\nrollback `web.3`: **succeeded, Healthy**\n\n\
                 | Revision | By | Started | Finished | Record |\n|---|---|---|---|---|\n\
                 | `0123456789` | alice@desk as system:admin | 2025-06-01T12:00:00Z | \
                 2025-06-01T12:00:09+00:00 | this desk only |\n\n\
                 This rollback restores web.1, answers web.2.\n\n"
            ),
            "{md}"
        );
    }

    #[test]
    fn nothing_from_the_cluster_reaches_the_terminal_unescaped() {
        let esc = "\x1b]0;pwned\x07\x1b[2J\u{9b}31m\u{202e}";
        let mut d = sample();
        d.id = format!("web{esc}.3");
        d.by = format!("eve{esc}");
        d.identity = Some(format!("sa{esc}"));
        d.message = Some(format!("refused: {esc}\r\nline 2"));
        d.revision = format!("ab{esc}");
        d.started_at = format!("2025{esc}");
        d.resources[0].resource.name = format!("n{esc}");
        d.resources[0].message = Some(format!("m{esc}"));
        d.resources[1].conflicts = vec![FieldConflict {
            field: format!("f{esc}"),
            manager: format!("k{esc}"),
        }];
        for (format, out, refusal) in [
            ("text", text(&d, "sync web"), r"refused: \u{1b}]0;pwned"),
            // Markdown also escapes the backslash and bracket.
            (
                "markdown",
                markdown(&d, "sync web"),
                r"refused: \\u{1b}\]0;pwned",
            ),
        ] {
            let bad: Vec<char> = out
                .chars()
                .filter(|&c| {
                    (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c)
                })
                .collect();
            assert!(bad.is_empty(), "{format}: {bad:?} in {out}");
            assert!(out.contains(refusal), "{format}: {out}");
            assert!(out.contains("line 2"), "{format}: {out}");
        }
    }

    #[test]
    fn times_are_cut_to_the_second() {
        assert_eq!(short_time("2025-06-01T12:00:00.5Z"), "2025-06-01T12:00:00Z");
        assert_eq!(
            short_time("2025-06-01T12:00:00.5+02:00"),
            "2025-06-01T12:00:00+02:00"
        );
        assert_eq!(
            short_time("2025-06-01T12:00:00.25-05:00"),
            "2025-06-01T12:00:00-05:00"
        );
        assert_eq!(short_time("2025-06-01T12:00:00Z"), "2025-06-01T12:00:00Z");
        assert_eq!(short_time(""), "");
    }
}
