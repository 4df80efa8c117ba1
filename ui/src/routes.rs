//! Links into the app that carry state in the URL, so they can be followed from anywhere.

/// The Applications page showing only application `id`: where cards and drift events link.
pub fn application(id: &str) -> String {
    format!(
        "/applications?app={}",
        String::from(js_sys::encode_uri_component(id))
    )
}

/// The Timeline around deployment `deployment` (`CLUSTER/ID`, as the metrics name it), which
/// finished at `finished_at` (RFC 3339): a day around it, the deployment opened.
pub fn timeline_at(deployment: &str, finished_at: &str) -> String {
    let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
    format!(
        "/timeline?deployment={}&at={}",
        enc(deployment),
        enc(finished_at)
    )
}
