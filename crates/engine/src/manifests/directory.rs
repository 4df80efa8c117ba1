//! Plain directories of manifests: every `.yaml`, `.yml` and `.json` file below the root, read
//! in Rust. Each file that cannot be read or parsed becomes a [`FileError`]; the others render.

use super::object::{self, RenderedObject};
use super::parse;
use std::collections::HashSet;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A file (or one document of it) that did not render, and why. The rest still rendered.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", path.display())]
pub struct FileError {
    /// Relative to the application's root.
    pub path: PathBuf,
    pub problem: Problem,
}

impl FileError {
    /// 1-based line the problem is on, when it is on one.
    pub fn line(&self) -> Option<u64> {
        match &self.problem {
            Problem::NotUtf8 { line } => Some(*line),
            Problem::Parse(err) => Some(err.line()),
            Problem::Object(err) => Some(err.at().line),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error(
        "the file is {} and manifest files are limited to {}; split it, or keep generated data out of the application's path",
        Size(*size), Size(*limit)
    )]
    TooLarge { size: u64, limit: u64 },
    #[error("the file could not be read: {0}")]
    Read(std::io::Error),
    #[error("the file is binary (byte {offset} is NUL), not YAML or JSON")]
    Binary { offset: usize },
    #[error("line {line}: the file is not UTF-8 text; save it as UTF-8 YAML or JSON")]
    NotUtf8 { line: u64 },
    #[error("this symbolic link points to {}, outside the application's path, so it is not read", target.display())]
    OutsideRoot { target: PathBuf },
    #[error(transparent)]
    Parse(parse::Error),
    #[error(transparent)]
    Object(object::Error),
}

/// Bytes in the unit a person reads them in.
struct Size(u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MIB: u64 = 1024 * 1024;
        match self.0 {
            n if n >= MIB => write!(f, "{:.1} MiB", n as f64 / MIB as f64),
            n if n >= 1024 => write!(f, "{:.1} KiB", n as f64 / 1024.0),
            n => write!(f, "{n} bytes"),
        }
    }
}

const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Reads every manifest file below `root` in path order.
///
/// Hidden entries (`.git`, `.github`…) are skipped: they hold no manifests, and CI workflows are
/// YAML that would only be reported as invalid objects. Symbolic links are followed only when
/// they stay inside `root`, as Argo CD does, so a repository cannot make Shipdeck read
/// arbitrary files of the machine.
pub(crate) fn render(root: &Path, max_file_bytes: u64) -> (Vec<RenderedObject>, Vec<FileError>) {
    let mut errors = Vec::new();
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut files = Vec::new();
    let mut visited = HashSet::new();
    walk(
        &canonical_root,
        root,
        Path::new(""),
        &mut files,
        &mut errors,
        &mut visited,
    );
    files.sort();

    let mut objects = Vec::new();
    for relative in files {
        let mut fail = |problem| {
            errors.push(FileError {
                path: relative.clone(),
                problem,
            })
        };
        let text = match read_text(&root.join(&relative), max_file_bytes) {
            Ok(text) => text,
            Err(problem) => {
                fail(problem);
                continue;
            }
        };
        let is_json = relative
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
        let documents = if is_json {
            parse::json(&text)
        } else {
            parse::yaml(&text)
        };
        let documents = match documents {
            Ok(documents) => documents,
            Err(err) => {
                fail(Problem::Parse(err));
                continue;
            }
        };
        for document in documents {
            for result in object::from_document(&relative, document) {
                match result {
                    Ok(object) => objects.push(object),
                    Err(err) => fail(Problem::Object(err)),
                }
            }
        }
    }
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    (objects, errors)
}

fn walk(
    canonical_root: &Path,
    dir: &Path,
    relative: &Path,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<FileError>,
    visited: &mut HashSet<PathBuf>,
) {
    // A directory reached twice (through a link) is read once, which also ends link cycles.
    if let Ok(canonical) = dir.canonicalize()
        && !visited.insert(canonical)
    {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            errors.push(FileError {
                path: relative.to_path_buf(),
                problem: Problem::Read(err),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let relative = relative.join(&name);
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_symlink() {
            match path.canonicalize() {
                Ok(target) if !target.starts_with(canonical_root) => {
                    if target.is_dir() || is_manifest(&relative) {
                        errors.push(FileError {
                            path: relative,
                            problem: Problem::OutsideRoot { target },
                        });
                    }
                    continue;
                }
                Ok(_) => {}
                // A dangling link to a manifest is reported by the read that follows.
                Err(_) if is_manifest(&relative) => {
                    files.push(relative);
                    continue;
                }
                Err(_) => continue,
            }
        }
        if path.is_dir() {
            walk(canonical_root, &path, &relative, files, errors, visited);
        } else if path.is_file() && is_manifest(&relative) {
            // Only regular files: opening a FIFO named `x.yaml` would block the render.
            files.push(relative);
        }
    }
}

fn is_manifest(path: &Path) -> bool {
    path.extension().is_some_and(|ext| {
        EXTENSIONS
            .iter()
            .any(|wanted| ext.eq_ignore_ascii_case(wanted))
    })
}

/// The file as text, refusing before reading it whole when it is too large, and naming what is
/// wrong when it is not UTF-8 text.
pub(crate) fn read_text(path: &Path, max_bytes: u64) -> Result<String, Problem> {
    let file = std::fs::File::open(path).map_err(Problem::Read)?;
    let size = file.metadata().map_err(Problem::Read)?.len();
    if size > max_bytes {
        return Err(Problem::TooLarge {
            size,
            limit: max_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // The limit holds even if the file grows while it is read.
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(Problem::Read)?;
    if bytes.len() as u64 > max_bytes {
        return Err(Problem::TooLarge {
            size: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    text(bytes)
}

/// UTF-8 text without its byte-order mark, or why the bytes are not text.
pub(crate) fn text(bytes: Vec<u8>) -> Result<String, Problem> {
    // Git's test for binary content: a NUL byte near the start.
    if let Some(offset) = bytes.iter().take(8000).position(|&b| b == 0) {
        return Err(Problem::Binary { offset });
    }
    let mut text = String::from_utf8(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let line = err.as_bytes()[..valid]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1;
        Problem::NotUtf8 { line }
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_person_writes_them() {
        assert_eq!(Size(10 * 1024 * 1024).to_string(), "10.0 MiB");
        assert_eq!(Size(1536).to_string(), "1.5 KiB");
        assert_eq!(Size(12).to_string(), "12 bytes");
    }

    #[test]
    fn binary_and_non_utf8_bytes_are_named() {
        assert!(matches!(
            text(b"\x89PNG\r\n\x1a\n\0\0".to_vec()),
            Err(Problem::Binary { offset: 8 })
        ));
        assert!(matches!(
            text(b"a: 1\nb: \xff\xfe\n".to_vec()),
            Err(Problem::NotUtf8 { line: 2 })
        ));
        assert_eq!(text(b"\xef\xbb\xbfa: 1".to_vec()).unwrap(), "a: 1");
    }

    #[test]
    fn files_over_the_limit_are_refused_before_being_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.yaml");
        std::fs::write(&path, "a: 1\n".repeat(100)).unwrap();
        let err = read_text(&path, 100).unwrap_err();
        assert!(
            matches!(
                err,
                Problem::TooLarge {
                    size: 500,
                    limit: 100
                }
            ),
            "{err}"
        );
        assert!(read_text(&path, 500).is_ok());
    }
}
