//! Runs command bodies off the IPC thread and turns panics into errors, so a bug in one command
//! shows up as an error in the UI instead of a hung promise or a dead window.

use shipdeck_ipc::{ErrorCode, IpcError};

pub async fn blocking<T, F>(what: &'static str, f: F) -> Result<T, IpcError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, IpcError> + Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
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
        let result: Result<(), _> = blocking("explode", || panic!("boom")).await;
        let err = result.unwrap_err();
        assert_eq!(err.code, ErrorCode::Internal);
        assert!(err.message.contains("explode"), "{}", err.message);
    }

    #[tokio::test]
    async fn errors_and_values_pass_through() {
        let ok = blocking("ok", || Ok(7)).await;
        assert_eq!(ok, Ok(7));
        let err = blocking::<(), _>("bad", || Err(IpcError::new(ErrorCode::NotFound, "x"))).await;
        assert_eq!(err.unwrap_err().code, ErrorCode::NotFound);
    }
}
