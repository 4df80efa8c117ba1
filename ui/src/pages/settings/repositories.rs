use super::{ConfigSignal, apply_change, loaded};
use crate::api;
use crate::components::{commit::CommitLine, error_view::ErrorView};
use crate::store::use_store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipdeck_ipc::IpcError;
use shipdeck_ipc::config::{DEFAULT_POLL_INTERVAL_SECS, RepoAuth, RepositoryEntry, Revision};
use shipdeck_ipc::connections::RepositoryCheck;

/// The form's fields; turned into a [`RepositoryEntry`] only when tested or saved.
#[derive(Clone, Copy)]
struct Form {
    id: RwSignal<String>,
    url: RwSignal<String>,
    auth: RwSignal<String>,
    username: RwSignal<String>,
    secret: RwSignal<String>,
    key: RwSignal<String>,
    has_passphrase: RwSignal<bool>,
    interval: RwSignal<String>,
    branch: RwSignal<String>,
    path: RwSignal<String>,
}

impl Form {
    fn new() -> Self {
        Self {
            id: RwSignal::new(String::new()),
            url: RwSignal::new(String::new()),
            auth: RwSignal::new("none".into()),
            username: RwSignal::new(String::new()),
            secret: RwSignal::new(String::new()),
            key: RwSignal::new(String::new()),
            has_passphrase: RwSignal::new(false),
            interval: RwSignal::new(DEFAULT_POLL_INTERVAL_SECS.to_string()),
            branch: RwSignal::new("main".into()),
            path: RwSignal::new(String::new()),
        }
    }

    fn entry(&self) -> Result<RepositoryEntry, IpcError> {
        let interval = self
            .interval
            .get_untracked()
            .trim()
            .parse::<u32>()
            .map_err(|_| {
                IpcError::new(
                    shipdeck_ipc::ErrorCode::InvalidInput,
                    "the poll interval must be a whole number of seconds",
                )
            })?;
        let auth = match self.auth.get_untracked().as_str() {
            "https" => RepoAuth::Https {
                username: self.username.get_untracked().trim().to_string(),
            },
            "ssh-key" => RepoAuth::SshKey {
                private_key: self.key.get_untracked().trim().to_string(),
                has_passphrase: self.has_passphrase.get_untracked(),
            },
            "ssh-agent" => RepoAuth::SshAgent,
            _ => RepoAuth::None,
        };
        Ok(RepositoryEntry {
            id: self.id.get_untracked().trim().to_string(),
            url: self.url.get_untracked().trim().to_string(),
            auth,
            poll_interval_secs: interval,
        })
    }

    fn secret(&self) -> Option<String> {
        Some(self.secret.get_untracked()).filter(|s| !s.is_empty())
    }
}

fn text(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    kind: &'static str,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <input id=id type=kind prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
        </label>
    }
}

#[component]
pub fn Repositories(config: ConfigSignal) -> impl IntoView {
    let form = Form::new();
    let error = RwSignal::new(None::<IpcError>);
    let check = RwSignal::new(None::<RepositoryCheck>);
    let testing = RwSignal::new(None::<String>);
    let store = use_store();
    let counter = StoredValue::new(0u32);

    let test = move |_| {
        let entry = match form.entry() {
            Ok(e) => e,
            Err(e) => return error.set(Some(e)),
        };
        counter.update_value(|c| *c += 1);
        let operation = format!("repository-test-{}", counter.get_value());
        testing.set(Some(operation.clone()));
        check.set(None);
        error.set(None);
        let revision = Revision::Branch(form.branch.get_untracked().trim().to_string());
        let path = form.path.get_untracked().trim().to_string();
        spawn_local(async move {
            match api::repository_test(entry, form.secret(), revision, path, operation).await {
                Ok(result) => check.set(Some(result)),
                Err(err) => error.set(Some(err)),
            }
            testing.set(None);
        });
    };
    let cancel = move |_| {
        if let Some(operation) = testing.get_untracked() {
            spawn_local(async move {
                let _ = api::operation_cancel(operation).await;
            });
        }
    };
    let save = move |_| match form.entry() {
        Ok(entry) => apply_change(
            store,
            config,
            error,
            api::repository_save(entry, form.secret()),
        ),
        Err(e) => error.set(Some(e)),
    };
    let progress = move || {
        let op = testing.get()?;
        let p = store.git_progress.get().filter(|p| p.operation == op);
        Some(match p {
            Some(p) => crate::format::transfer(&p),
            None => "Connecting…".to_string(),
        })
    };

    view! {
        <div class="card" id="settings-repositories">
            <h2>"Repositories"</h2>
            <ul class="rows" id="configured-repositories">
                {move || loaded(config).repositories.into_iter().map(|r| {
                    let id = r.id.clone();
                    view! {
                        <li class="row" data-repository=r.id.clone()>
                            <div class="row-main">
                                <strong>{r.id.clone()}</strong>" "<code class="muted">{r.url.clone()}</code>
                                <div class="muted">"polled every "{r.poll_interval_secs}" s"</div>
                            </div>
                            <div class="row-actions">
                                <button class="danger" on:click=move |_| apply_change(store, config, error, api::repository_remove(id.clone()))>"Remove"</button>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h3>"Add or update a repository"</h3>
            <div class="form-grid">
                {text("repo-id", "Name", form.id, "text")}
                {text("repo-url", "URL", form.url, "text")}
                <label class="field">
                    <span>"Authentication"</span>
                    <select id="repo-auth" on:change=move |ev| form.auth.set(event_target_value(&ev))>
                        <option value="none">"None (public, git://, local path)"</option>
                        <option value="https">"HTTPS user + password or token"</option>
                        <option value="ssh-key">"SSH key file"</option>
                        <option value="ssh-agent">"SSH agent"</option>
                    </select>
                </label>
                <Show when=move || form.auth.get() == "https">
                    {text("repo-username", "Username (empty for a token)", form.username, "text")}
                    {text("repo-secret", "Password or token (kept in the OS keyring)", form.secret, "password")}
                </Show>
                <Show when=move || form.auth.get() == "ssh-key">
                    {text("repo-key", "Private key file", form.key, "text")}
                    <label class="field">
                        <span>"Key has a passphrase"</span>
                        <input type="checkbox" prop:checked=move || form.has_passphrase.get()
                            on:change=move |ev| form.has_passphrase.set(event_target_checked(&ev))/>
                    </label>
                    <Show when=move || form.has_passphrase.get()>
                        {text("repo-secret", "Passphrase (kept in the OS keyring)", form.secret, "password")}
                    </Show>
                </Show>
                {text("repo-interval", "Poll interval (seconds)", form.interval, "number")}
                {text("repo-test-branch", "Branch to test", form.branch, "text")}
                {text("repo-test-path", "Path to test", form.path, "text")}
            </div>
            <div class="actions">
                <button id="repo-test" on:click=test disabled=move || testing.get().is_some()>"Test"</button>
                <Show when=move || testing.get().is_some()>
                    <button id="repo-cancel" on:click=cancel>"Cancel"</button>
                </Show>
                <button id="repo-save" class="primary" on:click=save>"Save repository"</button>
            </div>
            <p class="progress" id="repo-progress">{progress}</p>
            {move || error.get().map(|error| view! { <ErrorView error/> })}
            {move || check.get().map(|c| view! {
                <div class="check-ok" id="repo-check">
                    <strong>"Reachable."</strong>" "{c.files_under_path}" files under the path at:"
                    <CommitLine commit=c.commit/>
                </div>
            })}
        </div>
    }
}
