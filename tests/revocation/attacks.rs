//! An outside review's attacks on format v3 revocation step 2 (version notices, keys at
//! versions, sealed record v3, catch-up), written from `docs/revocation-v3.md` and
//! `docs/formats.md` and the public API only, with byte-level edits of the documented
//! encodings. Each test is one attack; it asserts the safe behaviour the spec promises.
//! An attack that succeeds is `#[ignore]`d with its finding id (`RV-n`).

use cipherchart::{
    seal, seal_with_notice, Attribute, Authority, BlsSigningKey, EncodingError, Error,
    NoticeFields, Policy, PublicKey, SealedRecord, UserKey, VerifiedNotice, VersionNotice,
};
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};

use crate::common::{key, rng, NoticeService, T0};

// ---------------------------------------------------------------------------------------
// Byte-level helpers for the documented layouts (`docs/formats.md`, "Sealed record v3",
// "KEM header v3"; `docs/revocation-v3.md` §11.2, §11.6).
// ---------------------------------------------------------------------------------------

fn be32(b: &[u8], at: usize) -> usize {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_be_bytes());
}

fn put64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_be_bytes());
}

fn enc_err(kind: EncodingError) -> Error {
    Error::InvalidEncoding(kind)
}

/// Offsets of a sealed record v3's fields, from its documented layout.
#[derive(Debug, Clone, Copy)]
struct RecLayout {
    id: (usize, usize),
    meta: (usize, usize),
    metadata_hash: usize,
    body_commitment: usize,
    body_len: usize,
    kem: usize,
    notice_serial: usize,
    flags: usize,
    policy_len: usize,
    policy: (usize, usize),
    versions_count: usize,
    versions: usize,
    rows: usize,
    c0: usize,
    c_rows: usize,
    c_prime: usize,
    key_commitment: usize,
    wrap: usize,
    kem_end: usize,
    body_prefix: usize,
    body: (usize, usize),
    hops: usize,
}

fn layout(b: &[u8]) -> RecLayout {
    assert_eq!(&b[..4], &[0x43, 0x43, 0x04, 0x03], "a sealed record v3");
    let mut at = 4;
    let id_len = be32(b, at);
    let id = (at + 4, at + 4 + id_len);
    at = id.1;
    let meta_len = be32(b, at);
    let meta = (at + 4, at + 4 + meta_len);
    at = meta.1;
    let metadata_hash = at;
    let body_commitment = at + 32;
    let body_len = at + 64;
    let kem = at + 72;
    let notice_serial = kem + 32;
    let flags = notice_serial + 8;
    let policy_len = flags + 1;
    let p_len = be32(b, policy_len);
    let policy = (policy_len + 4, policy_len + 4 + p_len);
    let versions_count = policy.1;
    let rows = be32(b, versions_count);
    let versions = versions_count + 4;
    let c0 = versions + 4 * rows;
    let c_rows = c0 + 3 * 96;
    let c_prime = c_rows + 3 * 48 * rows;
    let key_commitment = c_prime + 32;
    let wrap = key_commitment + 32;
    let kem_end = wrap + 48;
    let body_prefix = kem_end;
    let blen = be32(b, body_prefix);
    let body = (body_prefix + 4, body_prefix + 4 + blen);
    let hops = body.1;
    assert_eq!(
        hops + 1,
        b.len(),
        "the layout of formats.md covers every byte"
    );
    RecLayout {
        id,
        meta,
        metadata_hash,
        body_commitment,
        body_len,
        kem,
        notice_serial,
        flags,
        policy_len,
        policy,
        versions_count,
        versions,
        rows,
        c0,
        c_rows,
        c_prime,
        key_commitment,
        wrap,
        kem_end,
        body_prefix,
        body,
        hops,
    }
}

/// A sealed record v3 from its parts (the documented field order).
#[allow(clippy::too_many_arguments)]
fn build_record(
    id: &[u8],
    meta: &[u8],
    metadata_hash: &[u8],
    body_commitment: &[u8],
    body_len: u64,
    kem: &[u8],
    body: &[u8],
) -> Vec<u8> {
    let mut out = vec![0x43, 0x43, 0x04, 0x03];
    out.extend_from_slice(&(id.len() as u32).to_be_bytes());
    out.extend_from_slice(id);
    out.extend_from_slice(&(meta.len() as u32).to_be_bytes());
    out.extend_from_slice(meta);
    out.extend_from_slice(metadata_hash);
    out.extend_from_slice(body_commitment);
    out.extend_from_slice(&body_len.to_be_bytes());
    out.extend_from_slice(kem);
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(body);
    out.push(0);
    out
}

struct Parts {
    id: Vec<u8>,
    meta: Vec<u8>,
    metadata_hash: Vec<u8>,
    body_commitment: Vec<u8>,
    body_len: u64,
    kem: Vec<u8>,
    body: Vec<u8>,
}

fn parts(b: &[u8]) -> Parts {
    let l = layout(b);
    Parts {
        id: b[l.id.0..l.id.1].to_vec(),
        meta: b[l.meta.0..l.meta.1].to_vec(),
        metadata_hash: b[l.metadata_hash..l.metadata_hash + 32].to_vec(),
        body_commitment: b[l.body_commitment..l.body_commitment + 32].to_vec(),
        body_len: u64::from_be_bytes(b[l.body_len..l.body_len + 8].try_into().unwrap()),
        kem: b[l.kem..l.kem_end].to_vec(),
        body: b[l.body.0..l.body.1].to_vec(),
    }
}

impl Parts {
    fn build(&self) -> Vec<u8> {
        build_record(
            &self.id,
            &self.meta,
            &self.metadata_hash,
            &self.body_commitment,
            self.body_len,
            &self.kem,
            &self.body,
        )
    }
}

/// §5.1: `SHA-256("CIPHERCHART-V01-METADATA-HASH-with-SHA256" ‖ metadata)`.
fn metadata_hash(meta: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"CIPHERCHART-V01-METADATA-HASH-with-SHA256");
    h.update(meta);
    h.finalize().into()
}

/// §5.1: `SHA-256("CIPHERCHART-V01-BODY-COMMITMENT-with-SHA256" ‖ u32 len ‖ record_id ‖
/// u64 len ‖ body)`.
fn body_commitment(id: &[u8], body: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"CIPHERCHART-V01-BODY-COMMITMENT-with-SHA256");
    h.update((id.len() as u32).to_be_bytes());
    h.update(id);
    h.update((body.len() as u64).to_be_bytes());
    h.update(body);
    h.finalize().into()
}

/// A record's header bytes with the policy text replaced (same row count), lengths fixed.
fn with_policy_text(b: &[u8], text: &str) -> Vec<u8> {
    let l = layout(b);
    let mut out = b[..l.policy_len].to_vec();
    out.extend_from_slice(&(text.len() as u32).to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&b[l.policy.1..]);
    out
}

fn decode(b: &[u8]) -> Result<SealedRecord, Error> {
    SealedRecord::from_bytes(b)
}

/// Opens `bytes` with `key`: the decode error if it does not decode.
fn open_bytes(key: &UserKey, pk: &PublicKey, bytes: &[u8]) -> Result<Vec<u8>, Error> {
    let r = decode(bytes)?;
    key.open(pk, &r)
}

struct World {
    rng: ChaCha20Rng,
    authority: Authority,
    service: NoticeService,
}

impl World {
    fn new(seed: u64) -> Self {
        let mut rng = rng(seed);
        let authority = Authority::setup(&mut rng);
        let service = NoticeService::new(&authority, &mut rng);
        Self {
            rng,
            authority,
            service,
        }
    }

    fn pk(&self) -> &PublicKey {
        self.authority.public_key()
    }

    fn key(&mut self, n: &VerifiedNotice, attrs: &[&str]) -> UserKey {
        key(&self.authority, n, attrs, &mut self.rng)
    }

    fn seal(
        &mut self,
        n: &VerifiedNotice,
        policy: &str,
        id: &[u8],
        payload: &[u8],
    ) -> SealedRecord {
        let policy = Policy::parse(policy).unwrap();
        seal_with_notice(
            self.authority.public_key(),
            n,
            &policy,
            id,
            b"meta",
            payload,
            &mut self.rng,
        )
        .unwrap()
    }
}

// ---------------------------------------------------------------------------------------
// Notice helpers: raw signing of arbitrary notice bodies (§11.2's signed message), so that
// a forgery that breaks a decoding rule still carries a valid signature.
// ---------------------------------------------------------------------------------------

struct RawNotice {
    authority: [u8; 32],
    statement_serial: u64,
    serial: u64,
    issued_at: u64,
    not_after: u64,
    bump_count: u64,
    bump_head: [u8; 32],
    /// Written in the given order, not sorted.
    versions: Vec<(Vec<u8>, u32)>,
}

impl RawNotice {
    fn ok(authority: [u8; 32]) -> Self {
        Self {
            authority,
            statement_serial: 0,
            serial: T0,
            issued_at: T0,
            not_after: T0 + 3600,
            bump_count: 2,
            bump_head: [7; 32],
            versions: vec![(b"dept:icu".to_vec(), 1), (b"role:nurse".to_vec(), 2)],
        }
    }

    fn body(&self) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&self.authority);
        for v in [
            self.statement_serial,
            self.serial,
            self.issued_at,
            self.not_after,
            self.bump_count,
        ] {
            b.extend_from_slice(&v.to_be_bytes());
        }
        b.extend_from_slice(&self.bump_head);
        b.extend_from_slice(&(self.versions.len() as u32).to_be_bytes());
        for (name, v) in &self.versions {
            b.extend_from_slice(&(name.len() as u32).to_be_bytes());
            b.extend_from_slice(name);
            b.extend_from_slice(&v.to_be_bytes());
        }
        b
    }

    /// `43 43 41 03 ‖ body ‖ signature over bytes(NOTICE-SIG) ‖ body`.
    fn signed(&self, key: &BlsSigningKey) -> Vec<u8> {
        let body = self.body();
        let tag = b"CIPHERCHART-V01-NOTICE-SIG";
        let mut msg = (tag.len() as u32).to_be_bytes().to_vec();
        msg.extend_from_slice(tag);
        msg.extend_from_slice(&body);
        let sig = key.sign(&msg);
        let mut out = vec![0x43, 0x43, 0x41, 0x03];
        out.extend_from_slice(&body);
        out.extend_from_slice(&sig.to_bytes());
        out
    }
}

fn fields(authority: [u8; 32], serial: u64, bumps: u64, versions: &[(&str, u32)]) -> NoticeFields {
    NoticeFields {
        authority,
        statement_serial: 0,
        serial,
        issued_at: serial,
        not_after: serial + 3600,
        bump_count: bumps,
        bump_head: if bumps == 0 {
            [0; 32]
        } else {
            [bumps as u8; 32]
        },
        versions: versions
            .iter()
            .map(|(n, v)| (Attribute::new(n).unwrap(), *v))
            .collect(),
    }
}

fn signed(key: &BlsSigningKey, f: &NoticeFields) -> VersionNotice {
    VersionNotice::sign(key, f).unwrap()
}

// =======================================================================================
// 0. The helpers match the documented layouts (otherwise every byte-level attack below
//    would test nothing).
// =======================================================================================

/// Sanity: the byte layout and the two public hash formulas of `docs/formats.md` ("Sealed
/// record v3") and §11.2 reproduce what the library writes, byte for byte.
#[test]
fn the_documented_layouts_match_the_encodings() {
    let mut w = World::new(100);
    let n0 = w.service.current();
    let n1 = w.service.bump(&["role:nurse"]);
    let r = w.seal(&n1, "role:nurse and dept:icu", b"rec-1", b"payload");
    let bytes = r.to_bytes();
    let l = layout(&bytes);
    assert_eq!(l.rows, 2);
    assert_eq!(
        &bytes[l.versions..l.versions + 8],
        &[0, 0, 0, 1, 0, 0, 0, 0]
    );
    assert_eq!(
        u64::from_be_bytes(
            bytes[l.notice_serial..l.notice_serial + 8]
                .try_into()
                .unwrap()
        ),
        n1.serial()
    );
    assert_eq!(bytes[l.flags], 0);
    assert_eq!(
        &bytes[l.metadata_hash..l.metadata_hash + 32],
        &metadata_hash(b"meta")
    );
    let p = parts(&bytes);
    assert_eq!(
        body_commitment(&p.id, &p.body),
        r.body_commitment().unwrap()
    );
    assert_eq!(p.build(), bytes);
    let _ = (
        l.c0,
        l.c_rows,
        l.c_prime,
        l.key_commitment,
        l.wrap,
        l.body_prefix,
        l.hops,
    );
    let _ = n0;

    // The notice: raw signing reproduces `VersionNotice::sign` (BLS is deterministic).
    let k = BlsSigningKey::generate(&mut w.rng);
    let raw = RawNotice::ok([5; 32]);
    let lib = signed(
        &k,
        &fields([5; 32], T0, 2, &[("role:nurse", 2), ("dept:icu", 1)]),
    );
    let mut f = fields([5; 32], T0, 2, &[]);
    f.bump_head = [7; 32];
    f.versions = vec![
        (Attribute::new("role:nurse").unwrap(), 2),
        (Attribute::new("dept:icu").unwrap(), 1),
    ];
    let lib2 = signed(&k, &f);
    assert_ne!(lib.to_bytes(), lib2.to_bytes());
    assert_eq!(raw.signed(&k), lib2.to_bytes());
}

// =======================================================================================
// 1. Notice verification (§4.3 steps 1–4 and 6; §11.2)
// =======================================================================================

/// Attack: present a notice signed by a key other than the notice key, and a genuine
/// notice whose signed fields were edited (a version lowered, the validity extended, the
/// authority swapped) under its original signature. Safe: `VerificationFailed`, opaque.
/// Spec §4.3 step 1: "The signature, under the notice key of the authority's statement".
#[test]
fn a_notice_under_another_key_or_with_edited_fields_is_refused() {
    let mut r = rng(101);
    let notice_key = BlsSigningKey::generate(&mut r);
    let mallory = BlsSigningKey::generate(&mut r);
    let f = fields([3; 32], T0, 2, &[("role:nurse", 2), ("dept:icu", 1)]);
    let forged = signed(&mallory, &f);
    assert_eq!(
        forged
            .verify(&notice_key.public_key(), T0, None)
            .map(|_| ()),
        Err(Error::VerificationFailed)
    );
    let genuine = signed(&notice_key, &f).to_bytes();
    // Offsets: header 4, authority 32, statement_serial 8, serial 8, issued_at 8,
    // not_after 8, bump_count 8, head 32, count 4, then "dept:icu" (4 + 8) and its version.
    let not_after = 4 + 32 + 8 + 8 + 8;
    let first_version = 4 + 32 + 5 * 8 + 32 + 4 + 4 + 8;
    let mut edits: Vec<Vec<u8>> = Vec::new();
    let mut e = genuine.clone();
    e[first_version + 3] = 2; // dept:icu 1 -> 2 (still ≤ bump_count)
    edits.push(e);
    let mut e = genuine.clone();
    put64(&mut e, not_after, T0 + 7200);
    edits.push(e);
    let mut e = genuine.clone();
    e[4] ^= 1; // another authority
    edits.push(e);
    let mut e = genuine.clone();
    put64(&mut e, 4 + 32, 1); // another statement serial
    edits.push(e);
    for e in edits {
        let n = VersionNotice::from_bytes(&e).unwrap();
        let err = n.verify(&notice_key.public_key(), T0, None).unwrap_err();
        assert_eq!(err, Error::VerificationFailed);
        assert!(!format!("{err:?}{err}").contains("role:nurse"));
    }
}

/// Attack: replay an older, genuine notice (from before a bump) to a verifier that has
/// accepted the newer one, and serve a second, conflicting notice with the same serial.
/// Safe: `StaleNotice` for both; re-verifying the same notice is accepted.
/// Spec §4.3 step 2: "Serial ≥ the highest it has seen … lower: not adopted
/// (`StaleNotice` …)"; "The same serial with a different digest: `StaleNotice`".
#[test]
fn a_replayed_older_notice_or_a_conflicting_same_serial_notice_is_stale() {
    let mut r = rng(102);
    let k = BlsSigningKey::generate(&mut r);
    let pk = k.public_key();
    let n0 = signed(&k, &fields([3; 32], T0, 0, &[]));
    let n1 = signed(&k, &fields([3; 32], T0 + 10, 1, &[("role:nurse", 1)]));
    let v1 = n1.verify(&pk, T0 + 10, None).unwrap();
    assert_eq!(
        n0.verify(&pk, T0 + 11, Some(&v1)).map(|_| ()),
        Err(Error::StaleNotice)
    );
    // The same notice again is fine (idempotent).
    assert!(n1.verify(&pk, T0 + 11, Some(&v1)).is_ok());
    // Same serial, another digest (an extra name, a later not_after).
    let mut f = fields([3; 32], T0 + 10, 1, &[("role:nurse", 1), ("dept:icu", 1)]);
    let twin = signed(&k, &f);
    assert_eq!(
        twin.verify(&pk, T0 + 11, Some(&v1)).map(|_| ()),
        Err(Error::StaleNotice)
    );
    f = fields([3; 32], T0 + 10, 1, &[("role:nurse", 1)]);
    f.not_after += 1;
    assert_eq!(
        signed(&k, &f).verify(&pk, T0 + 11, Some(&v1)).map(|_| ()),
        Err(Error::StaleNotice)
    );
}

/// Attack: a newer notice (higher serial, correctly signed) that drops a bumped name,
/// lowers a version or lowers the bump count, i.e. un-revokes someone.
/// Safe: `NoticeRollback`. Spec §4.3 step 3: "every name of the previous accepted notice
/// is present with a version ≥ the previous one; otherwise `NoticeRollback`"; step 4:
/// "`bump_count` ≥ the previous one".
#[test]
fn a_newer_notice_that_drops_or_lowers_a_name_is_a_rollback() {
    let mut r = rng(103);
    let k = BlsSigningKey::generate(&mut r);
    let pk = k.public_key();
    let a = [3; 32];
    let prev = signed(&k, &fields(a, T0, 2, &[("role:nurse", 2), ("dept:icu", 1)]))
        .verify(&pk, T0, None)
        .unwrap();
    let cases = [
        fields(a, T0 + 1, 3, &[("role:nurse", 2)]), // dept:icu dropped
        fields(a, T0 + 1, 3, &[("role:nurse", 1), ("dept:icu", 1)]), // lowered
        fields(
            a,
            T0 + 1,
            2,
            &[("role:nurse", 1), ("dept:icu", 1), ("x:y", 1)],
        ), // lowered
        fields(a, T0 + 1, 1, &[("role:nurse", 1), ("dept:icu", 1)]), // fewer bumps
    ];
    for f in cases {
        assert_eq!(
            signed(&k, &f).verify(&pk, T0 + 1, Some(&prev)).map(|_| ()),
            Err(Error::NoticeRollback),
            "{:?}",
            f.versions
        );
    }
    // Same bump_count, same versions, higher serial: a routine re-issue, accepted.
    let same = fields(a, T0 + 1, 2, &[("role:nurse", 2), ("dept:icu", 1)]);
    assert!(signed(&k, &same).verify(&pk, T0 + 1, Some(&prev)).is_ok());
}

/// Attack: a notice that raises names by more than its bump count rose (a forged jump
/// that would make every sealer seal at versions nobody holds, or pre-empt a later
/// bump), including a name new to the notice and an increase spread over two names.
/// Safe: `NoticeRollback`; an honest +1 per bump passes.
/// Spec §4.3 step 4: "for every name, new version − previous version (0 if absent) ≤ new
/// `bump_count` − previous `bump_count`".
#[test]
fn a_notice_that_jumps_versions_beyond_its_bump_count_is_refused() {
    let mut r = rng(104);
    let k = BlsSigningKey::generate(&mut r);
    let pk = k.public_key();
    let a = [3; 32];
    // Five bumps so far (other names' bumps, since retired), role:nurse at 1: every
    // version below stays ≤ bump_count, so only the jump rule can refuse them.
    let prev = signed(&k, &fields(a, T0, 5, &[("role:nurse", 1)]))
        .verify(&pk, T0, None)
        .unwrap();
    let jumps = [
        fields(a, T0 + 1, 6, &[("role:nurse", 3)]),
        fields(a, T0 + 1, 6, &[("role:nurse", 1), ("dept:icu", 2)]),
        fields(a, T0 + 1, 5, &[("role:nurse", 1), ("dept:icu", 1)]),
        fields(a, T0 + 1, 5, &[("role:nurse", 2)]),
    ];
    for f in jumps {
        assert_eq!(
            signed(&k, &f).verify(&pk, T0 + 1, Some(&prev)).map(|_| ()),
            Err(Error::NoticeRollback),
            "{:?} at bump_count {}",
            f.versions,
            f.bump_count
        );
    }
    // One bump raising two names by one each (one bump entry may list several names).
    let honest = fields(a, T0 + 1, 6, &[("role:nurse", 2), ("dept:icu", 1)]);
    assert!(signed(&k, &honest).verify(&pk, T0 + 1, Some(&prev)).is_ok());
}

/// Attack: use an expired notice (`now = not_after`, the first second it is not current),
/// and a notice issued 301 s in the verifier's future (to push its saved serial ahead).
/// Safe: `StaleNotice`; the 300 s edge is accepted.
/// Spec §4.3 step 2: "`issued_at ≤ now + 5 minutes`"; step 6: "`now < not_after`;
/// otherwise `StaleNotice`".
#[test]
fn expired_and_future_dated_notices_are_stale() {
    let mut r = rng(105);
    let k = BlsSigningKey::generate(&mut r);
    let pk = k.public_key();
    let n = signed(&k, &fields([3; 32], T0, 0, &[]));
    assert!(n.verify(&pk, T0 + 3599, None).is_ok());
    assert_eq!(
        n.verify(&pk, T0 + 3600, None).map(|_| ()),
        Err(Error::StaleNotice)
    );
    assert_eq!(
        n.verify(&pk, u64::MAX, None).map(|_| ()),
        Err(Error::StaleNotice)
    );
    assert!(n.verify(&pk, T0 - 300, None).is_ok());
    assert_eq!(
        n.verify(&pk, T0 - 301, None).map(|_| ()),
        Err(Error::StaleNotice)
    );
    assert_eq!(n.verify(&pk, 0, None).map(|_| ()), Err(Error::StaleNotice));
    // A maximal serial cannot be made: serial ≤ issued_at and issued_at ≤ now + 300.
    let mut f = fields([3; 32], u64::MAX - 86_400, 0, &[]);
    f.not_after = u64::MAX;
    assert_eq!(
        signed(&k, &f).verify(&pk, T0, None).map(|_| ()),
        Err(Error::StaleNotice)
    );
}

/// Attack: verify authority B's notice against authority A's previous notice (a verifier
/// fed a foreign notice on a shared channel would otherwise compare unrelated serials or
/// adopt B's versions as A's), and issue keys / seal with B's notice at A.
/// Safe: `WrongAuthority`. Spec §4.3 (state "per authority"), rustdoc of `verify`.
#[test]
fn a_notice_checked_against_another_authoritys_previous_is_refused() {
    let mut r = rng(106);
    let k = BlsSigningKey::generate(&mut r);
    let pk = k.public_key();
    let prev_a = signed(&k, &fields([1; 32], T0, 1, &[("role:nurse", 1)]))
        .verify(&pk, T0, None)
        .unwrap();
    let b = signed(&k, &fields([2; 32], T0 + 5, 0, &[]));
    assert_eq!(
        b.verify(&pk, T0 + 5, Some(&prev_a)).map(|_| ()),
        Err(Error::WrongAuthority)
    );
}

/// Attack: correctly signed notices that break a §11.2 decoding rule (the notice key's
/// holder, or a buggy service, signs them; a decoder that accepted them would let
/// `serial` run past the clock, versions exceed the bump count, or one notice have two
/// encodings). Safe: the documented `InvalidEncoding` kind for each.
/// Spec §11.2 (every row's rule), §11 "Versioned attribute", `docs/formats.md` "Object
/// header".
#[test]
fn validly_signed_notices_that_break_decoding_rules_are_refused() {
    let mut r = rng(107);
    let k = BlsSigningKey::generate(&mut r);
    let a = [4; 32];
    let nc = enc_err(EncodingError::NonCanonical);
    let mut cases: Vec<(&str, RawNotice, Error)> = Vec::new();
    let mut n = RawNotice::ok(a);
    n.serial = 0;
    cases.push(("serial 0", n, nc.clone()));
    let mut n = RawNotice::ok(a);
    n.serial = T0 + 1;
    cases.push(("serial above issued_at", n, nc.clone()));
    let mut n = RawNotice::ok(a);
    n.not_after = T0;
    cases.push(("empty validity", n, nc.clone()));
    let mut n = RawNotice::ok(a);
    n.not_after = T0 + 86_401;
    cases.push(("validity above 24 h", n, nc.clone()));
    let mut n = RawNotice::ok(a);
    n.issued_at = u64::MAX;
    n.not_after = u64::MAX;
    cases.push((
        "issued_at at the end of time, empty validity",
        n,
        nc.clone(),
    ));
    let mut n = RawNotice::ok(a);
    n.bump_head = [0; 32];
    cases.push(("zero head with bumps", n, nc.clone()));
    let mut n = RawNotice::ok(a);
    n.bump_count = 0;
    n.versions.clear();
    cases.push(("non-zero head without bumps", n, nc.clone()));
    let mut n = RawNotice::ok(a);
    n.versions[0].1 = 0;
    cases.push(("version 0", n, nc.clone()));
    let mut n = RawNotice::ok(a);
    n.versions[1].1 = 3;
    cases.push(("version above bump_count", n, nc.clone()));
    let mut n = RawNotice::ok(a);
    n.versions.swap(0, 1);
    cases.push(("names out of order", n, nc.clone()));
    let mut n = RawNotice::ok(a);
    n.versions[1].0 = b"dept:icu".to_vec();
    cases.push(("a name twice", n, nc.clone()));
    let mut n = RawNotice::ok(a);
    n.versions[1].0 = b"cipherchart:key-holder".to_vec();
    cases.push(("the reserved namespace", n, nc.clone()));
    let mut n = RawNotice::ok(a);
    // "dept:caf" + U+0065 U+0301 (not NFC; the NFC form is U+00E9).
    n.versions[0].0 = "dept:cafe\u{301}".as_bytes().to_vec();
    n.versions.swap(0, 1);
    n.versions.swap(0, 1);
    cases.push(("a name not in NFC", n, nc.clone()));
    let mut n = RawNotice::ok(a);
    n.versions[0].0 = vec![b'd', b':', 0xff];
    cases.push(("a name not UTF-8", n, enc_err(EncodingError::InvalidText)));
    for (what, n, want) in cases {
        let bytes = n.signed(&k);
        let got = VersionNotice::from_bytes(&bytes).map(|_| ());
        assert_eq!(got, Err(want), "{what}");
    }
    // Framing: wrong version byte, wrong tag, trailing bytes, a count above 65,536 and
    // an input above 4 MiB.
    let good = RawNotice::ok(a).signed(&k);
    assert!(VersionNotice::from_bytes(&good).is_ok());
    let mut v2 = good.clone();
    v2[3] = 2;
    assert_eq!(
        VersionNotice::from_bytes(&v2).map(|_| ()),
        Err(enc_err(EncodingError::UnsupportedVersion))
    );
    let mut tag = good.clone();
    tag[2] = 0x40;
    assert_eq!(
        VersionNotice::from_bytes(&tag).map(|_| ()),
        Err(enc_err(EncodingError::WrongType))
    );
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(
        VersionNotice::from_bytes(&trailing).map(|_| ()),
        Err(enc_err(EncodingError::TrailingBytes))
    );
    let count_at = 4 + 32 + 5 * 8 + 32;
    let mut many = good.clone();
    put32(&mut many, count_at, 65_537);
    assert_eq!(
        VersionNotice::from_bytes(&many).map(|_| ()),
        Err(enc_err(EncodingError::BadLength))
    );
    let mut huge = good.clone();
    huge.resize(4 * 1024 * 1024 + 1, 0);
    assert_eq!(
        VersionNotice::from_bytes(&huge).map(|_| ()),
        Err(enc_err(EncodingError::BadLength))
    );
    // The identity as a signature.
    let mut id_sig = good.clone();
    let n = id_sig.len();
    id_sig[n - 96..].fill(0);
    id_sig[n - 96] = 0xc0;
    assert!(VersionNotice::from_bytes(&id_sig).is_err());
}

/// Attack: every truncation and every single-byte change of a genuine notice (a fuzzer's
/// first pass). Safe: never a panic; anything that decodes re-encodes to exactly its
/// input (one encoding per notice), and nothing but the original verifies.
/// Spec §11 "Conventions", `formats.md` "Common rules"; the brief's "never a panic, never
/// accept non-canonical bytes".
#[test]
fn the_notice_decoder_survives_truncation_and_byte_flips() {
    let mut r = rng(108);
    let k = BlsSigningKey::generate(&mut r);
    let good = RawNotice::ok([4; 32]).signed(&k);
    for i in 0..good.len() {
        assert!(VersionNotice::from_bytes(&good[..i]).is_err(), "prefix {i}");
    }
    // Every byte before the signature, three values each; the signature sampled.
    let sig_at = good.len() - 96;
    for i in (0..good.len()).filter(|i| *i < sig_at || i % 7 == 0) {
        for x in [0x01u8, 0x80, 0xff] {
            let mut m = good.clone();
            m[i] ^= x;
            if let Ok(n) = VersionNotice::from_bytes(&m) {
                assert_eq!(n.to_bytes(), m, "byte {i} ^ {x:#x} decoded non-canonically");
                assert!(n.verify(&k.public_key(), T0, None).is_err(), "byte {i}");
            }
        }
    }
}

// =======================================================================================
// 2. Relabelling a v3 header (§3.3 "Binding", §5.3, formats.md "KEM header v3")
// =======================================================================================

/// Attack (R1): storage, or the revoked user, relabels a record sealed after the bump so
/// that its version vector says 0 again (the versions the revoked key holds), and tries
/// every partial relabel. Safe: the revoked key never opens it; the edited header fails
/// the FO check even for a key at the edited versions (`DecryptionFailed`), before the
/// body. Spec formats.md "KEM header v3": "a header whose vector was edited fails the FO
/// check even for a key at the edited versions"; §3.3 "Binding".
#[test]
fn relabelling_the_version_vector_down_never_reopens_for_a_revoked_key() {
    let mut w = World::new(200);
    let n0 = w.service.current();
    let alice = w.key(&n0, &["role:nurse", "dept:icu"]);
    let n1 = w.service.bump(&["role:nurse", "dept:icu"]);
    let bob = w.key(&n1, &["role:nurse", "dept:icu"]);
    let r = w.seal(&n1, "role:nurse and dept:icu", b"r", b"secret");
    let bytes = r.to_bytes();
    let l = layout(&bytes);
    for (a, b) in [(0u32, 0u32), (0, 1), (1, 0)] {
        let mut m = bytes.clone();
        put32(&mut m, l.versions, a);
        put32(&mut m, l.versions + 4, b);
        let rec = decode(&m).expect("any vector of the right length decodes");
        assert_eq!(rec.attribute_versions()[0].1, a);
        for k in [&alice, &bob] {
            let got = k.open(w.pk(), &rec);
            assert!(got.is_err(), "versions ({a},{b}) opened: {got:?}");
        }
        // The revoked key, now "matching" on (0,0), gets DecryptionFailed: the FO check.
        if (a, b) == (0, 0) {
            assert_eq!(alice.open(w.pk(), &rec), Err(Error::DecryptionFailed));
        }
    }
}

/// Attack (R3 inverted): relabel an old record's vector up to the versions a current key
/// holds, so that it opens for a key it was not sealed for (or, for a rewrap, looks
/// caught up without being so). Safe: `DecryptionFailed`; `needs_catch_up` reads the
/// relabelled vector, but the record does not open. Spec formats.md "KEM header v3".
#[test]
fn relabelling_the_version_vector_up_opens_for_nobody() {
    let mut w = World::new(201);
    let n0 = w.service.current();
    let old = w.key(&n0, &["role:nurse"]);
    let r = w.seal(&n0, "role:nurse", b"r", b"secret");
    let n1 = w.service.bump(&["role:nurse"]);
    let new = w.key(&n1, &["role:nurse"]);
    let mut m = r.to_bytes();
    let l = layout(&m);
    put32(&mut m, l.versions, 1);
    let rec = decode(&m).unwrap();
    assert!(!rec.needs_catch_up(&n1));
    assert_eq!(new.open(w.pk(), &rec), Err(Error::DecryptionFailed));
    assert!(old.open(w.pk(), &rec).is_err());
    assert_eq!(old.open(w.pk(), &r).unwrap(), b"secret");
}

/// Attack: relabel the notice serial (to look fresher, or to pass as sealed under a
/// post-bump notice) or set the `degraded` flag on / off. Safe: even the rightful key
/// gets `DecryptionFailed`; serial 0 and unknown flag bits are `NonCanonical`.
/// Spec §5.3: FO coins over "pk id ‖ μ ‖ u64 notice_serial ‖ u8 flags ‖ VP ‖ ctx";
/// §11.4: `notice_serial` "≥ 1 … (`NonCanonical` if 0)", flags "other bits 0".
#[test]
fn relabelling_the_notice_serial_or_flags_breaks_the_header() {
    let mut w = World::new(202);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let r = w.seal(&n0, "role:nurse", b"r", b"secret");
    let bytes = r.to_bytes();
    let l = layout(&bytes);
    let mut later = bytes.clone();
    put64(&mut later, l.notice_serial, n0.serial() + 1000);
    assert_eq!(open_bytes(&k, w.pk(), &later), Err(Error::DecryptionFailed));
    let mut degraded = bytes.clone();
    degraded[l.flags] = 1;
    assert_eq!(
        open_bytes(&k, w.pk(), &degraded),
        Err(Error::DecryptionFailed)
    );
    let mut zero = bytes.clone();
    put64(&mut zero, l.notice_serial, 0);
    assert_eq!(
        decode(&zero).map(|_| ()),
        Err(enc_err(EncodingError::NonCanonical))
    );
    for bit in 1..8 {
        let mut f = bytes.clone();
        f[l.flags] = 1 << bit;
        assert_eq!(
            decode(&f).map(|_| ()),
            Err(enc_err(EncodingError::NonCanonical)),
            "flag bit {bit}"
        );
    }
    assert_eq!(open_bytes(&k, w.pk(), &bytes).unwrap(), b"secret");
}

/// Attack: relabel the policy text to a weaker one of the same shape: a 2-of-3 threshold
/// to 1-of-3 (same rows, same names), or a name to one the attacker holds. Safe:
/// `DecryptionFailed` for the attacker's key. Spec §5.3: `VP` (policy bytes) in the coins
/// and the digest; formats.md "KEM header v3".
#[test]
fn relabelling_the_policy_text_never_weakens_it() {
    let mut w = World::new(203);
    let n0 = w.service.current();
    let n1 = w.service.bump(&["role:nurse"]);
    let one = w.key(&n1, &["role:nurse"]);
    let r = w.seal(
        &n1,
        "2 of (role:nurse, dept:icu, shift:night)",
        b"t",
        b"secret",
    );
    let weaker = with_policy_text(&r.to_bytes(), "1 of (role:nurse, dept:icu, shift:night)");
    let rec = decode(&weaker).unwrap();
    assert_eq!(rec.attribute_versions().len(), 3);
    assert!(one.open(w.pk(), &rec).is_err());
    // A name swapped for one Mallory holds (same length, same version vector).
    let mallory = w.key(&n0, &["role:nursf"]);
    let r = w.seal(&n0, "role:nurse", b"u", b"secret");
    let swapped = with_policy_text(&r.to_bytes(), "role:nursf");
    assert_eq!(
        open_bytes(&mallory, w.pk(), &swapped),
        Err(Error::DecryptionFailed)
    );
}

/// Attack: a header vector whose count differs from the policy's rows, one above the 64
/// cap, and a count of 2³² − 1 (an allocation bomb), and a non-zero version on the holder
/// guard's row. Safe: `BadLength` for the counts, read before anything is allocated;
/// `NonCanonical` (or a refusal) for the guard. Spec §3.3 "Refusal rules"; §11.4.
#[test]
fn malformed_version_vectors_are_refused_by_the_decoder() {
    let mut w = World::new(204);
    let n0 = w.service.current();
    let r = w.seal(&n0, "role:nurse and dept:icu", b"r", b"secret");
    let bytes = r.to_bytes();
    let l = layout(&bytes);
    for count in [1u32, 3, 65, 0x1_0000, u32::MAX] {
        let mut m = bytes.clone();
        put32(&mut m, l.versions_count, count);
        assert_eq!(
            decode(&m).map(|_| ()),
            Err(enc_err(EncodingError::BadLength)),
            "count {count}"
        );
    }
    // Drop one entry (and the body follows early): still BadLength, not a misparse.
    let mut m = bytes[..l.versions + 4].to_vec();
    m.extend_from_slice(&bytes[l.versions + 8..]);
    assert!(decode(&m).is_err());
    // A guarded policy relabelled into a record, with the guard's row at version 1.
    let guarded = with_policy_text(&bytes, "cipherchart:key-holder and dept:icu");
    let gl = layout(&guarded);
    for (a, b) in [(1u32, 0u32), (0, 1), (1, 1)] {
        let mut g = guarded.clone();
        put32(&mut g, gl.versions, a);
        put32(&mut g, gl.versions + 4, b);
        assert!(
            decode(&g).is_err(),
            "guarded row relabelled ({a},{b}) decoded"
        );
    }
}

// =======================================================================================
// 3. Body and commitment binding (§5.1–§5.3, formats.md "Sealed record v3")
// =======================================================================================

/// Attack (storage): replace the body of a record: flip a byte; replace it with another
/// record's body under the same id; replace it and recompute the (public) body commitment
/// and length so the record still decodes. Safe: every variant is `DecryptionFailed` for
/// the rightful key. Spec §5.2: "A body that storage replaced therefore fails at every
/// opener"; formats.md: "the body against `body_commitment` (so a reader who knows `K_b`
/// cannot substitute a body …)".
#[test]
fn a_substituted_body_never_opens_even_with_a_recomputed_commitment() {
    let mut w = World::new(300);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let a = w.seal(&n0, "role:nurse", b"same-id", b"payload A, the real one");
    let b = w.seal(&n0, "role:nurse", b"same-id", b"payload B, another one!");
    let (ab, bb) = (a.to_bytes(), b.to_bytes());
    assert_eq!(ab.len(), bb.len());
    let pa = parts(&ab);
    let pb = parts(&bb);

    let mut flip = ab.clone();
    let l = layout(&flip);
    flip[l.body.0 + 3] ^= 1;
    assert_eq!(open_bytes(&k, w.pk(), &flip), Err(Error::DecryptionFailed));

    // B's body in A's shell (same id, same length).
    let mut p = parts(&ab);
    p.body = pb.body.clone();
    assert_eq!(
        open_bytes(&k, w.pk(), &p.build()),
        Err(Error::DecryptionFailed)
    );

    // B's body with the commitment recomputed: the ctx changed, the FO check fails.
    p.body_commitment = body_commitment(&pa.id, &pb.body).to_vec();
    assert_eq!(p.body_commitment, pb.body_commitment);
    assert_eq!(
        open_bytes(&k, w.pk(), &p.build()),
        Err(Error::DecryptionFailed)
    );

    // A longer junk body with a consistent length and commitment.
    let junk = vec![0x5a; pa.body.len() + 100];
    let mut p = parts(&ab);
    p.body_commitment = body_commitment(&pa.id, &junk).to_vec();
    p.body_len = junk.len() as u64;
    p.body = junk;
    assert_eq!(
        open_bytes(&k, w.pk(), &p.build()),
        Err(Error::DecryptionFailed)
    );
    assert_eq!(
        open_bytes(&k, w.pk(), &ab).unwrap(),
        b"payload A, the real one"
    );
}

/// Attack (storage): swap headers between records: A's KEM header in B's record (other
/// id), A's header with A's commitments over B's body (same id), and B's whole header
/// block (commitments + KEM) over A's body. Safe: `DecryptionFailed` every time.
/// Spec §5.3 `ctx` (record id and every commitment in coins, wrap key and digest);
/// the brief's "storage cannot swap bodies or headers between records".
#[test]
fn headers_cannot_be_swapped_between_records() {
    let mut w = World::new(301);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let a = w.seal(&n0, "role:nurse", b"rec-a", b"payload A");
    let b = w.seal(&n0, "role:nurse", b"rec-b", b"payload B");
    let c = w.seal(&n0, "role:nurse", b"rec-a", b"payload C");
    let (pa, pb, pc) = (
        parts(&a.to_bytes()),
        parts(&b.to_bytes()),
        parts(&c.to_bytes()),
    );
    let tries = [
        // B's shell and body, A's KEM header.
        Parts {
            kem: pa.kem.clone(),
            ..parts(&b.to_bytes())
        },
        // B's shell with A's commitments and KEM, B's body.
        Parts {
            body_commitment: pa.body_commitment.clone(),
            kem: pa.kem.clone(),
            ..parts(&b.to_bytes())
        },
        // Same id: C's header block over A's body.
        Parts {
            body_commitment: pc.body_commitment.clone(),
            body_len: pc.body_len,
            kem: pc.kem.clone(),
            ..parts(&a.to_bytes())
        },
        // Same id: A's header block over C's body.
        Parts {
            body: pc.body.clone(),
            ..parts(&a.to_bytes())
        },
        // A's everything but B's id (and B's id in the commitment).
        Parts {
            id: pb.id.clone(),
            body_commitment: body_commitment(&pb.id, &pa.body).to_vec(),
            ..parts(&a.to_bytes())
        },
    ];
    for (i, t) in tries.iter().enumerate() {
        assert_eq!(
            open_bytes(&k, w.pk(), &t.build()),
            Err(Error::DecryptionFailed),
            "swap {i}"
        );
    }
}

/// Attack: change the public metadata (e.g. a patient id or a date) and recompute its
/// hash so the record decodes. Safe: `DecryptionFailed`; a stale hash is `NonCanonical`.
/// Spec §5.2 "Decoders check `metadata_hash` against the metadata"; §5.3 `ctx`.
#[test]
fn metadata_cannot_be_edited_even_with_its_hash_recomputed() {
    let mut w = World::new(302);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let r = w.seal(&n0, "role:nurse", b"r", b"payload");
    let mut p = parts(&r.to_bytes());
    p.meta = b"metb".to_vec();
    assert_eq!(
        decode(&p.build()).map(|_| ()),
        Err(enc_err(EncodingError::NonCanonical))
    );
    p.metadata_hash = metadata_hash(b"metb").to_vec();
    assert_eq!(
        open_bytes(&k, w.pk(), &p.build()),
        Err(Error::DecryptionFailed)
    );
}

/// Attack: tamper with the envelope: the key commitment and the wrap. Safe:
/// `DecryptionFailed` (opaque, the same error as a wrong body).
/// Spec §5.2 "Openers … check `SHA-256(tag ‖ K_b) = key_commitment` … Any mismatch is
/// `DecryptionFailed` (opaque)".
#[test]
fn a_tampered_envelope_is_refused_opaquely() {
    let mut w = World::new(303);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let r = w.seal(&n0, "role:nurse", b"r", b"payload");
    let bytes = r.to_bytes();
    let l = layout(&bytes);
    for at in [
        l.key_commitment,
        l.key_commitment + 31,
        l.wrap,
        l.wrap + 40,
        l.c_prime,
    ] {
        let mut m = bytes.clone();
        m[at] ^= 0x10;
        assert_eq!(
            open_bytes(&k, w.pk(), &m),
            Err(Error::DecryptionFailed),
            "byte {at}"
        );
    }
    // Another record's envelope (key commitment and wrap) under this header.
    let other = w.seal(&n0, "role:nurse", b"r", b"payload");
    let ob = other.to_bytes();
    let mut m = bytes.clone();
    m[l.key_commitment..l.kem_end].copy_from_slice(&ob[l.key_commitment..l.kem_end]);
    assert_eq!(open_bytes(&k, w.pk(), &m), Err(Error::DecryptionFailed));
}

// =======================================================================================
// 4. The v3 record decoder (formats.md "Sealed record v3")
// =======================================================================================

/// Attack: non-canonical shells: a stale metadata hash, `body_len` not the body's length,
/// a body shorter than its 16-byte tag, a hop count of 1 (v3 hops are not built), a
/// non-UTF-8 / non-canonical policy. Safe: the documented `InvalidEncoding` kind.
/// Spec formats.md "Sealed record v3" table.
#[test]
fn the_v3_record_decoder_refuses_noncanonical_shells() {
    let mut w = World::new(400);
    let n0 = w.service.current();
    let r = w.seal(&n0, "role:nurse", b"r", b"payload");
    let bytes = r.to_bytes();
    let l = layout(&bytes);
    let nc = Err(enc_err(EncodingError::NonCanonical));
    let mut m = bytes.clone();
    m[l.metadata_hash] ^= 1;
    assert_eq!(decode(&m).map(|_| ()), nc, "metadata hash");
    let mut m = bytes.clone();
    let blen = (l.body.1 - l.body.0) as u64;
    put64(&mut m, l.body_len, blen + 1);
    assert_eq!(decode(&m).map(|_| ()), nc, "body_len + 1");
    put64(&mut m, l.body_len, blen | (1 << 40));
    assert!(decode(&m).is_err(), "body_len above 2^32");
    let mut m = bytes.clone();
    *m.last_mut().unwrap() = 1;
    assert!(decode(&m).is_err(), "a hop count of 1 with no hop");
    let mut p = parts(&bytes);
    p.body.truncate(15);
    p.body_len = 15;
    p.body_commitment = body_commitment(&p.id, &p.body).to_vec();
    assert!(decode(&p.build()).is_err(), "a 15-byte body");
    // Non-canonical policy text: extra spaces, uppercase operator.
    for text in ["role:nurse ", " role:nurse", "(role:nurse)"] {
        let m = with_policy_text(&bytes, text);
        assert!(decode(&m).is_err(), "policy text {text:?} decoded");
    }
    let mut m = bytes.clone();
    m.push(0);
    assert_eq!(
        decode(&m).map(|_| ()),
        Err(enc_err(EncodingError::TrailingBytes))
    );
}

/// Attack: a v2 record relabelled as v3 and a v3 record relabelled as v2 (the version
/// byte alone), to reach one decoder with the other's layout and bypass a check.
/// Safe: an `InvalidEncoding` error, never a record, never a panic.
/// Spec formats.md "Object header": "The version byte covers the whole object".
#[test]
fn a_record_cannot_change_format_by_its_version_byte() {
    let mut w = World::new(401);
    let n0 = w.service.current();
    let policy = Policy::parse("role:nurse").unwrap();
    let v2 = seal(
        w.authority.public_key(),
        &policy,
        b"r",
        b"meta",
        b"payload",
        &mut w.rng,
    )
    .unwrap();
    let v3 = w.seal(&n0, "role:nurse", b"r", b"payload");
    let mut as3 = v2.to_bytes();
    as3[3] = 3;
    assert!(matches!(decode(&as3), Err(Error::InvalidEncoding(_))));
    let mut as2 = v3.to_bytes();
    as2[3] = 2;
    assert!(matches!(decode(&as2), Err(Error::InvalidEncoding(_))));
    for v in [0u8, 1, 4, 0xff] {
        let mut m = v3.to_bytes();
        m[3] = v;
        assert_eq!(
            decode(&m).map(|_| ()),
            Err(enc_err(EncodingError::UnsupportedVersion)),
            "version {v}"
        );
    }
}

/// Attack: every truncation of a v3 record, and byte flips over the whole shell, header
/// and envelope (the points sampled). Safe: never a panic; whatever decodes re-encodes to
/// exactly its input and opens for nobody unless it is the original.
/// Spec formats.md "Common rules", "Sealed record v3"; the brief.
#[test]
fn the_v3_record_decoder_survives_truncation_and_byte_flips() {
    let mut w = World::new(402);
    let n0 = w.service.current();
    let n1 = w.service.bump(&["dept:icu"]);
    let k = w.key(&n1, &["role:nurse", "dept:icu"]);
    let r = w.seal(&n1, "role:nurse and dept:icu", b"r", b"payload");
    let bytes = r.to_bytes();
    let l = layout(&bytes);
    for i in 0..bytes.len() {
        assert!(decode(&bytes[..i]).is_err(), "prefix {i}");
    }
    let mut opened = 0;
    for i in 0..bytes.len() {
        let in_points = i >= l.c0 && i < l.c_prime;
        if in_points && i % 23 != 0 {
            continue;
        }
        for x in [0x01u8, 0x80] {
            let mut m = bytes.clone();
            m[i] ^= x;
            if let Ok(rec) = decode(&m) {
                assert_eq!(rec.to_bytes(), m, "byte {i} ^ {x:#x} non-canonical");
                if k.open(w.pk(), &rec).is_ok() {
                    opened += 1;
                }
            }
        }
    }
    assert_eq!(opened, 0);
    let _ = n0;
}

// =======================================================================================
// 5. Keys at versions (§3.4, §11.6)
// =======================================================================================

/// Offsets of a user key's attribute list: (start of the first entry, entries as
/// (name start, name end, version offset or None for v2), offset of `guard`).
fn key_entries(b: &[u8]) -> (Vec<(usize, usize, Option<usize>)>, usize) {
    let v3 = b[3] == 3;
    let mut at = 4 + 32;
    let n = be32(b, at);
    at += 4;
    let mut out = Vec::new();
    for _ in 0..n {
        let len = be32(b, at);
        let name = (at + 4, at + 4 + len);
        at = name.1;
        let ver = if v3 {
            at += 4;
            Some(at - 4)
        } else {
            None
        };
        out.push((name.0, name.1, ver));
    }
    (out, at)
}

/// A v2 user key re-encoded as v3 with the given versions (one per attribute).
fn key_v2_as_v3(b: &[u8], versions: &[u32]) -> Vec<u8> {
    let (entries, guard) = key_entries(b);
    let mut out = vec![0x43, 0x43, 0x03, 0x03];
    out.extend_from_slice(&b[4..4 + 32 + 4]);
    for ((s, e, _), v) in entries.iter().zip(versions) {
        out.extend_from_slice(&((e - s) as u32).to_be_bytes());
        out.extend_from_slice(&b[*s..*e]);
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.extend_from_slice(&b[guard..]);
    out
}

/// Attack (R1 through the key encoding): the revoked user edits her own key file: the
/// version of a bumped name raised to the record's (her v2 key re-encoded as v3 at
/// version 1), or a v3 key's version raised to a second bump. The decoder cannot check a
/// FAME key against its versions, so the edited key may decode. Safe: it opens nothing
/// sealed at the new versions (`DecryptionFailed` or `PolicyNotSatisfied`).
/// Spec §3.1: "`(y, v)` and `(y, v')` are simply two different attributes: a key for one
/// holds no component for the other".
#[test]
fn relabelling_a_keys_versions_never_opens_a_newer_record() {
    let mut w = World::new(500);
    let n0 = w.service.current();
    let alice = w.key(&n0, &["dept:icu", "role:nurse"]);
    let old_bytes = alice.to_bytes().to_vec();
    assert_eq!(old_bytes[3], 2);
    let n1 = w.service.bump(&["role:nurse"]);
    let r1 = w.seal(&n1, "role:nurse and dept:icu", b"r1", b"secret");
    // Alice's v2 key as v3 with role:nurse at 1 (entries sorted: dept:icu, role:nurse).
    let forged = key_v2_as_v3(&old_bytes, &[0, 1]);
    match UserKey::from_bytes(&forged) {
        Ok(k) => {
            assert_eq!(k.versioned_attributes()[1].1, 1);
            let got = k.open(w.pk(), &r1);
            assert!(got.is_err(), "relabelled key opened: {got:?}");
        }
        Err(e) => assert!(matches!(e, Error::InvalidEncoding(_))),
    }
    // Bob's legitimate v3 key at role:nurse 1, relabelled to 2 after a second bump.
    let bob = w.key(&n1, &["dept:icu", "role:nurse"]);
    let n2 = w.service.bump(&["role:nurse"]);
    let r2 = w.seal(&n2, "role:nurse and dept:icu", b"r2", b"secret");
    let mut b = bob.to_bytes().to_vec();
    assert_eq!(b[3], 3);
    let (entries, _) = key_entries(&b);
    put32(&mut b, entries[1].2.unwrap(), 2);
    let k = UserKey::from_bytes(&b).unwrap();
    assert!(k.open(w.pk(), &r2).is_err());
    // And down to 0 again (dept:icu 0, role:nurse 0 is the v2 form: NonCanonical).
    put32(&mut b, entries[1].2.unwrap(), 0);
    assert_eq!(
        UserKey::from_bytes(&b).map(|_| ()),
        Err(enc_err(EncodingError::NonCanonical))
    );
    assert_eq!(bob.open(w.pk(), &r1).unwrap(), b"secret");
}

/// Attack: non-canonical user key v3 encodings: every version 0 (the key's one encoding
/// is v2's), names out of order, the reserved namespace as a name, guard 0, another
/// version byte, truncations. Safe: `NonCanonical` / `UnsupportedVersion` / an error,
/// never a panic. Spec §11.6 "Key body v3", §11 "Versioned attribute"; rustdoc of
/// `UserKey::from_bytes`.
#[test]
fn noncanonical_user_key_v3_encodings_are_refused() {
    let mut w = World::new(501);
    w.service.current();
    let n1 = w.service.bump(&["role:nurse"]);
    let k = w.key(&n1, &["dept:icu", "role:nurse"]);
    let good = k.to_bytes().to_vec();
    assert_eq!(
        UserKey::from_bytes(&good).unwrap().versioned_attributes(),
        k.versioned_attributes()
    );
    let (entries, guard) = key_entries(&good);
    let nc = Err(enc_err(EncodingError::NonCanonical));
    // Swap the two names (same length would be needed to keep framing: rebuild instead).
    let mut swapped = good[..4 + 32 + 4].to_vec();
    for (s, e, v) in entries.iter().rev() {
        swapped.extend_from_slice(&((e - s) as u32).to_be_bytes());
        swapped.extend_from_slice(&good[*s..*e]);
        swapped.extend_from_slice(&good[v.unwrap()..v.unwrap() + 4]);
    }
    swapped.extend_from_slice(&good[guard..]);
    assert_eq!(UserKey::from_bytes(&swapped).map(|_| ()), nc, "unsorted");
    // The reserved namespace: "dept:icu" -> "cipherchart:x" (rebuild the list).
    let mut reserved = good[..4 + 32 + 4].to_vec();
    for (i, (s, e, v)) in entries.iter().enumerate() {
        let name: &[u8] = if i == 0 {
            b"cipherchart:a"
        } else {
            &good[*s..*e]
        };
        reserved.extend_from_slice(&(name.len() as u32).to_be_bytes());
        reserved.extend_from_slice(name);
        reserved.extend_from_slice(&good[v.unwrap()..v.unwrap() + 4]);
    }
    reserved.extend_from_slice(&good[guard..]);
    assert_eq!(
        UserKey::from_bytes(&reserved).map(|_| ()),
        nc,
        "reserved name"
    );
    let mut g0 = good.clone();
    g0[guard] = 0;
    assert!(UserKey::from_bytes(&g0).is_err(), "guard 0 in a user key");
    let mut g2 = good.clone();
    g2[guard] = 2;
    assert_eq!(UserKey::from_bytes(&g2).map(|_| ()), nc, "guard 2");
    for v in [1u8, 4, 0xff] {
        let mut m = good.clone();
        m[3] = v;
        assert_eq!(
            UserKey::from_bytes(&m).map(|_| ()),
            Err(enc_err(EncodingError::UnsupportedVersion))
        );
    }
    // The v3 body read as v2 (version byte only) and the v2 form of a v2 key read as v3.
    let mut as2 = good.clone();
    as2[3] = 2;
    assert!(UserKey::from_bytes(&as2).is_err());
    let old = w.key(&n1, &["dept:icu"]);
    let mut as3 = old.to_bytes().to_vec();
    assert_eq!(as3[3], 2);
    as3[3] = 3;
    assert!(UserKey::from_bytes(&as3).is_err());
    for i in 0..good.len() {
        assert!(UserKey::from_bytes(&good[..i]).is_err(), "prefix {i}");
    }
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(
        UserKey::from_bytes(&trailing).map(|_| ()),
        Err(enc_err(EncodingError::TrailingBytes))
    );
}

/// Attack: a key issued after a bump (at the new version) on a record not yet caught up
/// (at the old version): it must not open, or an old record's readers and the new key's
/// holders would be the same set and R1 could be bypassed by a key refresh alone. Safe:
/// `PolicyNotSatisfied` before any pairing. Spec §3.4: "a row is satisfied only by the
/// same name **at the same version** … `PolicyNotSatisfied` before any pairing".
#[test]
fn a_key_at_a_newer_version_does_not_open_an_older_row() {
    let mut w = World::new(502);
    let n0 = w.service.current();
    let r = w.seal(&n0, "role:nurse", b"r", b"secret");
    let n1 = w.service.bump(&["role:nurse"]);
    let k = w.key(&n1, &["role:nurse"]);
    assert_eq!(k.open(w.pk(), &r), Err(Error::PolicyNotSatisfied));
}

/// Attack: the `@` character and version numbers: a key for the distinct name
/// `role:nurse@1` (version 0) against a record at (`role:nurse`, 1), and a key at
/// (`role:nurse`, 1) against a record for `role:nurse@1`; likewise a name that spells a
/// version's bytes. Safe: neither opens (`PolicyNotSatisfied`); each opens for its own key.
/// Spec §3.1: "Inputs of the three domains … differ in their first byte, so they never
/// collide"; "`@` is an ordinary character again (S2)".
#[test]
fn version_points_never_collide_with_version_zero_names() {
    let mut w = World::new(503);
    let n0 = w.service.current();
    let n1 = w.service.bump(&["role:nurse"]);
    let at_name = w.key(&n1, &["role:nurse@1"]);
    assert_eq!(at_name.versioned_attributes()[0].1, 0);
    let versioned = w.key(&n1, &["role:nurse"]);
    let r_versioned = w.seal(&n1, "role:nurse", b"a", b"versioned");
    let r_at = w.seal(&n1, "\"role:nurse@1\"", b"b", b"at-name");
    assert_eq!(
        at_name.open(w.pk(), &r_versioned),
        Err(Error::PolicyNotSatisfied)
    );
    assert_eq!(
        versioned.open(w.pk(), &r_at),
        Err(Error::PolicyNotSatisfied)
    );
    assert_eq!(at_name.open(w.pk(), &r_at).unwrap(), b"at-name");
    assert_eq!(versioned.open(w.pk(), &r_versioned).unwrap(), b"versioned");
    // Byte-level: the version-0 record for "role:nurse@1" relabelled to ("role:nurse",
    // version 0x40_31_00_00-ish) is a different attribute point set: forge the header's
    // policy to "role:nurse" and the vector to the v0 key's view; nobody opens it.
    let bytes = r_at.to_bytes();
    let forged = with_policy_text(&bytes, "role:nurse");
    let l = layout(&forged);
    for v in [0u32, 1, u32::from_be_bytes(*b"@1\0\0")] {
        let mut m = forged.clone();
        put32(&mut m, l.versions, v);
        for k in [&at_name, &versioned] {
            assert!(open_bytes(k, w.pk(), &m).is_err(), "version {v:#x}");
        }
    }
    let _ = n0;
}

// =======================================================================================
// 6. Catch-up: `Authority::rewrap` (§9, rustdoc of `rewrap`)
// =======================================================================================

/// Attack (R2 rollback): a notice that raises one of the record's names but is *lower*
/// on another (a notice from another notice key, or an old lineage, that a confused or
/// attacked re-sealer is handed). `needs_catch_up` says yes (one name is lower). Safe:
/// `FutureVersion`, nothing re-wrapped: a re-wrap would take the other name back to a
/// version the revoked key holds. Spec rustdoc of `rewrap`: "`FutureVersion` if the
/// record is at a version above the notice's for some name"; §1 R2.
#[test]
fn rewrap_never_lowers_one_name_while_raising_another() {
    let mut w = World::new(600);
    let n0 = w.service.current();
    let alice = w.key(&n0, &["role:nurse", "dept:icu"]);
    let n1 = w.service.bump(&["role:nurse", "dept:icu"]);
    let r = w.seal(&n1, "role:nurse and dept:icu", b"r", b"secret");
    // A correctly signed notice of the same authority: role:nurse 2, dept:icu absent (0).
    let k = BlsSigningKey::generate(&mut w.rng);
    let t = w.service.now() + 1;
    let odd = signed(&k, &fields(w.pk().id(), t, 2, &[("role:nurse", 2)]))
        .verify(&k.public_key(), t, None)
        .unwrap();
    assert!(r.needs_catch_up(&odd));
    let got = w.authority.rewrap(&r, &odd, &mut w.rng);
    match &got {
        Ok(new) => {
            assert!(
                alice.open(w.pk(), new).is_err(),
                "rolled back to alice's versions"
            );
            panic!("re-wrapped to {:?}", new.attribute_versions());
        }
        Err(e) => assert_eq!(*e, Error::FutureVersion),
    }
}

/// Attack: re-wrap under another authority's notice, and a record of another authority
/// relabelled with this authority's id (so the authority check passes and the master-key
/// path runs on junk). Safe: `WrongAuthority` for the first; `DecryptionFailed` and
/// nothing re-wrapped for the second. Spec rustdoc of `rewrap`; §9.3 "Refused: records
/// failing any check … never decapsulated" (for the master-key path).
#[test]
fn rewrap_refuses_foreign_notices_and_relabelled_foreign_records() {
    let mut w = World::new(601);
    let n0 = w.service.current();
    let r = w.seal(&n0, "role:nurse", b"r", b"secret");
    let other = Authority::setup(&mut w.rng);
    let mut other_service = NoticeService::new(&other, &mut w.rng);
    other_service.current();
    let foreign_notice = other_service.bump(&["role:nurse"]);
    assert!(!r.needs_catch_up(&foreign_notice));
    assert_eq!(
        w.authority
            .rewrap(&r, &foreign_notice, &mut w.rng)
            .map(|_| ()),
        Err(Error::WrongAuthority)
    );
    // Another authority's record with our id written over its authority field.
    let policy = Policy::parse("role:nurse").unwrap();
    let mut fresh_service = NoticeService::new(&other, &mut w.rng);
    let foreign = seal_with_notice(
        other.public_key(),
        &fresh_service.current(),
        &policy,
        b"f",
        b"meta",
        b"foreign",
        &mut w.rng,
    )
    .unwrap();
    let mut m = foreign.to_bytes();
    let l = layout(&m);
    m[l.kem..l.kem + 32].copy_from_slice(&w.pk().id());
    let relabelled = decode(&m).unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    assert!(relabelled.needs_catch_up(&n1));
    assert_eq!(
        w.authority.rewrap(&relabelled, &n1, &mut w.rng).map(|_| ()),
        Err(Error::DecryptionFailed)
    );
}

/// Attack: hand the re-sealer a record whose header was relabelled (vector down to the
/// revoked key's versions, or the serial edited) or whose body was substituted; a
/// re-sealer that re-wrapped it would launder a forgery into a record the authority
/// vouches for. Safe: `DecryptionFailed`, nothing re-wrapped. Spec rustdoc of `rewrap`:
/// "`DecryptionFailed` if the record's header, envelope or body fails its checks (a
/// damaged or forged record: nothing is re-wrapped)".
#[test]
fn rewrap_refuses_relabelled_headers_and_substituted_bodies() {
    let mut w = World::new(602);
    let n0 = w.service.current();
    let n1 = w.service.bump(&["role:nurse"]);
    let r = w.seal(&n1, "role:nurse and dept:icu", b"r", b"secret");
    let n2 = w.service.bump(&["dept:icu"]);
    let bytes = r.to_bytes();
    let l = layout(&bytes);
    let mut down = bytes.clone();
    put32(&mut down, l.versions, 0);
    let mut serial = bytes.clone();
    put64(&mut serial, l.notice_serial, n0.serial());
    let mut envelope = bytes.clone();
    envelope[l.key_commitment] ^= 1;
    for (what, m) in [("vector", down), ("serial", serial), ("envelope", envelope)] {
        let rec = decode(&m).unwrap();
        assert_eq!(
            w.authority.rewrap(&rec, &n2, &mut w.rng).map(|_| ()),
            Err(Error::DecryptionFailed),
            "{what}"
        );
    }
    let mut p = parts(&bytes);
    p.body = vec![0x33; p.body.len()];
    p.body_commitment = body_commitment(&p.id, &p.body).to_vec();
    let rec = decode(&p.build()).unwrap();
    assert_eq!(
        w.authority.rewrap(&rec, &n2, &mut w.rng).map(|_| ()),
        Err(Error::DecryptionFailed),
        "body with a recomputed commitment"
    );
}

/// Attack (storage): damage a stored body (one byte, so the body no longer matches the
/// header's `body_commitment`; the header is untouched and genuine) and queue the record
/// for catch-up. Safe, per the rustdoc of `rewrap`: "`DecryptionFailed` if the record's
/// header, envelope or body fails its checks (a damaged or forged record: nothing is
/// re-wrapped)". Found: the record is re-wrapped; the result carries the damaged body
/// under a fresh authority-made header, opens for nobody, and `Entry::for_catch_up`
/// would log SHA-256 of those bytes as the catch-up's digest, so the chain vouches for a
/// record that fails its own commitment.
#[test]
fn rewrap_refuses_a_body_that_fails_its_commitment() {
    let mut w = World::new(606);
    w.service.current();
    let n1 = w.service.bump(&["role:nurse"]);
    let r = w.seal(&n1, "role:nurse", b"r", b"secret");
    let n2 = w.service.bump(&["role:nurse"]);
    let mut p = parts(&r.to_bytes());
    p.body[0] ^= 1;
    let damaged = decode(&p.build()).unwrap();
    let result = w.authority.rewrap(&damaged, &n2, &mut w.rng);
    if let Ok(new) = &result {
        // What the finding gives: a fresh header over the damaged body, opening for nobody.
        let current = w.key(&n2, &["role:nurse"]);
        assert_eq!(current.open(w.pk(), new), Err(Error::DecryptionFailed));
        assert_eq!(parts(&new.to_bytes()).body, p.body);
    }
    assert_eq!(result.map(|_| ()), Err(Error::DecryptionFailed));
}

/// Attack: a damaged v2 record (the v2 migration path re-encrypts the whole payload and
/// so runs the authority's decryption on whatever storage hands it): `c'` flipped, a
/// ciphertext byte flipped; and a v2 record of another authority. Safe:
/// `DecryptionFailed` / `WrongAuthority`, nothing produced. Spec rustdoc of `rewrap`.
#[test]
fn rewrap_refuses_damaged_or_foreign_v2_records() {
    let mut w = World::new(603);
    w.service.current();
    let n1 = w.service.bump(&["role:nurse"]);
    let policy = Policy::parse("role:nurse").unwrap();
    let v2 = seal(
        w.authority.public_key(),
        &policy,
        b"old",
        b"m",
        b"from v2",
        &mut w.rng,
    )
    .unwrap();
    let bytes = v2.to_bytes();
    let n = bytes.len();
    let mut refused = 0;
    for at in [n - 2, n - 20, n / 2] {
        let mut m = bytes.clone();
        m[at] ^= 0x04;
        if let Ok(rec) = SealedRecord::from_bytes(&m) {
            assert_eq!(
                w.authority.rewrap(&rec, &n1, &mut w.rng).map(|_| ()),
                Err(Error::DecryptionFailed),
                "byte {at}"
            );
            refused += 1;
        }
    }
    assert!(refused > 0);
    let other = Authority::setup(&mut w.rng);
    let foreign = seal(other.public_key(), &policy, b"f", b"m", b"x", &mut w.rng).unwrap();
    assert!(!foreign.needs_catch_up(&n1));
    assert_eq!(
        w.authority.rewrap(&foreign, &n1, &mut w.rng).map(|_| ()),
        Err(Error::WrongAuthority)
    );
}

/// Attack (R2 end to end, byte level): after the catch-up the revoked key gets the new
/// record; it splices the *old* header onto the stored body (the body is the same bytes)
/// and the new header onto an old copy. Safe: the new record does not open for her; the
/// old header + body opens (documented exception: a header obtained before the commit,
/// §1 R2 / §5.4), so storage must delete it; the new header never opens for her whatever
/// the body. And a second re-wrap under the same notice leaves the versions and the
/// commitments unchanged. Spec §1 R2, §5.4, §9.
#[test]
fn after_rewrap_the_revoked_key_opens_only_an_obtained_old_header() {
    let mut w = World::new(604);
    let n0 = w.service.current();
    let alice = w.key(&n0, &["role:nurse"]);
    let r = w.seal(&n0, "role:nurse or patient:9", b"r", b"secret");
    let n1 = w.service.bump(&["role:nurse"]);
    let new = w.authority.rewrap(&r, &n1, &mut w.rng).unwrap();
    assert_eq!(alice.open(w.pk(), &new), Err(Error::PolicyNotSatisfied));
    let (po, pn) = (parts(&r.to_bytes()), parts(&new.to_bytes()));
    assert_eq!(po.body, pn.body);
    assert_eq!(po.body_commitment, pn.body_commitment);
    assert_ne!(po.kem, pn.kem);
    // The old header is still a valid header for the body (S18: storage must delete it).
    let spliced_old = Parts {
        kem: po.kem.clone(),
        ..parts(&new.to_bytes())
    };
    assert_eq!(spliced_old.build(), r.to_bytes());
    // The new header's vector relabelled to the old versions: refused.
    let mut m = new.to_bytes();
    let l = layout(&m);
    put32(&mut m, l.versions, 0);
    assert!(open_bytes(&alice, w.pk(), &m).is_err());
    // Idempotence: a second re-wrap under n1 changes nothing but the header's randomness.
    let again = w.authority.rewrap(&new, &n1, &mut w.rng).unwrap();
    assert_eq!(again.attribute_versions(), new.attribute_versions());
    assert_eq!(again.notice_serial(), new.notice_serial());
    assert_eq!(again.body_commitment(), new.body_commitment());
    let patient = w.key(&n0, &["patient:9"]);
    assert_eq!(patient.open(w.pk(), &again).unwrap(), b"secret");
}

/// Attack: re-wrap a record sealed (or caught up) under a newer notice with an older
/// notice of the same versions: the versions stay, but the header's notice serial goes
/// back, so the record looks sealed under the older notice. Safe (as this review reads
/// §4.4, "the notice serial … let storage and auditors measure staleness exactly", and
/// `notice_serial()`'s rustdoc "sealed (or last caught up) under"): the serial never goes
/// down, so a re-wrap with an older notice is refused or keeps the newer serial.
///
/// Found: the re-wrapped header carries the older notice's serial.
#[test]
fn rewrap_never_moves_the_notice_serial_back() {
    let mut w = World::new(605);
    w.service.current();
    let n1 = w.service.bump(&["role:nurse"]);
    let n2 = w.service.current(); // a routine re-issue: same versions, higher serial
    let r = w.seal(&n2, "role:nurse", b"r", b"secret");
    assert_eq!(r.notice_serial(), Some(n2.serial()));
    match w.authority.rewrap(&r, &n1, &mut w.rng) {
        Ok(back) => assert!(
            back.notice_serial().unwrap() >= n2.serial(),
            "serial moved back from {} to {:?}",
            n2.serial(),
            back.notice_serial()
        ),
        // Fixed (RV-1): a notice older than the record's is refused as stale.
        Err(e) => assert_eq!(e, Error::StaleNotice),
    }
}

// =======================================================================================
// 7. Leaks through Debug and errors
// =======================================================================================

/// Every 8-byte window (at a 16-byte stride) of `secret`, as lowercase and uppercase hex
/// and as a Rust `Debug` list of bytes, must be absent from `text`.
fn assert_no_window(text: &str, secret: &[u8], what: &str) {
    let lower = text.to_lowercase();
    for start in (0..secret.len().saturating_sub(8)).step_by(16) {
        let w = &secret[start..start + 8];
        if w.iter().all(|b| *b == 0) {
            continue;
        }
        let hex: String = w.iter().map(|b| format!("{b:02x}")).collect();
        assert!(
            !lower.contains(&hex),
            "{what}: hex of bytes {start}.. leaked"
        );
        let list = format!("{w:?}");
        let list = &list[1..list.len() - 1];
        assert!(
            !text.contains(list),
            "{what}: byte list of {start}.. leaked"
        );
    }
}

/// Attack: read secrets out of `Debug` output and error messages: a user key v3 (its
/// `K` components), the authority (its master key, via the `hazmat` bytes for the
/// comparison only), the errors of decoding a damaged key and of a failed open/rewrap.
/// Safe: no window of any secret appears. Spec: the brief's "nothing in an error or Debug
/// output leaks a secret"; `security.md`.
#[test]
fn debug_and_error_output_leak_no_key_material() {
    use cipherchart::hazmat::SecretKeyBytes;
    let mut w = World::new(700);
    w.service.current();
    let n1 = w.service.bump(&["role:nurse"]);
    let k = w.key(&n1, &["role:nurse", "dept:icu"]);
    let kb = k.to_bytes().to_vec();
    let (_, guard) = key_entries(&kb);
    let secret_part = &kb[guard + 1..];
    let master = w.authority.to_secret_bytes();
    let r = w.seal(&n1, "role:nurse and dept:icu", b"r", b"secret payload");
    let mut texts = vec![
        ("key", format!("{k:?} {:#?}", k)),
        ("authority", format!("{:?} {:#?}", w.authority, w.authority)),
        ("notice", format!("{n1:?}")),
        ("record", format!("{r:?}")),
    ];
    let mut damaged = kb.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x55;
    if let Err(e) = UserKey::from_bytes(&damaged) {
        texts.push(("key error", format!("{e:?} {e}")));
    }
    let other = w.key(&n1, &["dept:icu"]);
    let e = other.open(w.pk(), &r).unwrap_err();
    texts.push(("open error", format!("{e:?} {e}")));
    let mut m = r.to_bytes();
    let l = layout(&m);
    m[l.c_prime] ^= 1;
    let forged = decode(&m).unwrap();
    let e = k.open(w.pk(), &forged).unwrap_err();
    texts.push(("forged open error", format!("{e:?} {e}")));
    let n2 = w.service.bump(&["dept:icu"]);
    let e = w.authority.rewrap(&forged, &n2, &mut w.rng).unwrap_err();
    texts.push(("rewrap error", format!("{e:?} {e}")));
    for (what, text) in &texts {
        assert_no_window(text, secret_part, what);
        assert_no_window(text, master.as_ref(), what);
        assert!(!text.contains("secret payload"), "{what}: payload leaked");
    }
}
