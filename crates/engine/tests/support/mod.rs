//! Real Git servers on loopback for the integration tests, each started per test on a free port
//! and killed on drop.
//!
//! Missing system binaries fail the test with a message naming `cargo xtask test` (which
//! installs them) instead of skipping it: a skipped transport test would hide a regression.

pub mod daemon;
pub mod fixture;
pub mod http;
pub mod process;
pub mod ssh;
