//! Syncs, rollbacks, the kill switch, undo and deployment history. The four commands that
//! deploy stream [`SyncProgress`] through a Tauri `Channel` passed as their `onProgress`
//! argument.

use super::{ApiResult, bridge_error, call, tauri_invoke, untyped_error};
use serde::{Serialize, de::DeserializeOwned};
use shipdeck_ipc::commands::{
    self, IdArgs, KillSwitchArgs, RollbackArgs, RollbackPreviewArgs, SyncArgs, SyncPolicyArgs,
    UndoArgs,
};
use shipdeck_ipc::config::{Settings, SyncPolicy};
use shipdeck_ipc::deploy::{Deployment, ResourceRef, RollbackPreview, SyncProgress, SyncRequest};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Syncs `request`; cancel with [`super::operation_cancel`] and the same `operation`.
pub async fn application_sync(
    request: SyncRequest,
    operation: String,
    on_progress: impl FnMut(SyncProgress) + 'static,
) -> ApiResult<Deployment> {
    let args = SyncArgs { request, operation };
    invoke_streaming(commands::APPLICATION_SYNC, args, on_progress).await
}

/// Rolls application `app` back to deployment `to` (the last known good one when `None`).
pub async fn application_rollback(
    app: String,
    to: Option<String>,
    operation: String,
    on_progress: impl FnMut(SyncProgress) + 'static,
) -> ApiResult<Deployment> {
    let args = RollbackArgs { app, to, operation };
    invoke_streaming(commands::APPLICATION_ROLLBACK, args, on_progress).await
}

/// Pauses auto-sync and self-heal of `app`, then rolls it back to the last known good one.
pub async fn application_kill_switch(
    app: String,
    operation: String,
    on_progress: impl FnMut(SyncProgress) + 'static,
) -> ApiResult<Deployment> {
    // The engine chooses the last known good deployment itself, under the lease.
    let args = KillSwitchArgs {
        app,
        to: None,
        operation,
    };
    invoke_streaming(commands::APPLICATION_KILL_SWITCH, args, on_progress).await
}

/// Undoes Deployment `namespace/name` of application `app` to its previous ReplicaSet revision,
/// as `kubectl rollout undo` does; no Git.
pub async fn application_undo(
    app: String,
    namespace: String,
    name: String,
    operation: String,
    on_progress: impl FnMut(SyncProgress) + 'static,
) -> ApiResult<Deployment> {
    let args = UndoArgs {
        app,
        namespace,
        name,
        operation,
    };
    invoke_streaming(commands::APPLICATION_UNDO, args, on_progress).await
}

/// What a sync of application `id` with prune would delete now.
pub async fn prune_candidates(id: String) -> ApiResult<Vec<ResourceRef>> {
    call(commands::PRUNE_CANDIDATES, IdArgs { id }).await
}

/// Every deployment of application `id`, newest first.
pub async fn deployments(id: String) -> ApiResult<Vec<Deployment>> {
    call(commands::DEPLOYMENTS, IdArgs { id }).await
}

pub async fn rollback_preview(app: String, to: Option<String>) -> ApiResult<RollbackPreview> {
    call(commands::ROLLBACK_PREVIEW, RollbackPreviewArgs { app, to }).await
}

/// Turns one sync switch of application `id` on or off; the others stay as stored.
pub async fn application_sync_switch(
    id: String,
    switch: shipdeck_ipc::commands::SyncSwitch,
    on: bool,
) -> ApiResult<Settings> {
    call(
        commands::APPLICATION_SYNC_SWITCH,
        shipdeck_ipc::commands::SyncSwitchArgs { id, switch, on },
    )
    .await
}

pub async fn application_sync_policy(id: String, policy: SyncPolicy) -> ApiResult<Settings> {
    call(
        commands::APPLICATION_SYNC_POLICY,
        SyncPolicyArgs { id, policy },
    )
    .await
}

type Handler = Closure<dyn FnMut(JsValue)>;

/// Invokes `cmd` with `{ args, onProgress }`, `onProgress` being a new Tauri `Channel` whose
/// messages go to `on_progress` in order.
///
/// The channel's messages and the command's answer travel separately (a large message is
/// fetched, not pushed), so the last message can arrive after the answer. The handler is
/// therefore kept until both the answer and the `finished` message are in, then dropped; a
/// command that failed sends no `finished`, and its handler goes with the answer.
async fn invoke_streaming<A: Serialize, R: DeserializeOwned>(
    cmd: &'static str,
    args: A,
    mut on_progress: impl FnMut(SyncProgress) + 'static,
) -> ApiResult<R> {
    let channel = new_channel().map_err(|e| untyped_error(cmd, &e))?;
    let slot: Rc<RefCell<Option<Handler>>> = Rc::default();
    let answered = Rc::new(Cell::new(false));
    let finished = Rc::new(Cell::new(false));
    let handler = {
        let (slot, answered, finished) = (slot.clone(), answered.clone(), finished.clone());
        Handler::new(move |raw: JsValue| {
            let message = match serde_wasm_bindgen::from_value::<SyncProgress>(raw) {
                Ok(message) => message,
                Err(e) => {
                    // The command's answer still says how it ended.
                    leptos::logging::error!("{}", bridge_error(cmd, e));
                    return;
                }
            };
            let last = matches!(message, SyncProgress::Finished { .. });
            on_progress(message);
            if last {
                finished.set(true);
                if answered.get() {
                    release_later(&slot);
                }
            }
        })
    };
    js_sys::Reflect::set(&channel, &"onmessage".into(), handler.as_ref())
        .map_err(|e| untyped_error(cmd, &e))?;
    *slot.borrow_mut() = Some(handler);

    let payload = js_sys::Object::new();
    let args = serde_wasm_bindgen::to_value(&args).map_err(|e| bridge_error(cmd, e))?;
    js_sys::Reflect::set(&payload, &"args".into(), &args).map_err(|e| untyped_error(cmd, &e))?;
    js_sys::Reflect::set(&payload, &"onProgress".into(), &channel)
        .map_err(|e| untyped_error(cmd, &e))?;
    let answer = tauri_invoke(cmd, payload.into()).await;
    answered.set(true);
    let result = super::decode(cmd, answer);
    if result.is_err() || finished.get() {
        let handler = slot.borrow_mut().take();
        drop(handler);
    }
    result
}

/// Drops the handler once the call that runs it has returned: a closure must not be dropped
/// while it runs.
fn release_later(slot: &Rc<RefCell<Option<Handler>>>) {
    let slot = slot.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let handler = slot.borrow_mut().take();
        drop(handler);
    });
}

/// `new window.__TAURI__.core.Channel()`, looked up when called like `invoke` is.
fn new_channel() -> Result<JsValue, JsValue> {
    let mut at: JsValue = js_sys::global().into();
    for name in ["__TAURI__", "core", "Channel"] {
        at = js_sys::Reflect::get(&at, &name.into())?;
    }
    let constructor: js_sys::Function = at
        .dyn_into()
        .map_err(|_| JsValue::from_str("window.__TAURI__.core.Channel is not available"))?;
    js_sys::Reflect::construct(&constructor, &js_sys::Array::new())
}
