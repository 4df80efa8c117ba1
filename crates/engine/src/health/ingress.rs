//! An Ingress: Progressing until its controller gives it an address.

use super::{Health, has_address};
use serde_json::Value;
use shipdeck_ipc::status::HealthStatus::*;

pub fn assess(i: &Value) -> Health {
    if has_address(i) {
        Health::healthy()
    } else {
        Health::new(Progressing, "Waiting for the ingress controller's address")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_address_makes_it_healthy() {
        assert_eq!(assess(&json!({"status": {}})).status, Progressing);
        let ready = json!({"status": {"loadBalancer": {"ingress": [{"hostname": "lb.example"}]}}});
        assert_eq!(assess(&ready), Health::healthy());
    }
}
