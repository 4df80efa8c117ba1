//! Repositories: saved with their secret (bound to their URL and kind of authentication),
//! removed, and tested with a real clone that can be cancelled.

use super::Engine;
use super::error::{Error, Result, invalid};
use crate::credentials::Overlay;
use crate::git::{self, CancelToken, throttled};
use crate::secret::Secret;
use crate::settings::model::{Repository, Revision};
use crate::settings::wire;
use crate::sources;
use shipdeck_ipc::commands::RepositoryTestArgs;
use shipdeck_ipc::config as ipc;
use shipdeck_ipc::connections::{GitProgress, RepositoryCheck};
use std::time::Duration;

/// Progress reports are throttled: a clone reports thousands of steps.
const PROGRESS_EVERY: Duration = Duration::from_millis(150);

impl Engine {
    /// Adds or replaces a repository. `secret` (password, token or SSH passphrase) goes to the
    /// keyring, bound to the URL and kind of authentication; `None` keeps the stored one, which
    /// is only possible while the URL and the kind of authentication stay the same.
    pub fn save_repository(
        &self,
        entry: ipc::RepositoryEntry,
        secret: Option<String>,
    ) -> Result<ipc::Settings> {
        let repo = wire::repository_from_ipc(entry);
        let secret = secret.filter(|s| !s.is_empty()).map(Secret::new);
        let endpoint = sources::endpoint(&repo);
        let ((_, _, unchanged), saved) = self.change_settings(|s| {
            let old = s.repository(&repo.id).cloned();
            let unchanged = old.as_ref() == Some(&repo);
            let new_key = sources::secret_key(&repo);
            let endpoint_moved = old.as_ref().is_none_or(|o| {
                sources::endpoint(o) != endpoint || sources::secret_key(o) != new_key
            });
            if new_key.is_some() && secret.is_none() && endpoint_moved {
                return invalid(match &old {
                    Some(_) => format!(
                        "repository '{}': the URL or the authentication changed, so enter the {} again; a stored secret is only ever sent to the server it was entered for",
                        repo.id,
                        secret_name(&repo)
                    ),
                    None => format!("repository '{}': enter the {}", repo.id, secret_name(&repo)),
                });
            }
            match s.repositories.iter_mut().find(|r| r.id == repo.id) {
                Some(existing) => *existing = repo.clone(),
                None => s.repositories.push(repo.clone()),
            }
            // A secret of another kind (the authentication changed) must not outlive it; one of
            // the same kind is replaced below (a new endpoint always comes with a new secret).
            let stale = old
                .and_then(|o| sources::secret_key(&o))
                .filter(|k| Some(k) != new_key.as_ref());
            Ok::<_, Error>((new_key, stale, unchanged))
        }, |(new_key, stale, _)| {
            if let Some(stale) = stale {
                self.secrets.delete(stale)?;
            }
            if let (Some(secret), Some(key)) = (&secret, new_key) {
                self.secrets.set_bound(key, &endpoint, secret)?;
            }
            Ok(())
        })?;
        // A changed entry was restarted by the monitor already; only a new secret for the
        // same entry needs its pollers started again.
        if unchanged && secret.is_some() {
            self.monitor.restart_repository(&repo.id);
        }
        Ok(saved)
    }

    /// Removes a repository no application uses, and its keyring entry.
    pub fn remove_repository(&self, id: &str) -> Result<ipc::Settings> {
        let (_, saved) = self.change_settings(
            |s| {
                let Some(repo) = s.repository(id) else {
                    return Err(Error::NotFound(format!("there is no repository '{id}'")));
                };
                let key = sources::secret_key(repo);
                if let Some(used) = s.applications.iter().find(|a| a.repository == id) {
                    return invalid(format!(
                        "application '{}' uses repository '{id}'; remove it first",
                        used.id
                    ));
                }
                s.repositories.retain(|r| r.id != id);
                Ok(key)
            },
            |key| {
                if let Some(key) = key {
                    self.secrets.delete(key)?;
                }
                Ok(())
            },
        )?;
        Ok(saved)
    }

    /// Clones the form's repository (not yet saved) at `revision` into scratch space and checks
    /// `path`, reporting progress. [`Engine::cancel_operation`] with `operation` stops it and
    /// this returns at once, even while a silent server holds the clone.
    pub async fn test_repository(
        &self,
        args: RepositoryTestArgs,
        progress: impl FnMut(GitProgress) + Send + 'static,
    ) -> Result<RepositoryCheck> {
        let RepositoryTestArgs {
            entry,
            secret,
            revision,
            path,
            operation,
        } = args;
        let operation = operation.as_str();
        let registered = self.operations.register(operation);
        let token = registered.token.clone();
        let repo = wire::repository_from_ipc(entry);
        let revision = wire::revision_from_ipc(revision);
        let source = self.source_for_test(&repo, &revision, &path, secret)?;
        let scratch_root = self.dirs.scratch();
        let scratch = std::fs::create_dir_all(&scratch_root)
            .and_then(|()| {
                tempfile::Builder::new()
                    .prefix("repository-test-")
                    .tempdir_in(&scratch_root)
            })
            .map_err(|e| {
                Error::Io(format!(
                    "cannot create scratch space in {}: {e}",
                    scratch_root.display()
                ))
            })?;
        let id = operation.to_string();
        let blocking_token = token.clone();
        let mut progress = progress;
        let job = tokio::task::spawn_blocking(move || {
            let mut report = throttled(PROGRESS_EVERY, |p: &git::Progress| {
                progress(GitProgress {
                    operation: id.clone(),
                    received_objects: p.received_objects as u64,
                    total_objects: p.total_objects as u64,
                    received_bytes: p.received_bytes as u64,
                });
            });
            let result = check(&source, scratch.path(), &blocking_token, &mut report);
            drop(scratch);
            result
        });
        tokio::select! {
            joined = job => match joined {
                Ok(result) => result,
                Err(e) => Err(Error::Io(format!("the repository test stopped: {e}"))),
            },
            // The blocking clone notices the cancel at its next callback and cleans up
            // behind us; the user does not wait for a silent server.
            () = token.cancelled() => Err(Error::Git(git::Error::Cancelled {
                op: git::Operation::Clone,
                url: repo.url.clone(),
            })),
        }
    }

    /// The typed secret, or else the stored one if it was stored for this very endpoint.
    fn source_for_test(
        &self,
        repo: &Repository,
        revision: &Revision,
        path: &str,
        typed: Option<String>,
    ) -> Result<git::Source> {
        let typed = typed
            .filter(|s| !s.is_empty())
            .zip(sources::secret_key(repo))
            .map(|(s, key)| (key, Secret::new(s)));
        let store = Overlay::new(typed, self.secrets.as_ref());
        let secret = sources::stored_secret(repo, &store)?;
        Ok(sources::source(repo, revision, path, secret)?)
    }
}

fn check(
    source: &git::Source,
    scratch: &std::path::Path,
    cancel: &CancelToken,
    progress: &mut dyn FnMut(&git::Progress),
) -> Result<RepositoryCheck> {
    let mirror = git::Mirror::clone(&scratch.join("repository"), source, cancel, progress)?;
    let snapshot = mirror.resolve(source)?;
    let files = mirror.list_files(&snapshot)?.len();
    Ok(RepositoryCheck {
        commit: snapshot.commit,
        files_under_path: u32::try_from(files).unwrap_or(u32::MAX),
    })
}

fn secret_name(repo: &Repository) -> &'static str {
    match repo.auth {
        crate::settings::model::RepositoryAuth::SshKey { .. } => "SSH key passphrase",
        _ => "password or token",
    }
}
