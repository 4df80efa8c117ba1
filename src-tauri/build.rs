// The config lives at the repository root; the app manifest lists our commands so that only
// the ones the capability file names are callable from the UI.
fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(&[
            "app_info",
            "workspace_overview",
            "recent_commits",
            "settings_get",
            "kube_contexts",
            "cluster_add",
            "cluster_remove",
            "cluster_set_credential",
            "repository_save",
            "repository_remove",
            "repository_test",
            "operation_cancel",
            "application_save",
            "application_remove",
            "connections_overview",
            "application_drift",
            "application_preview",
            "application_ignore",
            "drift_events",
            "application_sync",
            "prune_candidates",
            "deployments",
            "rollback_preview",
            "application_rollback",
            "application_kill_switch",
            "application_sync_policy",
            "application_undo",
            "application_sync_switch",
            "dora_metrics",
            "history_import",
            "history_export",
            "dora_charts",
            "dora_chart_export",
            "dora_behind",
            "timeline",
            "deployment_diff",
            "deployment_incident",
        ]));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
