//! Text to documents: multi-document YAML and JSON streams, each document with the line it starts
//! on. Nothing here knows about Kubernetes; [`super::object`] gives the documents their meaning.

use serde_json::Value;
use serde_saphyr::MessageFormatter;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("line {line}, column {column}: invalid YAML: {message}")]
    Yaml {
        line: u64,
        column: u64,
        message: String,
    },
    #[error("line {line}, column {column}: invalid JSON: {message}")]
    Json {
        line: u64,
        column: u64,
        message: String,
    },
}

impl Error {
    pub fn line(&self) -> u64 {
        match self {
            Error::Yaml { line, .. } | Error::Json { line, .. } => *line,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One non-empty document of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 0-based index among the stream's non-empty documents (empty and `null` documents, which
    /// kubectl also skips, are not counted).
    pub index: usize,
    /// 1-based line of the document's first node, so comments and `---` above it are not blamed.
    pub line: u64,
    pub value: Value,
}

/// Parses a YAML stream (`---`-separated documents).
///
/// Scalars resolve the way Kubernetes' own YAML reader (go-yaml v2 via sigs.k8s.io/yaml) does,
/// so a manifest means the same here as under kubectl: YAML 1.1 booleans (`yes`, `on`) and
/// legacy octal (`0644`, common in `defaultMode`). Duplicate keys are errors, as in kubectl.
pub fn yaml(text: &str) -> Result<Vec<Document>> {
    let documents: Vec<serde_saphyr::Spanned<Value>> =
        serde_saphyr::from_multiple_with_options(text, yaml_options()).map_err(yaml_error)?;
    Ok(documents
        .into_iter()
        .enumerate()
        .map(|(index, spanned)| Document {
            index,
            line: spanned.referenced.line(),
            value: spanned.value,
        })
        .collect())
}

/// Parses a JSON stream: one value, or several concatenated (as `kubectl apply -f` accepts).
pub fn json(text: &str) -> Result<Vec<Document>> {
    let mut documents = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let mut end = 0;
    while let Some(next) = stream.next() {
        let value = next.map_err(json_error)?;
        let start = end + leading_whitespace(&text[end..]);
        end = stream.byte_offset();
        documents.push(Document {
            index: documents.len(),
            line: line_of(text, start),
            value,
        });
    }
    Ok(documents)
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> u64 {
    let newlines = text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    newlines as u64 + 1
}

fn leading_whitespace(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

/// Limits sized for real manifests (CRD bundles run to hundreds of thousands of nodes and deep
/// schemas) while still bounding memory and time. Aliases are rare in manifests, so their replay
/// is held to 100k events: at the default (1M) an alias bomb of a few hundred bytes costs seconds.
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
        },
        budget: serde_saphyr::budget! {
            max_events: 40_000_000,
            max_nodes: 10_000_000,
            max_documents: 100_000,
            max_depth: 200,
            max_total_scalar_bytes: 256 * 1024 * 1024,
        },
        legacy_octal_numbers: true,
        // The message is rendered by us with the file name; a snippet would repeat the content.
        with_snippet: false,
    }
}

fn yaml_error(err: serde_saphyr::Error) -> Error {
    let err = err.without_snippet();
    let (line, column) = err
        .location()
        .map(|at| (at.line(), at.column()))
        .unwrap_or((0, 0));
    // The default formatter leaves the location out; we print it ourselves, in one format for
    // every error. Control characters are escaped since a binary file can end up in the message.
    let message = serde_saphyr::DefaultMessageFormatter
        .format_message(err)
        .chars()
        .map(|c| match c {
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect();
    Error::Yaml {
        line,
        column,
        message,
    }
}

fn json_error(err: serde_json::Error) -> Error {
    let text = err.to_string();
    // serde_json appends " at line L column C"; the location is printed in our own format.
    let message = match text.rsplit_once(" at line ") {
        Some((message, _)) => message.to_string(),
        None => text,
    };
    Error::Json {
        line: err.line() as u64,
        column: err.column() as u64,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_documents_carry_their_start_line_and_skip_empty_ones() {
        let text = "# header\n---\na: 1\n---\n\n---\n~\n---\n# comment only\n---\nb: 2\n";
        let docs = yaml(text).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!((docs[0].index, docs[0].line), (0, 3));
        assert_eq!((docs[1].index, docs[1].line), (1, 11));
        assert_eq!(docs[1].value, json!({"b": 2}));
    }

    #[test]
    fn yaml_reads_scalars_the_way_kubernetes_does() {
        let docs = yaml("mode: 0644\nflag: yes\nport: 8080\nversion: \"1.20\"\n").unwrap();
        assert_eq!(
            docs[0].value,
            json!({"mode": 420, "flag": true, "port": 8080, "version": "1.20"})
        );
    }

    #[test]
    fn yaml_syntax_error_names_line_and_column() {
        let err = yaml("a: 1\n---\nb: 2\n---\nc: [1, 2\nd: 3\n").unwrap_err();
        let Error::Yaml { line, message, .. } = &err else {
            panic!("{err:?}")
        };
        assert!(*line >= 5, "{err}");
        assert!(!message.contains("line"), "location printed once: {err}");
        assert_eq!(message, "illegal placement of ':' indicator");
        assert!(err.to_string().starts_with(&format!("line {line}, column")));
    }

    #[test]
    fn yaml_duplicate_keys_are_errors() {
        let err = yaml("a: 1\na: 2\n").unwrap_err();
        assert_eq!(err.line(), 2, "{err}");
    }

    #[test]
    fn yaml_alias_bombs_are_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let started = std::time::Instant::now();
        let err = yaml(&text).unwrap_err();
        assert!(err.to_string().contains("alias"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn json_streams_carry_their_start_line() {
        let docs = json("\n{\"a\": 1}\n\n  {\"b\":\n 2}\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!((docs[0].line, docs[1].line), (2, 4));
    }

    #[test]
    fn json_error_names_line_and_column_once() {
        let err = json("{\"a\": 1,\n \"b\" 2}").unwrap_err();
        assert_eq!(err.line(), 2);
        assert_eq!(err.to_string().matches("line").count(), 1, "{err}");
    }
}
