//! Checking a credential the user typed before it goes anywhere.

use super::{CredentialKey, Error, Result};
use crate::Secret;
use shipdeck_ipc::commands::ClusterCredential;

/// Checks a cluster credential the user typed and names its keyring entry. Surrounding white
/// space from copy and paste is dropped.
pub fn cluster_credential(
    cluster: &str,
    kind: ClusterCredential,
    value: &str,
) -> Result<(CredentialKey, Secret)> {
    let value = value.trim();
    let key = match kind {
        ClusterCredential::Token if value.is_empty() => {
            return Err(Error::Rejected(
                "the token is empty; paste the bearer token for this cluster",
            ));
        }
        ClusterCredential::Token => CredentialKey::ClusterToken(cluster.to_string()),
        ClusterCredential::ClientKey if !value.contains("PRIVATE KEY-----") => {
            return Err(Error::Rejected(
                "that is not a PEM private key; paste the whole key, from -----BEGIN to -----END",
            ));
        }
        ClusterCredential::ClientKey => CredentialKey::ClusterClientKey(cluster.to_string()),
    };
    Ok((key, Secret::new(value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_cluster_credentials_are_checked_and_trimmed() {
        let (key, secret) = cluster_credential("a", ClusterCredential::Token, "  abc\n").unwrap();
        assert_eq!(key, CredentialKey::ClusterToken("a".into()));
        assert_eq!(secret.expose(), "abc");
        assert!(cluster_credential("a", ClusterCredential::Token, " \n").is_err());

        let pem = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";
        let (key, _) = cluster_credential("a", ClusterCredential::ClientKey, pem).unwrap();
        assert_eq!(key, CredentialKey::ClusterClientKey("a".into()));
        let err =
            cluster_credential("a", ClusterCredential::ClientKey, "ssh-rsa AAAA").unwrap_err();
        assert!(err.to_string().contains("not a PEM private key"), "{err}");
    }
}
