//! The YAML diff a reviewer reads before approving a sync: unified or side by side, word
//! highlights in changed lines, unchanged runs folded, long diffs shown a page at a time.
//! The rows come from [`crate::diff`]; this file only renders them.

use crate::diff::{self, Diff, Layout, Line, Row, Span};
use leptos::prelude::*;
use std::sync::Arc;
use web_sys::{Storage, window};

const KEY: &str = "shipdeck.diff-layout";

thread_local! {
    // One layout for every diff on screen: switching one switches them all.
    static LAYOUT: ArcRwSignal<Layout> = ArcRwSignal::new(load());
}

fn storage() -> Option<Storage> {
    window().and_then(|w| w.local_storage().ok().flatten())
}

fn load() -> Layout {
    storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|id| Layout::from_id(&id))
        .unwrap_or(Layout::Unified)
}

fn save(layout: Layout) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(KEY, layout.id());
    }
}

/// What the two sides of a diff are, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sides {
    pub from: String,
    pub to: String,
}

impl Default for Sides {
    fn default() -> Self {
        Sides {
            from: "Live".into(),
            to: "After sync".into(),
        }
    }
}

/// A YAML diff from `live` to `desired` (after sync, unless `sides` names them otherwise),
/// with the layout switch above it.
#[component]
pub fn DiffView(live: String, desired: String, #[prop(optional)] sides: Sides) -> impl IntoView {
    let layout = RwSignal::from(LAYOUT.with(ArcRwSignal::clone));
    let diff = Diff::new(&live, &desired);
    view! {
        <div class="diff-view">
            <div class="diff-mode" role="group" aria-label="Diff layout">
                {Layout::ALL.map(|choice| view! {
                    <button data-mode=choice.id()
                        aria-pressed=move || (layout.get() == choice).to_string()
                        on:click=move |_| {
                            save(choice);
                            layout.set(choice);
                        }>
                        {choice.label()}
                    </button>
                }).collect_view()}
            </div>
            {move || {
                let layout = layout.get();
                let rows = Arc::new(diff.rows(layout));
                view! {
                    <div class="diff" role="table" data-layout=layout.id()
                        aria-label=format!("Changes, {} to {}", sides.from, sides.to)>
                        {head(layout, &sides)}
                        {rows_view(rows, layout)}
                    </div>
                }
            }}
        </div>
    }
}

fn head(layout: Layout, sides: &Sides) -> AnyView {
    match layout {
        Layout::Unified => view! {
            <div class="diff-head" role="row">
                <span role="columnheader">{format!("{} → {}: - removed, + added", sides.from, sides.to)}</span>
            </div>
        }
        .into_any(),
        Layout::Split => view! {
            <div class="diff-head" role="row">
                <span role="columnheader">{sides.from.clone()}</span>
                <span role="columnheader">{sides.to.clone()}</span>
            </div>
        }
        .into_any(),
    }
}

/// `rows` a page at a time. Pages are keyed by their first row, so showing more appends
/// rows and leaves those already shown (and their expanded folds) alone.
fn rows_view(rows: Arc<Vec<Row>>, layout: Layout) -> AnyView {
    let total = rows.len();
    let pages = RwSignal::new(1usize);
    view! {
        <For each=move || diff::pages(total, pages.get())
            key=|range| range.start
            children=move |range| rows[range].iter().map(|row| row_view(row, layout)).collect_view()/>
        {move || {
            let left = diff::not_shown(total, pages.get());
            (left > 0).then(|| view! {
                <div class="diff-more-row" role="row">
                    <span role="cell">
                        <button class="diff-more" data-left=left on:click=move |_| pages.update(|p| *p += 1)>
                            {format!("Show {} more lines ({left} not shown)", left.min(diff::PAGE))}
                        </button>
                    </span>
                </div>
            })
        }}
    }
    .into_any()
}

fn row_view(row: &Row, layout: Layout) -> AnyView {
    match row {
        Row::Same {
            live,
            desired,
            text,
        } => match layout {
            Layout::Unified => view! {
                <div class="diff-row diff-same" role="row">
                    <span class="ln" role="cell">{*live}</span>
                    <span class="ln" role="cell">{*desired}</span>
                    <span class="diff-text" role="cell">{marker("  ")}{text.clone()}</span>
                </div>
            }
            .into_any(),
            Layout::Split => view! {
                <div class="diff-row diff-same" role="row">
                    <span class="diff-side" role="cell">
                        <span class="ln">{*live}</span>
                        <span class="diff-text">{text.clone()}</span>
                    </span>
                    <span class="diff-side" role="cell">
                        <span class="ln">{*desired}</span>
                        <span class="diff-text">{text.clone()}</span>
                    </span>
                </div>
            }
            .into_any(),
        },
        Row::Removed(line) => view! {
            <div class="diff-row diff-removed" role="row">
                <span class="ln" role="cell">{line.number}</span>
                <span class="ln" role="cell"></span>
                <span class="diff-text" role="cell">{marker("- ")}{spans(&line.spans)}</span>
            </div>
        }
        .into_any(),
        Row::Added(line) => view! {
            <div class="diff-row diff-added" role="row">
                <span class="ln" role="cell"></span>
                <span class="ln" role="cell">{line.number}</span>
                <span class="diff-text" role="cell">{marker("+ ")}{spans(&line.spans)}</span>
            </div>
        }
        .into_any(),
        Row::Changed { live, desired } => view! {
            <div class="diff-row diff-changed" role="row">
                {side(live.as_ref(), "diff-removed", "- ")}
                {side(desired.as_ref(), "diff-added", "+ ")}
            </div>
        }
        .into_any(),
        Row::Folded(hidden) => fold_view(Arc::new(hidden.clone()), layout),
    }
}

/// One half of a split row; an empty half where the other side has no counterpart.
fn side(line: Option<&Line>, class: &'static str, sign: &'static str) -> AnyView {
    match line {
        Some(line) => view! {
            <span class=format!("diff-side {class}") role="cell">
                <span class="ln">{line.number}</span>
                <span class="diff-text">{marker(sign)}{spans(&line.spans)}</span>
            </span>
        }
        .into_any(),
        None => view! { <span class="diff-side diff-empty" role="cell"></span> }.into_any(),
    }
}

/// The `- `/`+ ` in front of a line, left out when the text is copied.
fn marker(sign: &'static str) -> impl IntoView {
    view! { <span class="diff-marker">{sign}</span> }
}

fn spans(spans: &[Span]) -> AnyView {
    spans
        .iter()
        .map(|span| {
            if span.emphasised {
                view! { <mark class="diff-word">{span.text.clone()}</mark> }.into_any()
            } else {
                span.text.clone().into_any()
            }
        })
        .collect_view()
        .into_any()
}

fn fold_view(hidden: Arc<Vec<Row>>, layout: Layout) -> AnyView {
    let open = RwSignal::new(false);
    let count = hidden.len();
    view! {
        {move || if open.get() {
            rows_view(hidden.clone(), layout)
        } else {
            view! {
                <div class="diff-fold-row" role="row">
                    <span role="cell">
                        <button class="diff-fold" data-hidden=count on:click=move |_| open.set(true)>
                            {format!("⋯ {count} unchanged lines")}
                        </button>
                    </span>
                </div>
            }
            .into_any()
        }}
    }
    .into_any()
}
