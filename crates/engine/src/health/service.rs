//! A Service: a LoadBalancer is Progressing until it has an address; other types are Healthy.

use super::{Health, has_address, text};
use serde_json::Value;
use shipdeck_ipc::status::HealthStatus::*;

pub fn assess(s: &Value) -> Health {
    if text(s, "/spec/type") == "LoadBalancer" && !has_address(s) {
        return Health::new(Progressing, "Waiting for the load balancer's address");
    }
    Health::healthy()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_load_balancer_waits_for_its_address() {
        assert_eq!(
            assess(&json!({"spec": {"type": "ClusterIP"}})),
            Health::healthy()
        );
        let waiting = json!({"spec": {"type": "LoadBalancer"}, "status": {"loadBalancer": {}}});
        assert_eq!(assess(&waiting).status, Progressing);
        let ready = json!({"spec": {"type": "LoadBalancer"},
            "status": {"loadBalancer": {"ingress": [{"ip": "10.0.0.1"}]}}});
        assert_eq!(assess(&ready), Health::healthy());
    }
}
