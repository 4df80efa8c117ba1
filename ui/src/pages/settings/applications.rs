use super::{ConfigSignal, apply_change, loaded};
use crate::api;
use crate::components::error_view::ErrorView;
use crate::store::use_store;
use leptos::prelude::*;
use shipdeck_ipc::IpcError;
use shipdeck_ipc::config::{ApplicationEntry, Revision};

fn input(id: &'static str, label: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <input id=id type="text" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
        </label>
    }
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

    let save = move |_| {
        let name = revision.get_untracked().trim().to_string();
        let entry = ApplicationEntry {
            id: id.get_untracked().trim().to_string(),
            repository: repository.get_untracked(),
            revision: match revision_kind.get_untracked().as_str() {
                "tag" => Revision::Tag(name),
                "commit" => Revision::Commit(name),
                _ => Revision::Branch(name),
            },
            path: path.get_untracked().trim().trim_matches('/').to_string(),
            cluster: cluster.get_untracked(),
            namespace: namespace.get_untracked().trim().to_string(),
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
                <label class="field">
                    <span>"Repository"</span>
                    <select id="app-repository" on:change=move |ev| repository.set(event_target_value(&ev))>
                        {move || loaded(config).repositories.into_iter().map(|r| {
                            let value = r.id.clone();
                            view! { <option value=r.id.clone() selected=move || repository.get() == value>{r.id.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>"Track"</span>
                    <select id="app-revision-kind" on:change=move |ev| revision_kind.set(event_target_value(&ev))>
                        {[("branch", "Branch"), ("tag", "Tag"), ("commit", "Commit")].into_iter().map(|(value, label)| view! {
                            <option value=value selected=move || revision_kind.get() == value>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
                {input("app-revision", "Branch, tag or commit", revision)}
                {input("app-path", "Path in the repository", path)}
                <label class="field">
                    <span>"Cluster"</span>
                    <select id="app-cluster" on:change=move |ev| cluster.set(event_target_value(&ev))>
                        {move || loaded(config).clusters.into_iter().map(|c| {
                            let value = c.id.clone();
                            view! { <option value=c.id.clone() selected=move || cluster.get() == value>{c.id.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {input("app-namespace", "Default namespace", namespace)}
            </div>
            <div class="actions">
                <button id="app-save" class="primary" on:click=save>"Save application"</button>
            </div>
            {move || error.get().map(|error| view! { <ErrorView error/> })}
        </div>
    }
}
