//! Applications: (repository, revision, path) deployed to (cluster, namespace).

use super::error::{Error, Result};
use super::{Engine, no_secrets};
use crate::settings::wire;
use shipdeck_ipc::config as ipc;

impl Engine {
    /// Adds the application, or replaces the one with the same id. An existing application
    /// keeps its stored ignore rules and sync policy whatever the entry says: they change only
    /// through [`Engine::set_ignore_rule`] and [`Engine::set_sync_policy`], so a form saved
    /// from an older copy never drops a rule added since or turns self-heal back on after the
    /// kill switch paused it.
    pub fn save_application(&self, entry: ipc::ApplicationEntry) -> Result<ipc::Settings> {
        let mut app = wire::application_from_ipc(entry);
        let (_, saved) = self.change_settings(
            |s| {
                match s.applications.iter_mut().find(|a| a.id == app.id) {
                    Some(existing) => {
                        app.ignore = std::mem::take(&mut existing.ignore);
                        app.sync = std::mem::take(&mut existing.sync);
                        *existing = app;
                    }
                    None => s.applications.push(app),
                }
                Ok::<_, Error>(())
            },
            no_secrets,
        )?;
        Ok(saved)
    }

    /// Adds an ignore rule to application `id` (or, with `remove`, takes it away) in the
    /// stored settings; the application is compared again under its new rules. Adding a rule it
    /// already has, or removing one it does not, changes nothing.
    pub fn set_ignore_rule(
        &self,
        id: &str,
        rule: ipc::IgnoreRule,
        remove: bool,
    ) -> Result<ipc::Settings> {
        let rule = wire::ignore_rule_from_ipc(rule);
        let (_, saved) = self.change_settings(
            |s| {
                let app = application_mut(s, id)?;
                if remove {
                    app.ignore.retain(|r| r != &rule);
                } else if !app.ignore.contains(&rule) {
                    app.ignore.push(rule);
                }
                Ok(())
            },
            no_secrets,
        )?;
        Ok(saved)
    }

    /// Sets application `id`'s auto-sync, self-heal, prune and record keeping.
    pub fn set_sync_policy(&self, id: &str, policy: ipc::SyncPolicy) -> Result<ipc::Settings> {
        let (_, saved) = self.change_settings(
            |s| {
                let app = application_mut(s, id)?;
                app.sync = wire::sync_policy_from_ipc(policy);
                Ok(())
            },
            no_secrets,
        )?;
        Ok(saved)
    }

    /// Turns one of application `id`'s sync switches on or off in the stored settings, the
    /// others as they are stored now.
    pub fn set_sync_switch(
        &self,
        id: &str,
        switch: shipdeck_ipc::commands::SyncSwitch,
        on: bool,
    ) -> Result<ipc::Settings> {
        use shipdeck_ipc::commands::SyncSwitch;
        let (_, saved) = self.change_settings(
            |s| {
                let app = application_mut(s, id)?;
                match switch {
                    SyncSwitch::AutoSync => app.sync.auto_sync = on,
                    SyncSwitch::SelfHeal => app.sync.self_heal = on,
                    SyncSwitch::Prune => app.sync.prune = on,
                }
                Ok(())
            },
            no_secrets,
        )?;
        Ok(saved)
    }

    /// Turns auto-sync and self-heal off for application `id` in one read-modify-write of the
    /// stored settings (never from an older copy); returns whether each was on.
    pub fn pause_automation(&self, id: &str) -> Result<(bool, bool)> {
        let (was, _) = self.change_settings(
            |s| {
                let app = application_mut(s, id)?;
                let was = (app.sync.auto_sync, app.sync.self_heal);
                app.sync.auto_sync = false;
                app.sync.self_heal = false;
                Ok(was)
            },
            no_secrets,
        )?;
        Ok(was)
    }

    /// The settings in force, application `id` and its cluster's entry, or which is missing.
    pub(super) fn application_and_cluster(
        &self,
        id: &str,
    ) -> Result<(
        crate::settings::Settings,
        crate::settings::model::Application,
        crate::settings::model::Cluster,
    )> {
        let settings = self.settings.get();
        let app = settings
            .application(id)
            .ok_or_else(|| Error::NotFound(format!("there is no application '{id}'")))?
            .clone();
        let cluster = settings
            .cluster(&app.cluster)
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "application '{id}': cluster '{}' is not configured",
                    app.cluster
                ))
            })?
            .clone();
        Ok((settings, app, cluster))
    }

    pub fn remove_application(&self, id: &str) -> Result<ipc::Settings> {
        let (_, saved) = self.change_settings(
            |s| {
                if s.application(id).is_none() {
                    return Err(Error::NotFound(format!("there is no application '{id}'")));
                }
                s.applications.retain(|a| a.id != id);
                Ok(())
            },
            no_secrets,
        )?;
        Ok(saved)
    }
}

/// Application `id` of `settings`, to change, or that there is none.
fn application_mut<'s>(
    settings: &'s mut crate::settings::Settings,
    id: &str,
) -> Result<&'s mut crate::settings::model::Application> {
    settings
        .application_mut(id)
        .ok_or_else(|| Error::NotFound(format!("there is no application '{id}'")))
}
