//! End-to-end tests: one binary, one module per area. They drive the real window, so they are
//! ignored by a plain `cargo test`; `cargo xtask test` runs them with everything they need.

mod clusters;
mod connections;
mod deploy;
mod drift;
mod keyring;
mod metrics;
mod navigation;
