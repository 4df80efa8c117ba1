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
        blocking(|| match self.entry(key, "read")?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(::keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e, "read", key)),
        })
    }

    fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<()> {
        blocking(|| {
            self.entry(key, "store")?
                .set_password(secret.expose())
                .map_err(|e| map_err(e, "store", key))
        })
    }

    fn delete(&self, key: &CredentialKey) -> Result<()> {
        blocking(|| match self.entry(key, "delete")?.delete_credential() {
            Ok(()) | Err(::keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e, "delete", key)),
        })
    }
}

/// Runs a keyring call that may block for as long as the user takes to answer an unlock
/// prompt (or a D-Bus timeout, 25 s). Called from an async worker (a cluster check, a
/// repository test), the worker's other tasks are handed to another thread first, so a locked
/// keyring never stalls polls, renders or the window's commands.
fn blocking<T>(call: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(call)
        }
        _ => call(),
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

#[cfg(test)]
mod tests {
    use super::blocking;
    use std::time::Duration;

    /// With one worker, a keyring call that waits for something another task does would
    /// deadlock if it held the worker.
    #[test]
    fn a_blocking_keyring_call_leaves_the_worker_to_other_tasks() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiting =
            runtime.spawn(async move { blocking(|| rx.recv_timeout(Duration::from_secs(10))) });
        runtime.block_on(async {
            // Spawned after the waiting task took the only worker.
            tokio::time::sleep(Duration::from_millis(100)).await;
            tokio::spawn(async move { tx.send(()).unwrap() })
                .await
                .unwrap();
            assert_eq!(waiting.await.unwrap(), Ok(()));
        });
    }
}
