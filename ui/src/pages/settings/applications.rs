use super::{ConfigSignal, apply_change, loaded};
use crate::api;
use crate::components::error_view::ErrorView;
use crate::store::use_store;
use leptos::prelude::*;
use shipdeck_ipc::IpcError;
use shipdeck_ipc::config::{ApplicationEntry, HelmSettings, Revision};

fn input(id: &'static str, label: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <input id=id type="text" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
        </label>
    }
}

/// A labelled select of `(value, label)` options, bound to `selected`.
fn choice(
    id: &'static str,
    label: &'static str,
    selected: RwSignal<String>,
    options: impl Fn() -> Vec<(String, String)> + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <select id=id on:change=move |ev| selected.set(event_target_value(&ev))>
                {move || options().into_iter().map(|(value, text)| {
                    let current = value.clone();
                    view! { <option value=value selected=move || selected.get() == current>{text}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

fn ids<'a>(ids: impl Iterator<Item = &'a String>) -> Vec<(String, String)> {
    ids.map(|id| (id.clone(), id.clone())).collect()
}

#[component]
pub fn Applications(config: ConfigSignal) -> impl IntoView {
    let store = use_store();
    let error = RwSignal::new(None::<IpcError>);
    let id = RwSignal::new(String::new());
    let repository = RwSignal::new(String::new());
    let revision_kind = RwSignal::new("branch".to_string());
    let revision = RwSignal::new("main".to_string());
    let path = RwSignal::new(String::new());
    let cluster = RwSignal::new(String::new());
    let namespace = RwSignal::new("default".to_string());
    let values_files = RwSignal::new(String::new());
    let values = RwSignal::new(String::new());
    let release_name = RwSignal::new(String::new());

    let save = move |_| {
        let name = revision.get_untracked().trim().to_string();
        let app_id = id.get_untracked().trim().to_string();
        // The sync policy is edited on the application's page; the form sends the stored one
        // back as it is, so the entry it saves is true even to a reader that trusts it.
        let sync = config.with_untracked(|c| {
            c.as_ref()
                .and_then(|c| c.as_ref().ok())
                .and_then(|c| c.applications.iter().find(|a| a.id == app_id))
                .map(|a| a.sync.clone())
                .unwrap_or_default()
        });
        let entry = ApplicationEntry {
            id: app_id,
            repository: repository.get_untracked(),
            revision: match revision_kind.get_untracked().as_str() {
                "tag" => Revision::Tag(name),
                "commit" => Revision::Commit(name),
                _ => Revision::Branch(name),
            },
            path: path.get_untracked().trim().trim_matches('/').to_string(),
            cluster: cluster.get_untracked(),
            namespace: namespace.get_untracked().trim().to_string(),
            helm: HelmSettings {
                values_files: values_files
                    .get_untracked()
                    .split([',', '\n'])
                    .map(|f| f.trim().to_string())
                    .filter(|f| !f.is_empty())
                    .collect(),
                values: values.get_untracked(),
                release_name: release_name.get_untracked().trim().to_string(),
            },
            // Edited from the drift review; the engine keeps the stored ones on a save.
            ignore: Vec::new(),
            sync,
        };
        apply_change(store, config, error, api::application_save(entry));
    };
    // Preselect the first repository and cluster, so the common case is just typing names.
    Effect::new(move || {
        let c = loaded(config);
        if let (true, Some(r)) = (
            repository.get_untracked().is_empty(),
            c.repositories.first(),
        ) {
            repository.set(r.id.clone());
        }
        if let (true, Some(k)) = (cluster.get_untracked().is_empty(), c.clusters.first()) {
            cluster.set(k.id.clone());
        }
    });

    view! {
        <div class="card" id="settings-applications">
            <h2>"Applications"</h2>
            <ul class="rows" id="configured-applications">
                {move || loaded(config).applications.into_iter().map(|a| {
                    let remove = a.id.clone();
                    let edit = a.clone();
                    view! {
                        <li class="row" data-application=a.id.clone()>
                            <div class="row-main">
                                <strong>{a.id.clone()}</strong>
                                <div class="muted">{format!("{} / {} → {} / {}", a.repository, a.path, a.cluster, a.namespace)}</div>
                            </div>
                            <div class="row-actions">
                                <button class="edit" on:click=move |_| {
                                    let a = edit.clone();
                                    let (kind, name) = match a.revision {
                                        Revision::Branch(n) => ("branch", n),
                                        Revision::Tag(n) => ("tag", n),
                                        Revision::Commit(n) => ("commit", n),
                                    };
                                    id.set(a.id);
                                    repository.set(a.repository);
                                    revision_kind.set(kind.to_string());
                                    revision.set(name);
                                    path.set(a.path);
                                    cluster.set(a.cluster);
                                    namespace.set(a.namespace);
                                    values_files.set(a.helm.values_files.join(", "));
                                    values.set(a.helm.values);
                                    release_name.set(a.helm.release_name);
                                }>"Edit"</button>
                                <button class="danger" on:click=move |_| apply_change(store, config, error, api::application_remove(remove.clone()))>"Remove"</button>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h3>"Add or update an application"</h3>
            <p class="muted">"Saving under an existing name updates that application."</p>
            <div class="form-grid">
                {input("app-id", "Name", id)}
                {choice("app-repository", "Repository", repository, move || {
                    ids(loaded(config).repositories.iter().map(|r| &r.id))
                })}
                {choice("app-revision-kind", "Track", revision_kind, || {
                    [("branch", "Branch"), ("tag", "Tag"), ("commit", "Commit")]
                        .map(|(v, l)| (v.to_string(), l.to_string()))
                        .to_vec()
                })}
                {input("app-revision", "Branch, tag or commit", revision)}
                {input("app-path", "Path in the repository", path)}
                {choice("app-cluster", "Cluster", cluster, move || {
                    ids(loaded(config).clusters.iter().map(|c| &c.id))
                })}
                {input("app-namespace", "Default namespace", namespace)}
            </div>
            <details class="helm-options">
                <summary>"Helm options (for a chart at the path)"</summary>
                <p class="muted">"Rendered without network access: dependencies must be vendored under charts/ or be file:// charts in the same repository."</p>
                <div class="form-grid">
                    {input("app-helm-values-files", "Values files (from the repository root, comma-separated)", values_files)}
                    {input("app-helm-release", "Release name (default: the application name)", release_name)}
                    <label class="field">
                        <span>"Inline values (YAML, applied last)"</span>
                        <textarea id="app-helm-values" rows="4"
                            prop:value=move || values.get()
                            on:input=move |ev| values.set(event_target_value(&ev))></textarea>
                    </label>
                </div>
            </details>
            <div class="actions">
                <button id="app-save" class="primary" on:click=save>"Save application"</button>
            </div>
            {move || error.get().map(|error| view! { <ErrorView error/> })}
        </div>
    }
}
