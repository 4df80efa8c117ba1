use crate::components::error_view::ErrorView;
use crate::components::ignore_rules::RuleChange;
use crate::store::use_store;
use leptos::prelude::*;
use shipdeck_ipc::config::IgnoreRule;
use shipdeck_ipc::drift::FieldChange;

/// The resource a change list belongs to, when its changes may become ignore rules.
#[derive(Clone)]
pub struct IgnoreTarget {
    pub app: String,
    pub kind: String,
}

/// What a sync would change, field by field: live → after sync, and who changed the live
/// field. With a target, each change can be turned into an ignore rule of its application.
#[component]
pub fn ChangeList(changes: Vec<FieldChange>, ignore: Option<IgnoreTarget>) -> impl IntoView {
    let store = use_store();
    let change = RuleChange::idle();
    let editable = ignore.is_some();
    view! {
        <table class="drift-changes">
            <thead>
                <tr>
                    <th>"Field"</th><th>"Live"</th><th>"After sync"</th><th>"Changed by"</th>
                    {editable.then(|| view! { <th><span class="visually-hidden">"Ignore"</span></th> })}
                </tr>
            </thead>
            <tbody>
                {changes.into_iter().map(|c| {
                    let show = |v: Option<serde_json::Value>| crate::format::field_value(v.as_ref());
                    let actions = ignore.clone().map(|target| {
                        let field = IgnoreRule::Pointer { pointer: c.path.clone(), kind: Some(target.kind.clone()) };
                        // Ignoring a manager that edits by hand would hide every hand edit: the
                        // engine refuses it, so it is not offered.
                        let by_hand = |m: &str| store.drift_settings.with_untracked(|d| d.is_manual(m));
                        let manager = c.manager.clone()
                            .filter(|m| !by_hand(m))
                            .map(|m| (m.clone(), IgnoreRule::Manager { manager: m }));
                        let app = target.app.clone();
                        view! {
                            <td class="ignore-actions">
                                <button class="ignore-field" disabled=move || change.pending.get()
                                    title=format!("Stop counting {} in every {} of this application", c.path, target.kind)
                                    on:click={
                                        let app = app.clone();
                                        move |_| change.run(store, app.clone(), field.clone(), false)
                                    }>
                                    "Ignore field"
                                </button>
                                {manager.map(|(name, rule)| view! {
                                    <button class="ignore-manager" disabled=move || change.pending.get()
                                        on:click=move |_| change.run(store, app.clone(), rule.clone(), false)>
                                        {format!("Ignore fields owned by {name}")}
                                    </button>
                                })}
                            </td>
                        }
                    });
                    view! {
                        <tr class="drift-change" data-path=c.path.clone()>
                            <td><code>{c.path.clone()}</code></td>
                            <td><code>{show(c.live)}</code></td>
                            <td><code>{show(c.desired)}</code></td>
                            <td>{c.manager.unwrap_or_default()}</td>
                            {actions}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {move || change.error.get().map(|error| view! { <ErrorView error/> })}
    }
}
