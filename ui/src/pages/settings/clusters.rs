use super::{ConfigSignal, apply_change, loaded};
use crate::api;
use crate::components::connection::ClusterStateView;
use crate::components::error_view::ErrorView;
use crate::format::slug;
use crate::store::use_store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipdeck_ipc::clusters::{AuthMethod, KubeContext};
use shipdeck_ipc::commands::ClusterCredential;

#[component]
pub fn Clusters(config: ConfigSignal) -> impl IntoView {
    let contexts = LocalResource::new(api::kube_contexts);
    let error = RwSignal::new(None);
    let store = use_store();
    view! {
        <div class="card" id="settings-clusters">
            <h2>"Clusters"</h2>
            {move || error.get().map(|error| view! { <ErrorView error/> })}
            <ul class="rows" id="configured-clusters">
                {move || loaded(config).clusters.into_iter().map(|c| {
                    let id = c.id.clone();
                    let state = move || {
                        store.connections.get().and_then(Result::ok)
                            .and_then(|o| o.clusters.into_iter().find(|s| s.id == id))
                            .map(|s| view! { <ClusterStateView state=s.state/> })
                    };
                    let remove_id = c.id.clone();
                    view! {
                        <li class="row" data-cluster=c.id.clone()>
                            <div class="row-main">
                                <strong>{c.id.clone()}</strong>" "<span class="muted">"context "<code>{c.context.clone()}</code></span>
                                <div>{state}</div>
                            </div>
                            <div class="row-actions">
                                <CredentialEntry id=c.id.clone() error/>
                                <button class="danger" on:click=move |_| apply_change(store, config, error, api::cluster_remove(remove_id.clone()))>"Remove"</button>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h3>"Contexts in your kubeconfig"</h3>
            <p class="muted">"Read like kubectl: every file in KUBECONFIG merged, otherwise ~/.kube/config."</p>
            {move || match contexts.get() {
                None => view! { <p class="loading">"Reading kubeconfig…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">"The kubeconfig has no contexts."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="rows" id="kube-contexts">
                        {list.into_iter().map(|ctx| view! { <ContextRow ctx config error/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </div>
    }
}

/// Enters a token or a PEM client key for one cluster; the value goes to the OS keyring and
/// the field is cleared. Both inputs mask what is typed.
#[component]
fn CredentialEntry(id: String, error: RwSignal<Option<shipdeck_ipc::IpcError>>) -> impl IntoView {
    let kind = RwSignal::new(ClusterCredential::Token);
    let value = RwSignal::new(String::new());
    let save = move |_| {
        let (id, kind, secret) = (id.clone(), kind.get_untracked(), value.get_untracked());
        spawn_local(async move {
            // The settings it returns also arrive as `settings-changed`, which refreshes the page.
            match api::cluster_set_credential(id, kind, secret).await {
                Ok(_) => {
                    value.set(String::new());
                    error.set(None);
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <select class="credential-kind" on:change=move |ev| {
            kind.set(if event_target_value(&ev) == "client-key" { ClusterCredential::ClientKey } else { ClusterCredential::Token });
        }>
            <option value="token">"Bearer token"</option>
            <option value="client-key">"Client key (PEM)"</option>
        </select>
        {move || match kind.get() {
            ClusterCredential::Token => view! {
                <input type="password" class="credential-input" placeholder="Kept in the OS keyring"
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            }.into_any(),
            ClusterCredential::ClientKey => view! {
                <textarea class="credential-input masked" rows="2" placeholder="-----BEGIN PRIVATE KEY-----"
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
            }.into_any(),
        }}
        <button class="credential-save" on:click=save>"Save to keyring"</button>
    }
}

#[component]
fn ContextRow(
    ctx: KubeContext,
    config: ConfigSignal,
    error: RwSignal<Option<shipdeck_ipc::IpcError>>,
) -> impl IntoView {
    let store = use_store();
    let auth = match &ctx.auth {
        AuthMethod::Token => "token".to_string(),
        AuthMethod::ClientCertificate => "client certificate".to_string(),
        AuthMethod::Exec { command } => format!("exec plugin {command}"),
        AuthMethod::Password => "password".to_string(),
        AuthMethod::None => "no credential (add a token after adding)".to_string(),
    };
    let name = ctx.name.clone();
    let added = Memo::new(move |_| loaded(config).clusters.iter().any(|c| c.context == name));
    let context = ctx.name.clone();
    view! {
        <li class="row" data-context=ctx.name.clone()>
            <div class="row-main">
                <strong>{ctx.name.clone()}</strong>{ctx.is_current.then_some(" (current)")}
                <div class="muted">{ctx.server.clone().unwrap_or_default()}" · "{auth}</div>
            </div>
            <div class="row-actions">
                <button class="add-context" disabled=move || added.get() on:click=move |_| {
                    apply_change(store, config, error, api::cluster_add(slug(&context), context.clone()));
                }>{move || if added.get() { "Added" } else { "Add" }}</button>
            </div>
        </li>
    }
}
