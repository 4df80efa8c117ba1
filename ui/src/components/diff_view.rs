//! The YAML diff a reviewer reads before approving a sync.

use crate::diff::{self, Row};
use leptos::prelude::*;

/// A unified YAML diff, live → desired, unchanged runs folded.
#[component]
pub fn DiffView(live: String, desired: String) -> impl IntoView {
    let rows = diff::rows(&live, &desired);
    view! {
        <div class="diff" role="table">
            {rows.into_iter().map(row_view).collect_view()}
        </div>
    }
}

fn row_view(row: Row) -> AnyView {
    match row {
        Row::Same { live, desired, text } => view! {
            <div class="diff-row diff-same"><span class="ln">{live}</span><span class="ln">{desired}</span><span class="diff-text">{format!("  {text}")}</span></div>
        }
        .into_any(),
        Row::Removed { live, text } => view! {
            <div class="diff-row diff-removed"><span class="ln">{live}</span><span class="ln"></span><span class="diff-text">{format!("- {text}")}</span></div>
        }
        .into_any(),
        Row::Added { desired, text } => view! {
            <div class="diff-row diff-added"><span class="ln"></span><span class="ln">{desired}</span><span class="diff-text">{format!("+ {text}")}</span></div>
        }
        .into_any(),
        Row::Folded(hidden) => {
            let open = RwSignal::new(false);
            let count = hidden.len();
            view! {
                {move || if open.get() {
                    hidden.clone().into_iter().map(row_view).collect_view().into_any()
                } else {
                    view! {
                        <button class="diff-fold" on:click=move |_| open.set(true)>
                            {format!("⋯ {count} unchanged lines")}
                        </button>
                    }.into_any()
                }}
            }
            .into_any()
        }
    }
}
