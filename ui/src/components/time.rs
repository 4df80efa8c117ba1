use crate::format;
use crate::store::use_store;
use leptos::prelude::*;

/// A backend timestamp as "4 min ago", ageing on screen, with the exact time on hover. One the
/// UI cannot read is shown as it came.
#[component]
pub fn TimeAgo(at: String) -> impl IntoView {
    let store = use_store();
    let datetime = at.clone();
    let shown = Memo::new(move |_| format::moment(store.now.get(), &at).ok_or_else(|| at.clone()));
    view! {
        <time class="time-ago" datetime=datetime
            title=move || shown.with(|m| m.as_ref().map_or_else(Clone::clone, |m| m.exact.clone()))>
            {move || shown.with(|m| m.as_ref().map_or_else(Clone::clone, |m| m.relative.clone()))}
        </time>
    }
}
