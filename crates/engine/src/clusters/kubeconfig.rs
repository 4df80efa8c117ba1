//! Kubeconfig, read like kubectl: `KUBECONFIG` (several files merged, first one wins for each
//! key) or `~/.kube/config`. Merging itself is kube-rs's `Kubeconfig::merge`.

use super::{Error, Result};
use kube::config::{AuthInfo, Kubeconfig};
use shipdeck_ipc::clusters::{AuthMethod, KubeContext};
use std::path::PathBuf;

/// Where to read kubeconfig from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum KubeconfigSource {
    /// `KUBECONFIG` or `~/.kube/config`, as kubectl does.
    #[default]
    Default,
    /// These files, merged in order.
    Files(Vec<PathBuf>),
}

pub fn load(source: &KubeconfigSource) -> Result<Kubeconfig> {
    let merged = match source {
        KubeconfigSource::Default => Kubeconfig::read(),
        KubeconfigSource::Files(files) => files.iter().try_fold(Kubeconfig::default(), |acc, f| {
            Kubeconfig::read_from(f).and_then(|next| acc.merge(next))
        }),
    };
    merged.map_err(|e| Error::Kubeconfig(e.to_string()))
}

/// Every context, with enough to choose one; credential material is never included.
pub fn contexts(config: &Kubeconfig) -> Vec<KubeContext> {
    config
        .contexts
        .iter()
        .filter_map(|named| {
            let ctx = named.context.as_ref()?;
            let server = config
                .clusters
                .iter()
                .find(|c| c.name == ctx.cluster)
                .and_then(|c| c.cluster.as_ref()?.server.clone());
            let auth = config
                .auth_infos
                .iter()
                .find(|a| Some(&a.name) == ctx.user.as_ref())
                .and_then(|a| a.auth_info.as_ref())
                .map(auth_method)
                .unwrap_or(AuthMethod::None);
            Some(KubeContext {
                name: named.name.clone(),
                cluster: ctx.cluster.clone(),
                server,
                user: ctx.user.clone(),
                namespace: ctx.namespace.clone(),
                auth,
                is_current: config.current_context.as_deref() == Some(named.name.as_str()),
            })
        })
        .collect()
}

fn auth_method(auth: &AuthInfo) -> AuthMethod {
    if let Some(exec) = &auth.exec {
        return AuthMethod::Exec {
            command: exec.command.clone().unwrap_or_default(),
        };
    }
    if auth.token.is_some() || auth.token_file.is_some() {
        AuthMethod::Token
    } else if auth.client_certificate.is_some() || auth.client_certificate_data.is_some() {
        AuthMethod::ClientCertificate
    } else if auth.password.is_some() {
        AuthMethod::Password
    } else {
        AuthMethod::None
    }
}
