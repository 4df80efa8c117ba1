//! Runs command bodies off the IPC thread and turns panics into errors, so a bug shows up as an
//! error in the UI instead of a hung promise or a dead window.

use shipdeck_ipc::{ErrorCode, IpcError};
use std::future::Future;

/// Runs a blocking engine call on the blocking pool.
pub async fn blocking<T, E, F>(what: &'static str, f: F) -> Result<T, IpcError>
where
    T: Send + 'static,
    E: Into<IpcError> + Send + 'static,
    F: FnOnce() -> Result<T, E> + Send + 'static,
{
    finish(
        what,
        tokio::task::spawn_blocking(move || f().map_err(Into::into)).await,
    )
}

/// Runs an async engine call as a task of its own.
pub async fn task<T, E, Fut>(what: &'static str, fut: Fut) -> Result<T, IpcError>
where
    T: Send + 'static,
    E: Into<IpcError> + Send + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
{
    let handle = tauri::async_runtime::spawn(async move { fut.await.map_err(Into::into) });
    finish(what, handle.await.map_err(|e| e.to_string()))
}

fn finish<T, J: std::fmt::Display>(
    what: &'static str,
    joined: Result<Result<T, IpcError>, J>,
) -> Result<T, IpcError> {
    match joined {
        Ok(result) => {
            if let Err(err) = &result {
                tracing::warn!(command = what, code = ?err.code, "{}", err.message);
            }
            result
        }
        Err(join) => {
            tracing::error!(command = what, error = %join, "command failed internally");
            Err(IpcError::new(
                ErrorCode::Internal,
                format!(
                    "Shipdeck hit an internal error while running {what}. The app is still \
                     running; the details are in the log (Settings shows where)."
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_body_becomes_an_internal_error() {
        let result: Result<(), _> = blocking::<(), IpcError, _>("explode", || panic!("boom")).await;
        let err = result.unwrap_err();
        assert_eq!(err.code, ErrorCode::Internal);
        assert!(err.message.contains("explode"), "{}", err.message);
    }

    #[tokio::test]
    async fn errors_and_values_pass_through() {
        let ok = blocking::<_, IpcError, _>("ok", || Ok(7)).await;
        assert_eq!(ok, Ok(7));
        let err =
            blocking::<(), _, _>("bad", || Err(IpcError::new(ErrorCode::NotFound, "x"))).await;
        assert_eq!(err.unwrap_err().code, ErrorCode::NotFound);
    }

    #[test]
    fn a_panicking_task_becomes_an_internal_error() {
        let err = tauri::async_runtime::block_on(task::<(), IpcError, _>("explode", async {
            panic!("boom")
        }))
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::Internal);
    }
}
