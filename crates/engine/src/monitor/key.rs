//! What one poller follows: a repository at a revision. Every application on the same
//! repository and revision shares its poller and its mirror.

use crate::settings::model::{Application, Revision};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceKey {
    pub repository: String,
    pub revision: Revision,
}

impl SourceKey {
    pub fn of(app: &Application) -> Self {
        Self {
            repository: app.repository.clone(),
            revision: app.revision.clone(),
        }
    }

    /// A directory name for the mirror of this key at `url`: readable, and unique per URL and
    /// revision because a stable hash of both follows the sanitised name (a new URL gets a new
    /// mirror, so objects of one repository are never taken for another's).
    pub fn dir_name(&self, url: &str) -> String {
        let (kind, name) = match &self.revision {
            Revision::Branch(n) => ("branch", n),
            Revision::Tag(n) => ("tag", n),
            Revision::Commit(n) => ("commit", n),
        };
        let safe: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .take(40)
            .collect();
        // FNV-1a: stable across Rust releases, unlike `DefaultHasher`, so an upgrade keeps
        // every mirror.
        let hash = format!("{url}\n{kind}\n{name}")
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
        format!("{kind}-{safe}-{hash:016x}")
    }
}

impl fmt::Display for SourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, name) = match &self.revision {
            Revision::Branch(n) => ("branch", n),
            Revision::Tag(n) => ("tag", n),
            Revision::Commit(n) => ("commit", n),
        };
        // Repository ids are DNS labels, so the first `@` ends the id.
        write!(f, "{}@{kind}:{name}", self.repository)
    }
}
