//! Verifying several signatures: `FastAggregateVerify`, `AggregateVerify` (POP scheme) and
//! randomised batch verification.

use ark_bls12_381::{Fr, G1Affine, G2Affine, G2Projective};
use ark_ec::{CurveGroup, VariableBaseMSM};
use rand_core::{CryptoRng, RngCore};

use super::{hash_point, pairing_check, BlsPublicKey, BlsSignature, SIG_DST};
use crate::error::{Error, Result};

/// Checks an aggregate of signatures by `pks` on one message (the draft's
/// `FastAggregateVerify`): the keys are summed and the sum checked like one key.
///
/// Every key must come with a proof of possession checked by
/// [`BlsPublicKey::verify_possession`]; without that, a rogue key (`pk_x = g^x − pk_victim`)
/// forges "joint" signatures.
///
/// # Errors
///
/// [`Error::InvalidArgument`] if `pks` is empty; [`Error::VerificationFailed`] if the
/// signature is not valid (including keys that sum to the identity).
pub fn fast_aggregate_verify(pks: &[BlsPublicKey], msg: &[u8], sig: &BlsSignature) -> Result<()> {
    if pks.is_empty() {
        return Err(Error::InvalidArgument(
            "fast_aggregate_verify needs at least one public key",
        ));
    }
    let aggregate = BlsPublicKey::aggregate(pks).map_err(|_| Error::VerificationFailed)?;
    aggregate.verify(msg, sig)
}

/// Checks an aggregate signature over `(pk_i, msg_i)` pairs (the POP scheme's
/// `AggregateVerify`, which is the draft's `CoreAggregateVerify`):
/// `Π e(pk_i, H(msg_i)) · e(−g1, sig) = 1`.
///
/// The proof-of-possession scheme does **not** require distinct messages (the basic
/// scheme's `AggregateVerify` does, because it has no other defence against rogue keys);
/// every key must instead have a checked proof of possession.
///
/// # Errors
///
/// [`Error::InvalidArgument`] if `pairs` is empty; [`Error::VerificationFailed`] if the
/// signature is not valid.
pub fn aggregate_verify(pairs: &[(BlsPublicKey, &[u8])], sig: &BlsSignature) -> Result<()> {
    if pairs.is_empty() {
        return Err(Error::InvalidArgument(
            "aggregate_verify needs at least one (public key, message) pair",
        ));
    }
    let mut hashes = Vec::with_capacity(pairs.len());
    for (_, msg) in pairs {
        hashes.push(hash_point(SIG_DST, msg).map_err(|_| Error::VerificationFailed)?);
    }
    pairing_check(pairs.iter().map(|(pk, _)| *pk.point()), hashes, sig.point())
}

/// Checks n independent `(public key, message, signature)` triples at once, about n + 1
/// pairings' worth of Miller loops and a single final exponentiation instead of n of each.
///
/// Draws a random 128-bit weight `r_i` per triple and checks
/// `Π e(r_i · pk_i, H(msg_i)) · e(−g1, Σ r_i · sig_i) = 1`. If every signature is valid this
/// holds; if any is not, it holds with probability at most 2^-127 over the weights
/// (signatures forged to cancel each other would have to predict them). Use
/// [`batch_find_invalid`] to locate the bad triples after a failure.
///
/// # Errors
///
/// [`Error::InvalidArgument`] if `items` is empty or the RNG gives only zeros;
/// [`Error::VerificationFailed`] if any triple is not valid.
pub fn batch_verify<R: RngCore + CryptoRng + ?Sized>(
    items: &[(BlsPublicKey, &[u8], BlsSignature)],
    rng: &mut R,
) -> Result<()> {
    if items.is_empty() {
        return Err(Error::InvalidArgument(
            "batch_verify needs at least one signature",
        ));
    }
    let weights = items
        .iter()
        .map(|_| random_weight(rng))
        .collect::<Option<Vec<Fr>>>()
        .ok_or(Error::InvalidArgument(
            "batch_verify: the RNG gave only zero weights",
        ))?;
    let mut scaled_pks: Vec<G1Affine> = Vec::with_capacity(items.len());
    let mut hashes: Vec<G2Affine> = Vec::with_capacity(items.len());
    for ((pk, msg, _), w) in items.iter().zip(&weights) {
        // Public data: variable-time arithmetic is fine.
        scaled_pks.push((*pk.point() * w).into_affine());
        hashes.push(hash_point(SIG_DST, msg).map_err(|_| Error::VerificationFailed)?);
    }
    let sigs: Vec<G2Affine> = items.iter().map(|(_, _, s)| *s.point()).collect();
    let combined = G2Projective::msm(&sigs, &weights)
        .map_err(|_| Error::VerificationFailed)?
        .into_affine();
    pairing_check(scaled_pks, hashes, &combined)
}

/// The indices (ascending) of the triples that do not verify, found by bisection: a batch
/// that passes [`batch_verify`] is cleared at once, a failing one is split in two. With k
/// bad triples among n this costs about 2k·log2(n) batch checks instead of n single ones.
/// Returns an empty vector if every triple verifies, **and for an empty `items`**: an empty
/// result verified nothing, so check that there was something to verify (or use
/// [`batch_verify`], which refuses an empty batch). With an RNG that gives only zeros every
/// batch check fails, and bisection ends in plain one-by-one verification: the result is
/// still exact.
pub fn batch_find_invalid<R: RngCore + CryptoRng + ?Sized>(
    items: &[(BlsPublicKey, &[u8], BlsSignature)],
    rng: &mut R,
) -> Vec<usize> {
    let mut bad = Vec::new();
    bisect(items, 0, rng, &mut bad);
    bad
}

fn bisect<R: RngCore + CryptoRng + ?Sized>(
    items: &[(BlsPublicKey, &[u8], BlsSignature)],
    offset: usize,
    rng: &mut R,
    bad: &mut Vec<usize>,
) {
    if items.is_empty() {
        return;
    }
    if let [(pk, msg, sig)] = items {
        // A single triple: a plain verification, no weights needed.
        if pk.verify(msg, sig).is_err() {
            bad.push(offset);
        }
        return;
    }
    if batch_verify(items, rng).is_ok() {
        return;
    }
    let (left, right) = items.split_at(items.len() / 2);
    bisect(left, offset, rng, bad);
    bisect(right, offset + left.len(), rng, bad);
}

/// A uniformly random non-zero 128-bit weight, or `None` if the RNG is broken: a working
/// RNG draws zero with probability 2^-128, so 16 zero draws in a row mean an RNG that only
/// gives zeros, and the batch fails closed instead of looping forever.
fn random_weight<R: RngCore + CryptoRng + ?Sized>(rng: &mut R) -> Option<Fr> {
    (0..16).find_map(|_| {
        let w = (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64());
        (w != 0).then(|| Fr::from(w))
    })
}
