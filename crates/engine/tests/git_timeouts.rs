//! Silent servers: a server that accepts the connection and never answers must fail a clone
//! or remote check within the read timeout, and Cancel must not wait for it.
//!
//! A test binary of its own: libgit2's timeouts are process-wide, and these are set short.

mod support;

use shipdeck_engine::git::{
    Auth, CancelToken, ErrorKind, Mirror, Revision, Source, init_network_timeouts,
};
use std::sync::Once;
use std::time::{Duration, Instant};
use support::fixture::Origin;
use support::stub::SilentServer;
use tempfile::TempDir;

const READ_TIMEOUT: Duration = Duration::from_secs(2);

/// How much later than the timeout a call may return on a loaded two-core CI machine.
const SLACK: Duration = Duration::from_secs(5);

fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| init_network_timeouts(Duration::from_secs(5), READ_TIMEOUT));
}

fn silent_urls(server: &SilentServer) -> [String; 2] {
    [
        format!("git://127.0.0.1:{}/app.git", server.port),
        format!("http://127.0.0.1:{}/git/app.git", server.port),
    ]
}

fn source(url: &str) -> Source {
    Source::parse(url, Revision::branch("main").unwrap(), "", Auth::None).unwrap()
}

#[test]
fn a_silent_server_fails_clone_and_remote_check_within_the_read_timeout() {
    init();
    let server = SilentServer::start();
    let cache = TempDir::new().unwrap();
    let origin = Origin::new();
    for (i, url) in silent_urls(&server).iter().enumerate() {
        let src = source(url);
        let dir = cache.path().join(format!("c{i}"));
        let started = Instant::now();
        let err = Mirror::clone(&dir, &src, &CancelToken::new(), &mut |_| {}).unwrap_err();
        let took = started.elapsed();
        eprintln!("{url}: {err} after {took:?}");
        assert_eq!(err.kind(), ErrorKind::Timeout, "{url}: {err}");
        assert!(
            err.to_string().contains("did not answer within 2 s"),
            "{url}: {err}"
        );
        assert!(err.is_transient());
        assert!(
            took >= READ_TIMEOUT.mul_f64(0.9) && took < READ_TIMEOUT + SLACK,
            "{url}: failed after {took:?}"
        );
        assert!(!dir.exists());

        // `ls-remote` from an existing cache whose server went silent.
        let mirror_dir = cache.path().join(format!("m{i}"));
        let good = source(&origin.bare().display().to_string());
        Mirror::clone(&mirror_dir, &good, &CancelToken::new(), &mut |_| {}).unwrap();
        let mirror = Mirror::open(&mirror_dir, &src).unwrap();
        let started = Instant::now();
        let err = mirror.check_remote(&src, &CancelToken::new()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{url} (ls-remote): {err}");
        assert!(started.elapsed() < READ_TIMEOUT + SLACK);
    }
    assert!(server.connections() >= 4, "the server was reached");
}

#[test]
fn cancel_during_a_silent_call_is_honoured_when_libgit2_returns() {
    init();
    let server = SilentServer::start();
    let cache = TempDir::new().unwrap();
    for (i, url) in silent_urls(&server).iter().enumerate() {
        let src = source(url);
        let dir = cache.path().join(format!("c{i}"));
        let cancel = CancelToken::new();
        let canceller = {
            let cancel = cancel.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(300));
                cancel.cancel();
            })
        };
        let err = Mirror::clone(&dir, &src, &cancel, &mut |_| {}).unwrap_err();
        canceller.join().unwrap();
        assert_eq!(
            err.kind(),
            ErrorKind::Cancelled,
            "{url}: a cancelled call reported {err}"
        );
        assert!(!dir.exists());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_async_caller_returns_at_once_on_cancel() {
    init();
    let server = SilentServer::start();
    let cache = TempDir::new().unwrap();
    let src = source(&silent_urls(&server)[0]);
    let dir = cache.path().join("c");
    let cancel = CancelToken::new();
    let job = tokio::task::spawn_blocking({
        let cancel = cancel.clone();
        let dir = dir.clone();
        move || Mirror::clone(&dir, &src, &cancel, &mut |_| {}).map(drop)
    });
    let cancel_after = Duration::from_millis(300);
    tokio::spawn({
        let cancel = cancel.clone();
        async move {
            tokio::time::sleep(cancel_after).await;
            cancel.cancel();
        }
    });
    let started = Instant::now();
    tokio::pin!(job);
    tokio::select! {
        () = cancel.cancelled() => {}
        _ = &mut job => panic!("the blocking clone returned before it was cancelled"),
    }
    assert!(
        started.elapsed() < cancel_after + Duration::from_millis(500),
        "Cancel took {:?}, the read timeout is {READ_TIMEOUT:?}",
        started.elapsed() - cancel_after
    );
    // The blocking call still ends on its own, as cancelled, and leaves nothing behind.
    let result = tokio::time::timeout(READ_TIMEOUT + SLACK, job)
        .await
        .expect("the blocking clone did not end after the read timeout")
        .unwrap();
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Cancelled);
    assert!(!dir.exists());
}
