//! Manifests the tests apply and render.

/// A Deployment `web` of two replicas of one container, as Git declares it; with `tracking`,
/// as Shipdeck applied it (that value in its `shipdeck.dev/tracking-id` annotation).
pub fn web_deployment(tracking: Option<&str>) -> String {
    let annotations = tracking
        .map(|a| format!("  annotations:\n    shipdeck.dev/tracking-id: {a:?}\n"))
        .unwrap_or_default();
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n{annotations}spec:\n  \
         replicas: 2\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      \
         labels: {{app: web}}\n    spec:\n      containers:\n        - name: api\n          \
         image: registry.example/web:1.4\n"
    )
}
