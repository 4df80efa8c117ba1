//! What the user tracks: a repository URL, a revision (branch, tag or commit) and a path inside
//! the repository, and how Shipdeck authenticates to it.
//!
//! Everything here is validated when it is built from user input, so the rest of the `git`
//! module never sees an unsupported URL, a ref name Git would refuse or a path escaping the
//! repository. Every error says what to type instead.

use crate::secret::Secret;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error(
        "the repository URL is empty; enter an https://, ssh://, git:// URL, git@host:path or an absolute local path"
    )]
    EmptyUrl,
    #[error(
        "`{scheme}://` URLs are not supported; use https://, http://, ssh://, git://, file:// or git@host:path"
    )]
    UnsupportedScheme { scheme: String },
    #[error("the URL `{url}` has no host; write it as scheme://host/path/to/repo.git")]
    MissingHost { url: String },
    #[error(
        "the URL `{url}` has no repository path; add the path after the host, e.g. …/org/repo.git"
    )]
    MissingRepoPath { url: String },
    /// Never echoes the URL: the part refused may be a secret.
    #[error(
        "the URL contains a username, password or token; remove it from the URL and enter it in the username and token (or password) fields of the repository's authentication settings, which keep it in the OS keyring"
    )]
    CredentialsInUrl,
    #[error(
        "a token or password would travel unencrypted over http:// to {host}; use an https:// URL (plain http:// with credentials is allowed only to this machine: localhost, 127.0.0.0/8, ::1)"
    )]
    SecretOverPlainHttp { host: String },
    #[error("`{path}` is a relative path; enter the absolute path of the local repository")]
    RelativeLocalPath { path: String },
    #[error("the {kind} name is empty; enter the {kind} to track")]
    EmptyRevision { kind: &'static str },
    #[error(
        "`{name}` is not a valid {kind} name; use the name as `git {kind}` lists it, without spaces, `..`, `~`, `^` or `:`"
    )]
    InvalidRefName { kind: &'static str, name: String },
    #[error(
        "`{sha}` is not a commit SHA; enter 7 to 40 hexadecimal characters as `git log` shows them"
    )]
    InvalidSha { sha: String },
    #[error(
        "the path `{path}` leaves the repository (`..`); enter a path relative to the repository root"
    )]
    PathEscapes { path: String },
    #[error("the path `{path}` points into `.git`; enter a directory of manifests instead")]
    PathIntoGitDir { path: String },
    #[error("{auth} cannot be used with a {transport} URL; {hint}")]
    AuthMismatch {
        auth: &'static str,
        transport: Transport,
        hint: &'static str,
    },
    #[error("the username is empty; enter the username for this repository")]
    EmptyUsername,
    #[error("the {what} is empty; enter it, or choose another authentication method")]
    EmptySecret { what: &'static str },
    #[error(
        "the SSH key path `{path}` is not absolute; enter the full path of the private key file"
    )]
    RelativeKeyPath { path: PathBuf },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How a URL is reached. Decides which [`Auth`] fits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// `https://` (or `http://`, allowed for servers on a trusted network).
    Http { tls: bool },
    /// `ssh://` or scp-like `user@host:path`.
    Ssh,
    /// `git://`: unauthenticated, read-only.
    Git,
    /// A repository on this machine (`/path` or `file://`).
    Local,
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transport::Http { tls: true } => "HTTPS",
            Transport::Http { tls: false } => "HTTP",
            Transport::Ssh => "SSH",
            Transport::Git => "git://",
            Transport::Local => "local path",
        })
    }
}

/// A validated repository URL. Never holds a password (those are refused), so it is safe to
/// show, log and store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoUrl {
    url: String,
    transport: Transport,
    username: Option<String>,
    /// Lowercase, without port or IPv6 brackets; `None` for local paths.
    host: Option<String>,
}

impl RepoUrl {
    /// Accepts what `git clone` accepts that Shipdeck supports: `https://`, `http://`,
    /// `ssh://`, `git://`, `file://`, scp-like `[user@]host:path`, and absolute local paths.
    /// Relative paths are refused because a desktop app's working directory means nothing to
    /// the user.
    ///
    /// User info is refused in `http(s)://` and `git://` URLs, whatever it holds: a user part
    /// is where people paste tokens (`https://TOKEN@host/…`), and a URL is shown, logged and
    /// stored in `settings.toml`, so credentials belong in the keyring-backed fields instead.
    /// SSH URLs keep their user (`git@host:…`, `ssh://git@host/…`), which is not a secret.
    pub fn parse(input: &str) -> Result<Self> {
        let url = input.trim();
        if url.is_empty() {
            return Err(Error::EmptyUrl);
        }
        if let Some((scheme, rest)) = url.split_once("://") {
            let scheme_lower = scheme.to_ascii_lowercase();
            let transport = match scheme_lower.as_str() {
                "https" => Transport::Http { tls: true },
                "http" => Transport::Http { tls: false },
                "ssh" | "git+ssh" | "ssh+git" => Transport::Ssh,
                "git" => Transport::Git,
                "file" => {
                    if rest.is_empty() || rest == "/" {
                        return Err(Error::MissingRepoPath { url: url.into() });
                    }
                    return Ok(Self {
                        url: url.into(),
                        transport: Transport::Local,
                        username: None,
                        host: None,
                    });
                }
                _ => {
                    return Err(Error::UnsupportedScheme {
                        scheme: scheme.into(),
                    });
                }
            };
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let (userinfo, host) = match authority.rsplit_once('@') {
                Some((userinfo, host)) => (Some(userinfo), host),
                None => (None, authority),
            };
            let username = match userinfo {
                Some("") | None => None,
                Some(info) if info.contains(':') || transport != Transport::Ssh => {
                    return Err(Error::CredentialsInUrl);
                }
                Some(user) => Some(user.to_string()),
            };
            if host.is_empty() || host.starts_with(':') {
                return Err(Error::MissingHost { url: url.into() });
            }
            if path.trim_matches('/').is_empty() {
                return Err(Error::MissingRepoPath { url: url.into() });
            }
            return Ok(Self {
                url: url.into(),
                transport,
                username,
                host: Some(host_name(host)),
            });
        }
        if let Some((target, path)) = scp_like(url) {
            // `user:password@host:path` reads as host `user` and path `password@host:path`;
            // git would try to reach a host named after the user, with the password in the
            // path.
            let looks_like_password = path
                .split(':')
                .next()
                .and_then(|p| p.split_once('@'))
                .is_some_and(|(secret, _)| !secret.contains('/'));
            if !target.contains('@') && looks_like_password {
                return Err(Error::CredentialsInUrl);
            }
            let (username, host) = match target.rsplit_once('@') {
                Some((user, host)) => (Some(user.to_string()).filter(|u| !u.is_empty()), host),
                None => (None, target),
            };
            if host.is_empty() {
                return Err(Error::MissingHost { url: url.into() });
            }
            if path.trim_matches('/').is_empty() {
                return Err(Error::MissingRepoPath { url: url.into() });
            }
            return Ok(Self {
                url: url.into(),
                transport: Transport::Ssh,
                username,
                host: Some(host_name(host)),
            });
        }
        if !Path::new(url).is_absolute() {
            return Err(Error::RelativeLocalPath { path: url.into() });
        }
        Ok(Self {
            url: url.into(),
            transport: Transport::Local,
            username: None,
            host: None,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.url
    }

    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// The user named in the URL (`git@…`), which SSH uses before any default.
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// The server's host name or address, lowercase, without port or brackets; `None` for a
    /// local path.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// Whether the server is this machine: `localhost`, `127.0.0.0/8` or `::1`.
    pub fn is_loopback(&self) -> bool {
        self.host.as_deref().is_some_and(is_loopback_host)
    }

    /// Whether `other` (a URL libgit2 is about to send credentials to) names the same server:
    /// the same host, and the same scheme or an upgrade from `http` to `https`. A URL that does
    /// not parse is never the same server.
    pub fn same_server(&self, other: &str) -> bool {
        let Some((scheme, rest)) = other.split_once("://") else {
            // scp-like: `[user@]host:path`.
            return self.transport == Transport::Ssh
                && scp_like(other).is_some_and(|(target, _)| {
                    let host = target.rsplit_once('@').map_or(target, |(_, h)| h);
                    self.host.as_deref() == Some(host_name(host).as_str())
                });
        };
        let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
        let host = host_name(authority.rsplit_once('@').map_or(authority, |(_, h)| h));
        let scheme_fits = matches!(
            (self.transport, scheme.to_ascii_lowercase().as_str()),
            (Transport::Http { tls: true }, "https")
                | (Transport::Http { tls: false }, "http" | "https")
                | (Transport::Ssh, "ssh" | "git+ssh" | "ssh+git")
                | (Transport::Git, "git")
        );
        scheme_fits && self.host.as_deref() == Some(host.as_str())
    }
}

/// `Host`, `host:443`, `[::1]:8080` → `host`, `host`, `::1`.
pub(crate) fn host_name(host_port: &str) -> String {
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    host.to_ascii_lowercase()
}

fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(std::net::IpAddr::V6(v6)) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

impl fmt::Display for RepoUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// Git's rule for scp-like addresses: a colon before the first slash, and not a lone drive
/// letter. Returns (`[user@]host`, path).
fn scp_like(url: &str) -> Option<(&str, &str)> {
    let colon = url.find(':')?;
    if url[..colon].contains('/') || colon == 1 && url.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    Some((&url[..colon], &url[colon + 1..]))
}

/// The revision an application follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revision {
    /// Follows the branch as it moves.
    Branch(String),
    /// Follows the tag; moves only if the tag is re-pointed on the remote.
    Tag(String),
    /// A fixed commit (full or abbreviated SHA, lowercase); never moves.
    Commit(String),
}

impl Revision {
    /// `main` or `refs/heads/main`.
    pub fn branch(name: &str) -> Result<Self> {
        ref_name(name, "branch", "refs/heads/").map(Revision::Branch)
    }

    /// `v1.2.0` or `refs/tags/v1.2.0`.
    pub fn tag(name: &str) -> Result<Self> {
        ref_name(name, "tag", "refs/tags/").map(Revision::Tag)
    }

    /// 7 to 40 hex digits. Abbreviated SHAs are resolved after fetching, and fail as not found
    /// when ambiguous.
    pub fn commit(sha: &str) -> Result<Self> {
        let sha = sha.trim();
        if sha.is_empty() {
            return Err(Error::EmptyRevision { kind: "commit" });
        }
        if !(7..=40).contains(&sha.len()) || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::InvalidSha { sha: sha.into() });
        }
        Ok(Revision::Commit(sha.to_ascii_lowercase()))
    }

    /// The full ref on the remote, `None` for a commit (nothing to ask the remote about).
    pub fn remote_ref(&self) -> Option<String> {
        match self {
            Revision::Branch(b) => Some(format!("refs/heads/{b}")),
            Revision::Tag(t) => Some(format!("refs/tags/{t}")),
            Revision::Commit(_) => None,
        }
    }

    /// Where the fetched ref is kept in the cache. Branches go under `refs/remotes/origin/` as
    /// in any clone; tags keep their name.
    pub(crate) fn local_ref(&self) -> Option<String> {
        match self {
            Revision::Branch(b) => Some(format!("refs/remotes/origin/{b}")),
            Revision::Tag(t) => Some(format!("refs/tags/{t}")),
            Revision::Commit(_) => None,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Revision::Branch(n) | Revision::Tag(n) | Revision::Commit(n) => n,
        }
    }
}

impl fmt::Display for Revision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Revision::Branch(b) => write!(f, "branch `{b}`"),
            Revision::Tag(t) => write!(f, "tag `{t}`"),
            Revision::Commit(c) => write!(f, "commit `{c}`"),
        }
    }
}

fn ref_name(name: &str, kind: &'static str, prefix: &str) -> Result<String> {
    let name = name.trim();
    let name = name.strip_prefix(prefix).unwrap_or(name);
    if name.is_empty() {
        return Err(Error::EmptyRevision { kind });
    }
    if !git2::Reference::is_valid_name(&format!("{prefix}{name}")) {
        return Err(Error::InvalidRefName {
            kind,
            name: name.into(),
        });
    }
    Ok(name.into())
}

/// A path inside the repository, `/`-separated, relative to its root; empty for the root.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RepoPath(String);

impl RepoPath {
    /// Accepts `apps/web`, `./apps/web/`, `/apps/web` (all the same path) and ``/`.`/`/` for the
    /// root. Refuses `..` (it would leave the repository) and `.git`.
    pub fn parse(input: &str) -> Result<Self> {
        let mut parts = Vec::new();
        for part in input.trim().split(['/', '\\']) {
            match part {
                "" | "." => {}
                ".." => {
                    return Err(Error::PathEscapes {
                        path: input.trim().into(),
                    });
                }
                part if part.eq_ignore_ascii_case(".git") => {
                    return Err(Error::PathIntoGitDir {
                        path: input.trim().into(),
                    });
                }
                part => parts.push(part),
            }
        }
        Ok(Self(parts.join("/")))
    }

    pub fn root() -> Self {
        Self::default()
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RepoPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_root() {
            f.write_str("/")
        } else {
            f.write_str(&self.0)
        }
    }
}

/// Where the desired state lives: repository, revision and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoSpec {
    pub url: RepoUrl,
    pub revision: Revision,
    pub path: RepoPath,
}

/// How Shipdeck proves who it is to the repository. Secrets come from the keyring and stay in
/// [`Secret`]s, so they never print.
#[derive(Debug, Clone, Default)]
pub enum Auth {
    /// Public repositories, `git://` and local paths.
    #[default]
    None,
    /// An HTTPS access token, sent as the password. Forges ignore the username for tokens but
    /// require one; `x-access-token` works for GitHub, GitLab and Gitea unless the user gives
    /// another (Bitbucket wants the account name).
    Token {
        username: Option<String>,
        token: Secret,
    },
    /// HTTPS basic auth.
    UserPassword { username: String, password: Secret },
    /// An SSH private key file, optionally protected by a passphrase. The public key is read from
    /// `<key>.pub` when present, otherwise derived from the private key.
    SshKey {
        private_key: PathBuf,
        passphrase: Option<Secret>,
    },
    /// Keys held by the running ssh-agent (`SSH_AUTH_SOCK`).
    SshAgent,
}

/// The username sent with a token when the user gives none.
pub const DEFAULT_TOKEN_USERNAME: &str = "x-access-token";

impl Auth {
    pub fn token(token: Secret) -> Self {
        Auth::Token {
            username: None,
            token,
        }
    }

    /// A short name for messages (never the secret).
    pub fn describe(&self) -> &'static str {
        match self {
            Auth::None => "no authentication",
            Auth::Token { .. } => "a token",
            Auth::UserPassword { .. } => "a username and password",
            Auth::SshKey { .. } => "an SSH key",
            Auth::SshAgent => "the SSH agent",
        }
    }

    /// The secrets this auth holds, so error messages can be scrubbed of them.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        match self {
            Auth::Token { token, .. } => vec![token.expose()],
            Auth::UserPassword { password, .. } => vec![password.expose()],
            Auth::SshKey {
                passphrase: Some(p),
                ..
            } => vec![p.expose()],
            _ => Vec::new(),
        }
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect()
    }

    /// Checks the auth is complete and fits the transport: tokens and passwords only travel
    /// over HTTP(S), keys and the agent only over SSH, and `git://` and local paths take none.
    pub fn validate_for(&self, transport: Transport) -> Result<()> {
        match self {
            Auth::Token { username, token } => {
                if username.as_deref().is_some_and(|u| u.trim().is_empty()) {
                    return Err(Error::EmptyUsername);
                }
                if token.expose().is_empty() {
                    return Err(Error::EmptySecret { what: "token" });
                }
            }
            Auth::UserPassword { username, password } => {
                if username.trim().is_empty() {
                    return Err(Error::EmptyUsername);
                }
                if password.expose().is_empty() {
                    return Err(Error::EmptySecret { what: "password" });
                }
            }
            Auth::SshKey { private_key, .. } => {
                if !private_key.is_absolute() {
                    return Err(Error::RelativeKeyPath {
                        path: private_key.clone(),
                    });
                }
            }
            Auth::None | Auth::SshAgent => {}
        }
        let fits = matches!(
            (self, transport),
            (Auth::None, _)
                | (
                    Auth::Token { .. } | Auth::UserPassword { .. },
                    Transport::Http { .. }
                )
                | (Auth::SshKey { .. } | Auth::SshAgent, Transport::Ssh)
        );
        if fits {
            return Ok(());
        }
        let hint = match transport {
            Transport::Http { .. } => {
                "use a token or a username and password, or switch to an SSH URL"
            }
            Transport::Ssh => "use an SSH key or the SSH agent, or switch to an HTTPS URL",
            Transport::Git => {
                "git:// is unauthenticated; choose no authentication or use HTTPS/SSH"
            }
            Transport::Local => "local paths need no authentication; choose none",
        };
        Err(Error::AuthMismatch {
            auth: self.describe(),
            transport,
            hint,
        })
    }
}

/// How the server's identity is checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HostVerification {
    /// libgit2's own checks: TLS certificates against the system roots, SSH host keys against
    /// `~/.ssh/known_hosts`. The only sensible choice in production.
    #[default]
    Verify,
    /// Accepts any host key or certificate. For tests against throwaway servers; never offer it
    /// in the UI, since it lets anyone in the network path impersonate the server.
    InsecureAcceptAny,
}

/// A repository Shipdeck can clone and poll: what to track, how to authenticate and how to
/// check the server.
#[derive(Debug, Clone)]
pub struct Source {
    spec: RepoSpec,
    auth: Auth,
    host_verification: HostVerification,
}

impl Source {
    /// Fails when the auth does not fit the URL's transport, or when a token or password
    /// would cross the network unencrypted (plain `http://` to another machine).
    pub fn new(spec: RepoSpec, auth: Auth) -> Result<Self> {
        auth.validate_for(spec.url.transport())?;
        let carries_secret = matches!(auth, Auth::Token { .. } | Auth::UserPassword { .. });
        if carries_secret
            && spec.url.transport() == (Transport::Http { tls: false })
            && !spec.url.is_loopback()
        {
            return Err(Error::SecretOverPlainHttp {
                host: spec.url.host().unwrap_or_default().to_string(),
            });
        }
        Ok(Self {
            spec,
            auth,
            host_verification: HostVerification::default(),
        })
    }

    /// Builds the spec from the raw strings of a settings form.
    pub fn parse(url: &str, revision: Revision, path: &str, auth: Auth) -> Result<Self> {
        let spec = RepoSpec {
            url: RepoUrl::parse(url)?,
            revision,
            path: RepoPath::parse(path)?,
        };
        Self::new(spec, auth)
    }

    #[must_use]
    pub fn host_verification(mut self, verification: HostVerification) -> Self {
        self.host_verification = verification;
        self
    }

    pub fn spec(&self) -> &RepoSpec {
        &self.spec
    }

    pub fn url(&self) -> &RepoUrl {
        &self.spec.url
    }

    pub fn revision(&self) -> &Revision {
        &self.spec.revision
    }

    pub fn path(&self) -> &RepoPath {
        &self.spec.path
    }

    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    pub fn verification(&self) -> HostVerification {
        self.host_verification
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_classified_by_transport() {
        let cases = [
            (
                "https://github.com/org/repo.git",
                Transport::Http { tls: true },
            ),
            (
                "http://127.0.0.1:8080/git/r.git",
                Transport::Http { tls: false },
            ),
            ("ssh://git@host:2222/org/repo.git", Transport::Ssh),
            ("git@github.com:org/repo.git", Transport::Ssh),
            ("host:repo.git", Transport::Ssh),
            ("git://127.0.0.1:9418/repo.git", Transport::Git),
            ("file:///srv/git/repo.git", Transport::Local),
            ("/srv/git/repo.git", Transport::Local),
            ("  /srv/git/repo.git  ", Transport::Local),
        ];
        for (url, transport) in cases {
            assert_eq!(RepoUrl::parse(url).unwrap().transport(), transport, "{url}");
        }
        assert_eq!(
            RepoUrl::parse("git@github.com:org/repo.git")
                .unwrap()
                .username(),
            Some("git")
        );
        assert_eq!(
            RepoUrl::parse("ssh://deploy@host/r.git")
                .unwrap()
                .username(),
            Some("deploy")
        );
    }

    #[test]
    fn bad_urls_say_what_to_do() {
        assert_eq!(RepoUrl::parse(" "), Err(Error::EmptyUrl));
        assert!(matches!(
            RepoUrl::parse("ftp://host/r.git"),
            Err(Error::UnsupportedScheme { .. })
        ));
        assert!(matches!(
            RepoUrl::parse("https:///r.git"),
            Err(Error::MissingHost { .. })
        ));
        assert!(matches!(
            RepoUrl::parse("https://github.com/"),
            Err(Error::MissingRepoPath { .. })
        ));
        assert!(matches!(
            RepoUrl::parse("repos/r.git"),
            Err(Error::RelativeLocalPath { .. })
        ));
        let err = RepoUrl::parse("https://me:hunter2@github.com/org/r.git").unwrap_err();
        assert_eq!(err, Error::CredentialsInUrl);
        assert!(!err.to_string().contains("hunter2"));
        assert!(err.to_string().contains("keyring"));
    }

    #[test]
    fn credentials_in_urls_are_refused_without_echoing_them() {
        let refused = [
            "https://me:hunter2@github.com/org/r.git",
            "https://ghp_S3cretT0ken@github.com/org/r.git",
            "https://oauth2:glpat-S3cret@gitlab.com/org/r.git",
            "http://alice@127.0.0.1:8080/git/r.git",
            "HTTPS://x-access-token:S3cret@host/r.git",
            "git://S3cret@host/r.git",
            "ssh://git:S3cret@host/r.git",
            "me:S3cret@host:org/r.git",
        ];
        for url in refused {
            let err = RepoUrl::parse(url).expect_err(url);
            assert_eq!(err, Error::CredentialsInUrl, "{url}");
            let shown = err.to_string();
            assert!(
                !shown.contains("S3cret") && !shown.contains("hunter2"),
                "{shown}"
            );
            assert!(
                shown.contains("username") && shown.contains("token"),
                "{shown}"
            );
        }
        assert!(RepoUrl::parse("host:org/r@2.git").is_ok());
        // SSH users are not secrets.
        for url in ["git@github.com:org/r.git", "ssh://git@host:2222/org/r.git"] {
            assert_eq!(
                RepoUrl::parse(url).unwrap().username(),
                Some("git"),
                "{url}"
            );
        }
    }

    #[test]
    fn hosts_are_parsed_and_compared() {
        let url = RepoUrl::parse("https://GitHub.com:443/org/r.git").unwrap();
        assert_eq!(url.host(), Some("github.com"));
        assert!(url.same_server("https://github.com/org/r.git"));
        assert!(!url.same_server("https://evil.example/org/r.git"));
        assert!(
            !url.same_server("http://github.com/org/r.git"),
            "no downgrade"
        );
        assert!(!url.same_server("not a url"));
        let http = RepoUrl::parse("http://127.0.0.1:8080/r.git").unwrap();
        assert!(http.same_server("https://127.0.0.1/r.git"), "upgrade");
        assert!(!http.same_server("http://127.0.0.2:8080/r.git"));
        let v6 = RepoUrl::parse("http://[::1]:8080/r.git").unwrap();
        assert_eq!(v6.host(), Some("::1"));
        assert!(v6.is_loopback());
        let scp = RepoUrl::parse("git@github.com:org/r.git").unwrap();
        assert!(scp.same_server("git@github.com:org/r.git"));
        assert!(scp.same_server("ssh://git@github.com/org/r.git"));
        assert!(!scp.same_server("git@gitlab.com:org/r.git"));
        assert_eq!(RepoUrl::parse("/srv/r.git").unwrap().host(), None);
    }

    #[test]
    fn secrets_over_plain_http_only_to_loopback() {
        let main = || Revision::branch("main").unwrap();
        let token = || Auth::token(Secret::new("t"));
        let password = || Auth::UserPassword {
            username: "u".into(),
            password: Secret::new("p"),
        };
        for url in [
            "http://git.example.com/r.git",
            "http://10.0.0.5:3000/r.git",
            "http://127.example.com/r.git",
        ] {
            for auth in [token(), password()] {
                let err = Source::parse(url, main(), "", auth).unwrap_err();
                assert!(
                    matches!(err, Error::SecretOverPlainHttp { .. }),
                    "{url}: {err}"
                );
                assert!(err.to_string().contains("https://"), "{err}");
            }
            assert!(Source::parse(url, main(), "", Auth::None).is_ok(), "{url}");
        }
        for url in [
            "http://localhost:3000/r.git",
            "http://LOCALHOST/r.git",
            "http://127.0.0.1:8080/r.git",
            "http://127.1.2.3/r.git",
            "http://[::1]:8080/r.git",
            "https://git.example.com/r.git",
        ] {
            assert!(Source::parse(url, main(), "", token()).is_ok(), "{url}");
            assert!(Source::parse(url, main(), "", password()).is_ok(), "{url}");
        }
    }

    #[test]
    fn revisions_are_validated() {
        assert_eq!(
            Revision::branch("main"),
            Ok(Revision::Branch("main".into()))
        );
        assert_eq!(
            Revision::branch("refs/heads/release/1.x"),
            Ok(Revision::Branch("release/1.x".into()))
        );
        assert_eq!(Revision::tag("v1.0.0"), Ok(Revision::Tag("v1.0.0".into())));
        assert!(matches!(
            Revision::branch("bad..name"),
            Err(Error::InvalidRefName { .. })
        ));
        assert!(matches!(
            Revision::branch("has space"),
            Err(Error::InvalidRefName { .. })
        ));
        assert!(matches!(
            Revision::tag(""),
            Err(Error::EmptyRevision { kind: "tag" })
        ));
        assert_eq!(
            Revision::commit("ABCDEF1"),
            Ok(Revision::Commit("abcdef1".into()))
        );
        assert!(matches!(
            Revision::commit("abc"),
            Err(Error::InvalidSha { .. })
        ));
        assert!(matches!(
            Revision::commit("zzzzzzzz"),
            Err(Error::InvalidSha { .. })
        ));
    }

    #[test]
    fn paths_are_normalized_and_kept_inside() {
        assert_eq!(RepoPath::parse("./apps/web/").unwrap().as_str(), "apps/web");
        assert_eq!(RepoPath::parse("/apps//web").unwrap().as_str(), "apps/web");
        assert!(RepoPath::parse("/").unwrap().is_root());
        assert!(RepoPath::parse("").unwrap().is_root());
        assert!(matches!(
            RepoPath::parse("apps/../../etc"),
            Err(Error::PathEscapes { .. })
        ));
        assert!(matches!(
            RepoPath::parse(".git/config"),
            Err(Error::PathIntoGitDir { .. })
        ));
        assert!(matches!(
            RepoPath::parse("apps/.GIT/hooks"),
            Err(Error::PathIntoGitDir { .. })
        ));
    }

    #[test]
    fn auth_must_fit_the_transport() {
        let https = Transport::Http { tls: true };
        assert!(Auth::token(Secret::new("t")).validate_for(https).is_ok());
        assert!(Auth::SshAgent.validate_for(Transport::Ssh).is_ok());
        assert!(Auth::None.validate_for(Transport::Git).is_ok());
        assert!(matches!(
            Auth::token(Secret::new("t")).validate_for(Transport::Ssh),
            Err(Error::AuthMismatch { .. })
        ));
        assert!(matches!(
            Auth::SshAgent.validate_for(https),
            Err(Error::AuthMismatch { .. })
        ));
        assert!(matches!(
            Auth::token(Secret::new("")).validate_for(https),
            Err(Error::EmptySecret { .. })
        ));
        let relative = Auth::SshKey {
            private_key: "id_rsa".into(),
            passphrase: None,
        };
        assert!(matches!(
            relative.validate_for(Transport::Ssh),
            Err(Error::RelativeKeyPath { .. })
        ));
    }
}
