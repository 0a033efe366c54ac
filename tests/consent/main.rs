//! Consent tokens: issue, attenuate, verify and revoke, strict decoding, the consent gate
//! in front of the proxy, and the per-signature check of builds without `getrandom`.
//!
//! Also run without default features (`scripts/test`):
//! `cargo test --no-default-features --test consent`.

#[path = "../common/mod.rs"]
mod common;

mod misuse;
mod proxy;
mod tokens;
mod unbatched;
