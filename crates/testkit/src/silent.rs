//! A server that hangs: it accepts connections and never says a word, holding them open as
//! long as it lives. What a Git server, a cluster or any remote that stopped answering looks
//! like from the client's side.

use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

pub struct SilentServer {
    pub port: u16,
    accepted: Arc<Mutex<Vec<TcpStream>>>,
}

impl SilentServer {
    pub fn start() -> Self {
        let listener =
            TcpListener::bind(("127.0.0.1", crate::free_port())).expect("binding a silent server");
        let port = listener.local_addr().expect("its address").port();
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let held = accepted.clone();
        // Detached: it parks on `accept` until the process ends; the held streams go when the
        // server is dropped.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                held.lock().unwrap_or_else(|p| p.into_inner()).push(stream);
            }
        });
        Self { port, accepted }
    }

    /// How many connections it has accepted.
    pub fn connections(&self) -> usize {
        self.accepted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }
}
