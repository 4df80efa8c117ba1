//! Cluster connections against the real local control plane, with credentials in the real OS
//! keyring (`cargo xtask test` runs these inside a dbus session with an unlocked
//! gnome-keyring). Each case: a kubeconfig (input), a probe (action), what it reports.

use kube::config::Kubeconfig;
use shipdeck_engine::Secret;
use shipdeck_engine::clusters::{self, ClusterTarget, KubeconfigSource};
use shipdeck_engine::credentials::{CredentialKey, Keyring, SecretStore};
use shipdeck_ipc::clusters::{AuthMethod, ConnectionFailure};
use shipdeck_testkit::contexts;
use std::path::{Path, PathBuf};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);

/// A keyring namespace of this test run only, emptied when dropped.
struct TestKeyring {
    store: Keyring,
    keys: Vec<CredentialKey>,
}

impl TestKeyring {
    fn new(test: &str) -> Self {
        Self {
            store: Keyring::with_service(format!(
                "dev.shipdeck.test.{}.{test}",
                std::process::id()
            )),
            keys: Vec::new(),
        }
    }

    fn put(&mut self, key: CredentialKey, value: &str) {
        self.store
            .set(&key, &Secret::new(value))
            .expect("the OS keyring must be available: run the tests with `cargo xtask test`");
        self.keys.push(key);
    }
}

impl Drop for TestKeyring {
    fn drop(&mut self) {
        for key in &self.keys {
            let _ = self.store.delete(key);
        }
    }
}

fn base() -> Kubeconfig {
    Kubeconfig::read_from(shipdeck_testkit::kubeconfig()).expect("reading the test kubeconfig")
}

/// Writes `config` to a file in `dir` (JSON is valid kubeconfig YAML).
fn write(dir: &Path, name: &str, config: &Kubeconfig) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(config).unwrap()).unwrap();
    path
}

fn target(id: &str, context: &str, files: Vec<PathBuf>) -> ClusterTarget {
    ClusterTarget {
        id: id.into(),
        context: context.into(),
        source: KubeconfigSource::Files(files),
    }
}

fn admin_token(config: &Kubeconfig) -> String {
    use secrecy::ExposeSecret;
    let user = config
        .auth_infos
        .iter()
        .find(|u| u.name == "shipdeck-admin")
        .unwrap();
    user.auth_info
        .as_ref()
        .unwrap()
        .token
        .as_ref()
        .unwrap()
        .expose_secret()
        .to_string()
}

/// Points `context` at a new user holding only what `edit` gives it.
fn with_user(
    config: &mut Kubeconfig,
    context: &str,
    edit: impl FnOnce(&mut kube::config::AuthInfo),
) {
    let mut auth = kube::config::AuthInfo::default();
    edit(&mut auth);
    let name = format!("{context}-edited");
    config.auth_infos.push(kube::config::NamedAuthInfo {
        name: name.clone(),
        auth_info: Some(auth),
        other: Default::default(),
    });
    let ctx = config
        .contexts
        .iter_mut()
        .find(|c| c.name == context)
        .unwrap();
    ctx.context.as_mut().unwrap().user = Some(name);
}

fn with_server(config: &mut Kubeconfig, server: &str) {
    for cluster in &mut config.clusters {
        cluster.cluster.as_mut().unwrap().server = Some(server.into());
    }
}

async fn failure(target: &ClusterTarget, store: &dyn SecretStore) -> (ConnectionFailure, String) {
    let err = clusters::probe(target, store, TIMEOUT)
        .await
        .expect_err("the probe should fail");
    (err.failure(), err.to_string())
}

#[tokio::test]
async fn contexts_come_from_all_kubeconfig_files_merged() {
    let dir = tempfile::tempdir().unwrap();
    let mut extra = Kubeconfig::default();
    let mut other = base();
    other.contexts.retain(|c| c.name == contexts::A);
    other.contexts[0].name = "from-second-file".into();
    extra.contexts = other.contexts;
    // The first file wins for a key both define, as with kubectl.
    let mut shadow = base();
    shadow.contexts.retain(|c| c.name == contexts::B);
    shadow.contexts[0].context.as_mut().unwrap().namespace = Some("shadowed".into());
    extra.contexts.extend(shadow.contexts);
    let files = vec![
        shipdeck_testkit::kubeconfig(),
        write(dir.path(), "extra", &extra),
    ];

    let merged = clusters::load(&KubeconfigSource::Files(files)).unwrap();
    let listed = clusters::contexts(&merged);
    let find = |name: &str| {
        listed
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    assert_eq!(find(contexts::A).auth, AuthMethod::Token);
    assert_eq!(find(contexts::A_CERT).auth, AuthMethod::ClientCertificate);
    assert_eq!(
        find(contexts::B).server.as_deref(),
        Some("https://127.0.0.1:17444")
    );
    assert_eq!(
        find(contexts::B).namespace,
        None,
        "the first file's shipdeck-b must win"
    );
    assert_eq!(find("from-second-file").cluster, find(contexts::A).cluster);
}

#[tokio::test]
async fn token_and_certificate_users_connect_to_both_clusters() {
    let store = TestKeyring::new("both");
    let file = shipdeck_testkit::kubeconfig();
    for context in [contexts::A, contexts::A_CERT, contexts::B, contexts::B_CERT] {
        let probe = clusters::probe(
            &target(context, context, vec![file.clone()]),
            &store.store,
            TIMEOUT,
        )
        .await
        .unwrap_or_else(|e| panic!("{context}: {e}"));
        assert_eq!(probe.server_version, "v1.34.2", "{context}");
    }
}

#[tokio::test]
async fn a_token_kept_only_in_the_keyring_is_used_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = base();
    let token = admin_token(&config);
    with_user(&mut config, contexts::B, |_| {});
    // No user in this file holds a token: the only copy is the one put in the keyring below.
    for user in &mut config.auth_infos {
        if let Some(auth) = user.auth_info.as_mut() {
            auth.token = None;
        }
    }
    let file = write(dir.path(), "no-token", &config);
    assert!(!std::fs::read_to_string(&file).unwrap().contains(&token));
    let cluster = target("cluster-b", contexts::B, vec![file]);

    let mut keyring = TestKeyring::new("only");
    let (kind, message) = failure(&cluster, &keyring.store).await;
    assert_eq!(
        kind,
        ConnectionFailure::Forbidden,
        "anonymous must be refused: {message}"
    );

    keyring.put(CredentialKey::ClusterToken("cluster-b".into()), &token);
    let probe = clusters::probe(&cluster, &keyring.store, TIMEOUT)
        .await
        .unwrap();
    assert_eq!(probe.server_version, "v1.34.2");
}

#[tokio::test]
async fn a_wrong_token_is_unauthorized() {
    let mut keyring = TestKeyring::new("wrong");
    keyring.put(CredentialKey::ClusterToken("a".into()), "not-the-token");
    let (kind, message) = failure(
        &target("a", contexts::A, vec![shipdeck_testkit::kubeconfig()]),
        &keyring.store,
    )
    .await;
    assert_eq!(kind, ConnectionFailure::Unauthorized, "{message}");
    assert!(message.contains("update the token"), "{message}");
    assert!(
        !message.contains("not-the-token"),
        "the secret leaked into: {message}"
    );
}

#[tokio::test]
async fn a_user_without_rights_is_forbidden() {
    let store = TestKeyring::new("nobody");
    let cluster = target(
        "a",
        contexts::A_NOBODY,
        vec![shipdeck_testkit::kubeconfig()],
    );
    let (kind, message) = failure(&cluster, &store.store).await;
    assert_eq!(kind, ConnectionFailure::Forbidden, "{message}");
    assert!(message.contains("RBAC"), "{message}");
}

#[tokio::test]
async fn transport_failures_say_which_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = TestKeyring::new("transport");
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();

    let mut refused = base();
    with_server(&mut refused, &format!("https://127.0.0.1:{closed_port}"));
    let mut dns = base();
    with_server(&mut dns, "https://cluster.shipdeck-test.invalid:6443");
    let mut wrong_ca = base();
    let other_ca = dir.path().join("other-ca.crt");
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=not-the-cluster-ca",
        ])
        .arg("-keyout")
        .arg(dir.path().join("other-ca.key"))
        .arg("-out")
        .arg(&other_ca)
        .output()
        .unwrap();
    assert!(made.status.success(), "openssl failed");
    for cluster in &mut wrong_ca.clusters {
        cluster.cluster.as_mut().unwrap().certificate_authority =
            Some(other_ca.display().to_string());
    }
    let mut bad_cert_data = base();
    for cluster in &mut bad_cert_data.clusters {
        let c = cluster.cluster.as_mut().unwrap();
        c.certificate_authority = None;
        c.certificate_authority_data = Some("bm90IGEgY2VydGlmaWNhdGU=".into());
    }
    let mut exec = base();
    with_user(&mut exec, contexts::A, |auth| {
        auth.exec = Some(kube::config::ExecConfig {
            api_version: Some("client.authentication.k8s.io/v1".into()),
            command: Some("shipdeck-no-such-auth-plugin".into()),
            ..Default::default()
        });
    });

    let cases = [
        ("refused", refused, ConnectionFailure::Unreachable),
        ("dns", dns, ConnectionFailure::Dns),
        ("wrong-ca", wrong_ca, ConnectionFailure::Tls),
        (
            "bad-cert-data",
            bad_cert_data,
            ConnectionFailure::InvalidKubeconfig,
        ),
        ("exec", exec, ConnectionFailure::ExecPluginMissing),
    ];
    for (name, config, expected) in cases {
        let file = write(dir.path(), name, &config);
        let (kind, message) = failure(&target(name, contexts::A, vec![file]), &store.store).await;
        assert_eq!(kind, expected, "{name}: {message}");
    }
}

#[tokio::test]
async fn a_missing_context_names_the_ones_that_exist() {
    let store = TestKeyring::new("missing");
    let cluster = target(
        "gone",
        "no-such-context",
        vec![shipdeck_testkit::kubeconfig()],
    );
    let (kind, message) = failure(&cluster, &store.store).await;
    assert_eq!(kind, ConnectionFailure::InvalidKubeconfig);
    assert!(
        message.contains("no context named 'no-such-context'"),
        "{message}"
    );
    assert!(message.contains(contexts::A), "{message}");
}

#[tokio::test]
async fn a_client_key_kept_only_in_the_keyring_is_used_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = base();
    // The certificate stays in the kubeconfig (it is public); its private key moves out.
    let user = config
        .auth_infos
        .iter_mut()
        .find(|u| u.name == "shipdeck-cert-admin")
        .unwrap();
    let auth = user.auth_info.as_mut().unwrap();
    let key_path = auth
        .client_key
        .take()
        .expect("the test kubeconfig names a key file");
    let key_pem = std::fs::read_to_string(&key_path).unwrap();
    let file = write(dir.path(), "no-key", &config);
    assert!(
        !std::fs::read_to_string(&file)
            .unwrap()
            .contains("PRIVATE KEY")
    );
    let cluster = target("cert-a", contexts::A_CERT, vec![file]);

    let mut keyring = TestKeyring::new("client-key");
    assert!(
        clusters::probe(&cluster, &keyring.store, TIMEOUT)
            .await
            .is_err(),
        "a certificate without its key must not connect"
    );
    keyring.put(CredentialKey::ClusterClientKey("cert-a".into()), &key_pem);
    let probe = clusters::probe(&cluster, &keyring.store, TIMEOUT)
        .await
        .unwrap();
    assert_eq!(probe.server_version, "v1.34.2");
}
