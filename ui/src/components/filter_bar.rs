use crate::filter::{AppFilter, parse_status};
use crate::store::use_store;
use leptos::prelude::*;
use shipdeck_ipc::SyncStatus;

/// Search, cluster and status filters. The filter lives in the store, so the Overview and the
/// All-drift page narrow the same way.
#[component]
pub fn FilterBar() -> impl IntoView {
    let store = use_store();
    let filter = store.filter;
    // Clusters configured, then any an application names that is not (yet).
    let clusters = Memo::new(move |_| {
        store.connections.with(|c| {
            let Some(Ok(o)) = c else { return Vec::new() };
            let mut ids: Vec<String> = o.clusters.iter().map(|c| c.id.clone()).collect();
            for a in &o.applications {
                if !ids.contains(&a.app.cluster) {
                    ids.push(a.app.cluster.clone());
                }
            }
            ids
        })
    });
    view! {
        <div class="filter-bar" role="search">
            <input id="filter-search" type="search" placeholder="Search applications, repositories, paths, namespaces"
                aria-label="Search applications"
                prop:value=move || filter.with(|f| f.search.clone())
                on:input=move |ev| filter.update(|f| f.search = event_target_value(&ev))/>
            <select id="filter-cluster" aria-label="Cluster"
                on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    filter.update(|f| f.cluster = (!chosen.is_empty()).then_some(chosen));
                }>
                <option value="" selected=move || filter.with(|f| f.cluster.is_none())>"All clusters"</option>
                {move || clusters.get().into_iter().map(|id| {
                    let (current, value) = (id.clone(), id.clone());
                    view! {
                        <option value=value selected=move || filter.with(|f| f.cluster.as_ref() == Some(&current))>{id}</option>
                    }
                }).collect_view()}
            </select>
            <select id="filter-status" aria-label="Sync status"
                on:change=move |ev| filter.update(|f| f.status = parse_status(&event_target_value(&ev)))>
                <option value="" selected=move || filter.with(|f| f.status.is_none())>"Any status"</option>
                {SyncStatus::ALL.into_iter().map(|s| view! {
                    <option value=s.label() selected=move || filter.with(|f| f.status == Some(s))>{s.label()}</option>
                }).collect_view()}
            </select>
            <Show when=move || filter.with(AppFilter::is_active)>
                <button id="filter-clear" on:click=move |_| filter.set(AppFilter::default())>"Clear filter"</button>
            </Show>
        </div>
    }
}
