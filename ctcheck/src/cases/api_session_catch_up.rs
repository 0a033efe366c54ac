//! The catch-up of a stored format v3 session (`docs/revocation.md` §0.1 step 4): the
//! authority's re-wrap of a closed session's header from the poisoned master key (the
//! one-session key, the unwrap of the session key `K_b`, its new wrap), its re-encryption
//! of a session whole (every record decrypted under the old secret `K_body` and sealed
//! under a fresh one), and opening a re-wrapped session with a secret key (the unwrap of
//! `K_b`, then each record checked against the trailer's root and opened), and the split of
//! a session at a progress anchor (the prefix re-wrapped, the tail opened and sealed again).

use cipherchart::{
    prove_session_record, start_session_with_notice, Authority, Policy, PublicKey, SessionHeader,
    SessionRecord, Trailer, UserKey, VerifiedNotice,
};
use rand_chacha::ChaCha20Rng;

use super::api_v3::{notice, secret_authority};
use super::field::SecretRng;
use super::{case, output};
use crate::{Case, Kind};

pub fn cases() -> Vec<Case> {
    vec![
        case("api_rewrap_session", Kind::Clean, 9, api_rewrap_session),
        case(
            "api_reencrypt_session",
            Kind::Clean,
            9,
            api_reencrypt_session,
        ),
        case(
            "api_open_session_included",
            Kind::Clean,
            9,
            api_open_session_included,
        ),
        case("api_split_session", Kind::Clean, 9, api_split_session),
    ]
}

/// A closed v3 session under `n` (sealed with a public RNG: the session is public), its
/// records and its sealer's trailer.
fn closed_session(
    pk: &PublicKey,
    n: &VerifiedNotice,
    rng: &mut ChaCha20Rng,
) -> Option<(SessionHeader, Vec<SessionRecord>, Trailer)> {
    let policy = Policy::parse("role:nurse").ok()?;
    let (header, mut sealer) =
        start_session_with_notice(pk, n, &policy, b"bed-7", b"vitals", rng).ok()?;
    let records = vec![
        sealer.seal(b"hr", b"72 bpm").ok()?,
        sealer.seal(b"spo2", b"97 %").ok()?,
        sealer.seal(b"hr", b"74 bpm").ok()?,
    ];
    let trailer = sealer.trailer().ok()?;
    Some((header, records, trailer))
}

#[inline(never)]
fn op_api_rewrap_session(
    a: &Authority,
    header: &SessionHeader,
    trailer: &Trailer,
    n: &VerifiedNotice,
    rng: &mut SecretRng<'_>,
) -> Vec<u8> {
    a.rewrap_session(header, trailer, n, rng)
        .map(|h| h.to_bytes())
        .unwrap_or_default()
}
fn api_rewrap_session(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let (Some(n0), Some(n1)) = (notice(&pk, 0, rng), notice(&pk, 1, rng)) else {
        return;
    };
    let Some((header, _, trailer)) = closed_session(&pk, &n0, rng) else {
        return;
    };
    output(op_api_rewrap_session(
        &a,
        &header,
        &trailer,
        &n1,
        &mut SecretRng(rng),
    ));
}

#[inline(never)]
fn op_api_reencrypt_session(
    a: &Authority,
    header: &SessionHeader,
    records: &[SessionRecord],
    trailer: &Trailer,
    n: &VerifiedNotice,
    rng: &mut SecretRng<'_>,
) -> Vec<u8> {
    match a.reencrypt_session(header, records, Some(trailer), n, rng) {
        Ok((h, r, _)) => {
            let mut out = h.to_bytes();
            r.iter().for_each(|r| out.extend_from_slice(&r.to_bytes()));
            out
        }
        Err(_) => Vec::new(),
    }
}
fn api_reencrypt_session(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let (Some(n0), Some(n1)) = (notice(&pk, 0, rng), notice(&pk, 1, rng)) else {
        return;
    };
    let Some((header, records, trailer)) = closed_session(&pk, &n0, rng) else {
        return;
    };
    output(op_api_reencrypt_session(
        &a,
        &header,
        &records,
        &trailer,
        &n1,
        &mut SecretRng(rng),
    ));
}

#[inline(never)]
fn op_api_open_session_included(
    key: &UserKey,
    pk: &PublicKey,
    header: &SessionHeader,
    records: &[SessionRecord],
) -> Vec<u8> {
    let Ok(opener) = key.open_session(pk, header) else {
        return Vec::new();
    };
    let mut out: Vec<u8> = opener.open_all(records).unwrap_or_default().concat();
    if let Ok(proof) = prove_session_record(records, 1) {
        out.extend(
            opener
                .open_included(&records[1], &proof)
                .unwrap_or_default(),
        );
    }
    out
}
fn api_open_session_included(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let (Some(n0), Some(n1)) = (notice(&pk, 0, rng), notice(&pk, 1, rng)) else {
        return;
    };
    let Some((header, records, trailer)) = closed_session(&pk, &n0, rng) else {
        return;
    };
    // The re-wrap is done (its own case checks it); the key opening it is the secret here.
    let Ok(rewrapped) = a.rewrap_session(&header, &trailer, &n1, rng) else {
        return;
    };
    let Ok(key) = a.issue_key_under(&n1, &["role:nurse"], &mut SecretRng(rng)) else {
        return;
    };
    output(op_api_open_session_included(
        &key, &pk, &rewrapped, &records,
    ));
}

#[inline(never)]
fn op_api_split_session(
    a: &Authority,
    header: &SessionHeader,
    records: &[SessionRecord],
    (progress, close): (&Trailer, &Trailer),
    n: &VerifiedNotice,
    rng: &mut SecretRng<'_>,
) -> Vec<u8> {
    match a.split_session(header, records, progress, close, n, rng) {
        Ok(split) => {
            let mut out = split.prefix.to_bytes();
            out.extend(split.tail.to_bytes());
            split
                .tail_records
                .iter()
                .for_each(|r| out.extend_from_slice(&r.to_bytes()));
            out
        }
        Err(_) => Vec::new(),
    }
}
fn api_split_session(rng: &mut ChaCha20Rng) {
    let (pk, a) = secret_authority(rng);
    let (Some(n0), Some(n1)) = (notice(&pk, 0, rng), notice(&pk, 1, rng)) else {
        return;
    };
    let Some((header, records, close)) = closed_session(&pk, &n0, rng) else {
        return;
    };
    let Ok(progress) = cipherchart::session_trailer(&header, &records[..1]) else {
        return;
    };
    output(op_api_split_session(
        &a,
        &header,
        &records,
        (&progress, &close),
        &n1,
        &mut SecretRng(rng),
    ));
}
