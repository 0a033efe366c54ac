//! Attribute-based proxy re-encryption: hops, re-keys and batches end to end, property
//! tests, and the outside reviews of wire format v2 (attacks, the replayed findings, the
//! opening order and the record open-cost budget).

#[path = "../common/mod.rs"]
mod common;

mod attacks;
mod findings;
mod fixtures;
mod hops;
mod misuse;
mod open_attacks;
mod props;
