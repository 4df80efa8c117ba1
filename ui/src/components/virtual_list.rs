//! Windowed rendering: of a long list only the items in the viewport (and a few on each side)
//! exist in the DOM, between two spacers whose heights stand for the others, so a comparison
//! of thousands of resources builds a few dozen rows.

use crate::virtual_window::{Offsets, anchor_shift};
use leptos::ev;
use leptos::html::Li;
use leptos::prelude::*;
use std::collections::HashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Items built beyond each edge of the viewport: a scroll shows built rows before the next
/// measure, and a list this short is built whole wherever it is.
const OVERSCAN: usize = 10;

/// Measured heights by item key, kept by the page: a new comparison rebuilds the list, and
/// starting again from estimates would make the scroll jump.
pub type KnownHeights = HashMap<String, f64>;

/// The items `0..count` of a list, of which only those near the viewport are built. Goes
/// inside a `<ul>` or `<ol>`: it renders `<li>` spacers around the items, and `render` must
/// give exactly one element per item (each is measured as one). `key` names an item across
/// rebuilds, for `known`.
///
/// The page itself scrolls (the window, not an inner box), so the viewport is the window's,
/// and where the list lies in it is read from the top spacer.
#[component]
pub fn VirtualList<K, R>(
    count: usize,
    /// Height assumed for an item until it is measured, in CSS pixels.
    estimate: f64,
    key: K,
    known: StoredValue<KnownHeights>,
    render: R,
) -> impl IntoView
where
    K: Fn(usize) -> String + Send + Sync + Clone + 'static,
    R: Fn(usize) -> AnyView + Send + Clone + 'static,
{
    let heights = RwSignal::new(known.with_value(|known| {
        (0..count)
            .map(|i| known.get(&key(i)).copied().unwrap_or(estimate))
            .collect::<Vec<f64>>()
    }));
    let offsets = Memo::new(move |_| heights.with(|h| Offsets::new(h)));
    // The part of the list in the window, in list coordinates. Until it is read from the
    // DOM, as if the list began at the top of the window: the first rows are built without
    // waiting for a scroll or a frame.
    let viewport = RwSignal::new((0.0, window_height()));
    let range = Memo::new(move |_| {
        let (top, bottom) = viewport.get();
        offsets.with(|o| o.visible(top, bottom, OVERSCAN))
    });
    let spacers = Memo::new(move |_| offsets.with(|o| o.spacers(&range.get())));
    let (top_spacer, bottom_spacer) = (NodeRef::<Li>::new(), NodeRef::<Li>::new());

    let read_viewport = move || {
        let Some(spacer) = top_spacer.get_untracked() else {
            return;
        };
        let top = spacer.get_bounding_client_rect().top();
        viewport.set((-top, window_height() - top));
    };
    // Records the heights of the built items; keeps the item at the top of the window in
    // place when items above it turned out taller or shorter than thought.
    let measure = move || {
        let (Some(top), Some(bottom)) = (top_spacer.get_untracked(), bottom_spacer.get_untracked())
        else {
            return;
        };
        let range = range.get_untracked();
        let Some(measured) = built_heights(&top, &bottom, range.len()) else {
            return; // not built yet: building resizes the list, and the observer measures again
        };
        let before = offsets.get_untracked();
        let changed = heights.try_maybe_update(|h| {
            let mut changed = false;
            for (i, height) in range.clone().zip(measured) {
                // Sub-pixel noise would otherwise re-render on every frame.
                if (h[i] - height).abs() >= 0.5 {
                    h[i] = height;
                    changed = true;
                }
            }
            (changed, changed)
        });
        if changed != Some(true) {
            return;
        }
        known.update_value(|known| {
            heights.with_untracked(|h| {
                for i in range {
                    known.insert(key(i), h[i]);
                }
            })
        });
        let shift = anchor_shift(
            &before,
            &offsets.get_untracked(),
            viewport.get_untracked().0,
        );
        if shift.abs() >= 0.5 {
            window().scroll_by_with_x_and_y(0.0, shift);
        }
    };
    // One measure per frame, after the DOM has taken the latest range.
    let pending = StoredValue::new(false);
    let schedule = move || {
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        let measure = measure.clone();
        request_animation_frame(move || {
            // The list may be gone by the next frame.
            if pending.try_update_value(|p| *p = false).is_none() {
                return;
            }
            measure();
            read_viewport();
        });
    };
    let on_range = schedule.clone();
    Effect::new(move || {
        range.track();
        on_range();
    });

    // A row opening its diff, the window narrowing, or content above the list changing
    // resizes the list or one of its ancestors: observing those (rather than every row)
    // catches all of them with a fixed set of targets.
    let resized = Closure::<dyn FnMut()>::new(schedule.clone()).into_js_value();
    let observer =
        StoredValue::new_local(web_sys::ResizeObserver::new(resized.unchecked_ref()).ok());
    Effect::new(move || {
        let Some(spacer) = top_spacer.get() else {
            return;
        };
        observer.with_value(|observer| {
            let Some(observer) = observer else { return };
            let mut at = spacer.parent_element();
            while let Some(element) = at {
                if element.tag_name().eq_ignore_ascii_case("body") {
                    break;
                }
                observer.observe(&element);
                at = element.parent_element();
            }
        });
    });
    let scrolled = window_event_listener(ev::scroll, move |_| read_viewport());
    let resized_window = window_event_listener(ev::resize, move |_| {
        read_viewport();
        schedule();
    });
    on_cleanup(move || {
        scrolled.remove();
        resized_window.remove();
        observer.with_value(|observer| {
            if let Some(observer) = observer {
                observer.disconnect();
            }
        });
    });

    view! {
        <li class="virtual-spacer" aria-hidden="true" node_ref=top_spacer
            style:height=move || format!("{}px", spacers.get().0)></li>
        <For each=move || range.get() key=|i| *i children=move |i| render(i)/>
        <li class="virtual-spacer" aria-hidden="true" node_ref=bottom_spacer
            style:height=move || format!("{}px", spacers.get().1)></li>
    }
}

/// The heights of the `count` elements between the spacers, or `None` when there are not
/// exactly that many.
fn built_heights(
    top: &web_sys::Element,
    bottom: &web_sys::Element,
    count: usize,
) -> Option<Vec<f64>> {
    let mut heights = Vec::with_capacity(count);
    let mut at = top.next_element_sibling();
    while let Some(element) = at {
        if element == *bottom {
            return (heights.len() == count).then_some(heights);
        }
        heights.push(element.get_bounding_client_rect().height());
        at = element.next_element_sibling();
    }
    None
}

fn window_height() -> f64 {
    window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0)
}
