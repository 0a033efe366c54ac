//! Misuse resistance (issue 10): each test takes one way a hurried user or an attacker
//! might skip a check through the public API, and shows that the library refuses it
//! with a typed error (or that the unsafe thing cannot be written at all). The findings
//! and what was changed are in `docs/security.md`, "Misuse resistance review".

#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use cipherchart::chain::{Action, Chain, Checkpoint, EntryDraft, MemoryStore};
use cipherchart::consent::{
    reencrypt_with_consent, verify, ConsentToken, Grant, Grantee, RevocationSet, Window,
};
use cipherchart::sig::{fast_aggregate_verify, PublicKey as BlsPublicKey, Signature, SigningKey};
use cipherchart::{
    seal, session, stream, Authority, ConsentError, DelegationKey, EncodingError, Error, Policy,
    PublicKey, ReKey, SealedRecord, UserKey,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

const T0: u64 = 1_767_225_600;

struct World {
    authority: Authority,
    other: Authority,
    patient: UserKey,
    doctor: UserKey,
    record: SealedRecord,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let mut rng = ChaCha20Rng::seed_from_u64(0x0001_555e);
        let authority = Authority::setup(&mut rng);
        let other = Authority::setup(&mut rng);
        let pk = authority.public_key();
        let record = seal(
            pk,
            &policy("patient:42 or (hospital:h1 and role:physician)"),
            b"p42/ecg",
            b"cardiology",
            b"sinus rhythm",
            &mut rng,
        )
        .unwrap();
        World {
            patient: authority.issue_key(&["patient:42"], &mut rng).unwrap(),
            doctor: authority
                .issue_key(&["hospital:h2", "role:physician"], &mut rng)
                .unwrap(),
            record,
            authority,
            other,
        }
    })
}

/// A one-grant delegation key (v2) of the world's authority for `patient:42`, naming a
/// fresh consent key: what `w.patient.rekey(pk(), &["patient:42"], ..)` was in v1.
fn patient_delegation(rng: &mut ChaCha20Rng) -> DelegationKey {
    let consent_key = SigningKey::generate(rng).public_key();
    world()
        .authority
        .issue_delegation_key(&["patient:42"], &consent_key, rng)
        .unwrap()
}

fn pk() -> &'static PublicKey {
    world().authority.public_key()
}

fn policy(text: &str) -> Policy {
    Policy::parse(text).unwrap()
}

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

// ---------------------------------------------------------------------------------
// Secret types: no Clone, no secret in Debug or in error texts.
// ---------------------------------------------------------------------------------

/// Compile-time "does not implement Clone" (the `static_assertions` trick): if `T` were
/// `Clone`, both impls would apply and the call would be ambiguous.
trait AmbiguousIfClone<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfClone<()> for T {}
#[allow(dead_code)]
struct IsClone;
impl<T: Clone> AmbiguousIfClone<IsClone> for T {}

macro_rules! assert_not_clone {
    ($($t:ty),* $(,)?) => {$(
        const _: fn() = || <$t as AmbiguousIfClone<_>>::check();
    )*};
}

// A copy of a secret is a copy nobody zeroizes; a copy of a sealer repeats
// (key, nonce) pairs; a copy of a verified consent outlives its verification.
assert_not_clone!(
    Authority,
    UserKey,
    DelegationKey,
    ReKey,
    SigningKey,
    session::SessionSealer,
    session::SessionOpener,
    cipherchart::VerifiedConsent,
);

/// Every 8-byte window of `secret`, in lower-case hex: what a leaking `Debug` would show.
fn hex_windows(secret: &[u8]) -> Vec<String> {
    secret
        .windows(8)
        .map(|w| w.iter().map(|b| format!("{b:02x}")).collect())
        .collect()
}

fn assert_no_leak(debug: &str, secret: &[u8]) {
    let lower = debug.to_lowercase();
    for w in hex_windows(secret) {
        assert!(!lower.contains(&w), "{debug} leaks {w}");
    }
    // Nor as a byte list (`[12, 200, …]`), the derive(Debug) form.
    let list = format!("{:?}", &secret[..8]);
    assert!(!debug.contains(&list[1..list.len() - 1]), "{debug}");
}

#[test]
fn debug_output_of_secret_types_shows_no_key_material() {
    let w = world();
    let mut rng = rng(1);
    // Skip the 8-byte object header: only key material is secret.
    let user = w.patient.to_bytes();
    assert_no_leak(&format!("{:?}", w.patient), &user[8..]);
    // v2: a delegation key is secret too (its body is the key material after the
    // 4-byte header; the delegator, public and shown in Debug, is its last 48 bytes).
    let delegation = patient_delegation(&mut rng);
    let d_bytes = delegation.to_bytes();
    assert_no_leak(&format!("{delegation:?}"), &d_bytes[4..d_bytes.len() - 48]);
    let rekey = delegation
        .rekey(pk(), &policy("hospital:h2"), &mut rng)
        .unwrap();
    // v2 re-key: header ‖ grant id ‖ key body ‖ capsule ‖ len32 ‖ pk ‖ hop key (32) ‖
    // delegator (48). The public key and the delegator are public (the delegator is
    // shown in Debug); the key body, the capsule and the hop key are not.
    let rk = rekey.to_bytes();
    let hop_key_at = rk.len() - 48 - 32;
    let pk_at = hop_key_at - pk().to_bytes().len();
    assert_no_leak(&format!("{rekey:?}"), &rk[8 + 16..pk_at - 4]);
    assert_no_leak(&format!("{rekey:?}"), &rk[hop_key_at..hop_key_at + 32]);
    let master = w.authority.export_master_key_dangerous();
    assert_no_leak(&format!("{:?}", w.authority), &master[8..]);
    let sk = SigningKey::generate(&mut rng);
    assert_no_leak(&format!("{sk:?}"), sk.to_bytes_dangerous().as_ref());
    let (header, sealer) =
        session::start_session(pk(), &policy("patient:42"), b"s", b"", &mut rng).unwrap();
    let opener = w.patient.open_session(pk(), &header).unwrap();
    for debug in [format!("{sealer:?}"), format!("{opener:?}")] {
        assert!(debug.len() < 120, "{debug}");
    }
}

#[test]
fn error_texts_are_static_and_carry_no_secret() {
    let w = world();
    // The errors a key holder meets: none of them mentions the key or the payload.
    let errors = [
        w.doctor.open(pk(), &w.record).unwrap_err(),
        w.patient.open(w.other.public_key(), &w.record).unwrap_err(),
        UserKey::from_bytes(&w.patient.to_bytes()[..100]).unwrap_err(),
    ];
    let secret = w.patient.to_bytes();
    for e in errors {
        let text = format!("{e} {e:?}");
        assert_no_leak(&text, &secret[8..]);
        assert!(!text.contains("sinus"), "{text}");
    }
}

// ---------------------------------------------------------------------------------
// Sealing and opening.
// ---------------------------------------------------------------------------------

#[test]
fn there_is_no_empty_or_always_true_policy() {
    for text in ["", " ", "()", "true", "0 of (a:1, b:2)", "a:1 or", "*"] {
        assert!(Policy::parse(text).is_err(), "{text:?} parsed");
    }
    // A repeated attribute is refused rather than silently merged.
    assert_eq!(
        Policy::parse("a:1 or a:1").err().map(|e| e.code()),
        Some("policy_invalid")
    );
}

#[test]
fn a_key_of_another_authority_gets_a_typed_error_not_garbage() {
    let w = world();
    let mut rng = rng(2);
    let stranger = w.other.issue_key(&["patient:42"], &mut rng).unwrap();
    // Its attributes satisfy the policy. v1: the FO check refused it
    // (`DecryptionFailed`). v2: keys and headers name their authority, so it is refused
    // before any pairing with `WrongAuthority`.
    assert_eq!(stranger.authority(), w.other.public_key().id());
    assert_eq!(stranger.open(pk(), &w.record), Err(Error::WrongAuthority));
    assert_eq!(
        stranger.open(w.other.public_key(), &w.record),
        Err(Error::WrongAuthority)
    );
    // The right key with the wrong public key: refused too (v1: headers bound to the
    // public key's id, `DecryptionFailed`; v2: `WrongAuthority`).
    assert_eq!(
        w.patient.open(w.other.public_key(), &w.record),
        Err(Error::WrongAuthority)
    );
    assert_eq!(w.patient.open(pk(), &w.record).unwrap(), b"sinus rhythm");
}

#[test]
fn two_records_sealed_with_one_rng_state_differ_only_if_the_rng_moves_on() {
    // The one-time AEAD key comes from the sealing RNG: a fresh (or advancing) RNG gives
    // a fresh key per record even for the same id, policy and payload.
    let mut rng = rng(3);
    let p = policy("patient:42");
    let a = seal(pk(), &p, b"id", b"", b"same", &mut rng).unwrap();
    let b = seal(pk(), &p, b"id", b"", b"same", &mut rng).unwrap();
    assert_ne!(a.to_bytes(), b.to_bytes());
    assert_ne!(a.header_digest(), b.header_digest());
}

#[test]
fn a_truncated_or_extended_stream_is_an_error() {
    let w = world();
    let mut rng = rng(4);
    let data = vec![9u8; 3 * 1024 + 5];
    let mut sealed = Vec::new();
    stream::seal_stream_with_chunk_size(
        pk(),
        &policy("patient:42"),
        b"st",
        b"",
        1024,
        &data[..],
        &mut sealed,
        &mut rng,
    )
    .unwrap();
    let mut out = Vec::new();
    w.patient.open_stream(pk(), &sealed[..], &mut out).unwrap();
    assert_eq!(out, data);
    // Cut at every frame boundary and inside frames: never a success.
    for cut in (1..sealed.len()).step_by(97).chain([sealed.len() - 1]) {
        let mut out = Vec::new();
        assert!(
            w.patient
                .open_stream(pk(), &sealed[..cut], &mut out)
                .is_err(),
            "cut at {cut}"
        );
    }
    let mut longer = sealed.clone();
    longer.push(0);
    assert_eq!(
        w.patient.open_stream(pk(), &longer[..], &mut Vec::new()),
        Err(EncodingError::TrailingBytes.into())
    );
}

#[test]
fn session_records_are_bound_to_their_session_sequence_and_metadata() {
    let w = world();
    let mut rng = rng(5);
    let p = policy("patient:42");
    let (h1, mut s1) = session::start_session(pk(), &p, b"bed-1", b"", &mut rng).unwrap();
    let (h2, mut s2) = session::start_session(pk(), &p, b"bed-1", b"", &mut rng).unwrap();
    let r0 = s1.seal(b"hr", b"72").unwrap();
    let r1 = s1.seal(b"hr", b"73").unwrap();
    let other = s2.seal(b"hr", b"99").unwrap();
    // Sequence numbers never repeat within a sealer.
    assert_eq!(
        (r0.sequence(), r1.sequence(), s1.next_sequence()),
        (0, 1, 2)
    );
    let o1 = w.patient.open_session(pk(), &h1).unwrap();
    let o2 = w.patient.open_session(pk(), &h2).unwrap();
    // Out of order is fine: random access by design (see docs/security.md).
    assert_eq!(o1.open(&r1).unwrap(), b"73");
    assert_eq!(o1.open(&r0).unwrap(), b"72");
    // Same session id, another session: refused both ways.
    assert_eq!(o1.open(&other), Err(Error::DecryptionFailed));
    assert_eq!(o2.open(&r0), Err(Error::DecryptionFailed));
    // A record moved to another sequence number or relabelled: refused. (The
    // encoding holds the sequence as a big-endian u64 before the metadata.)
    let mut moved = r1.to_bytes();
    let at = moved
        .windows(8)
        .position(|w| w == 1u64.to_be_bytes())
        .unwrap();
    moved[at..at + 8].copy_from_slice(&0u64.to_be_bytes());
    let moved = session::SessionRecord::from_bytes(&moved).unwrap();
    assert_eq!(moved.sequence(), 0);
    assert_eq!(o1.open(&moved), Err(Error::DecryptionFailed));
    let mut relabelled = r1.to_bytes();
    let at = relabelled.windows(2).position(|w| w == b"hr").unwrap();
    relabelled[at] = b'H';
    let relabelled = session::SessionRecord::from_bytes(&relabelled).unwrap();
    assert_eq!(relabelled.metadata(), b"Hr");
    assert_eq!(o1.open(&relabelled), Err(Error::DecryptionFailed));
}

// ---------------------------------------------------------------------------------
// Proxy re-encryption.
// ---------------------------------------------------------------------------------

#[test]
fn a_rekey_whose_own_attributes_satisfy_the_target_policy_opens_nothing() {
    let w = world();
    let mut rng = rng(6);
    // Careless P' that S' itself satisfies: the proxy's blinded key still opens nothing.
    let careless = policy("patient:42 or hospital:h2");
    let rekey = patient_delegation(&mut rng)
        .rekey(pk(), &careless, &mut rng)
        .unwrap();
    assert!(careless.is_satisfied_by(rekey.attributes()));
    let shared = rekey.reencrypt(&w.record).unwrap();
    // A re-key cannot be decoded as a user key (distinct object types), so the proxy
    // cannot feed its blinded key to `open`.
    assert_eq!(
        UserKey::from_bytes(&rekey.to_bytes()).err(),
        Some(Error::InvalidEncoding(EncodingError::WrongType))
    );
    // The audience of P' opens; the delegator too (it satisfies P and P').
    assert_eq!(w.doctor.open(pk(), &shared).unwrap(), b"sinus rhythm");
    assert_eq!(w.patient.open(pk(), &shared).unwrap(), b"sinus rhythm");
}

/// v1 checked `S'` against the delegator's user key (`NotASubset`). v2 has no
/// `UserKey::rekey`: a grant needs a delegation key that the authority issues for `S'`,
/// which refuses an empty set, the reserved holder guard, and another authority's
/// public key (`WrongAuthority`).
#[test]
fn a_rekey_needs_a_delegation_key_and_a_fresh_grant_per_record() {
    let w = world();
    let mut rng = rng(7);
    let to = policy("hospital:h2 and role:physician");
    let consent_key = SigningKey::generate(&mut rng).public_key();
    let none: [&str; 0] = [];
    assert_eq!(
        w.authority
            .issue_delegation_key(&none, &consent_key, &mut rng)
            .err()
            .map(|e| e.code()),
        Some("invalid_argument")
    );
    assert_eq!(
        w.authority
            .issue_delegation_key(&["cipherchart:key-holder"], &consent_key, &mut rng)
            .err()
            .map(|e| e.code()),
        Some("invalid_attribute")
    );
    assert_eq!(
        patient_delegation(&mut rng)
            .rekey(w.other.public_key(), &to, &mut rng)
            .err(),
        Some(Error::WrongAuthority)
    );
    let rekey = patient_delegation(&mut rng)
        .rekey(pk(), &to, &mut rng)
        .unwrap();
    let once = rekey.reencrypt(&w.record).unwrap();
    assert!(!rekey.can_reencrypt(&once));
    assert_eq!(
        rekey.reencrypt(&once).err().map(|e| e.code()),
        Some("invalid_argument")
    );
}

#[test]
fn batch_reencryption_reports_every_failure_in_place() {
    let w = world();
    let mut rng = rng(8);
    let rekey = patient_delegation(&mut rng)
        .rekey(pk(), &policy("hospital:h2"), &mut rng)
        .unwrap();
    let closed = seal(pk(), &policy("role:admin"), b"x", b"", b"x", &mut rng).unwrap();
    let done = rekey.reencrypt(&w.record).unwrap();
    let out = rekey.reencrypt_batch(&[w.record.clone(), closed, done, w.record.clone()]);
    assert_eq!(out.len(), 4);
    assert!(out[0].is_ok() && out[3].is_ok());
    assert_eq!(out[1].as_ref().err(), Some(&Error::PolicyNotSatisfied));
    assert_eq!(
        out[2].as_ref().err().map(Error::code),
        Some("invalid_argument")
    );
}

// ---------------------------------------------------------------------------------
// Consent.
// ---------------------------------------------------------------------------------

/// A patient's signing key, the patient's re-key to `hospital:h2 and role:physician`
/// (v2: from a delegation key naming that signing key as delegator), and a grant for
/// that re-key (purpose `treatment`, window `[T0, T0 + 100)`), with its scope left to
/// the caller.
fn consent_fixture(rng: &mut ChaCha20Rng) -> (SigningKey, ReKey, Grant) {
    let patient = SigningKey::generate(rng);
    let to = policy("hospital:h2 and role:physician");
    let rekey = world()
        .authority
        .issue_delegation_key(&["patient:42"], &patient.public_key(), rng)
        .unwrap()
        .rekey(pk(), &to, rng)
        .unwrap();
    let grant = Grant::new(
        "p42",
        Grantee::Policy(to),
        Window::new(T0, T0 + 100).unwrap(),
    )
    .purposes(["treatment"])
    .rekey(&rekey);
    (patient, rekey, grant)
}

#[test]
fn a_consent_must_be_verified_against_the_right_issuer_and_time() {
    let w = world();
    let mut rng = rng(9);
    let (patient, rekey, grant) = consent_fixture(&mut rng);
    let grant = grant.categories(["cardiology"]);
    let mallory = SigningKey::generate(&mut rng);
    // Mallory issues a token in the patient's name: refused for the patient's key.
    let forged = ConsentToken::issue(&mallory, &grant, &mut rng).unwrap();
    assert_eq!(
        verify(
            &forged,
            &patient.public_key(),
            T0 + 1,
            &RevocationSet::new()
        )
        .err(),
        Some(ConsentError::WrongIssuer.into())
    );
    let token = ConsentToken::issue(&patient, &grant, &mut rng).unwrap();
    let no = RevocationSet::new();
    assert_eq!(
        verify(&token, &patient.public_key(), T0 + 100, &no).err(),
        Some(ConsentError::Expired.into())
    );
    assert_eq!(
        verify(&token, &patient.public_key(), T0 - 1, &no).err(),
        Some(ConsentError::NotYetValid.into())
    );
    // A token whose bytes were altered (one bit of the signed payload) does not verify.
    let mut bytes = token.to_bytes();
    let i = bytes.len() / 2;
    bytes[i] ^= 1;
    if let Ok(mangled) = ConsentToken::from_bytes(&bytes) {
        assert!(verify(&mangled, &patient.public_key(), T0 + 1, &no).is_err());
    }
    // Only a VerifiedConsent reaches the proxy helper, and it checks scope and re-key.
    let consent = verify(&token, &patient.public_key(), T0 + 1, &no).unwrap();
    assert!(reencrypt_with_consent(&consent, &rekey, &w.record, "cardiology", "treatment").is_ok());
    assert_eq!(
        reencrypt_with_consent(&consent, &rekey, &w.record, "psychiatry", "treatment").err(),
        Some(ConsentError::NotPermitted.into())
    );
    // Another grant of the same delegator to the same audience: not the named re-key.
    let other = w
        .authority
        .issue_delegation_key(&["patient:42"], &patient.public_key(), &mut rng)
        .unwrap()
        .rekey(pk(), &policy("hospital:h2 and role:physician"), &mut rng)
        .unwrap();
    assert_eq!(
        reencrypt_with_consent(&consent, &other, &w.record, "cardiology", "treatment").err(),
        Some(ConsentError::RekeyMismatch.into())
    );
}

// ---------------------------------------------------------------------------------
// Signatures.
// ---------------------------------------------------------------------------------

#[test]
fn identity_and_non_canonical_bls_encodings_are_refused() {
    let mut identity_pk = [0u8; 48];
    identity_pk[0] = 0xc0;
    assert!(BlsPublicKey::from_bytes(&identity_pk).is_err());
    let mut identity_sig = [0u8; 96];
    identity_sig[0] = 0xc0;
    assert!(Signature::from_bytes(&identity_sig).is_err());
    assert!(SigningKey::from_bytes(&[0u8; 32]).is_err());
    assert!(SigningKey::from_bytes(&[0xff; 32]).is_err());
    assert!(SigningKey::from_ikm(&[7u8; 31], b"").is_err());
}

#[test]
fn a_signature_is_not_a_proof_of_possession_and_aggregates_need_keys() {
    let mut rng = rng(10);
    let sk = SigningKey::generate(&mut rng);
    let pk = sk.public_key();
    // Signing the key's own bytes under the message tag does not make a PoP.
    assert_eq!(
        pk.verify_possession(&sk.sign(&pk.to_bytes())),
        Err(Error::VerificationFailed)
    );
    assert!(pk.verify_possession(&sk.prove_possession()).is_ok());
    // ...nor is a PoP a signature on those bytes.
    assert_eq!(
        pk.verify(&pk.to_bytes(), &sk.prove_possession()),
        Err(Error::VerificationFailed)
    );
    assert_eq!(
        fast_aggregate_verify(&[], b"m", &sk.sign(b"m"))
            .err()
            .map(|e| e.code()),
        Some("invalid_argument")
    );
}

// ---------------------------------------------------------------------------------
// Proof chain.
// ---------------------------------------------------------------------------------

#[test]
fn the_chain_refuses_forged_relinked_and_replayed_entries() {
    let mut rng = rng(11);
    let nurse = SigningKey::generate(&mut rng);
    let log_key = SigningKey::generate(&mut rng);
    let mut chain = Chain::open(MemoryStore::new()).unwrap();
    let draft = EntryDraft::for_payload(T0, Action::Read, "rec-1", b"chart");
    let first = draft.clone().sign(0, chain.last_hash(), &nurse).unwrap();
    chain.append(first.clone()).unwrap();
    // Replayed: the same entry again is not at the next position.
    assert_eq!(
        chain.append(first.clone()).err().map(|e| e.code()),
        Some("invalid_argument")
    );
    // Signed for the right position but linked to another predecessor.
    let relinked = draft.clone().sign(1, [7; 32], &nurse).unwrap();
    assert_eq!(
        chain.append(relinked).err().map(|e| e.code()),
        Some("invalid_argument")
    );
    // Forged: a valid entry's subject changed after signing.
    let good = draft.sign(1, chain.last_hash(), &nurse).unwrap();
    let bytes = good.to_bytes();
    let at = bytes.windows(5).position(|w| w == b"rec-1").unwrap();
    let mut forged = bytes.clone();
    forged[at + 4] = b'2';
    let forged = cipherchart::Entry::from_bytes(&forged).unwrap();
    assert_eq!(chain.append(forged), Err(Error::VerificationFailed));
    assert_eq!(chain.len(), 1);
    chain.append(good).unwrap();

    // Checkpoints and receipts verify only under the log's key.
    let cp = chain.checkpoint(&log_key, "clinic.example/log").unwrap();
    assert!(cp.verify(&log_key.public_key()).is_ok());
    assert_eq!(
        cp.verify(&nurse.public_key()),
        Err(Error::VerificationFailed)
    );
    let parsed = Checkpoint::from_note(&cp.to_note()).unwrap();
    assert_eq!(
        parsed.verify(&nurse.public_key()),
        Err(Error::VerificationFailed)
    );
    let receipt = chain.proof_file(1, &cp).unwrap();
    assert_eq!(
        receipt.verify(&nurse.public_key()).err(),
        Some(Error::VerificationFailed)
    );
    // A checkpoint re-signed by another key under the same origin is refused too.
    let rogue = Checkpoint::sign("clinic.example/log", cp.size(), *cp.root(), &nurse).unwrap();
    assert_eq!(
        rogue.verify(&log_key.public_key()),
        Err(Error::VerificationFailed)
    );
}

/// The proxy cannot authenticate a record's id or metadata (FAME headers are not
/// publicly verifiable), so a record relabelled with a permitted id passes
/// `reencrypt_with_consent`. The honest delegatee's `open` refuses the result, but a
/// delegatee who skips the checks recovers the seed from the untouched header: the
/// proxy must take records from its own store by id (`docs/security.md`, finding M7).
#[test]
fn the_proxy_cannot_tell_a_relabelled_record() {
    let w = world();
    let mut rng = rng(12);
    let (patient, rekey, grant) = consent_fixture(&mut rng);
    let grant = grant.records(["p42/ecg"]);
    let token = ConsentToken::issue(&patient, &grant, &mut rng).unwrap();
    let consent = verify(&token, &patient.public_key(), T0 + 1, &RevocationSet::new()).unwrap();
    let psy = seal(
        pk(),
        &policy("patient:42"),
        b"p42/psy",
        b"psychiatry",
        b"not consented",
        &mut rng,
    )
    .unwrap();
    assert_eq!(
        reencrypt_with_consent(&consent, &rekey, &psy, "psychiatry", "treatment").err(),
        Some(ConsentError::NotPermitted.into())
    );
    let mut bytes = psy.to_bytes();
    let at = bytes.windows(7).position(|w| w == b"p42/psy").unwrap();
    bytes[at..at + 7].copy_from_slice(b"p42/ecg");
    let relabelled = SealedRecord::from_bytes(&bytes).unwrap();
    let shared = reencrypt_with_consent(&consent, &rekey, &relabelled, "", "treatment").unwrap();
    assert_eq!(w.doctor.open(pk(), &shared), Err(Error::DecryptionFailed));
    // Taken from the proxy's own store by id, the genuine record is what gets shared.
    let genuine = reencrypt_with_consent(&consent, &rekey, &w.record, "", "treatment").unwrap();
    assert_eq!(w.doctor.open(pk(), &genuine).unwrap(), b"sinus rhythm");
}

/// Finding M8. v1: a re-key made with another authority's public key sealed its
/// capsule under that authority and the result opened for nobody (`DecryptionFailed`).
/// v2: delegation keys, re-keys and records name their authority, so such a re-key is
/// refused when it is made (`WrongAuthority`), and a re-key of the other authority
/// refuses this authority's records before any pairing.
#[test]
fn a_rekey_made_with_the_wrong_public_key_is_refused() {
    let w = world();
    let mut rng = rng(13);
    let to = policy("hospital:h2 and role:physician");
    assert_eq!(
        patient_delegation(&mut rng)
            .rekey(w.other.public_key(), &to, &mut rng)
            .err(),
        Some(Error::WrongAuthority)
    );
    let consent_key = SigningKey::generate(&mut rng).public_key();
    let foreign = w
        .other
        .issue_delegation_key(&["patient:42"], &consent_key, &mut rng)
        .unwrap()
        .rekey(w.other.public_key(), &to, &mut rng)
        .unwrap();
    assert!(!foreign.can_reencrypt(&w.record));
    assert_eq!(foreign.reencrypt(&w.record), Err(Error::WrongAuthority));
    let foreign_doctor = w
        .other
        .issue_key(&["hospital:h2", "role:physician"], &mut rng)
        .unwrap();
    for key in [w.other.public_key(), pk()] {
        assert_eq!(
            foreign_doctor.open(key, &w.record),
            Err(Error::WrongAuthority)
        );
    }
}

#[test]
fn consent_windows_and_empty_grants_are_refused_at_construction() {
    assert!(Window::new(T0, T0).is_err());
    assert!(Window::new(T0 + 1, T0).is_err());
    let mut rng = rng(14);
    let patient = SigningKey::generate(&mut rng);
    let to = Grantee::Policy(policy("hospital:h2"));
    // No purposes: nothing would be permitted, so issuing is refused.
    let grant = Grant::new("p42", to.clone(), Window::new(T0, T0 + 1).unwrap()).records(["r"]);
    assert!(ConsentToken::issue(&patient, &grant, &mut rng).is_err());
    // An empty subject is refused.
    let grant = Grant::new("", to, Window::new(T0, T0 + 1).unwrap())
        .records(["r"])
        .purposes(["treatment"]);
    assert!(ConsentToken::issue(&patient, &grant, &mut rng).is_err());
}
