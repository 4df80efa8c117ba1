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

    /// A directory name for the mirror: readable, and unique per key because a hash of the
    /// whole revision follows the sanitised name.
    pub fn dir_name(&self) -> String {
        use std::hash::{DefaultHasher, Hash, Hasher};
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
        let mut h = DefaultHasher::new();
        self.revision.hash(&mut h);
        format!("{kind}-{safe}-{:08x}", h.finish() as u32)
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
