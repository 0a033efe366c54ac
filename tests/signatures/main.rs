//! BLS signatures: known answers from outside and properties (`bls`), and the outside
//! review of the decode/validate split (`bls_attacks`, feature `hazmat`).

#[path = "../common/mod.rs"]
mod common;

mod bls;
#[cfg(feature = "hazmat")]
mod bls_attacks;
mod misuse;
