//! Drift: how a live cluster differs from what Git declares, without false alarms.
//!
//! The parts, each pure and unit-tested: [`tracking`] (what Shipdeck applied, for which
//! application), [`normalize`] (what is never compared), [`mask`] (Secret values never leave),
//! [`fields`] (who owns which live field, from managedFields) and [`changes`] (field-by-field
//! differences as JSON pointers). [`compare`] puts them together for one resource under an
//! application's [`policy`]; [`predict`] asks the cluster (discovery, live objects, a forced
//! server-side apply dry run with Shipdeck's field manager); [`plan`] does it for every object
//! an application renders to, and finds the live objects tracked as its own that Git dropped.
//! In the window, [`live_cache`] (one watch and store per kind and namespace, shared by the
//! applications on a cluster) answers for live objects, and [`predictions`] keeps dry runs
//! until what they depend on changes.

pub mod changes;
pub mod compare;
pub mod fields;
pub mod live_cache;
pub mod mask;
pub mod normalize;
pub mod plan;
pub mod policy;
pub mod predict;
pub mod predictions;
pub mod tracking;
