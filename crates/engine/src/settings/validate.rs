//! Rules a configuration must satisfy as a whole, checked before anything is stored and when a
//! file is loaded. Messages name the entry and the field and say what to fix. Git URLs, ref
//! names and paths are checked by the same parsers the poller uses ([`crate::sources`]).

use super::model::Settings;
use super::{Error, Result};
use crate::sources;
use std::collections::HashSet;

pub const MIN_POLL_SECS: u32 = 5;
pub const MAX_POLL_SECS: u32 = 86_400;

pub fn validate(s: &Settings) -> Result<()> {
    unique("cluster", s.clusters.iter().map(|c| c.id.as_str()))?;
    unique("repository", s.repositories.iter().map(|r| r.id.as_str()))?;
    unique("application", s.applications.iter().map(|a| a.id.as_str()))?;
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
        let release = a.release_name();
        if !is_dns_label(release) || release.len() > 53 {
            return invalid(format!(
                "application '{}': `helm.release_name` '{release}' is not a valid Helm release name (lower-case letters, digits and '-', at most 53)",
                a.id
            ));
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
