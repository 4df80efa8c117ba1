//! Looking for a secret in plain text in every file under a set of directories.

use std::path::{Path, PathBuf};

/// Every file under `roots` whose bytes contain `needle`. Files that cannot be read (a socket,
/// a file removed while walking) are skipped: they hold nothing at rest.
pub fn files_containing(roots: &[PathBuf], needle: &str) -> Vec<PathBuf> {
    let needle = needle.as_bytes();
    files(roots)
        .into_iter()
        .filter(|path| contains(path, needle))
        .collect()
}

/// How many files [`files_containing`] looks at: a scan of nothing proves nothing.
pub fn file_count(roots: &[PathBuf]) -> usize {
    files(roots).len()
}

/// Every file under `roots`.
fn files(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack: Vec<PathBuf> = roots.to_vec();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

fn contains(path: &Path, needle: &[u8]) -> bool {
    std::fs::read(path).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_secret_is_found_in_a_nested_file_and_not_elsewhere() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("a/b/log"), "x token=s3cr3t-value y").unwrap();
        std::fs::write(dir.path().join("a/settings.toml"), "id = 1").unwrap();
        let roots = [dir.path().to_path_buf()];
        assert_eq!(
            super::files_containing(&roots, "s3cr3t-value"),
            vec![dir.path().join("a/b/log")]
        );
        assert_eq!(super::file_count(&roots), 2);
    }
}
