//! The deployment history: what the team did, indexed for the timeline and the DORA metrics.
//! So far only its exchange format ([`jsonl`]).

pub mod jsonl;
