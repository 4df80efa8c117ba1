//! Drift: how a live cluster differs from what Git declares, without false alarms.
//!
//! The parts, each pure and unit-tested: [`tracking`] (what Shipdeck applied, for which
//! application), [`normalize`] (what is never compared), [`mask`] (Secret values never leave),
//! [`fields`] (who owns which live field, from managedFields) and [`changes`] (field-by-field
//! differences as JSON pointers). [`compare`] puts them together for one resource under an
//! application's [`policy`]; [`predict`] asks the cluster (discovery, live objects, a forced
//! server-side apply dry run with Shipdeck's field manager); [`plan`] does it for every object
//! an application renders to, and finds the live objects tracked as its own that Git dropped.

pub mod changes;
pub mod compare;
pub mod fields;
pub mod mask;
pub mod normalize;
pub mod plan;
pub mod policy;
pub mod predict;
pub mod tracking;
