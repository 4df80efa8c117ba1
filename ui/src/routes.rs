//! Links into the app that carry state in the URL, so they can be followed from anywhere.

/// The Applications page showing only application `id`: where cards and drift events link.
pub fn application(id: &str) -> String {
    format!(
        "/applications?app={}",
        String::from(js_sys::encode_uri_component(id))
    )
}
