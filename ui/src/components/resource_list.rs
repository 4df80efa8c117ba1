use crate::components::drift::ResourceRow;
use crate::components::virtual_list::{KnownHeights, VirtualList};
use crate::open_rows::OpenRows;
use crate::resource_groups::{self, Item, KindGroup};
use leptos::prelude::*;
use shipdeck_ipc::drift::ResourceDrift;

/// A folded resource row or a kind heading, in CSS pixels, until measured: one line of text
/// with its padding and border.
const ROW_ESTIMATE: f64 = 42.0;

/// The resources of one comparison, grouped by kind. Only the rows near the viewport are
/// built (a row's diff only once it is opened), so thousands of resources stay responsive; a
/// row scrolled out and back in is built again, open if it was (`open` outlives it).
///
/// `actions` gives each row its sync checkbox and its changes their ignore buttons; a preview
/// of another revision has neither. `heights` keeps measured rows across comparisons.
#[component]
pub fn ResourceList(
    app: String,
    resources: Vec<ResourceDrift>,
    open: RwSignal<OpenRows>,
    heights: StoredValue<KnownHeights>,
    actions: bool,
) -> impl IntoView {
    let total = resources.len();
    if total == 0 {
        return view! { <p class="muted drift-empty">"No resources."</p> }.into_any();
    }
    let groups = resource_groups::by_kind(&resources);
    let items = resource_groups::items(&groups);
    let count = items.len();
    let (groups, items) = (StoredValue::new(groups), StoredValue::new(items));
    let resources = StoredValue::new(resources);
    let key = move |i: usize| match items.with_value(|items| items[i]) {
        Item::Heading(g) => {
            groups.with_value(|groups| format!("kind {}/{}", groups[g].group, groups[g].kind))
        }
        Item::Row(r) => resources.with_value(|resources| resources[r].id()),
    };
    let render = move |i: usize| match items.with_value(|items| items[i]) {
        Item::Heading(g) => groups.with_value(|groups| kind_heading(&groups[g], i == 0)),
        Item::Row(r) => {
            let resource = resources.with_value(|resources| resources[r].clone());
            view! { <ResourceRow app=app.clone() resource open actions/> }.into_any()
        }
    };
    view! {
        <ul class="drift-resources" data-total=total>
            <VirtualList count estimate=ROW_ESTIMATE key known=heights render/>
        </ul>
    }
    .into_any()
}

/// `first`: the list's first line, which the list's own border and rounded corners frame.
fn kind_heading(group: &KindGroup, first: bool) -> AnyView {
    let api = (!group.group.is_empty()).then(|| group.group.clone());
    view! {
        <li class="kind-heading" class:kind-heading-first=first data-kind=group.kind.clone()>
            <span class="kind-name">{group.kind.clone()}</span>
            {api.map(|api| view! { <span class="muted kind-api">{api}</span> })}
            <span class="kind-counts">{group.counts()}</span>
        </li>
    }
    .into_any()
}
