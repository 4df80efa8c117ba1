//! Preview mirrors do not pile up: at start, the mirrors of repositories no longer configured
//! go, and so does every mirror no preview used for [`UNUSED_FOR`] (each checkout rewrites
//! the mirror's lock file, so its modification time is the last use).

use std::path::Path;
use std::time::{Duration, SystemTime};

/// How long a preview mirror is kept without use.
pub const UNUSED_FOR: Duration = Duration::from_secs(14 * 24 * 3600);

/// Sweeps `root` (`<cache>/mirrors/preview`), whose directories are named after repository
/// ids, keeping those of `repositories`.
pub fn sweep(root: &Path, repositories: &[&str], now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for repo in entries.flatten() {
        let name = repo.file_name();
        let known = name.to_str().is_some_and(|n| repositories.contains(&n));
        if !known {
            let _ = std::fs::remove_dir_all(repo.path());
            continue;
        }
        let Ok(mirrors) = std::fs::read_dir(repo.path()) else {
            continue;
        };
        for lock in mirrors.flatten() {
            let path = lock.path();
            if path.extension().is_none_or(|e| e != "lock") {
                continue;
            }
            let unused = lock
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|at| now.duration_since(at).is_ok_and(|d| d > UNUSED_FOR));
            if unused {
                let _ = std::fs::remove_dir_all(path.with_extension(""));
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirrors_of_gone_repositories_and_long_unused_ones_go() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (repo, mirror) in [("kept", "main"), ("kept", "old"), ("gone", "main")] {
            std::fs::create_dir_all(root.join(repo).join(mirror).join("objects")).unwrap();
            std::fs::write(root.join(repo).join(format!("{mirror}.lock")), "").unwrap();
        }
        let later = SystemTime::now() + UNUSED_FOR + Duration::from_secs(60);
        // `main` was used just now, as `later` sees it.
        let file = std::fs::File::options()
            .write(true)
            .open(root.join("kept/main.lock"))
            .unwrap();
        file.set_modified(later - Duration::from_secs(60)).unwrap();
        sweep(root, &["kept"], later);
        assert!(root.join("kept/main").is_dir());
        assert!(!root.join("kept/old").exists() && !root.join("kept/old.lock").exists());
        assert!(!root.join("gone").exists());
    }
}
