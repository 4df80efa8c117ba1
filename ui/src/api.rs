//! The one typed bridge to the backend: Tauri's `invoke` and event `listen`, wrapped with the
//! shared IPC types. Pages never name a command or event by string. Syncs, rollbacks and
//! deployment history are in [`deploy`].

pub mod deploy;
pub mod dialog;
pub mod history;
pub mod timeline;

use serde::{Serialize, de::DeserializeOwned};
use shipdeck_ipc::{
    ErrorCode, IpcError,
    clusters::KubeContext,
    commands::{
        self, AppInfo, ApplicationSaveArgs, ClusterAddArgs, ClusterCredential,
        ClusterCredentialArgs, IdArgs, IgnoreArgs, OperationArgs, PreviewArgs, RecentCommitsArgs,
        RepositorySaveArgs, RepositoryTestArgs,
    },
    config::{ApplicationEntry, IgnoreRule, RepositoryEntry, Revision, Settings},
    connections::{ConnectionsOverview, GitProgress, RepositoryCheck},
    drift::{DriftEvent, DriftReport, Preview},
    events::{self, WorkspaceLoaded},
    workspace::{CommitSummary, WorkspaceOverview},
};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen, catch)]
    async fn tauri_listen(
        event: &str,
        handler: &Closure<dyn FnMut(JsValue)>,
    ) -> Result<JsValue, JsValue>;
}

pub type ApiResult<T> = Result<T, IpcError>;

async fn invoke<A: Serialize, R: DeserializeOwned>(cmd: &str, args: &A) -> ApiResult<R> {
    let args = serde_wasm_bindgen::to_value(args).map_err(|e| bridge_error(cmd, e))?;
    decode(cmd, tauri_invoke(cmd, args).await)
}

/// A command's answer as the shared types: its value, or the [`IpcError`] it failed with.
fn decode<R: DeserializeOwned>(cmd: &str, answer: Result<JsValue, JsValue>) -> ApiResult<R> {
    match answer {
        Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|e| bridge_error(cmd, e)),
        Err(value) => Err(serde_wasm_bindgen::from_value::<IpcError>(value.clone())
            .unwrap_or_else(|_| untyped_error(cmd, &value))),
    }
}

/// Listens for the app's lifetime: the handler is intentionally leaked, since the listeners
/// registered here feed app-wide state that lives as long as the window.
async fn listen_forever<T: DeserializeOwned + 'static>(
    event: &'static str,
    mut on_payload: impl FnMut(ApiResult<T>) + 'static,
) -> ApiResult<()> {
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |raw: JsValue| {
        let payload = js_sys::Reflect::get(&raw, &JsValue::from_str("payload"))
            .map_err(|e| untyped_error(event, &e))
            .and_then(|p| serde_wasm_bindgen::from_value(p).map_err(|e| bridge_error(event, e)));
        on_payload(payload);
    });
    tauri_listen(event, &handler)
        .await
        .map_err(|e| untyped_error(event, &e))?;
    handler.forget();
    Ok(())
}

fn bridge_error(what: &str, err: impl std::fmt::Display) -> IpcError {
    IpcError::new(
        ErrorCode::Internal,
        format!(
            "The UI and backend disagree about '{what}': {err}. Rebuild both with `cargo xtask build`."
        ),
    )
}

fn untyped_error(what: &str, value: &JsValue) -> IpcError {
    let detail = value.as_string().unwrap_or_else(|| format!("{value:?}"));
    IpcError::new(ErrorCode::Internal, format!("'{what}' failed: {detail}"))
}

#[derive(Serialize)]
struct NoArgs {}

/// Puts the window in or out of full screen (presentation mode), through Tauri's own window
/// plugin: the only core window call the capability allows.
pub async fn set_fullscreen(value: bool) -> ApiResult<()> {
    #[derive(Serialize)]
    struct Args {
        label: &'static str,
        value: bool,
    }
    invoke(
        "plugin:window|set_fullscreen",
        &Args {
            label: "main",
            value,
        },
    )
    .await
}

pub async fn app_info() -> ApiResult<AppInfo> {
    invoke(commands::APP_INFO, &NoArgs {}).await
}

pub async fn workspace_overview() -> ApiResult<WorkspaceOverview> {
    invoke(commands::WORKSPACE_OVERVIEW, &NoArgs {}).await
}

pub async fn recent_commits(limit: u32) -> ApiResult<Vec<CommitSummary>> {
    #[derive(Serialize)]
    struct Args {
        args: RecentCommitsArgs,
    }
    invoke(
        commands::RECENT_COMMITS,
        &Args {
            args: RecentCommitsArgs { limit },
        },
    )
    .await
}

pub async fn on_workspace_loaded(
    on_event: impl FnMut(ApiResult<WorkspaceLoaded>) + 'static,
) -> ApiResult<()> {
    listen_forever(events::WORKSPACE_LOADED, on_event).await
}

/// Commands take their payload under `args`, mirroring the backend's parameter name.
#[derive(Serialize)]
struct Wrapped<T> {
    args: T,
}

async fn call<A: Serialize, R: DeserializeOwned>(cmd: &str, args: A) -> ApiResult<R> {
    invoke(cmd, &Wrapped { args }).await
}

pub async fn settings() -> ApiResult<Settings> {
    invoke(commands::SETTINGS_GET, &NoArgs {}).await
}

pub async fn kube_contexts() -> ApiResult<Vec<KubeContext>> {
    invoke(commands::KUBE_CONTEXTS, &NoArgs {}).await
}

pub async fn cluster_add(id: String, context: String) -> ApiResult<Settings> {
    call(commands::CLUSTER_ADD, ClusterAddArgs { id, context }).await
}

pub async fn cluster_remove(id: String) -> ApiResult<Settings> {
    call(commands::CLUSTER_REMOVE, IdArgs { id }).await
}

pub async fn cluster_set_credential(
    id: String,
    kind: ClusterCredential,
    value: String,
) -> ApiResult<Settings> {
    call(
        commands::CLUSTER_SET_CREDENTIAL,
        ClusterCredentialArgs { id, kind, value },
    )
    .await
}

pub async fn repository_save(
    entry: RepositoryEntry,
    secret: Option<String>,
) -> ApiResult<Settings> {
    call(
        commands::REPOSITORY_SAVE,
        RepositorySaveArgs { entry, secret },
    )
    .await
}

pub async fn repository_remove(id: String) -> ApiResult<Settings> {
    call(commands::REPOSITORY_REMOVE, IdArgs { id }).await
}

pub async fn repository_test(
    entry: RepositoryEntry,
    secret: Option<String>,
    revision: Revision,
    path: String,
    operation: String,
) -> ApiResult<RepositoryCheck> {
    let args = RepositoryTestArgs {
        entry,
        secret,
        revision,
        path,
        operation,
    };
    call(commands::REPOSITORY_TEST, args).await
}

pub async fn operation_cancel(operation: String) -> ApiResult<()> {
    call(commands::OPERATION_CANCEL, OperationArgs { operation }).await
}

pub async fn application_save(entry: ApplicationEntry) -> ApiResult<Settings> {
    call(commands::APPLICATION_SAVE, ApplicationSaveArgs { entry }).await
}

pub async fn application_remove(id: String) -> ApiResult<Settings> {
    call(commands::APPLICATION_REMOVE, IdArgs { id }).await
}

pub async fn connections_overview() -> ApiResult<ConnectionsOverview> {
    invoke(commands::CONNECTIONS_OVERVIEW, &NoArgs {}).await
}

pub async fn on_connections_changed(
    on_event: impl FnMut(ApiResult<ConnectionsOverview>) + 'static,
) -> ApiResult<()> {
    listen_forever(events::CONNECTIONS_CHANGED, on_event).await
}

pub async fn on_settings_changed(
    on_event: impl FnMut(ApiResult<shipdeck_ipc::config::Settings>) + 'static,
) -> ApiResult<()> {
    listen_forever(events::SETTINGS_CHANGED, on_event).await
}

pub async fn on_git_progress(
    on_event: impl FnMut(ApiResult<GitProgress>) + 'static,
) -> ApiResult<()> {
    listen_forever(events::GIT_PROGRESS, on_event).await
}

/// The newest comparison of application `id` with its cluster; `None` until compared.
pub async fn application_drift(id: String) -> ApiResult<Option<DriftReport>> {
    call(commands::APPLICATION_DRIFT, IdArgs { id }).await
}

/// Compares application `id` at another `revision` with its cluster, leaving the application
/// as it is; cancel with [`operation_cancel`] and the same `operation`.
pub async fn application_preview(
    id: String,
    revision: String,
    operation: String,
) -> ApiResult<Preview> {
    let args = PreviewArgs {
        id,
        revision,
        operation,
    };
    call(commands::APPLICATION_PREVIEW, args).await
}

/// Adds (or with `remove`, takes away) an ignore rule of application `id`; the backend then
/// compares the application again and pushes the new state.
pub async fn application_ignore(id: String, rule: IgnoreRule, remove: bool) -> ApiResult<Settings> {
    call(
        commands::APPLICATION_IGNORE,
        IgnoreArgs { id, rule, remove },
    )
    .await
}

/// The recent drift events, newest first.
pub async fn drift_events() -> ApiResult<Vec<DriftEvent>> {
    invoke(commands::DRIFT_EVENTS, &NoArgs {}).await
}

pub async fn on_drift_detected(
    on_event: impl FnMut(ApiResult<DriftEvent>) + 'static,
) -> ApiResult<()> {
    listen_forever(events::DRIFT_DETECTED, on_event).await
}
