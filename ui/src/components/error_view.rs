use leptos::prelude::*;
use shipdeck_ipc::{ErrorCode, IpcError};

/// Shows a command error the way every page does: what failed, and the backend's advice.
#[component]
pub fn ErrorView(error: IpcError) -> impl IntoView {
    let title = match error.code {
        ErrorCode::NotFound => "Nothing to show yet",
        ErrorCode::InvalidInput => "That input was rejected",
        ErrorCode::Git => "Git operation failed",
        ErrorCode::Cluster => "The cluster could not be reached",
        ErrorCode::Keyring => "The OS keyring is not available",
        ErrorCode::Cancelled => "Cancelled",
        ErrorCode::Io => "Could not read or write local files",
        ErrorCode::Internal => "Something went wrong inside Shipdeck",
    };
    view! {
        <div class="error-view" role="alert" data-code=format!("{:?}", error.code)>
            <strong>{title}</strong>
            <p>{error.message}</p>
        </div>
    }
}

/// An operation the engine would not start, under the caller's title: a refusal comes with the
/// code of the layer that refused (often `cluster`), whose generic title would mislead.
#[component]
pub fn Refusal(id: &'static str, title: &'static str, error: IpcError) -> impl IntoView {
    view! {
        <div class="error-view refusal" id=id role="alert" data-code=format!("{:?}", error.code)>
            <strong>{title}</strong>
            <p>{error.message}</p>
        </div>
    }
}
