use crate::components::drift::ResourceRow;
use crate::open_rows::OpenRows;
use crate::resource_groups::{self, Item, KindGroup, PAGE_SIZE};
use leptos::prelude::*;
use shipdeck_ipc::drift::ResourceDrift;

/// The resources of one comparison, grouped by kind, built one page at a time: a row is only
/// created once its page is shown, and its diff only once it is opened. Pages are keyed, so
/// "Show more" adds rows without rebuilding (or folding) the ones above.
///
/// `actions` gives each row its sync checkbox and its changes their ignore buttons; a preview
/// of another revision has neither.
#[component]
pub fn ResourceList(
    app: String,
    resources: Vec<ResourceDrift>,
    open: RwSignal<OpenRows>,
    pages: RwSignal<usize>,
    actions: bool,
) -> impl IntoView {
    let total = resources.len();
    if total == 0 {
        return view! { <p class="muted drift-empty">"No resources."</p> }.into_any();
    }
    let page_count = resource_groups::page_count(total, PAGE_SIZE);
    let groups = StoredValue::new(resource_groups::by_kind(&resources));
    let resources = StoredValue::new(resources);
    // A new comparison may have fewer resources than pages were shown.
    let shown_pages = move || pages.get().clamp(1, page_count);
    let shown = move || (shown_pages() * PAGE_SIZE).min(total);
    view! {
        <ul class="drift-resources" data-total=total>
            <For each=move || 0..shown_pages() key=|page| *page children=move |page| {
                let items = groups.with_value(|g| resource_groups::page(g, page, PAGE_SIZE));
                let app = app.clone();
                items.into_iter().map(|item| match item {
                    Item::Heading(g) => groups.with_value(|groups| kind_heading(&groups[g])),
                    Item::Row(i) => {
                        let resource = resources.with_value(|r| r[i].clone());
                        view! { <ResourceRow app=app.clone() resource open actions/> }.into_any()
                    }
                }).collect_view()
            }/>
        </ul>
        {move || (shown() < total).then(|| {
            let next = (total - shown()).min(PAGE_SIZE);
            view! {
                <button class="drift-more" on:click=move |_| pages.set(shown_pages() + 1)>
                    {format!("Show {next} more ({} of {total} shown)", shown())}
                </button>
            }
        })}
    }
    .into_any()
}

fn kind_heading(group: &KindGroup) -> AnyView {
    let api = (!group.group.is_empty()).then(|| group.group.clone());
    view! {
        <li class="kind-heading" data-kind=group.kind.clone()>
            <span class="kind-name">{group.kind.clone()}</span>
            {api.map(|api| view! { <span class="muted kind-api">{api}</span> })}
            <span class="kind-counts">{group.counts()}</span>
        </li>
    }
    .into_any()
}
