//! From a configured repository and application to the [`git::Source`] the poller follows.
//!
//! Settings validation and the poller build sources through these same functions, so a URL,
//! ref name or path accepted in Settings is exactly one the poller can use, and the reverse.

use crate::credentials::{self, CredentialKey, SecretStore};
use crate::git;
use crate::secret::Secret;
use crate::settings::model::{Application, Repository, RepositoryAuth, Revision};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Spec(#[from] git::spec::Error),
    #[error("{0}")]
    Credentials(#[from] credentials::Error),
    #[error(
        "repository '{repo}' uses {what} but none is stored for it; enter it in Settings → Repositories"
    )]
    MissingSecret { repo: String, what: &'static str },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Whether only the user can fix this (enter a secret, change the settings). A keyring
    /// that is not running or refused one read may answer the next.
    pub fn needs_user_fix(&self) -> bool {
        !matches!(
            self,
            Error::Credentials(
                credentials::Error::Unavailable(_) | credentials::Error::Refused { .. }
            )
        )
    }
}

/// The keyring entry of a repository's secret, when its kind of authentication has one.
pub fn secret_key(repo: &Repository) -> Option<CredentialKey> {
    match &repo.auth {
        RepositoryAuth::Https { .. } => Some(CredentialKey::RepoPassword(repo.id.clone())),
        RepositoryAuth::SshKey {
            has_passphrase: true,
            ..
        } => Some(CredentialKey::RepoSshPassphrase(repo.id.clone())),
        _ => None,
    }
}

/// What a repository's stored secret is bound to: its URL and kind of authentication. A
/// secret stored for one endpoint is never sent to another.
pub fn endpoint(repo: &Repository) -> String {
    credentials::repository_endpoint(&repo.url, repo.auth.kind())
}

pub fn revision(r: &Revision) -> Result<git::Revision, git::spec::Error> {
    match r {
        Revision::Branch(name) => git::Revision::branch(name),
        Revision::Tag(name) => git::Revision::tag(name),
        Revision::Commit(sha) => git::Revision::commit(sha),
    }
}

/// The auth for `repo` with `secret` (the stored or typed one) filled in.
pub fn auth(repo: &Repository, secret: Option<Secret>) -> Result<git::Auth> {
    let missing = |what| Error::MissingSecret {
        repo: repo.id.clone(),
        what,
    };
    Ok(match &repo.auth {
        RepositoryAuth::None => git::Auth::None,
        RepositoryAuth::Https { username } => {
            let secret = secret.ok_or_else(|| missing("a password or token"))?;
            if username.trim().is_empty() {
                git::Auth::token(secret)
            } else {
                git::Auth::UserPassword {
                    username: username.clone(),
                    password: secret,
                }
            }
        }
        RepositoryAuth::SshKey {
            private_key,
            has_passphrase,
        } => git::Auth::SshKey {
            private_key: PathBuf::from(private_key),
            passphrase: if *has_passphrase {
                Some(secret.ok_or_else(|| missing("an SSH key passphrase"))?)
            } else {
                None
            },
        },
        RepositoryAuth::SshAgent => git::Auth::SshAgent,
    })
}

/// Reads the repository's secret from `store`, if its authentication has one.
pub fn stored_secret(repo: &Repository, store: &dyn SecretStore) -> Result<Option<Secret>> {
    match secret_key(repo) {
        Some(key) => Ok(store.get_bound(&key, &endpoint(repo))?),
        None => Ok(None),
    }
}

/// The source `app` (or a repository test) follows: `repo` at `revision`, `path`.
pub fn source(
    repo: &Repository,
    revision_: &Revision,
    path: &str,
    secret: Option<Secret>,
) -> Result<git::Source> {
    let auth = auth(repo, secret)?;
    Ok(git::Source::parse(
        &repo.url,
        revision(revision_)?,
        path,
        auth,
    )?)
}

/// The source of a whole repository at a revision (the path is the root): what one poller
/// follows for every application on that repository and revision.
pub fn repository_source(
    repo: &Repository,
    revision_: &Revision,
    store: &dyn SecretStore,
) -> Result<git::Source> {
    source(repo, revision_, "", stored_secret(repo, store)?)
}

/// Checks a repository entry with the parsers the poller uses, standing in a placeholder for
/// the secret (which is checked when it is typed, and lives in the keyring).
pub fn check_repository(repo: &Repository) -> Result<(), git::spec::Error> {
    let placeholder = secret_key(repo).map(|_| Secret::new("placeholder"));
    match source(repo, &Revision::Branch("main".into()), "", placeholder) {
        Ok(_) => Ok(()),
        Err(Error::Spec(e)) => Err(e),
        // Cannot happen with a placeholder secret; a missing secret is not a settings error.
        Err(_) => Ok(()),
    }
}

/// Checks an application's revision and path with the poller's parsers.
pub fn check_application(app: &Application) -> Result<(), git::spec::Error> {
    revision(&app.revision)?;
    git::RepoPath::parse(&app.path)?;
    for file in &app.helm.values_files {
        git::RepoPath::parse(file)?;
    }
    Ok(())
}
