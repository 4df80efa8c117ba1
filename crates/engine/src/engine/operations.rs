//! Long operations the user can cancel, by the id the front end chose for them.

use crate::git::CancelToken;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct Operations {
    running: Mutex<HashMap<String, CancelToken>>,
}

/// Unregisters its operation when dropped, however the operation ends.
pub struct Registered<'a> {
    operations: &'a Operations,
    id: String,
    pub token: CancelToken,
}

impl Operations {
    pub fn register(&self, id: &str) -> Registered<'_> {
        let token = CancelToken::new();
        self.lock().insert(id.to_string(), token.clone());
        Registered {
            operations: self,
            id: id.to_string(),
            token,
        }
    }

    /// Cancels `id` if it still runs; one that already finished has nothing left to cancel.
    pub fn cancel(&self, id: &str) {
        if let Some(token) = self.lock().get(id) {
            token.cancel();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, CancelToken>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        self.operations.lock().remove(&self.id);
    }
}
