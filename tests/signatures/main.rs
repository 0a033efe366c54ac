//! BLS signatures: known answers from outside and properties (`bls`), misuse, and with the
//! `hazmat` feature the outside review of the decode/validate split (`bls_attacks`) and the
//! public hash-to-curve API against RFC 9380 and Ethereum `hash_to_G2` (`hash_to_curve`).
//! The workspace run leaves those two out; `scripts/test` runs them alone:
//! `cargo test --features hazmat --test signatures -- bls_attacks:: hash_to_curve::`.

#[path = "../common/mod.rs"]
mod common;

mod bls;
#[cfg(feature = "hazmat")]
mod bls_attacks;
#[cfg(feature = "hazmat")]
mod hash_to_curve;
mod misuse;
