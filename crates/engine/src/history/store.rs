//! The history store: an embedded SQLite database in the data directory, in WAL mode, written
//! by one writer thread and read by its own connection. It is an index of what the clusters'
//! deployment records and Git say, plus what was imported, which only it holds.
//!
//! A database that is damaged or was written by a newer Shipdeck is moved aside (kept, with its
//! WAL, as `history.sqlite.set-aside-TIME`) and a new one is made; [`Opened::notice`] says so.
//! Every write is one transaction with `synchronous=FULL`: a kill at any moment leaves every
//! committed write and none of a half-done one.

use super::rows::scope_sql;
use super::schema::{self, Problem};
use crate::dora::Fact;
use jiff::Timestamp;
use rusqlite::{Connection, params_from_iter};
use shipdeck_ipc::deploy::{DeploymentKind, DeploymentResult};
use shipdeck_ipc::drift::DriftEvent;
use shipdeck_ipc::history::{HistoryEvent, Outcome};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a write waits for another process (the window and a command line share the file).
const BUSY: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the history database {path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the history database {path} could not be set aside: {source}")]
    SetAside {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the history database {path} cannot be used even new: {reason}")]
    Unusable { path: PathBuf, reason: String },
    #[error("the history database's writer stopped")]
    WriterGone,
}

/// Where a row came from. Rows from clusters and Git are an index and can be made again;
/// imported rows exist only here (and in the file they came from).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A deployment record in a cluster, or one this desk kept.
    Cluster,
    /// A mirror's commit log.
    Git,
    /// A history file.
    Import,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Cluster => "cluster",
            Origin::Git => "git",
            Origin::Import => "import",
        }
    }
}

/// Which deployments a question is about: all, some applications (a team), one cluster.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub apps: Option<Vec<String>>,
    pub cluster: Option<String>,
}

impl Scope {
    /// Whether `fact` (as [`Store::facts`] names it, `CLUSTER/ID`) is in the scope.
    pub fn covers(&self, fact: &Fact) -> bool {
        self.apps
            .as_ref()
            .is_none_or(|apps| apps.contains(&fact.app))
            && self.cluster.as_ref().is_none_or(|c| {
                fact.id
                    .strip_prefix(c.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            })
    }
}

/// How many events of each type an import stored (new or updated).
pub type Imported = shipdeck_ipc::history::HistoryCounts;

pub struct Opened {
    pub store: Store,
    /// Set when the database found was set aside: what happened and where it was kept.
    pub notice: Option<String>,
}

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

pub struct Store {
    path: PathBuf,
    jobs: Option<mpsc::Sender<Job>>,
    writer: Option<JoinHandle<()>>,
    reader: Mutex<Connection>,
    /// Every deployment as the metrics take it, with the generation it was read at: the
    /// metrics of any period and scope are then worked out in memory, and read again only
    /// after a write that changes them (by this process's writer or another process).
    facts: Mutex<Option<(i64, Arc<Vec<Fact>>)>>,
    /// What the timeline works out from all the facts (recoveries, the applications and
    /// clusters), with the `data_version` of the facts it was worked out from.
    pub(super) derived: Mutex<Option<(i64, Arc<super::timeline::Derived>)>>,
}

impl Store {
    /// Opens (or makes) the database at `path`, setting aside one that cannot be used.
    pub fn open(path: &Path) -> Result<Opened, Error> {
        let sqlite = |source| Error::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::SetAside {
                path: path.to_path_buf(),
                source,
            })?;
        }
        // Checking and setting aside happen under a lock every process takes, so two of them
        // (the window and a command line) never both set aside, one the other's new database.
        let guard = lock(path).map_err(|source| Error::SetAside {
            path: path.to_path_buf(),
            source,
        })?;
        let (mut conn, notice) = match connect(path) {
            Ok(conn) => (conn, None),
            Err(problem) if problem.is_unusable() => {
                let kept = set_aside(path).map_err(|source| Error::SetAside {
                    path: path.to_path_buf(),
                    source,
                })?;
                tracing::warn!(path = %path.display(), kept = %kept.display(), "history database set aside: {problem}");
                let read_it = match problem {
                    Problem::Newer { .. } => "open it with the Shipdeck that wrote it",
                    _ => "SQLite's `.recover` may get it back",
                };
                let notice = format!(
                    "The history database could not be used: {problem}. It was kept in {} and a \
                     new one was made; deployments and commits are indexed again from the \
                     clusters and Git. History imported from files is only in the kept copy \
                     ({read_it}), or import the files again.",
                    kept.display()
                );
                (connect(path).map_err(problem_error(path))?, Some(notice))
            }
            Err(problem) => return Err(problem_error(path)(problem)),
        };
        drop(guard);
        let writer_conn = std::mem::replace(&mut conn, configure(path).map_err(sqlite)?);
        let (jobs, queue) = mpsc::channel::<Job>();
        let writer = std::thread::Builder::new()
            .name("history-writer".into())
            .spawn(move || {
                let mut conn = writer_conn;
                for job in queue {
                    job(&mut conn);
                }
            })
            .expect("a thread can be started");
        Ok(Opened {
            store: Store {
                path: path.to_path_buf(),
                jobs: Some(jobs),
                writer: Some(writer),
                reader: Mutex::new(conn),
                facts: Mutex::new(None),
                derived: Mutex::new(None),
            },
            notice,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the writer thread and waits for its answer.
    fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, Error> {
        let (answer, answered) = mpsc::sync_channel(1);
        let jobs = self.jobs.as_ref().ok_or(Error::WriterGone)?;
        jobs.send(Box::new(move |conn| {
            let _ = answer.send(f(conn));
        }))
        .map_err(|_| Error::WriterGone)?;
        answered
            .recv()
            .map_err(|_| Error::WriterGone)?
            .map_err(|source| Error::Sqlite {
                path: self.path.clone(),
                source,
            })
    }

    pub(super) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, Error> {
        let conn = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        f(&conn).map_err(|source| Error::Sqlite {
            path: self.path.clone(),
            source,
        })
    }

    /// Stores `events` (checked by [`super::jsonl::parse`] or made by the engine) in one
    /// transaction: all of them or, on any error, none. An event already stored is updated:
    /// a deployment by cluster and id, a commit by application and sha, an incident by
    /// application and opening time.
    pub fn import(&self, events: Vec<HistoryEvent>, origin: Origin) -> Result<Imported, Error> {
        self.write(move |conn| {
            let tx = conn.transaction()?;
            let counts = super::rows::insert(&tx, &events, origin.as_str())?;
            tx.commit()?;
            Ok(counts)
        })
    }

    /// Stores drift the clusters showed (from the drift log); an event stored before is kept
    /// once. Returns how many were new.
    pub fn record_drifts(&self, events: Vec<DriftEvent>) -> Result<usize, Error> {
        self.write(move |conn| {
            let tx = conn.transaction()?;
            let stored = super::rows::insert_drifts(&tx, &events, Origin::Cluster.as_str())?;
            tx.commit()?;
            Ok(stored)
        })
    }

    /// Marks the drift of application `app` on `cluster` still open as resolved at `at` (the
    /// application was seen in sync again). Returns how many were.
    pub fn resolve_drifts(&self, app: &str, cluster: &str, at: Timestamp) -> Result<usize, Error> {
        let (app, cluster) = (app.to_string(), cluster.to_string());
        self.write(move |conn| {
            conn.execute(
                "UPDATE drifts SET resolved_at = ?3 \
                 WHERE app = ?1 AND cluster = ?2 AND resolved_at IS NULL AND detected_at <= ?3",
                rusqlite::params![app, cluster, at.as_millisecond()],
            )
        })
    }

    /// Sets whether deployment `id` on `cluster` caused an incident, as the user said and its
    /// record now holds; clearing also clears a mark a history file added. Returns whether
    /// the history has the deployment.
    pub fn set_incident(&self, cluster: &str, id: &str, incident: bool) -> Result<bool, Error> {
        let (cluster, id) = (cluster.to_string(), id.to_string());
        self.write(move |conn| {
            // Cleared means cleared: a mark a history file added goes too.
            let tx = conn.transaction()?;
            let changed = tx.execute(
                "UPDATE deployments SET recorded = ?3, incident = incident AND ?3 \
                 WHERE cluster = ?1 AND id = ?2",
                rusqlite::params![cluster, id, incident],
            )?;
            super::rows::bump_generation(&tx)?;
            tx.commit()?;
            Ok(changed > 0)
        })
    }

    /// Everything stored about `scope`, as a history file holds it: commits, then finished
    /// deployments, then incidents, each oldest first.
    pub fn export(&self, scope: &Scope) -> Result<Vec<HistoryEvent>, Error> {
        self.read(|conn| super::rows::select_all(conn, scope))
    }

    /// The deployments of `scope` that finished at or after `since` or have not finished, as
    /// the DORA metrics take them. Ids are `CLUSTER/ID`, so two clusters never mix.
    pub fn facts(&self, scope: &Scope, since: Timestamp) -> Result<Vec<Fact>, Error> {
        self.read(|conn| {
            let (filter, mut args) = scope_sql(scope, "d");
            args.push(since.as_millisecond().into());
            let mut commits: HashMap<(String, String), Vec<Timestamp>> = HashMap::new();
            let mut statement = conn.prepare_cached(&format!(
                "SELECT dc.cluster, dc.id, c.committed_at FROM deployments d \
                 JOIN deployment_commits dc ON dc.cluster = d.cluster AND dc.id = d.id \
                 JOIN commits c ON c.app = dc.app AND c.sha = dc.sha \
                 WHERE {filter} d.result = 'succeeded' AND d.finished_at >= ?"
            ))?;
            let mut rows = statement.query(params_from_iter(args.iter()))?;
            while let Some(row) = rows.next()? {
                commits
                    .entry((row.get(0)?, row.get(1)?))
                    .or_default()
                    .push(millis(row.get(2)?));
            }
            let mut statement = conn.prepare_cached(&format!(
                "SELECT d.cluster, d.id, d.app, d.kind, d.result, d.finished_at, d.answers, \
                 max(d.incident, d.recorded) \
                 FROM deployments d WHERE {filter} (d.finished_at >= ? OR d.finished_at IS NULL)"
            ))?;
            let mut rows = statement.query(params_from_iter(args.iter()))?;
            let mut facts = Vec::new();
            while let Some(row) = rows.next()? {
                let cluster: String = row.get(0)?;
                let id: String = row.get(1)?;
                let answers: Option<String> = row.get(6)?;
                facts.push(Fact {
                    commits: commits
                        .remove(&(cluster.clone(), id.clone()))
                        .unwrap_or_default(),
                    id: format!("{cluster}/{id}"),
                    app: row.get(2)?,
                    kind: super::rows::kind(&row.get::<_, String>(3)?),
                    result: result(&row.get::<_, String>(4)?),
                    finished_at: row.get::<_, Option<i64>>(5)?.map(millis),
                    answers: answers.map(|a| format!("{cluster}/{a}")),
                    incident: row.get(7)?,
                });
            }
            Ok(facts)
        })
    }

    /// Every application something is stored about, configured or not (imported history may
    /// name applications this desk does not have).
    pub fn apps(&self) -> Result<Vec<String>, Error> {
        self.read(|conn| {
            let mut statement = conn
                .prepare("SELECT app FROM deployments UNION SELECT app FROM commits ORDER BY 1")?;
            statement.query_map([], |r| r.get(0))?.collect()
        })
    }

    /// Every deployment as [`Store::facts`] gives them, from a cache kept until the next write.
    pub fn facts_cached(&self) -> Result<Arc<Vec<Fact>>, Error> {
        self.facts_versioned().map(|(_, facts)| facts)
    }

    /// [`Store::facts_cached`], with the generation they were read at.
    pub(super) fn facts_versioned(&self) -> Result<(i64, Arc<Vec<Fact>>), Error> {
        let mut cache = self.facts.lock().unwrap_or_else(|e| e.into_inner());
        // Counted up by every write that changes what the metrics read (this process's or
        // another's), and by nothing else: drift coming in keeps the cache.
        let version = self.read(|conn| {
            conn.query_row("SELECT n FROM facts_generation", [], |r| r.get::<_, i64>(0))
        })?;
        if let Some((at, facts)) = cache.as_ref()
            && *at == version
        {
            return Ok((version, facts.clone()));
        }
        let facts = Arc::new(self.facts(&Scope::default(), Timestamp::MIN)?);
        *cache = Some((version, facts.clone()));
        Ok((version, facts))
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Closing the queue ends the writer after the jobs already sent.
        self.jobs.take();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

pub(super) fn millis(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

pub(super) fn result(text: &str) -> DeploymentResult {
    match text {
        "succeeded" => DeploymentResult::Succeeded,
        "failed" => DeploymentResult::Failed,
        "cancelled" => DeploymentResult::Cancelled,
        _ => DeploymentResult::Running,
    }
}

pub(super) fn outcome_str(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Succeeded => "succeeded",
        Outcome::Failed => "failed",
        Outcome::Cancelled => "cancelled",
    }
}

pub(super) fn kind_str(kind: DeploymentKind) -> &'static str {
    kind.label()
}

/// A connection to `path` with the store's settings, checked and migrated.
fn connect(path: &Path) -> Result<Connection, Problem> {
    let mut conn = configure(path)?;
    schema::prepare(&mut conn)?;
    Ok(conn)
}

fn configure(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

fn problem_error(path: &Path) -> impl Fn(Problem) -> Error + '_ {
    move |problem| match problem {
        Problem::Sqlite(source) => Error::Sqlite {
            path: path.to_path_buf(),
            source,
        },
        other => Error::Unusable {
            path: path.to_path_buf(),
            reason: other.to_string(),
        },
    }
}

/// An exclusive lock on `PATH.lock`, released when the file is dropped.
fn lock(path: &Path) -> std::io::Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(format!("{}.lock", path.display()))?;
    file.lock()?;
    Ok(file)
}

/// Moves the database and its WAL files together into a new directory
/// `NAME.set-aside-TIME-PID` (never over anything), where SQLite opens them as they were;
/// returns the directory. The WAL goes first: a kill in between leaves the database where it
/// was, to be set aside again, and what its WAL held kept.
fn set_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = Timestamp::now().strftime("%Y%m%dT%H%M%S%.fZ").to_string();
    let kept = PathBuf::from(format!(
        "{}.set-aside-{stamp}-{}",
        path.display(),
        std::process::id()
    ));
    std::fs::create_dir(&kept)?;
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    for suffix in ["-wal", "-shm", ""] {
        let from = PathBuf::from(format!("{}{suffix}", path.display()));
        if from.exists() {
            std::fs::rename(&from, kept.join(format!("{name}{suffix}")))?;
        }
    }
    Ok(kept)
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
