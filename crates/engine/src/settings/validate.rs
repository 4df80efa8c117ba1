//! Rules a configuration must satisfy as a whole, checked before anything is stored and when a
//! file is loaded. Messages name the entry and the field and say what to fix. Git URLs, ref
//! names and paths are checked by the same parsers the poller uses ([`crate::sources`]).

use super::model::{IgnoreRule, Settings};
use super::{Error, Result};
use crate::sources;
use std::collections::HashSet;

pub const MIN_POLL_SECS: u32 = 5;
pub const MAX_POLL_SECS: u32 = 86_400;

pub fn validate(s: &Settings) -> Result<()> {
    unique("cluster", s.clusters.iter().map(|c| c.id.as_str()))?;
    unique("repository", s.repositories.iter().map(|r| r.id.as_str()))?;
    unique("application", s.applications.iter().map(|a| a.id.as_str()))?;
    unique("team", s.teams.iter().map(|t| t.id.as_str()))?;
    for t in &s.teams {
        id("team", &t.id)?;
        if let Some(missing) = t.applications.iter().find(|a| s.application(a).is_none()) {
            return invalid(format!(
                "team '{}': application '{missing}' is not configured; add it or take it out \
                 of the team",
                t.id
            ));
        }
    }
    for c in &s.clusters {
        id("cluster", &c.id)?;
        if c.context.trim().is_empty() {
            return invalid(format!(
                "cluster '{}': `context` is empty; pick a kubeconfig context",
                c.id
            ));
        }
    }
    for r in &s.repositories {
        id("repository", &r.id)?;
        sources::check_repository(r)
            .or_else(|e| invalid(format!("repository '{}': `url`/`auth`: {e}", r.id)))?;
        if !(MIN_POLL_SECS..=MAX_POLL_SECS).contains(&r.poll_interval_secs) {
            return invalid(format!(
                "repository '{}': `poll_interval_secs` is {}; it must be between {MIN_POLL_SECS} and {MAX_POLL_SECS} seconds",
                r.id, r.poll_interval_secs
            ));
        }
    }
    for a in &s.applications {
        id("application", &a.id)?;
        if s.repository(&a.repository).is_none() {
            return invalid(format!(
                "application '{}': `repository` '{}' is not configured; add it first",
                a.id, a.repository
            ));
        }
        if s.cluster(&a.cluster).is_none() {
            return invalid(format!(
                "application '{}': `cluster` '{}' is not configured; add it first",
                a.id, a.cluster
            ));
        }
        if !is_dns_label(&a.namespace) {
            return invalid(format!(
                "application '{}': `namespace` '{}' is not a valid namespace (lower-case letters, digits and '-', at most 63)",
                a.id, a.namespace
            ));
        }
        sources::check_application(a).or_else(|e| {
            invalid(format!(
                "application '{}': `revision`/`path`/`helm.values_files`: {e}",
                a.id
            ))
        })?;
        for rule in &a.ignore {
            ignore_rule(&a.id, rule)?;
            if let IgnoreRule::Manager { manager } = rule
                && s.drift.policy().is_manual(manager)
            {
                return invalid(format!(
                    "application '{}': fields owned by {manager} are edits made by hand, which \
                     is what drift shows: an ignore rule for them would hide every such edit. \
                     Ignore the field instead, or, if {manager} is an automation, leave it out \
                     of `drift.manual_managers`",
                    a.id
                ));
            }
        }
        if a.sync.keep_manifests == Some(0) {
            return invalid(format!(
                "application '{}': `sync.keep_manifests` must be at least 1: without the manifests of its last deployment nothing could be rolled back",
                a.id
            ));
        }
        let release = a.release_name();
        if !is_dns_label(release) || release.len() > 53 {
            return invalid(format!(
                "application '{}': `helm.release_name` '{release}' is not a valid Helm release name (lower-case letters, digits and '-', at most 53)",
                a.id
            ));
        }
    }
    if !s.deployments.namespace.is_empty() && !is_dns_label(&s.deployments.namespace) {
        return invalid(format!(
            "`deployments.namespace` '{}' is not a valid namespace (lower-case letters, digits and '-', at most 63)",
            s.deployments.namespace.escape_debug()
        ));
    }
    for m in &s.drift.manual_managers {
        if m.trim().is_empty() || m.len() > 128 || m.chars().any(char::is_control) {
            return invalid(format!(
                "`drift.manual_managers`: '{}' is not a field manager name; use names such as `kubectl-*` or `k9s`",
                m.escape_debug()
            ));
        }
    }
    Ok(())
}

/// A pointer as RFC 6901 writes it (`/spec/replicas`, `~1` for a `/` inside a key) and a
/// manager name, so that a rule that can never match is refused rather than kept silently.
fn ignore_rule(app: &str, rule: &IgnoreRule) -> Result<()> {
    match rule {
        IgnoreRule::Pointer { pointer, kind } => {
            let escapes_ok = pointer
                .split('~')
                .skip(1)
                .all(|rest| rest.starts_with('0') || rest.starts_with('1'));
            if !pointer.starts_with('/') || pointer.len() > 1024 || !escapes_ok {
                return invalid(format!(
                    "application '{app}': ignore rule `pointer` '{}' is not a JSON pointer; write it like `/spec/replicas` (`~1` for a '/' inside a key)",
                    pointer.escape_debug()
                ));
            }
            if let Some(kind) = kind
                && !kind.chars().all(|c| c.is_ascii_alphanumeric())
            {
                return invalid(format!(
                    "application '{app}': ignore rule `kind` '{}' is not a kind; write it like `Deployment`, or leave it out for every kind",
                    kind.escape_debug()
                ));
            }
        }
        IgnoreRule::Manager { manager } => {
            if manager.trim().is_empty()
                || manager.len() > 128
                || manager.chars().any(char::is_control)
            {
                return invalid(format!(
                    "application '{app}': ignore rule `manager` '{}' is not a field manager name",
                    manager.escape_debug()
                ));
            }
        }
    }
    Ok(())
}

fn invalid<T>(message: String) -> Result<T> {
    Err(Error::Invalid(message))
}

fn unique<'a>(what: &str, ids: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return invalid(format!(
                "there is already a {what} named '{id}'; choose another name"
            ));
        }
    }
    Ok(())
}

fn id(what: &str, id: &str) -> Result<()> {
    if is_dns_label(id) {
        Ok(())
    } else {
        invalid(format!(
            "{what} `id` '{id}' is not valid: use lower-case letters, digits and '-', at most 63 characters"
        ))
    }
}

pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}
