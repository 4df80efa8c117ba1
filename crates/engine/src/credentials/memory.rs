//! Test only: a [`SecretStore`] in a map, for unit tests of the logic around the keyring.
//! Nothing that ships can construct it.

use super::{CredentialKey, Result, SecretStore};
use crate::Secret;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct MemoryStore {
    values: Mutex<HashMap<CredentialKey, Secret>>,
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &CredentialKey) -> Result<Option<Secret>> {
        Ok(self.values.lock().unwrap().get(key).cloned())
    }

    fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<()> {
        self.values
            .lock()
            .unwrap()
            .insert(key.clone(), secret.clone());
        Ok(())
    }

    fn delete(&self, key: &CredentialKey) -> Result<()> {
        self.values.lock().unwrap().remove(key);
        Ok(())
    }
}
