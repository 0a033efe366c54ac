//! Revocation in format v3 (`docs/revocation-v3.md`, `docs/revocation.md`), through the
//! public API: version notices, keys issued under them, records sealed under them, and
//! the catch-up of stored records. Each file is one guarantee of `docs/revocation.md`'s
//! table: R1 (forward), R2 (stored records), R3 (others keep access), R4 (audit).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod attacks;
mod audit;
mod catch_up;
mod common;
mod consent_currency;
mod forward;
mod hop_attacks;
mod hops;
mod session_attacks;
mod session_catch_up;
mod session_catch_up_attacks;
mod session_split;
mod session_split_attacks;
mod sessions;
mod stream_attacks;
mod stream_catch_up;
mod stream_catch_up_attacks;
mod streams;
