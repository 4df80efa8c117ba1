//! Secret values never leave the engine: every value under a Secret's `data` and `stringData`
//! is replaced by a mask before anything is compared, shown, logged or exported.
//!
//! One [`Masker`] serves one comparison (the live and the predicted object of one Secret):
//! equal values get equal masks and different values different masks, so a reviewer sees that
//! a key changed, never its value. Masks are numbered in order of first appearance and say
//! nothing about the value (no hash that could be guessed for a short secret).

use base64::Engine as _;
use serde_json::Value;

#[derive(Debug, Default)]
pub struct Masker {
    /// Decoded values seen so far; a value's mask is its index.
    seen: Vec<Vec<u8>>,
}

impl Masker {
    /// Masks `object` in place if it is a core Secret.
    pub fn mask(&mut self, object: &mut Value) {
        if !is_secret(object) {
            return;
        }
        for (field, encoded) in [("data", true), ("stringData", false)] {
            let Some(entries) = object.get_mut(field).and_then(Value::as_object_mut) else {
                continue;
            };
            for value in entries.values_mut() {
                let raw = match value.as_str() {
                    // `data` holds base64; compare decoded so `data` and `stringData` agree.
                    Some(s) if encoded => base64::engine::general_purpose::STANDARD
                        .decode(s)
                        .unwrap_or_else(|_| s.as_bytes().to_vec()),
                    Some(s) => s.as_bytes().to_vec(),
                    None => value.to_string().into_bytes(),
                };
                *value = Value::String(self.mask_of(raw));
            }
        }
    }

    fn mask_of(&mut self, raw: Vec<u8>) -> String {
        let index = match self.seen.iter().position(|v| *v == raw) {
            Some(i) => i,
            None => {
                self.seen.push(raw);
                self.seen.len() - 1
            }
        };
        format!("<masked value {}>", index + 1)
    }
}

pub fn is_secret(object: &Value) -> bool {
    object.get("kind").and_then(Value::as_str) == Some("Secret")
        && object.get("apiVersion").and_then(Value::as_str) == Some("v1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_values_get_equal_masks_and_no_value_survives() {
        let mut masker = Masker::default();
        // "hunter2" in base64, as the API server stores it.
        let mut live = json!({"apiVersion": "v1", "kind": "Secret",
            "data": {"password": "aHVudGVyMg==", "user": "YWRtaW4="}});
        let mut desired = json!({"apiVersion": "v1", "kind": "Secret",
            "data": {"password": "aHVudGVyMw=="}, "stringData": {"user": "admin"}});
        masker.mask(&mut live);
        masker.mask(&mut desired);
        let text = format!("{live}{desired}");
        for secret in ["aHVudGVyMg", "hunter", "YWRtaW4", "admin"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert_eq!(live["data"]["user"], desired["stringData"]["user"]);
        assert_ne!(live["data"]["password"], desired["data"]["password"]);
    }

    #[test]
    fn other_kinds_are_left_alone() {
        let mut masker = Masker::default();
        let mut config = json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "b"}});
        masker.mask(&mut config);
        assert_eq!(config["data"]["a"], "b");
    }
}
