//! Credentials live in the OS keyring and nowhere else.
//!
//! Shipdeck's config names a credential by [`CredentialKey`]; the value is fetched from the
//! keyring when a connection is made and kept in memory as a [`Secret`]. Each value is stored
//! bound to the endpoint it was entered for ([`SecretStore::set_bound`]), and read back only for
//! that endpoint ([`SecretStore::get_bound`]), so editing a URL or server never sends an old
//! secret somewhere new. The [`SecretStore`] trait exists so pure logic can be unit-tested
//! without a keyring; everything that ships uses [`Keyring`], and the integration tests run it
//! against a real Secret Service.

mod bound;
mod endpoint;
#[cfg(test)]
mod memory;
mod os_keyring;
mod overlay;
mod typed;

pub use endpoint::repository_endpoint;
pub use os_keyring::Keyring;
pub use overlay::Overlay;
pub use typed::cluster_credential;

use crate::Secret;
use std::fmt;

/// The keyring "service" all of Shipdeck's entries are filed under.
pub const SERVICE: &str = "dev.shipdeck.desktop";

/// What a stored credential is for. Its `Display` is the keyring account name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CredentialKey {
    /// Bearer token for a cluster connection.
    ClusterToken(String),
    /// PEM client key for a cluster connection (the certificate itself is not secret).
    ClusterClientKey(String),
    /// Token or password for an HTTPS Git remote.
    RepoPassword(String),
    /// Passphrase of the SSH key used for a Git remote.
    RepoSshPassphrase(String),
}

impl CredentialKey {
    /// What the credential is, in words for a message: "the token stored for cluster 'a'".
    pub fn describe(&self) -> String {
        match self {
            Self::ClusterToken(id) => format!("the token stored for cluster '{id}'"),
            Self::ClusterClientKey(id) => format!("the client key stored for cluster '{id}'"),
            Self::RepoPassword(id) => {
                format!("the password or token stored for repository '{id}'")
            }
            Self::RepoSshPassphrase(id) => {
                format!("the SSH key passphrase stored for repository '{id}'")
            }
        }
    }
}

impl fmt::Display for CredentialKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ClusterToken(id) => write!(f, "cluster/{id}/token"),
            Self::ClusterClientKey(id) => write!(f, "cluster/{id}/client-key"),
            Self::RepoPassword(id) => write!(f, "repository/{id}/password"),
            Self::RepoSshPassphrase(id) => write!(f, "repository/{id}/ssh-passphrase"),
        }
    }
}

/// No variant holds a secret value: messages name the credential and its endpoints only.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Rejected(&'static str),
    #[error(
        "the OS keyring is not available ({0}); start a Secret Service such as gnome-keyring \
         and unlock it, then try again"
    )]
    Unavailable(String),
    #[error("the OS keyring refused to {action} {key}: {detail}")]
    Refused {
        action: &'static str,
        key: String,
        detail: String,
    },
    #[error(
        "{} was saved for {stored_for}, not for {endpoint}; enter it again for this {}",
                .key.describe(), kind_of(.key)
    )]
    BoundElsewhere {
        key: CredentialKey,
        stored_for: String,
        endpoint: String,
    },
    #[error(
        "{} was saved by an earlier version of Shipdeck, which did not record the {} it is \
         for; enter it again",
                .key.describe(), kind_of(.key)
    )]
    Unbound { key: CredentialKey },
    #[error(
        "{} was saved by a newer version of Shipdeck (format {version}); update Shipdeck or \
         enter it again",
        .key.describe()
    )]
    NewerFormat { key: CredentialKey, version: u64 },
}

fn kind_of(key: &CredentialKey) -> &'static str {
    match key {
        CredentialKey::ClusterToken(_) | CredentialKey::ClusterClientKey(_) => "server",
        CredentialKey::RepoPassword(_) | CredentialKey::RepoSshPassphrase(_) => "repository",
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub trait SecretStore: Send + Sync {
    /// The raw stored value. Credentials Shipdeck stores are read with [`Self::get_bound`].
    fn get(&self, key: &CredentialKey) -> Result<Option<Secret>>;
    /// Stores a raw value. Credentials Shipdeck stores are written with [`Self::set_bound`].
    fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<()>;
    /// Deleting a credential that does not exist succeeds: the outcome is the same.
    fn delete(&self, key: &CredentialKey) -> Result<()>;

    /// Stores `secret` bound to `endpoint` (see [`repository_endpoint`] and
    /// `clusters::cluster_endpoint`): it will be handed out for that endpoint only.
    fn set_bound(&self, key: &CredentialKey, endpoint: &str, secret: &Secret) -> Result<()> {
        self.set(key, &bound::seal(endpoint, secret))
    }

    /// The secret stored for `key`, if it was stored for `endpoint`. A secret stored for another
    /// endpoint is [`Error::BoundElsewhere`]; a value saved before secrets were bound (a plain
    /// value) is [`Error::Unbound`]: it is never sent, since nothing says where it belongs.
    fn get_bound(&self, key: &CredentialKey, endpoint: &str) -> Result<Option<Secret>> {
        match self.get(key)? {
            Some(stored) => bound::open(key, endpoint, &stored).map(Some),
            None => Ok(None),
        }
    }
}
