//! Tests of the hash module: RFC 9380 known answers (read with `include_str!` because the
//! module is crate-internal), hash-to-scalar against an independent computation, the
//! injectivity and attack tests of DESIGN §2, the caches and the DST table.

// A failed test aborts; that is what these are for.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod dst;
mod kat;
mod points;
mod scalars;
mod xmd;

/// Decodes hex, with or without a `0x` prefix.
fn unhex(s: &str) -> Vec<u8> {
    let s = s.strip_prefix("0x").unwrap_or(s);
    let padded = if s.len() % 2 == 1 {
        format!("0{s}")
    } else {
        s.to_owned()
    };
    hex::decode(padded).unwrap_or_else(|e| panic!("bad hex {s}: {e}"))
}
