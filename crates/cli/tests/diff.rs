//! `shipdeck diff` and `shipdeck apps` on the window's settings (in the XDG config directory the
//! window uses), with the application's repository a real Git repository: the application at
//! its revision, a preview of another branch, and `plan` on a Git repository at a revision.

mod support;

use git2::{Repository, Signature};
use serde_json::Value;
use shipdeck_testkit::{contexts, kubeconfig, kubectl_ok, with_namespace};
use std::path::Path;
use support::{Home, changes, find, fixture_repo, sync};

/// A Git repository holding the fixture on `main`, and on `more-replicas` the same with the
/// overlay asking for 4 replicas. Returns the short SHA of `main`.
fn git_fixture(dir: &Path) -> String {
    let repo = Repository::init(dir).unwrap();
    copy_dir(&fixture_repo(), dir);
    let signature = Signature::now("Shipdeck tests", "tests@shipdeck.example").unwrap();
    let commit = |message: &str, parents: &[&git2::Commit<'_>]| {
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let id = repo
            .commit(None, &signature, &signature, message, &tree, parents)
            .unwrap();
        repo.find_commit(id).unwrap()
    };
    let main = commit("the web application", &[]);
    repo.branch("main", &main, true).unwrap();
    let overlay = dir.join("apps/web/kustomization.yaml");
    let text = std::fs::read_to_string(&overlay).unwrap();
    std::fs::write(&overlay, text.replace("value: 3", "value: 4")).unwrap();
    let more = commit("four replicas", &[&main]);
    repo.branch("more-replicas", &more, true).unwrap();
    repo.set_head("refs/heads/main").unwrap();
    main.id().to_string()[..7].to_string()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The window's settings file, as Shipdeck writes it, in `home`'s config directory.
fn write_settings(home: &Home, repo: &Path, namespace: &str) {
    let dir = home.config().join("dev.shipdeck.desktop");
    std::fs::create_dir_all(&dir).unwrap();
    let settings = format!(
        "format = 2\n\n\
         [[clusters]]\nid = \"a\"\ncontext = \"{}\"\nkubeconfig = [{:?}]\n\n\
         [[repositories]]\nid = \"fixture\"\nurl = {:?}\n\n\
         [[applications]]\nid = \"web\"\nrepository = \"fixture\"\npath = \"apps/web\"\n\
         cluster = \"a\"\nnamespace = \"{namespace}\"\n\n\
         [applications.revision]\nkind = \"branch\"\nname = \"main\"\n",
        contexts::A,
        kubeconfig().display().to_string(),
        repo.display().to_string()
    );
    std::fs::write(dir.join("settings.toml"), settings).unwrap();
}

#[tokio::test]
async fn diff_and_apps_compare_the_windows_applications_and_preview_another_branch() {
    with_namespace(contexts::A, "cli-diff", |client, ns| async move {
        let git = tempfile::tempdir().unwrap();
        let main_sha = git_fixture(git.path());
        // Synced from `main`'s files (the working tree holds `more-replicas`'s).
        sync(&client, &fixture_repo(), "apps/web", &ns, "web").await;
        let home = Home::new();
        write_settings(&home, git.path(), &ns);

        let apps = home.run(&["apps"]).expect(0);
        let line = apps.stdout.lines().nth(1).unwrap_or_default().to_string();
        for part in [
            "web",
            "a",
            ns.as_str(),
            "branch main",
            &main_sha,
            "Synced (all 4 resources match Git)",
        ] {
            assert!(line.contains(part), "{part} in {apps:#?}");
        }
        let run = home.run(&["diff", "web", "-o", "json"]).expect(0);
        assert!(run.drifted().is_empty(), "{:#?}", run.drifted());

        // Another branch, previewed: the application still follows main.
        let web = format!("apps/Deployment/{ns}/web");
        let run = home
            .run(&["diff", "web", "--revision", "more-replicas", "-o", "json"])
            .expect(1);
        let report = run.report();
        let paths: Vec<String> = changes(&report, &web).into_iter().map(|(p, _)| p).collect();
        assert_eq!(paths, ["/spec/replicas"]);
        let change = &find(&report, &web).changes[0];
        assert_eq!(
            (change.live.clone(), change.desired.clone()),
            (Some(Value::from(3)), Some(Value::from(4)))
        );
        let text = home
            .run(&["diff", "web", "--revision", "more-replicas"])
            .expect(1);
        assert!(
            text.stdout
                .starts_with("diff web, previewing branch `more-replicas` at "),
            "{text:#?}"
        );
        home.run(&["diff", "web", "-o", "json"]).expect(0);

        // `plan` on the Git repository at a revision renders the commit, not the files on disk.
        let repo = git.path().display().to_string();
        let kubeconfig = kubeconfig().display().to_string();
        let plan = |revision: &str| {
            home.run(&[
                "plan",
                "--repo",
                &repo,
                "--revision",
                revision,
                "--path",
                "apps/web",
                "--context",
                contexts::A,
                "--kubeconfig",
                &kubeconfig,
                "-n",
                &ns,
                "-o",
                "json",
            ])
        };
        plan("main").expect(0);
        plan("more-replicas").expect(1);
        plan("no-such-branch").expect(2);

        // A change by hand shows in the list, and the list exits 1.
        kubectl_ok(
            contexts::A,
            &["-n", &ns, "scale", "deployment/web", "--replicas=5"],
        );
        let apps = home.run(&["apps"]).expect(1);
        assert!(
            apps.stdout
                .contains("OutOfSync (1 of 4 resources out of sync)"),
            "{apps:#?}"
        );

        let run = home.run(&["diff", "nope"]).expect(2);
        assert!(
            run.stderr.contains("no application 'nope'") && run.stderr.contains("configured: web"),
            "{run:#?}"
        );
    })
    .await;
}

#[test]
fn broken_settings_are_an_error_for_diff_and_apps() {
    let home = Home::new();
    let dir = home.config().join("dev.shipdeck.desktop");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("settings.toml"), "format = 2\n[[clusters]\n").unwrap();
    let run = home.run(&["apps"]).expect(2);
    assert!(run.stderr.contains("settings.toml"), "{run:#?}");
    home.run(&["diff", "web"]).expect(2);
}
