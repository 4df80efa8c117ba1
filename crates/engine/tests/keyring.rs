//! The real OS keyring (Secret Service in the dbus session `cargo xtask test` starts).

use shipdeck_engine::Secret;
use shipdeck_engine::credentials::{self, CredentialKey, Keyring, SecretStore};

fn test_store(name: &str) -> Keyring {
    Keyring::with_service(format!("dev.shipdeck.test.{}.{name}", std::process::id()))
}

#[test]
fn credentials_round_trip_through_the_os_keyring() {
    let store = test_store("roundtrip");
    let key = CredentialKey::RepoPassword("demo".into());

    assert_eq!(
        store
            .get(&key)
            .expect("run with `cargo xtask test`: it starts the keyring"),
        None
    );
    store.set(&key, &Secret::new("s3cret-value")).unwrap();
    assert_eq!(store.get(&key).unwrap(), Some(Secret::new("s3cret-value")));
    store.set(&key, &Secret::new("rotated")).unwrap();
    assert_eq!(store.get(&key).unwrap(), Some(Secret::new("rotated")));
    store.delete(&key).unwrap();
    assert_eq!(store.get(&key).unwrap(), None);
    store.delete(&key).unwrap();
}

#[test]
fn a_bound_credential_round_trips_and_stays_with_its_endpoint() {
    let store = test_store("bound");
    let key = CredentialKey::RepoPassword("bound".into());
    let here = credentials::repository_endpoint("https://git.example.com/org/repo.git", "https");
    let there = credentials::repository_endpoint("https://git.example.net/org/repo", "https");

    store
        .set_bound(&key, &here, &Secret::new("s3cret-value"))
        .expect("run with `cargo xtask test`: it starts the keyring");
    assert_eq!(
        store.get_bound(&key, &here).unwrap(),
        Some(Secret::new("s3cret-value"))
    );
    let err = store.get_bound(&key, &there).unwrap_err();
    assert!(
        matches!(err, credentials::Error::BoundElsewhere { .. }),
        "{err:?}"
    );
    assert!(!err.to_string().contains("s3cret-value"), "{err}");

    // A plain value, as the previous version stored it, is never handed out.
    store.set(&key, &Secret::new("s3cret-value")).unwrap();
    let err = store.get_bound(&key, &here).unwrap_err();
    assert!(matches!(err, credentials::Error::Unbound { .. }), "{err:?}");
    assert!(err.to_string().contains("enter it again"), "{err}");

    store.delete(&key).unwrap();
    assert_eq!(store.get_bound(&key, &here).unwrap(), None);
}
