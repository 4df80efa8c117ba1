//! The OS keyring through the `keyring` crate: Secret Service on Linux and the BSDs, the
//! Keychain on macOS, the Credential Manager on Windows.

use super::{CredentialKey, Error, Result, SERVICE, SecretStore};
use crate::Secret;

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
    /// The keyring under `SHIPDECK_KEYRING_SERVICE` when set, else under the default
    /// service: a second profile (or a test) keeps its entries apart from the user's.
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

    fn entry(&self, key: &CredentialKey, action: &'static str) -> Result<::keyring::Entry> {
        ::keyring::Entry::new(&self.service, &key.to_string()).map_err(|e| map_err(e, action, key))
    }
}

impl SecretStore for Keyring {
    fn get(&self, key: &CredentialKey) -> Result<Option<Secret>> {
        match self.entry(key, "read")?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(::keyring::Error::NoEntry) => Ok(None),
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
            Ok(()) | Err(::keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e, "delete", key)),
        }
    }
}

/// `keyring`'s errors carry no secret values (a `BadEncoding` holds bytes, but its `Display`
/// does not print them), so their text is safe to show.
fn map_err(err: ::keyring::Error, action: &'static str, key: &CredentialKey) -> Error {
    match err {
        ::keyring::Error::NoStorageAccess(inner) => Error::Unavailable(inner.to_string()),
        ::keyring::Error::PlatformFailure(inner) => Error::Unavailable(inner.to_string()),
        other => Error::Refused {
            action,
            key: key.to_string(),
            detail: other.to_string(),
        },
    }
}
