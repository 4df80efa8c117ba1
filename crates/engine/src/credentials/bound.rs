//! The keyring value format: a small versioned envelope holding the secret and the endpoint it
//! was entered for.
//!
//! ```json
//! {"shipdeck-secret":1,"endpoint":"https://git.example.com/org/repo (https)","secret":"…"}
//! ```
//!
//! A value that is not an envelope was stored by a version of Shipdeck that did not bind
//! secrets. It is refused ([`Error::Unbound`]) rather than accepted once: nothing records where
//! it was meant to go, and by now the URL it belonged to may have changed. The user is asked to
//! enter it again, which stores it bound.

use super::{CredentialKey, Error, Result};
use crate::Secret;
use serde::{Deserialize, Serialize};

const VERSION: u64 = 1;

/// No `Debug`: it holds the secret.
#[derive(Serialize, Deserialize)]
struct Envelope {
    #[serde(rename = "shipdeck-secret")]
    version: u64,
    endpoint: String,
    secret: String,
}

/// Only the version, to tell a newer format from a foreign value before parsing the rest.
#[derive(Deserialize)]
struct Versioned {
    #[serde(rename = "shipdeck-secret")]
    version: u64,
}

pub(super) fn seal(endpoint: &str, secret: &Secret) -> Secret {
    let envelope = Envelope {
        version: VERSION,
        endpoint: endpoint.to_string(),
        secret: secret.expose().to_string(),
    };
    // Serialising two strings and an integer cannot fail.
    Secret::new(serde_json::to_string(&envelope).unwrap_or_default())
}

/// The secret in `stored` if it is bound to `endpoint`. Parse errors are never shown: their text
/// can quote the value.
pub(super) fn open(key: &CredentialKey, endpoint: &str, stored: &Secret) -> Result<Secret> {
    let raw = stored.expose();
    let Ok(Versioned { version }) = serde_json::from_str::<Versioned>(raw) else {
        return Err(Error::Unbound { key: key.clone() });
    };
    if version != VERSION {
        return Err(Error::NewerFormat {
            key: key.clone(),
            version,
        });
    }
    let envelope: Envelope =
        serde_json::from_str(raw).map_err(|_| Error::Unbound { key: key.clone() })?;
    if envelope.endpoint != endpoint {
        return Err(Error::BoundElsewhere {
            key: key.clone(),
            stored_for: envelope.endpoint,
            endpoint: endpoint.to_string(),
        });
    }
    Ok(Secret::new(envelope.secret))
}

#[cfg(test)]
mod tests {
    use super::super::SecretStore;
    use super::super::memory::MemoryStore;
    use super::*;

    const HERE: &str = "https://git.example.com/org/repo (https)";
    const THERE: &str = "https://evil.example.net/org/repo (https)";

    fn key() -> CredentialKey {
        CredentialKey::RepoPassword("repo".into())
    }

    #[test]
    fn a_bound_secret_is_returned_for_its_endpoint_only() {
        let store = MemoryStore::default();
        store
            .set_bound(&key(), HERE, &Secret::new("hunter2"))
            .unwrap();

        assert_eq!(
            store.get_bound(&key(), HERE).unwrap(),
            Some(Secret::new("hunter2"))
        );
        let err = store.get_bound(&key(), THERE).unwrap_err();
        assert!(
            matches!(&err, Error::BoundElsewhere { stored_for, endpoint, .. }
                if stored_for == HERE && endpoint == THERE),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(message.contains("enter it again"), "{message}");
        assert!(message.contains(HERE), "{message}");
        assert!(!message.contains("hunter2"), "the secret leaked: {message}");
        assert!(!format!("{err:?}").contains("hunter2"), "the secret leaked");
    }

    #[test]
    fn nothing_stored_is_none() {
        assert_eq!(
            MemoryStore::default().get_bound(&key(), HERE).unwrap(),
            None
        );
    }

    #[test]
    fn a_plain_value_from_an_earlier_version_is_never_sent() {
        let store = MemoryStore::default();
        for legacy in ["hunter2", "{\"token\":\"hunter2\"}", "{not json hunter2"] {
            store.set(&key(), &Secret::new(legacy)).unwrap();
            let err = store.get_bound(&key(), HERE).unwrap_err();
            assert!(matches!(err, Error::Unbound { .. }), "{legacy}: {err:?}");
            let message = err.to_string();
            assert!(message.contains("enter it again"), "{message}");
            assert!(!message.contains("hunter2"), "the secret leaked: {message}");
        }
    }

    #[test]
    fn a_newer_format_is_not_guessed_at() {
        let store = MemoryStore::default();
        store
            .set(
                &key(),
                &Secret::new(r#"{"shipdeck-secret":2,"endpoints":[],"secret":"hunter2"}"#),
            )
            .unwrap();
        let err = store.get_bound(&key(), HERE).unwrap_err();
        assert!(
            matches!(err, Error::NewerFormat { version: 2, .. }),
            "{err:?}"
        );
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn the_keyring_value_is_the_envelope_not_the_bare_secret() {
        let store = MemoryStore::default();
        store
            .set_bound(&key(), HERE, &Secret::new("s3cret"))
            .unwrap();
        let raw = store.get(&key()).unwrap().unwrap();
        assert_ne!(raw.expose(), "s3cret");
        let envelope: serde_json::Value = serde_json::from_str(raw.expose()).unwrap();
        assert_eq!(envelope["shipdeck-secret"], 1);
        assert_eq!(envelope["endpoint"], HERE);
    }
}
