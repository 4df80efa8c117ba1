//! A fresh namespace per test, like linkerd2's policy-test: random name, labelled with the test,
//! deleted afterwards unless `SHIPDECK_KEEP_NAMESPACES=1` asks to keep it for debugging.

use k8s_openapi::api::core::v1::Namespace;
use kube::Client;
use kube::api::{Api, DeleteParams, PostParams};
use std::future::Future;

/// Label on every test namespace; its value is the test's name.
pub const TEST_LABEL: &str = "shipdeck.dev/test";

/// Runs `body(client, namespace)` in a new namespace on `context`, then deletes the namespace.
/// A panic in the body (a failed assertion) still deletes the namespace and then fails the test.
pub async fn with_namespace<F, Fut>(context: &str, test: &str, body: F)
where
    F: FnOnce(Client, String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let client = crate::client(context).await;
    let name = create(&client, test).await;
    // A spawned task turns a panic into a JoinError, so cleanup runs before it propagates.
    let outcome = tokio::spawn(body(client.clone(), name.clone())).await;
    if std::env::var("SHIPDECK_KEEP_NAMESPACES").as_deref() == Ok("1") {
        eprintln!("keeping namespace {name} on {context} (SHIPDECK_KEEP_NAMESPACES=1)");
    } else {
        let namespaces: Api<Namespace> = Api::all(client);
        if let Err(err) = namespaces.delete(&name, &DeleteParams::background()).await {
            eprintln!("could not delete test namespace {name}: {err}");
        }
    }
    if let Err(err) = outcome {
        match err.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(err) => panic!("test body in namespace {name} did not finish: {err}"),
        }
    }
}

async fn create(client: &Client, test: &str) -> String {
    let name = format!("t-{}-{}", dns_label(test, 40), random_suffix());
    let namespace: Namespace = serde_json::from_value(serde_json::json!({
        "metadata": { "name": name, "labels": { TEST_LABEL: dns_label(test, 63) } }
    }))
    .expect("namespace literal");
    Api::<Namespace>::all(client.clone())
        .create(&PostParams::default(), &namespace)
        .await
        .unwrap_or_else(|err| panic!("creating test namespace {name}: {err}"));
    name
}

/// Lowercase alphanumerics and dashes, at most `max` long: valid as a name part and label value.
fn dns_label(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(max)
        .collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Six hex digits from std's randomly seeded hasher: unique enough per run, no extra crate.
fn random_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    format!("{:06x}", hasher.finish() & 0xff_ffff)
}
