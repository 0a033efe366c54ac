//! An outside review of the BLS decode/validate split (issue 17, CHANGELOG [Unreleased]).
//!
//! Written against the documentation and the public API only (`docs/formats.md` "BLS:
//! what decodes, what is refused where", `docs/security.md` M3/M11/M15, the rustdoc of
//! `cipherchart::sig` and `cipherchart::hazmat`), by someone who did not write the split.
//! The claim under attack: `sig::PublicKey` / `sig::Signature` can never hold the identity
//! (nor a non-subgroup or non-canonical point), the new `UnvalidatedPublicKey` /
//! `UnvalidatedSignature` (which *do* decode the identity) reach no verifier, and nothing
//! that uses a key or signature (verify, PoP, fast / aggregate / batch verification, key
//! and signature aggregation, consent tokens, chain entries and stores, checkpoints, proof
//! files, delegation keys and re-keys) accepts the identity or anything refused before.
//!
//! Every attack is one test. An attack the library withstands asserts the refusal (a typed
//! error, never a panic, never a success). An attack that works is `#[ignore = "FINDING:
//! …"]` with the reproduction in the test. Cases that succeed *by design* (documented rogue
//! keys without proofs of possession, hazmat under the library's own DST, the negation
//! `(−pk, −σ)` being a valid pair) assert the documented behaviour and say so.
//!
//! Oracles from outside the crate: blst (dev-dependency) for point decoding and
//! hash-to-curve, a from-the-RFC `expand_message_xmd`, and byte layouts written by hand
//! from `docs/formats.md` (each checked first by building a valid object that the library
//! accepts, so that a refusal is the point's and not the encoder's).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed test aborts

use std::sync::mpsc;
use std::time::Duration;

use ark_bls12_381::{Fq, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, One, PrimeField};
use ark_serialize::CanonicalSerialize;
use cipherchart::hazmat;
use cipherchart::{
    aggregate_verify, batch_find_invalid, batch_verify, fast_aggregate_verify, BlsPublicKey,
    BlsSignature, BlsSigningKey, UnvalidatedPublicKey, UnvalidatedSignature, POP_DST, SIG_DST,
};
use cipherchart::{
    seal, Action, Authority, ChainErrorKind, ConsentError, DelegationKey, EncodingError, Error,
    Policy, ProofFile, ReKey, SealedRecord,
};
use cipherchart::{Chain, Checkpoint, Entry, EntryDraft, MemoryStore, EMPTY_ROOT};
use cipherchart::{ConsentToken, RevocationSet};
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

const G1_LEN: usize = 48;
const G2_LEN: usize = 96;

fn identity_g1() -> [u8; G1_LEN] {
    let mut b = [0u8; G1_LEN];
    b[0] = 0xc0;
    b
}

fn identity_g2() -> [u8; G2_LEN] {
    let mut b = [0u8; G2_LEN];
    b[0] = 0xc0;
    b
}

fn key(seed: u8) -> BlsSigningKey {
    BlsSigningKey::from_ikm(&[seed; 32], b"bls-attacks").unwrap()
}

fn rng(label: &str) -> ChaCha20Rng {
    ChaCha20Rng::from_seed(Sha256::digest(label.as_bytes()).into())
}

/// The negation of a non-identity point: the same x with the sort flag flipped.
fn negate<const N: usize>(bytes: &[u8; N]) -> [u8; N] {
    let mut b = *bytes;
    b[0] ^= 0x20;
    b
}

fn neg_pk(pk: &BlsPublicKey) -> BlsPublicKey {
    BlsPublicKey::from_bytes(&negate(&pk.to_bytes())).unwrap()
}

fn neg_sig(sig: &BlsSignature) -> BlsSignature {
    BlsSignature::from_bytes(&negate(&sig.to_bytes())).unwrap()
}

fn encoding_error<T: std::fmt::Debug>(r: Result<T, Error>) -> EncodingError {
    match r {
        Err(Error::InvalidEncoding(e)) => e,
        other => panic!("expected an encoding error, got {other:?}"),
    }
}

fn compressed_g1(p: &G1Affine) -> [u8; G1_LEN] {
    let mut v = Vec::new();
    p.serialize_compressed(&mut v).unwrap();
    v.try_into().unwrap()
}

fn compressed_g2(p: &G2Affine) -> [u8; G2_LEN] {
    let mut v = Vec::new();
    p.serialize_compressed(&mut v).unwrap();
    v.try_into().unwrap()
}

/// A point on E(Fq) outside the order-r subgroup (the cofactor is 126 bits, so almost
/// every x with x³ + 4 square gives one), in the compressed encoding.
fn g1_off_subgroup(skip: usize) -> [u8; G1_LEN] {
    let mut x = Fq::from(5u64);
    let mut found = 0;
    loop {
        if let Some(p) = G1Affine::get_point_from_x_unchecked(x, true) {
            if !p.is_in_correct_subgroup_assuming_on_curve() {
                if found == skip {
                    return compressed_g1(&p);
                }
                found += 1;
            }
        }
        x += Fq::one();
    }
}

/// A point on E'(Fq2) outside the order-r subgroup.
fn g2_off_subgroup() -> [u8; G2_LEN] {
    let mut x = ark_bls12_381::Fq2::new(Fq::from(3u64), Fq::one());
    loop {
        if let Some(p) = G2Affine::get_point_from_x_unchecked(x, false) {
            if !p.is_in_correct_subgroup_assuming_on_curve() {
                return compressed_g2(&p);
            }
        }
        x += ark_bls12_381::Fq2::one();
    }
}

/// q as 48 big-endian bytes.
fn modulus_be() -> [u8; 48] {
    Fq::MODULUS.to_bytes_be().try_into().unwrap()
}

/// `a + b` on 48-byte big-endian numbers (no overflow expected for the inputs used).
fn add_be(a: &[u8; 48], b: &[u8; 48]) -> [u8; 48] {
    let mut out = [0u8; 48];
    let mut carry = 0u16;
    for i in (0..48).rev() {
        let s = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = s as u8;
        carry = s >> 8;
    }
    assert_eq!(carry, 0);
    out
}

/// The `x + q` alias of a valid G1 encoding (flags kept), for a key whose x is small
/// enough that `x + q < 2^381`.
fn g1_alias() -> ([u8; 48], [u8; 48]) {
    let q = modulus_be();
    for seed in 0..=255u8 {
        let pk = key(seed).public_key().to_bytes();
        let flags = pk[0] & 0xe0;
        let mut x = pk;
        x[0] &= 0x1f;
        let sum = add_be(&x, &q);
        if sum[0] & 0xe0 == 0 {
            let mut alias = sum;
            alias[0] |= flags;
            return (pk, alias);
        }
    }
    panic!("no key with a small x");
}

fn put_u32(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&u32::try_from(v).unwrap().to_be_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_u32(out, b.len());
    out.extend_from_slice(b);
}

fn base64_std(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// Replaces the single occurrence of `needle` in `hay` by `with`.
fn replace_once(hay: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    assert_eq!(needle.len(), with.len());
    let positions: Vec<usize> = hay
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(positions.len(), 1, "needle must occur exactly once");
    let mut out = hay.to_vec();
    out[positions[0]..positions[0] + needle.len()].copy_from_slice(with);
    out
}

// ---------------------------------------------------------------------------------------
// 1. Getting the identity (or worse) into the strict types
// ---------------------------------------------------------------------------------------

#[test]
fn strict_decoders_refuse_the_identity_raw_and_object() {
    assert_eq!(
        encoding_error(BlsPublicKey::from_bytes(&identity_g1())),
        EncodingError::IdentityPoint
    );
    assert_eq!(
        encoding_error(BlsSignature::from_bytes(&identity_g2())),
        EncodingError::IdentityPoint
    );
    // The object forms, header written from formats.md (43 43 10 02 / 43 43 11 02).
    let mut pk_obj = vec![0x43, 0x43, 0x10, 0x02];
    pk_obj.extend_from_slice(&identity_g1());
    assert_eq!(
        encoding_error(BlsPublicKey::from_object_bytes(&pk_obj)),
        EncodingError::IdentityPoint
    );
    let mut sig_obj = vec![0x43, 0x43, 0x11, 0x02];
    sig_obj.extend_from_slice(&identity_g2());
    assert_eq!(
        encoding_error(BlsSignature::from_object_bytes(&sig_obj)),
        EncodingError::IdentityPoint
    );
    // Old version byte, swapped tags.
    pk_obj[3] = 0x01;
    assert_eq!(
        encoding_error(BlsPublicKey::from_object_bytes(&pk_obj)),
        EncodingError::UnsupportedVersion
    );
    let mut swapped = vec![0x43, 0x43, 0x11, 0x02];
    swapped.extend_from_slice(&key(1).public_key().to_bytes());
    assert_eq!(
        encoding_error(BlsPublicKey::from_object_bytes(&swapped)),
        EncodingError::WrongType
    );
}

#[test]
fn object_header_is_version_2_as_formats_md_says() {
    // The rustdoc of `to_object_bytes` says "header `CC 10 01`" / "`CC 11 01`";
    // formats.md (and the code) say version 2. The doc comment is stale (see report).
    let pk = key(1).public_key();
    assert_eq!(&pk.to_object_bytes()[..4], &[0x43, 0x43, 0x10, 0x02]);
    let sig = key(1).sign(b"m");
    assert_eq!(&sig.to_object_bytes()[..4], &[0x43, 0x43, 0x11, 0x02]);
}

#[test]
fn unvalidated_identity_decodes_but_never_validates() {
    let pk = UnvalidatedPublicKey::from_bytes(&identity_g1()).unwrap();
    assert!(pk.is_identity());
    assert_eq!(pk.to_bytes(), identity_g1());
    assert_eq!(encoding_error(pk.validate()), EncodingError::IdentityPoint);
    let sig = UnvalidatedSignature::from_bytes(&identity_g2()).unwrap();
    assert!(sig.is_identity());
    assert_eq!(encoding_error(sig.validate()), EncodingError::IdentityPoint);
    // Validating twice, or after a copy, changes nothing.
    let copy = sig;
    assert!(copy.validate().is_err() && sig.validate().is_err());
}

#[test]
fn unvalidated_aggregate_to_identity_then_validate_is_refused() {
    let s = key(1).sign(b"m");
    let u = UnvalidatedSignature::from(s);
    let minus = UnvalidatedSignature::from(neg_sig(&s));
    let inf = UnvalidatedSignature::from_bytes(&identity_g2()).unwrap();
    for parts in [
        vec![u, minus],
        vec![inf],
        vec![inf, inf, inf],
        vec![u, inf, minus],
        vec![minus, u, inf],
    ] {
        let sum = UnvalidatedSignature::aggregate(&parts).unwrap();
        assert!(sum.is_identity());
        assert_eq!(encoding_error(sum.validate()), EncodingError::IdentityPoint);
    }
    assert!(matches!(
        UnvalidatedSignature::aggregate(&[]),
        Err(Error::InvalidArgument(_))
    ));
    // The strict aggregate refuses the same cancellation.
    assert!(matches!(
        BlsSignature::aggregate(&[s, neg_sig(&s)]),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        BlsSignature::aggregate(&[s, neg_sig(&s), s, neg_sig(&s)]),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn adding_the_identity_through_unvalidated_aggregate_gains_nothing() {
    // aggregate([σ, ∞]) = σ: Ethereum's Aggregate. Validating gives back σ itself, which
    // verifies only what σ already verified: the identity added nothing.
    let sk = key(1);
    let s = sk.sign(b"m");
    let inf = UnvalidatedSignature::from_bytes(&identity_g2()).unwrap();
    let sum = UnvalidatedSignature::aggregate(&[inf, s.into(), inf])
        .unwrap()
        .validate()
        .unwrap();
    assert_eq!(sum, s);
    sk.public_key().verify(b"m", &sum).unwrap();
    assert_eq!(
        sk.public_key().verify(b"other", &sum),
        Err(Error::VerificationFailed)
    );
}

#[test]
fn key_aggregation_that_cancels_is_refused() {
    let pk = key(1).public_key();
    let minus = neg_pk(&pk);
    assert_ne!(pk, minus);
    for keys in [vec![pk, minus], vec![minus, pk], vec![pk, pk, minus, minus]] {
        assert!(matches!(
            BlsPublicKey::aggregate(&keys),
            Err(Error::InvalidArgument(_))
        ));
    }
    assert!(matches!(
        BlsPublicKey::aggregate(&[]),
        Err(Error::InvalidArgument(_))
    ));
    // A partial cancellation is just the remaining key.
    let pk2 = key(2).public_key();
    assert_eq!(BlsPublicKey::aggregate(&[pk, pk2, minus]).unwrap(), pk2);
}

#[test]
fn conversions_roundtrip_and_never_widen() {
    let pk = key(3).public_key();
    let u = UnvalidatedPublicKey::from(pk);
    assert!(!u.is_identity());
    assert_eq!(u.validate().unwrap(), pk);
    assert_eq!(u.to_bytes(), pk.to_bytes());
    let s = key(3).sign(b"x");
    let us = UnvalidatedSignature::from(s);
    assert_eq!(us.validate().unwrap(), s);
    // `BlsPublicKey::from_bytes` is documented as equal to decode-then-validate.
    for bytes in [identity_g1(), pk.to_bytes(), g1_off_subgroup(0), [0u8; 48]] {
        let strict = BlsPublicKey::from_bytes(&bytes);
        let split = UnvalidatedPublicKey::from_bytes(&bytes).and_then(|u| u.validate());
        assert_eq!(strict, split);
    }
    for bytes in [identity_g2(), s.to_bytes(), g2_off_subgroup(), [0u8; 96]] {
        let strict = BlsSignature::from_bytes(&bytes).map(|s| s.to_bytes());
        let split = UnvalidatedSignature::from_bytes(&bytes)
            .and_then(|u| u.validate())
            .map(|s| s.to_bytes());
        assert_eq!(strict, split);
    }
}

#[test]
// Was FINDING 1 (low): the strict decoders reported `IdentityPoint` before
// `TrailingBytes` while decode-then-validate reported `TrailingBytes`. Fixed: the strict
// decoders are literally the two steps.
fn strict_decoders_report_identity_before_trailing_bytes() {
    let mut g1 = identity_g1().to_vec();
    g1.push(0);
    let split = UnvalidatedPublicKey::from_bytes(&g1).and_then(|u| u.validate());
    assert_eq!(BlsPublicKey::from_bytes(&g1), split);
    let mut g2 = identity_g2().to_vec();
    g2.push(0);
    let strict = BlsSignature::from_bytes(&g2).map(|s| s.to_bytes());
    let split = UnvalidatedSignature::from_bytes(&g2)
        .and_then(|u| u.validate())
        .map(|s| s.to_bytes());
    assert_eq!(strict, split);
}

#[test]
fn hazmat_outputs_decode_as_ordinary_subgroup_points() {
    // Every hazmat output is claimed to be in the subgroup; it must pass the strict
    // decoders (and is never the identity in practice).
    for i in 0..8u8 {
        let msg = [i; 5];
        let g2 = hazmat::hash_to_g2(&msg, b"REVIEW-V01-G2").unwrap();
        assert!(BlsSignature::from_bytes(&g2).is_ok());
        let e2 = hazmat::encode_to_g2(&msg, b"REVIEW-V01-G2").unwrap();
        assert!(BlsSignature::from_bytes(&e2).is_ok());
        let g1 = hazmat::hash_to_g1(&msg, b"REVIEW-V01-G1").unwrap();
        assert!(BlsPublicKey::from_bytes(&g1).is_ok());
        let e1 = hazmat::encode_to_g1(&msg, b"REVIEW-V01-G1").unwrap();
        assert!(BlsPublicKey::from_bytes(&e1).is_ok());
    }
}

// ---------------------------------------------------------------------------------------
// 2. Non-canonical and invalid encodings through the Unvalidated decoders
// ---------------------------------------------------------------------------------------

fn assert_both_g1(bytes: &[u8], want: EncodingError) {
    assert_eq!(
        encoding_error(UnvalidatedPublicKey::from_bytes(bytes)),
        want,
        "unvalidated g1 {}",
        hex::encode(bytes)
    );
    assert_eq!(
        encoding_error(BlsPublicKey::from_bytes(bytes)),
        want,
        "strict g1 {}",
        hex::encode(bytes)
    );
}

fn assert_both_g2(bytes: &[u8], want: EncodingError) {
    assert_eq!(
        encoding_error(UnvalidatedSignature::from_bytes(bytes)),
        want,
        "unvalidated g2 {}",
        hex::encode(bytes)
    );
    assert_eq!(
        encoding_error(BlsSignature::from_bytes(bytes)),
        want,
        "strict g2 {}",
        hex::encode(bytes)
    );
}

#[test]
fn unvalidated_g1_refuses_every_non_canonical_encoding() {
    let pk = key(1).public_key().to_bytes();
    let inf = identity_g1();
    // Compression bit cleared (uncompressed flag on 48 bytes), on a point and on infinity.
    let mut b = pk;
    b[0] &= 0x7f;
    assert_both_g1(&b, EncodingError::InvalidPoint);
    let mut b = inf;
    b[0] = 0x40;
    assert_both_g1(&b, EncodingError::InvalidPoint);
    assert_both_g1(&[0u8; 48], EncodingError::InvalidPoint);
    // Infinity with the sort flag, with a non-zero x (low byte, high bits, all bits).
    let mut b = inf;
    b[0] = 0xe0;
    assert_both_g1(&b, EncodingError::InvalidPoint);
    let mut b = inf;
    b[47] = 1;
    assert_both_g1(&b, EncodingError::InvalidPoint);
    let mut b = inf;
    b[0] = 0xc1;
    assert_both_g1(&b, EncodingError::InvalidPoint);
    let mut b = pk;
    b[0] |= 0x40; // infinity flag on a real point
    assert_both_g1(&b, EncodingError::InvalidPoint);
    assert_both_g1(&[0xff; 48], EncodingError::InvalidPoint);
    // x = q, x = q + small, the x + q alias of a real key, x = 2^381 - 1.
    let q = modulus_be();
    let mut b = q;
    b[0] |= 0x80;
    assert_both_g1(&b, EncodingError::InvalidPoint);
    let mut one = [0u8; 48];
    one[47] = 1;
    let mut b = add_be(&q, &one);
    b[0] |= 0x80;
    assert_both_g1(&b, EncodingError::InvalidPoint);
    let (real, alias) = g1_alias();
    assert!(BlsPublicKey::from_bytes(&real).is_ok());
    assert_both_g1(&alias, EncodingError::InvalidPoint);
    let mut b = [0xff; 48];
    b[0] = 0x9f;
    assert_both_g1(&b, EncodingError::InvalidPoint);
    // Lengths.
    assert_both_g1(&[], EncodingError::Truncated);
    assert_both_g1(&pk[..47], EncodingError::Truncated);
    let mut long = pk.to_vec();
    long.push(0);
    assert_both_g1(&long, EncodingError::TrailingBytes);
    // Identity followed by a byte: refused by both (the strict decoder's error kind differs,
    // see `strict_decoders_report_identity_before_trailing_bytes`).
    let mut long_inf = inf.to_vec();
    long_inf.push(0);
    assert_eq!(
        encoding_error(UnvalidatedPublicKey::from_bytes(&long_inf)),
        EncodingError::TrailingBytes
    );
    assert!(BlsPublicKey::from_bytes(&long_inf).is_err());
    // The 96-byte uncompressed serialisation of a key is not accepted either.
    assert!(UnvalidatedPublicKey::from_bytes(&[0u8; 96]).is_err());
}

#[test]
fn unvalidated_g1_refuses_small_order_and_off_subgroup_points() {
    // formats.md: 0x80 00…00 is (0, 2), of order 3; its negation (0, −2) with the sort flag.
    let mut b = [0u8; 48];
    b[0] = 0x80;
    assert_both_g1(&b, EncodingError::NotInSubgroup);
    b[0] = 0xa0;
    assert_both_g1(&b, EncodingError::NotInSubgroup);
    for skip in 0..4 {
        let p = g1_off_subgroup(skip);
        assert_both_g1(&p, EncodingError::NotInSubgroup);
        assert_both_g1(&negate(&p), EncodingError::NotInSubgroup);
    }
}

#[test]
fn unvalidated_g2_refuses_every_non_canonical_encoding() {
    let sig = key(1).sign(b"m").to_bytes();
    let inf = identity_g2();
    let mut b = sig;
    b[0] &= 0x7f;
    assert_both_g2(&b, EncodingError::InvalidPoint);
    let mut b = inf;
    b[0] = 0x40;
    assert_both_g2(&b, EncodingError::InvalidPoint);
    let mut b = inf;
    b[0] = 0xe0;
    assert_both_g2(&b, EncodingError::InvalidPoint);
    for pos in [1, 47, 48, 95] {
        let mut b = inf;
        b[pos] = 1;
        assert_both_g2(&b, EncodingError::InvalidPoint);
    }
    let mut b = sig;
    b[0] |= 0x40;
    assert_both_g2(&b, EncodingError::InvalidPoint);
    // x.c1 = q, x.c0 = q (each half on its own), all ones.
    let q = modulus_be();
    let mut b = sig;
    b[..48].copy_from_slice(&q);
    b[0] |= 0x80;
    assert_both_g2(&b, EncodingError::InvalidPoint);
    let mut b = sig;
    b[48..].copy_from_slice(&q);
    assert_both_g2(&b, EncodingError::InvalidPoint);
    let mut b = sig;
    b[48..].copy_from_slice(&[0xff; 48]);
    assert_both_g2(&b, EncodingError::InvalidPoint);
    // x.c0 + q alias of a real signature whose c0 is small enough.
    let mut found = false;
    for i in 0..=255u8 {
        let s = key(1).sign(&[i]).to_bytes();
        let c0: [u8; 48] = s[48..].try_into().unwrap();
        let sum = add_be(&c0, &q);
        if sum[0] & 0xe0 == 0 {
            let mut b = s;
            b[48..].copy_from_slice(&sum);
            assert_both_g2(&b, EncodingError::InvalidPoint);
            found = true;
            break;
        }
    }
    assert!(found);
    // Off-subgroup, both signs.
    let p = g2_off_subgroup();
    assert_both_g2(&p, EncodingError::NotInSubgroup);
    assert_both_g2(&negate(&p), EncodingError::NotInSubgroup);
    // Lengths.
    assert_both_g2(&[], EncodingError::Truncated);
    assert_both_g2(&sig[..95], EncodingError::Truncated);
    let mut long = sig.to_vec();
    long.push(0);
    assert_both_g2(&long, EncodingError::TrailingBytes);
    let mut long_inf = inf.to_vec();
    long_inf.push(0);
    assert_eq!(
        encoding_error(UnvalidatedSignature::from_bytes(&long_inf)),
        EncodingError::TrailingBytes
    );
    assert!(BlsSignature::from_bytes(&long_inf).is_err());
}

/// blst's verdict on 48 bytes: `None` if it does not deserialise or is off the subgroup,
/// `Some(is_identity)` otherwise.
fn blst_g1(b: &[u8]) -> Option<bool> {
    let pk = blst::min_pk::PublicKey::uncompress(b).ok()?;
    match pk.validate() {
        Ok(()) => Some(false),
        Err(blst::BLST_ERROR::BLST_PK_IS_INFINITY) => Some(true),
        Err(_) => None,
    }
}

fn blst_g2(b: &[u8]) -> Option<bool> {
    let sig = blst::min_pk::Signature::uncompress(b).ok()?;
    sig.validate(false).ok()?;
    Some(sig.validate(true).is_err())
}

fn mutations<const N: usize>(valid: &[[u8; N]], rng: &mut ChaCha20Rng, n: usize) -> Vec<[u8; N]> {
    let mut out = Vec::new();
    for i in 0..n {
        let mut b = valid[i % valid.len()];
        match i % 5 {
            // one bit anywhere
            0 => {
                let bit = rng.gen_range(0..N * 8);
                b[bit / 8] ^= 1 << (bit % 8);
            }
            // flags only
            1 => b[0] = (b[0] & 0x1f) | (rng.gen::<u8>() & 0xe0),
            // random x with random flags
            2 => {
                rng.fill_bytes(&mut b);
            }
            // random x below 2^381, compression set
            3 => {
                rng.fill_bytes(&mut b);
                b[0] = (b[0] & 0x1f) | 0x80 | (rng.gen::<u8>() & 0x20);
            }
            // identity with one stray bit
            _ => {
                b = [0u8; N];
                b[0] = 0xc0;
                let bit = rng.gen_range(0..N * 8);
                b[bit / 8] ^= 1 << (bit % 8);
            }
        }
        out.push(b);
    }
    out
}

#[test]
fn unvalidated_decoders_agree_with_blst_on_mutated_inputs() {
    let mut r = rng("bls-attacks/differential");
    let keys: Vec<[u8; 48]> = (0..8).map(|i| key(i).public_key().to_bytes()).collect();
    let mut g1_inputs = mutations(&keys, &mut r, 1500);
    g1_inputs.extend(keys.iter().flat_map(|k| [*k, negate(k)]));
    g1_inputs.extend((0..8).map(g1_off_subgroup));
    g1_inputs.push(identity_g1());
    let mut accepted = 0;
    for b in &g1_inputs {
        let ours = UnvalidatedPublicKey::from_bytes(b);
        let theirs = blst_g1(b);
        assert_eq!(ours.is_ok(), theirs.is_some(), "g1 {}", hex::encode(b));
        if let Ok(u) = ours {
            accepted += 1;
            assert_eq!(&u.to_bytes(), b);
            assert_eq!(Some(u.is_identity()), theirs);
            assert_eq!(u.validate().is_ok(), theirs == Some(false));
            assert_eq!(
                BlsPublicKey::from_bytes(b).is_ok(),
                blst::min_pk::PublicKey::key_validate(b).is_ok()
            );
        } else {
            assert!(BlsPublicKey::from_bytes(b).is_err());
        }
    }
    assert!(
        accepted >= 2 * keys.len(),
        "valid keys must be among the inputs"
    );

    let sigs: Vec<[u8; 96]> = (0..8u8).map(|i| key(i).sign(&[i]).to_bytes()).collect();
    let mut g2_inputs = mutations(&sigs, &mut r, 600);
    g2_inputs.extend(sigs.iter().flat_map(|s| [*s, negate(s)]));
    g2_inputs.push(g2_off_subgroup());
    g2_inputs.push(identity_g2());
    let mut accepted = 0;
    for b in &g2_inputs {
        let ours = UnvalidatedSignature::from_bytes(b);
        let theirs = blst_g2(b);
        assert_eq!(ours.is_ok(), theirs.is_some(), "g2 {}", hex::encode(b));
        if let Ok(u) = ours {
            accepted += 1;
            assert_eq!(&u.to_bytes(), b);
            assert_eq!(Some(u.is_identity()), theirs);
            assert_eq!(BlsSignature::from_bytes(b).is_ok(), theirs == Some(false));
        } else {
            assert!(BlsSignature::from_bytes(b).is_err());
        }
    }
    assert!(accepted >= 2 * sigs.len());
}

// ---------------------------------------------------------------------------------------
// 3. Verifiers: making something verify that was not signed
// ---------------------------------------------------------------------------------------

#[test]
fn empty_inputs_are_errors_not_vacuous_successes() {
    let s = key(1).sign(b"m");
    assert!(matches!(
        fast_aggregate_verify(&[], b"m", &s),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        aggregate_verify(&[], &s),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        batch_verify(&[], &mut rand::rngs::OsRng),
        Err(Error::InvalidArgument(_))
    ));
    // batch_find_invalid has no error channel: an empty batch has no invalid index.
    // Callers must not read "no invalid index" as "verified" (see report).
    assert!(batch_find_invalid(&[], &mut rand::rngs::OsRng).is_empty());
}

#[test]
fn keys_summing_to_identity_verify_nothing() {
    let sk = key(1);
    let pk = sk.public_key();
    let minus = neg_pk(&pk);
    let msg = b"transfer everything";
    // No BlsSignature is the identity, so `[pk, −pk]` (aggregate key = identity) can be
    // paired with nothing that verifies: try a few candidates.
    let candidates = [
        sk.sign(msg),
        neg_sig(&sk.sign(msg)),
        key(2).sign(msg),
        BlsSignature::from_bytes(&hazmat::hash_to_g2(msg, SIG_DST).unwrap()).unwrap(),
    ];
    for sig in &candidates {
        assert_eq!(
            fast_aggregate_verify(&[pk, minus], msg, sig),
            Err(Error::VerificationFailed)
        );
        assert_eq!(
            aggregate_verify(&[(pk, &msg[..]), (minus, &msg[..])], sig),
            Err(Error::VerificationFailed)
        );
        assert_eq!(
            batch_verify(
                &[(pk, &msg[..], *sig), (minus, &msg[..], *sig)],
                &mut rand::rngs::OsRng
            ),
            Err(Error::VerificationFailed)
        );
    }
}

#[test]
fn rogue_key_negation_works_only_without_pop_as_documented() {
    // M15 / `fast_aggregate_verify` docs: without checked PoPs a rogue key forges. The
    // negation −pk_victim is the simplest rogue key: [victim, −victim, me] verifies my
    // own signature as if the victim had co-signed. This is the documented residual risk,
    // asserted here so a change is noticed; what the library must guarantee is that
    // −pk_victim never gets a valid proof of possession.
    let victim = key(1);
    let me = key(2);
    let vpk = victim.public_key();
    let rogue = neg_pk(&vpk);
    let msg = b"victim approves";
    let mine = me.sign(msg);
    assert!(fast_aggregate_verify(&[vpk, rogue, me.public_key()], msg, &mine).is_ok());
    assert!(aggregate_verify(
        &[
            (vpk, &msg[..]),
            (rogue, &msg[..]),
            (me.public_key(), &msg[..])
        ],
        &mine
    )
    .is_ok());
    // The rogue key has no PoP: neither the victim's PoP, nor its negation, nor anything
    // derivable from public data verifies for it.
    let pop = victim.prove_possession();
    assert_eq!(
        rogue.verify_possession(&pop),
        Err(Error::VerificationFailed)
    );
    assert_eq!(
        rogue.verify_possession(&neg_sig(&pop)),
        Err(Error::VerificationFailed)
    );
    let h_pop =
        BlsSignature::from_bytes(&hazmat::hash_to_g2(&rogue.to_bytes(), POP_DST).unwrap()).unwrap();
    assert_eq!(
        rogue.verify_possession(&h_pop),
        Err(Error::VerificationFailed)
    );
    // A signature on the key's own bytes under SIG_DST is not a PoP.
    assert_eq!(
        vpk.verify_possession(&victim.sign(&vpk.to_bytes())),
        Err(Error::VerificationFailed)
    );
    assert_eq!(
        vpk.verify(&vpk.to_bytes(), &pop),
        Err(Error::VerificationFailed)
    );
}

#[test]
fn duplicate_messages_need_the_sum_of_signatures() {
    // The POP scheme's AggregateVerify allows repeated messages (documented). Repeating a
    // pair must not let one signature stand for two.
    let sk = key(1);
    let pk = sk.public_key();
    let s = sk.sign(b"m");
    assert_eq!(
        aggregate_verify(&[(pk, &b"m"[..]), (pk, &b"m"[..])], &s),
        Err(Error::VerificationFailed)
    );
    let doubled = BlsSignature::aggregate(&[s, s]).unwrap();
    assert!(aggregate_verify(&[(pk, &b"m"[..]), (pk, &b"m"[..])], &doubled).is_ok());
    assert_eq!(
        fast_aggregate_verify(&[pk, pk], b"m", &s),
        Err(Error::VerificationFailed)
    );
    assert!(fast_aggregate_verify(&[pk, pk], b"m", &doubled).is_ok());
    // Ordering of pairs vs. messages: swapping messages between keys fails.
    let sk2 = key(2);
    let agg = BlsSignature::aggregate(&[sk.sign(b"a"), sk2.sign(b"b")]).unwrap();
    assert!(aggregate_verify(&[(pk, &b"a"[..]), (sk2.public_key(), &b"b"[..])], &agg).is_ok());
    assert_eq!(
        aggregate_verify(&[(pk, &b"b"[..]), (sk2.public_key(), &b"a"[..])], &agg),
        Err(Error::VerificationFailed)
    );
}

#[test]
fn negated_pairs_are_valid_for_the_negated_key_only() {
    // (−pk, −σ) is a valid pair (math, not a forgery of pk); nothing else mixes.
    let sk = key(1);
    let pk = sk.public_key();
    let s = sk.sign(b"m");
    assert_eq!(
        pk.verify(b"m", &neg_sig(&s)),
        Err(Error::VerificationFailed)
    );
    assert_eq!(neg_pk(&pk).verify(b"m", &s), Err(Error::VerificationFailed));
    assert!(neg_pk(&pk).verify(b"m", &neg_sig(&s)).is_ok());
    assert!(batch_verify(
        &[(pk, &b"m"[..], s), (neg_pk(&pk), &b"m"[..], neg_sig(&s))],
        &mut rand::rngs::OsRng
    )
    .is_ok());
}

#[test]
fn batch_cancellation_is_caught_by_random_weights() {
    // Two invalid signatures whose errors cancel: σ1 + δ and σ2 − δ. Their plain sum is
    // the valid aggregate, so an unweighted batch would accept them.
    let sk = key(1);
    let pk = sk.public_key();
    let delta = key(9).sign(b"delta");
    let s1 = BlsSignature::aggregate(&[sk.sign(b"one"), delta]).unwrap();
    let s2 = BlsSignature::aggregate(&[sk.sign(b"two"), neg_sig(&delta)]).unwrap();
    assert_eq!(pk.verify(b"one", &s1), Err(Error::VerificationFailed));
    let items = [(pk, &b"one"[..], s1), (pk, &b"two"[..], s2)];
    for _ in 0..4 {
        assert_eq!(
            batch_verify(&items, &mut rand::rngs::OsRng),
            Err(Error::VerificationFailed)
        );
    }
    assert_eq!(
        batch_find_invalid(&items, &mut rand::rngs::OsRng),
        vec![0, 1]
    );
    // The aggregate of the two does verify under aggregate_verify: that is the definition
    // of an aggregate signature, not a flaw (only σ1 + σ2 is bound).
    let agg = BlsSignature::aggregate(&[s1, s2]).unwrap();
    assert!(aggregate_verify(&[(pk, &b"one"[..]), (pk, &b"two"[..])], &agg).is_ok());
}

/// A `CryptoRng` that is not random: the batch guarantee is "over the weights".
struct ConstRng(u64);

impl RngCore for ConstRng {
    fn next_u32(&mut self) -> u32 {
        self.0 as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.0
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        dest.fill(self.0 as u8);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand::CryptoRng for ConstRng {}

#[test]
fn a_constant_rng_voids_the_batch_guarantee_as_documented() {
    // Not a finding: the doc bounds the error "over the weights", and the weights come
    // from the caller's RNG. Recorded so the dependency on the RNG is visible.
    let sk = key(1);
    let pk = sk.public_key();
    let delta = key(9).sign(b"delta");
    let s1 = BlsSignature::aggregate(&[sk.sign(b"one"), delta]).unwrap();
    let s2 = BlsSignature::aggregate(&[sk.sign(b"two"), neg_sig(&delta)]).unwrap();
    let items = [(pk, &b"one"[..], s1), (pk, &b"two"[..], s2)];
    assert!(batch_verify(&items, &mut ConstRng(7)).is_ok());
}

#[test]
// Was FINDING 2 (low): an all-zero RNG made batch_verify loop forever. Fixed: the
// weight draw gives up after 16 zero draws and the batch fails closed; bisection then
// verifies one by one, so batch_find_invalid stays exact.
fn an_all_zero_rng_fails_batch_verify_closed() {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let sk = key(1);
        let s = sk.sign(b"m");
        let r = batch_verify(&[(sk.public_key(), &b"m"[..], s)], &mut ConstRng(0));
        let _ = tx.send(r);
    });
    let outcome = rx.recv_timeout(Duration::from_secs(10));
    assert!(
        matches!(outcome, Ok(Err(Error::InvalidArgument(_)))),
        "batch_verify with an all-zero RNG must fail closed, promptly: {outcome:?}"
    );
    // batch_find_invalid stays exact with a broken RNG (one-by-one verification).
    let (a, b) = (key(1), key(2));
    let good = a.sign(b"m");
    let bad = b.sign(b"other");
    let items = [
        (a.public_key(), &b"m"[..], good),
        (b.public_key(), &b"m"[..], bad),
    ];
    assert_eq!(batch_find_invalid(&items, &mut ConstRng(0)), vec![1]);
}

// ---------------------------------------------------------------------------------------
// 4. Hazmat misuse
// ---------------------------------------------------------------------------------------

/// RFC 9380 §5.3.1 / §5.3.3 `expand_message_xmd` with SHA-256, from the RFC text.
fn xmd_oracle(msg: &[u8], dst: &[u8], len: usize) -> Vec<u8> {
    let dst: Vec<u8> = if dst.len() > 255 {
        let mut h = Sha256::new();
        h.update(b"H2C-OVERSIZE-DST-");
        h.update(dst);
        h.finalize().to_vec()
    } else {
        dst.to_vec()
    };
    let mut dst_prime = dst.clone();
    dst_prime.push(u8::try_from(dst.len()).unwrap());
    let ell = len.div_ceil(32);
    let mut h = Sha256::new();
    h.update([0u8; 64]);
    h.update(msg);
    h.update(u16::try_from(len).unwrap().to_be_bytes());
    h.update([0u8]);
    h.update(&dst_prime);
    let b0 = h.finalize();
    let mut out = Vec::new();
    let mut prev = [0u8; 32];
    for i in 1..=ell {
        let mut h = Sha256::new();
        if i == 1 {
            h.update(b0);
        } else {
            let x: Vec<u8> = b0.iter().zip(prev).map(|(a, b)| a ^ b).collect();
            h.update(x);
        }
        h.update([u8::try_from(i).unwrap()]);
        h.update(&dst_prime);
        prev = h.finalize().into();
        out.extend_from_slice(&prev);
    }
    out.truncate(len);
    out
}

#[test]
fn hazmat_refuses_an_empty_dst_with_a_typed_error() {
    assert!(matches!(
        hazmat::hash_to_g2(b"m", b""),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        hazmat::hash_to_g1(b"m", b""),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        hazmat::encode_to_g2(b"m", b""),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        hazmat::encode_to_g1(b"m", b""),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        hazmat::expand_message_xmd(b"m", b"", 32),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn hazmat_xmd_lengths_are_typed_errors_never_panics() {
    for len in [
        0,
        8161,
        8192,
        65535,
        65536,
        1 << 20,
        usize::MAX / 2,
        usize::MAX,
    ] {
        assert!(
            matches!(
                hazmat::expand_message_xmd(b"m", b"REVIEW-V01", len),
                Err(Error::InvalidArgument(_))
            ),
            "len {len}"
        );
    }
    for len in [1, 31, 32, 33, 64, 255, 256, 8159, 8160] {
        let got = hazmat::expand_message_xmd(b"msg", b"REVIEW-V01", len).unwrap();
        assert_eq!(got, xmd_oracle(b"msg", b"REVIEW-V01", len), "len {len}");
    }
}

#[test]
fn hazmat_xmd_dst_boundaries_follow_rfc_9380_5_3_3() {
    for dst_len in [1, 254, 255, 256, 257, 1000, 70_000] {
        let dst: Vec<u8> = (0..dst_len).map(|i| (i % 251) as u8 + 1).collect();
        for len in [1, 32, 128, 8160] {
            let got = hazmat::expand_message_xmd(b"abc", &dst, len).unwrap();
            assert_eq!(
                got,
                xmd_oracle(b"abc", &dst, len),
                "dst {dst_len} len {len}"
            );
        }
    }
    // At 255 bytes the DST is used as is; at 256 it is replaced by its 32-byte digest,
    // so the 256-byte DST and its digest give the same output.
    let long: Vec<u8> = vec![b'X'; 256];
    let mut h = Sha256::new();
    h.update(b"H2C-OVERSIZE-DST-");
    h.update(&long);
    let short = h.finalize();
    assert_eq!(
        hazmat::expand_message_xmd(b"abc", &long, 64).unwrap(),
        hazmat::expand_message_xmd(b"abc", &short, 64).unwrap()
    );
    assert_ne!(
        hazmat::expand_message_xmd(b"abc", &long[..255], 64).unwrap(),
        hazmat::expand_message_xmd(b"abc", &long, 64).unwrap()
    );
}

fn blst_hash_g2(msg: &[u8], dst: &[u8]) -> [u8; 96] {
    let mut one = [0u8; 32];
    one[31] = 1;
    let sk = blst::min_pk::SecretKey::from_bytes(&one).unwrap();
    sk.sign(msg, dst, &[]).to_bytes()
}

fn blst_hash_g1(msg: &[u8], dst: &[u8]) -> [u8; 48] {
    let mut one = [0u8; 32];
    one[31] = 1;
    let sk = blst::min_sig::SecretKey::from_bytes(&one).unwrap();
    sk.sign(msg, dst, &[]).to_bytes()
}

#[test]
fn hazmat_hash_to_curve_matches_blst_at_every_dst_length() {
    for dst_len in [1usize, 43, 254, 255, 256, 300, 5000] {
        let dst: Vec<u8> = (0..dst_len).map(|i| b'A' + (i % 26) as u8).collect();
        for msg in [&b""[..], b"abc", &[0u8; 300][..]] {
            assert_eq!(
                hazmat::hash_to_g2(msg, &dst).unwrap(),
                blst_hash_g2(msg, &dst),
                "g2 dst {dst_len}"
            );
            assert_eq!(
                hazmat::hash_to_g1(msg, &dst).unwrap(),
                blst_hash_g1(msg, &dst),
                "g1 dst {dst_len}"
            );
        }
    }
}

#[test]
fn hazmat_encode_to_curve_applies_the_oversize_dst_rule() {
    for dst_len in [256usize, 1000] {
        let dst: Vec<u8> = vec![b'Z'; dst_len];
        let mut h = Sha256::new();
        h.update(b"H2C-OVERSIZE-DST-");
        h.update(&dst);
        let short = h.finalize();
        assert_eq!(
            hazmat::encode_to_g2(b"m", &dst).unwrap(),
            hazmat::encode_to_g2(b"m", &short).unwrap()
        );
        assert_eq!(
            hazmat::encode_to_g1(b"m", &dst).unwrap(),
            hazmat::encode_to_g1(b"m", &short).unwrap()
        );
        assert_eq!(
            hazmat::hash_to_g2(b"m", &dst).unwrap(),
            hazmat::hash_to_g2(b"m", &short).unwrap()
        );
    }
    // 255 and 256 bytes do differ (the boundary is where the RFC puts it).
    let d: Vec<u8> = vec![b'Z'; 256];
    assert_ne!(
        hazmat::encode_to_g1(b"m", &d[..255]).unwrap(),
        hazmat::encode_to_g1(b"m", &d).unwrap()
    );
}

#[test]
fn hazmat_under_the_signature_dst_is_documented_and_gives_nothing_new() {
    // Expected (hazmat module docs): hash_to_g2(m, SIG_DST) is H(m), a valid signature on
    // m by the key sk = 1 (pk = g1) — which BlsSigningKey::from_secret_bytes(1) could make anyway.
    let h = hazmat::hash_to_g2(b"m", SIG_DST).unwrap();
    let sig = BlsSignature::from_bytes(&h).unwrap();
    let g1 = BlsPublicKey::from_bytes(&compressed_g1(&G1Affine::generator())).unwrap();
    assert!(g1.verify(b"m", &sig).is_ok());
    let pop =
        BlsSignature::from_bytes(&hazmat::hash_to_g2(&g1.to_bytes(), POP_DST).unwrap()).unwrap();
    assert!(g1.verify_possession(&pop).is_ok());
    // It is nobody else's signature.
    assert_eq!(
        key(1).public_key().verify(b"m", &sig),
        Err(Error::VerificationFailed)
    );
    // And the encode_to (NU) output under SIG_DST is not H(m).
    let nu = BlsSignature::from_bytes(&hazmat::encode_to_g2(b"m", SIG_DST).unwrap()).unwrap();
    assert_eq!(g1.verify(b"m", &nu), Err(Error::VerificationFailed));
}

// ---------------------------------------------------------------------------------------
// 5. Consent tokens built by hand (docs/formats.md, "Consent token", "payloads")
// ---------------------------------------------------------------------------------------

const NOW: u64 = 1_000;

fn authority_payload(issuer: &[u8; 48], grantee: &[u8; 48], holder: Option<&[u8; 48]>) -> Vec<u8> {
    let mut p = vec![0x00];
    p.extend_from_slice(issuer);
    put_bytes(&mut p, b"patient-42");
    p.push(0x02);
    p.extend_from_slice(grantee);
    p.push(0x01); // records: any
    p.push(0x01); // categories: any
    put_u32(&mut p, 1);
    put_bytes(&mut p, b"treatment");
    p.extend_from_slice(&0u64.to_be_bytes());
    p.extend_from_slice(&(1u64 << 40).to_be_bytes());
    p.push(0x00); // no re-key digest
    match holder {
        None => p.push(0x00),
        Some(h) => {
            p.push(0x01);
            p.extend_from_slice(h);
        }
    }
    p.extend_from_slice(&[7u8; 16]);
    p
}

fn attenuation_payload(index: u8, holder: Option<&[u8; 48]>) -> Vec<u8> {
    let mut p = vec![index, 0x00, 0x00, 0x00, 0x00];
    match holder {
        None => p.push(0x00),
        Some(h) => {
            p.push(0x01);
            p.extend_from_slice(h);
        }
    }
    p
}

fn block_message(index: u8, prev: Option<&[u8; 96]>, payload: &[u8]) -> Vec<u8> {
    let mut m = Vec::new();
    put_bytes(&mut m, b"CIPHERCHART-V01-CONSENT-BLOCK");
    m.push(0x01);
    m.push(index);
    if let Some(p) = prev {
        m.extend_from_slice(p);
    }
    put_bytes(&mut m, payload);
    m
}

fn proof_message(n: u8, last: &[u8; 96]) -> Vec<u8> {
    let mut m = Vec::new();
    put_bytes(&mut m, b"CIPHERCHART-V01-CONSENT-PROOF");
    m.push(0x01);
    m.push(n);
    m.extend_from_slice(last);
    m
}

fn token_bytes(blocks: &[(Vec<u8>, [u8; 96])], proof: Option<&[u8; 96]>) -> Vec<u8> {
    let mut t = vec![
        0x43,
        0x43,
        0x20,
        0x02,
        0x01,
        u8::try_from(blocks.len()).unwrap(),
    ];
    for (payload, sig) in blocks {
        put_bytes(&mut t, payload);
        t.extend_from_slice(sig);
    }
    match proof {
        None => t.push(0x00),
        Some(p) => {
            t.push(0x01);
            t.extend_from_slice(p);
        }
    }
    t
}

/// A valid two-block token: patient → holder (attenuates, closes).
fn two_block_token(
    patient: &BlsSigningKey,
    holder: &BlsSigningKey,
    grantee: &[u8; 48],
    next: Option<&[u8; 48]>,
) -> Vec<(Vec<u8>, [u8; 96])> {
    let p0 = authority_payload(
        &patient.public_key().to_bytes(),
        grantee,
        Some(&holder.public_key().to_bytes()),
    );
    let s0 = patient.sign(&block_message(0, None, &p0)).to_bytes();
    let p1 = attenuation_payload(1, next);
    let s1 = holder.sign(&block_message(1, Some(&s0), &p1)).to_bytes();
    vec![(p0, s0), (p1, s1)]
}

#[test]
fn hand_built_consent_tokens_are_accepted_when_valid() {
    // Encoder check: without this, a refusal below could be the encoder's fault.
    let patient = key(10);
    let holder = key(11);
    let grantee = key(12).public_key().to_bytes();
    let pk = patient.public_key();

    let p0 = authority_payload(&pk.to_bytes(), &grantee, None);
    let s0 = patient.sign(&block_message(0, None, &p0)).to_bytes();
    let t = ConsentToken::from_bytes(&token_bytes(&[(p0, s0)], None)).unwrap();
    t.verify(&pk, NOW, &RevocationSet::new()).unwrap();

    let p0 = authority_payload(
        &pk.to_bytes(),
        &grantee,
        Some(&holder.public_key().to_bytes()),
    );
    let s0 = patient.sign(&block_message(0, None, &p0)).to_bytes();
    let proof = holder.sign(&proof_message(1, &s0)).to_bytes();
    let t = ConsentToken::from_bytes(&token_bytes(&[(p0, s0)], Some(&proof))).unwrap();
    t.verify(&pk, NOW, &RevocationSet::new()).unwrap();

    let blocks = two_block_token(&patient, &holder, &grantee, None);
    let t = ConsentToken::from_bytes(&token_bytes(&blocks, None)).unwrap();
    assert_eq!(t.block_count(), 2);
    t.verify(&pk, NOW, &RevocationSet::new()).unwrap();
}

#[test]
fn consent_token_with_identity_issuer_and_identity_signature_does_not_decode() {
    // The classic: (identity key, identity signature) satisfies e(0, H) = e(g1, 0).
    let grantee = key(12).public_key().to_bytes();
    let p0 = authority_payload(&identity_g1(), &grantee, None);
    let bytes = token_bytes(&[(p0, identity_g2())], None);
    assert_eq!(
        encoding_error(ConsentToken::from_bytes(&bytes)),
        EncodingError::IdentityPoint
    );
}

#[test]
fn consent_token_identity_anywhere_is_refused_at_decode() {
    let patient = key(10);
    let holder = key(11);
    let pk = patient.public_key().to_bytes();
    let grantee = key(12).public_key().to_bytes();

    // Real issuer, identity signature.
    let p0 = authority_payload(&pk, &grantee, None);
    let bytes = token_bytes(&[(p0, identity_g2())], None);
    assert_eq!(
        encoding_error(ConsentToken::from_bytes(&bytes)),
        EncodingError::IdentityPoint
    );

    // Identity grantee key, validly signed by the real issuer.
    let p0 = authority_payload(&pk, &identity_g1(), None);
    let s0 = patient.sign(&block_message(0, None, &p0)).to_bytes();
    let bytes = token_bytes(&[(p0, s0)], None);
    assert_eq!(
        encoding_error(ConsentToken::from_bytes(&bytes)),
        EncodingError::IdentityPoint
    );

    // Identity holder (signed validly), with an identity proof: the holder would "sign"
    // its proof with the identity.
    let p0 = authority_payload(&pk, &grantee, Some(&identity_g1()));
    let s0 = patient.sign(&block_message(0, None, &p0)).to_bytes();
    let bytes = token_bytes(&[(p0, s0)], Some(&identity_g2()));
    assert_eq!(
        encoding_error(ConsentToken::from_bytes(&bytes)),
        EncodingError::IdentityPoint
    );

    // Real holder, identity proof.
    let p0 = authority_payload(&pk, &grantee, Some(&holder.public_key().to_bytes()));
    let s0 = patient.sign(&block_message(0, None, &p0)).to_bytes();
    let bytes = token_bytes(&[(p0, s0)], Some(&identity_g2()));
    assert_eq!(
        encoding_error(ConsentToken::from_bytes(&bytes)),
        EncodingError::IdentityPoint
    );

    // Attenuation block naming the identity as next holder, signed by the real holder,
    // followed by an identity proof.
    let blocks = two_block_token(&patient, &holder, &grantee, Some(&identity_g1()));
    let bytes = token_bytes(&blocks, Some(&identity_g2()));
    assert_eq!(
        encoding_error(ConsentToken::from_bytes(&bytes)),
        EncodingError::IdentityPoint
    );

    // Attenuation block with an identity signature (the holder "signing" with nothing).
    let mut blocks = two_block_token(&patient, &holder, &grantee, None);
    blocks[1].1 = identity_g2();
    let bytes = token_bytes(&blocks, None);
    assert_eq!(
        encoding_error(ConsentToken::from_bytes(&bytes)),
        EncodingError::IdentityPoint
    );

    // The text form goes through the same decoder.
    let valid = token_bytes(&two_block_token(&patient, &holder, &grantee, None), None);
    let text = ConsentToken::from_bytes(&valid).unwrap().to_text();
    let back = ConsentToken::from_text(&text).unwrap();
    assert_eq!(back.to_bytes(), valid);
}

#[test]
fn consent_token_off_subgroup_and_aliased_keys_are_refused() {
    let patient = key(10);
    let grantee = key(12).public_key().to_bytes();
    let p0 = authority_payload(&g1_off_subgroup(0), &grantee, None);
    let s0 = patient.sign(&block_message(0, None, &p0)).to_bytes();
    assert_eq!(
        encoding_error(ConsentToken::from_bytes(&token_bytes(&[(p0, s0)], None))),
        EncodingError::NotInSubgroup
    );
    let (_, alias) = g1_alias();
    let p0 = authority_payload(&key(10).public_key().to_bytes(), &alias, None);
    let s0 = patient.sign(&block_message(0, None, &p0)).to_bytes();
    assert_eq!(
        encoding_error(ConsentToken::from_bytes(&token_bytes(&[(p0, s0)], None))),
        EncodingError::InvalidPoint
    );
    let p0 = authority_payload(&key(10).public_key().to_bytes(), &grantee, None);
    assert_eq!(
        encoding_error(ConsentToken::from_bytes(&token_bytes(
            &[(p0, g2_off_subgroup())],
            None
        ))),
        EncodingError::NotInSubgroup
    );
}

#[test]
fn consent_signature_negation_neither_verifies_nor_dodges_revocation() {
    // Revocation ids hash the block signature. If a second valid encoding of the same
    // signature existed (negation, x + q alias), a revoked token could be re-presented
    // under a fresh id. Negation decodes but does not verify; aliases do not decode.
    let patient = key(10);
    let pk = patient.public_key();
    let grantee = key(12).public_key().to_bytes();
    let p0 = authority_payload(&pk.to_bytes(), &grantee, None);
    let s0 = patient.sign(&block_message(0, None, &p0)).to_bytes();
    let good = ConsentToken::from_bytes(&token_bytes(&[(p0.clone(), s0)], None)).unwrap();
    let mut revoked = RevocationSet::new();
    for id in good.revocation_ids() {
        revoked.insert(id);
    }
    assert_eq!(
        good.verify(&pk, NOW, &revoked).unwrap_err(),
        Error::Consent(ConsentError::Revoked)
    );
    let flipped =
        ConsentToken::from_bytes(&token_bytes(&[(p0.clone(), negate(&s0))], None)).unwrap();
    assert_ne!(flipped.revocation_ids(), good.revocation_ids());
    assert_eq!(
        flipped.verify(&pk, NOW, &revoked).unwrap_err(),
        Error::VerificationFailed
    );
    assert_eq!(
        flipped.verify(&pk, NOW, &RevocationSet::new()).unwrap_err(),
        Error::VerificationFailed
    );
    // Negated issuer: the verifier expecting pk sees a wrong issuer; expecting −pk, the
    // signature (by pk over a payload naming −pk) fails.
    let minus = neg_pk(&pk);
    let p0 = authority_payload(&minus.to_bytes(), &grantee, None);
    let s0 = patient.sign(&block_message(0, None, &p0)).to_bytes();
    let t = ConsentToken::from_bytes(&token_bytes(&[(p0.clone(), s0)], None)).unwrap();
    assert_eq!(
        t.verify(&pk, NOW, &RevocationSet::new()).unwrap_err(),
        Error::Consent(ConsentError::WrongIssuer)
    );
    assert_eq!(
        t.verify(&minus, NOW, &RevocationSet::new()).unwrap_err(),
        Error::VerificationFailed
    );
    // (Whoever holds sk also holds −sk: the patient signing a payload that names −pk and
    // negating the signature is an honest token by −pk, not an attack.)
    let t = ConsentToken::from_bytes(&token_bytes(&[(p0, negate(&s0))], None)).unwrap();
    assert!(t.verify(&minus, NOW, &RevocationSet::new()).is_ok());
}

#[test]
fn consent_revocation_dodge_by_batch_cancellation_is_caught() {
    // The holder of a revoked token rewrites block 0's signature to s0 + δ (a new
    // revocation id) and compensates in its own block: s1' = sign(m1(s0 + δ)) − δ. The
    // plain sum of signatures is unchanged, so an unweighted batch would accept the
    // token under an id nobody revoked. consent::verify weights the batch at random.
    let patient = key(10);
    let holder = key(11);
    let pk = patient.public_key();
    let grantee = key(12).public_key().to_bytes();
    let p0 = authority_payload(
        &pk.to_bytes(),
        &grantee,
        Some(&holder.public_key().to_bytes()),
    );
    let s0 = patient.sign(&block_message(0, None, &p0));
    let p1 = attenuation_payload(1, None);
    let honest = token_bytes(
        &[
            (p0.clone(), s0.to_bytes()),
            (
                p1.clone(),
                holder
                    .sign(&block_message(1, Some(&s0.to_bytes()), &p1))
                    .to_bytes(),
            ),
        ],
        None,
    );
    let honest = ConsentToken::from_bytes(&honest).unwrap();
    let mut revoked = RevocationSet::new();
    for id in honest.revocation_ids() {
        revoked.insert(id);
    }
    assert_eq!(
        honest.verify(&pk, NOW, &revoked).unwrap_err(),
        Error::Consent(ConsentError::Revoked)
    );

    let delta = holder.sign(b"delta");
    let s0x = BlsSignature::aggregate(&[s0, delta]).unwrap().to_bytes();
    let s1x = BlsSignature::aggregate(&[
        holder.sign(&block_message(1, Some(&s0x), &p1)),
        neg_sig(&delta),
    ])
    .unwrap()
    .to_bytes();
    // The forgery is exact up to the weights: the unweighted check accepts it.
    let m0 = block_message(0, None, &p0);
    let m1 = block_message(1, Some(&s0x), &p1);
    let sum = BlsSignature::aggregate(&[
        BlsSignature::from_bytes(&s0x).unwrap(),
        BlsSignature::from_bytes(&s1x).unwrap(),
    ])
    .unwrap();
    assert!(aggregate_verify(&[(pk, &m0[..]), (holder.public_key(), &m1[..])], &sum).is_ok());
    let forged = ConsentToken::from_bytes(&token_bytes(&[(p0, s0x), (p1, s1x)], None)).unwrap();
    assert!(forged
        .revocation_ids()
        .iter()
        .all(|id| !revoked.contains(id)));
    for _ in 0..4 {
        assert_eq!(
            forged.verify(&pk, NOW, &revoked).unwrap_err(),
            Error::VerificationFailed
        );
    }
}

// ---------------------------------------------------------------------------------------
// 6. Chain entries, stores, proof files and checkpoints built by hand
// ---------------------------------------------------------------------------------------

fn entry_fields(actor: &[u8; 48], subject: &[u8]) -> Vec<u8> {
    let mut f = vec![0x01];
    f.extend_from_slice(&0u64.to_be_bytes()); // sequence
    f.extend_from_slice(&[0u8; 32]); // prev
    f.extend_from_slice(&1234u64.to_be_bytes()); // time
    f.extend_from_slice(actor);
    f.extend_from_slice(&3u16.to_be_bytes()); // read
    put_bytes(&mut f, subject);
    f.extend_from_slice(&Sha256::digest(b"payload")); // digest
    put_bytes(&mut f, b""); // metadata
    f
}

fn entry_message(fields: &[u8]) -> Vec<u8> {
    let mut m = Vec::new();
    put_bytes(&mut m, b"CIPHERCHART-V01-CHAIN-ENTRY-SIG");
    m.extend_from_slice(fields);
    m
}

fn entry_bytes(fields: &[u8], sig: &[u8; 96]) -> Vec<u8> {
    let mut e = vec![0x43, 0x43, 0x30, 0x02];
    e.extend_from_slice(fields);
    e.extend_from_slice(sig);
    e
}

#[test]
fn hand_built_chain_entry_matches_the_library() {
    let actor = key(20);
    let fields = entry_fields(&actor.public_key().to_bytes(), b"rec-1");
    let sig = actor.sign(&entry_message(&fields)).to_bytes();
    let bytes = entry_bytes(&fields, &sig);
    let e = Entry::from_bytes(&bytes).unwrap();
    e.verify_signature().unwrap();
    let lib = EntryDraft::new(
        1234,
        Action::Read,
        b"rec-1".to_vec(),
        Sha256::digest(b"payload").into(),
    )
    .sign(0, [0u8; 32], &actor)
    .unwrap();
    assert_eq!(lib.to_bytes(), bytes);
    let mut chain = Chain::open(MemoryStore::new()).unwrap();
    chain.append(e).unwrap();
}

#[test]
fn chain_entry_identity_actor_or_signature_is_refused() {
    let actor = key(20);
    let fields = entry_fields(&identity_g1(), b"rec-1");
    // Identity actor with identity signature: the pairing equation holds trivially.
    let bytes = entry_bytes(&fields, &identity_g2());
    assert_eq!(
        encoding_error(Entry::from_bytes(&bytes)),
        EncodingError::IdentityPoint
    );
    // Identity actor, real-looking signature.
    let sig = actor.sign(&entry_message(&fields)).to_bytes();
    assert_eq!(
        encoding_error(Entry::from_bytes(&entry_bytes(&fields, &sig))),
        EncodingError::IdentityPoint
    );
    // Real actor, identity signature.
    let fields = entry_fields(&actor.public_key().to_bytes(), b"rec-1");
    let bad = entry_bytes(&fields, &identity_g2());
    assert_eq!(
        encoding_error(Entry::from_bytes(&bad)),
        EncodingError::IdentityPoint
    );
    // Off-subgroup actor.
    let off = entry_fields(&g1_off_subgroup(1), b"rec-1");
    assert_eq!(
        encoding_error(Entry::from_bytes(&entry_bytes(&off, &sig))),
        EncodingError::NotInSubgroup
    );

    // Through a store: Chain::open reports the entry, never accepts it.
    let inf_entry = entry_bytes(&entry_fields(&identity_g1(), b"rec-1"), &identity_g2());
    match Chain::open(MemoryStore::from_records(vec![inf_entry.clone()])) {
        Err(Error::Chain(e)) => {
            assert_eq!(e.index, 0);
            assert_eq!(e.kind, ChainErrorKind::Encoding);
        }
        other => panic!("identity entry opened: {other:?}"),
    }

    // Through a proof file (formats.md "Inclusion proof"): entry, index, size, path,
    // checkpoint note of a one-leaf log.
    let log = key(21);
    let cp = Checkpoint::sign("log.example", 1, [0u8; 32], &log).unwrap();
    let mut pf = vec![0x43, 0x43, 0x32, 0x02];
    put_bytes(&mut pf, &inf_entry);
    pf.extend_from_slice(&0u64.to_be_bytes());
    pf.extend_from_slice(&1u64.to_be_bytes());
    put_u32(&mut pf, 0);
    put_bytes(&mut pf, cp.to_note().as_bytes());
    assert!(ProofFile::from_bytes(&pf).is_err());
}

#[test]
fn chain_entry_negated_actor_and_signature_do_not_verify() {
    // The actor is inside the signed fields, so (−pk, −σ) does not carry over.
    let actor = key(20);
    let fields = entry_fields(&actor.public_key().to_bytes(), b"rec-1");
    let sig = actor.sign(&entry_message(&fields)).to_bytes();
    let neg_fields = entry_fields(&negate(&actor.public_key().to_bytes()), b"rec-1");
    let e = Entry::from_bytes(&entry_bytes(&neg_fields, &negate(&sig))).unwrap();
    assert_eq!(e.verify_signature(), Err(Error::VerificationFailed));
    let mut chain = Chain::open(MemoryStore::new()).unwrap();
    assert!(chain.append(e).is_err());
    assert!(chain.is_empty());
    // Same actor, negated signature.
    let e = Entry::from_bytes(&entry_bytes(&fields, &negate(&sig))).unwrap();
    assert_eq!(e.verify_signature(), Err(Error::VerificationFailed));
}

fn note_text(origin: &str) -> String {
    format!("{origin}\n0\n{}\n", base64_std(&EMPTY_ROOT))
}

fn checkpoint_message(text: &str) -> Vec<u8> {
    let mut m = Vec::new();
    put_bytes(&mut m, b"CIPHERCHART-V01-CHECKPOINT-SIG");
    m.extend_from_slice(text.as_bytes());
    m
}

fn hand_key_id(name: &str, pk: &[u8; 48]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([0x0a, 0xff]);
    h.update(b"CIPHERCHART-V01-CHECKPOINT-SIG");
    h.update(pk);
    h.finalize()[..4].try_into().unwrap()
}

fn sig_line(name: &str, id: &[u8; 4], sig: &[u8]) -> String {
    let mut b = id.to_vec();
    b.extend_from_slice(sig);
    format!("\u{2014} {name} {}\n", base64_std(&b))
}

#[test]
fn hand_built_checkpoint_matches_the_library() {
    let log = key(21);
    let origin = "log.example/a";
    let text = note_text(origin);
    let sig = log.sign(&checkpoint_message(&text)).to_bytes();
    let id = hand_key_id(origin, &log.public_key().to_bytes());
    assert_eq!(id, cipherchart::key_id(origin, &log.public_key()));
    let note = format!("{text}\n{}", sig_line(origin, &id, &sig));
    assert_eq!(
        note,
        Checkpoint::sign(origin, 0, EMPTY_ROOT, &log)
            .unwrap()
            .to_note()
    );
    Checkpoint::from_note(&note)
        .unwrap()
        .verify(&log.public_key())
        .unwrap();
}

#[test]
fn checkpoint_identity_or_malformed_log_signatures_never_verify() {
    let log = key(21);
    let pk = log.public_key();
    let origin = "log.example/a";
    let text = note_text(origin);
    let good = log.sign(&checkpoint_message(&text)).to_bytes();
    let id = hand_key_id(origin, &pk.to_bytes());
    let other_id = hand_key_id(origin, &key(22).public_key().to_bytes());

    let check = |lines: &[String]| -> Result<(), Error> {
        let note = format!("{text}\n{}", lines.concat());
        match Checkpoint::from_note(&note) {
            Ok(cp) => cp.verify(&pk),
            Err(e) => Err(e),
        }
    };
    let refused = |lines: &[String]| {
        let r = check(lines);
        assert!(r.is_err(), "accepted: {lines:?}");
    };
    // Identity signature under the log's key id; alone, before or after a valid line.
    let inf = sig_line(origin, &id, &identity_g2());
    refused(std::slice::from_ref(&inf));
    refused(&[sig_line(origin, &id, &good), inf.clone()]);
    refused(&[inf.clone(), sig_line(origin, &id, &good)]);
    // Negated, off-subgroup, truncated, extended, aliased signatures.
    refused(&[sig_line(origin, &id, &negate(&good))]);
    refused(&[sig_line(origin, &id, &g2_off_subgroup())]);
    refused(&[sig_line(origin, &id, &good[..95])]);
    let mut long = good.to_vec();
    long.push(0);
    refused(&[sig_line(origin, &id, &long)]);
    refused(&[sig_line(origin, &id, &[])]);
    // Only someone else's lines (identity or not): there must be one line by the log.
    refused(&[sig_line(origin, &other_id, &identity_g2())]);
    refused(&[sig_line("witness.example", &id, &good)]);
    // Unknown lines are kept and ignored (the spec): a valid log line still verifies.
    assert!(check(&[
        sig_line(origin, &id, &good),
        sig_line("witness.example", &[1, 2, 3, 4], &identity_g2()),
    ])
    .is_ok());
    // The binary object form carries the same note.
    let note = format!("{text}\n{inf}");
    if let Ok(cp) = Checkpoint::from_note(&note) {
        let bytes = cp.to_bytes();
        let back = Checkpoint::from_bytes(&bytes).unwrap();
        assert_eq!(back.verify(&pk), Err(Error::VerificationFailed));
    }
}

// ---------------------------------------------------------------------------------------
// 7. Delegation keys, re-keys and hops (the delegator)
// ---------------------------------------------------------------------------------------

struct Grant {
    authority: Authority,
    delegation_bytes: Vec<u8>,
    rekey_bytes: Vec<u8>,
    rekey: ReKey,
    delegator: [u8; 48],
}

fn grant() -> Grant {
    let mut rng = rng("bls-attacks/grant");
    let authority = Authority::setup(&mut rng);
    let delegator = key(30).public_key();
    let delegation = authority
        .issue_delegation_key(&["patient:42"], &delegator, &mut rng)
        .unwrap();
    let delegation_bytes = delegation.to_bytes().to_vec();
    let to = Policy::parse("role:physician").unwrap();
    let rekey = delegation
        .rekey(authority.public_key(), &to, &mut rng)
        .unwrap();
    let rekey_bytes = rekey.to_bytes().to_vec();
    Grant {
        authority,
        delegation_bytes,
        rekey_bytes,
        rekey,
        delegator: delegator.to_bytes(),
    }
}

fn with_delegator(bytes: &[u8], delegator: &[u8; 48]) -> Vec<u8> {
    // The delegator is the last field of both objects (formats.md tables).
    let mut b = bytes.to_vec();
    let n = b.len();
    b[n - 48..].copy_from_slice(delegator);
    b
}

#[test]
fn delegation_key_and_rekey_refuse_identity_and_invalid_delegators() {
    let g = grant();
    assert_eq!(
        &g.delegation_bytes[g.delegation_bytes.len() - 48..],
        &g.delegator
    );
    assert_eq!(&g.rekey_bytes[g.rekey_bytes.len() - 48..], &g.delegator);
    assert!(DelegationKey::from_bytes(&g.delegation_bytes).is_ok());
    assert!(ReKey::from_bytes(&g.rekey_bytes).is_ok());
    let (_, alias) = g1_alias();
    let mut cleared = g.delegator;
    cleared[0] &= 0x7f;
    for (bad, want) in [
        (identity_g1(), EncodingError::IdentityPoint),
        (g1_off_subgroup(2), EncodingError::NotInSubgroup),
        (alias, EncodingError::InvalidPoint),
        (cleared, EncodingError::InvalidPoint),
        ([0u8; 48], EncodingError::InvalidPoint),
    ] {
        assert_eq!(
            encoding_error(DelegationKey::from_bytes(&with_delegator(
                &g.delegation_bytes,
                &bad
            ))),
            want
        );
        assert_eq!(
            encoding_error(ReKey::from_bytes(&with_delegator(&g.rekey_bytes, &bad))),
            want
        );
    }
}

#[test]
fn hop_delegator_is_unvalidated_bytes_and_a_rewritten_one_opens_for_nobody() {
    // formats.md "Hop": the delegator is `fixed[48]`, "not validated: only bound into the
    // context". So a sealed record whose hop names the identity (or garbage) as delegator
    // still decodes: this is the one place an identity BLS key sits in a decodable object.
    // The summary table ("every cipherchart object that embeds a BLS key … IdentityPoint")
    // does not list sealed records, and no public API returns the hop delegator as a
    // `BlsPublicKey`, so nothing *uses* it as a key; what must hold is that it opens nothing.
    let g = grant();
    let mut rng = rng("bls-attacks/hop");
    let policy = Policy::parse("patient:42").unwrap();
    let sealed = seal(
        g.authority.public_key(),
        &policy,
        b"rec-1",
        b"meta",
        b"secret",
        &mut rng,
    )
    .unwrap();
    let hopped = g.rekey.reencrypt(&sealed).unwrap();
    let doctor = g
        .authority
        .issue_key(&["role:physician"], &mut rng)
        .unwrap();
    assert_eq!(
        doctor.open(g.authority.public_key(), &hopped).unwrap(),
        b"secret"
    );
    let bytes = hopped.to_bytes();
    for bad in [identity_g1(), [0u8; 48], negate(&g.delegator)] {
        let patched = replace_once(&bytes, &g.delegator, &bad);
        match SealedRecord::from_bytes(&patched) {
            Ok(rec) => assert!(doctor.open(g.authority.public_key(), &rec).is_err()),
            Err(Error::InvalidEncoding(_)) => {}
            Err(e) => panic!("unexpected error {e:?}"),
        }
    }
    // Documented behaviour pinned: the identity delegator decodes here.
    let patched = replace_once(&bytes, &g.delegator, &identity_g1());
    assert!(SealedRecord::from_bytes(&patched).is_ok());
}
