//! Rules a configuration must satisfy as a whole. Messages name the entry and say what to fix.

use super::{Error, Result};
use shipdeck_ipc::config::{RepoAuth, Revision, Settings};
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
            return invalid(format!("cluster '{}' needs a kubeconfig context", c.id));
        }
    }
    for r in &s.repositories {
        id("repository", &r.id)?;
        repository_url(&r.id, &r.url, &r.auth)?;
        if !(MIN_POLL_SECS..=MAX_POLL_SECS).contains(&r.poll_interval_secs) {
            return invalid(format!(
                "repository '{}': the poll interval must be between {MIN_POLL_SECS} s and {MAX_POLL_SECS} s",
                r.id
            ));
        }
    }
    for a in &s.applications {
        id("application", &a.id)?;
        if !s.repositories.iter().any(|r| r.id == a.repository) {
            return invalid(format!(
                "application '{}' uses repository '{}', which is not configured; add it first",
                a.id, a.repository
            ));
        }
        if !s.clusters.iter().any(|c| c.id == a.cluster) {
            return invalid(format!(
                "application '{}' deploys to cluster '{}', which is not configured; add it first",
                a.id, a.cluster
            ));
        }
        if !is_dns_label(&a.namespace) {
            return invalid(format!(
                "application '{}': '{}' is not a valid namespace (lower-case letters, digits and '-', at most 63)",
                a.id, a.namespace
            ));
        }
        path(&a.id, &a.path)?;
        revision(&a.id, &a.revision)?;
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
            "'{id}' is not a valid {what} name: use lower-case letters, digits and '-', at most 63 characters"
        ))
    }
}

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn path(app: &str, p: &str) -> Result<()> {
    if p.starts_with('/') || p.split('/').any(|part| part == "..") || p.contains('\\') {
        return invalid(format!(
            "application '{app}': the path '{p}' must be relative to the repository root, with '/' and no '..'"
        ));
    }
    Ok(())
}

fn revision(app: &str, r: &Revision) -> Result<()> {
    match r {
        Revision::Branch(n) | Revision::Tag(n) if n.trim().is_empty() || n.contains(' ') => {
            invalid(format!(
                "application '{app}': give a branch or tag name without spaces"
            ))
        }
        Revision::Commit(sha)
            if !(7..=40).contains(&sha.len()) || !sha.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            invalid(format!(
                "application '{app}': '{sha}' is not a commit SHA (7 to 40 hex digits)"
            ))
        }
        _ => Ok(()),
    }
}

/// Which URL schemes go with which auth. Local paths and file:// need no auth.
fn repository_url(repo: &str, url: &str, auth: &RepoAuth) -> Result<()> {
    let url = url.trim();
    let is_http = url.starts_with("https://") || url.starts_with("http://");
    let is_ssh = url.starts_with("ssh://") || is_scp_like(url);
    let is_other = url.starts_with("git://") || url.starts_with("file://") || url.starts_with('/');
    if !(is_http || is_ssh || is_other) {
        return invalid(format!(
            "repository '{repo}': '{url}' is not a Git URL; use https://…, ssh://…, user@host:path, git://… or an absolute path"
        ));
    }
    match auth {
        RepoAuth::Https { .. } if !is_http => invalid(format!(
            "repository '{repo}': user/password authentication needs an https:// URL"
        )),
        RepoAuth::SshKey { private_key, .. } if private_key.trim().is_empty() => invalid(format!(
            "repository '{repo}': choose the SSH private key file"
        )),
        RepoAuth::SshKey { .. } | RepoAuth::SshAgent if !is_ssh => invalid(format!(
            "repository '{repo}': SSH authentication needs an ssh:// or user@host:path URL"
        )),
        _ => Ok(()),
    }
}

/// `git@github.com:org/repo.git`: a user and host before a colon, no scheme.
fn is_scp_like(url: &str) -> bool {
    match url.split_once(':') {
        Some((host, rest)) => !host.contains('/') && host.contains('@') && !rest.starts_with("//"),
        None => false,
    }
}
