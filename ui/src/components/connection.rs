//! How a cluster connection and an application's revision are shown, wherever they appear.

use crate::components::commit::CommitLine;
use leptos::prelude::*;
use shipdeck_ipc::clusters::ConnectionFailure;
use shipdeck_ipc::connections::{ClusterState, RenderSummary, RevisionState};

pub fn failure_label(failure: ConnectionFailure) -> &'static str {
    match failure {
        ConnectionFailure::Unreachable => "Unreachable",
        ConnectionFailure::Dns => "DNS failure",
        ConnectionFailure::Tls => "TLS / certificate mismatch",
        ConnectionFailure::Unauthorized => "Unauthorized",
        ConnectionFailure::Forbidden => "Forbidden",
        ConnectionFailure::ExecPluginMissing => "Auth plugin missing",
        ConnectionFailure::InvalidKubeconfig => "Kubeconfig problem",
        ConnectionFailure::Other => "Connection failed",
    }
}

/// A cluster's connection state. `compact` (on application cards) gives only the label: the
/// full reason is on the cluster's own card, said once rather than on every application.
#[component]
pub fn ClusterStateView(state: ClusterState, #[prop(optional)] compact: bool) -> impl IntoView {
    match state {
        ClusterState::Checking => {
            view! { <span class="conn conn-checking">"Checking…"</span> }.into_any()
        }
        ClusterState::Connected(probe) => view! {
            <span class="conn conn-ok" data-state="connected">
                "Connected · "{probe.server_version}" · "{probe.rtt_ms}" ms"
            </span>
            {(!compact).then(|| probe.warnings.into_iter().map(|w| view! {
                <p class="conn-warning" role="note">{w}</p>
            }).collect_view())}
        }
        .into_any(),
        ClusterState::Failed { failure, .. } if compact => view! {
            <span class="conn conn-failed" data-state="failed">
                {failure_label(failure)}" · see the cluster below"
            </span>
        }
        .into_any(),
        ClusterState::Failed { failure, message } => view! {
            <span class="conn conn-failed" data-state="failed" title=message.clone()>
                {failure_label(failure)}
            </span>
            <p class="conn-message">{message}</p>
        }
        .into_any(),
    }
}

/// Where an application's Git side stands. `compact` (on application cards) says a failure
/// only by name: its reason is on the repository's own card, said once for every application
/// on that revision.
#[component]
pub fn RevisionView(state: RevisionState, #[prop(optional)] compact: bool) -> impl IntoView {
    match state {
        RevisionState::Fetching(None) => view! { <p class="loading">"Fetching from Git…"</p> }.into_any(),
        RevisionState::Fetching(Some(p)) => view! {
            <p class="loading">{crate::format::transfer(&p)}</p>
        }
        .into_any(),
        RevisionState::Resolved(commit) => view! { <CommitLine commit/> }.into_any(),
        RevisionState::Failed { last_good, .. } if compact => view! {
            <p><span class="conn conn-failed" data-state="git-failed">
                "Git fetch failing · see the repository below"
            </span></p>
            {last_good.map(|commit| view! { <p class="muted">"Last good revision:"</p><CommitLine commit/> })}
        }
        .into_any(),
        RevisionState::Failed { message, last_good, retry_in_secs } => view! {
            <p class="conn-message">
                {message}
                // 0 means no retry is scheduled: the settings need a change first.
                {(retry_in_secs > 0).then(|| format!(" (trying again in {retry_in_secs} s)"))}
            </p>
            {last_good.map(|commit| view! { <p class="muted">"Last good revision:"</p><CommitLine commit/> })}
        }
        .into_any(),
    }
}

/// What the manifests at the tracked revision rendered to; per-file errors name file and line.
#[component]
pub fn RenderView(summary: Option<RenderSummary>) -> impl IntoView {
    let Some(summary) = summary else {
        return view! { <p class="muted render">"Manifests not rendered yet."</p> }.into_any();
    };
    if let Some(message) = summary.failed {
        return view! { <p class="render render-failed" role="alert">{message}</p> }.into_any();
    }
    let count = summary.objects.len();
    let errors = summary.errors;
    view! {
        <div class="render">
            <p class="muted">{count}" objects rendered"
                {(!errors.is_empty()).then(|| format!(", {} files with errors", errors.len()))}
            </p>
            {(!errors.is_empty()).then(|| view! {
                <ul class="render-errors" role="alert">
                    {errors.into_iter().map(|e| view! { <li><code>{e}</code></li> }).collect_view()}
                </ul>
            })}
        </div>
    }
    .into_any()
}
