//! Keyboard shortcuts the pages listen for on the whole window, and when to leave a key alone.

/// Whether `e` is typing into a field (an input, a select, a text area): its arrow keys and
/// Escape belong to the field, not to a page's shortcuts. Modified keys are the system's.
pub fn is_for_a_field(e: &web_sys::KeyboardEvent) -> bool {
    let in_field = e
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
    in_field || e.alt_key() || e.ctrl_key() || e.meta_key()
}
