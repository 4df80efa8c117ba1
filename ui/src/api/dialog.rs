//! The system's file dialogs (Tauri's dialog plugin), to choose where a chart or history goes
//! and which history file comes in. They only fill in a path: what is written or read is
//! still decided by the engine's commands, which refuse to replace a file unless asked.

use super::{ApiResult, invoke};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Options<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_path: Option<&'a str>,
    filters: [Filter<'a>; 1],
}

#[derive(Serialize)]
struct Filter<'a> {
    name: &'a str,
    extensions: &'a [&'a str],
}

#[derive(Serialize)]
struct Args<'a> {
    options: Options<'a>,
}

/// Where to save a `kind` file (`extensions` offered), starting at `default_name`; `None`
/// when the user cancelled.
pub async fn save_path(
    title: &str,
    default_name: &str,
    kind: &str,
    extensions: &[&str],
) -> ApiResult<Option<String>> {
    let options = Options {
        title,
        default_path: Some(default_name),
        filters: [Filter {
            name: kind,
            extensions,
        }],
    };
    invoke("plugin:dialog|save", &Args { options }).await
}

/// Which `kind` file to open; `None` when the user cancelled.
pub async fn open_path(title: &str, kind: &str, extensions: &[&str]) -> ApiResult<Option<String>> {
    let options = Options {
        title,
        default_path: None,
        filters: [Filter {
            name: kind,
            extensions,
        }],
    };
    invoke("plugin:dialog|open", &Args { options }).await
}
