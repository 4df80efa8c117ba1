//! Rendering applications' manifests over the fixtures in `tests/fixtures/manifests`: plain
//! directories, kustomize overlays sharing a base, Helm charts with local dependencies and
//! values, bad input of every kind, and external tools that hang or leave processes behind.
//!
//! A render reads an application's path inside a repository tree: most tests take the fixtures
//! directory as the tree, some a single fixture, and a few a temporary directory.
//!
//! Kustomize and Helm tests use `SHIPDECK_KUSTOMIZE` / `SHIPDECK_HELM` (set by `cargo xtask
//! test`, which installs pinned binaries), else `PATH`. Without the binary they fail: a skipped
//! render test would look like a passing one.

use shipdeck_engine::manifests::{
    self, Error, FileError, HelmError, HelmOptions, KustomizeError, Options, Problem, Render,
    RenderedObject, SourceKind, ToolError, Tools,
};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/manifests")
}

fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

/// Renders `app` inside the fixtures directory, taken as the repository tree.
async fn render(app: &str, options: &Options) -> Result<Render, Error> {
    manifests::render(&fixtures(), app, options).await
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

    #[tokio::test]
    async fn renders_every_object_in_path_order_with_the_default_namespace() {
        let render = render("plain", &options()).await.unwrap();
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

    #[tokio::test]
    async fn objects_know_their_file_document_and_line() {
        let render = render("plain", &options()).await.unwrap();
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

    #[tokio::test]
    async fn objects_hold_what_kubectl_would_send() {
        let render = render("plain", &options()).await.unwrap();
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

    #[tokio::test]
    async fn a_missing_or_wrong_path_is_an_error_naming_it() {
        let err = render("no-such-dir", &options()).await.unwrap_err();
        assert!(matches!(err, Error::RootMissing { .. }));
        assert!(err.to_string().contains("no-such-dir"), "{err}");
        let err = render("plain/namespace.yaml", &options())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::RootNotADirectory { .. }), "{err}");
    }
}

mod bad_input {
    use super::*;

    #[tokio::test]
    async fn a_broken_file_among_good_ones_names_the_file_and_line_and_the_rest_renders() {
        let render = render("broken", &options()).await.unwrap();
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

    #[tokio::test]
    async fn a_binary_file_is_named_as_such() {
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
        let render = manifests::render(dir.path(), "", &options()).await.unwrap();
        assert_eq!(ids(&render), ["ConfigMap/team/ok"]);
        assert_eq!(
            errors(&render),
            [
                "latin1.yml: line 1: the file is not UTF-8 text; save it as UTF-8 YAML or JSON",
                "logo.yaml: the file is binary (byte 8 is NUL), not YAML or JSON",
            ]
        );
    }

    #[tokio::test]
    async fn a_50_mb_file_is_refused_quickly_without_reading_it() {
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
        let render = manifests::render(dir.path(), "", &options()).await.unwrap();
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

    #[tokio::test]
    async fn a_large_file_under_the_limit_still_renders() {
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
        let render = manifests::render(dir.path(), "", &options()).await.unwrap();
        assert!(render.is_complete(), "{:?}", errors(&render));
        assert_eq!(render.objects.len(), count);
    }

    #[tokio::test]
    async fn symbolic_links_out_of_the_application_are_not_followed() {
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

        let render = manifests::render(dir.path(), "", &options()).await.unwrap();
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

    #[tokio::test]
    async fn an_overlay_with_a_base_renders_with_the_real_kustomize() {
        let render = manifests::render(&fixture("kustomize"), "overlays/prod", &with_kustomize())
            .await
            .unwrap();
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

    #[tokio::test]
    async fn a_failing_build_carries_kustomize_s_own_message() {
        let err = render("kustomize-broken", &with_kustomize())
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::Kustomize(_)), "{message}");
        assert!(message.starts_with("kustomize build "), "{message}");
        assert!(message.contains("missing-deployment.yaml"), "{message}");
    }

    #[tokio::test]
    async fn a_missing_kustomize_names_what_to_install() {
        let options = options().tools(Tools::default().kustomize("/nonexistent/bin/kustomize"));
        let err = render("kustomize/base", &options).await.unwrap_err();
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

    #[tokio::test]
    async fn a_chart_renders_with_helm_template() {
        let render = render("helm/web", &with_helm()).await.unwrap();
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

    #[tokio::test]
    async fn a_missing_helm_names_what_to_install() {
        let options = options().tools(Tools::default().helm("/nonexistent/bin/helm"));
        let err = render("helm/web", &options).await.unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::Helm(_)), "{message}");
        assert!(message.starts_with("helm is not installed"), "{message}");
        assert!(message.contains("Install Helm 3"), "{message}");
    }
}

mod whole_tree {
    use super::*;

    #[tokio::test]
    async fn a_plain_directory_reads_only_under_the_application_s_path() {
        let render = render("plain/web", &options()).await.unwrap();
        assert!(render.is_complete(), "{:?}", errors(&render));
        assert_eq!(
            ids(&render),
            [
                "ConfigMap/team/web-settings",
                "apps/Deployment/team/web",
                "Service/team/web"
            ],
            "nothing from plain/ above web/, nor from the other fixtures"
        );
        assert_eq!(
            object(&render, "apps/Deployment/team/web").source.path,
            Path::new("deployment.yaml"),
            "paths are relative to the application's path"
        );
    }

    #[tokio::test]
    async fn an_application_path_leaving_the_repository_is_refused() {
        for path in ["../manifests/plain", "plain/../../manifests/plain", "/etc"] {
            let err = render(path, &options()).await.unwrap_err();
            assert!(
                matches!(&err, Error::PathOutsideRepository { path: p } if p == path),
                "{path}: {err}"
            );
            assert_eq!(
                err.to_string(),
                format!(
                    "the application's path `{path}` leaves the repository; give it relative to the repository's root, without `..` or a leading `/`"
                )
            );
        }
    }

    #[tokio::test]
    async fn the_repository_root_itself_is_an_application_path() {
        let tree = fixture("plain/web");
        for root in ["", "."] {
            let render = manifests::render(&tree, root, &options()).await.unwrap();
            assert_eq!(render.objects.len(), 3, "{root:?}");
        }
    }
}

mod kustomize_overlays {
    use super::*;

    async fn overlay(name: &str) -> Render {
        let render = manifests::render(
            &fixture("kustomize"),
            &format!("overlays/{name}"),
            &with_kustomize(),
        )
        .await
        .unwrap();
        assert!(render.is_complete(), "{:?}", errors(&render));
        render
    }

    #[tokio::test]
    async fn two_overlays_of_one_base_render_from_the_whole_tree_each_its_own_way() {
        let prod = overlay("prod").await;
        let staging = overlay("staging").await;
        assert_eq!(
            ids(&prod),
            ["Service/team/prod-api", "apps/Deployment/team/prod-api"]
        );
        assert_eq!(
            ids(&staging),
            [
                "Service/team/staging-api",
                "apps/Deployment/team/staging-api"
            ]
        );
        let spec = |render: &Render, id| object(render, id).object["spec"].clone();
        let prod = spec(&prod, "apps/Deployment/team/prod-api");
        let staging = spec(&staging, "apps/Deployment/team/staging-api");
        assert_eq!(
            (prod["replicas"].clone(), staging["replicas"].clone()),
            (3.into(), 2.into())
        );
        let image =
            |spec: &serde_json::Value| spec["template"]["spec"]["containers"][0]["image"].clone();
        assert_eq!(image(&prod), "example.com/shop/api:1.4.2");
        assert_eq!(image(&staging), "example.com/shop/api:1.5.0-rc.1");
    }

    #[tokio::test]
    async fn a_base_outside_the_repository_is_refused_before_kustomize_reads_it() {
        // With overlays/ as the tree, `../../base` leaves it.
        let err = manifests::render(&fixture("kustomize/overlays"), "prod", &with_kustomize())
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Kustomize(KustomizeError::Outside { .. })),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "prod/kustomization.yaml refers to `../../base`, which is outside the repository; Shipdeck renders only what the repository holds at the commit, so move it into the repository and refer to it by a relative path"
        );
    }

    #[tokio::test]
    async fn a_remote_base_fails_at_once_saying_rendering_is_offline() {
        let started = Instant::now();
        let err = render("kustomize-remote", &with_kustomize())
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(
            matches!(err, Error::Kustomize(KustomizeError::Remote { .. })),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "kustomize-remote/kustomization.yaml refers to the remote base `github.com/example/platform//base?ref=v1.2.0`; Shipdeck renders without network access, so copy the base into the repository and refer to it by a relative path"
        );
    }
}

mod helm_options {
    use super::*;

    fn tree() -> PathBuf {
        fixture("helm-repo")
    }

    fn deployment(render: &Render, name: &str) -> serde_json::Value {
        object(render, &format!("apps/Deployment/team/{name}"))
            .object
            .clone()
    }

    #[tokio::test]
    async fn a_chart_with_a_file_dependency_values_file_and_inline_values_renders() {
        let options = with_helm().helm(
            HelmOptions::default()
                .values_file("envs/prod-values.yaml")
                .values("image:\n  tag: 2.0.1\nenvironment: prod-eu\n")
                .release_name("storefront"),
        );
        let render = manifests::render(&tree(), "charts/web", &options)
            .await
            .unwrap();
        assert!(render.is_complete(), "{:?}", errors(&render));
        assert_eq!(ids(&render), ["apps/Deployment/team/storefront"]);
        let deployment = deployment(&render, "storefront");
        assert_eq!(deployment["spec"]["replicas"], 4, "from the values file");
        let container = &deployment["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(
            container["image"], "example.com/shop/web:2.0.1",
            "inline values win over the chart's"
        );
        assert_eq!(
            container["env"][0]["value"], "prod-eu",
            "inline values win over the values file"
        );
        let labels = &deployment["metadata"]["labels"];
        assert_eq!(
            labels["app.kubernetes.io/part-of"], "shop",
            "the file://../common library chart's helper"
        );
        assert_eq!(labels["app.kubernetes.io/instance"], "storefront");
        assert!(
            !tree().join("charts/web/charts").exists(),
            "the dependency was copied to a scratch directory, not into the tree"
        );
    }

    #[tokio::test]
    async fn the_release_name_defaults_to_the_application_s_and_values_to_the_chart_s() {
        let render = manifests::render(&tree(), "charts/web", &with_helm())
            .await
            .unwrap();
        let deployment = deployment(&render, "shop");
        assert_eq!(deployment["spec"]["replicas"], 1);
        assert_eq!(
            deployment["spec"]["template"]["spec"]["containers"][0]["image"],
            "example.com/shop/web:1.0.0"
        );
    }

    #[tokio::test]
    async fn a_vendored_dependency_renders_as_it_is() {
        let render = manifests::render(&tree(), "charts/with-vendored", &with_helm())
            .await
            .unwrap();
        assert!(render.is_complete(), "{:?}", errors(&render));
        assert_eq!(
            ids(&render),
            ["ConfigMap/team/shop-sub", "ConfigMap/team/shop-main"],
            "Helm renders the subchart first"
        );
    }

    #[tokio::test]
    async fn a_dependency_that_is_not_vendored_is_refused_with_what_to_do() {
        let err = manifests::render(&tree(), "charts/remote", &with_helm())
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Helm(HelmError::NotVendored { .. })),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "dependency redis of charts/remote from https://charts.example.com/stable is not vendored in charts/; Shipdeck renders without network access; run `helm dependency update` and commit charts/"
        );
    }

    #[tokio::test]
    async fn a_file_dependency_outside_the_repository_is_refused() {
        let err = manifests::render(&fixture("helm-repo/charts/web"), "", &with_helm())
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Helm(HelmError::DependencyOutside { .. })),
            "{err}"
        );
        assert!(
            err.to_string().starts_with(
                "dependency common of . is `file://../common`, which is outside the repository"
            ),
            "{err}"
        );
    }

    /// A hostile Chart.yaml names its dependency after a path: copying the dependency to
    /// `charts/<name>` must not write outside the scratch copy.
    #[tokio::test]
    async fn a_dependency_named_like_a_path_is_refused_and_nothing_is_written() {
        let work = tempfile::tempdir().unwrap();
        let victim = work.path().join("victim");
        for name in [
            victim.join("autostart").display().to_string(),
            "../../../../victim".to_string(),
            "..".to_string(),
        ] {
            let repo = work.path().join("repo");
            let _ = std::fs::remove_dir_all(&repo);
            copy_tree(&tree(), &repo);
            let chart = format!(
                "apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n  - name: {name:?}\n    version: 0.1.0\n    repository: file://../common\n"
            );
            std::fs::write(repo.join("charts/web/Chart.yaml"), chart).unwrap();
            let err = manifests::render(&repo, "charts/web", &with_helm())
                .await
                .unwrap_err();
            assert!(
                err.to_string().contains("is not a chart name"),
                "{name}: {err}"
            );
            assert!(!victim.exists(), "{name}: wrote outside the scratch copy");
        }
    }

    /// A hostile Chart.yaml lists a thousand dependencies on one chart: each needs its own copy,
    /// so copying stops at the render's output cap with a clear error, inside the scratch
    /// directory it was given, and leaves nothing behind.
    #[tokio::test]
    async fn dependencies_that_would_copy_without_bound_stop_at_the_cap() {
        let work = tempfile::tempdir().unwrap();
        let repo = work.path().join("repo");
        copy_tree(&tree(), &repo);
        std::fs::write(
            repo.join("charts/common/padding.txt"),
            vec![b'x'; 64 * 1024],
        )
        .unwrap();
        let mut chart = String::from("apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n");
        for i in 0..1000 {
            chart.push_str(&format!(
                "  - name: common{i}\n    version: 0.1.0\n    repository: file://../common\n"
            ));
        }
        std::fs::write(repo.join("charts/web/Chart.yaml"), chart).unwrap();
        let scratch = work.path().join("scratch");
        let options = with_helm()
            .max_output_bytes(4 * 1024 * 1024)
            .scratch(&scratch);
        let err = manifests::render(&repo, "charts/web", &options)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Helm(HelmError::DependencyCopyTooBig { .. })),
            "{err}"
        );
        assert!(err.to_string().contains("vendor its dependencies"), "{err}");
        let left: Vec<_> = std::fs::read_dir(&scratch).unwrap().collect();
        assert!(left.is_empty(), "left in scratch: {left:?}");
    }

    fn copy_tree(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_tree(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }

    #[tokio::test]
    async fn values_files_outside_the_repository_or_missing_are_refused() {
        let with_values = |path: &str| with_helm().helm(HelmOptions::default().values_file(path));
        for path in [
            "../helm/web/values.yaml",
            "/etc/hostname",
            "envs/../../x.yaml",
        ] {
            let err = manifests::render(&tree(), "charts/web", &with_values(path))
                .await
                .unwrap_err();
            assert!(
                matches!(&err, Error::Helm(HelmError::ValuesFileOutside { path: p }) if p == path),
                "{path}: {err}"
            );
            assert!(
                err.to_string().contains("is outside the repository"),
                "{err}"
            );
        }
        let err = manifests::render(
            &tree(),
            "charts/web",
            &with_values("envs/staging-values.yaml"),
        )
        .await
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the values file `envs/staging-values.yaml` does not exist in the repository at this commit; values files are relative to the repository's root, not to the chart"
        );
    }
}

/// External tools that hang, and processes they leave behind. A fake tool (a shell script) is
/// set as the kustomize or helm binary.
#[cfg(target_os = "linux")]
mod processes {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A repository tree holding a kustomization and a chart, and a directory for the fake
    /// tool and the pid files it writes.
    struct Setup {
        tree: tempfile::TempDir,
        bin: tempfile::TempDir,
    }

    impl Setup {
        fn new() -> Self {
            let tree = tempfile::tempdir().unwrap();
            std::fs::create_dir(tree.path().join("app")).unwrap();
            std::fs::write(
                tree.path().join("app/kustomization.yaml"),
                "resources: []\n",
            )
            .unwrap();
            std::fs::create_dir(tree.path().join("chart")).unwrap();
            std::fs::write(
                tree.path().join("chart/Chart.yaml"),
                "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
            )
            .unwrap();
            Self {
                tree,
                bin: tempfile::tempdir().unwrap(),
            }
        }

        /// A tool running `body`; `$PIDS` in it is the directory for pid files.
        fn tool(&self, body: &str) -> PathBuf {
            let path = self.bin.path().join("tool");
            let pids = self.bin.path().display();
            std::fs::write(&path, format!("#!/bin/sh\nPIDS='{pids}'\n{body}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            path
        }

        fn pid(&self, name: &str) -> u32 {
            let file = self.bin.path().join(name);
            std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
                .trim()
                .parse()
                .unwrap()
        }
    }

    /// A grandchild that keeps the tool's stdout open and sleeps: `$PIDS/grandchild` holds its pid.
    const GRANDCHILD: &str = "sh -c 'echo $$ > \"$0/grandchild\"; exec sleep 60' \"$PIDS\" &";

    /// Whether `pid` has ended (gone, or a zombie waiting for its new parent to reap it).
    fn is_dead(pid: u32) -> bool {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => true,
            // The state follows the command name, which is in parentheses.
            Ok(stat) => stat
                .rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
        }
    }

    async fn dies(pid: u32) -> bool {
        for _ in 0..40 {
            if is_dead(pid) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    #[tokio::test]
    async fn a_grandchild_holding_the_output_pipe_is_stopped_with_its_whole_group() {
        let setup = Setup::new();
        // The tool itself exits at once; its grandchild keeps stdout open for a minute.
        let tool = setup.tool(&format!("{GRANDCHILD}\necho 'apiVersion: v1'\nexit 0"));
        let options = options()
            .tools(Tools::default().kustomize(tool))
            .timeout(Duration::from_secs(1));
        let started = Instant::now();
        let err = manifests::render(setup.tree.path(), "app", &options)
            .await
            .unwrap_err();
        let took = started.elapsed();
        assert!(
            matches!(
                &err,
                Error::Kustomize(KustomizeError::Build {
                    source: ToolError::TimedOut { .. },
                    ..
                })
            ),
            "{err}"
        );
        assert!(
            took >= Duration::from_secs(1) && took < Duration::from_secs(4),
            "{took:?}"
        );
        let grandchild = setup.pid("grandchild");
        assert!(
            dies(grandchild).await,
            "the grandchild {grandchild} still runs"
        );
    }

    #[tokio::test]
    async fn the_timeout_error_names_the_tool_and_the_limit() {
        let setup = Setup::new();
        let tool = setup.tool("exec sleep 60");
        let options = options()
            .tools(Tools::default().helm(&tool).kustomize(&tool))
            .timeout(Duration::from_millis(500));
        let err = manifests::render(setup.tree.path(), "chart", &options)
            .await
            .unwrap_err();
        assert!(
            err.to_string().starts_with(
                "helm template chart: helm did not finish within 500ms and was stopped, with every process it started"
            ),
            "{err}"
        );
        let err = manifests::render(setup.tree.path(), "app", &options)
            .await
            .unwrap_err();
        assert!(
            err.to_string().starts_with(
                "kustomize build app: kustomize did not finish within 500ms and was stopped"
            ),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_cancelled_render_leaves_no_process_behind() {
        let setup = Setup::new();
        let tool = setup.tool(&format!("echo $$ > \"$PIDS/tool\"\n{GRANDCHILD}\nsleep 60"));
        let options = options()
            .tools(Tools::default().kustomize(tool))
            .timeout(Duration::from_secs(60));
        let render = manifests::render(setup.tree.path(), "app", &options);
        // The caller gives up (a newer commit arrived, the app closes): the future is dropped.
        let cancelled = tokio::time::timeout(Duration::from_secs(1), render).await;
        assert!(
            cancelled.is_err(),
            "the render should still have been running"
        );
        for name in ["tool", "grandchild"] {
            let pid = setup.pid(name);
            assert!(dies(pid).await, "the {name} {pid} still runs");
        }
    }
}
