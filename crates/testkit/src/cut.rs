//! A connection that can be cut: a TCP relay in front of a real server (the local API
//! server), on a loopback port of its own. Cutting it closes every relayed connection and
//! stops listening, which is what a client sees when a cluster goes away; restoring it listens
//! again on the same port, as a cluster that comes back.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct CuttableLink {
    pub port: u16,
    target: SocketAddr,
    up: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl CuttableLink {
    /// Relays `127.0.0.1:<port>` to `target`, starting up.
    pub fn start(target: SocketAddr) -> Self {
        let link = Self {
            port: crate::free_port(),
            target,
            up: Arc::new(AtomicBool::new(false)),
            open: Arc::new(Mutex::new(Vec::new())),
        };
        link.restore();
        link
    }

    /// Closes every relayed connection and stops accepting new ones.
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        // Wakes the accept loop so it sees `up` is false and drops the listener.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        for stream in self.lock().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    /// Listens again on the same port.
    pub fn restore(&self) {
        let listener = loop {
            // The port of the previous listener may take a moment to be free again.
            match TcpListener::bind(("127.0.0.1", self.port)) {
                Ok(l) => break l,
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        };
        self.up.store(true, Ordering::SeqCst);
        let (up, open, target) = (self.up.clone(), self.open.clone(), self.target);
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if !up.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(target) else {
                    continue;
                };
                relay(&open, client, server);
            }
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<TcpStream>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for CuttableLink {
    fn drop(&mut self) {
        self.cut();
    }
}

fn relay(open: &Mutex<Vec<TcpStream>>, client: TcpStream, server: TcpStream) {
    let pairs = [
        (client.try_clone(), server.try_clone()),
        (server.try_clone(), client.try_clone()),
    ];
    {
        let mut open = open.lock().unwrap_or_else(|p| p.into_inner());
        open.push(client);
        open.push(server);
    }
    for pair in pairs {
        let (Ok(mut from), Ok(mut to)) = pair else {
            continue;
        };
        std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            while let Ok(n) = from.read(&mut buf) {
                if n == 0 || to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            let _ = to.shutdown(Shutdown::Write);
        });
    }
}
