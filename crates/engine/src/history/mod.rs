//! The deployment history: what the team did, indexed for the timeline and the DORA metrics.
//! [`store`] is the database, [`jsonl`] the exchange format it imports and exports.

pub mod argocd;
pub mod files;
pub mod index;
pub mod jsonl;
pub mod marks;
pub mod replicasets;
mod rows;
mod schema;
pub mod scope;
pub mod store;
pub mod timeline;

pub use store::{Imported, Opened, Origin, Scope, Store};
