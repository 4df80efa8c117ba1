pub mod applications;
pub mod drift;
pub mod metrics;
pub mod not_found;
pub mod overview;
pub mod settings;
pub mod timeline;
