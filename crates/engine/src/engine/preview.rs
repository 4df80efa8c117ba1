//! Another revision of an application compared with its cluster, without changing the
//! application: what a release manager looks at before pointing an application at a release
//! branch or tag. Checked out, rendered and compared as `shipdeck diff --revision` does
//! ([`crate::checkout::application`]), with the monitor's client of the cluster; mirrors of
//! previews live apart from the poller's, which follow each application's own revision. The
//! user can cancel at any moment ([`Engine::cancel_operation`]); Git, renderers and the API
//! server each have their own timeouts.

use super::Engine;
use super::error::{Error, Result};
use crate::checkout::application::{self, Place};
use crate::git::{self, spelled};
use crate::monitor::cluster_target;
use shipdeck_ipc::drift::Preview;
use std::time::Duration;

/// How long a preview's clone or fetch may take in all.
pub const PREVIEW_GIT_DEADLINE: Duration = Duration::from_secs(300);

impl Engine {
    /// Compares application `id` at `revision` (a branch, tag or commit of its repository)
    /// with its cluster. `operation` names it for [`Engine::cancel_operation`].
    pub async fn preview(&self, id: &str, revision: &str, operation: &str) -> Result<Preview> {
        let (settings, app, cluster) = self.application_and_cluster(id)?;
        let revisions = spelled::candidates(revision).map_err(|e| {
            Error::Invalid(format!(
                "'{}' is not a branch, tag or commit: {e}",
                revision.escape_debug()
            ))
        })?;
        let registered = self.operations.register(operation);
        let cancel = registered.token.clone();
        let place = Place {
            mirrors: self.dirs.mirrors().join("preview"),
            scratch: self.dirs.scratch(),
            tools: self.monitor.tools().clone(),
        };
        let work = async {
            let client = self.monitor.client(&cluster_target(&cluster)).await?;
            let compared = application::compare(
                &settings,
                &app,
                Some(revisions),
                self.secrets.as_ref(),
                &client,
                &place,
                &cancel,
                PREVIEW_GIT_DEADLINE,
            )
            .await
            .map_err(preview_error)?;
            let commit = compared
                .tree
                .commit
                .as_ref()
                .map(|(_, c)| c.sha.clone())
                .unwrap_or_default();
            let tree = compared.tree;
            // Removing an export is slow disk work: not on an async worker.
            tokio::task::spawn_blocking(move || drop(tree));
            Ok(Preview {
                commit,
                report: compared.report,
            })
        };
        tokio::select! {
            result = work => result,
            () = cancel.cancelled() => Err(Error::Git(git::Error::Cancelled {
                op: git::Operation::Fetch,
                url: format!("the preview of {id}"),
            })),
        }
    }
}

fn preview_error(e: application::Error) -> Error {
    use crate::checkout::Error as Checkout;
    match e {
        application::Error::Checkout {
            source: Checkout::Git(git),
            ..
        } => Error::Git(git),
        application::Error::Checkout {
            source: Checkout::NotFound { .. },
            ..
        } => Error::NotFound(e.to_string()),
        application::Error::Source(s) => Error::Source(s),
        other => Error::Invalid(other.to_string()),
    }
}
