//! The timeline's question to the store: every commit, deployment, drift, incident and
//! recovery of a scope in a window of time, newest first, at most a limit of them, with how
//! many of each kind the window holds. Recoveries are [`crate::dora::recoveries`], so the
//! timeline and the recovery time count the same ones.
//!
//! Commits and incidents belong to applications, not clusters: with a cluster in the scope,
//! those of the applications that deployed there are shown.

use super::rows::{kind, rfc3339, scope_sql};
use super::store::{Error, Scope, Store, millis};
use crate::dora::Fact;
use jiff::Timestamp;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};
use shipdeck_ipc::deploy::DeploymentResult;
use shipdeck_ipc::timeline::{
    DEFAULT_LIMIT, DeploymentSource, EventKind, KindCount, MAX_LIMIT, Timeline, TimelineEvent,
    TimelineQuery, What,
};
use std::collections::BTreeSet;
use std::sync::Arc;

/// What to show of the window.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Empty: every kind.
    pub kinds: Vec<EventKind>,
    /// Deployments with these results only; empty: all.
    pub results: Vec<DeploymentResult>,
    pub limit: usize,
}

impl Filter {
    fn shows(&self, kind: EventKind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }
}

/// A kind's events of the window, newest first (at most the limit), and how many there are.
struct Found {
    kind: EventKind,
    events: Vec<(i64, TimelineEvent)>,
    count: usize,
}

impl Store {
    /// The timeline of `scope` over `since..until`.
    pub fn timeline(
        &self,
        scope: &Scope,
        since: Timestamp,
        until: Timestamp,
        filter: &Filter,
    ) -> Result<Timeline, Error> {
        let (from, to) = (since.as_millisecond(), until.as_millisecond());
        // However it was asked (the command line's --limit), never more than the most.
        let filter = &Filter {
            limit: filter.limit.clamp(1, MAX_LIMIT),
            ..filter.clone()
        };
        let mut found = self.read(|conn| {
            let mut found = Vec::new();
            let window = Window {
                conn,
                scope,
                from,
                to,
                limit: filter.limit,
            };
            if filter.shows(EventKind::Commit) {
                found.push(window.commits()?);
            }
            if filter.shows(EventKind::Deployment) {
                found.push(window.deployments(&filter.results)?);
            }
            if filter.shows(EventKind::Drift) {
                found.push(window.drifts()?);
            }
            if filter.shows(EventKind::Incident) {
                found.push(window.incidents()?);
            }
            Ok(found)
        })?;
        if filter.shows(EventKind::Recovery) {
            found.push(self.recoveries_in(scope, since, until, filter.limit)?);
        }
        let derived = self.derived()?;
        let (apps, clusters) = (derived.apps.clone(), derived.clusters.clone());
        let counts = found
            .iter()
            .map(|f| KindCount {
                kind: f.kind,
                count: f.count,
            })
            .collect();
        let mut events: Vec<(i64, TimelineEvent)> =
            found.into_iter().flat_map(|f| f.events).collect();
        // Newest first; at one instant, what follows from another above it (a recovery above the
        // deployment that made it, a deployment above a commit).
        events.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.what.rank().cmp(&a.1.what.rank())));
        events.truncate(filter.limit);
        Ok(Timeline {
            since: since.to_string(),
            until: until.to_string(),
            events: events.into_iter().map(|(_, e)| e).collect(),
            counts,
            apps,
            clusters,
        })
    }

    /// Every cluster something is stored about.
    pub fn clusters(&self) -> Result<Vec<String>, Error> {
        Ok(self.derived()?.clusters.clone())
    }

    /// What the timeline works out from every deployment, once per write.
    fn derived(&self) -> Result<Arc<Derived>, Error> {
        let (version, facts) = self.facts_versioned()?;
        let mut cache = self.derived.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, derived)) = cache.as_ref()
            && *at == version
        {
            return Ok(derived.clone());
        }
        let derived = Arc::new(Derived::of(&facts.iter().collect::<Vec<_>>()));
        *cache = Some((version, derived.clone()));
        Ok(derived)
    }

    fn recoveries_in(
        &self,
        scope: &Scope,
        since: Timestamp,
        until: Timestamp,
        limit: usize,
    ) -> Result<Found, Error> {
        // Recoveries are per application: those of every application, worked out once, serve
        // any choice of applications. A cluster changes which deployment recovers a failure
        // (the next success on that cluster), so they are worked out for it.
        let scoped;
        let recoveries = match &scope.cluster {
            None => &self.derived()?.recoveries,
            Some(_) => {
                let facts = self.facts_cached()?;
                let facts: Vec<&Fact> = facts.iter().filter(|f| scope.covers(f)).collect();
                scoped = Derived::of(&facts).recoveries;
                &scoped
            }
        };
        // Sorted by the recovery's time: the window is a range of it.
        let from = recoveries.partition_point(|r| r.at < since.as_millisecond());
        let to = recoveries.partition_point(|r| r.at < until.as_millisecond());
        let mut in_window: Vec<(i64, TimelineEvent)> = recoveries[from..to]
            .iter()
            .filter(|r| scope.apps.as_ref().is_none_or(|apps| apps.contains(&r.app)))
            .map(|r| {
                (
                    r.at,
                    TimelineEvent {
                        at: rfc3339(r.at),
                        app: r.app.clone(),
                        cluster: Some(r.cluster.clone()),
                        what: What::Recovery {
                            failed: r.failed.clone(),
                            seconds: r.seconds,
                        },
                    },
                )
            })
            .collect();
        in_window.reverse();
        let count = in_window.len();
        in_window.truncate(limit);
        Ok(Found {
            kind: EventKind::Recovery,
            events: in_window,
            count,
        })
    }
}

/// One recovery as the timeline shows it.
#[derive(Debug)]
pub(super) struct RecoveryRow {
    /// When it recovered (ms).
    at: i64,
    app: String,
    cluster: String,
    failed: String,
    seconds: i64,
}

/// What the timeline works out from a set of deployments.
#[derive(Debug, Default)]
pub(super) struct Derived {
    apps: Vec<String>,
    clusters: Vec<String>,
    /// Every recovery, oldest first by the time it recovered.
    recoveries: Vec<RecoveryRow>,
}

impl Derived {
    fn of(facts: &[&Fact]) -> Derived {
        let mut apps = BTreeSet::new();
        let mut clusters = BTreeSet::new();
        for f in facts {
            apps.insert(f.app.as_str());
            clusters.insert(cluster_of(&f.id).0);
        }
        let mut recoveries: Vec<RecoveryRow> =
            crate::dora::recoveries_of(facts, Timestamp::MIN, Timestamp::MAX)
                .into_iter()
                .map(|r| {
                    let (cluster, id) = cluster_of(&r.failed.id);
                    RecoveryRow {
                        at: r.recovered_at.as_millisecond(),
                        app: r.failed.app.clone(),
                        cluster: cluster.to_string(),
                        failed: id.to_string(),
                        seconds: r.seconds(),
                    }
                })
                .collect();
        recoveries.sort_by(|a, b| (a.at, &a.failed).cmp(&(b.at, &b.failed)));
        let owned = |set: BTreeSet<&str>| set.into_iter().map(String::from).collect();
        Derived {
            apps: owned(apps),
            clusters: owned(clusters),
            recoveries,
        }
    }
}

/// Where a stored deployment came from: the origin of its row, and for the cluster's, the
/// kind of id ([`super::replicasets`] and [`super::argocd`] name theirs).
fn source_of(origin: &str, id: &str) -> DeploymentSource {
    if origin == "import" {
        DeploymentSource::Import
    } else if id.starts_with("rs/") {
        DeploymentSource::ReplicaSet
    } else if id.starts_with("argocd/") {
        DeploymentSource::ArgoCd
    } else {
        DeploymentSource::Record
    }
}

/// A timeline question as the window or the command line asks it, checked: its window (RFC
/// 3339 bounds, the start before the end) and what to show (the limit from 1 to
/// [`MAX_LIMIT`]; none is [`DEFAULT_LIMIT`]).
pub fn checked(query: &TimelineQuery) -> Result<(Timestamp, Timestamp, Filter), String> {
    let (since, until) = crate::dora::period_between(&query.since, &query.until)?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(format!(
            "a timeline shows from 1 to {MAX_LIMIT} events, not {limit}"
        ));
    }
    Ok((
        since,
        until,
        Filter {
            kinds: query.kinds.clone(),
            results: query.results.clone(),
            limit,
        },
    ))
}

/// `CLUSTER/ID` as [`Store::facts`] names a deployment, split.
fn cluster_of(id: &str) -> (&str, &str) {
    id.split_once('/').unwrap_or(("", id))
}

struct Window<'a> {
    conn: &'a Connection,
    scope: &'a Scope,
    from: i64,
    to: i64,
    limit: usize,
}

impl Window<'_> {
    /// Conditions on `alias` for the scope, for a table whose rows belong to applications
    /// only (commits, incidents): a cluster in the scope keeps the applications that
    /// deployed there.
    fn apps_sql(&self, alias: &str) -> (String, Vec<Value>) {
        let apps_only = Scope {
            apps: self.scope.apps.clone(),
            cluster: None,
        };
        let (mut sql, mut args) = scope_sql(&apps_only, alias);
        if let Some(cluster) = &self.scope.cluster {
            sql.push_str(&format!(
                "{alias}.app IN (SELECT DISTINCT app FROM deployments WHERE cluster = ?) AND "
            ));
            args.push(cluster.clone().into());
        }
        (sql, args)
    }

    /// Runs `select` (with `{filter}` for the conditions and `?` bounds last) twice: counted,
    /// and newest first up to the limit.
    fn query(
        &self,
        kind: EventKind,
        table: &str,
        time: &str,
        columns: &str,
        (filter, args): (String, Vec<Value>),
        row: impl Fn(&rusqlite::Row) -> rusqlite::Result<(i64, TimelineEvent)>,
    ) -> rusqlite::Result<Found> {
        let mut args = args;
        args.push(self.from.into());
        args.push(self.to.into());
        let condition = format!("{filter} {time} >= ? AND {time} < ?");
        let count: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM {table} WHERE {condition}"),
            params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        args.push((self.limit as i64).into());
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {columns} FROM {table} WHERE {condition} ORDER BY {time} DESC LIMIT ?"
        ))?;
        let events = statement
            .query_map(params_from_iter(args.iter()), |r| row(r))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Found {
            kind,
            events,
            count: count as usize,
        })
    }

    fn commits(&self) -> rusqlite::Result<Found> {
        self.query(
            EventKind::Commit,
            "commits c",
            "c.committed_at",
            "c.committed_at, c.app, c.sha, c.author",
            self.apps_sql("c"),
            |r| {
                let at: i64 = r.get(0)?;
                Ok((
                    at,
                    TimelineEvent {
                        at: rfc3339(at),
                        app: r.get(1)?,
                        cluster: None,
                        what: What::Commit {
                            sha: r.get(2)?,
                            author: r.get(3)?,
                        },
                    },
                ))
            },
        )
    }

    fn deployments(&self, results: &[DeploymentResult]) -> rusqlite::Result<Found> {
        let (mut filter, mut args) = scope_sql(self.scope, "d");
        if !results.is_empty() {
            filter.push_str(&format!(
                "d.result IN ({}) AND ",
                vec!["?"; results.len()].join(", ")
            ));
            args.extend(results.iter().map(|r| Value::from(r.label().to_string())));
        }
        self.query(
            EventKind::Deployment,
            "deployments d",
            "d.finished_at",
            "d.finished_at, d.app, d.cluster, d.id, d.kind, d.result, d.revision, d.started_at, \
             d.answers, max(d.incident, d.recorded), d.origin, \
             (SELECT count(*) FROM deployment_commits dc WHERE dc.cluster = d.cluster AND dc.id = d.id)",
            (filter, args),
            |r| {
                let at: i64 = r.get(0)?;
                Ok((
                    at,
                    TimelineEvent {
                        at: rfc3339(at),
                        app: r.get(1)?,
                        cluster: Some(r.get(2)?),
                        what: {
                            let id: String = r.get(3)?;
                            What::Deployment {
                                source: source_of(&r.get::<_, String>(10)?, &id),
                                id,
                                kind: kind(&r.get::<_, String>(4)?),
                                result: super::store::result(&r.get::<_, String>(5)?),
                                revision: r.get(6)?,
                                started_at: millis(r.get(7)?).to_string(),
                                answers: r.get(8)?,
                                incident: r.get(9)?,
                                commits: r.get::<_, i64>(11)? as usize,
                            }
                        },
                    },
                ))
            },
        )
    }

    fn drifts(&self) -> rusqlite::Result<Found> {
        self.query(
            EventKind::Drift,
            "drifts f",
            "f.detected_at",
            "f.detected_at, f.app, f.cluster, f.commit_sha, f.resources, f.summary, f.resolved_at",
            scope_sql(self.scope, "f"),
            |r| {
                let at: i64 = r.get(0)?;
                Ok((
                    at,
                    TimelineEvent {
                        at: rfc3339(at),
                        app: r.get(1)?,
                        cluster: Some(r.get(2)?),
                        what: What::Drift {
                            commit: r.get(3)?,
                            resources: r.get::<_, i64>(4)? as usize,
                            summary: r.get(5)?,
                            resolved_at: r.get::<_, Option<i64>>(6)?.map(rfc3339),
                        },
                    },
                ))
            },
        )
    }

    fn incidents(&self) -> rusqlite::Result<Found> {
        self.query(
            EventKind::Incident,
            "incidents i",
            "i.opened_at",
            "i.opened_at, i.app, i.resolved_at, i.deployment",
            self.apps_sql("i"),
            |r| {
                let at: i64 = r.get(0)?;
                Ok((
                    at,
                    TimelineEvent {
                        at: rfc3339(at),
                        app: r.get(1)?,
                        cluster: None,
                        what: What::Incident {
                            resolved_at: r.get::<_, Option<i64>>(2)?.map(rfc3339),
                            deployment: r.get(3)?,
                        },
                    },
                ))
            },
        )
    }
}

#[cfg(test)]
#[path = "timeline_tests.rs"]
mod tests;
