//! One network call to the remote (`ls-remote` or fetch) with the callbacks that carry auth,
//! progress, cancellation and host verification.
//!
//! libgit2 calls the credentials callback again each time the server refuses what it was given,
//! forever if the callback keeps answering. [`Call`] counts the answers and fails the second
//! one, so a wrong password costs one round trip and classifies as an auth failure instead of
//! a hang or a "too many redirects" error.
//!
//! Credentials go only to the configured server, by two guards, each enough on its own with
//! libgit2 1.9: the credentials callback refuses a URL whose host (or scheme) differs from the
//! configured one (`RepoUrl::same_server`), which is where libgit2 asks after following a
//! redirect; and when the source carries a token or password, off-site redirects are not
//! followed at all ([`redirect_policy`]), so the other host gets no request. The second guard
//! does not depend on which URL a libgit2 version hands the callback (older ones passed the
//! configured URL). Both are classified as [`Error::Redirected`]. A public repository still
//! follows a redirect on the first request, as git does.

use super::error::{CallFacts, Error, Operation, classify};
use super::progress::{CancelToken, Progress};
use super::spec::{Auth, DEFAULT_TOKEN_USERNAME, HostVerification, Source, Transport};
use git2::{CertificateCheckStatus, Cred, CredentialType, RemoteCallbacks};
use std::cell::{Cell, RefCell};
use std::path::PathBuf;

/// The name of the one remote in a cache repository.
pub(crate) const REMOTE: &str = "origin";

/// The SSH user when neither the URL nor the auth names one; what every forge expects.
const DEFAULT_SSH_USER: &str = "git";

/// Credentials answers per call. One: libgit2 only asks again when the answer was refused, and
/// an agent's several keys are all tried within one answer.
const MAX_CREDENTIAL_ANSWERS: u32 = 1;

/// The state of one git2 call, shared by its callbacks.
pub(crate) struct Call<'a> {
    pub source: &'a Source,
    pub cancel: &'a CancelToken,
    answers: Cell<u32>,
    rejected: Cell<bool>,
    missing: RefCell<Option<String>>,
    redirected_to: RefCell<Option<String>>,
}

impl<'a> Call<'a> {
    pub fn new(source: &'a Source, cancel: &'a CancelToken) -> Self {
        Self {
            source,
            cancel,
            answers: Cell::new(0),
            rejected: Cell::new(false),
            missing: RefCell::new(None),
            redirected_to: RefCell::new(None),
        }
    }

    /// Callbacks for this call. `progress` receives transfer progress; cancellation is checked
    /// in every callback git2 offers, so it also stops a call that is still negotiating.
    pub fn callbacks<'cb>(
        &'cb self,
        progress: &'cb mut dyn FnMut(&Progress),
    ) -> RemoteCallbacks<'cb> {
        let mut cbs = RemoteCallbacks::new();
        let cancel = self.cancel;
        cbs.credentials(move |url, user_from_url, allowed| {
            self.credentials(url, user_from_url, allowed)
        });
        cbs.transfer_progress(move |p| {
            progress(&Progress::from(p));
            !cancel.is_cancelled()
        });
        cbs.sideband_progress(move |_| !cancel.is_cancelled());
        let verification = self.source.verification();
        cbs.certificate_check(move |_cert, _host| {
            if cancel.is_cancelled() {
                return Err(git2::Error::from_str("cancelled"));
            }
            Ok(match verification {
                // Hand back to libgit2: system CA roots for TLS, ~/.ssh/known_hosts for SSH.
                HostVerification::Verify => CertificateCheckStatus::CertificatePassthrough,
                HostVerification::InsecureAcceptAny => CertificateCheckStatus::CertificateOk,
            })
        });
        cbs
    }

    fn credentials(
        &self,
        url: &str,
        user_from_url: Option<&str>,
        allowed: CredentialType,
    ) -> Result<Cred, git2::Error> {
        if self.cancel.is_cancelled() {
            return Err(git2::Error::from_str("cancelled"));
        }
        if !self.source.url().same_server(url) {
            let host = url
                .split_once("://")
                .map_or(url, |(_, rest)| rest.split('/').next().unwrap_or_default());
            let host = super::spec::host_name(host.rsplit_once('@').map_or(host, |(_, h)| h));
            *self.redirected_to.borrow_mut() = Some(host);
            return Err(refused("credentials requested by another server"));
        }
        let ssh_user = user_from_url
            .or(self.source.url().username())
            .unwrap_or(DEFAULT_SSH_USER);
        // SSH asks for the user name first when the URL has none; that is not an attempt.
        if allowed.contains(CredentialType::USERNAME) {
            return Cred::username(ssh_user);
        }
        let answers = self.answers.get();
        self.answers.set(answers + 1);
        if answers >= MAX_CREDENTIAL_ANSWERS {
            self.rejected.set(true);
            return Err(refused("the server refused the credentials"));
        }
        let http = allowed.contains(CredentialType::USER_PASS_PLAINTEXT);
        let ssh = allowed.contains(CredentialType::SSH_KEY);
        match self.source.auth() {
            Auth::Token { username, token } if http => Cred::userpass_plaintext(
                username.as_deref().unwrap_or(DEFAULT_TOKEN_USERNAME),
                token.expose(),
            ),
            Auth::UserPassword { username, password } if http => {
                Cred::userpass_plaintext(username, password.expose())
            }
            Auth::SshKey {
                private_key,
                passphrase,
            } if ssh => {
                if !private_key.is_file() {
                    return Err(self.missing(format!(
                        "the SSH key file {} does not exist; check the key path",
                        private_key.display()
                    )));
                }
                let public = PathBuf::from(format!("{}.pub", private_key.display()));
                Cred::ssh_key(
                    ssh_user,
                    public.is_file().then_some(public.as_path()),
                    private_key,
                    passphrase.as_ref().map(|p| p.expose()),
                )
            }
            Auth::SshAgent if ssh => Cred::ssh_key_from_agent(ssh_user),
            Auth::None => {
                Err(self
                    .missing("the server requires authentication and none is configured".into()))
            }
            other => Err(self.missing(format!(
                "the server does not accept {} here",
                other.describe()
            ))),
        }
    }

    fn missing(&self, why: String) -> git2::Error {
        let err = refused(&why);
        *self.missing.borrow_mut() = Some(why);
        err
    }

    /// Classifies a failure of this call.
    pub fn fail(&self, op: Operation, err: &git2::Error) -> Error {
        let facts = CallFacts {
            cancelled: self.cancel.is_cancelled(),
            credentials_rejected: self.rejected.get(),
            credentials_missing: self.missing.borrow().clone(),
            redirected_to: self.redirected_to.borrow().clone(),
            auth_hint: auth_hint(self.source.auth()),
        };
        classify(
            op,
            self.source.url().as_str(),
            err,
            &facts,
            &self.source.auth().secrets(),
            Some(self.source.revision()),
        )
    }

    /// Options that apply to every connection: callbacks, and the proxy from git config or the
    /// environment (`http.proxy`, `https_proxy`), as `git` would use it.
    fn proxy() -> git2::ProxyOptions<'static> {
        let mut proxy = git2::ProxyOptions::new();
        proxy.auto();
        proxy
    }

    /// `ls-remote` for one ref: connects, reads the advertisement and disconnects without
    /// downloading anything. `Ok(None)` when the remote has no such ref.
    pub fn ls_remote(
        &self,
        remote: &mut git2::Remote<'_>,
        wanted: &str,
    ) -> Result<Option<git2::Oid>, Error> {
        self.precheck(Operation::CheckRemote)?;
        let mut ignore = |_: &Progress| {};
        let cbs = self.callbacks(&mut ignore);
        let conn = remote
            .connect_auth(git2::Direction::Fetch, Some(cbs), Some(Self::proxy()))
            .map_err(|e| self.fail(Operation::CheckRemote, &e))?;
        let heads = conn
            .list()
            .map_err(|e| self.fail(Operation::CheckRemote, &e))?;
        Ok(heads.iter().find(|h| h.name() == wanted).map(|h| h.oid()))
    }

    /// Fetches `refspecs` (forced, so moved tags and rewritten branches are taken as they are).
    pub fn fetch(
        &self,
        remote: &mut git2::Remote<'_>,
        refspecs: &[String],
        op: Operation,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<(), Error> {
        self.precheck(op)?;
        let mut options = git2::FetchOptions::new();
        options
            .remote_callbacks(self.callbacks(progress))
            .proxy_options(Self::proxy())
            .download_tags(git2::AutotagOption::None)
            .follow_redirects(redirect_policy(self.source.auth()))
            // The cache is read through its refs only; FETCH_HEAD would be one more file to
            // write for nothing.
            .update_fetchhead(false);
        remote
            .fetch(refspecs, Some(&mut options), None)
            .map_err(|e| self.fail(op, &e))?;
        if self.cancel.is_cancelled() {
            // Cancelled after the last callback: the refs are updated, which is harmless, but
            // the caller asked to stop, so say so.
            return Err(self.cancelled(op));
        }
        Ok(())
    }

    /// Sets the network timeouts if nobody has yet. Then fails before touching libgit2 when
    /// cancelled, or when a local repository is missing:
    /// libgit2 only recognises existing directories as local, and reports a missing one as an
    /// "unsupported URL protocol", which would send the user looking in the wrong place.
    fn precheck(&self, op: Operation) -> Result<(), Error> {
        super::network::ensure_timeouts();
        if self.cancel.is_cancelled() {
            return Err(self.cancelled(op));
        }
        let url = self.source.url();
        if url.transport() == Transport::Local {
            let path = url.as_str().strip_prefix("file://").unwrap_or(url.as_str());
            if !std::path::Path::new(path).is_dir() {
                return Err(Error::NotFound {
                    op,
                    url: url.to_string(),
                    what: "the repository".into(),
                    detail: "no such directory on this machine".into(),
                });
            }
        }
        Ok(())
    }

    pub fn cancelled(&self, op: Operation) -> Error {
        Error::Cancelled {
            op,
            url: self.source.url().to_string(),
        }
    }
}

/// Which redirects libgit2 may follow: none to another host when credentials would be sent
/// there (see the module comment); otherwise, as git, one on the first request.
pub(crate) fn redirect_policy(auth: &Auth) -> git2::RemoteRedirect {
    if carries_secret(auth) {
        git2::RemoteRedirect::None
    } else {
        git2::RemoteRedirect::Initial
    }
}

/// The same policy as git config, for `ls-remote`: git2's `connect_auth` takes no redirect
/// option, and libgit2 then reads `http.followRedirects` from the repository.
pub(crate) fn redirect_config(auth: &Auth) -> &'static str {
    if carries_secret(auth) {
        "false"
    } else {
        "initial"
    }
}

fn carries_secret(auth: &Auth) -> bool {
    matches!(auth, Auth::Token { .. } | Auth::UserPassword { .. })
}

fn refused(message: &str) -> git2::Error {
    git2::Error::new(git2::ErrorCode::Auth, git2::ErrorClass::Callback, message)
}

fn auth_hint(auth: &Auth) -> &'static str {
    match auth {
        Auth::None => "the authentication method (the repository is private?)",
        Auth::Token { .. } => "the token, its expiry and its read access to the repository",
        Auth::UserPassword { .. } => "the username and password",
        Auth::SshKey { .. } => {
            "the SSH key path, its passphrase, and that its public key is registered with the server"
        }
        Auth::SshAgent => {
            "that ssh-agent runs and holds a key registered with the server (`ssh-add -l`)"
        }
    }
}
