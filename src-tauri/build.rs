// The config lives at the repository root; the app manifest lists our commands so that only
// the ones the capability file names are callable from the UI.
fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(&[
            "app_info",
            "workspace_overview",
            "recent_commits",
        ]));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
