//! History events to and from the store's rows.

use super::store::{Imported, Scope, kind_str, millis, outcome_str};
use jiff::Timestamp;
use rusqlite::{Connection, Transaction, params, params_from_iter};
use shipdeck_ipc::deploy::DeploymentKind;
use shipdeck_ipc::drift::DriftEvent;
use shipdeck_ipc::history::{HistoryEvent, Outcome};
use std::collections::HashMap;

/// Stores `events` in `tx`; the caller commits. A row that would not change is not written, so
/// indexing the same records again every few minutes leaves the database (and the metrics
/// cache keyed by its generation) as it was.
pub fn insert(
    tx: &Transaction,
    events: &[HistoryEvent],
    origin: &str,
) -> rusqlite::Result<Imported> {
    let mut counts = Imported::default();
    let mut changed = 0;
    let mut commit = tx.prepare_cached(
        "INSERT INTO commits (app, sha, committed_at, author, origin) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (app, sha) DO UPDATE SET committed_at = excluded.committed_at, \
         author = excluded.author \
         WHERE committed_at IS NOT excluded.committed_at OR author IS NOT excluded.author",
    )?;
    // A deployment's own record says whether it caused an incident (`recorded`, taken as it
    // is); a history file can only add a mark (`incident`). The metrics count either.
    let mut deployment = tx.prepare_cached(
        "INSERT INTO deployments (cluster, id, app, kind, started_at, finished_at, result, \
         revision, answers, incident, origin, recorded) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
         ON CONFLICT (cluster, id) DO UPDATE SET app = excluded.app, kind = excluded.kind, \
         started_at = excluded.started_at, finished_at = excluded.finished_at, \
         result = excluded.result, revision = excluded.revision, answers = excluded.answers, \
         incident = max(incident, excluded.incident), \
         recorded = CASE WHEN excluded.origin = 'cluster' THEN excluded.recorded ELSE recorded END \
         WHERE app IS NOT excluded.app OR kind IS NOT excluded.kind \
         OR started_at IS NOT excluded.started_at OR finished_at IS NOT excluded.finished_at \
         OR result IS NOT excluded.result OR revision IS NOT excluded.revision \
         OR answers IS NOT excluded.answers OR incident < excluded.incident \
         OR (excluded.origin = 'cluster' AND recorded IS NOT excluded.recorded)",
    )?;
    let mut stored_commits = tx.prepare_cached(
        "SELECT sha FROM deployment_commits WHERE cluster = ?1 AND id = ?2 ORDER BY position",
    )?;
    let mut forget_commits =
        tx.prepare_cached("DELETE FROM deployment_commits WHERE cluster = ?1 AND id = ?2")?;
    let mut brought = tx.prepare_cached(
        "INSERT OR IGNORE INTO deployment_commits (cluster, id, app, sha, position) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut incident = tx.prepare_cached(
        "INSERT INTO incidents (app, opened_at, resolved_at, deployment, origin) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (app, opened_at) DO UPDATE SET \
         resolved_at = coalesce(excluded.resolved_at, resolved_at), \
         deployment = coalesce(excluded.deployment, deployment) \
         WHERE coalesce(excluded.resolved_at, resolved_at) IS NOT resolved_at \
         OR coalesce(excluded.deployment, deployment) IS NOT deployment",
    )?;
    for event in events {
        match event {
            HistoryEvent::Header { .. } => {}
            HistoryEvent::Commit {
                app,
                sha,
                committed_at,
                author,
            } => {
                changed +=
                    commit.execute(params![app, sha, time(committed_at)?, author, origin])?;
                counts.commits += 1;
            }
            HistoryEvent::Deployment {
                app,
                cluster,
                id,
                kind,
                started_at,
                finished_at,
                result,
                revision,
                commits,
                answers,
                incident: caused_incident,
            } => {
                let from_record = origin == "cluster";
                changed += deployment.execute(params![
                    cluster,
                    id,
                    app,
                    kind_str(*kind),
                    time(started_at)?,
                    time(finished_at)?,
                    outcome_str(*result),
                    revision,
                    answers,
                    *caused_incident && !from_record,
                    origin,
                    *caused_incident && from_record,
                ])?;
                let stored: Vec<String> = stored_commits
                    .query_map(params![cluster, id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                if stored != *commits {
                    changed += 1;
                    forget_commits.execute(params![cluster, id])?;
                    for (position, sha) in commits.iter().enumerate() {
                        brought.execute(params![cluster, id, app, sha, position as i64])?;
                    }
                }
                counts.deployments += 1;
            }
            HistoryEvent::Incident {
                app,
                opened_at,
                resolved_at,
                deployment: caused_by,
            } => {
                let resolved = resolved_at.as_deref().map(time).transpose()?;
                incident.execute(params![app, time(opened_at)?, resolved, caused_by, origin])?;
                counts.incidents += 1;
            }
        }
    }
    if changed > 0 {
        bump_generation(tx)?;
    }
    Ok(counts)
}

/// Counts up the generation the metrics cache is keyed by: what they read has changed.
pub fn bump_generation(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("UPDATE facts_generation SET n = n + 1", [])
        .map(|_| ())
}

/// Drift older than this is forgotten when new drift is stored.
const DRIFT_KEPT_DAYS: i64 = 730;

/// Stores drift seen in a cluster; the same event (application, cluster, time) twice is one.
pub fn insert_drifts(
    tx: &Transaction,
    events: &[DriftEvent],
    origin: &str,
) -> rusqlite::Result<usize> {
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO drifts (app, cluster, detected_at, commit_sha, resources, summary, \
         origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut stored = 0;
    for event in events {
        // One unreadable event (a hand-edited log) must not keep the others out.
        let Ok(at) = time(&event.at) else {
            tracing::warn!(app = %event.app, "drift event with an unreadable time skipped");
            continue;
        };
        stored += insert.execute(params![
            event.app,
            event.cluster,
            at,
            event.commit,
            event.resources.len() as i64,
            event.headline(),
            origin
        ])?;
    }
    let oldest = Timestamp::now().as_millisecond() - DRIFT_KEPT_DAYS * 86_400_000;
    tx.execute("DELETE FROM drifts WHERE detected_at < ?1", params![oldest])?;
    Ok(stored)
}

/// Everything about `scope`: commits, finished deployments, incidents, each oldest first.
/// Commits and incidents belong to applications, so a cluster scope keeps those of every
/// application that deployed there.
pub fn select_all(conn: &Connection, scope: &Scope) -> rusqlite::Result<Vec<HistoryEvent>> {
    let apps_only = Scope {
        apps: scope.apps.clone(),
        cluster: None,
    };
    let mut events = Vec::new();
    let (filter, args) = scope_sql(&apps_only, "c");
    let mut statement = conn.prepare(&format!(
        "SELECT c.app, c.sha, c.committed_at, c.author FROM commits c WHERE {filter} 1 \
         ORDER BY c.committed_at, c.app, c.sha"
    ))?;
    let mut rows = statement.query(params_from_iter(args.iter()))?;
    while let Some(row) = rows.next()? {
        events.push(HistoryEvent::Commit {
            app: row.get(0)?,
            sha: row.get(1)?,
            committed_at: rfc3339(row.get(2)?),
            author: row.get(3)?,
        });
    }

    let (filter, args) = scope_sql(scope, "d");
    let mut brought: HashMap<(String, String), Vec<String>> = HashMap::new();
    let mut statement = conn.prepare(&format!(
        "SELECT dc.cluster, dc.id, dc.sha FROM deployment_commits dc \
         JOIN deployments d ON d.cluster = dc.cluster AND d.id = dc.id \
         WHERE {filter} 1 ORDER BY dc.cluster, dc.id, dc.position"
    ))?;
    let mut rows = statement.query(params_from_iter(args.iter()))?;
    while let Some(row) = rows.next()? {
        brought
            .entry((row.get(0)?, row.get(1)?))
            .or_default()
            .push(row.get(2)?);
    }
    let mut statement = conn.prepare(&format!(
        "SELECT d.cluster, d.id, d.app, d.kind, d.started_at, d.finished_at, d.result, \
         d.revision, d.answers, max(d.incident, d.recorded) FROM deployments d \
         WHERE {filter} d.finished_at IS NOT NULL AND d.result != 'running' \
         ORDER BY d.finished_at, d.cluster, d.id"
    ))?;
    let mut rows = statement.query(params_from_iter(args.iter()))?;
    while let Some(row) = rows.next()? {
        let cluster: String = row.get(0)?;
        let id: String = row.get(1)?;
        events.push(HistoryEvent::Deployment {
            commits: brought
                .remove(&(cluster.clone(), id.clone()))
                .unwrap_or_default(),
            app: row.get(2)?,
            kind: kind(&row.get::<_, String>(3)?),
            started_at: rfc3339(row.get(4)?),
            finished_at: rfc3339(row.get(5)?),
            result: outcome(&row.get::<_, String>(6)?),
            revision: row.get(7)?,
            answers: row.get(8)?,
            incident: row.get(9)?,
            cluster,
            id,
        });
    }

    let (filter, args) = scope_sql(&apps_only, "i");
    let mut statement = conn.prepare(&format!(
        "SELECT i.app, i.opened_at, i.resolved_at, i.deployment FROM incidents i \
         WHERE {filter} 1 ORDER BY i.opened_at, i.app"
    ))?;
    let mut rows = statement.query(params_from_iter(args.iter()))?;
    while let Some(row) = rows.next()? {
        events.push(HistoryEvent::Incident {
            app: row.get(0)?,
            opened_at: rfc3339(row.get(1)?),
            resolved_at: row.get::<_, Option<i64>>(2)?.map(rfc3339),
            deployment: row.get(3)?,
        });
    }
    Ok(events)
}

/// `AND`-terminated conditions for `scope` on the table `alias`, and their values.
pub fn scope_sql(scope: &Scope, alias: &str) -> (String, Vec<rusqlite::types::Value>) {
    let mut sql = String::new();
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(apps) = &scope.apps {
        let marks = vec!["?"; apps.len()].join(", ");
        sql.push_str(&format!("{alias}.app IN ({marks}) AND "));
        args.extend(apps.iter().map(|a| a.clone().into()));
    }
    if let Some(cluster) = &scope.cluster {
        sql.push_str(&format!("{alias}.cluster = ? AND "));
        args.push(cluster.clone().into());
    }
    (sql, args)
}

/// Only [`insert`] writes kinds, from [`DeploymentKind::label`].
pub fn kind(text: &str) -> DeploymentKind {
    DeploymentKind::from_label(text).unwrap_or(DeploymentKind::Sync)
}

fn outcome(text: &str) -> Outcome {
    match text {
        "succeeded" => Outcome::Succeeded,
        "cancelled" => Outcome::Cancelled,
        _ => Outcome::Failed,
    }
}

pub(super) fn time(text: &str) -> rusqlite::Result<i64> {
    text.parse::<Timestamp>()
        .map(|t| t.as_millisecond())
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

pub(super) fn rfc3339(ms: i64) -> String {
    millis(ms).to_string()
}
