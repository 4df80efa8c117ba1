//! `shipdeck sync APP`: the application checked out, rendered and compared exactly as
//! `shipdeck diff` does it, then what it declares (or the `--resource` selection) applied
//! through the engine's sync, recorded in the cluster, and watched until Healthy.

use super::application::{compare_on, connect, find};
use super::{deploy, selection};
use crate::args::SyncArgs;
use crate::exit::Code;
use crate::output::deployment::resource_id;
use anyhow::{Context as _, Result, anyhow};
use shipdeck_engine::Dirs;
use shipdeck_engine::checkout::application::Compared;
use shipdeck_engine::deployments::{self, Context};
use shipdeck_engine::live::RenderedApp;
use shipdeck_engine::sync;
use shipdeck_ipc::deploy::{DeploymentKind, ResourceRef, SyncRequest};
use shipdeck_ipc::drift::{DriftReport, SyncSummary};
use std::time::Duration;

pub async fn run(args: SyncArgs, dirs: &Dirs, git_timeout: Duration) -> Result<Code> {
    let settings = super::settings(dirs)?;
    let app = find(&settings, &args.app, dirs)?;
    let (cluster, client) = connect(&settings, app).await?;
    let Compared {
        report,
        tree,
        rendered,
    } = compare_on(&settings, app, None, dirs, git_timeout, &client).await?;
    let at = tree.describe().unwrap_or_default();
    let commit = tree
        .commit
        .as_ref()
        .map(|(_, commit)| commit.clone())
        .context("the application's checkout has no commit to record")?;
    // The export is not needed once rendered.
    drop(tree);
    let rendered = RenderedApp {
        commit,
        objects: rendered.objects,
        errors: rendered.problems,
    };
    let candidates = deployments::prune_candidates(&report);
    let selection = select(&args, &rendered, &candidates, &app.id, &at)?;
    let in_scope = |r: &ResourceRef| selection.is_empty() || selection.contains(r);
    let extras: Vec<ResourceRef> = candidates.into_iter().filter(in_scope).collect();
    let heading = format!(
        "sync {}{} ({at}) → cluster {}, namespace {}",
        if args.dry_run { "--dry-run " } else { "" },
        app.id,
        app.cluster,
        app.namespace
    );

    if args.dry_run {
        let report = selected(report, &selection);
        if let Some(line) = extras_line(&extras, args.prune, true) {
            eprintln!("shipdeck: {line}");
        }
        return super::finish(&report, &heading, &args.output);
    }

    let request = SyncRequest {
        app: app.id.clone(),
        resources: selection,
        prune: args.prune,
        prune_confirmed: if args.prune {
            extras.clone()
        } else {
            Vec::new()
        },
        force: args.force,
        reviewed_commit: Some(rendered.commit.sha.clone()),
    };
    let local = dirs.deployments();
    let cx = Context {
        settings: &settings,
        app,
        cluster,
        client: &client,
        local_root: &local,
    };
    let job = deployments::sync_job(
        &cx,
        &rendered,
        Some(&report),
        &request,
        DeploymentKind::Sync,
    )?;
    let summary = SyncSummary::of(&report, rendered.commit.short_sha());
    let mut announce = vec![format!(
        "{} ({at}) before the sync: {}",
        app.id,
        crate::one_line(&summary.detail())
    )];
    if args.prune {
        // Extras that could not be listed are not pruned either.
        announce.extend(
            report
                .incomplete
                .iter()
                .map(|left_out| format!("incomplete: {}", crate::one_line(left_out))),
        );
    }
    // In a command line the flag is the confirmation, and this line shows the exact list
    // (the job holds that list and no other) before anything is deleted.
    announce.extend(extras_line(&extras, args.prune, false));
    let done = deploy::run(&cx, job, args.rollout.timeout, &announce).await?;
    deploy::finish(&done, &heading, args.output.output)
}

/// The `--resource` selection among the objects the application declares (and, with
/// `--prune`, the extras it tracks). An extra named without `--prune` is refused with the way
/// to delete it.
fn select(
    args: &SyncArgs,
    rendered: &RenderedApp,
    candidates: &[ResourceRef],
    app: &str,
    at: &str,
) -> Result<Vec<ResourceRef>> {
    let declared: Vec<ResourceRef> = rendered
        .objects
        .iter()
        .map(|o| sync::reference(&o.id))
        .collect();
    let mut known = declared;
    if args.prune {
        known.extend(candidates.iter().cloned());
    }
    let whose = format!("'{app}' declares at {at}");
    selection::resolve(&args.resources, &known, &whose).map_err(|refused| {
        let extra = args
            .resources
            .iter()
            .find_map(|spec| selection::resolve(std::slice::from_ref(spec), candidates, "").ok());
        match extra {
            Some(extra) if !args.prune => anyhow!(
                "--resource {} is no longer declared in Git; it is tracked in the cluster as \
                 '{app}''s, and --prune deletes it",
                resource_id(&extra[0])
            ),
            _ => anyhow!("{refused}"),
        }
    })
}

/// The comparison limited to the selection, as `--dry-run` shows it.
fn selected(report: DriftReport, selection: &[ResourceRef]) -> DriftReport {
    if selection.is_empty() {
        return report;
    }
    let resources = report
        .resources
        .into_iter()
        .filter(|r| {
            selection.contains(&ResourceRef {
                group: r.group.clone(),
                kind: r.kind.clone(),
                namespace: r.namespace.clone(),
                name: r.name.clone(),
            })
        })
        .collect();
    DriftReport {
        incomplete: report.incomplete,
        ..DriftReport::new(resources)
    }
}

/// The objects tracked as the application's that Git no longer declares, and whether they
/// are (or would be) deleted.
fn extras_line(extras: &[ResourceRef], prune: bool, dry_run: bool) -> Option<String> {
    if extras.is_empty() {
        return None;
    }
    let list: Vec<String> = extras.iter().map(resource_id).collect();
    let n = extras.len();
    let objects = if n == 1 { "object" } else { "objects" };
    Some(match (prune, dry_run) {
        (true, false) => format!(
            "pruning {n} {objects} Git no longer declares: {}",
            list.join(", ")
        ),
        (true, true) => format!(
            "would prune {n} {objects} Git no longer declares: {}",
            list.join(", ")
        ),
        (false, _) => format!(
            "leaving {n} {objects} Git no longer declares (--prune deletes them): {}",
            list.join(", ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_ipc::SyncStatus;
    use shipdeck_ipc::drift::{DriftReason, ResourceDrift};

    fn drift(kind: &str, name: &str, status: SyncStatus) -> ResourceDrift {
        ResourceDrift {
            group: String::new(),
            version: "v1".into(),
            kind: kind.into(),
            namespace: Some("shop".into()),
            name: name.into(),
            status,
            reason: (status == SyncStatus::OutOfSync).then_some(DriftReason::Modified),
            changes: vec![],
            ignored: vec![],
            message: None,
            health: None,
            live_yaml: None,
            desired_yaml: None,
        }
    }

    fn reference(kind: &str, name: &str) -> ResourceRef {
        ResourceRef {
            group: String::new(),
            kind: kind.into(),
            namespace: Some("shop".into()),
            name: name.into(),
        }
    }

    #[test]
    fn a_dry_run_of_a_selection_shows_and_counts_only_it() {
        let mut report = DriftReport::new(vec![
            drift("ConfigMap", "web", SyncStatus::OutOfSync),
            drift("Service", "web", SyncStatus::Synced),
        ]);
        report.incomplete.push("a file did not render".into());
        let only = selected(report.clone(), &[reference("Service", "web")]);
        assert_eq!(only.resources.len(), 1);
        assert_eq!((only.summary.synced, only.summary.out_of_sync), (1, 0));
        assert_eq!(only.incomplete, report.incomplete, "never hidden");
        assert_eq!(selected(report.clone(), &[]), report);
    }

    #[test]
    fn extras_are_listed_exactly_whether_pruned_or_left() {
        let extras = [reference("ConfigMap", "old"), reference("Secret", "gone")];
        assert_eq!(extras_line(&[], true, false), None);
        assert_eq!(
            extras_line(&extras, true, false).unwrap(),
            "pruning 2 objects Git no longer declares: ConfigMap/shop/old, Secret/shop/gone"
        );
        assert_eq!(
            extras_line(&extras[..1], true, true).unwrap(),
            "would prune 1 object Git no longer declares: ConfigMap/shop/old"
        );
        assert!(
            extras_line(&extras, false, false)
                .unwrap()
                .starts_with("leaving 2 objects Git no longer declares (--prune deletes them): ")
        );
    }
}
