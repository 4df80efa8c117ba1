//! Connecting to a cluster: the kubeconfig context plus credentials from the keyring, resolved
//! in memory only (the keyring's values never touch a file).

use super::classify;
use super::kubeconfig::{KubeconfigSource, load};
use super::{Error, Result};
use crate::credentials::{CredentialKey, SecretStore};
use base64::Engine as _;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, ListParams};
use kube::config::{AuthInfo, KubeConfigOptions, NamedAuthInfo};
use shipdeck_ipc::clusters::{ClusterProbe, ConnectionFailure};
use std::time::{Duration, Instant};

/// A cluster as Shipdeck stores it: its id (the keyring key), the context and where to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterTarget {
    pub id: String,
    pub context: String,
    pub source: KubeconfigSource,
}

/// A client for `target`. A token or client key stored in the keyring for this cluster fills
/// in (or replaces) the kubeconfig user's.
pub async fn client(target: &ClusterTarget, store: &dyn SecretStore) -> Result<kube::Client> {
    let mut config = load(&target.source)?;
    let Some(context) = config
        .contexts
        .iter()
        .find(|c| c.name == target.context)
        .and_then(|c| c.context.clone())
    else {
        let available: Vec<_> = config.contexts.iter().map(|c| c.name.as_str()).collect();
        return Err(Error::MissingContext {
            context: target.context.clone(),
            available: if available.is_empty() {
                "none".into()
            } else {
                available.join(", ")
            },
        });
    };

    check_certificate_authority(&config, &context.cluster)?;

    let token = store.get(&CredentialKey::ClusterToken(target.id.clone()))?;
    let client_key = store.get(&CredentialKey::ClusterClientKey(target.id.clone()))?;
    if token.is_some() || client_key.is_some() {
        // A context without a user gets one of our own, named so it cannot clash.
        let user = context
            .user
            .clone()
            .unwrap_or_else(|| format!("shipdeck:{}", target.id));
        let auth = user_entry(&mut config.auth_infos, &user);
        if let Some(token) = token {
            auth.token = Some(token.expose().to_string().into());
            auth.token_file = None;
        }
        if let Some(key) = client_key {
            let encoded = base64::engine::general_purpose::STANDARD.encode(key.expose());
            auth.client_key_data = Some(encoded.into());
            auth.client_key = None;
        }
        if context.user.is_none() {
            let named = config
                .contexts
                .iter_mut()
                .find(|c| c.name == target.context);
            if let Some(ctx) = named.and_then(|c| c.context.as_mut()) {
                ctx.user = Some(user);
            }
        }
    }

    let options = KubeConfigOptions {
        context: Some(target.context.clone()),
        ..KubeConfigOptions::default()
    };
    let config = kube::Config::from_custom_kubeconfig(config, &options)
        .await
        .map_err(classify::kubeconfig)?;
    let server = config.cluster_url.to_string();
    kube::Client::try_from(config).map_err(|e| classify::request(e, &server))
}

/// kube-rs accepts CA data that holds no certificate and the connection then fails as an
/// untrusted server, which sends the user chasing the wrong problem. Say what is wrong instead.
fn check_certificate_authority(config: &kube::config::Kubeconfig, cluster: &str) -> Result<()> {
    let Some(c) = config
        .clusters
        .iter()
        .find(|c| c.name == cluster)
        .and_then(|c| c.cluster.as_ref())
    else {
        return Ok(());
    };
    let invalid = |what: String| Error::Connect {
        failure: ConnectionFailure::InvalidKubeconfig,
        message: format!("cluster '{cluster}': {what}; export a fresh kubeconfig for this cluster"),
    };
    let pem = if let Some(data) = &c.certificate_authority_data {
        base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|e| invalid(format!("certificate-authority-data is not base64 ({e})")))?
    } else if let Some(path) = &c.certificate_authority {
        std::fs::read(path).map_err(|e| {
            invalid(format!(
                "the certificate-authority file {path} cannot be read ({e})"
            ))
        })?
    } else {
        return Ok(());
    };
    if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
        return Err(invalid(
            "the certificate authority holds no PEM certificate".into(),
        ));
    }
    Ok(())
}

fn user_entry<'a>(users: &'a mut Vec<NamedAuthInfo>, name: &str) -> &'a mut AuthInfo {
    let index = match users.iter().position(|u| u.name == name) {
        Some(i) => i,
        None => {
            users.push(NamedAuthInfo {
                name: name.to_string(),
                auth_info: None,
                other: Default::default(),
            });
            users.len() - 1
        }
    };
    users[index].auth_info.get_or_insert_with(AuthInfo::default)
}

/// Checks a cluster: the server version and round trip, then that the user may read what
/// Shipdeck reads (namespaces), so "connected but forbidden" shows up here, not mid-sync.
pub async fn probe(
    target: &ClusterTarget,
    store: &dyn SecretStore,
    timeout: Duration,
) -> Result<ClusterProbe> {
    let client = client(target, store).await?;
    let started = Instant::now();
    let version = within(timeout, &target.context, client.apiserver_version())
        .await?
        .map_err(|e| classify::request(e, &target.context))?;
    let rtt = started.elapsed();
    let namespaces: Api<Namespace> = Api::all(client);
    within(
        timeout,
        &target.context,
        namespaces.list(&ListParams::default().limit(1)),
    )
    .await?
    .map_err(|e| classify::request(e, &target.context))?;
    Ok(ClusterProbe {
        server_version: version.git_version,
        platform: version.platform,
        rtt_ms: u32::try_from(rtt.as_millis()).unwrap_or(u32::MAX),
        warnings: Vec::new(),
    })
}

async fn within<T>(timeout: Duration, context: &str, fut: impl Future<Output = T>) -> Result<T> {
    tokio::time::timeout(timeout, fut)
        .await
        .map_err(|_| Error::Connect {
            failure: ConnectionFailure::Unreachable,
            message: format!(
                "cluster '{context}' did not answer within {}s; check that the server is up and \
             reachable from this machine (VPN, firewall)",
                timeout.as_secs()
            ),
        })
}
