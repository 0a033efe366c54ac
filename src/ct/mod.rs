//! Constant-time arithmetic for everything that touches a secret (`docs/constant-time.md`).
//!
//! arkworks 0.6 is not constant time: its Montgomery backend ends every field
//! operation with a conditional subtraction (a real jump), inversion is a binary
//! extended Euclid, scalar multiplication is double-and-add or GLV with `num-bigint`,
//! fixed-base tables and MSMs index memory by secret digits, and `into_affine`,
//! point compression and GT exponentiation branch on the data
//! (`docs/constant-time.md`). This module re-does the
//! operations the library applies to secrets:
//!
//! - [`backend`]: a constant-time `ark_ff::FpConfig` over ark-bls12-381's own
//!   `MontConfig`s (same Montgomery form, so conversions copy limbs), with masked
//!   reduction and Fermat inversion; [`fields`] builds `CtFr`, `CtFq` and the tower up
//!   to `CtFq12` on it;
//! - [`curve`], [`mul`]: G1/G2 points in projective coordinates with the complete
//!   Renes–Costello–Batina formulas, fixed signed 4-bit window multiplication with a
//!   masked lookup over every entry, multi-scalar multiplication, fixed-base combs;
//! - [`gt`]: fixed-window exponentiation in the cyclotomic subgroup;
//! - [`pairing`]: the optimal ate (multi-)pairing on the CT tower, for pairings with
//!   secret inputs (decryption with key points);
//! - [`scalar`], [`compress`]: wide reductions (64 or 48 bytes → Z_r), scalar
//!   decoding with a range check, compressed point encoding, all without early exits;
//! - [`secret`]: the newtypes `SecretScalar`, `SecretG1`, `SecretG2`, `SecretGt` that
//!   the rest of the crate holds secrets in: no arkworks operator, zeroize on drop,
//!   redacted `Debug`, `ConstantTimeEq`, and explicitly named exits;
//! - [`wipe`]: zeroing the stack region a secret operation used (the `Copy` field
//!   elements leave copies there);
//! - [`declassify`]: the named points where a secret-derived value becomes public,
//!   hooked by the valgrind check (`scripts/ctcheck`).
//!
//! Variable-time code elsewhere in the crate is named `*_vartime` and only ever sees
//! public data.

// Without `ctcheck` (and outside unit tests) this layer is crate-private, and the harness
// API (secret-point decoders `from_compressed` / `g1_decompress`, the generator tables, the
// tower multi-pairing, `Declassify`) has no caller in the library itself: its callers are
// ctcheck/, benches/ct.rs, benches/dudect.rs and the unit tests. In those builds dead code
// is still reported.
#![cfg_attr(not(any(test, feature = "ctcheck")), allow(dead_code, unused_imports))]

pub mod backend;
pub mod compress;
pub mod curve;
pub mod declassify;
pub mod fields;
pub mod gt;
pub(crate) mod limbs;
pub mod mul;
pub mod pairing;
pub mod scalar;
pub mod secret;
pub mod wipe;

#[cfg(test)]
mod tests;

pub use declassify::declassify_choice;
#[cfg(feature = "ctcheck")]
pub use declassify::Declassify;
pub use pairing::{multi_pairing, CtG2Prepared};
pub use secret::{
    g1_generator_table, g2_generator_table, Gt, SecretAffine, SecretBaseTable, SecretG1,
    SecretG1Affine, SecretG2, SecretG2Affine, SecretGt, SecretPoint, SecretScalar,
};
pub use wipe::{after_wiping_aead_stack, after_wiping_stack};
