//! Domain-separated hashing: to bytes, to scalars, and to the curve.
//!
//! Three primitives, each under its own domain separation tag from [`dst`]:
//!
//! * [`expand_message_xmd`]: RFC 9380 §5.3.1 with SHA-256, the one building block for
//!   byte outputs (the FO mask F) and for
//! * [`hash_to_scalars`] / [`hash_to_scalar`]: RFC 9380 §5.2 `hash_to_field` into the
//!   scalar field Fr, 48 bytes per scalar read big-endian and reduced mod r (the FO coins
//!   G, the re-encryption blinding H_z);
//! * [`hash_to_g1`] / [`hash_to_g2`]: the RFC 9380 suites
//!   `BLS12381G1_XMD:SHA-256_SSWU_RO_` and `BLS12381G2_XMD:SHA-256_SSWU_RO_`, through
//!   arkworks, and on top of G1 the FAME points [`attribute_points`] and
//!   [`column_points`], cached process-wide.
//!
//! # Why our own `expand_message_xmd`
//!
//! arkworks' `DefaultFieldHasher` prefixes the message with `Z_pad` of the *field element*
//! length L instead of SHA-256's 64-byte input block (arkworks-rs/algebra#849). For the
//! 381-bit base field L = 64 and the two coincide, so hashing to G1 and G2 through arkworks
//! is conformant (the RFC 9380 vectors pass); for the 255-bit scalar field L = 48 and the
//! output is not RFC 9380's. The ~40 lines here follow §5.3.1 and §5.3.3 (DSTs longer than
//! 255 bytes) and are tested against RFC 9380 Appendix K, including its 256-byte-DST set.
//!
//! # Why the FAME point inputs are injective
//!
//! FAME needs hash points whose discrete logarithms nobody knows, one independent point
//! per (attribute, l, t) and per (column, l, t). Hashing to the curve as a random oracle
//! gives independence only for *distinct inputs*, so the inputs are an injective,
//! type-tagged encoding:
//!
//! * W(y,l,t) = H1(`0x01 ‖ l ‖ t ‖ len32(y) ‖ y`) and U(j,l,t) = H1(`0x02 ‖ l ‖ t ‖ j32`),
//!   l, t one byte each, len32 and j32 big-endian u32, y the attribute's UTF-8 bytes,
//!   all under [`DST_FAME_G1`].
//! * An attribute at a version `v ≥ 1` (`docs/revocation-v3.md` §3.1) is
//!   W(y,v,l,t) = H1(`0x03 ‖ l ‖ t ‖ u32 v ‖ len32(y) ‖ y`), built only from a
//!   `NonZeroU32`; version 0 is W(y,l,t) above, so v2 keys and headers keep their points.
//! * The first byte separates the three types, so no input of one equals an input of
//!   another.
//! * Within a type every field sits at a fixed offset: tag, l and t are bytes 0, 1, 2; a
//!   column input is exactly 7 bytes; an attribute input's name is everything after byte 7
//!   (after byte 11 in a versioned one, whose version is bytes 3..7) (the length prefix confirms it and keeps the format self-delimiting if fields are
//!   ever appended). So the input determines (y, l, t) or (j, l, t), and distinct tuples
//!   give distinct inputs.
//!
//! Public FAME code got this wrong in two ways that each break all security, and the tests
//! of this module check both are impossible here: plain concatenation (`y ‖ l ‖ t` beside
//! `"0" ‖ j ‖ l ‖ t`) lets the holder of attribute `01` own the column points and decrypt
//! everything; and a "hash" of the form g^H(x) has a known discrete log, so any key
//! decrypts everything.
//!
//! The parts of `msg` given to [`expand_message_xmd`] and [`hash_to_scalars`] are simply
//! concatenated: a caller hashing several variable-length fields must make the framing
//! injective itself (fixed lengths, or length prefixes).
//!
//! # Secrets
//!
//! Never hash secrets to the curve: the SSWU map computes square roots and inversions in
//! variable time. Attribute names and column indices are public. Hashing secrets to bytes
//! or scalars is fine (SHA-256 is constant time; intermediate blocks are zeroised).
//!
//! # Caches
//!
//! [`attribute_points`] and [`column_points`] cost about 1.5 ms each (six hashes to G1)
//! and are deterministic, so they are cached in process-wide `std::sync::Mutex`es (which
//! also work on wasm32): attributes by (name, version) in a least-recently-used map of
//! 4096 entries,
//! columns 1..=4096 in a vector grown on demand.

#![allow(dead_code)] // used by the abe/record modules, in progress

mod curve;
pub(crate) mod dst;
mod points;
mod scalar;
mod xmd;

#[cfg(test)]
mod tests;

// The crate-internal API; unused until the abe/record modules land.
#[allow(unused_imports)]
pub(crate) use curve::{encode_to_g1, encode_to_g2, hash_to_g1, hash_to_g2};
#[allow(unused_imports)]
pub(crate) use points::{attribute_points, column_points, AttributePoints};
#[allow(unused_imports)]
pub(crate) use scalar::{hash_to_scalar, hash_to_scalars};
#[allow(unused_imports)]
pub(crate) use xmd::expand_message_xmd;

/// The DST of H1, FAME's hash to G1 for attribute and column points.
pub(crate) const DST_FAME_G1: &[u8] = dst::FAME_G1;
