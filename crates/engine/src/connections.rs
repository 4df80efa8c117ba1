//! From what the user configured to what the engine connects with: a settings entry plus the
//! credentials the keyring holds for it. Secrets are read here, at connection time, and never
//! stored anywhere else.

use crate::clusters::{ClusterTarget, KubeconfigSource};
use crate::credentials::{CredentialKey, SecretStore};
use crate::git;
use shipdeck_ipc::config::{ClusterEntry, RepoAuth, RepositoryEntry, Revision};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Credentials(#[from] crate::credentials::Error),
    #[error("{0}")]
    Git(#[from] git::Error),
    #[error("{0}")]
    Spec(#[from] git::spec::Error),
    #[error(
        "repository '{repo}' uses {what} but no {what} is stored for it; enter it in Settings → Repositories"
    )]
    MissingSecret { repo: String, what: &'static str },
}

pub fn cluster_target(entry: &ClusterEntry) -> ClusterTarget {
    ClusterTarget {
        id: entry.id.clone(),
        context: entry.context.clone(),
        source: if entry.kubeconfig.is_empty() {
            KubeconfigSource::Default
        } else {
            KubeconfigSource::Files(entry.kubeconfig.iter().map(PathBuf::from).collect())
        },
        // TODO(lead): from the settings entry, once it records the credential stored for it.
        stored: None,
    }
}

/// The keyring key for a repository's secret, if its auth kind has one.
pub fn repository_secret_key(entry: &RepositoryEntry) -> Option<CredentialKey> {
    match &entry.auth {
        RepoAuth::Https { .. } => Some(CredentialKey::RepoPassword(entry.id.clone())),
        RepoAuth::SshKey {
            has_passphrase: true,
            ..
        } => Some(CredentialKey::RepoSshPassphrase(entry.id.clone())),
        _ => None,
    }
}

pub fn git_auth(entry: &RepositoryEntry, secrets: &dyn SecretStore) -> Result<git::Auth, Error> {
    let secret = match repository_secret_key(entry) {
        Some(key) => secrets.get(&key)?,
        None => None,
    };
    let missing = |what| Error::MissingSecret {
        repo: entry.id.clone(),
        what,
    };
    Ok(match &entry.auth {
        RepoAuth::None => git::Auth::None,
        RepoAuth::Https { username } => {
            let secret = secret.ok_or_else(|| missing("a password or token"))?;
            if username.trim().is_empty() {
                git::Auth::token(secret)
            } else {
                git::Auth::UserPassword {
                    username: username.clone(),
                    password: secret,
                }
            }
        }
        RepoAuth::SshKey {
            private_key,
            has_passphrase,
        } => git::Auth::SshKey {
            private_key: PathBuf::from(private_key),
            passphrase: if *has_passphrase {
                Some(secret.ok_or_else(|| missing("an SSH key passphrase"))?)
            } else {
                None
            },
        },
        RepoAuth::SshAgent => git::Auth::SshAgent,
    })
}

pub fn git_revision(revision: &Revision) -> Result<git::Revision, Error> {
    Ok(match revision {
        Revision::Branch(name) => git::Revision::branch(name)?,
        Revision::Tag(name) => git::Revision::tag(name)?,
        Revision::Commit(sha) => git::Revision::commit(sha)?,
    })
}

/// The Git source an application tracks: its repository, revision and path, with auth.
pub fn git_source(
    repo: &RepositoryEntry,
    revision: &Revision,
    path: &str,
    secrets: &dyn SecretStore,
) -> Result<git::Source, Error> {
    let auth = git_auth(repo, secrets)?;
    Ok(git::Source::parse(
        &repo.url,
        git_revision(revision)?,
        path,
        auth,
    )?)
}

/// Tests a repository the way the poller will use it: clones the revision into `scratch`
/// (with progress, cancellable) and checks the path. `scratch` is left for the caller to delete.
pub fn check_repository(
    source: &git::Source,
    scratch: &std::path::Path,
    cancel: &git::CancelToken,
    progress: &mut dyn FnMut(&git::Progress),
) -> Result<shipdeck_ipc::connections::RepositoryCheck, Error> {
    let mirror = git::Mirror::clone(&scratch.join("repository"), source, cancel, progress)?;
    let snapshot = mirror.resolve(source)?;
    let files = mirror.list_files(&snapshot)?.len();
    Ok(shipdeck_ipc::connections::RepositoryCheck {
        commit: snapshot.commit,
        files_under_path: u32::try_from(files).unwrap_or(u32::MAX),
    })
}

/// Renders the manifests of `snapshot` (exported from the mirror at `mirror_dir`) the way the
/// application will be deployed: its path, its default namespace, kustomize or Helm if found.
pub fn render_snapshot(
    mirror_dir: &std::path::Path,
    source: &git::Source,
    snapshot: &git::Snapshot,
    namespace: &str,
    release: &str,
) -> shipdeck_ipc::connections::RenderSummary {
    use shipdeck_ipc::connections::RenderSummary;
    let failed = |message: String| RenderSummary {
        failed: Some(message),
        ..RenderSummary::default()
    };
    let scratch = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => return failed(format!("cannot create scratch space: {e}")),
    };
    let root = scratch.path().join("app");
    let exported = git::Mirror::open(mirror_dir, source).and_then(|m| m.export(snapshot, &root));
    if let Err(e) = exported {
        return failed(e.to_string());
    }
    let options = crate::manifests::Options::new(namespace, release)
        .tools(crate::manifests::Tools::from_env());
    match crate::manifests::render(&root, &options) {
        Ok(render) => RenderSummary {
            objects: render.objects.iter().map(|o| o.id.to_string()).collect(),
            errors: render.errors.iter().map(ToString::to_string).collect(),
            failed: None,
        },
        Err(e) => failed(e.to_string()),
    }
}

/// A transfer's progress as the UI shows it, labelled with the operation it belongs to.
pub fn progress_for_ui(
    operation: &str,
    p: &git::Progress,
) -> shipdeck_ipc::connections::GitProgress {
    shipdeck_ipc::connections::GitProgress {
        operation: operation.to_string(),
        received_objects: p.received_objects as u64,
        total_objects: p.total_objects as u64,
        received_bytes: p.received_bytes as u64,
    }
}
