//! Consent tokens from the outside (`docs/consent.md`).
//!
//! Round trips (bytes and text), the effective rights after attenuation, the holder
//! chain and its proof, every bad input as a distinct typed error (expired, not yet
//! valid, revoked, wrong issuer, widened, truncated, cut back, reordered, trailing
//! bytes, unknown versions), every bit flip of a token, revocation through the proof
//! chain, and a byte-level conformance check: tokens built by hand from the layout in
//! `docs/formats.md` ("Consent token") and signed with plain BLS must decode and verify
//! exactly like the library's own — which is also how the widening block below, one the
//! library refuses to make, is made.

#![allow(clippy::unwrap_used)]

use crate::common::verify;
use crate::common::{rng, DAY, T0};
use cipherchart::{
    limits::MAX_BLOCKS, ConsentToken, Grant, Grantee, Narrowing, RevocationId, RevocationSet,
    Scope, Selection, Window,
};
use cipherchart::{Action, Chain, EntryDraft, MemoryStore};
use cipherchart::{BlsPublicKey, BlsSigningKey};
use cipherchart::{ConsentError, EncodingError, Error, Policy};
use sha2::{Digest, Sha256};

fn key(seed: u8) -> BlsSigningKey {
    BlsSigningKey::from_ikm(&[seed; 32], b"").unwrap()
}

fn window(from: u64, to: u64) -> Window {
    Window::new(from, to).unwrap()
}

fn none() -> RevocationSet {
    RevocationSet::new()
}

fn consent_err(e: ConsentError) -> Error {
    Error::Consent(e)
}

struct Parties {
    patient: BlsSigningKey,
    hospital: BlsSigningKey,
    resident: BlsSigningKey,
}

fn parties() -> Parties {
    Parties {
        patient: key(1),
        hospital: key(2),
        resident: key(3),
    }
}

/// The patient's grant: h2 cardiology, treatment and research, 90 days, held by h2.
fn grant(p: &Parties) -> Grant {
    Grant::new(
        "patient-42",
        Grantee::Policy(Policy::parse("hospital:h2 and dept:cardiology").unwrap()),
        window(T0, T0 + 90 * DAY),
    )
    .categories(["cardiology", "radiology"])
    .purposes(["treatment", "research"])
    .holder(p.hospital.public_key())
}

fn issued(p: &Parties) -> ConsentToken {
    ConsentToken::issue(&p.patient, &grant(p), &mut rng(42)).unwrap()
}

/// Issued, attenuated by h2 to a resident (treatment, cardiology, one week), presented.
fn delegated(p: &Parties) -> ConsentToken {
    let narrowing = Narrowing::new()
        .categories(["cardiology"])
        .purposes(["treatment"])
        .window(window(T0 + DAY, T0 + 8 * DAY))
        .holder(p.resident.public_key());
    issued(p)
        .attenuate(&p.hospital, &narrowing)
        .unwrap()
        .present(&p.resident)
        .unwrap()
}

#[test]
fn issue_verify_round_trip() {
    let p = parties();
    let token = issued(&p).present(&p.hospital).unwrap();
    for t in [
        ConsentToken::from_bytes(&token.to_bytes()).unwrap(),
        ConsentToken::from_text(&token.to_text()).unwrap(),
    ] {
        assert_eq!(t, token);
        assert_eq!(t.to_bytes(), token.to_bytes());
    }
    assert_eq!(token.issuer(), Some(p.patient.public_key()));
    assert_eq!(token.holder(), Some(p.hospital.public_key()));
    assert_eq!(token.block_count(), 1);
    assert!(token.is_presented());

    let consent = verify(&token, &p.patient.public_key(), T0 + DAY, &none()).unwrap();
    assert_eq!(consent.subject(), "patient-42");
    assert_eq!(consent.issuer(), &p.patient.public_key());
    assert_eq!(consent.holder(), Some(&p.hospital.public_key()));
    assert_eq!(
        consent.grantee(),
        &Grantee::Policy(Policy::parse("hospital:h2 and dept:cardiology").unwrap())
    );
    assert_eq!(consent.scope().records, Selection::Any);
    assert_eq!(
        consent.scope().categories,
        Selection::only(["radiology", "cardiology"])
    );
    assert_eq!(consent.window(), window(T0, T0 + 90 * DAY));
    assert_eq!(consent.rekey_digest(), None);
    assert_eq!(consent.revocation_ids(), token.revocation_ids().as_slice());
    assert_eq!(consent.verified_at(), T0 + DAY);
    assert!(consent.permits(b"any-record", "cardiology", "research"));
    assert!(consent.permits(&[0xff, 0xfe], "radiology", "treatment"));
    assert!(!consent.permits(b"any-record", "laboratory", "treatment"));
    assert!(!consent.permits(b"any-record", "cardiology", "billing"));
    assert_eq!(
        consent.check_permits(b"x", "laboratory", "treatment"),
        Err(consent_err(ConsentError::NotPermitted))
    );
    // The token's own method is the same verification.
    assert!(token
        .verify(&p.patient.public_key(), T0 + DAY, &none())
        .is_ok());
}

#[test]
fn attenuation_narrows_the_effective_rights() {
    let p = parties();
    let token = delegated(&p);
    assert_eq!(token.block_count(), 2);
    let consent = verify(&token, &p.patient.public_key(), T0 + 2 * DAY, &none()).unwrap();
    assert_eq!(consent.scope().categories, Selection::only(["cardiology"]));
    assert_eq!(consent.purposes().len(), 1);
    assert_eq!(consent.window(), window(T0 + DAY, T0 + 8 * DAY));
    assert_eq!(consent.holder(), Some(&p.resident.public_key()));
    assert!(consent.permits(b"ecg", "cardiology", "treatment"));
    assert!(!consent.permits(b"ecg", "cardiology", "research"));
    assert!(!consent.permits(b"cxr", "radiology", "treatment"));
    // Record ids narrowed from Any; fields left unchanged are inherited.
    let t3 = token
        .attenuate(&p.resident, &Narrowing::new().records(["ecg-1", "ecg-2"]))
        .unwrap();
    assert_eq!(t3.holder(), None, "no holder named: the token is closed");
    let c3 = verify(&t3, &p.patient.public_key(), T0 + 2 * DAY, &none()).unwrap();
    assert!(c3.permits(b"ecg-1", "cardiology", "treatment"));
    assert!(!c3.permits(b"ecg-3", "cardiology", "treatment"));
    assert_eq!(c3.window(), window(T0 + DAY, T0 + 8 * DAY));
    // A closed token cannot be attenuated or presented.
    for k in [&p.resident, &p.hospital, &p.patient] {
        assert_eq!(
            t3.attenuate(k, &Narrowing::new()).unwrap_err(),
            consent_err(ConsentError::BadChain)
        );
        assert_eq!(
            t3.present(k).unwrap_err(),
            consent_err(ConsentError::BadChain)
        );
    }
}

#[test]
fn attenuate_refuses_widening_and_strangers() {
    let p = parties();
    let token = issued(&p);
    let widen = [
        Narrowing::new().purposes(["treatment", "billing"]),
        Narrowing::new().categories(["cardiology", "laboratory"]),
        Narrowing::new().category_selection(Selection::Any),
        Narrowing::new().window(window(T0 - 1, T0 + DAY)),
        Narrowing::new().window(window(T0, T0 + 91 * DAY)),
    ];
    for n in &widen {
        assert_eq!(
            token.attenuate(&p.hospital, n).unwrap_err(),
            consent_err(ConsentError::Widened),
            "{n:?}"
        );
    }
    // Equal values are allowed (a subset of itself).
    assert!(token
        .attenuate(
            &p.hospital,
            &Narrowing::new()
                .purposes(["research", "treatment"])
                .window(window(T0, T0 + 90 * DAY))
        )
        .is_ok());
    assert_eq!(
        token.attenuate(&p.resident, &Narrowing::new()).unwrap_err(),
        consent_err(ConsentError::BadChain)
    );
    assert_eq!(
        token.present(&p.resident).unwrap_err(),
        consent_err(ConsentError::BadChain)
    );
    // Invalid values are argument errors.
    for n in [
        Narrowing::new().purposes(Vec::<String>::new()),
        Narrowing::new().records([""]),
        Narrowing::new().categories(["tab\there"]),
    ] {
        assert!(matches!(
            token.attenuate(&p.hospital, &n),
            Err(Error::InvalidArgument(_))
        ));
    }
}

#[test]
fn issue_refuses_invalid_values() {
    let p = parties();
    let base = || {
        Grant::new(
            "patient-42",
            Grantee::Key(p.hospital.public_key()),
            window(0, 10),
        )
        .purposes(["treatment"])
    };
    let decomposed = "cardiologie\u{301}"; // "cardiologié" in NFD
    let bad = [
        Grant::new("p", Grantee::Key(p.hospital.public_key()), window(0, 10)), // no purpose
        base().categories(Vec::<String>::new()),
        base().categories([decomposed]),
        base().purposes(["x".repeat(256)]),
        base().records(["r".repeat(1025)]),
        base().records((0..257).map(|i| format!("r{i}"))),
        Grant::new("", Grantee::Key(p.hospital.public_key()), window(0, 10)).purposes(["t"]),
        Grant::new("a\nb", Grantee::Key(p.hospital.public_key()), window(0, 10)).purposes(["t"]),
    ];
    for g in &bad {
        assert!(
            matches!(
                ConsentToken::issue(&p.patient, g, &mut rng(1)),
                Err(Error::InvalidArgument(_))
            ),
            "{g:?}"
        );
    }
    assert!(Window::new(5, 5).is_err() && Window::new(6, 5).is_err());
    assert!(ConsentToken::issue(&p.patient, &base(), &mut rng(1)).is_ok());
}

#[test]
fn time_window_boundaries() {
    let p = parties();
    let token = delegated(&p);
    let issuer = p.patient.public_key();
    let (nb, exp) = (T0 + DAY, T0 + 8 * DAY);
    assert!(verify(&token, &issuer, nb, &none()).is_ok());
    assert!(verify(&token, &issuer, exp - 1, &none()).is_ok());
    assert_eq!(
        verify(&token, &issuer, nb - 1, &none()).unwrap_err(),
        consent_err(ConsentError::NotYetValid)
    );
    assert_eq!(
        verify(&token, &issuer, exp, &none()).unwrap_err(),
        consent_err(ConsentError::Expired)
    );
    assert_eq!(
        verify(&token, &issuer, u64::MAX, &none()).unwrap_err(),
        consent_err(ConsentError::Expired)
    );
    assert_eq!(
        verify(&token, &issuer, 0, &none()).unwrap_err(),
        consent_err(ConsentError::NotYetValid)
    );
}

#[test]
fn wrong_issuer() {
    let p = parties();
    let token = delegated(&p);
    for k in [&p.hospital, &p.resident, &key(9)] {
        assert_eq!(
            verify(&token, &k.public_key(), T0 + 2 * DAY, &none()).unwrap_err(),
            consent_err(ConsentError::WrongIssuer)
        );
    }
}

#[test]
fn revocation_of_any_block() {
    let p = parties();
    let token = delegated(&p);
    let ids = token.revocation_ids();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    for id in &ids {
        let mut set = RevocationSet::new();
        assert!(set.insert(*id));
        assert!(!set.insert(*id));
        assert!(set.contains(id) && set.len() == 1 && !set.is_empty());
        assert_eq!(
            verify(&token, &p.patient.public_key(), T0 + 2 * DAY, &set).unwrap_err(),
            consent_err(ConsentError::Revoked)
        );
    }
    // Revoking the delegation (block 1) leaves the hospital's own token valid.
    let mut set = RevocationSet::new();
    set.insert(ids[1]);
    let hospital_token = issued(&p).present(&p.hospital).unwrap();
    assert!(verify(&hospital_token, &p.patient.public_key(), T0 + 2 * DAY, &set).is_ok());
    // Ids are unique per grant even with equal contents (the nonce).
    let again = ConsentToken::issue(&p.patient, &grant(&p), &mut rng(43)).unwrap();
    assert_ne!(again.revocation_ids()[0], ids[0]);
    // Ids round-trip through bytes and print as hex.
    let id = ids[0];
    assert_eq!(RevocationId::from_bytes(&id.to_bytes()).unwrap(), id);
    assert_eq!(id.to_string().len(), 64);
    assert_eq!(
        RevocationId::from_bytes(&[0; 31]).unwrap_err(),
        Error::InvalidEncoding(EncodingError::Truncated)
    );
    assert_eq!(
        RevocationId::from_bytes(&[0; 33]).unwrap_err(),
        Error::InvalidEncoding(EncodingError::TrailingBytes)
    );
}

#[test]
fn revocation_through_the_proof_chain() {
    let p = parties();
    let stranger = key(9);
    let token = delegated(&p);
    let ids = token.revocation_ids();
    let issuer = p.patient.public_key();
    let at = T0 + 2 * DAY;
    let mut chain = Chain::open(MemoryStore::new()).unwrap();

    // The grant is logged: not a revocation.
    chain
        .sign_and_append(issued(&p).grant_entry(T0), &p.patient)
        .unwrap();
    // A stranger "revokes" the patient's grant: ignored.
    chain
        .sign_and_append(ids[0].revoke_entry(T0 + DAY), &stranger)
        .unwrap();
    // The resident (downstream) "revokes" the hospital's upstream block: ignored.
    chain
        .sign_and_append(ids[0].revoke_entry(T0 + DAY), &p.resident)
        .unwrap();
    // A revoke entry with a subject that is not an id: ignored.
    chain
        .sign_and_append(
            EntryDraft::for_payload(T0, Action::Revoke, "not-an-id", b""),
            &p.patient,
        )
        .unwrap();
    let set = RevocationSet::from_chain(&chain).unwrap();
    assert!(set.contains(&ids[0]), "logged, though not honoured here");
    assert!(verify(&token, &issuer, at, &set).is_ok());

    // The hospital (upstream of block 1) revokes its delegation: honoured.
    let mut chain2 = Chain::open(MemoryStore::new()).unwrap();
    chain2
        .sign_and_append(token.revoke_entry(T0 + DAY), &p.hospital)
        .unwrap();
    let set2 = RevocationSet::from_chain(&chain2).unwrap();
    assert_eq!(
        verify(&token, &issuer, at, &set2).unwrap_err(),
        consent_err(ConsentError::Revoked)
    );
    let hospital_token = issued(&p).present(&p.hospital).unwrap();
    assert!(verify(&hospital_token, &issuer, at, &set2).is_ok());

    // The patient revokes the grant: every token from it is refused.
    chain
        .sign_and_append(issued(&p).revoke_entry(T0 + 3 * DAY), &p.patient)
        .unwrap();
    let set = RevocationSet::from_chain(&chain).unwrap();
    for t in [&token, &hospital_token] {
        assert_eq!(
            verify(t, &issuer, at, &set).unwrap_err(),
            consent_err(ConsentError::Revoked)
        );
    }
    // The entries name what docs/consent.md says.
    let e = chain.entry(chain.len() - 1).unwrap();
    assert_eq!(e.action(), Action::Revoke);
    assert_eq!(e.subject(), ids[0].to_bytes());
    let digest: [u8; 32] = Sha256::digest(issued(&p).to_bytes()).into();
    assert_eq!(e.digest(), &digest);
    let g = chain.entry(0).unwrap();
    assert_eq!(
        (g.action(), g.subject()),
        (Action::Grant, &ids[0].to_bytes()[..])
    );
}

#[test]
fn cut_back_tokens_need_the_earlier_holders_proof() {
    let p = parties();
    let token = delegated(&p);
    let issuer = p.patient.public_key();
    // Drop the resident's proof: the last block names a holder, so a proof is needed.
    let unproved = token
        .attenuate(
            &p.resident,
            &Narrowing::new().holder(p.resident.public_key()),
        )
        .unwrap();
    assert_eq!(
        verify(&unproved, &issuer, T0 + 2 * DAY, &none()).unwrap_err(),
        consent_err(ConsentError::MissingProof)
    );
    // Cut the token back to the (wider) authority block, with or without the
    // resident's proof: the hospital's proof would be needed.
    let bytes = token.to_bytes();
    let first_len = u32::from_be_bytes(bytes[6..10].try_into().unwrap()) as usize;
    let first_end = 10 + first_len + 96;
    for proof in [vec![0u8], [&[1u8][..], &bytes[bytes.len() - 96..]].concat()] {
        let mut cut = bytes[..first_end].to_vec();
        cut[5] = 1; // block count
        cut.extend_from_slice(&proof);
        let cut = ConsentToken::from_bytes(&cut).unwrap();
        let err = verify(&cut, &issuer, T0 + 2 * DAY, &none()).unwrap_err();
        if proof.len() == 1 {
            assert_eq!(err, consent_err(ConsentError::MissingProof));
        } else {
            assert_eq!(err, Error::VerificationFailed);
        }
    }
    // A proof on a closed token is a broken chain.
    let closed = token.attenuate(&p.resident, &Narrowing::new()).unwrap();
    let mut b = closed.to_bytes();
    *b.last_mut().unwrap() = 1;
    b.extend_from_slice(&token.to_bytes()[bytes.len() - 96..]);
    assert_eq!(
        verify(
            &ConsentToken::from_bytes(&b).unwrap(),
            &issuer,
            T0 + 2 * DAY,
            &none()
        )
        .unwrap_err(),
        consent_err(ConsentError::BadChain)
    );
}

/// The block boundaries of a token's encoding: (start of the length, end of the
/// signature) per block.
fn block_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let n = usize::from(bytes[5]);
    let mut at = 6;
    let mut spans = Vec::new();
    for _ in 0..n {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        spans.push((at, at + 4 + len + 96));
        at += 4 + len + 96;
    }
    spans
}

#[test]
fn reordered_and_duplicated_blocks() {
    let p = parties();
    let t2 = delegated(&p);
    let t3 = t2
        .attenuate(
            &p.resident,
            &Narrowing::new().holder(p.resident.public_key()),
        )
        .unwrap()
        .present(&p.resident)
        .unwrap();
    let bytes = t3.to_bytes();
    let spans = block_spans(&bytes);
    let block = |i: usize| &bytes[spans[i].0..spans[i].1];
    let tail = &bytes[spans[2].1..];
    let rebuild = |order: &[usize]| {
        let mut out = bytes[..5].to_vec();
        out.push(order.len() as u8);
        for &i in order {
            out.extend_from_slice(block(i));
        }
        out.extend_from_slice(tail);
        ConsentToken::from_bytes(&out).unwrap()
    };
    for order in [
        &[0, 2, 1][..],
        &[1, 0, 2],
        &[2, 1, 0],
        &[0, 0, 1],
        &[0, 1, 1],
        &[0, 2],
        &[1, 2],
        &[0, 1, 2, 2],
    ] {
        assert_eq!(
            verify(
                &rebuild(order),
                &p.patient.public_key(),
                T0 + 2 * DAY,
                &none()
            )
            .unwrap_err(),
            consent_err(ConsentError::Reordered),
            "{order:?}"
        );
    }
    assert!(verify(
        &rebuild(&[0, 1, 2]),
        &p.patient.public_key(),
        T0 + 2 * DAY,
        &none()
    )
    .is_ok());
}

#[test]
fn strict_decoding() {
    let p = parties();
    let bytes = delegated(&p).to_bytes();
    // Every strict prefix is truncated.
    for n in 0..bytes.len() {
        assert_eq!(
            ConsentToken::from_bytes(&bytes[..n]).unwrap_err(),
            Error::InvalidEncoding(EncodingError::Truncated),
            "prefix {n}"
        );
    }
    let with = |i: usize, v: u8| {
        let mut b = bytes.clone();
        b[i] = v;
        ConsentToken::from_bytes(&b).unwrap_err()
    };
    let enc = |e| Error::InvalidEncoding(e);
    assert_eq!(with(2, 0x30), enc(EncodingError::WrongType));
    assert_eq!(with(3, 1), enc(EncodingError::UnsupportedVersion)); // v1 after format v2
    assert_eq!(
        // The consent version after 1, the only one (docs/formats.md).
        with(4, 2),
        enc(EncodingError::UnsupportedVersion)
    );
    assert_eq!(with(4, 0), enc(EncodingError::UnsupportedVersion));
    assert_eq!(with(5, 0), enc(EncodingError::BadLength));
    assert_eq!(with(5, MAX_BLOCKS as u8 + 1), enc(EncodingError::BadLength));
    assert_eq!(
        with(bytes.len() - 97, 2),
        enc(EncodingError::NonCanonical),
        "proof flag"
    );
    let mut long = bytes.clone();
    long.push(0);
    assert_eq!(
        ConsentToken::from_bytes(&long).unwrap_err(),
        enc(EncodingError::TrailingBytes)
    );
    // Text form: canonical base64url only.
    let text = delegated(&p).to_text();
    assert!(text
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    for bad in [
        format!("{text}="),
        format!(" {text}"),
        text.replace('-', "+"),
        text[..text.len() - 1].to_owned(),
    ] {
        if bad != text {
            assert!(ConsentToken::from_text(&bad).is_err(), "{bad}");
        }
    }
}

#[test]
fn every_bit_flip_is_rejected() {
    let p = parties();
    let token = delegated(&p);
    let bytes = token.to_bytes();
    let issuer = p.patient.public_key();
    let at = T0 + 2 * DAY;
    assert!(verify(&token, &issuer, at, &none()).is_ok());
    let mut decoded = 0;
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut b = bytes.clone();
            b[i] ^= 1 << bit;
            if let Ok(t) = ConsentToken::from_bytes(&b) {
                decoded += 1;
                assert!(
                    verify(&t, &issuer, at, &none()).is_err(),
                    "byte {i} bit {bit}"
                );
            }
        }
    }
    // Most flips land in text, times and ids: they decode and fail verification.
    assert!(decoded > 100, "{decoded}");
}

// ---------------------------------------------------------------------------------
// Conformance with docs/formats.md ("Consent token"): an independent encoder.
// ---------------------------------------------------------------------------------

fn len32(out: &mut Vec<u8>, v: &[u8]) {
    out.extend_from_slice(&(v.len() as u32).to_be_bytes());
    out.extend_from_slice(v);
}

fn list(out: &mut Vec<u8>, items: &[&str]) {
    out.extend_from_slice(&(items.len() as u32).to_be_bytes());
    for i in items {
        len32(out, i.as_bytes());
    }
}

fn block_message(index: u8, prev: Option<&[u8]>, payload: &[u8]) -> Vec<u8> {
    let mut m = Vec::new();
    len32(&mut m, b"CIPHERCHART-V01-CONSENT-BLOCK");
    m.push(1);
    m.push(index);
    if let Some(prev) = prev {
        m.extend_from_slice(prev);
    }
    len32(&mut m, payload);
    m
}

fn proof_message(count: u8, last: &[u8]) -> Vec<u8> {
    let mut m = Vec::new();
    len32(&mut m, b"CIPHERCHART-V01-CONSENT-PROOF");
    m.push(1);
    m.push(count);
    m.extend_from_slice(last);
    m
}

/// The authority payload of `grant(p)` with the given nonce, per the spec.
fn spec_authority(p: &Parties, nonce: [u8; 16]) -> Vec<u8> {
    let mut a = vec![0u8];
    a.extend_from_slice(&p.patient.public_key().to_bytes());
    len32(&mut a, b"patient-42");
    a.push(1);
    len32(&mut a, b"hospital:h2 and dept:cardiology");
    a.push(1); // records: any
    a.push(2);
    list(&mut a, &["cardiology", "radiology"]);
    list(&mut a, &["research", "treatment"]);
    a.extend_from_slice(&T0.to_be_bytes());
    a.extend_from_slice(&(T0 + 90 * DAY).to_be_bytes());
    a.push(0); // no re-key digest
    a.push(1);
    a.extend_from_slice(&p.hospital.public_key().to_bytes());
    a.extend_from_slice(&nonce);
    a
}

/// A whole token from (payload, signer) pairs and an optional proof signer.
fn spec_token(blocks: &[(Vec<u8>, &BlsSigningKey)], proof: Option<&BlsSigningKey>) -> Vec<u8> {
    let mut out = vec![0x43, 0x43, 0x20, 0x02, 1, blocks.len() as u8];
    let mut prev: Option<[u8; 96]> = None;
    for (i, (payload, signer)) in blocks.iter().enumerate() {
        let sig = signer
            .sign(&block_message(
                i as u8,
                prev.as_ref().map(|s| &s[..]),
                payload,
            ))
            .to_bytes();
        len32(&mut out, payload);
        out.extend_from_slice(&sig);
        prev = Some(sig);
    }
    match (proof, prev) {
        (Some(k), Some(last)) => {
            out.push(1);
            out.extend_from_slice(&k.sign(&proof_message(blocks.len() as u8, &last)).to_bytes());
        }
        _ => out.push(0),
    }
    out
}

/// An attenuation payload: index, records, categories, purposes, window, holder.
fn spec_attenuation(
    index: u8,
    purposes: Option<&[&str]>,
    win: Option<(u64, u64)>,
    holder: Option<&BlsPublicKey>,
) -> Vec<u8> {
    let mut a = vec![index, 0, 0];
    match purposes {
        None => a.push(0),
        Some(p) => {
            a.push(1);
            list(&mut a, p);
        }
    }
    match win {
        None => a.push(0),
        Some((x, y)) => {
            a.push(1);
            a.extend_from_slice(&x.to_be_bytes());
            a.extend_from_slice(&y.to_be_bytes());
        }
    }
    match holder {
        None => a.push(0),
        Some(k) => {
            a.push(1);
            a.extend_from_slice(&k.to_bytes());
        }
    }
    a
}

#[test]
fn tokens_built_from_the_spec_match_the_library() {
    let p = parties();
    let token = issued(&p);
    // The library's nonce is the last 16 bytes of the authority payload.
    let lib = token.to_bytes();
    let spans = block_spans(&lib);
    let payload_end = spans[0].1 - 96;
    let nonce: [u8; 16] = lib[payload_end - 16..payload_end].try_into().unwrap();
    let spec = spec_token(&[(spec_authority(&p, nonce), &p.patient)], None);
    assert_eq!(spec, lib, "the authority block is byte for byte the spec's");

    // Attenuation and proof, by hand.
    let a1 = spec_attenuation(
        1,
        Some(&["treatment"]),
        Some((T0 + DAY, T0 + 8 * DAY)),
        Some(&p.resident.public_key()),
    );
    let spec = spec_token(
        &[(spec_authority(&p, nonce), &p.patient), (a1, &p.hospital)],
        Some(&p.resident),
    );
    let lib = token
        .attenuate(
            &p.hospital,
            &Narrowing::new()
                .purposes(["treatment"])
                .window(window(T0 + DAY, T0 + 8 * DAY))
                .holder(p.resident.public_key()),
        )
        .unwrap()
        .present(&p.resident)
        .unwrap();
    assert_eq!(spec, lib.to_bytes());
}

/// What an attenuation changes: purposes, window.
type Change = (Option<&'static [&'static str]>, Option<(u64, u64)>);

#[test]
fn a_widening_block_is_refused_at_verification() {
    let p = parties();
    let nonce = [7u8; 16];
    let authority = spec_authority(&p, nonce);
    let issuer = p.patient.public_key();
    let at = T0 + 2 * DAY;
    // Properly signed by the named holder, but each widens one thing.
    let cases: [Change; 4] = [
        (Some(&["billing", "treatment"]), None),
        (None, Some((T0 - 1, T0 + DAY))),
        (None, Some((T0 + DAY, T0 + 91 * DAY))),
        (Some(&["research"]), Some((T0, T0 + 90 * DAY))), // narrowing: accepted
    ];
    for (i, (purposes, win)) in cases.into_iter().enumerate() {
        let a1 = spec_attenuation(1, purposes, win, None);
        let t = ConsentToken::from_bytes(&spec_token(
            &[(authority.clone(), &p.patient), (a1, &p.hospital)],
            None,
        ))
        .unwrap();
        let r = verify(&t, &issuer, at, &none());
        if i == 3 {
            assert!(r.is_ok());
        } else {
            assert_eq!(
                r.unwrap_err(),
                consent_err(ConsentError::Widened),
                "case {i}"
            );
        }
    }
    // A widening deep in a chain: block 2 widens block 1 (but not the authority).
    let a1 = spec_attenuation(
        1,
        Some(&["treatment"]),
        None,
        Some(&p.resident.public_key()),
    );
    let a2 = spec_attenuation(2, Some(&["research", "treatment"]), None, None);
    let t = ConsentToken::from_bytes(&spec_token(
        &[
            (authority, &p.patient),
            (a1, &p.hospital),
            (a2, &p.resident),
        ],
        None,
    ))
    .unwrap();
    assert_eq!(
        verify(&t, &issuer, at, &none()).unwrap_err(),
        consent_err(ConsentError::Widened)
    );
}

#[test]
fn non_canonical_payloads_are_rejected() {
    let p = parties();
    let nonce = [7u8; 16];
    let good = spec_authority(&p, nonce);
    let decode =
        |payload: Vec<u8>| ConsentToken::from_bytes(&spec_token(&[(payload, &p.patient)], None));
    assert!(decode(good.clone()).is_ok());
    // Offsets in the authority payload of `spec_authority`.
    let subject = 1 + 48;
    let grantee = subject + 4 + 10;
    let records = grantee + 1 + 4 + 31;
    let categories = records + 1;
    let first_label = categories + 1 + 4 + 4;
    let enc = |e| Err(Error::InvalidEncoding(e));
    let with = |at: usize, v: &[u8]| {
        let mut b = good.clone();
        b[at..at + v.len()].copy_from_slice(v);
        b
    };
    assert_eq!(
        decode(with(records, &[0])).map(|_| ()),
        enc(EncodingError::NonCanonical)
    );
    assert_eq!(
        decode(with(records, &[3])).map(|_| ()),
        enc(EncodingError::NonCanonical)
    );
    assert_eq!(
        decode(with(grantee, &[3])).map(|_| ()),
        enc(EncodingError::NonCanonical)
    );
    // Categories out of order: "cardiology" and "radiology" swapped (same lengths? no:
    // rebuild the list instead).
    let mut swapped = good[..categories].to_vec();
    swapped.push(2);
    list(&mut swapped, &["radiology", "cardiology"]);
    swapped.extend_from_slice(&good[first_label + 10 + 4 + 9..]);
    assert_eq!(
        decode(swapped).map(|_| ()),
        enc(EncodingError::NonCanonical)
    );
    let mut dup = good[..categories].to_vec();
    dup.push(2);
    list(&mut dup, &["cardiology", "cardiology"]);
    dup.extend_from_slice(&good[first_label + 10 + 4 + 9..]);
    assert_eq!(decode(dup).map(|_| ()), enc(EncodingError::NonCanonical));
    let mut empty = good[..categories].to_vec();
    empty.push(2);
    list(&mut empty, &[]);
    empty.extend_from_slice(&good[first_label + 10 + 4 + 9..]);
    assert_eq!(decode(empty).map(|_| ()), enc(EncodingError::BadLength));
    // A grantee policy that is not canonical text.
    let mut policy = good[..grantee + 1].to_vec();
    len32(&mut policy, b"hospital:h2  and dept:cardiology");
    policy.extend_from_slice(&good[records..]);
    assert!(decode(policy).is_err());
    // Window with not_before >= expiry.
    let times = good.len() - 16 - 49 - 1 - 16;
    let mut w = good.clone();
    w[times + 8..times + 16].copy_from_slice(&T0.to_be_bytes());
    assert_eq!(decode(w).map(|_| ()), enc(EncodingError::NonCanonical));
    // Trailing byte inside the payload.
    let mut t = good.clone();
    t.push(0);
    assert_eq!(decode(t).map(|_| ()), enc(EncodingError::TrailingBytes));
}

#[test]
fn typical_sizes() {
    let p = parties();
    let one = issued(&p).present(&p.hospital).unwrap();
    let two = delegated(&p);
    // Pinned so that a change of the format is a deliberate one.
    assert_eq!(one.to_bytes().len(), 446);
    assert_eq!(one.to_text().len(), 595);
    assert_eq!(two.to_bytes().len(), 651);
    assert_eq!(two.to_text().len(), 868);
    assert!(
        two.to_text().len() <= 2953,
        "fits a version-40 QR code at level L"
    );
}

#[test]
fn key_grantee_and_scope_all() {
    let p = parties();
    let g = Grant::new("p-7", Grantee::Key(p.resident.public_key()), window(0, 100))
        .scope(Scope::all())
        .purposes(["treatment"])
        .rekey_digest([9; 32]);
    let t = ConsentToken::issue(&p.patient, &g, &mut rng(3)).unwrap();
    let c = verify(&t, &p.patient.public_key(), 50, &none()).unwrap();
    assert_eq!(c.grantee(), &Grantee::Key(p.resident.public_key()));
    assert_eq!(c.rekey_digest(), Some(&[9; 32]));
    assert_eq!(c.holder(), None);
    assert!(c.permits(b"anything", "anything", "treatment"));
    assert!(format!("{t:?}").contains("ConsentToken"));
    assert!(format!("{c:?}").contains("p-7"));
}

#[test]
fn consent_errors_have_one_stable_code() {
    for e in [
        ConsentError::Expired,
        ConsentError::NotYetValid,
        ConsentError::Revoked,
        ConsentError::WrongIssuer,
        ConsentError::Widened,
        ConsentError::Reordered,
        ConsentError::BadChain,
        ConsentError::MissingProof,
        ConsentError::NotPermitted,
        ConsentError::RekeyMismatch,
    ] {
        let err = Error::from(e);
        assert_eq!(err.code(), "consent_error");
        assert!(err.to_string().starts_with("consent refused: "), "{err}");
    }
}
