//! BLS signatures on BLS12-381: the ciphersuite `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`
//! of draft-irtf-cfrg-bls-signature-05 (minimal public-key size, proof of possession), the
//! one Ethereum's consensus layer uses.
//!
//! * Public keys are points of G1 (48 bytes compressed), signatures points of G2 (96 bytes),
//!   secret keys scalars (32 bytes big-endian). The raw bytes ([`BlsPublicKey::to_bytes`],
//!   [`BlsSignature::to_bytes`]) are byte-compatible with blst, py_ecc and Ethereum clients;
//!   `to_object_bytes` adds cipherchart's 4-byte object header for storage
//!   (`docs/formats.md`, "BlsPublicKey", "BlsSignature", "BlsSecretKey").
//! * [`BlsSigningKey::from_ikm`] is the draft's `KeyGen` with the salt `SHA-256("BLS-SIG-KEYGEN-SALT-")`
//!   (the draft-04 / EIP-2333 `HKDF_mod_r` behaviour, which draft-05 names as the
//!   compatible choice); [`BlsSigningKey::generate`] feeds it 32 random bytes.
//! * Messages are hashed to G2 with RFC 9380 `BLS12381G2_XMD:SHA-256_SSWU_RO_` under the DST
//!   [`SIG_DST`]; proofs of possession hash the 48-byte public key under [`POP_DST`]. These
//!   are the standard tags, not `CIPHERCHART-V01-…` ones: interoperability is the point.
//!   Protocols built on top (consent tokens, the proof chain) domain-separate their payloads
//!   before signing.
//!
//! # Validation
//!
//! A [`BlsPublicKey`] or [`BlsSignature`] value is always valid: decoding checks that the point is
//! canonical, on the curve, in the prime-order subgroup and not the identity (the draft's
//! `KeyValidate` and `signature_subgroup_check`), and aggregation refuses an identity result.
//! So the verifiers never meet an unchecked point, and there is no flag to switch checks off.
//!
//! The draft and Ethereum split decoding from validation: the identity public key
//! *deserializes* and fails `KeyValidate` later, and `Aggregate` passes an identity
//! signature through. That split is two small types, [`UnvalidatedPublicKey`] and
//! [`UnvalidatedSignature`]: they decode the identity (and every other subgroup point),
//! can be encoded, tested with `is_identity`, aggregated (signatures, Ethereum's
//! `Aggregate`) and turned into a [`BlsPublicKey`] / [`BlsSignature`] by `validate`, which
//! refuses the identity with the same error the strict decoders give. Nothing else
//! accepts them. Why types and not checks at every use (blst's `pk_validate` and
//! `sig_groupcheck` flags): a type cannot be forgotten, while a check must be repeated
//! in every verifier, batch, aggregate, consent token, chain entry and re-key that holds a
//! key, and one missed check is a forgery (an identity key contributes nothing to a
//! pairing product, so `[pk, identity]` fast-aggregate-verifies `pk`'s signature, and an
//! (identity key, identity signature) pair passes any batch). See `docs/formats.md`,
//! "BLS", for what decodes where.
//!
//! # Rogue keys
//!
//! [`fast_aggregate_verify`] and [`aggregate_verify`] are only secure for public keys whose
//! proofs of possession were checked with [`BlsPublicKey::verify_possession`] (draft §3.3). The
//! POP scheme's `AggregateVerify` is `CoreAggregateVerify`: messages need *not* be distinct.
//!
//! # Verification
//!
//! Every check is one multi-pairing with one final exponentiation, e.g.
//! `e(pk, H(m)) · e(−g1, σ) = 1`. [`batch_verify`] checks n independent triples with random
//! 128-bit weights in one (n + 1)-pair multi-pairing; [`batch_find_invalid`] bisects a failed
//! batch. Every failure is the opaque [`Error::VerificationFailed`].
//!
//! ```
//! use cipherchart::{fast_aggregate_verify, BlsSignature, BlsSigningKey};
//!
//! let alice = BlsSigningKey::generate(&mut rand_core::OsRng);
//! let bob = BlsSigningKey::generate(&mut rand_core::OsRng);
//! // Each key is published with its proof of possession, checked once.
//! alice.public_key().verify_possession(&alice.prove_possession())?;
//! bob.public_key().verify_possession(&bob.prove_possession())?;
//!
//! let msg = b"record 42 was read";
//! let sig = alice.sign(msg);
//! alice.public_key().verify(msg, &sig)?;
//!
//! let both = BlsSignature::aggregate(&[sig, bob.sign(msg)])?;
//! fast_aggregate_verify(&[alice.public_key(), bob.public_key()], msg, &both)?;
//! # Ok::<(), cipherchart::Error>(())
//! ```
//!
//! # Timing
//!
//! Everything that touches a secret key is constant time (`docs/constant-time.md`): the key
//! is held as a secret scalar of the internal constant-time layer
//! from `KeyGen` (a constant-time wide reduction of the HKDF output) or from
//! [`BlsSigningKey::from_bytes`] (a borrow-chain range check and zero test, of which only the
//! accept/reject bit is published), exported by a constant-time encoding, and used only in
//! the `ct` layer's fixed-window multiplications (`sk · g1` by a comb, `sk · H(m)` by a
//! signed 4-bit window with masked lookups and complete formulas). The valgrind check
//! (`scripts/ctcheck`) runs key generation, import, export, signing and proof of
//! possession with a secret key. Verification, aggregation and hashing to G2 handle only
//! public data and use arkworks' variable-time arithmetic.

mod keys;
mod public_key;
mod signature;
mod verify;

#[cfg(test)]
mod tests;

use ark_bls12_381::{G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::AffineRepr;
use ark_ff::Zero;

use crate::ct::{SecretG1, SecretG2, SecretScalar};
use crate::error::{Error, Result};
use crate::hash::hash_to_g2;

pub use keys::{BlsSigningKey, MIN_IKM_LEN};
pub use public_key::{BlsPublicKey, UnvalidatedPublicKey};
pub use signature::{BlsSignature, UnvalidatedSignature};
pub use verify::{aggregate_verify, batch_find_invalid, batch_verify, fast_aggregate_verify};

/// The ciphersuite identifier (draft-irtf-cfrg-bls-signature-05 §4.2.3).
pub const CIPHERSUITE: &str = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/// The hash-to-G2 domain separation tag of messages (`hash_to_point`).
pub const SIG_DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/// The hash-to-G2 domain separation tag of proofs of possession (`hash_pubkey_to_point`).
pub const POP_DST: &[u8] = b"BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/// Length of a raw public key (compressed G1).
pub(crate) const PUBLIC_KEY_LEN: usize = 48;

/// Length of a raw signature (compressed G2).
pub(crate) const SIGNATURE_LEN: usize = 96;

/// Length of a raw secret key (big-endian scalar).
#[cfg_attr(not(feature = "hazmat"), allow(dead_code))] // Reached only through `hazmat`.
pub(crate) const SECRET_KEY_LEN: usize = 32;

/// `sk · p` for a secret scalar and a public G2 point (signing and proving possession),
/// in constant time (`ct` layer: fixed signed window, masked lookups, complete formulas);
/// the result is a signature, so it is published.
pub(crate) fn mul_secret_g2(p: &G2Affine, sk: &SecretScalar) -> G2Affine {
    SecretG2::mul_base(p, sk).publish()
}

/// `sk · g1` for a secret scalar (public-key derivation), in constant time (comb).
pub(crate) fn mul_secret_g1(sk: &SecretScalar) -> G1Affine {
    SecretG1::mul_generator(sk).publish()
}

/// `hash_to_point` (`dst` = [`SIG_DST`]) or `hash_pubkey_to_point` (`dst` = [`POP_DST`]).
///
/// # Errors
///
/// Only if arkworks' isogeny map meets a zero denominator, which the SSWU output never
/// produces; the caller fails closed.
fn hash_point(dst: &[u8], msg: &[u8]) -> Result<G2Affine> {
    hash_to_g2(dst, msg)
}

/// `Π e(g1_i, g2_i) · e(−g1, sig) = 1`, i.e. `Σ` of the pairings balances the signature:
/// one multi-Miller loop and one final exponentiation.
///
/// # Errors
///
/// [`Error::VerificationFailed`] if the product is not 1.
fn pairing_check(
    g1: impl IntoIterator<Item = G1Affine>,
    g2: impl IntoIterator<Item = G2Affine>,
    sig: &G2Affine,
) -> Result<()> {
    // Never accept the identity: it only comes from a failed hash (see `BlsSigningKey::sign`).
    if sig.is_zero() {
        return Err(Error::VerificationFailed);
    }
    let neg_g = -G1Affine::generator();
    let lhs: Vec<G1Affine> = g1.into_iter().chain([neg_g]).collect();
    let rhs: Vec<G2Affine> = g2.into_iter().chain([*sig]).collect();
    if lhs.len() != rhs.len() {
        return Err(Error::VerificationFailed);
    }
    // arkworks natively; on wasm32 the faster 32-bit-limb tower (`ct::pairing`).
    if crate::ct::pairing::multi_pairing_vartime(&lhs, &rhs).is_zero() {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}

/// Sums points of G2 (aggregation of signatures; public data).
fn sum_g2<'a>(points: impl IntoIterator<Item = &'a G2Affine>) -> G2Affine {
    points
        .into_iter()
        .fold(G2Projective::zero(), |acc, p| acc + p)
        .into()
}

/// Sums points of G1 (aggregation of public keys; public data).
fn sum_g1<'a>(points: impl IntoIterator<Item = &'a G1Affine>) -> G1Affine {
    points
        .into_iter()
        .fold(G1Projective::zero(), |acc, p| acc + p)
        .into()
}

/// Lower-case hex, for `Debug` output of public values.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

mod each;
pub use each::{find_invalid_each, verify_each};
