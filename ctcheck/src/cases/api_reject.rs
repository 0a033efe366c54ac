//! Reject paths and key imports/exports the other end-to-end cases never reach
//! (issue 17, item 4): opening records whose header was mauled so that the FO
//! re-encryption check fails (at `C0` and at the rows), importing malformed user keys,
//! importing delegation keys and re-keys, and exporting the master key. Each runs the
//! same constant-time code as the accepting path; only the accept/reject bit (and, for a
//! rejected key encoding, which check failed) is published.

use ark_bls12_381::{Fq, G1Affine};
use ark_ff::{One, UniformRand};
use ark_serialize::CanonicalSerialize;
use cipherchart::hazmat::SecretKeyBytes;
use cipherchart::{
    seal, Authority, DelegationKey, EncodingError, Error, Policy, PublicKey, ReKey, SealedRecord,
    UserKey,
};
use rand_chacha::ChaCha20Rng;

use super::field::SecretRng;
use super::{case, output};
use crate::valgrind::poison;
use crate::{Case, Kind};

pub fn cases() -> Vec<Case> {
    vec![
        case("api_open_fo_reject", Kind::Clean, 10, api_open_fo_reject),
        case("api_open_fo_batched", Kind::Clean, 10, api_open_fo_batched),
        case(
            "api_user_key_import_reject",
            Kind::Clean,
            6,
            api_user_key_import_reject,
        ),
        case(
            "api_delegation_key_import",
            Kind::Clean,
            6,
            api_delegation_key_import,
        ),
        case("api_rekey_import", Kind::Clean, 6, api_rekey_import),
        case(
            "api_master_key_export",
            Kind::Clean,
            4,
            api_master_key_export,
        ),
    ]
}

/// A poisoned authority, its public key, and a secret user key for `attributes`.
fn secret_key(
    rng: &mut ChaCha20Rng,
    attributes: &[&str],
) -> Option<(PublicKey, Authority, UserKey)> {
    let mut a = Authority::setup(rng);
    let pk = a.public_key().clone();
    poison(&mut a);
    let key = a.issue_key(attributes, &mut SecretRng(rng)).ok()?;
    Some((pk, a, key))
}

/// The three outcomes of opening mauled records (1 = rejected).
#[inline(never)]
fn op_api_open_fo_reject(key: &UserKey, pk: &PublicKey, records: &[SealedRecord; 3]) -> [u8; 3] {
    let mut out = [0u8; 3];
    for (o, r) in out.iter_mut().zip(records) {
        *o = u8::from(matches!(key.open(pk, r), Err(Error::DecryptionFailed)));
    }
    out
}

/// Opening, with a secret key for `role:nurse`, three records under
/// `role:nurse or dept:icu` whose headers were mauled after sealing (every point still
/// a valid encoding, so decoding accepts them):
/// - one bit of the masked seed flipped: DecCore recovers the right `Z`, the unmasked
///   seed is wrong, the recomputed `C0` differs (reject at `C0`);
/// - in each of the two rows, its first two points swapped: for the row the key uses,
///   DecCore's `Z` is wrong (reject at `C0`); for the row it does not use, `Z`, μ and
///   `C0` are right and the recomputed rows differ (reject at the rows).
///
/// Both FO comparisons run on the secret recomputation; only their bits are published
/// (the `[[declassify]]` entries of `record/kem.rs`). The record is public; the key and
/// everything derived from it are secret.
fn api_open_fo_reject(rng: &mut ChaCha20Rng) {
    let Some((pk, _, key)) = secret_key(rng, &["role:nurse"]) else {
        return;
    };
    let Ok(policy) = Policy::parse("role:nurse or dept:icu") else {
        return;
    };
    let Ok(r) = seal(&pk, &policy, b"record-1", b"", b"payload", rng) else {
        return;
    };
    let bytes = r.to_bytes();
    // The encoding ends with the header's masked seed (32), the body's length (4), the
    // body ("payload" and its 16-byte tag) and the hop count (1); the two rows (2 × 3
    // compressed G1 points) come right before the masked seed.
    let tail = 1 + (7 + 16) + 4;
    let Some(seed_start) = bytes.len().checked_sub(tail + 32) else {
        return;
    };
    let Some(rows_start) = seed_start.checked_sub(2 * 3 * 48) else {
        return;
    };
    let mut seed_flip = bytes.clone();
    seed_flip[seed_start] ^= 0x01;
    let swap_row = |i: usize| {
        let mut b = bytes.clone();
        let p0 = rows_start + i * 3 * 48;
        let (first, second) = b[p0..p0 + 96].split_at_mut(48);
        first.swap_with_slice(second);
        b
    };
    let (Ok(a), Ok(b), Ok(c)) = (
        SealedRecord::from_bytes(&seed_flip),
        SealedRecord::from_bytes(&swap_row(0)),
        SealedRecord::from_bytes(&swap_row(1)),
    ) else {
        return;
    };
    output(op_api_open_fo_reject(&key, &pk, &[a, b, c]));
}

/// The outcomes of opening an honest and a mauled record (1 = opened, 2 = rejected).
#[inline(never)]
fn op_api_open_fo_batched(key: &UserKey, pk: &PublicKey, records: &[SealedRecord; 2]) -> [u8; 2] {
    let mut out = [0u8; 2];
    for (o, r) in out.iter_mut().zip(records) {
        *o = match key.open(pk, r) {
            Ok(_) => 1,
            Err(Error::DecryptionFailed) => 2,
            Err(_) => 3,
        };
    }
    out
}

/// The batched FO row check (issue 19), which runs from `FO_BATCH_MIN_ROWS` = 8 rows on
/// (fewer rows are compared one by one, as in `api_open_fo_reject`): with a secret key
/// for `role:nurse`, opening an 8-row record (OR, a `2 of 3` gate: Vandermonde entries,
/// an AND: entries ±1) as sealed (accept) and with the first two points of its last row
/// swapped (a row the key does not use: `Z`, μ and `C0` are right, the batched
/// comparison `s1·A + s2·B = Σ w·C` fails). The public MSMs run on public data; only the
/// comparison's bit is published.
fn api_open_fo_batched(rng: &mut ChaCha20Rng) {
    let Some((pk, _, key)) = secret_key(rng, &["role:nurse"]) else {
        return;
    };
    let Ok(policy) =
        Policy::parse("role:nurse or dept:icu or 2 of (a:1, a:2, a:3) or (b:1 and b:2 and b:3)")
    else {
        return;
    };
    let Ok(r) = seal(&pk, &policy, b"record-1", b"", b"payload", rng) else {
        return;
    };
    let bytes = r.to_bytes();
    // As in `api_open_fo_reject`: the rows (8 × 3 compressed G1 points) come right
    // before the masked seed, which is followed by the body's length, the body and the
    // hop count.
    let tail = 1 + (7 + 16) + 4;
    let Some(last_row) = bytes.len().checked_sub(tail + 32 + 3 * 48) else {
        return;
    };
    let mut swapped = bytes.clone();
    let (first, second) = swapped[last_row..last_row + 96].split_at_mut(48);
    first.swap_with_slice(second);
    let Ok(mauled) = SealedRecord::from_bytes(&swapped) else {
        return;
    };
    output(op_api_open_fo_batched(&key, &pk, &[r, mauled]));
}

/// The error kind of a key import, as one byte (0: accepted).
fn kind<T>(r: &Result<T, Error>) -> u8 {
    match r {
        Ok(_) => 0,
        Err(Error::InvalidEncoding(EncodingError::InvalidPoint)) => 1,
        Err(Error::InvalidEncoding(EncodingError::NotInSubgroup)) => 2,
        Err(Error::InvalidEncoding(EncodingError::IdentityPoint)) => 3,
        Err(_) => 4,
    }
}

#[inline(never)]
fn op_api_user_key_import_reject(keys: &[Vec<u8>; 5]) -> [u8; 5] {
    let mut out = [0u8; 5];
    for (o, k) in out.iter_mut().zip(keys) {
        *o = kind(&UserKey::from_bytes(k));
    }
    out
}

/// A point on E(F_q) outside the prime-order subgroup, compressed (public: a
/// construction, made secret by the caller).
fn off_subgroup_g1(rng: &mut ChaCha20Rng) -> Option<[u8; 48]> {
    let mut x = Fq::rand(rng);
    for _ in 0..1000 {
        if let Some(p) = G1Affine::get_point_from_x_unchecked(x, true) {
            if !p.is_in_correct_subgroup_assuming_on_curve() {
                let mut out = [0u8; 48];
                p.serialize_compressed(&mut out[..]).ok()?;
                return Some(out);
            }
        }
        x += Fq::one();
    }
    None
}

/// `UserKey::from_bytes` on malformed secret key encodings (every point byte poisoned):
/// `K'_1` with a point outside the subgroup, `K'_1` the identity, `K_{y,1}` with its x
/// coordinate ≥ q, `K0_1` with the compression flag cleared, `K0_1` with one bit of x
/// flipped. The constant-time decoder runs the whole decoding on each and declassifies
/// only "well formed", "valid" and "is the identity" (`decode_secret`), in that order.
fn api_user_key_import_reject(rng: &mut ChaCha20Rng) {
    let a = Authority::setup(rng);
    let Ok(key) = a.issue_key(&["role:nurse"], rng) else {
        return;
    };
    let Some(off) = off_subgroup_g1(rng) else {
        return;
    };
    let good = key.to_bytes().to_vec();
    // One attribute: K0 (3 × 96), K' (3 × 48), K_y (3 × 48), the guard's (3 × 48).
    let points = 3 * 96 + 9 * 48;
    let Some(k0) = good.len().checked_sub(points) else {
        return;
    };
    let (k_prime, k_y) = (k0 + 3 * 96, k0 + 3 * 96 + 3 * 48);
    let variant = |f: &dyn Fn(&mut [u8])| {
        let mut b = good.clone();
        f(&mut b);
        poison(&mut b[k0..]);
        b
    };
    let mut identity = [0u8; 48];
    identity[0] = 0xc0;
    let keys = [
        variant(&|b| b[k_prime..k_prime + 48].copy_from_slice(&off)),
        variant(&|b| b[k_prime..k_prime + 48].copy_from_slice(&identity)),
        variant(&|b| {
            b[k_y..k_y + 48].fill(0xff);
            b[k_y] = 0x9f;
        }),
        variant(&|b| b[k0] &= 0x7f),
        variant(&|b| b[k0 + 47] ^= 0x01),
    ];
    output(op_api_user_key_import_reject(&keys));
}

/// A secret delegation key for `role:nurse` (from the poisoned master key and the
/// secret RNG) naming a public consent key.
fn delegation_key(rng: &mut ChaCha20Rng) -> Option<(PublicKey, DelegationKey)> {
    let (pk, a, _) = secret_key(rng, &["role:nurse"])?;
    let consent = cipherchart::BlsSigningKey::generate(rng).public_key();
    let d = a
        .issue_delegation_key(&["role:nurse"], &consent, &mut SecretRng(rng))
        .ok()?;
    Some((pk, d))
}

/// Where a one-attribute key's points start in an encoding: after the attribute's text
/// and the guard flag (the first occurrence of the text is the key's own).
fn points_after(bytes: &[u8], attribute: &[u8]) -> Option<usize> {
    let at = bytes
        .windows(attribute.len())
        .position(|w| w == attribute)?;
    Some(at + attribute.len() + 1)
}

#[inline(never)]
fn op_api_delegation_key_import(bytes: &[u8]) -> Vec<u8> {
    DelegationKey::from_bytes(bytes).map_or_else(|_| Vec::new(), |k| k.to_bytes().to_vec())
}

/// `DelegationKey::from_bytes` on an encoding whose points are secret; its export is the
/// output (constant-time compression), so import and export both run on the secret.
fn api_delegation_key_import(rng: &mut ChaCha20Rng) {
    let Some((_, d)) = delegation_key(rng) else {
        return;
    };
    let mut bytes = d.to_bytes().to_vec();
    let Some(start) = points_after(&bytes, b"role:nurse") else {
        return;
    };
    let end = start + 3 * 96 + 6 * 48;
    if end > bytes.len() {
        return;
    }
    poison(&mut bytes[start..end]);
    output(op_api_delegation_key_import(&bytes));
}

#[inline(never)]
fn op_api_rekey_import(bytes: &[u8]) -> Vec<u8> {
    ReKey::from_bytes(bytes).map_or_else(|_| Vec::new(), |k| k.to_bytes().to_vec())
}

/// `ReKey::from_bytes` (what a proxy does on start) on an encoding whose blinded key
/// points and hop key are secret; the re-key's export is the output.
fn api_rekey_import(rng: &mut ChaCha20Rng) {
    let Some((pk, d)) = delegation_key(rng) else {
        return;
    };
    let Ok(target) = Policy::parse("role:auditor") else {
        return;
    };
    let Ok(rk) = d.rekey(&pk, &target, rng) else {
        return;
    };
    let mut bytes = rk.to_bytes().to_vec();
    let Some(start) = points_after(&bytes, b"role:nurse") else {
        return;
    };
    let end = start + 3 * 96 + 6 * 48;
    // The hop key: the 32 bytes before the delegator's 48-byte public key at the end.
    let Some(hop) = bytes.len().checked_sub(48 + 32) else {
        return;
    };
    if end > hop {
        return;
    }
    poison(&mut bytes[start..end]);
    poison(&mut bytes[hop..hop + 32]);
    output(op_api_rekey_import(&bytes));
}

#[inline(never)]
fn op_api_master_key_export(a: &Authority) -> Vec<u8> {
    a.to_secret_bytes().to_vec()
}

/// `SecretKeyBytes::to_secret_bytes` of an `Authority` with a poisoned master key: the scalars' big-endian
/// encodings and the constant-time compression of `g^{d_t}`.
fn api_master_key_export(rng: &mut ChaCha20Rng) {
    let mut a = Authority::setup(rng);
    poison(&mut a);
    output(op_api_master_key_export(&a));
}
