//! Sealed records: who opens what, sizes and limits, attacks on the encoding (bit flips,
//! swapped headers, replayed KEM headers), property tests, and the open-cost budget.

#[path = "../common/mod.rs"]
mod common;

mod attacks;
mod fo_batch_attacks;
mod misuse;
mod open_cost;
mod props;
mod sealed;
