//! Real Git servers on loopback for the integration tests, each started per test on a free port
//! and killed on drop.
//!
//! Missing system binaries fail the test with a message naming `cargo xtask test` (which
//! installs them) instead of skipping it: a skipped transport test would hide a regression.
//!
//! The process helpers and the HTTP server (lighttpd + git http-backend) live in
//! shipdeck-testkit, shared with the e2e and command-line tests.
//!
//! Each test binary uses a different part of this module; the rest is dead code there.
#![allow(dead_code)]

pub mod daemon;
pub mod fixture;
pub mod ssh;
pub mod stub;
