//! Hand-written TCP servers for behaviour no real Git server shows on demand: one that never
//! answers (from shipdeck-testkit), and an HTTP server that answers every request with a fixed response while
//! recording the request headers.

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::thread;

#[allow(unused_imports)] // only the timeout tests use it
pub use shipdeck_testkit::SilentServer;

/// One recorded request: the request line and headers, as received.
#[derive(Debug, Clone)]
pub struct Request {
    pub head: String,
}

impl Request {
    /// The value of a header (case-insensitive name), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }
}

/// An HTTP/1.1 server on `ip` that answers each request with `respond(request)` (a full
/// response head, without the final blank line; no body) and closes the connection.
pub struct HttpStub {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl HttpStub {
    pub fn start(ip: IpAddr, respond: impl Fn(&Request) -> String + Send + 'static) -> Self {
        let listener = TcpListener::bind((ip, 0))
            .unwrap_or_else(|e| panic!("binding an HTTP stub on {ip}: {e}"));
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut head = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => break,
                        Ok(_) if line == "\r\n" => break,
                        Ok(_) => head.push_str(&line),
                    }
                }
                let request = Request { head };
                let response = respond(&request);
                seen.lock().unwrap().push(request);
                let _ = write!(
                    stream,
                    "{response}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        Self { addr, requests }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}
