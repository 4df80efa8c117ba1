use crate::components::{commit::CommitLine, empty_state::EmptyState, error_view::ErrorView};
use crate::format;
use crate::store::use_store;
use leptos::prelude::*;
use shipdeck_ipc::workspace::{ManifestDir, WorkspaceOverview};

#[component]
pub fn Overview() -> impl IntoView {
    let store = use_store();
    view! {
        <section class="page" id="page-overview">
            <header class="page-header">
                <h1>"Overview"</h1>
                <p class="lede">"Every application, across clusters, at a glance."</p>
            </header>
            {move || match store.workspace.get() {
                None => view! { <p class="loading">"Loading the workspace…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
                Some(Ok(overview)) => view! { <WorkspaceView overview/> }.into_any(),
            }}
            <EmptyState title="No clusters connected">
                <p>
                    "Connected clusters and the sync and health status of each application will \
                     appear here. Connecting clusters from your kubeconfig is not part of this \
                     build yet; until then Shipdeck shows the Git side of the workspace."
                </p>
            </EmptyState>
        </section>
    }
}

#[component]
fn WorkspaceView(overview: WorkspaceOverview) -> impl IntoView {
    let branch = overview.branch.clone().unwrap_or_else(|| "detached HEAD".into());
    let authors = overview.authors.len();
    let dirs = overview.manifest_dirs.clone();
    view! {
        <div class="card workspace-card" id="workspace-card">
            <div class="card-title">
                <h2>"Workspace"</h2>
                <code class="muted">{overview.path.clone()}</code>
            </div>
            <dl class="facts">
                <div><dt>"Branch"</dt><dd>{branch}</dd></div>
                <div><dt>"Commits"</dt><dd>{overview.commit_count}</dd></div>
                <div><dt>"Authors"</dt><dd>{authors}</dd></div>
                <div><dt>"Manifest directories"</dt><dd>{dirs.len()}</dd></div>
            </dl>
            <h3>"Latest commit"</h3>
            <CommitLine commit=overview.head.clone()/>
        </div>
        <h2 class="section-title">"Manifest directories"</h2>
        {if dirs.is_empty() {
            view! {
                <p class="muted">
                    "No directories with .yaml, .yml or .json manifests were found in this repository."
                </p>
            }
            .into_any()
        } else {
            view! {
                <div class="grid" id="manifest-dirs">
                    {dirs.into_iter().map(|dir| view! { <DirCard dir/> }).collect_view()}
                </div>
            }
            .into_any()
        }}
    }
}

#[component]
fn DirCard(dir: ManifestDir) -> impl IntoView {
    let change = dir.last_change.clone();
    view! {
        <article class="card dir-card" data-dir=dir.path.clone()>
            <h3>{dir.name.clone()}</h3>
            <p class="muted">
                <code>{dir.path.clone()}</code>" · "{dir.manifest_files}" manifest files"
            </p>
            {change.map(|c| {
                let age = format::age(format::now_secs(), c.commit_time);
                view! {
                    <p class="dir-change">
                        <code class="sha">{c.short_sha().to_string()}</code>" "{c.summary.clone()}
                        <br/>
                        <span class="muted">{c.author.clone()}" · "{age}</span>
                    </p>
                }
            })}
        </article>
    }
}
