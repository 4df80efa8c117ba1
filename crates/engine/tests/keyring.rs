//! The real OS keyring (Secret Service in the dbus session `cargo xtask test` starts).

use shipdeck_engine::Secret;
use shipdeck_engine::credentials::{CredentialKey, Keyring, SecretStore};

#[test]
fn credentials_round_trip_through_the_os_keyring() {
    let store = Keyring::with_service(format!(
        "dev.shipdeck.test.{}.roundtrip",
        std::process::id()
    ));
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
