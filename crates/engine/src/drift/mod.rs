//! Drift: how a live cluster differs from what Git declares, without false alarms.
//!
//! The parts, each pure and unit-tested: [`tracking`] (what Shipdeck applied, for which
//! application), [`normalize`] (what is never compared), [`mask`] (Secret values never leave),
//! [`fields`] (who owns which live field, from managedFields) and [`changes`] (field-by-field
//! differences as JSON pointers). Comparing against the API server's server-side-apply
//! prediction builds on these.

pub mod changes;
pub mod fields;
pub mod mask;
pub mod normalize;
pub mod tracking;
