//! Git repositories as sources of desired state: clone, fetch, poll, and read the tracked path
//! at the tracked revision.
//!
//! - [`spec`]: what to track (URL, branch/tag/commit, path) and how to authenticate, validated
//!   from user input.
//! - [`Mirror`]: the bare cache of one repository; atomic, cancellable clone and fetch with
//!   progress, and a cheap `ls-remote` check before fetching.
//! - [`Snapshot`]: the revision resolved to a commit, its metadata, the last commit that
//!   changed the path, and the files under the path (listed or read).
//! - [`Mirror::export_tree`]: the whole tree at the commit written to a directory for
//!   kustomize and Helm, refusing hostile names and oversized trees ([`ExportLimits`]).
//! - [`init_network_timeouts`]: libgit2's connect and read timeouts, set once at start-up.
//! - [`Poller`]: one tokio task per repository that keeps the cache current and sends
//!   [`PollEvent`]s.
//!
//! All git2 calls block; async callers run them in `spawn_blocking`, as the poller does.
//! Failures are [`Error`]s classified into what the user can act on ([`ErrorKind`]); their
//! messages never hold credentials.
//!
//! Transports: HTTPS/HTTP (token or user and password), SSH (key file with optional passphrase,
//! or ssh-agent), `git://`, and local paths. SSH host keys are checked against
//! `~/.ssh/known_hosts` unless [`HostVerification::InsecureAcceptAny`] is chosen (tests only).
//! SSH keys covered by the loopback tests: RSA in PEM form with and without passphrase, Ed25519
//! (OpenSSH format) with passphrase, ECDSA P-256. The ssh-agent path (`Auth::SshAgent`) is not
//! covered there: libssh2 reads `SSH_AUTH_SOCK` from the process environment, which a test
//! cannot set safely while other tests run.

mod error;
mod export;
mod history;
mod mirror;
mod network;
mod poller;
mod progress;
mod remote;
mod snapshot;
pub mod spec;
pub mod spelled;

pub use error::{Error, ErrorKind, Operation, Result};
pub use export::ExportLimits;
pub(crate) use export::unsafe_name;
pub use history::{MAX_PATH_HISTORY, commit_facts, commits_between};
pub use mirror::{Mirror, RemoteState, Update};
pub use network::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, init_network_timeouts};
pub use poller::{PollConfig, PollEvent, Poller, RepoId};
pub use progress::{CancelToken, Progress, throttled};
pub use snapshot::{FileEntry, Snapshot};
pub use spec::{
    Auth, DEFAULT_TOKEN_USERNAME, HostVerification, RepoPath, RepoSpec, RepoUrl, Revision, Source,
    Transport,
};
