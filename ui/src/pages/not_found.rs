use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page" id="page-not-found">
            <h1>"Page not found"</h1>
            <p><A href="/">"Back to the Overview"</A></p>
        </section>
    }
}
