//! Rendering applications' manifests over the fixtures in `tests/fixtures/manifests`: plain
//! directories, a kustomize overlay with a base, a Helm chart, and bad input of every kind.
//!
//! Kustomize and Helm tests use `SHIPDECK_KUSTOMIZE` / `SHIPDECK_HELM` (set by `cargo xtask
//! test`, which installs pinned binaries), else `PATH`. Without the binary they fail: a skipped
//! render test would look like a passing one.

use shipdeck_engine::manifests::{
    self, Error, FileError, Options, Problem, Render, RenderedObject, SourceKind, Tools,
};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/manifests")
        .join(name)
}

fn options() -> Options {
    Options::new("team", "shop")
}

fn ids(render: &Render) -> Vec<String> {
    render.objects.iter().map(|o| o.id.to_string()).collect()
}

fn object<'r>(render: &'r Render, id: &str) -> &'r RenderedObject {
    render
        .objects
        .iter()
        .find(|o| o.id.to_string() == id)
        .unwrap_or_else(|| panic!("{id} not in {:?}", ids(render)))
}

fn errors(render: &Render) -> Vec<String> {
    render.errors.iter().map(FileError::to_string).collect()
}

/// The binary the tests run: from `env` (set by `cargo xtask test`), else `PATH`.
fn tool(env: &str, program: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(env).filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    manifests::find_on_path(program).unwrap_or_else(|| {
        panic!(
            "{program} is not installed: run the tests with `cargo xtask test`, which installs a \
             pinned {program} and sets {env}, or put {program} on PATH"
        )
    })
}

fn with_kustomize() -> Options {
    options().tools(Tools::default().kustomize(tool("SHIPDECK_KUSTOMIZE", "kustomize")))
}

fn with_helm() -> Options {
    options().tools(Tools::default().helm(tool("SHIPDECK_HELM", "helm")))
}

mod plain {
    use super::*;

    #[test]
    fn renders_every_object_in_path_order_with_the_default_namespace() {
        let render = manifests::render(&fixture("plain"), &options()).unwrap();
        assert_eq!(render.kind, SourceKind::Directory);
        assert!(render.is_complete(), "{:?}", errors(&render));
        assert_eq!(
            ids(&render),
            [
                "ConfigMap/team/flags",
                "Secret/team/api-key",
                "Namespace/shop",
                "rbac.authorization.k8s.io/ClusterRole/shop-reader",
                "rbac.authorization.k8s.io/RoleBinding/monitoring/shop-reader",
                "ConfigMap/team/web-settings",
                "apps/Deployment/team/web",
                "Service/team/web",
            ],
            "README.md and the hidden .github directory are not read"
        );
    }

    #[test]
    fn objects_know_their_file_document_and_line() {
        let render = manifests::render(&fixture("plain"), &options()).unwrap();
        let source = |id| {
            let s = &object(&render, id).source;
            (
                s.path.to_str().unwrap().to_string(),
                s.document,
                s.line,
                s.item,
            )
        };
        assert_eq!(
            source("Secret/team/api-key"),
            ("list.yml".into(), 0, 1, Some(1))
        );
        assert_eq!(
            source("Namespace/shop"),
            ("namespace.yaml".into(), 0, 2, None)
        );
        assert_eq!(
            source("rbac.authorization.k8s.io/RoleBinding/monitoring/shop-reader"),
            ("rbac.yaml".into(), 1, 11, None)
        );
        assert_eq!(
            source("ConfigMap/team/web-settings"),
            ("web/config/settings.json".into(), 0, 1, None)
        );
        assert_eq!(
            source("apps/Deployment/team/web"),
            ("web/deployment.yaml".into(), 0, 3, None)
        );
        assert_eq!(
            source("Service/team/web"),
            ("web/deployment.yaml".into(), 1, 31, None)
        );
    }

    #[test]
    fn objects_hold_what_kubectl_would_send() {
        let render = manifests::render(&fixture("plain"), &options()).unwrap();
        let deployment = object(&render, "apps/Deployment/team/web");
        assert_eq!(deployment.api_version(), "apps/v1");
        assert_eq!(deployment.object["metadata"]["namespace"], "team");
        // Octal and quoted scalars read as Kubernetes reads them.
        assert_eq!(
            deployment.object["spec"]["template"]["spec"]["volumes"][0]["secret"]["defaultMode"],
            0o644
        );
        assert_eq!(
            object(&render, "ConfigMap/team/flags").object["data"]["checkout"],
            "on"
        );
        // Cluster-scoped objects carry no namespace.
        assert!(
            object(&render, "Namespace/shop").object["metadata"]
                .get("namespace")
                .is_none()
        );
    }

    #[test]
    fn a_missing_or_wrong_path_is_an_error_naming_it() {
        let err = manifests::render(&fixture("no-such-dir"), &options()).unwrap_err();
        assert!(matches!(err, Error::RootMissing { .. }));
        assert!(err.to_string().contains("no-such-dir"), "{err}");
        let err = manifests::render(&fixture("plain/namespace.yaml"), &options()).unwrap_err();
        assert!(matches!(err, Error::RootNotADirectory { .. }), "{err}");
    }
}

mod bad_input {
    use super::*;

    #[test]
    fn a_broken_file_among_good_ones_names_the_file_and_line_and_the_rest_renders() {
        let render = manifests::render(&fixture("broken"), &options()).unwrap();
        assert_eq!(
            ids(&render),
            [
                "ConfigMap/team/first",
                "ConfigMap/team/fine",
                "ConfigMap/team/last"
            ]
        );
        assert!(!render.is_complete());
        let errors: Vec<(String, Option<u64>)> = render
            .errors
            .iter()
            .map(|e| (e.path.display().to_string(), e.line()))
            .collect();
        assert_eq!(
            errors,
            [
                ("bad-syntax.yaml".into(), Some(7)),
                ("no-name.yaml".into(), Some(6)),
                ("notes.yaml".into(), Some(1)),
            ]
        );
        let messages = super::errors(&render);
        assert!(
            messages[0].starts_with("bad-syntax.yaml: line 7, column"),
            "{}",
            messages[0]
        );
        assert_eq!(
            messages[0],
            "bad-syntax.yaml: line 7, column 8: invalid YAML: illegal placement of ':' indicator"
        );
        assert!(
            messages[1]
                .starts_with("no-name.yaml: line 6 (document 2): the object has no metadata.name"),
            "{}",
            messages[1]
        );
        assert!(
            messages[2].contains("notes.yaml: line 1 (document 1): this document is a string, not a Kubernetes object"),
            "{}",
            messages[2]
        );
    }

    #[test]
    fn a_binary_file_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("ok.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("logo.yaml"),
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        )
        .unwrap();
        std::fs::write(dir.path().join("latin1.yml"), b"kind: Caf\xe9\n").unwrap();
        let render = manifests::render(dir.path(), &options()).unwrap();
        assert_eq!(ids(&render), ["ConfigMap/team/ok"]);
        assert_eq!(
            errors(&render),
            [
                "latin1.yml: line 1: the file is not UTF-8 text; save it as UTF-8 YAML or JSON",
                "logo.yaml: the file is binary (byte 8 is NUL), not YAML or JSON",
            ]
        );
    }

    #[test]
    fn a_50_mb_file_is_refused_quickly_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("app.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n",
        )
        .unwrap();
        let line = "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: x}\n";
        let huge = line.repeat(50 * 1024 * 1024 / line.len() + 1);
        std::fs::write(
            dir.path().join("huge.yaml"),
            format!("kind: List\nitems:\n{huge}"),
        )
        .unwrap();

        let started = Instant::now();
        let render = manifests::render(dir.path(), &options()).unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(ids(&render), ["ConfigMap/team/app"]);
        assert!(matches!(render.errors[0].problem, Problem::TooLarge { .. }));
        assert_eq!(
            errors(&render),
            [
                "huge.yaml: the file is 50.0 MiB and manifest files are limited to 10.0 MiB; split it, or keep generated data out of the application's path"
            ]
        );
    }

    #[test]
    fn a_large_file_under_the_limit_still_renders() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("apiVersion: v1\nkind: List\nitems:\n");
        let mut count = 0;
        while text.len() < 9 * 1024 * 1024 {
            text.push_str(&format!(
                "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {{name: cm-{count}}}\n  data: {{key: value}}\n"
            ));
            count += 1;
        }
        std::fs::write(dir.path().join("big.yaml"), text).unwrap();
        let render = manifests::render(dir.path(), &options()).unwrap();
        assert!(render.is_complete(), "{:?}", errors(&render));
        assert_eq!(render.objects.len(), count);
    }

    #[test]
    fn symbolic_links_out_of_the_application_are_not_followed() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(
            outside.path().join("secret.yaml"),
            "apiVersion: v1\nkind: Secret\nmetadata: {name: stolen}\n",
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.yaml"),
            dir.path().join("link.yaml"),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("inner")).unwrap();
        std::fs::write(
            dir.path().join("inner/cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n",
        )
        .unwrap();
        // A link inside the application is followed, and a cycle does not loop.
        std::os::unix::fs::symlink(dir.path().join("inner"), dir.path().join("again")).unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("inner/up")).unwrap();

        let render = manifests::render(dir.path(), &options()).unwrap();
        assert_eq!(ids(&render), ["ConfigMap/team/cm"]);
        assert_eq!(render.errors.len(), 1, "{:?}", errors(&render));
        assert!(matches!(
            render.errors[0].problem,
            Problem::OutsideRoot { .. }
        ));
        assert!(errors(&render)[0].starts_with("link.yaml: this symbolic link points to"));
    }
}

mod kustomize {
    use super::*;

    #[test]
    fn an_overlay_with_a_base_renders_with_the_real_kustomize() {
        let render =
            manifests::render(&fixture("kustomize/overlays/prod"), &with_kustomize()).unwrap();
        assert_eq!(
            render.kind,
            SourceKind::Kustomize {
                file: "kustomization.yaml"
            }
        );
        assert!(render.is_complete(), "{:?}", errors(&render));
        // kustomize orders its output (Services before Deployments) and applies namePrefix.
        assert_eq!(
            ids(&render),
            ["Service/team/prod-api", "apps/Deployment/team/prod-api"]
        );
        let deployment = object(&render, "apps/Deployment/team/prod-api");
        assert_eq!(
            deployment.object["spec"]["replicas"], 3,
            "the patch applied"
        );
        assert_eq!(
            deployment.object["spec"]["template"]["spec"]["containers"][0]["image"],
            "example.com/shop/api:1.4.2",
            "the images transform applied"
        );
        assert_eq!(deployment.source.path, Path::new("kustomization.yaml"));
        assert_eq!(deployment.source.document, 1);
    }

    #[test]
    fn a_failing_build_carries_kustomize_s_own_message() {
        let err = manifests::render(&fixture("kustomize-broken"), &with_kustomize()).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::Kustomize(_)), "{message}");
        assert!(message.starts_with("kustomize build "), "{message}");
        assert!(message.contains("missing-deployment.yaml"), "{message}");
    }

    #[test]
    fn a_missing_kustomize_names_what_to_install() {
        let options = options().tools(Tools::default().kustomize("/nonexistent/bin/kustomize"));
        let err = manifests::render(&fixture("kustomize/base"), &options).unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with(
                "kustomize is not installed (looked in the configured path /nonexistent/bin/kustomize)"
            ),
            "{message}"
        );
        assert!(
            message.contains("go install sigs.k8s.io/kustomize/kustomize/v5"),
            "{message}"
        );
        assert!(message.contains("`cargo xtask test` installs"), "{message}");
    }
}

mod helm {
    use super::*;

    #[test]
    fn a_chart_renders_with_helm_template() {
        let render = manifests::render(&fixture("helm/web"), &with_helm()).unwrap();
        assert_eq!(render.kind, SourceKind::Helm);
        assert!(render.is_complete(), "{:?}", errors(&render));
        assert_eq!(
            ids(&render),
            ["Service/team/shop-web", "apps/Deployment/team/shop-web"]
        );
        let deployment = object(&render, "apps/Deployment/team/shop-web");
        assert_eq!(deployment.object["spec"]["replicas"], 2);
        assert_eq!(
            deployment.source.path,
            Path::new("templates/deployment.yaml"),
            "traced to its template through Helm's `# Source:` comment"
        );
    }

    #[test]
    fn a_missing_helm_names_what_to_install() {
        let options = options().tools(Tools::default().helm("/nonexistent/bin/helm"));
        let err = manifests::render(&fixture("helm/web"), &options).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::Helm(_)), "{message}");
        assert!(message.starts_with("helm is not installed"), "{message}");
        assert!(message.contains("Install Helm 3"), "{message}");
    }
}
