//! Tests of the wire-format helpers: the zkcrypto Zcash-format vectors (read with
//! `include_str!` because the module is crate-internal), round trips, one negative test
//! per [`EncodingError`](crate::EncodingError) kind and check, a GT subgroup test against
//! arkworks' own check, and a proptest that no input makes any reader method panic.

mod gt;
mod header;
mod no_panic;
mod points;
mod roundtrip;
mod scalars;
mod vectors;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use crate::error::{EncodingError, Error};

/// Test results: `?` works on library results, assertions fail the test.
type TestResult = Result<(), Error>;

/// A deterministic RNG, one stream per test.
fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// The encoding error inside a library error, for assertions.
fn kind<T: core::fmt::Debug>(r: crate::Result<T>) -> Option<EncodingError> {
    match r {
        Err(Error::InvalidEncoding(e)) => Some(e),
        _ => None,
    }
}

/// Decodes hex (the vector files are lowercase hex, one encoding per line).
fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s.trim()).unwrap_or_default()
}

/// Copies a slice into an array; a wrong length gives an all-zero array, which every
/// test that uses this would notice.
fn array<const N: usize>(b: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    if b.len() == N {
        out.copy_from_slice(b);
    }
    out
}
