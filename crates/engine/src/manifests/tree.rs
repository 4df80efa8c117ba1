//! The repository tree a render reads: the whole commit exported into one directory, so an
//! overlay can reach `../../base` and a chart `file://../common`, as in Argo CD and Flux. Every
//! path the repository names (the application's path, values files, dependencies) is resolved
//! here and refused when it leaves the tree.

use std::path::{Component, Path, PathBuf};

/// Why a path named by the repository or the settings is not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// Absolute, with `..`, or (through a link) ending up outside the tree.
    Outside,
    Missing,
}

#[derive(Debug, Clone)]
pub(crate) struct Tree {
    /// Canonical, so containment is a prefix test on canonical paths.
    root: PathBuf,
}

impl Tree {
    pub fn open(root: &Path) -> std::io::Result<Self> {
        Ok(Self {
            root: root.canonicalize()?,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `relative` (as written in settings: `/`-separated, relative to the repository's root;
    /// empty or `.` is the root itself) as a canonical path inside the tree.
    pub fn resolve(&self, relative: &str) -> Result<PathBuf, Refused> {
        if relative.contains('\0') {
            return Err(Refused::Outside);
        }
        let mut path = self.root.clone();
        for component in Path::new(relative).components() {
            match component {
                Component::Normal(name) => path.push(name),
                Component::CurDir => {}
                Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                    return Err(Refused::Outside);
                }
            }
        }
        self.inside(&path)
    }

    /// `path` (absolute, or relative to the working directory) canonicalised, when it exists and
    /// is inside the tree.
    pub fn inside(&self, path: &Path) -> Result<PathBuf, Refused> {
        match path.canonicalize() {
            Ok(canonical) if canonical.starts_with(&self.root) => Ok(canonical),
            Ok(_) => Err(Refused::Outside),
            Err(_) => Err(Refused::Missing),
        }
    }

    /// `canonical` relative to the root, for messages (`.` for the root itself).
    pub fn relative(&self, canonical: &Path) -> PathBuf {
        match canonical.strip_prefix(&self.root) {
            Ok(rest) if rest.as_os_str().is_empty() => PathBuf::from("."),
            Ok(rest) => rest.to_path_buf(),
            Err(_) => canonical.to_path_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_tree() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("tree/apps/web")).unwrap();
        std::fs::create_dir_all(dir.path().join("outside")).unwrap();
        let tree = Tree::open(&dir.path().join("tree")).unwrap();
        let root = tree.root().to_path_buf();
        assert_eq!(tree.resolve("apps/web").unwrap(), root.join("apps/web"));
        assert_eq!(tree.resolve("./apps/web/").unwrap(), root.join("apps/web"));
        assert_eq!(tree.resolve("").unwrap(), root);
        assert_eq!(tree.resolve(".").unwrap(), root);
        assert_eq!(tree.relative(&root), Path::new("."));
        assert_eq!(tree.relative(&root.join("apps/web")), Path::new("apps/web"));
        for bad in [
            "../outside",
            "apps/../../outside",
            "apps/..",
            "/etc",
            "a\0b",
        ] {
            assert_eq!(tree.resolve(bad), Err(Refused::Outside), "{bad}");
        }
        assert_eq!(tree.resolve("apps/api"), Err(Refused::Missing));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("outside"), root.join("link")).unwrap();
            assert_eq!(tree.resolve("link"), Err(Refused::Outside));
        }
    }
}
