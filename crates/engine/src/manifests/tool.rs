//! External renderers (kustomize, helm): where their binaries are. How they run is
//! [`super::process`].

use std::path::{Path, PathBuf};

/// Locations of the external renderers. `None` means "look it up on `PATH` when needed".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tools {
    pub kustomize: Option<PathBuf>,
    pub helm: Option<PathBuf>,
}

impl Tools {
    /// `SHIPDECK_KUSTOMIZE` and `SHIPDECK_HELM` when set (`cargo xtask test` sets them to the
    /// pinned binaries it installs), otherwise `PATH`.
    pub fn from_env() -> Self {
        let var = |name| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        Self {
            kustomize: var("SHIPDECK_KUSTOMIZE"),
            helm: var("SHIPDECK_HELM"),
        }
    }

    #[must_use]
    pub fn kustomize(mut self, path: impl Into<PathBuf>) -> Self {
        self.kustomize = Some(path.into());
        self
    }

    #[must_use]
    pub fn helm(mut self, path: impl Into<PathBuf>) -> Self {
        self.helm = Some(path.into());
        self
    }
}

/// The binary to run: the configured one if it exists, else `program` on `PATH`.
/// The error value says where it looked, for the "not installed" message.
pub(crate) fn locate(configured: Option<&Path>, program: &str) -> Result<PathBuf, String> {
    match configured {
        Some(path) if path.is_file() => Ok(path.to_path_buf()),
        Some(path) => Err(format!("the configured path {}", path.display())),
        None => find_on_path(program).ok_or_else(|| "PATH".to_string()),
    }
}

/// The first `program` in the directories of `PATH`.
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_binaries_say_where_they_were_looked_for() {
        let missing = Path::new("/nonexistent/kustomize");
        assert_eq!(
            locate(Some(missing), "kustomize").unwrap_err(),
            "the configured path /nonexistent/kustomize"
        );
        assert!(locate(None, "sh").is_ok());
        assert_eq!(locate(None, "no-such-tool-shipdeck").unwrap_err(), "PATH");
    }
}
