use leptos::prelude::*;

/// An honest empty state: what will appear here, and how to get it.
#[component]
pub fn EmptyState(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="empty-state">
            <h2>{title}</h2>
            <div class="empty-body">{children()}</div>
        </div>
    }
}
