//! The endpoint a repository secret is bound to. (A cluster's is `clusters::cluster_endpoint`:
//! it needs the kubeconfig.)
//!
//! Spellings of the same repository give the same endpoint, so re-saving a form with
//! `https://Host/org/repo.git/` for `https://host/org/repo` does not ask for the secret again.
//! Anything that could send the secret elsewhere (another host, port, path, scheme or user)
//! gives a different one.

/// `"<normalised url> (<auth kind>)"`, e.g. `https://github.com/org/repo (https)`. The auth kind
/// is part of it so that switching, say, from HTTPS to SSH never reuses a password as a
/// passphrase.
pub fn repository_endpoint(url: &str, auth_kind: &str) -> String {
    format!("{} ({auth_kind})", normalise(url.trim()))
}

fn normalise(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (user, host) = match authority.rsplit_once('@') {
            Some((user, host)) => (Some(user), host),
            None => (None, authority),
        };
        let mut host = host.to_ascii_lowercase();
        if let Some(port) = default_port(&scheme)
            && let Some(bare) = host.strip_suffix(&format!(":{port}"))
        {
            host = bare.to_string();
        }
        let user = user.map(|u| format!("{u}@")).unwrap_or_default();
        format!("{scheme}://{user}{host}{}", repository_path(path))
    } else if let Some((host, path)) = scp_like(url) {
        let (user, host) = match host.rsplit_once('@') {
            Some((user, host)) => (format!("{user}@"), host),
            None => (String::new(), host),
        };
        format!(
            "{user}{}:{}",
            host.to_ascii_lowercase(),
            repository_path(path)
        )
    } else {
        url.trim_end_matches('/').to_string()
    }
}

/// `user@host:path`, Git's scp-like syntax: a colon before any slash.
fn scp_like(url: &str) -> Option<(&str, &str)> {
    let colon = url.find(':')?;
    let slash = url.find('/').unwrap_or(usize::MAX);
    (colon < slash && colon > 0).then(|| (&url[..colon], &url[colon + 1..]))
}

fn repository_path(path: &str) -> &str {
    let path = path.trim_end_matches('/');
    path.strip_suffix(".git")
        .unwrap_or(path)
        .trim_end_matches('/')
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "https" => Some(443),
        "http" => Some(80),
        "ssh" => Some(22),
        "git" => Some(9418),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::repository_endpoint;

    #[test]
    fn spellings_of_one_repository_share_an_endpoint() {
        let same = [
            "https://github.com/org/repo",
            "https://GitHub.com/org/repo.git",
            "HTTPS://github.com:443/org/repo/",
            "  https://github.com/org/repo.git/ ",
        ];
        for url in same {
            assert_eq!(
                repository_endpoint(url, "https"),
                "https://github.com/org/repo (https)",
                "{url}"
            );
        }
        assert_eq!(
            repository_endpoint("git@GitHub.com:org/repo.git", "ssh_key"),
            "git@github.com:org/repo (ssh_key)"
        );
    }

    #[test]
    fn anything_that_could_reach_someone_else_differs() {
        let base = repository_endpoint("https://github.com/org/repo", "https");
        for other in [
            "https://github.com.evil.net/org/repo",
            "https://github.com:8443/org/repo",
            "http://github.com/org/repo",
            "https://github.com/org/other",
            "https://github.com/org2/repo",
            "https://someone@github.com/org/repo",
        ] {
            assert_ne!(repository_endpoint(other, "https"), base, "{other}");
        }
        assert_ne!(
            repository_endpoint("https://github.com/org/repo", "ssh_key"),
            base,
            "another auth kind must ask again"
        );
        assert_ne!(
            repository_endpoint("git@github.com:org/repo", "ssh_key"),
            repository_endpoint("deploy@github.com:org/repo", "ssh_key"),
        );
    }
}
