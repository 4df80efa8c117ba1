//! Cluster connections against the real local control plane, with credentials in the real OS
//! keyring (`cargo xtask test` runs these inside a dbus session with an unlocked
//! gnome-keyring). Each case: a kubeconfig (input), a probe (action), what it reports.

use kube::config::Kubeconfig;
use shipdeck_engine::Secret;
use shipdeck_engine::clusters::{
    self, ClusterClients, ClusterTarget, KubeconfigSource, StoredCredential,
};
use shipdeck_engine::credentials::{self, CredentialKey, Keyring, SecretStore};
use shipdeck_ipc::clusters::{AuthMethod, ConnectionFailure};
use shipdeck_testkit::contexts;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

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

    /// Stores `value` for `target` the way Settings does: bound to the target's server.
    fn put(&mut self, target: &ClusterTarget, kind: StoredCredential, value: &str) {
        let key = kind.key(&target.id);
        let endpoint = clusters::cluster_endpoint(target).unwrap();
        self.store
            .set_bound(&key, &endpoint, &Secret::new(value))
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

/// A keyring that is not there, as on a desktop without a Secret Service: every call fails,
/// and is counted.
#[derive(Default)]
struct NoKeyring {
    calls: AtomicUsize,
}

impl NoKeyring {
    fn fail<T>(&self) -> credentials::Result<T> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err(credentials::Error::Unavailable(
            "no Secret Service in this test".into(),
        ))
    }
}

impl SecretStore for NoKeyring {
    fn get(&self, _: &CredentialKey) -> credentials::Result<Option<Secret>> {
        self.fail()
    }
    fn set(&self, _: &CredentialKey, _: &Secret) -> credentials::Result<()> {
        self.fail()
    }
    fn delete(&self, _: &CredentialKey) -> credentials::Result<()> {
        self.fail()
    }
}

fn target(id: &str, context: &str, files: Vec<PathBuf>) -> ClusterTarget {
    ClusterTarget {
        id: id.into(),
        context: context.into(),
        source: KubeconfigSource::Files(files),
        stored: None,
    }
}

fn stored(mut target: ClusterTarget, kind: StoredCredential) -> ClusterTarget {
    target.stored = Some(kind);
    target
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
    let cluster = stored(
        target("cluster-b", contexts::B, vec![file]),
        StoredCredential::Token,
    );

    let mut keyring = TestKeyring::new("only");
    let (kind, message) = failure(&cluster, &keyring.store).await;
    assert!(
        message.contains("not in the OS keyring"),
        "a stored token that is gone must say so: {message}"
    );
    assert_eq!(kind, ConnectionFailure::Other, "{message}");
    let anonymous = ClusterTarget {
        stored: None,
        ..cluster.clone()
    };
    let (kind, message) = failure(&anonymous, &keyring.store).await;
    assert_eq!(
        kind,
        ConnectionFailure::Forbidden,
        "anonymous must be refused: {message}"
    );

    keyring.put(&cluster, StoredCredential::Token, &token);
    let probe = clusters::probe(&cluster, &keyring.store, TIMEOUT)
        .await
        .unwrap();
    assert_eq!(probe.server_version, "v1.34.2");
}

#[tokio::test]
async fn a_wrong_token_is_unauthorized() {
    let mut keyring = TestKeyring::new("wrong");
    let cluster = stored(
        target("a", contexts::A, vec![shipdeck_testkit::kubeconfig()]),
        StoredCredential::Token,
    );
    keyring.put(&cluster, StoredCredential::Token, "not-the-token");
    let (kind, message) = failure(&cluster, &keyring.store).await;
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
    let cluster = stored(cluster, StoredCredential::ClientKey);
    keyring.put(&cluster, StoredCredential::ClientKey, &key_pem);
    let probe = clusters::probe(&cluster, &keyring.store, TIMEOUT)
        .await
        .unwrap();
    assert_eq!(probe.server_version, "v1.34.2");
}

#[tokio::test]
async fn a_kubeconfig_with_its_own_credentials_never_touches_the_keyring() {
    let no_keyring = NoKeyring::default();
    let own = target("own", contexts::A, vec![shipdeck_testkit::kubeconfig()]);

    let probe = clusters::probe(&own, &no_keyring, TIMEOUT)
        .await
        .unwrap_or_else(|e| panic!("a kubeconfig token needs no keyring: {e}"));
    assert_eq!(probe.server_version, "v1.34.2");
    assert_eq!(no_keyring.calls.load(Ordering::SeqCst), 0);

    let err = clusters::probe(&stored(own, StoredCredential::Token), &no_keyring, TIMEOUT)
        .await
        .expect_err("a stored token cannot be read without a keyring");
    assert!(
        matches!(
            err,
            clusters::Error::Credentials(credentials::Error::Unavailable(_))
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("keyring is not available"),
        "{err}"
    );
}

#[tokio::test]
async fn a_token_stored_for_another_server_is_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = base();
    let token = admin_token(&config);
    with_user(&mut config, contexts::A, |_| {});
    let file = write(dir.path(), "moving", &config);
    let cluster = stored(
        target("moving", contexts::A, vec![file.clone()]),
        StoredCredential::Token,
    );
    let mut keyring = TestKeyring::new("moving");
    keyring.put(&cluster, StoredCredential::Token, &token);
    clusters::probe(&cluster, &keyring.store, TIMEOUT)
        .await
        .expect("the token works for the server it was stored for");

    // The kubeconfig now sends this context somewhere else.
    with_server(&mut config, "https://127.0.0.2:17443");
    write(dir.path(), "moving", &config);
    let err = clusters::probe(&cluster, &keyring.store, TIMEOUT)
        .await
        .expect_err("the token must not follow the context to another server");
    assert!(
        matches!(
            err,
            clusters::Error::Credentials(credentials::Error::BoundElsewhere { .. })
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("enter it again"), "{message}");
    assert!(message.contains("https://127.0.0.2:17443"), "{message}");
    assert!(
        !message.contains(&token),
        "the token leaked into: {message}"
    );
}

#[tokio::test]
async fn insecure_skip_tls_verify_connects_with_a_visible_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = base();
    for cluster in &mut config.clusters {
        let c = cluster.cluster.as_mut().unwrap();
        c.certificate_authority = None;
        c.certificate_authority_data = None;
        c.insecure_skip_tls_verify = Some(true);
    }
    let file = write(dir.path(), "insecure", &config);
    let no_keyring = NoKeyring::default();

    let probe = clusters::probe(
        &target("insecure", contexts::A, vec![file]),
        &no_keyring,
        TIMEOUT,
    )
    .await
    .unwrap();
    assert_eq!(probe.warnings.len(), 1, "{:?}", probe.warnings);
    assert!(
        probe.warnings[0].contains("TLS verification is off"),
        "{:?}",
        probe.warnings
    );

    let verified = clusters::probe(
        &target(
            "verified",
            contexts::A,
            vec![shipdeck_testkit::kubeconfig()],
        ),
        &no_keyring,
        TIMEOUT,
    )
    .await
    .unwrap();
    assert_eq!(verified.warnings, Vec::<String>::new());
}

/// An exec credential plugin: a shell script with `body`, executable.
fn plugin(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A kubeconfig in `dir` whose context A authenticates through `exec` only.
fn exec_kubeconfig(dir: &Path, name: &str, exec: kube::config::ExecConfig) -> PathBuf {
    let mut config = base();
    with_user(&mut config, contexts::A, |auth| auth.exec = Some(exec));
    write(dir, name, &config)
}

fn exec_of(command: &Path) -> kube::config::ExecConfig {
    kube::config::ExecConfig {
        api_version: Some("client.authentication.k8s.io/v1".into()),
        command: Some(command.display().to_string()),
        ..Default::default()
    }
}

/// A plugin that counts its runs in `counter` and grants the admin token until `expires`.
fn counting_plugin(dir: &Path, name: &str, expires: &str) -> (PathBuf, PathBuf) {
    let counter = dir.join(format!("{name}.runs"));
    let token = admin_token(&base());
    let body = format!(
        "echo run >> '{counter}'\n\
         printf '%s' \"$KUBERNETES_EXEC_INFO\" > '{counter}.info'\n\
         echo '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\
         \"status\":{{\"token\":\"{token}\",\"expirationTimestamp\":\"{expires}\"}}}}'\n",
        counter = counter.display()
    );
    (plugin(dir, name, &body), counter)
}

fn runs(counter: &Path) -> usize {
    std::fs::read_to_string(counter)
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

#[tokio::test]
async fn the_pool_runs_the_exec_plugin_once_across_checks() {
    let dir = tempfile::tempdir().unwrap();
    let (command, counter) = counting_plugin(dir.path(), "good-plugin", "2999-01-01T00:00:00Z");
    let file = exec_kubeconfig(dir.path(), "exec", exec_of(&command));
    let cluster = target("exec", contexts::A, vec![file.clone()]);
    let pool = ClusterClients::new();
    let no_keyring = NoKeyring::default();

    for round in 1..=3 {
        let probe = pool
            .probe(&cluster, &no_keyring, TIMEOUT)
            .await
            .unwrap_or_else(|e| panic!("check {round}: {e}"));
        assert_eq!(probe.server_version, "v1.34.2");
    }
    assert_eq!(runs(&counter), 1, "the plugin ran once for three checks");
    let info: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("good-plugin.runs.info")).unwrap(),
    )
    .unwrap();
    assert_eq!(info["kind"], "ExecCredential");
    assert_eq!(info["spec"]["interactive"], false);

    // An edited kubeconfig is a new client; so is an explicit invalidation.
    let mut edited = Kubeconfig::read_from(&file).unwrap();
    let ctx = edited
        .contexts
        .iter_mut()
        .find(|c| c.name == contexts::A)
        .unwrap();
    ctx.context.as_mut().unwrap().namespace = Some("edited".into());
    write(dir.path(), "exec", &edited);
    pool.probe(&cluster, &no_keyring, TIMEOUT).await.unwrap();
    assert_eq!(
        runs(&counter),
        2,
        "an edited kubeconfig builds a new client"
    );
    pool.invalidate("exec");
    pool.probe(&cluster, &no_keyring, TIMEOUT).await.unwrap();
    assert_eq!(runs(&counter), 3, "an invalidated client is rebuilt");
    assert_eq!(no_keyring.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_expired_exec_credential_is_renewed() {
    let dir = tempfile::tempdir().unwrap();
    let (command, counter) = counting_plugin(dir.path(), "expired-plugin", "2000-01-01T00:00:00Z");
    let file = exec_kubeconfig(dir.path(), "expired", exec_of(&command));
    let cluster = target("expired", contexts::A, vec![file]);
    let pool = ClusterClients::new();

    for _ in 0..3 {
        pool.probe(&cluster, &NoKeyring::default(), TIMEOUT)
            .await
            .unwrap();
    }
    assert_eq!(runs(&counter), 3, "an expired credential is fetched again");
}

/// Processes still alive (not zombies) in process group `pgid`.
fn live_processes_in_group(pgid: u32) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<_> = rest.split_whitespace().collect();
        if fields.get(2) == Some(&pgid.to_string().as_str()) && fields[0] != "Z" {
            found.push(stat);
        }
    }
    found
}

#[tokio::test(flavor = "current_thread")]
async fn a_hanging_exec_plugin_times_out_without_blocking_other_work() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let command = plugin(
        dir.path(),
        "hanging-plugin",
        &format!("echo $$ > '{}'\nsleep 600\n", pid_file.display()),
    );
    let hanging = target(
        "hanging",
        contexts::A,
        vec![exec_kubeconfig(dir.path(), "hanging", exec_of(&command))],
    );
    let healthy = target("healthy", contexts::B, vec![shipdeck_testkit::kubeconfig()]);
    let pool = ClusterClients::new().with_exec_timeout(Duration::from_secs(2));
    let no_keyring = NoKeyring::default();

    // One thread: a plugin run that blocked it would hold up the other check too.
    let started = Instant::now();
    let ((hung, hung_at), (ok, ok_at)) = tokio::join!(
        async {
            let r = pool.probe(&hanging, &no_keyring, TIMEOUT).await;
            (r, started.elapsed())
        },
        async {
            let r = pool.probe(&healthy, &no_keyring, TIMEOUT).await;
            (r, started.elapsed())
        },
    );
    ok.expect("the other cluster is checked meanwhile");
    assert!(
        ok_at < Duration::from_secs(2),
        "the other check waited: {ok_at:?}"
    );
    let err = hung.expect_err("a hanging plugin must fail");
    let message = err.to_string();
    assert!(
        message.contains("the exec plugin `hanging-plugin` timed out after 2 s"),
        "{message}"
    );
    assert!(
        hung_at >= Duration::from_secs(2) && hung_at < Duration::from_secs(5),
        "failed after {hung_at:?}"
    );

    // The whole process group is gone, the script's `sleep` included.
    let pid: u32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let left = live_processes_in_group(pid);
        if left.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "left running: {left:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_exec_plugin_failure_shows_no_argument_environment_or_output() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = [
        "arg-secret-value",
        "env-secret-value",
        "stderr-secret-value",
        "stdout-secret-value",
    ];
    let failing = plugin(
        dir.path(),
        "leaky-plugin",
        "echo \"stderr-secret-value $1 $PLUGIN_SECRET\" >&2\n\
         echo '{\"status\":{\"token\":\"stdout-secret-value\"'\n\
         exit 1\n",
    );
    let garbled = plugin(
        dir.path(),
        "garbled-plugin",
        "echo \"stderr-secret-value $1 $PLUGIN_SECRET\" >&2\n\
         echo '{\"status\":{\"token\":\"stdout-secret-value\"'\n",
    );
    let with_secrets = |command: &Path| kube::config::ExecConfig {
        args: Some(vec!["arg-secret-value".into()]),
        env: Some(vec![
            [("name", "PLUGIN_SECRET"), ("value", "env-secret-value")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ]),
        ..exec_of(command)
    };
    let cases = [
        (
            failing,
            "the exec plugin `leaky-plugin` exited with status 1",
        ),
        (
            garbled,
            "the exec plugin `garbled-plugin` printed no valid credential",
        ),
    ];
    for (command, expected) in cases {
        let file = exec_kubeconfig(dir.path(), "leaky", with_secrets(&command));
        let (kind, message) = failure(
            &target("leaky", contexts::A, vec![file]),
            &NoKeyring::default(),
        )
        .await;
        assert_eq!(kind, ConnectionFailure::Other, "{message}");
        assert!(message.contains(expected), "{message}");
        assert!(
            !message.contains(&dir.path().display().to_string()),
            "only the plugin's file name may show: {message}"
        );
        for secret in secrets {
            assert!(!message.contains(secret), "{secret} leaked into: {message}");
        }
    }
}

/// A legacy `auth-provider` with a `cmd-path` would be run by kube-rs on the async worker,
/// with no timeout, its command line and output in the error: Shipdeck refuses it unrun.
#[tokio::test]
async fn a_legacy_auth_provider_command_is_refused_and_never_run() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let command = plugin(
        dir.path(),
        "gcloud",
        &format!("touch {}\nsleep 600\n", marker.display()),
    );
    let mut config = base();
    with_user(&mut config, contexts::A, |auth| {
        auth.auth_provider = Some(kube::config::AuthProviderConfig {
            name: "gcp".into(),
            config: [
                ("cmd-path".to_string(), command.display().to_string()),
                ("cmd-args".to_string(), "config config-helper".to_string()),
            ]
            .into_iter()
            .collect(),
            other: Default::default(),
        });
    });
    let file = write(dir.path(), "legacy", &config);
    let (kind, message) = failure(
        &target("legacy", contexts::A, vec![file]),
        &NoKeyring::default(),
    )
    .await;
    assert_eq!(kind, ConnectionFailure::InvalidKubeconfig, "{message}");
    assert!(message.contains("exec plugin"), "{message}");
    assert!(!message.contains("config-helper"), "{message}");
    assert!(!marker.exists(), "the command ran");
}
