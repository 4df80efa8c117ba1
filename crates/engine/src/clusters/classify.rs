//! Turning kube-rs errors into a failure kind and a message that says what to do.
//!
//! Transport errors arrive as nested sources (hyper → rustls/io); the kind is recognised from
//! the whole chain, since which layer reports it varies between versions.

use super::Error;
use kube::config::KubeconfigError;
use shipdeck_ipc::clusters::ConnectionFailure;

pub fn kubeconfig(err: KubeconfigError) -> Error {
    let (failure, advice) = match &err {
        KubeconfigError::LoadCertificateAuthority(_)
        | KubeconfigError::LoadClientCertificate(_)
        | KubeconfigError::LoadClientKey(_)
        | KubeconfigError::ParseCertificates(_) => (
            ConnectionFailure::InvalidKubeconfig,
            "the kubeconfig's certificate or key data is invalid; export a fresh kubeconfig for this cluster",
        ),
        _ => (
            ConnectionFailure::InvalidKubeconfig,
            "fix the kubeconfig or re-add the cluster",
        ),
    };
    Error::Connect {
        failure,
        message: format!("{err}: {advice}"),
    }
}

pub fn request(err: kube::Error, cluster: &str) -> Error {
    if let kube::Error::Api(status) = &err {
        let (failure, advice) = match status.code {
            401 => (
                ConnectionFailure::Unauthorized,
                "the server rejected the credentials; update the token or certificate in Settings",
            ),
            403 => (
                ConnectionFailure::Forbidden,
                "the credentials are valid but lack permission; ask for read access (RBAC) to this cluster",
            ),
            _ => (ConnectionFailure::Other, "see the server's message"),
        };
        return Error::Connect {
            failure,
            message: format!(
                "cluster '{cluster}': {} ({}): {advice}",
                status.message, status.code
            ),
        };
    }
    let chain = chain_text(&err);
    let (failure, advice) = kind_from_chain(&chain);
    Error::Connect {
        failure,
        message: format!("cluster '{cluster}': {advice} ({})", first_line(&chain)),
    }
}

fn kind_from_chain(chain: &str) -> (ConnectionFailure, &'static str) {
    let lower = chain.to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
    if has(&["exec"]) && has(&["no such file", "not found", "failed to run"]) {
        (
            ConnectionFailure::ExecPluginMissing,
            "the kubeconfig's exec credential plugin is not installed or not on PATH; install it",
        )
    } else if has(&[
        "dns error",
        "failed to lookup address",
        "name or service not known",
        "no address associated",
    ]) {
        (
            ConnectionFailure::Dns,
            "the server's host name does not resolve; check the server address and your DNS or VPN",
        )
    } else if has(&[
        "certificate",
        "unknownissuer",
        "invalid peer",
        "handshake",
        "tls",
    ]) {
        (
            ConnectionFailure::Tls,
            "TLS failed: the server's certificate does not match the kubeconfig's CA; export a fresh kubeconfig",
        )
    } else if has(&[
        "connection refused",
        "connection reset",
        "timed out",
        "unreachable",
        "connect error",
        "tcp connect",
    ]) {
        (
            ConnectionFailure::Unreachable,
            "nothing answers at the server address; check that the cluster is up and reachable",
        )
    } else {
        (ConnectionFailure::Other, "the request failed")
    }
}

fn chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(e) = source {
        parts.push(e.to_string());
        source = e.source();
    }
    parts.join(": ")
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_failures_are_recognised_from_the_chain() {
        let cases = [
            (
                "client error (Connect): tcp connect error: Connection refused (os error 111)",
                ConnectionFailure::Unreachable,
            ),
            (
                "dns error: failed to lookup address information: Name or service not known",
                ConnectionFailure::Dns,
            ),
            (
                "invalid peer certificate: UnknownIssuer",
                ConnectionFailure::Tls,
            ),
            (
                "auth exec command 'gke-gcloud-auth-plugin' failed to run: No such file or directory",
                ConnectionFailure::ExecPluginMissing,
            ),
            ("something else entirely", ConnectionFailure::Other),
        ];
        for (text, expected) in cases {
            assert_eq!(kind_from_chain(text).0, expected, "{text}");
        }
    }
}
