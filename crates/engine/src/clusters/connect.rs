//! Connecting to a cluster: the kubeconfig context, plus the credential Shipdeck stored in the
//! keyring for it (if it stored one), plus what the context's exec plugin grants, all resolved
//! in memory only (none of it touches a file).

use super::exec::{self, ExecCredentials};
use super::target::{ClusterTarget, StoredCredential, endpoint, select};
use super::{Error, Result, classify};
use crate::credentials::SecretStore;
use base64::Engine as _;
use kube::config::{AuthInfo, ExecAuthCluster, KubeConfigOptions, Kubeconfig, NamedAuthInfo};
use shipdeck_ipc::clusters::ConnectionFailure;
use std::time::{Duration, SystemTime};

/// A client and what the user should know about it.
#[derive(Clone)]
pub(super) struct Connection {
    pub client: kube::Client,
    /// Shown with every check of the cluster, e.g. that TLS verification is off.
    pub warnings: Vec<String>,
    /// When the exec plugin's credential runs out; the client is rebuilt before then.
    pub expires: Option<SystemTime>,
}

/// Builds a client for `target` from `config` (already read from its source). Runs the exec
/// plugin, if any, with `exec_timeout`.
pub(super) async fn connect(
    target: &ClusterTarget,
    mut config: Kubeconfig,
    store: &dyn SecretStore,
    exec_timeout: Duration,
) -> Result<Connection> {
    let (context, cluster) = select(&config, target)?;
    let (context, cluster) = (context.clone(), cluster.clone());
    check_certificate_authority(&cluster, &context.cluster)?;

    // The keyring is read only for a cluster Shipdeck stored a credential for.
    if let Some(kind) = target.stored {
        let endpoint = endpoint(&config, target)?;
        let key = kind.key(&target.id);
        let secret = store
            .get_bound(&key, &endpoint)?
            .ok_or_else(|| Error::MissingCredential {
                cluster: target.id.clone(),
                what: key.describe(),
            })?;
        let auth = user_of(&mut config, target, context.user.as_deref());
        match kind {
            StoredCredential::Token => {
                auth.token = Some(secret.expose().to_string().into());
                auth.token_file = None;
            }
            StoredCredential::ClientKey => {
                let encoded = base64::engine::general_purpose::STANDARD.encode(secret.expose());
                auth.client_key_data = Some(encoded.into());
                auth.client_key = None;
            }
        }
    }

    refuse_auth_provider_commands(&config, target, context.user.as_deref())?;
    let mut expires = None;
    let exec_config = context
        .user
        .as_deref()
        .and_then(|name| config.auth_infos.iter().find(|u| u.name == name))
        .and_then(|u| u.auth_info.as_ref())
        .filter(|auth| exec::needed(auth))
        .and_then(|auth| auth.exec.clone());
    if let Some(exec_config) = exec_config {
        let cluster_info = if exec_config.provide_cluster_info {
            Some(ExecAuthCluster::try_from(&cluster).map_err(classify::kubeconfig)?)
        } else {
            None
        };
        let granted: ExecCredentials =
            exec::run(&exec_config, cluster_info, &target.context, exec_timeout).await?;
        expires = granted.expires;
        granted.apply(user_of(&mut config, target, context.user.as_deref()));
    }

    let mut warnings = Vec::new();
    if cluster.insecure_skip_tls_verify == Some(true) {
        warnings.push(
            "TLS verification is off for this cluster (insecure-skip-tls-verify in the \
             kubeconfig): anyone on the network path can impersonate it and read the \
             credentials sent to it; remove the setting and give the cluster's CA instead"
                .to_string(),
        );
    }

    let options = KubeConfigOptions {
        context: Some(target.context.clone()),
        ..KubeConfigOptions::default()
    };
    let config = kube::Config::from_custom_kubeconfig(config, &options)
        .await
        .map_err(classify::kubeconfig)?;
    let server = config.cluster_url.to_string();
    let client = kube::Client::try_from(config).map_err(|e| classify::request(e, &server))?;
    Ok(Connection {
        client,
        warnings,
        expires,
    })
}

/// The legacy `auth-provider` (gcp, azure) runs its `cmd-path` inside kube-rs: synchronously,
/// with no timeout, and with the command line and its output in the error. Shipdeck runs
/// credential programs only as exec plugins, under its own timeout and without showing them.
fn refuse_auth_provider_commands(
    config: &Kubeconfig,
    target: &ClusterTarget,
    user: Option<&str>,
) -> Result<()> {
    let provider = user
        .and_then(|name| config.auth_infos.iter().find(|u| u.name == name))
        .and_then(|u| u.auth_info.as_ref())
        .and_then(|auth| auth.auth_provider.as_ref());
    match provider {
        Some(p) if p.config.contains_key("cmd-path") => Err(Error::Connect {
            failure: ConnectionFailure::InvalidKubeconfig,
            message: format!(
                "context {} uses the legacy auth-provider `{}` with a command, which Shipdeck does \
                 not run; switch the context to an exec plugin (for GKE, gke-gcloud-auth-plugin; \
                 for AKS, kubelogin)",
                target.context, p.name
            ),
        }),
        _ => Ok(()),
    }
}

/// The context's user entry, to fill in. A context without a user gets one of our own, named so
/// it cannot clash.
fn user_of<'a>(
    config: &'a mut Kubeconfig,
    target: &ClusterTarget,
    user: Option<&str>,
) -> &'a mut AuthInfo {
    let name = match user {
        Some(name) => name.to_string(),
        None => {
            let name = format!("shipdeck:{}", target.id);
            if let Some(ctx) = config
                .contexts
                .iter_mut()
                .find(|c| c.name == target.context)
                .and_then(|c| c.context.as_mut())
            {
                ctx.user = Some(name.clone());
            }
            name
        }
    };
    let users = &mut config.auth_infos;
    let index = match users.iter().position(|u| u.name == name) {
        Some(i) => i,
        None => {
            users.push(NamedAuthInfo {
                name,
                auth_info: None,
                other: Default::default(),
            });
            users.len() - 1
        }
    };
    users[index].auth_info.get_or_insert_with(AuthInfo::default)
}

/// kube-rs accepts CA data that holds no certificate and the connection then fails as an
/// untrusted server, which sends the user chasing the wrong problem. Say what is wrong instead.
fn check_certificate_authority(c: &kube::config::Cluster, cluster: &str) -> Result<()> {
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
