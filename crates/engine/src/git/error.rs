//! What went wrong talking to a repository, classified so the UI can say what to do.
//!
//! git2 reports failures as an [`git2::ErrorClass`], an [`git2::ErrorCode`] and a message that
//! differs per transport. [`classify`] turns them into the few cases a user can act on. Messages
//! are scrubbed of URL userinfo and of the configured secrets before they are kept, because
//! libgit2 repeats URLs verbatim and these errors are shown and logged.

use super::spec::Revision;
use std::fmt;
use std::path::PathBuf;

/// The step that failed, for messages ("fetching … failed").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Clone,
    Fetch,
    /// The cheap `ls-remote` that decides whether to fetch.
    CheckRemote,
    Resolve,
    Export,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::Clone => "cloning",
            Operation::Fetch => "fetching",
            Operation::CheckRemote => "checking for changes in",
            Operation::Resolve => "resolving the revision of",
            Operation::Export => "exporting files from",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error(
        "{op} {url} failed: authentication failed ({detail}); check {hint} in the repository settings"
    )]
    AuthFailed {
        op: Operation,
        url: String,
        detail: String,
        hint: &'static str,
    },
    #[error(
        "{op} {url} failed: {what} was not found ({detail}); check the URL and the name, and that your credentials may read it"
    )]
    NotFound {
        op: Operation,
        url: String,
        what: String,
        detail: String,
    },
    #[error(
        "{op} {url} failed: the server cannot be reached ({detail}); check the host name, port and network connection — Shipdeck retries on its own"
    )]
    Unreachable {
        op: Operation,
        url: String,
        detail: String,
    },
    #[error(
        "{op} {url} failed: the server's identity could not be verified ({detail}); for SSH add its host key to ~/.ssh/known_hosts (`ssh-keyscan -p PORT HOST >> ~/.ssh/known_hosts`), for HTTPS install the CA that signed its certificate"
    )]
    Untrusted {
        op: Operation,
        url: String,
        detail: String,
    },
    #[error(
        "{op} {url} failed: the server did not answer within {secs} s; check that the server is up and reachable from this machine — Shipdeck retries on its own"
    )]
    Timeout {
        op: Operation,
        url: String,
        secs: u64,
    },
    #[error(
        "{op} {url} failed: the server redirected to another host ({host}); Shipdeck does not send credentials there. If the repository moved, enter its new URL in the repository settings"
    )]
    Redirected {
        op: Operation,
        url: String,
        host: String,
    },
    #[error("{op} {url} was cancelled; nothing was changed")]
    Cancelled { op: Operation, url: String },
    /// A tree entry that could write outside the export, into a `.git` directory, or that no
    /// file system can hold. `path` is escaped, since it may hold control characters.
    #[error(
        "the repository contains an unsafe path `{path}` at commit {short_sha} ({reason}); Shipdeck refused to export it. Rename or remove it in the repository and push a new commit"
    )]
    UnsafePath {
        path: String,
        short_sha: String,
        reason: &'static str,
    },
    #[error(
        "`{path}` at commit {short_sha} is {size} bytes, more than the {limit} bytes Shipdeck exports for one file; Shipdeck refused to export it. Keep large files out of the manifests repository"
    )]
    FileTooLarge {
        path: String,
        short_sha: String,
        size: u64,
        limit: u64,
    },
    #[error(
        "the files at commit {short_sha} add up to more than {limit} bytes (reached at `{path}`), the most Shipdeck exports at once; Shipdeck refused to export them. Keep large files out of the manifests repository"
    )]
    ExportTooLarge {
        path: String,
        short_sha: String,
        limit: u64,
    },
    #[error(
        "commit {short_sha} holds more than {limit} files and directories, the most Shipdeck exports at once; Shipdeck refused to export them. Split the repository, or keep generated files out of it"
    )]
    TooManyFiles { short_sha: String, limit: u64 },
    #[error(
        "`{path}` does not exist at {revision} (commit {short_sha}); check the path in the repository settings, or push it to the repository"
    )]
    PathMissing {
        path: String,
        revision: String,
        short_sha: String,
    },
    #[error("the cache at {} is not usable ({detail}); check free disk space and permissions, or remove the directory so Shipdeck clones again", path.display())]
    Cache { path: PathBuf, detail: String },
    #[error("writing files to {} failed ({detail}); check free disk space and permissions", path.display())]
    Write { path: PathBuf, detail: String },
    #[error(
        "{op} {url} failed: {detail}; retry, and check the repository with `git ls-remote` if it persists"
    )]
    Other {
        op: Operation,
        url: String,
        detail: String,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The class of an [`Error`], as a stable code for the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    AuthFailed,
    NotFound,
    Unreachable,
    Untrusted,
    /// The server accepted the connection but did not answer in time.
    Timeout,
    /// The server redirected to another host; nothing was sent there.
    Redirected,
    Cancelled,
    PathMissing,
    /// The commit holds a path Shipdeck refuses to write.
    UnsafePath,
    /// A file, or the export as a whole, is over its size or count limit.
    TooLarge,
    Cache,
    Write,
    Other,
}

impl ErrorKind {
    /// See [`Error::needs_user_fix`]. A missing path is not among these: pushing it is the
    /// usual fix, and the next round should see it soon.
    pub fn needs_user_fix(self) -> bool {
        matches!(
            self,
            ErrorKind::AuthFailed | ErrorKind::NotFound | ErrorKind::Redirected
        )
    }

    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::AuthFailed => "git.auth_failed",
            ErrorKind::NotFound => "git.not_found",
            ErrorKind::Unreachable => "git.unreachable",
            ErrorKind::Untrusted => "git.untrusted",
            ErrorKind::Timeout => "git.timeout",
            ErrorKind::Redirected => "git.redirected",
            ErrorKind::Cancelled => "git.cancelled",
            ErrorKind::PathMissing => "git.path_missing",
            ErrorKind::UnsafePath => "git.unsafe_path",
            ErrorKind::TooLarge => "git.too_large",
            ErrorKind::Cache => "git.cache",
            ErrorKind::Write => "git.write",
            ErrorKind::Other => "git.other",
        }
    }
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::AuthFailed { .. } => ErrorKind::AuthFailed,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Unreachable { .. } => ErrorKind::Unreachable,
            Error::Untrusted { .. } => ErrorKind::Untrusted,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Redirected { .. } => ErrorKind::Redirected,
            Error::Cancelled { .. } => ErrorKind::Cancelled,
            Error::PathMissing { .. } => ErrorKind::PathMissing,
            Error::UnsafePath { .. } => ErrorKind::UnsafePath,
            Error::FileTooLarge { .. }
            | Error::ExportTooLarge { .. }
            | Error::TooManyFiles { .. } => ErrorKind::TooLarge,
            Error::Cache { .. } => ErrorKind::Cache,
            Error::Write { .. } => ErrorKind::Write,
            Error::Other { .. } => ErrorKind::Other,
        }
    }

    /// Whether retrying later may help (the poller backs off on these and keeps going).
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::Unreachable | ErrorKind::Timeout | ErrorKind::Other
        )
    }

    /// Whether only the user can fix this (credentials, URL, repository or revision name), so
    /// retrying at the normal rate would only load the server: the poller waits the longest
    /// backoff at once.
    pub fn needs_user_fix(&self) -> bool {
        self.kind().needs_user_fix()
    }

    pub(crate) fn cache(path: impl Into<PathBuf>, detail: impl fmt::Display) -> Self {
        Error::Cache {
            path: path.into(),
            detail: detail.to_string(),
        }
    }
}

/// What happened in the callbacks during one git2 call; [`classify`] trusts it over messages.
#[derive(Debug, Default)]
pub(crate) struct CallFacts {
    pub cancelled: bool,
    /// Credentials were offered and the server asked again: they were refused.
    pub credentials_rejected: bool,
    /// The server wanted credentials and none (or none of the right type) were configured.
    pub credentials_missing: Option<String>,
    /// libgit2 asked for credentials for another server than the configured one (after a
    /// redirect); none were given. Holds that server's host.
    pub redirected_to: Option<String>,
    pub auth_hint: &'static str,
}

/// Turns a git2 error into an [`Error`]. `url` must already be safe to show; `secrets` are
/// scrubbed from git2's message.
pub(crate) fn classify(
    op: Operation,
    url: &str,
    err: &git2::Error,
    facts: &CallFacts,
    secrets: &[&str],
    revision: Option<&Revision>,
) -> Error {
    use git2::{ErrorClass as Class, ErrorCode as Code};
    let url = url.to_string();
    let detail = redact(err.message(), secrets);
    let msg = err.message().to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| msg.contains(n));

    if facts.cancelled {
        return Error::Cancelled { op, url };
    }
    if let Some(host) = &facts.redirected_to {
        return Error::Redirected {
            op,
            url,
            host: host.clone(),
        };
    }
    // libgit2 refuses an off-site redirect (see `remote::redirect_policy`) with "cannot
    // redirect from 'A' to 'B'".
    let redirect_target = err.message().rsplit('\'').nth(1);
    if let (true, Some(to)) = (msg.contains("cannot redirect from"), redirect_target) {
        return Error::Redirected {
            op,
            url,
            host: to.to_string(),
        };
    }
    if let Some(why) = &facts.credentials_missing {
        return Error::AuthFailed {
            op,
            url,
            detail: why.clone(),
            hint: "the authentication method",
        };
    }
    if facts.credentials_rejected
        || err.code() == Code::Auth
        || has(&[
            "authentication failed",
            "authentication required",
            "unexpected http status code: 401",
            "unexpected http status code: 403",
            "too many redirects or authentication replays",
            "permission denied (publickey",
            "failed to authenticate ssh session",
            "unable to extract public key",
            "wrong passphrase",
            "callback returned unsupported credentials type",
        ])
    {
        return Error::AuthFailed {
            op,
            url,
            detail,
            hint: facts.auth_hint,
        };
    }
    if err.code() == Code::Certificate
        || err.class() == Class::Ssl
        || has(&[
            "hostkey",
            "host key",
            "known_hosts",
            "certificate",
            "ssl connect error",
        ])
    {
        return Error::Untrusted { op, url, detail };
    }
    let timed_out = err.code() == Code::Timeout || has(&["timed out", "timeout"]);
    if let (true, Some(limits)) = (timed_out, super::network::timeouts()) {
        let limit = if has(&["connect"]) {
            limits.connect
        } else {
            limits.read
        };
        return Error::Timeout {
            op,
            url,
            secs: limit.as_secs().max(1),
        };
    }
    if has(&[
        "failed to connect",
        "connection refused",
        "could not resolve",
        "failed to resolve address",
        "name or service not known",
        "no route to host",
        "network is unreachable",
        "timed out",
        "connection reset",
        "failed to start ssh session",
        "failed to send request",
    ]) {
        return Error::Unreachable { op, url, detail };
    }
    let ref_missing = has(&["couldn't find remote ref", "reference not found"])
        || (err.class() == Class::Reference && err.code() == Code::NotFound);
    if ref_missing {
        let what = revision.map_or_else(|| "the revision".into(), ToString::to_string);
        return Error::NotFound {
            op,
            url,
            what,
            detail,
        };
    }
    if err.code() == Code::NotFound
        || has(&[
            "unexpected http status code: 404",
            "not found",
            "does not appear to be a git repository",
            "could not find repository",
            "not exported",
            "access denied",
            "no such file or directory",
            "failed to resolve path",
            "repository not found",
            "no such repository",
            "not a git repository",
        ])
    {
        return Error::NotFound {
            op,
            url,
            what: "the repository".into(),
            detail,
        };
    }
    Error::Other { op, url, detail }
}

/// Removes `user:password@` from anything that looks like a URL, and every secret verbatim.
pub(crate) fn redact(message: &str, secrets: &[&str]) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c == '/' || c.is_whitespace() || c == '\'' || c == '"')
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => out.push_str(&authority[at + 1..]),
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        out = out.replace(secret, "***");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_strips_userinfo_and_secrets() {
        let msg =
            "failed to fetch 'https://bob:hunter2@host/r.git' and http://tok@h:80/x; token hunter2";
        let out = redact(msg, &["hunter2"]);
        assert_eq!(
            out,
            "failed to fetch 'https://host/r.git' and http://h:80/x; token ***"
        );
        assert_eq!(redact("no urls here", &[]), "no urls here");
    }

    #[test]
    fn classification_prefers_callback_facts() {
        let err = git2::Error::from_str("some transport error");
        let facts = CallFacts {
            cancelled: true,
            ..Default::default()
        };
        assert_eq!(
            classify(Operation::Fetch, "u", &err, &facts, &[], None).kind(),
            ErrorKind::Cancelled
        );
        let facts = CallFacts {
            credentials_rejected: true,
            auth_hint: "the token",
            ..Default::default()
        };
        let e = classify(Operation::Fetch, "u", &err, &facts, &[], None);
        assert_eq!(e.kind(), ErrorKind::AuthFailed);
        assert!(e.to_string().contains("check the token"));
    }

    #[test]
    fn classification_reads_messages() {
        let facts = CallFacts::default();
        let kind = |msg: &str| {
            classify(
                Operation::Clone,
                "u",
                &git2::Error::from_str(msg),
                &facts,
                &[],
                None,
            )
            .kind()
        };
        assert_eq!(
            kind("failed to connect to 127.0.0.1: Connection refused"),
            ErrorKind::Unreachable
        );
        assert_eq!(
            kind("failed to resolve address for nope.invalid: Name or service not known"),
            ErrorKind::Unreachable
        );
        assert_eq!(
            kind("unexpected http status code: 404"),
            ErrorKind::NotFound
        );
        assert_eq!(
            kind("unexpected http status code: 401"),
            ErrorKind::AuthFailed
        );
        assert_eq!(kind("something odd"), ErrorKind::Other);
    }

    #[test]
    fn timeouts_and_refused_redirects_are_classified() {
        super::super::network::ensure_timeouts();
        let classify = |code, msg: &str| {
            let err = git2::Error::new(code, git2::ErrorClass::Net, msg);
            classify(
                Operation::Fetch,
                "u",
                &err,
                &CallFacts::default(),
                &[],
                None,
            )
        };
        let read = classify(
            git2::ErrorCode::Timeout,
            "could not read from socket: timed out",
        );
        assert_eq!(read.kind(), ErrorKind::Timeout);
        assert!(
            read.to_string().contains("did not answer within 30 s"),
            "{read}"
        );
        let connect = classify(
            git2::ErrorCode::GenericError,
            "failed to connect to h: Operation timed out",
        );
        assert!(connect.to_string().contains("within 10 s"), "{connect}");
        let redirect = classify(
            git2::ErrorCode::GenericError,
            "cannot redirect from '127.0.0.1' to 'evil.example'",
        );
        assert_eq!(
            redirect,
            Error::Redirected {
                op: Operation::Fetch,
                url: "u".into(),
                host: "evil.example".into()
            }
        );
        assert!(redirect.needs_user_fix() && !redirect.is_transient());
    }
}
