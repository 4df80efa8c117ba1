//! Credentials live in the OS keyring and nowhere else.
//!
//! Shipdeck's config names a credential by [`CredentialKey`]; the value is fetched from the
//! keyring when a connection is made and kept in memory as a [`Secret`]. The [`SecretStore`]
//! trait exists so pure logic can be unit-tested without a keyring; everything that ships uses
//! [`Keyring`], and the integration tests run it against a real Secret Service.

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
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub trait SecretStore: Send + Sync {
    fn get(&self, key: &CredentialKey) -> Result<Option<Secret>>;
    fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<()>;
    /// Deleting a credential that does not exist succeeds: the outcome is the same.
    fn delete(&self, key: &CredentialKey) -> Result<()>;
}

/// The OS keyring (Secret Service on Linux, through the `keyring` crate).
#[derive(Debug, Clone)]
pub struct Keyring {
    service: String,
}

impl Default for Keyring {
    fn default() -> Self {
        Self {
            service: SERVICE.to_string(),
        }
    }
}

impl Keyring {
    /// The keyring under `SHIPDECK_KEYRING_SERVICE` when set (tests give each app its own, so
    /// no two share entries), else under [`SERVICE`].
    pub fn from_env() -> Self {
        match std::env::var("SHIPDECK_KEYRING_SERVICE") {
            Ok(service) if !service.trim().is_empty() => Self::with_service(service.trim()),
            _ => Self::default(),
        }
    }

    /// A keyring under another service name, so tests never touch a user's real entries.
    #[must_use]
    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, key: &CredentialKey, action: &'static str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, &key.to_string()).map_err(|e| map_err(e, action, key))
    }
}

impl SecretStore for Keyring {
    fn get(&self, key: &CredentialKey) -> Result<Option<Secret>> {
        match self.entry(key, "read")?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e, "read", key)),
        }
    }

    fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<()> {
        self.entry(key, "store")?
            .set_password(secret.expose())
            .map_err(|e| map_err(e, "store", key))
    }

    fn delete(&self, key: &CredentialKey) -> Result<()> {
        match self.entry(key, "delete")?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e, "delete", key)),
        }
    }
}

fn map_err(err: keyring::Error, action: &'static str, key: &CredentialKey) -> Error {
    match err {
        keyring::Error::NoStorageAccess(inner) => Error::Unavailable(inner.to_string()),
        keyring::Error::PlatformFailure(inner) => Error::Unavailable(inner.to_string()),
        other => Error::Refused {
            action,
            key: key.to_string(),
            detail: other.to_string(),
        },
    }
}

/// Checks a cluster credential the user typed and names its keyring entry. Surrounding white
/// space from copy and paste is dropped.
pub fn cluster_credential(
    cluster: &str,
    kind: shipdeck_ipc::commands::ClusterCredential,
    value: &str,
) -> Result<(CredentialKey, Secret)> {
    use shipdeck_ipc::commands::ClusterCredential;
    let value = value.trim();
    let key = match kind {
        ClusterCredential::Token if value.is_empty() => {
            return Err(Error::Rejected(
                "the token is empty; paste the bearer token for this cluster",
            ));
        }
        ClusterCredential::Token => CredentialKey::ClusterToken(cluster.to_string()),
        ClusterCredential::ClientKey if !value.contains("PRIVATE KEY-----") => {
            return Err(Error::Rejected(
                "that is not a PEM private key; paste the whole key, from -----BEGIN to -----END",
            ));
        }
        ClusterCredential::ClientKey => CredentialKey::ClusterClientKey(cluster.to_string()),
    };
    Ok((key, Secret::new(value)))
}

/// A credential the user just typed, in front of the keyring: lets a connection be tested
/// before anything is stored.
pub struct Overlay<'a> {
    typed: Option<(CredentialKey, Secret)>,
    fallback: &'a dyn SecretStore,
}

impl<'a> Overlay<'a> {
    pub fn new(typed: Option<(CredentialKey, Secret)>, fallback: &'a dyn SecretStore) -> Self {
        Self { typed, fallback }
    }
}

impl SecretStore for Overlay<'_> {
    fn get(&self, key: &CredentialKey) -> Result<Option<Secret>> {
        match &self.typed {
            Some((typed, secret)) if typed == key => Ok(Some(secret.clone())),
            _ => self.fallback.get(key),
        }
    }

    fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<()> {
        self.fallback.set(key, secret)
    }

    fn delete(&self, key: &CredentialKey) -> Result<()> {
        self.fallback.delete(key)
    }
}

// PENDING(merge): replaced by the bound-secret envelope from the clusters branch.
pub fn repository_endpoint(url: &str, auth_kind: &str) -> String {
    format!("{auth_kind} {url}")
}

pub fn cluster_endpoint(target: &crate::clusters::ClusterTarget) -> Result<String> {
    Ok(target.context.clone())
}

pub fn get_bound(
    store: &dyn SecretStore,
    key: &CredentialKey,
    _endpoint: &str,
) -> Result<Option<Secret>> {
    store.get(key)
}

pub fn set_bound(
    store: &dyn SecretStore,
    key: &CredentialKey,
    _endpoint: &str,
    secret: &Secret,
) -> Result<()> {
    store.set(key, secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_ipc::commands::ClusterCredential;

    #[test]
    fn typed_cluster_credentials_are_checked_and_trimmed() {
        let (key, secret) = cluster_credential("a", ClusterCredential::Token, "  abc\n").unwrap();
        assert_eq!(key, CredentialKey::ClusterToken("a".into()));
        assert_eq!(secret.expose(), "abc");
        assert!(cluster_credential("a", ClusterCredential::Token, " \n").is_err());

        let pem = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";
        let (key, _) = cluster_credential("a", ClusterCredential::ClientKey, pem).unwrap();
        assert_eq!(key, CredentialKey::ClusterClientKey("a".into()));
        let err =
            cluster_credential("a", ClusterCredential::ClientKey, "ssh-rsa AAAA").unwrap_err();
        assert!(err.to_string().contains("not a PEM private key"), "{err}");
    }
}
