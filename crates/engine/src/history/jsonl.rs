//! Reading and writing the history exchange format ([`shipdeck_ipc::history`]). A file is read
//! whole and checked before anything is used: a bad line refuses the file with its line number,
//! so an import never stops halfway.

use shipdeck_ipc::history::{FORMAT, HistoryEvent, VERSION};

/// The most a history file may hold; a larger one is refused rather than read into memory.
pub const MAX_BYTES: usize = 256 * 1024 * 1024;

/// Why a file was refused: the 1-based line and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct Refused {
    pub line: usize,
    pub message: String,
}

/// Every event of `text` (without the header), or the first bad line.
pub fn parse(text: &str) -> Result<Vec<HistoryEvent>, Refused> {
    if text.len() > MAX_BYTES {
        return Err(refused(
            0,
            format!("the file is larger than {MAX_BYTES} bytes"),
        ));
    }
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty());
    match lines.next() {
        Some((n, line)) => match serde_json::from_str::<HistoryEvent>(line) {
            Ok(HistoryEvent::Header { format, version })
                if format == FORMAT && version == VERSION => {}
            Ok(HistoryEvent::Header { format, version }) => {
                return Err(refused(
                    n,
                    format!(
                        "this is {format:?} version {version}; Shipdeck reads {FORMAT:?} version {VERSION} (a newer Shipdeck may read it)"
                    ),
                ));
            }
            _ => {
                return Err(refused(
                    n,
                    format!(
                        "the first line must be the header {{\"type\":\"header\",\"format\":\"{FORMAT}\",\"version\":{VERSION}}}"
                    ),
                ));
            }
        },
        None => return Err(refused(1, "the file is empty: not even a header".into())),
    }
    let mut out = Vec::new();
    for (n, line) in lines {
        let event: HistoryEvent =
            serde_json::from_str(line).map_err(|e| refused(n, format!("not an event: {e}")))?;
        check(&event).map_err(|m| refused(n, m))?;
        out.push(event);
    }
    Ok(out)
}

/// `events` as a file: the header, then one event per line.
pub fn write(events: &[HistoryEvent]) -> String {
    let header = HistoryEvent::Header {
        format: FORMAT.into(),
        version: VERSION,
    };
    std::iter::once(&header)
        .chain(
            events
                .iter()
                .filter(|e| !matches!(e, HistoryEvent::Header { .. })),
        )
        .map(|e| serde_json::to_string(e).expect("events serialise") + "\n")
        .collect()
}

fn check(event: &HistoryEvent) -> Result<(), String> {
    let time = |field: &str, value: &str| {
        value
            .parse::<jiff::Timestamp>()
            .map(|_| ())
            .map_err(|e| format!("`{field}` is not an RFC 3339 time ({value:?}): {e}"))
    };
    let named = |field: &str, value: &str| {
        (!value.trim().is_empty())
            .then_some(())
            .ok_or_else(|| format!("`{field}` is empty"))
    };
    match event {
        HistoryEvent::Header { .. } => Err("a second header".into()),
        HistoryEvent::Commit {
            app,
            sha,
            committed_at,
            ..
        } => {
            named("app", app)?;
            named("sha", sha)?;
            time("committed_at", committed_at)
        }
        HistoryEvent::Deployment {
            app,
            cluster,
            id,
            started_at,
            finished_at,
            ..
        } => {
            named("app", app)?;
            named("cluster", cluster)?;
            named("id", id)?;
            time("started_at", started_at)?;
            time("finished_at", finished_at)?;
            let (start, end): (jiff::Timestamp, jiff::Timestamp) =
                (started_at.parse().unwrap(), finished_at.parse().unwrap());
            (end >= start)
                .then_some(())
                .ok_or_else(|| "`finished_at` is before `started_at`".to_string())
        }
        HistoryEvent::Incident {
            app,
            opened_at,
            resolved_at,
            ..
        } => {
            named("app", app)?;
            time("opened_at", opened_at)?;
            resolved_at
                .as_deref()
                .map_or(Ok(()), |r| time("resolved_at", r))
        }
    }
}

fn refused(line: usize, message: String) -> Refused {
    Refused { line, message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_ipc::deploy::DeploymentKind;
    use shipdeck_ipc::history::Outcome;

    fn deployment(id: &str) -> HistoryEvent {
        HistoryEvent::Deployment {
            app: "web".into(),
            cluster: "prod".into(),
            id: id.into(),
            kind: DeploymentKind::Rollback,
            started_at: "2026-11-02T09:14:00Z".into(),
            finished_at: "2026-11-02T10:16:30+01:00".into(),
            result: Outcome::Succeeded,
            revision: "4f1c".into(),
            commits: vec!["4f1c".into()],
            answers: Some("web.11".into()),
            incident: false,
        }
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let events = vec![
            HistoryEvent::Commit {
                app: "web".into(),
                sha: "4f1c".into(),
                committed_at: "2026-11-02T08:00:00Z".into(),
                author: "Maya Chen".into(),
            },
            deployment("web.12"),
            HistoryEvent::Incident {
                app: "web".into(),
                opened_at: "2026-11-02T09:20:00Z".into(),
                resolved_at: None,
                deployment: Some("web.12".into()),
            },
        ];
        let text = write(&events);
        assert!(
            text.starts_with(
                "{\"type\":\"header\",\"format\":\"shipdeck-history\",\"version\":1}\n"
            )
        );
        assert!(text.contains("\"kind\":\"rollback\""), "{text}");
        assert_eq!(parse(&text).unwrap(), events);
    }

    #[test]
    fn a_bad_line_refuses_the_whole_file_with_its_number() {
        let good = write(&[deployment("web.1")]);
        let bad_time = good.replace("2026-11-02T09:14:00Z", "yesterday");
        let err = parse(&format!("{good}{}", bad_time.lines().nth(1).unwrap())).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("started_at"), "{err}");
        let err = parse(&format!(
            "{good}\n{{\"type\":\"deployment\",\"app\":\"web\"}}\n"
        ))
        .unwrap_err();
        assert_eq!(err.line, 4, "blank lines count: {err}");
        let err = parse(&good.replace("\"rollback\"", "\"hot-swap\"")).unwrap_err();
        assert_eq!(err.line, 2);
        let err =
            parse(&good.replace("\"incident\":false", "\"incident\":false,\"x\":1")).unwrap_err();
        assert!(err.message.contains("unknown field"), "{err}");
        let backwards = good.replace("10:16:30+01:00", "08:16:30+01:00");
        assert!(parse(&backwards).unwrap_err().message.contains("before"));
    }

    #[test]
    fn the_header_is_required_and_a_newer_version_is_named() {
        let body = serde_json::to_string(&deployment("web.1")).unwrap();
        assert_eq!(parse(&body).unwrap_err().line, 1);
        assert_eq!(parse("").unwrap_err().line, 1);
        let newer = format!(
            "{{\"type\":\"header\",\"format\":\"shipdeck-history\",\"version\":2}}\n{body}\n"
        );
        let err = parse(&newer).unwrap_err();
        assert!(err.message.contains("version 2"), "{err}");
    }
}
