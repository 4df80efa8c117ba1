//! Ports for the servers tests start on loopback.
//!
//! Binding port 0 hands out a port from Linux's ephemeral range (32768–60999), the range every
//! outgoing connection takes its local port from. Between the pick and the server's own bind,
//! any client connection (the app's, a kube client's, WebKit's) can take it, and the server
//! then fails to start; a parallel test picking the same number does the same. So ports come
//! from below that range (and above the control plane's fixed 17xxx ports), each process
//! starting at its own offset and never handing out a number twice.

use std::net::{Ipv4Addr, TcpListener};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const FIRST: u16 = 20_000;
const END: u16 = 32_000;

/// A loopback port that nothing listens on and that no other caller in this process was given.
///
/// Another process could still bind it first; cargo runs test binaries one at a time, and
/// nothing else on the machine picks ports from this range, so a clash is a loud, rare failure.
pub fn free_port() -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    static START: OnceLock<u32> = OnceLock::new();
    let len = u32::from(END - FIRST);
    let start = *START.get_or_init(|| {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        std::process::id().wrapping_mul(7919).wrapping_add(nanos) % len
    });
    for _ in 0..len {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = FIRST + u16::try_from((start + n) % len).expect("below END");
        if TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return port;
        }
    }
    panic!("no free loopback port between {FIRST} and {END}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ports_are_outside_the_ephemeral_range_and_never_repeat() {
        let ports: Vec<u16> = (0..200).map(|_| free_port()).collect();
        assert!(ports.iter().all(|p| (FIRST..END).contains(p)), "{ports:?}");
        assert_eq!(ports.iter().collect::<BTreeSet<_>>().len(), ports.len());
    }
}
