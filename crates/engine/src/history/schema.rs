//! The history database's schema as numbered migrations, applied in one transaction each and
//! counted in SQLite's `user_version`. A migration that shipped is never edited: a user's
//! database may be at any of them, so a change is a new migration that keeps what is stored.
//!
//! Times are milliseconds since the Unix epoch (UTC). `origin` says where a row came from
//! ([`super::Origin`]): rows from clusters and Git can be rebuilt, imported ones cannot.

use rusqlite::Connection;

pub(super) const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE commits (
    app TEXT NOT NULL,
    sha TEXT NOT NULL,
    committed_at INTEGER NOT NULL,
    author TEXT NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (app, sha)
) WITHOUT ROWID;

CREATE TABLE deployments (
    cluster TEXT NOT NULL,
    id TEXT NOT NULL,
    app TEXT NOT NULL,
    kind TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    result TEXT NOT NULL,
    revision TEXT NOT NULL,
    answers TEXT,
    incident INTEGER NOT NULL DEFAULT 0,
    origin TEXT NOT NULL,
    PRIMARY KEY (cluster, id)
);
CREATE INDEX deployments_by_finish ON deployments (finished_at);
CREATE INDEX deployments_by_app ON deployments (app, finished_at);

CREATE TABLE deployment_commits (
    cluster TEXT NOT NULL,
    id TEXT NOT NULL,
    app TEXT NOT NULL,
    sha TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (cluster, id, sha)
) WITHOUT ROWID;

CREATE TABLE incidents (
    app TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    resolved_at INTEGER,
    deployment TEXT,
    origin TEXT NOT NULL,
    PRIMARY KEY (app, opened_at)
) WITHOUT ROWID;
"#,
    // 2: drift seen in the clusters, for the timeline; the timeline's window queries; the
    // mark a deployment's own record holds (`recorded`), apart from marks history files add
    // (`incident`); a generation counted up by every write that changes what the metrics read,
    // so drift and incidents do not throw their cache away.
    r#"
ALTER TABLE deployments ADD COLUMN recorded INTEGER NOT NULL DEFAULT 0;
CREATE TABLE facts_generation (n INTEGER NOT NULL);
INSERT INTO facts_generation (n) VALUES (0);
CREATE TABLE drifts (
    app TEXT NOT NULL,
    cluster TEXT NOT NULL,
    detected_at INTEGER NOT NULL,
    commit_sha TEXT NOT NULL,
    resources INTEGER NOT NULL,
    summary TEXT NOT NULL,
    origin TEXT NOT NULL,
    resolved_at INTEGER,
    PRIMARY KEY (app, cluster, detected_at)
) WITHOUT ROWID;
CREATE INDEX drifts_by_time ON drifts (detected_at);
CREATE INDEX commits_by_time ON commits (committed_at);
CREATE INDEX incidents_by_time ON incidents (opened_at);
"#,
];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Why a database could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("it was written by a newer Shipdeck (schema {found}, this one knows {VERSION})")]
    Newer { found: i64 },
    #[error("it is damaged ({0})")]
    Damaged(String),
    /// Anything else (a lock held too long, a full disk): the database may be fine.
    #[error(transparent)]
    Sqlite(rusqlite::Error),
}

impl Problem {
    /// A newer or damaged database is set aside and rebuilt; any other error is reported.
    pub fn is_unusable(&self) -> bool {
        !matches!(self, Problem::Sqlite(_))
    }
}

impl From<rusqlite::Error> for Problem {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
        match e.sqlite_error_code() {
            Some(NotADatabase | DatabaseCorrupt) => Problem::Damaged(e.to_string()),
            _ => Problem::Sqlite(e),
        }
    }
}

/// Checks `conn` and brings it to [`VERSION`]. A damaged or newer database is left untouched.
pub fn prepare(conn: &mut Connection) -> Result<(), Problem> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > VERSION {
        return Err(Problem::Newer { found });
    }
    let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(Problem::Damaged(check));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        // Taken for writing at once, and the version read again inside: another process may
        // have migrated since.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now > index as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
