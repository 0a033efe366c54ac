//! Format v3 (revocation, `docs/revocation.md` §0): sealing under a notice (the seed μ
//! and the body key `K_b` from the secret RNG), keys issued under a notice, opening a v3
//! record (the wrap key, the unwrap of `K_b`, its commitment compared in constant time,
//! the body key), the authority's catch-up (`rewrap`: a one-record key from the poisoned
//! master key, the old header opened, `K_b` wrapped again), importing a v3 user key, and
//! a format v3 session (started under a notice with the secret RNG, opened with a secret
//! key: the unwrap of the session key, `K_body`, a record's subkey and AEAD), a format v3
//! stream (sealed under a notice with the secret RNG, every chunk under the secret `K_body`,
//! opened with a secret key: the unwrap of the stream key and every chunk), and format v3
//! re-encryption: a v3 re-key from a secret delegation key (its key id from the secret
//! `K0`, the v3 capsule and blinding), the proxy's v3 transform with a secret re-key, and
//! opening a record through two v3 hops with a secret key; and the catch-up of a stream
//! (re-wrapping a closed v3 stream's header from the poisoned master key: the one-stream
//! key, the unwrap of the stream key and its new wrap; re-encrypting a stream whole: every
//! chunk decrypted under the old secret `K_body` and sealed under a fresh one).

use cipherchart::{
    seal_stream_with_notice, seal_with_notice, start_session_with_notice, stream_trailer,
    Attribute, Authority, BlsSigningKey, NoticeFields, Policy, PublicKey, SealedRecord,
    SessionHeader, SessionRecord, Trailer, UserKey, VerifiedNotice, VersionNotice,
};
use rand_chacha::ChaCha20Rng;

use super::field::SecretRng;
use super::{case, output};
use crate::valgrind::{poison, unpoison_shared};
use crate::{Case, Kind};

pub fn cases() -> Vec<Case> {
    vec![
        case("api_seal_with_notice", Kind::Clean, 8, api_seal_with_notice),
        case("api_issue_key_under", Kind::Clean, 8, api_issue_key_under),
        case("api_open_v3", Kind::Clean, 9, api_open_v3),
        case("api_rewrap", Kind::Clean, 9, api_rewrap),
        case(
            "api_user_key_v3_import",
            Kind::Clean,
            6,
            api_user_key_v3_import,
        ),
        case("api_session_v3", Kind::Clean, 9, api_session_v3),
        case("api_stream_v3", Kind::Clean, 9, api_stream_v3),
        case("api_rekey_under", Kind::Clean, 9, api_rekey_under),
        case("api_reencrypt_v3", Kind::Clean, 9, api_reencrypt_v3),
        case("api_open_v3_hops", Kind::Clean, 10, api_open_v3_hops),
        case("api_rewrap_stream", Kind::Clean, 9, api_rewrap_stream),
        case("api_reencrypt_stream", Kind::Clean, 9, api_reencrypt_stream),
    ]
}

const T0: u64 = 1_800_000_000;

/// A verified notice of `pk`'s authority with `role:nurse` at version `v` (public).
pub(super) fn notice(pk: &PublicKey, v: u32, rng: &mut ChaCha20Rng) -> Option<VerifiedNotice> {
    let key = BlsSigningKey::generate(rng);
    let versions = if v == 0 {
        vec![]
    } else {
        vec![(Attribute::new("role:nurse").ok()?, v)]
    };
    let fields = NoticeFields {
        authority: pk.id(),
        statement_serial: 0,
        serial: T0 + u64::from(v),
        issued_at: T0 + u64::from(v),
        not_after: T0 + 3600,
        bump_count: u64::from(v),
        bump_head: if v == 0 { [0; 32] } else { [1; 32] },
        versions,
    };
    VersionNotice::sign(&key, &fields)
        .ok()?
        .verify(&key.public_key(), T0 + u64::from(v), None)
        .ok()
}

/// The master key poisoned in place, its public key (inside the `Authority`) marked
/// public again: `issue_key_under` and `rewrap` compare the notice's and the record's
/// authority ids with it and look up its tables, all public data. (The v2 cases poison
/// the whole `Authority` because their operations take the public key as an argument.)
pub(super) fn secret_authority(rng: &mut ChaCha20Rng) -> (PublicKey, Authority) {
    let mut a = Authority::setup(rng);
    let pk = a.public_key().clone();
    poison(&mut a);
    unpoison_shared(a.public_key());
    (pk, a)
}

/// A v3 record under `n` sealed with a public RNG (the record is public).
fn record(pk: &PublicKey, n: &VerifiedNotice, rng: &mut ChaCha20Rng) -> Option<SealedRecord> {
    let policy = Policy::parse("role:nurse").ok()?;
    seal_with_notice(pk, n, &policy, b"record-1", b"", b"payload", rng).ok()
}

#[inline(never)]
fn op_api_seal_with_notice(pk: &PublicKey, n: &VerifiedNotice, rng: &mut SecretRng<'_>) -> Vec<u8> {
    let Ok(policy) = Policy::parse("role:nurse") else {
        return Vec::new();
    };
    seal_with_notice(pk, n, &policy, b"record-1", b"", b"payload", rng)
        .map(|r| r.to_bytes())
        .unwrap_or_default()
}
fn api_seal_with_notice(rng: &mut ChaCha20Rng) {
    let a = Authority::setup(rng);
    let Some(n) = notice(a.public_key(), 1, rng) else {
        return;
    };
    output(op_api_seal_with_notice(
        a.public_key(),
        &n,
        &mut SecretRng(rng),
    ));
}

#[inline(never)]
fn op_api_issue_key_under(a: &Authority, n: &VerifiedNotice, rng: &mut SecretRng<'_>) -> Vec<u8> {
    a.issue_key_under(n, &["role:nurse"], rng)
        .map(|k| k.to_bytes().to_vec())
        .unwrap_or_default()
}
fn api_issue_key_under(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let Some(n) = notice(&pk, 1, rng) else {
        return;
    };
    output(op_api_issue_key_under(&a, &n, &mut SecretRng(rng)));
}

#[inline(never)]
fn op_api_open_v3(key: &UserKey, pk: &PublicKey, r: &SealedRecord) -> Vec<u8> {
    key.open(pk, r).unwrap_or_default()
}
fn api_open_v3(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let Some(n) = notice(&pk, 1, rng) else {
        return;
    };
    let (Ok(key), Some(r)) = (
        a.issue_key_under(&n, &["role:nurse"], &mut SecretRng(rng)),
        record(&pk, &n, rng),
    ) else {
        return;
    };
    output(op_api_open_v3(&key, &pk, &r));
}

#[inline(never)]
fn op_api_session_v3(
    key: &UserKey,
    pk: &PublicKey,
    h: &SessionHeader,
    r: &SessionRecord,
) -> Vec<u8> {
    key.open_session(pk, h)
        .and_then(|o| o.open(r))
        .unwrap_or_default()
}
fn api_session_v3(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let (Some(n), Ok(policy)) = (notice(&pk, 1, rng), Policy::parse("role:nurse")) else {
        return;
    };
    let Ok(key) = a.issue_key_under(&n, &["role:nurse"], &mut SecretRng(rng)) else {
        return;
    };
    let Ok((header, mut sealer)) =
        start_session_with_notice(&pk, &n, &policy, b"bed-7", b"vitals", &mut SecretRng(rng))
    else {
        return;
    };
    let Ok(record) = sealer.seal(b"hr", b"72 bpm") else {
        return;
    };
    output(op_api_session_v3(&key, &pk, &header, &record));
}

#[inline(never)]
fn op_api_stream_v3(key: &UserKey, pk: &PublicKey, sealed: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match key.open_stream(pk, sealed, &mut out) {
        Ok(_) => out,
        Err(_) => Vec::new(),
    }
}
fn api_stream_v3(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let (Some(n), Ok(policy)) = (notice(&pk, 1, rng), Policy::parse("role:nurse")) else {
        return;
    };
    let Ok(key) = a.issue_key_under(&n, &["role:nurse"], &mut SecretRng(rng)) else {
        return;
    };
    // Three chunks of 16 bytes and a last one of 8.
    let mut sealed = Vec::new();
    if seal_stream_with_notice(
        &pk,
        &n,
        &policy,
        b"ecg-1",
        b"lead II",
        16,
        &b"ECG lead II, 250 Hz, 40 samples of 8 bit"[..],
        &mut sealed,
        &mut SecretRng(rng),
    )
    .is_err()
    {
        return;
    }
    output(op_api_stream_v3(&key, &pk, &sealed));
}

#[inline(never)]
fn op_api_rewrap(
    a: &Authority,
    r: &SealedRecord,
    n: &VerifiedNotice,
    rng: &mut SecretRng<'_>,
) -> Vec<u8> {
    a.rewrap(r, n, rng)
        .map(|r| r.to_bytes())
        .unwrap_or_default()
}
fn api_rewrap(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let (Some(n0), Some(n1)) = (notice(&pk, 0, rng), notice(&pk, 1, rng)) else {
        return;
    };
    let Some(r) = record(&pk, &n0, rng) else {
        return;
    };
    output(op_api_rewrap(&a, &r, &n1, &mut SecretRng(rng)));
}

#[inline(never)]
fn op_api_user_key_v3_import(bytes: &[u8]) -> Vec<u8> {
    UserKey::from_bytes(bytes).map_or_else(|_| Vec::new(), |k| k.to_bytes().to_vec())
}
/// A v3 key for one attribute: every point (`K0`, `K'`, `K_y`, the guard's; 3 × 96 +
/// 9 × 48 bytes at the end) is secret, the names and versions public.
fn api_user_key_v3_import(rng: &mut ChaCha20Rng) {
    let a = Authority::setup(rng);
    let Some(n) = notice(a.public_key(), 1, rng) else {
        return;
    };
    let Ok(key) = a.issue_key_under(&n, &["role:nurse"], rng) else {
        return;
    };
    let mut bytes = key.to_bytes().to_vec();
    let Some(start) = bytes.len().checked_sub(3 * 96 + 9 * 48) else {
        return;
    };
    poison(&mut bytes[start..]);
    output(op_api_user_key_v3_import(&bytes));
}

/// A secret v3 delegation key for `role:nurse` under `n` (from the poisoned master key
/// and the secret RNG), naming a public consent key.
fn delegation_key_under(
    a: &Authority,
    n: &VerifiedNotice,
    attributes: &[&str],
    rng: &mut ChaCha20Rng,
) -> Option<cipherchart::DelegationKey> {
    let consent = BlsSigningKey::generate(rng).public_key();
    a.issue_delegation_key_under(n, attributes, &consent, &mut SecretRng(rng))
        .ok()
}

#[inline(never)]
fn op_api_rekey_under(
    key: cipherchart::DelegationKey,
    pk: &PublicKey,
    n: &VerifiedNotice,
    rng: &mut SecretRng<'_>,
) -> Vec<u8> {
    let Ok(target) = Policy::parse("role:auditor") else {
        return Vec::new();
    };
    key.rekey_under(pk, n, &target, None, rng)
        .map(|rk| rk.to_bytes().to_vec())
        .unwrap_or_default()
}
fn api_rekey_under(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let Some(n) = notice(&pk, 1, rng) else {
        return;
    };
    let Some(key) = delegation_key_under(&a, &n, &["role:nurse"], rng) else {
        return;
    };
    output(op_api_rekey_under(key, &pk, &n, &mut SecretRng(rng)));
}

/// A v3 re-key (secret) under `n` from `attributes` to `target`, below `parent`.
fn rekey_under(
    a: &Authority,
    pk: &PublicKey,
    n: &VerifiedNotice,
    attributes: &[&str],
    target: &str,
    parent: Option<cipherchart::GrantRef>,
    rng: &mut ChaCha20Rng,
) -> Option<cipherchart::ReKey> {
    let key = delegation_key_under(a, n, attributes, rng)?;
    let target = Policy::parse(target).ok()?;
    key.rekey_under(pk, n, &target, parent, &mut SecretRng(rng))
        .ok()
}

#[inline(never)]
fn op_api_reencrypt_v3(rk: &cipherchart::ReKey, r: &SealedRecord) -> Vec<u8> {
    rk.reencrypt(r).map(|r| r.to_bytes()).unwrap_or_default()
}
fn api_reencrypt_v3(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let Some(n) = notice(&pk, 1, rng) else {
        return;
    };
    let (Some(r), Some(rk)) = (
        record(&pk, &n, rng),
        rekey_under(&a, &pk, &n, &["role:nurse"], "role:auditor", None, rng),
    ) else {
        return;
    };
    output(op_api_reencrypt_v3(&rk, &r));
}

#[inline(never)]
fn op_api_open_v3_hops(key: &UserKey, pk: &PublicKey, r: &SealedRecord) -> Vec<u8> {
    key.open(pk, r).unwrap_or_default()
}
/// Two v3 hops (nurse → auditor → surgeon, the second below the first), opened by a
/// secret surgeon key: both v3 capsules, the v3 blinding, the hop loop and the FO checks
/// of the capsules and of the v3 header, the unwrap of `K_b`.
fn api_open_v3_hops(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let Some(n) = notice(&pk, 1, rng) else {
        return;
    };
    let Some(r) = record(&pk, &n, rng) else {
        return;
    };
    let Some(first) = rekey_under(&a, &pk, &n, &["role:nurse"], "role:auditor", None, rng) else {
        return;
    };
    let Ok(hop1) = first.reencrypt(&r) else {
        return;
    };
    let Some(second) = rekey_under(
        &a,
        &pk,
        &n,
        &["role:auditor"],
        "role:surgeon",
        hop1.newest_grant(),
        rng,
    ) else {
        return;
    };
    let (Ok(hop2), Ok(surgeon)) = (
        second.reencrypt(&hop1),
        a.issue_key_under(&n, &["role:surgeon"], &mut SecretRng(rng)),
    ) else {
        return;
    };
    output(op_api_open_v3_hops(&surgeon, &pk, &hop2));
}

/// A closed v3 stream under `n` (three chunks of 16 bytes and a last one of 8), sealed
/// with a public RNG (the stream is public).
fn stream_under(pk: &PublicKey, n: &VerifiedNotice, rng: &mut ChaCha20Rng) -> Option<Vec<u8>> {
    let policy = Policy::parse("role:nurse").ok()?;
    let mut sealed = Vec::new();
    seal_stream_with_notice(
        pk,
        n,
        &policy,
        b"ecg-1",
        b"lead II",
        16,
        &b"ECG lead II, 250 Hz, 40 samples of 8 bit"[..],
        &mut sealed,
        rng,
    )
    .ok()?;
    Some(sealed)
}

#[inline(never)]
fn op_api_rewrap_stream(
    a: &Authority,
    stream: &[u8],
    trailer: &Trailer,
    n: &VerifiedNotice,
    rng: &mut SecretRng<'_>,
) -> Vec<u8> {
    let mut out = Vec::new();
    match a.rewrap_stream(stream, trailer, n, &mut out, rng) {
        Ok(_) => out,
        Err(_) => Vec::new(),
    }
}
fn api_rewrap_stream(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let (Some(n0), Some(n1)) = (notice(&pk, 0, rng), notice(&pk, 1, rng)) else {
        return;
    };
    let Some(stream) = stream_under(&pk, &n0, rng) else {
        return;
    };
    let Ok(trailer) = stream_trailer(&stream[..]) else {
        return;
    };
    output(op_api_rewrap_stream(
        &a,
        &stream,
        &trailer,
        &n1,
        &mut SecretRng(rng),
    ));
}

#[inline(never)]
fn op_api_reencrypt_stream(
    a: &Authority,
    stream: &[u8],
    trailer: &Trailer,
    n: &VerifiedNotice,
    rng: &mut SecretRng<'_>,
) -> Vec<u8> {
    let mut out = Vec::new();
    match a.reencrypt_stream(stream, Some(trailer), n, &mut out, rng) {
        Ok(_) => out,
        Err(_) => Vec::new(),
    }
}
fn api_reencrypt_stream(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let (Some(n0), Some(n1)) = (notice(&pk, 0, rng), notice(&pk, 1, rng)) else {
        return;
    };
    let Some(stream) = stream_under(&pk, &n0, rng) else {
        return;
    };
    let Ok(trailer) = stream_trailer(&stream[..]) else {
        return;
    };
    output(op_api_reencrypt_stream(
        &a,
        &stream,
        &trailer,
        &n1,
        &mut SecretRng(rng),
    ));
}
