//! Comparing another revision of an application (a branch, tag or commit) with its cluster,
//! without changing what the application tracks: a snapshot, not updated live.

use crate::api::{self, ApiResult};
use crate::components::drift::Incomplete;
use crate::components::error_view::ErrorView;
use crate::components::resource_list::ResourceList;
use crate::components::status::{Status, StatusBadge};
use crate::components::virtual_list::KnownHeights;
use crate::format;
use crate::open_rows::OpenRows;
use crate::store::use_store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipdeck_ipc::drift::Preview;
use shipdeck_ipc::{ErrorCode, IpcError};

#[component]
pub fn PreviewPanel(app: String) -> impl IntoView {
    let store = use_store();
    let revision = RwSignal::new(String::new());
    // The operation id of the preview under way, to cancel it and match its Git progress.
    let running = RwSignal::new(None::<String>);
    let result = RwSignal::new(None::<(String, ApiResult<Preview>)>);
    let runs = StoredValue::new(0u32);
    let open = RwSignal::new(OpenRows::default());
    let heights = StoredValue::new(KnownHeights::new());

    let id = app.clone();
    let run = move || {
        if running.get_untracked().is_some() {
            return;
        }
        let wanted = revision.get_untracked().trim().to_string();
        if wanted.is_empty() {
            let error = IpcError::new(
                ErrorCode::InvalidInput,
                "Enter a branch, tag or commit of the application's repository to preview.",
            );
            result.set(Some((wanted, Err(error))));
            return;
        }
        runs.update_value(|n| *n += 1);
        // Unique across mounts of this panel: another run's id would take over its cancel.
        let operation = format!(
            "preview-{id}-{}-{}",
            runs.get_value(),
            (js_sys::Math::random() * 1e15) as u64
        );
        running.set(Some(operation.clone()));
        result.set(None);
        open.update(OpenRows::collapse_all);
        let id = id.clone();
        spawn_local(async move {
            let outcome = api::application_preview(id, wanted.clone(), operation).await;
            running.set(None);
            result.set(Some((wanted, outcome)));
        });
    };
    let run_on_enter = run.clone();
    let cancel = move |_| {
        if let Some(operation) = running.get_untracked() {
            spawn_local(async move {
                // A preview that already finished has nothing to cancel; its result stands.
                let _ = api::operation_cancel(operation).await;
            });
        }
    };
    let progress = move || {
        let operation = running.get()?;
        let transfer = store
            .git_progress
            .get()
            .filter(|p| p.operation == operation);
        Some(transfer.map_or_else(
            || "Comparing with the cluster…".to_string(),
            |p| format::transfer(&p),
        ))
    };
    let data_app = app.clone();
    view! {
        <div class="preview" data-app=data_app>
            <h4>"Preview another revision"</h4>
            <div class="preview-form">
                <input type="text" class="preview-revision" placeholder="branch, tag or commit"
                    aria-label="Revision to preview"
                    prop:value=move || revision.get()
                    on:input=move |ev| revision.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { run_on_enter() }/>
                <button class="preview-run" disabled=move || running.get().is_some() on:click=move |_| run()>
                    "Preview"
                </button>
                <Show when=move || running.get().is_some()>
                    <button class="preview-cancel" on:click=cancel>"Cancel"</button>
                </Show>
                <span class="progress preview-progress">{progress}</span>
            </div>
            {move || result.get().map(|(asked, outcome)| match outcome {
                Err(error) => view! { <ErrorView error/> }.into_any(),
                Ok(preview) => view! {
                    <PreviewResult app=app.clone() asked preview open heights close=result/>
                }
                .into_any(),
            })}
        </div>
    }
}

#[component]
fn PreviewResult(
    app: String,
    asked: String,
    preview: Preview,
    open: RwSignal<OpenRows>,
    heights: StoredValue<KnownHeights>,
    close: RwSignal<Option<(String, ApiResult<Preview>)>>,
) -> impl IntoView {
    let report = preview.report;
    let short: String = preview.commit.chars().take(7).collect();
    // Worded as the sync line words a comparison, incomplete ones included.
    let counts = shipdeck_ipc::drift::SyncSummary::of(&report, &preview.commit).detail();
    view! {
        <div class="preview-result" data-commit=preview.commit.clone()>
            <div class="preview-result-head">
                <p>
                    <strong>{asked}</strong>" resolved to commit "
                    <code class="sha" title=preview.commit.clone()>{short}</code>
                    " · "<StatusBadge status=Status::Sync(report.status())/>" "{counts}
                </p>
                <button class="preview-close" on:click=move |_| close.set(None)>"Close"</button>
            </div>
            <p class="muted">
                "A snapshot: it is not updated as the cluster changes, and the application still \
                 tracks its own revision."
            </p>
            <Incomplete what=report.incomplete/>
            <ResourceList app resources=report.resources open heights actions=false/>
        </div>
    }
}
