//! Which applications a question about history covers: one (configured, or known only from
//! imported history), a team from the settings, or every one; on one cluster (environment)
//! or all. Shared by the window and the command line so both refuse the same names with the
//! same words.

use super::store::{Scope, Store};
use crate::settings::Settings;
use crate::settings::model::Application;

/// The scope, and the configured applications in it (those whose records can be indexed).
/// `Err` says what is wrong and what exists instead.
pub fn resolve<'s>(
    settings: &'s Settings,
    app: Option<&str>,
    team: Option<&str>,
    cluster: Option<&str>,
    store: &Store,
) -> Result<(Scope, Vec<&'s Application>), String> {
    let (mut scope, mut apps) = applications(settings, app, team, store)?;
    if let Some(cluster) = cluster {
        let stored = store.clusters().map_err(|e| e.to_string())?;
        let configured = settings.clusters.iter().any(|c| c.id == cluster);
        if !configured && !stored.iter().any(|c| c == cluster) {
            let mut known: Vec<&str> = settings.clusters.iter().map(|c| c.id.as_str()).collect();
            known.extend(stored.iter().map(String::as_str));
            known.sort_unstable();
            known.dedup();
            return Err(format!(
                "there is no cluster '{cluster}' in the settings or the history; known: {}",
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            ));
        }
        // Only the applications deployed there have records there to index.
        apps.retain(|a| a.cluster == cluster);
        scope.cluster = Some(cluster.to_string());
    }
    Ok((scope, apps))
}

fn applications<'s>(
    settings: &'s Settings,
    app: Option<&str>,
    team: Option<&str>,
    store: &Store,
) -> Result<(Scope, Vec<&'s Application>), String> {
    match (app, team) {
        (Some(_), Some(_)) => Err("choose an application or a team, not both".into()),
        (Some(id), None) => {
            let configured: Vec<&Application> = settings.application(id).into_iter().collect();
            let stored = store.apps().map_err(|e| e.to_string())?;
            if configured.is_empty() && !stored.iter().any(|s| s == id) {
                let mut known: Vec<&str> = settings
                    .applications
                    .iter()
                    .map(|a| a.id.as_str())
                    .collect();
                known.extend(stored.iter().map(String::as_str));
                known.sort_unstable();
                known.dedup();
                return Err(format!(
                    "there is no application '{id}' in the settings or the history; known: {}",
                    if known.is_empty() {
                        "none".into()
                    } else {
                        known.join(", ")
                    }
                ));
            }
            Ok((
                Scope {
                    apps: Some(vec![id.to_string()]),
                    cluster: None,
                },
                configured,
            ))
        }
        (None, Some(id)) => {
            let found = settings.teams.iter().find(|t| t.id == id).ok_or_else(|| {
                let ids: Vec<&str> = settings.teams.iter().map(|t| t.id.as_str()).collect();
                format!(
                    "there is no team '{id}'; configured: {} (a team is a [[teams]] entry of \
                     settings.toml with an id and its applications)",
                    if ids.is_empty() {
                        "none".into()
                    } else {
                        ids.join(", ")
                    }
                )
            })?;
            Ok((
                Scope {
                    apps: Some(found.applications.clone()),
                    cluster: None,
                },
                found
                    .applications
                    .iter()
                    .filter_map(|a| settings.application(a))
                    .collect(),
            ))
        }
        (None, None) => Ok((Scope::default(), settings.applications.iter().collect())),
    }
}
