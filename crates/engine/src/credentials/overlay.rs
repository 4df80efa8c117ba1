//! A credential the user just typed, in front of the keyring: lets a connection be tested
//! before anything is stored.

use super::{CredentialKey, Result, SecretStore};
use crate::Secret;

pub struct Overlay<'a> {
    typed: Option<(CredentialKey, Secret)>,
    fallback: &'a dyn SecretStore,
}

impl<'a> Overlay<'a> {
    pub fn new(typed: Option<(CredentialKey, Secret)>, fallback: &'a dyn SecretStore) -> Self {
        Self { typed, fallback }
    }

    fn typed(&self, key: &CredentialKey) -> Option<Secret> {
        match &self.typed {
            Some((typed, secret)) if typed == key => Some(secret.clone()),
            _ => None,
        }
    }
}

impl SecretStore for Overlay<'_> {
    fn get(&self, key: &CredentialKey) -> Result<Option<Secret>> {
        match self.typed(key) {
            Some(secret) => Ok(Some(secret)),
            None => self.fallback.get(key),
        }
    }

    fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<()> {
        self.fallback.set(key, secret)
    }

    fn delete(&self, key: &CredentialKey) -> Result<()> {
        self.fallback.delete(key)
    }

    /// The typed value was typed for the endpoint now being tested, so it is bound to it.
    fn get_bound(&self, key: &CredentialKey, endpoint: &str) -> Result<Option<Secret>> {
        match self.typed(key) {
            Some(secret) => Ok(Some(secret)),
            None => self.fallback.get_bound(key, endpoint),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Error;
    use super::super::memory::MemoryStore;
    use super::*;

    #[test]
    fn a_typed_secret_is_used_for_its_key_and_the_store_for_the_others() {
        let store = MemoryStore::default();
        let token = CredentialKey::ClusterToken("a".into());
        let other = CredentialKey::ClusterToken("b".into());
        store
            .set_bound(&token, "https://a (context a)", &Secret::new("saved"))
            .unwrap();
        store
            .set_bound(&other, "https://b (context b)", &Secret::new("other"))
            .unwrap();
        let overlay = Overlay::new(Some((token.clone(), Secret::new("typed"))), &store);

        assert_eq!(
            overlay
                .get_bound(&token, "https://new (context a)")
                .unwrap(),
            Some(Secret::new("typed"))
        );
        assert_eq!(
            overlay.get_bound(&other, "https://b (context b)").unwrap(),
            Some(Secret::new("other"))
        );
        assert!(matches!(
            overlay.get_bound(&other, "https://c (context b)"),
            Err(Error::BoundElsewhere { .. })
        ));
        let none = Overlay::new(None, &store);
        assert_eq!(
            none.get_bound(&token, "https://a (context a)").unwrap(),
            Some(Secret::new("saved"))
        );
    }
}
