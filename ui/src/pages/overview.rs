use crate::components::connection::{ClusterStateView, RenderView, RevisionView};
use crate::components::drift::SyncLine;
use crate::components::drift_events::RecentDriftView;
use crate::components::filter_bar::FilterBar;
use crate::components::status::{Status, StatusBadge};
use crate::components::time::TimeAgo;
use crate::components::{commit::CommitLine, empty_state::EmptyState, error_view::ErrorView};
use crate::filter::by_cluster;
use crate::format;
use crate::routes;
use crate::store::{Phase, connections_phase, use_store};
use leptos::prelude::*;
use leptos_router::components::A;
use shipdeck_ipc::connections::{
    ApplicationStatus, ClusterState, ConnectionsOverview, RepositoryStatus,
};
use shipdeck_ipc::workspace::{ManifestDir, WorkspaceOverview};

#[component]
pub fn Overview() -> impl IntoView {
    let store = use_store();
    let phase = connections_phase(store);
    let has_apps = move || {
        matches!(
            phase.get(),
            Phase::Ready {
                applications: 1..,
                ..
            }
        )
    };
    view! {
        <section class="page" id="page-overview">
            <header class="page-header">
                <h1>"Overview"</h1>
                <p class="lede">"Every application, across clusters, at a glance."</p>
            </header>
            {move || match phase.get() {
                Phase::Loading => view! { <p class="loading">"Loading connections…"</p> }.into_any(),
                Phase::Failed(error) => view! { <ErrorView error/> }.into_any(),
                Phase::Ready { clusters: 0, applications: 0 } => view! {
                    <EmptyState title="No clusters or applications yet">
                        <p>
                            "Add clusters from your kubeconfig and define applications (a path in a Git \
                             repository deployed to a cluster and namespace) in "
                            <A href="/settings">"Settings"</A>
                            ". Each application then appears here with its tracked revision and its \
                             cluster's connection state, updated live."
                        </p>
                    </EmptyState>
                }.into_any(),
                Phase::Ready { .. } => ().into_any(),
            }}
            {move || store.connections.with(|c| {
                c.as_ref().and_then(|c| c.as_ref().ok()).and_then(|o| o.settings_error.clone())
            }).map(|message| view! {
                <div class="banner banner-error" id="settings-error" role="alert">
                    <strong>"settings.toml was changed and cannot be used. "</strong>
                    "Shipdeck keeps following the last good settings until it is fixed: "{message}
                </div>
            })}
            // The filter and the drift feed stay put while states are pushed: what is typed
            // in the search keeps its focus.
            <Show when=move || matches!(phase.get(), Phase::Ready { clusters: 1.., .. } | Phase::Ready { applications: 1.., .. })>
                <h2 class="section-title">"Applications"</h2>
                <Show when=has_apps fallback=|| view! {
                    <p class="muted">"No applications yet: add one in Settings → Applications."</p>
                }>
                    <FilterBar/>
                    <ApplicationCards/>
                    <RecentDriftView/>
                </Show>
            </Show>
            {move || match store.connections.get() {
                Some(Ok(overview)) if !overview.clusters.is_empty() || !overview.applications.is_empty() => {
                    Some(view! { <ConnectionsView overview/> })
                }
                _ => None,
            }}
            {move || match store.workspace.get() {
                None => view! { <p class="loading">"Loading the workspace…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
                Some(Ok(overview)) => view! { <WorkspaceView overview/> }.into_any(),
            }}
        </section>
    }
}

/// The applications the filter shows, cluster by cluster.
#[component]
fn ApplicationCards() -> impl IntoView {
    let store = use_store();
    move || {
        let filter = store.filter.get();
        let Some(Ok(overview)) = store.connections.get() else {
            return ().into_any();
        };
        let order: Vec<String> = overview.clusters.iter().map(|c| c.id.clone()).collect();
        let shown: Vec<ApplicationStatus> = overview
            .applications
            .into_iter()
            .filter(|a| filter.matches(a))
            .collect();
        if shown.is_empty() {
            return view! {
                <p class="muted" id="filter-empty">"No application matches the filter."</p>
            }
            .into_any();
        }
        let clusters = overview.clusters;
        view! {
            <div id="application-cards">
                {by_cluster(&order, shown).into_iter().map(|(cluster, apps)| {
                    let state = clusters.iter().find(|c| c.id == cluster).map(|c| c.state.clone());
                    let count = match apps.len() {
                        1 => "1 application".to_string(),
                        n => format!("{n} applications"),
                    };
                    view! {
                        <section class="cluster-group" data-cluster-group=cluster.clone()>
                            <h3 class="cluster-group-title">
                                <code>{cluster.clone()}</code>" "<span class="muted">{count}</span>
                            </h3>
                            <div class="grid">
                                {apps.into_iter().map(|status| {
                                    let cluster = state.clone();
                                    view! { <ApplicationCard status cluster/> }
                                }).collect_view()}
                            </div>
                        </section>
                    }
                }).collect_view()}
            </div>
        }
        .into_any()
    }
}

/// Repositories and clusters, rebuilt with each pushed state (they hold nothing the user
/// typed or opened).
#[component]
fn ConnectionsView(overview: ConnectionsOverview) -> impl IntoView {
    view! {
        <h2 class="section-title">"Repositories"</h2>
        {if overview.repositories.is_empty() {
            view! { <p class="muted">"No repositories yet: add one in Settings → Repositories."</p> }.into_any()
        } else {
            view! {
                <div class="grid" id="repository-cards">
                    {overview.repositories.into_iter().map(|repository| view! { <RepositoryCard repository/> }).collect_view()}
                </div>
            }.into_any()
        }}
        <h2 class="section-title">"Clusters"</h2>
        <div class="grid" id="cluster-cards">
            {overview.clusters.into_iter().map(|c| view! {
                <article class="card cluster-card" data-cluster=c.id.clone()>
                    <h3>{c.id.clone()}</h3>
                    <p class="muted">"context "<code>{c.context.clone()}</code></p>
                    <ClusterStateView state=c.state/>
                    {c.notice.map(|n| view! { <p class="notice" role="alert">{n}</p> })}
                </article>
            }).collect_view()}
        </div>
    }
}

#[component]
fn ApplicationCard(status: ApplicationStatus, cluster: Option<ClusterState>) -> impl IntoView {
    let app = status.app;
    let tracked = format::revision(&app.revision);
    let path = if app.path.is_empty() {
        "/".to_string()
    } else {
        app.path.clone()
    };
    let drifted = status.sync.as_ref().map(|s| {
        let text = match s.out_of_sync {
            0 => "No drifted resources".to_string(),
            1 => "1 drifted resource".to_string(),
            n => format!("{n} drifted resources"),
        };
        view! { <p class="app-drifted" data-drifted=s.out_of_sync>{text}</p> }
    });
    let changed = status
        .sync
        .as_ref()
        .and_then(|s| s.changed_at.clone())
        .map(|at| view! { <p class="muted app-changed">"Last change "<TimeAgo at/></p> });
    // The worst health of its resources; a kind without a health rule does not weigh on it.
    let health = match status.sync.as_ref() {
        Some(s) => match s.health {
            Some(h) => view! {
                <p class="app-health" data-health=h.label()>"Health "<StatusBadge status=Status::Health(h)/>
                    {s.health_message.clone().map(|m| view! { <span class="muted health-why">" "{m}</span> })}
                </p>
            }
            .into_any(),
            None => view! { <p class="muted app-health">"Health: no resource with a health rule"</p> }.into_any(),
        },
        None => view! { <p class="muted app-health">"Health: not compared yet"</p> }.into_any(),
    };
    let (href, data_app, title) = (routes::application(&app.id), app.id.clone(), app.id.clone());
    view! {
        <article class="card app-card" data-app=data_app>
            <h3><A href=href>{title}</A></h3>
            <p class="muted">
                <code>{app.repository.clone()}</code>" · "{tracked}" · "<code>{path}</code>
                <br/>"→ "<code>{app.cluster.clone()}</code>" / "<code>{app.namespace.clone()}</code>
            </p>
            <RevisionView state=status.revision compact=true/>
            {status.path_commit.map(|commit| view! {
                <p class="muted path-commit">"Last change to this path: "
                    <code>{commit.sha.chars().take(7).collect::<String>()}</code>" "{commit.summary}
                </p>
            })}
            <RenderView summary=status.render/>
            <SyncLine sync=status.sync/>
            {drifted}
            {changed}
            {health}
            {status.notice.map(|n| view! { <p class="notice" role="alert">{n}</p> })}
            {cluster.map(|state| view! { <div class="app-cluster"><ClusterStateView state compact=true/></div> })}
        </article>
    }
}

/// A repository and each revision polled from it: where a Git failure is said, once for all
/// the applications on that revision.
#[component]
fn RepositoryCard(repository: RepositoryStatus) -> impl IntoView {
    let unused = repository.sources.is_empty();
    view! {
        <article class="card repo-card" data-repository=repository.id.clone()>
            <h3>{repository.id.clone()}</h3>
            <p class="muted"><code>{repository.url.clone()}</code></p>
            {unused.then(|| view! { <p class="muted">"Not polled: no application uses it."</p> })}
            {repository.sources.into_iter().map(|source| {
                let tracked = format::revision(&source.revision);
                let label = tracked.clone();
                view! {
                    <div class="repo-source" data-revision=label>
                        <p class="muted">{tracked}" · for "{source.applications.join(", ")}</p>
                        <RevisionView state=source.state/>
                        {source.notice.map(|n| view! { <p class="notice" role="alert">{n}</p> })}
                    </div>
                }
            }).collect_view()}
        </article>
    }
}

#[component]
fn WorkspaceView(overview: WorkspaceOverview) -> impl IntoView {
    let branch = overview
        .branch
        .clone()
        .unwrap_or_else(|| "detached HEAD".into());
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
