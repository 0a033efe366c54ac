//! Outside review of format v3 sensor sessions (`start_session_with_notice`), from
//! `docs/formats.md` ("Session header v3 … and session record v3", "KEM header v3",
//! "Session header", "Session record", "Version notice (v3)") and `docs/revocation.md` §0
//! only. One test per attack; the comment names the attack and the expected defence.

use cipherchart::{
    start_session, start_session_with_notice, Authority, EncodingError, Error, Policy, PublicKey,
    SessionHeader, SessionRecord, UserKey,
};
use sha2::{Digest, Sha256};

use crate::common::{key, rng, NoticeService};

const GUARD: &str = "cipherchart:key-holder";

fn be32(b: &[u8], at: usize) -> usize {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_be_bytes());
}

fn put64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_be_bytes());
}

fn enc(kind: EncodingError) -> Error {
    Error::InvalidEncoding(kind)
}

/// The error of a result whose success would be the attack's success.
fn err<T>(r: Result<T, Error>) -> Error {
    r.err()
        .expect("the attack succeeded: it opened / was accepted")
}

fn metadata_hash(meta: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"CIPHERCHART-V01-METADATA-HASH-with-SHA256");
    h.update(meta);
    h.finalize().into()
}

/// Offsets of a session header v3's fields (formats.md "Session header v3", "KEM header v3").
#[derive(Debug, Clone, Copy)]
struct HLayout {
    id: (usize, usize),
    meta: (usize, usize),
    metadata_hash: usize,
    trailer: usize,
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
}

fn layout(b: &[u8]) -> HLayout {
    assert_eq!(&b[..4], &[0x43, 0x43, 0x07, 0x03], "a session header v3");
    let id = (8, 8 + be32(b, 4));
    let meta = (id.1 + 4, id.1 + 4 + be32(b, id.1));
    let metadata_hash = meta.1;
    let trailer = metadata_hash + 32;
    let kem = trailer + 1;
    let notice_serial = kem + 32;
    let flags = notice_serial + 8;
    let policy_len = flags + 1;
    let policy = (policy_len + 4, policy_len + 4 + be32(b, policy_len));
    let versions_count = policy.1;
    let rows = be32(b, versions_count);
    let versions = versions_count + 4;
    let c0 = versions + 4 * rows;
    let c_rows = c0 + 3 * 96;
    let c_prime = c_rows + 3 * 48 * rows;
    let key_commitment = c_prime + 32;
    let wrap = key_commitment + 32;
    assert_eq!(
        wrap + 48,
        b.len(),
        "the documented layout covers every byte"
    );
    HLayout {
        id,
        meta,
        metadata_hash,
        trailer,
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
    }
}

/// A session header v3 from its parts (documented field order), the trailer byte 0.
fn build_header(id: &[u8], meta: &[u8], hash: &[u8], kem: &[u8]) -> Vec<u8> {
    let mut out = vec![0x43, 0x43, 0x07, 0x03];
    out.extend_from_slice(&(id.len() as u32).to_be_bytes());
    out.extend_from_slice(id);
    out.extend_from_slice(&(meta.len() as u32).to_be_bytes());
    out.extend_from_slice(meta);
    out.extend_from_slice(hash);
    out.push(0);
    out.extend_from_slice(kem);
    out
}

/// The header with its KEM policy text replaced (lengths fixed, rows unchanged).
fn with_policy_text(b: &[u8], text: &str) -> Vec<u8> {
    let l = layout(b);
    let mut out = b[..l.policy_len].to_vec();
    out.extend_from_slice(&(text.len() as u32).to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&b[l.policy.1..]);
    out
}

fn policy_text(b: &[u8]) -> String {
    let l = layout(b);
    String::from_utf8(b[l.policy.0..l.policy.1].to_vec()).unwrap()
}

/// Decodes and opens one record of the session whose header is `header`.
fn open_bytes(
    key: &UserKey,
    pk: &PublicKey,
    header: &[u8],
    record: &SessionRecord,
) -> Result<Vec<u8>, Error> {
    let h = SessionHeader::from_bytes(header)?;
    key.open_session(pk, &h)?.open(record)
}

/// Session record offsets: header 4, sequence u64, metadata bytes, body bytes.
fn record_body_at(r: &[u8]) -> usize {
    let meta_len = be32(r, 12);
    16 + meta_len
}

struct World {
    rng: rand_chacha::ChaCha20Rng,
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

    fn key(&mut self, n: &cipherchart::VerifiedNotice, attrs: &[&str]) -> UserKey {
        key(&self.authority, n, attrs, &mut self.rng)
    }

    fn start(
        &mut self,
        n: &cipherchart::VerifiedNotice,
        policy: &str,
        id: &[u8],
        meta: &[u8],
    ) -> (SessionHeader, cipherchart::SessionSealer) {
        start_session_with_notice(
            self.authority.public_key(),
            n,
            &Policy::parse(policy).unwrap(),
            id,
            meta,
            &mut self.rng,
        )
        .unwrap()
    }
}

/// Index of the holder guard's row in the header's version vector: the one row the decoder
/// refuses at version 1 (formats.md "KEM header v3": the guard's entry must be 0).
fn guard_row(bytes: &[u8]) -> usize {
    let l = layout(bytes);
    let refused: Vec<usize> = (0..l.rows)
        .filter(|&i| {
            let mut m = bytes.to_vec();
            put32(&mut m, l.versions + 4 * i, 1);
            SessionHeader::from_bytes(&m).is_err()
        })
        .collect();
    assert_eq!(refused.len(), 1, "exactly one guard row");
    refused[0]
}

/// Attack: open a session started after a bump of **one** of the policy's names with a
/// key from before it (only `dept:icu` bumped). Defence: `policy_not_satisfied`; and a
/// bump of a name outside the policy leaves old keys working (R3).
#[test]
fn a_key_from_before_a_bump_of_any_policy_name_opens_no_later_session() {
    let mut w = World::new(500);
    let n0 = w.service.current();
    let old = w.key(&n0, &["role:nurse", "dept:icu"]);
    let n1 = w.service.bump(&["dept:icu"]);
    let (h, mut s) = w.start(&n1, "role:nurse and dept:icu", b"bed-1", b"vitals");
    let r = s.seal(b"hr", b"70").unwrap();
    assert_eq!(
        err(old.open_session(w.pk(), &h)).code(),
        "policy_not_satisfied"
    );
    let new = w.key(&n1, &["role:nurse", "dept:icu"]);
    assert_eq!(
        new.open_session(w.pk(), &h).unwrap().open(&r).unwrap(),
        b"70"
    );
    // A bump of an unrelated name: the old key keeps access to new sessions.
    let n2 = w.service.bump(&["ward:3"]);
    let (h, mut s) = w.start(&n2, "role:nurse", b"bed-2", b"vitals");
    let r = s.seal(b"hr", b"71").unwrap();
    assert_eq!(
        old.open_session(w.pk(), &h).unwrap().open(&r).unwrap(),
        b"71"
    );
}

/// Attack: open a session with a key of another authority (same attribute names, its own
/// notice), under either public key; or with the right key under the wrong public key.
/// Defence: `wrong_authority` (formats.md "KEM header": decapsulation refuses another).
#[test]
fn a_key_of_another_authority_opens_no_session() {
    let mut a = World::new(501);
    let mut b = World::new(502);
    let na = a.service.current();
    let nb = b.service.current();
    let ka = a.key(&na, &["role:nurse"]);
    let kb = b.key(&nb, &["role:nurse"]);
    let (h, _) = a.start(&na, "role:nurse", b"s", b"m");
    assert_eq!(err(kb.open_session(a.pk(), &h)).code(), "wrong_authority");
    assert_eq!(err(kb.open_session(b.pk(), &h)).code(), "wrong_authority");
    assert_eq!(err(ka.open_session(b.pk(), &h)).code(), "wrong_authority");
    assert!(ka.open_session(a.pk(), &h).is_ok());
}

/// Attack: open a session started at version 0 of a name with a key issued after its bump
/// (version 1). Defence: a key for (y, v) holds nothing for (y, v'): `policy_not_satisfied`.
#[test]
fn a_key_at_a_newer_version_does_not_open_an_older_session() {
    let mut w = World::new(503);
    let n0 = w.service.current();
    let (h, _) = w.start(&n0, "role:nurse", b"s", b"m");
    let n1 = w.service.bump(&["role:nurse"]);
    let newer = w.key(&n1, &["role:nurse"]);
    assert_eq!(
        err(newer.open_session(w.pk(), &h)).code(),
        "policy_not_satisfied"
    );
}

/// Attack: relabel the header's version vector (down, to the revoked key's versions; up;
/// mixed) so that a revoked or a newer key matches. Defence: the vector is in the FO coins
/// and the digest: nothing opens; the revoked key, now matching, gets `decryption_failed`.
#[test]
fn relabelling_the_session_version_vector_opens_for_nobody() {
    let mut w = World::new(504);
    let n0 = w.service.current();
    let alice = w.key(&n0, &["role:nurse", "dept:icu"]);
    let n1 = w.service.bump(&["role:nurse"]);
    let bob = w.key(&n1, &["role:nurse", "dept:icu"]);
    let n2 = w.service.bump(&["role:nurse", "dept:icu"]);
    let carol = w.key(&n2, &["role:nurse", "dept:icu"]);
    let (h, mut s) = w.start(&n1, "role:nurse and dept:icu", b"s", b"m");
    let r = s.seal(b"", b"secret").unwrap();
    let bytes = h.to_bytes();
    let l = layout(&bytes);
    let g = guard_row(&bytes);
    let rows: Vec<usize> = (0..l.rows).filter(|&i| i != g).collect();
    assert_eq!(rows.len(), 2);
    let original: Vec<u32> = h.attribute_versions().iter().map(|(_, v)| *v).collect();
    assert_eq!(original, [1, 0]);
    for (a, b) in [(0u32, 0u32), (0, 1), (1, 1), (2, 1), (2, 0), (1, 2)] {
        let mut m = bytes.clone();
        put32(&mut m, l.versions + 4 * rows[0], a);
        put32(&mut m, l.versions + 4 * rows[1], b);
        let dec = SessionHeader::from_bytes(&m).expect("any vector of the right length decodes");
        let vs: Vec<u32> = dec.attribute_versions().iter().map(|(_, v)| *v).collect();
        assert_eq!(vs, [a, b]);
        for k in [&alice, &bob, &carol] {
            assert!(
                k.open_session(w.pk(), &dec).is_err(),
                "versions ({a},{b}) opened"
            );
        }
        if (a, b) == (0, 0) {
            assert_eq!(
                err(alice.open_session(w.pk(), &dec)),
                Error::DecryptionFailed
            );
        }
        if (a, b) == (2, 1) {
            assert_eq!(
                err(carol.open_session(w.pk(), &dec)),
                Error::DecryptionFailed
            );
        }
    }
    assert_eq!(open_bytes(&bob, w.pk(), &bytes, &r).unwrap(), b"secret");
}

/// Attack: a header whose holder-guard row is at a nonzero version, and version counts that
/// differ from the rows, exceed 64, or are 2³² − 1 (allocation bomb). Defence: the decoder
/// refuses: `NonCanonical` for the guard, `BadLength` for the counts.
#[test]
fn the_guard_row_at_a_nonzero_version_and_bad_vector_counts_are_refused() {
    let mut w = World::new(505);
    let n0 = w.service.current();
    let (h, _) = w.start(&n0, "role:nurse and dept:icu", b"s", b"m");
    let bytes = h.to_bytes();
    let l = layout(&bytes);
    let g = guard_row(&bytes);
    for v in [1u32, 2, u32::MAX] {
        let mut m = bytes.clone();
        put32(&mut m, l.versions + 4 * g, v);
        assert_eq!(
            err(SessionHeader::from_bytes(&m)),
            enc(EncodingError::NonCanonical),
            "guard at version {v}"
        );
    }
    for n in [l.rows as u32 - 1, l.rows as u32 + 1, 65, u32::MAX] {
        let mut m = bytes.clone();
        put32(&mut m, l.versions_count, n);
        assert_eq!(
            err(SessionHeader::from_bytes(&m)),
            enc(EncodingError::BadLength),
            "count {n}"
        );
    }
}

/// Attack: relabel the notice serial (fresher, older) or the `degraded` flag, or set
/// undefined flag bits or serial 0. Defence: serial and flags are in the coins and the
/// wrap key: `decryption_failed` for the rightful key; serial 0 and other flag bits are
/// `NonCanonical`.
#[test]
fn relabelling_the_session_notice_serial_or_flags_breaks_the_header() {
    let mut w = World::new(506);
    let n0 = w.service.current();
    let n1 = w.service.current();
    let k = w.key(&n1, &["role:nurse"]);
    let (h, mut s) = w.start(&n1, "role:nurse", b"s", b"m");
    let r = s.seal(b"", b"secret").unwrap();
    let bytes = h.to_bytes();
    let l = layout(&bytes);
    for serial in [n1.serial() + 1000, n0.serial(), 1, u64::MAX] {
        let mut m = bytes.clone();
        put64(&mut m, l.notice_serial, serial);
        let dec = SessionHeader::from_bytes(&m).unwrap();
        assert_eq!(dec.notice_serial(), Some(serial));
        assert_eq!(err(open_bytes(&k, w.pk(), &m, &r)), Error::DecryptionFailed);
    }
    let mut degraded = bytes.clone();
    degraded[l.flags] = 1;
    assert_eq!(
        err(open_bytes(&k, w.pk(), &degraded, &r)),
        Error::DecryptionFailed
    );
    let mut zero = bytes.clone();
    put64(&mut zero, l.notice_serial, 0);
    assert_eq!(
        err(SessionHeader::from_bytes(&zero)),
        enc(EncodingError::NonCanonical)
    );
    for bit in 1..8 {
        let mut m = bytes.clone();
        m[l.flags] = 1 << bit;
        assert_eq!(
            err(SessionHeader::from_bytes(&m)),
            enc(EncodingError::NonCanonical),
            "flag bit {bit}"
        );
    }
    assert_eq!(open_bytes(&k, w.pk(), &bytes, &r).unwrap(), b"secret");
}

/// Attack: relabel the header's policy text: weaker with the same rows (`and` → `or`), a
/// name swapped for one the attacker holds, or the guard removed / moved under an `or` /
/// replaced by another name. Defence: the guard-free or guard-weakened shapes are
/// `NonCanonical`; a weakened guarded policy decodes but opens for nobody
/// (`decryption_failed`: the policy is in the coins).
#[test]
fn relabelling_the_session_policy_never_weakens_it_nor_drops_the_guard() {
    let mut w = World::new(507);
    let n0 = w.service.current();
    let nurse = w.key(&n0, &["role:nurse"]);
    let mallory = w.key(&n0, &["role:nursf"]);
    let (h, _) = w.start(&n0, "role:nurse and dept:icu", b"s", b"m");
    let bytes = h.to_bytes();
    let text = policy_text(&bytes);
    assert!(text.contains(GUARD), "{text}");
    assert!(text.contains("role:nurse and dept:icu"), "{text}");
    // Weakened, guard kept.
    let weaker = text.replace("role:nurse and dept:icu", "role:nurse or dept:icu");
    if let Ok(dec) = SessionHeader::from_bytes(&with_policy_text(&bytes, &weaker)) {
        assert_eq!(
            err(nurse.open_session(w.pk(), &dec)),
            Error::DecryptionFailed
        );
    }
    // The guard gone or weakened (same row count).
    for bad in [
        text.replace(GUARD, "role:clerk"),
        text.replace(&format!("and {GUARD}"), &format!("or {GUARD}")),
        format!("{GUARD} and (role:nurse or dept:icu)"),
    ] {
        let r = SessionHeader::from_bytes(&with_policy_text(&bytes, &bad));
        assert_eq!(err(r), enc(EncodingError::NonCanonical), "{bad}");
    }
    // The guard inside P too (a guard-only branch in P, three rows): never opens.
    let inside = text.replace("dept:icu", GUARD);
    if let Ok(dec) = SessionHeader::from_bytes(&with_policy_text(&bytes, &inside)) {
        assert!(nurse.open_session(w.pk(), &dec).is_err(), "{inside}");
    }
    // Guard dropped with its row (two rows left).
    let l = layout(&bytes);
    let g = guard_row(&bytes);
    let mut m = bytes[..l.policy_len].to_vec();
    let p = "role:nurse and dept:icu";
    m.extend_from_slice(&(p.len() as u32).to_be_bytes());
    m.extend_from_slice(p.as_bytes());
    m.extend_from_slice(&2u32.to_be_bytes());
    for i in (0..l.rows).filter(|&i| i != g) {
        m.extend_from_slice(&bytes[l.versions + 4 * i..l.versions + 4 * i + 4]);
    }
    m.extend_from_slice(&bytes[l.c0..l.c_rows]);
    for i in (0..l.rows).filter(|&i| i != g) {
        m.extend_from_slice(&bytes[l.c_rows + 144 * i..l.c_rows + 144 * (i + 1)]);
    }
    m.extend_from_slice(&bytes[l.c_prime..]);
    assert_eq!(
        err(SessionHeader::from_bytes(&m)),
        enc(EncodingError::NonCanonical)
    );
    // A name swapped for one Mallory holds.
    let (h, _) = w.start(&n0, "role:nurse", b"s", b"m");
    let bytes = h.to_bytes();
    let swapped = policy_text(&bytes).replace("role:nurse", "role:nursf");
    let dec = SessionHeader::from_bytes(&with_policy_text(&bytes, &swapped)).unwrap();
    assert_eq!(
        err(mallory.open_session(w.pk(), &dec)),
        Error::DecryptionFailed
    );
}

/// Attack: relabel the session id or metadata (other lengths too, the metadata hash
/// recomputed by the attacker), or leave the hash stale. Defence: id and metadata hash are
/// in the KEM context: `decryption_failed`; a stale hash is `NonCanonical`.
#[test]
fn relabelling_session_id_or_metadata_with_a_recomputed_hash_opens_nothing() {
    let mut w = World::new(508);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let (h, mut s) = w.start(&n0, "role:nurse", b"bed-7", b"vitals");
    let r = s.seal(b"", b"secret").unwrap();
    let bytes = h.to_bytes();
    let l = layout(&bytes);
    let kem = &bytes[l.kem..];
    for (id, meta) in [
        (&b"bed-7"[..], &b"vitals-ext"[..]),
        (b"bed-7", b""),
        (b"bed-77", b"vitals"),
        (b"", b"vitals"),
        (b"bed-8", b"vitalz"),
    ] {
        let m = build_header(id, meta, &metadata_hash(meta), kem);
        let dec = SessionHeader::from_bytes(&m).unwrap();
        assert_eq!(dec.session_id(), id);
        assert_eq!(dec.metadata(), meta);
        assert_eq!(err(k.open_session(w.pk(), &dec)), Error::DecryptionFailed);
    }
    let stale = build_header(
        b"bed-7",
        b"vitals-ext",
        &bytes[l.metadata_hash..l.trailer],
        kem,
    );
    assert_eq!(
        err(SessionHeader::from_bytes(&stale)),
        enc(EncodingError::NonCanonical)
    );
    assert_eq!(
        build_header(
            &bytes[l.id.0..l.id.1],
            &bytes[l.meta.0..l.meta.1],
            &metadata_hash(b"vitals"),
            kem
        ),
        bytes
    );
    assert_eq!(open_bytes(&k, w.pk(), &bytes, &r).unwrap(), b"secret");
}

/// Attack: tamper with the envelope (key commitment, wrap), `c'`, or splice the envelope /
/// the whole KEM of another session (same id and metadata, or another id). Defence: the
/// FO check, the unwrap and the constant-time commitment check: `decryption_failed`.
#[test]
fn a_tampered_or_spliced_session_envelope_is_refused_opaquely() {
    let mut w = World::new(509);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let (ha, mut sa) = w.start(&n0, "role:nurse", b"s", b"m");
    let (hb, mut sb) = w.start(&n0, "role:nurse", b"s", b"m");
    let (hc, _) = w.start(&n0, "role:nurse", b"other", b"m");
    let ra = sa.seal(b"", b"A").unwrap();
    let rb = sb.seal(b"", b"B").unwrap();
    let a = ha.to_bytes();
    let b = hb.to_bytes();
    let c = hc.to_bytes();
    let l = layout(&a);
    for at in [
        l.key_commitment,
        l.key_commitment + 31,
        l.wrap,
        l.wrap + 31,
        l.wrap + 47,
        l.c_prime,
        l.c_prime + 31,
    ] {
        let mut m = a.clone();
        m[at] ^= 1;
        assert_eq!(
            err(open_bytes(&k, w.pk(), &m, &ra)),
            Error::DecryptionFailed,
            "byte {at}"
        );
    }
    // B's envelope (commitment and wrap), or only B's commitment, under A's KEM.
    for (from, to) in [(l.key_commitment, a.len()), (l.key_commitment, l.wrap)] {
        let mut m = a.clone();
        m[from..to].copy_from_slice(&b[from..to]);
        for r in [&ra, &rb] {
            assert_eq!(err(open_bytes(&k, w.pk(), &m, r)), Error::DecryptionFailed);
        }
    }
    // Another session's whole KEM under this id.
    let lc = layout(&c);
    let m = build_header(b"s", b"m", &metadata_hash(b"m"), &c[lc.kem..]);
    assert_eq!(
        err(open_bytes(&k, w.pk(), &m, &ra)),
        Error::DecryptionFailed
    );
    assert_eq!(open_bytes(&k, w.pk(), &b, &rb).unwrap(), b"B");
}

/// Attack: move a header between formats by its version byte (v2 → v3, v3 → v2), or give
/// it an unknown version or another tag. Defence: decode refused or nothing opens;
/// versions other than 2 and 3 are `UnsupportedVersion`, other tags `WrongType`.
#[test]
fn a_session_header_cannot_change_format_by_its_version_byte() {
    let mut w = World::new(510);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let policy = Policy::parse("role:nurse").unwrap();
    let (h2, mut s2) =
        start_session(w.authority.public_key(), &policy, b"s", b"m", &mut w.rng).unwrap();
    let (h3, mut s3) = w.start(&n0, "role:nurse", b"s", b"m");
    let r2 = s2.seal(b"", b"v2").unwrap();
    let r3 = s3.seal(b"", b"v3").unwrap();
    let mut m = h2.to_bytes();
    m[3] = 3;
    for r in [&r2, &r3] {
        assert!(open_bytes(&k, w.pk(), &m, r).is_err());
    }
    let mut m = h3.to_bytes();
    m[3] = 2;
    for r in [&r2, &r3] {
        assert!(open_bytes(&k, w.pk(), &m, r).is_err());
    }
    for v in [0u8, 1, 4, 0xff] {
        let mut m = h3.to_bytes();
        m[3] = v;
        assert_eq!(
            err(SessionHeader::from_bytes(&m)),
            enc(EncodingError::UnsupportedVersion),
            "version {v}"
        );
    }
    for t in [0x04u8, 0x06, 0x08, 0x41] {
        let mut m = h3.to_bytes();
        m[2] = t;
        assert_eq!(
            err(SessionHeader::from_bytes(&m)),
            enc(EncodingError::WrongType),
            "tag {t}"
        );
    }
}

/// Attack: move records between two v3 sessions with the same id and metadata (same
/// sequence too), between sessions at different versions, and between v2 and v3 sessions
/// with the same id. Defence: the record AD binds the key commitment and each session has
/// its own key: `decryption_failed`.
#[test]
fn records_never_move_between_sessions_with_the_same_id_and_metadata() {
    let mut w = World::new(511);
    let n0 = w.service.current();
    let old = w.key(&n0, &["role:nurse"]);
    let (ha, mut sa) = w.start(&n0, "role:nurse", b"s", b"m");
    let (hb, mut sb) = w.start(&n0, "role:nurse", b"s", b"m");
    let n1 = w.service.bump(&["dept:er"]);
    let (hc, mut sc) = w.start(&n1, "role:nurse", b"s", b"m");
    let policy = Policy::parse("role:nurse").unwrap();
    let (h2, mut s2) =
        start_session(w.authority.public_key(), &policy, b"s", b"m", &mut w.rng).unwrap();
    let oa = old.open_session(w.pk(), &ha).unwrap();
    let ob = old.open_session(w.pk(), &hb).unwrap();
    let oc = old.open_session(w.pk(), &hc).unwrap();
    let o2 = old.open_session(w.pk(), &h2).unwrap();
    let openers = [&oa, &ob, &oc, &o2];
    for _ in 0..2 {
        let recs = [
            sa.seal(b"x", b"a").unwrap(),
            sb.seal(b"x", b"b").unwrap(),
            sc.seal(b"x", b"c").unwrap(),
            s2.seal(b"x", b"2").unwrap(),
        ];
        for (i, o) in openers.iter().enumerate() {
            for (j, r) in recs.iter().enumerate() {
                if i == j {
                    assert!(o.open(r).is_ok());
                } else {
                    assert_eq!(err(o.open(r)), Error::DecryptionFailed, "{j} in {i}");
                    // And with its version byte flipped to the opener's format.
                    let mut b = r.to_bytes();
                    b[3] = if b[3] == 2 { 3 } else { 2 };
                    let moved = SessionRecord::from_bytes(&b).unwrap();
                    assert_eq!(err(o.open(&moved)), Error::DecryptionFailed, "{j}→{i}");
                }
            }
        }
    }
}

/// Attack: edit a v3 record's sequence number, metadata, body, or splice another record's
/// body (same session); flip its version byte to 2 or an unknown value; truncate it.
/// Defence: sequence and metadata are in the AD and the subkey: `decryption_failed`;
/// unknown versions `UnsupportedVersion`; truncations are errors, never panics.
#[test]
fn a_session_records_sequence_metadata_body_and_version_are_bound() {
    let mut w = World::new(512);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let (h, mut s) = w.start(&n0, "role:nurse", b"s", b"m");
    let o = k.open_session(w.pk(), &h).unwrap();
    let r0 = s.seal(b"hr", b"72").unwrap();
    let r1 = s.seal(b"hr", b"73").unwrap();
    assert_eq!((r0.sequence(), r1.sequence()), (0, 1));
    let b0 = r0.to_bytes();
    let b1 = r1.to_bytes();
    let dec = |b: &[u8]| SessionRecord::from_bytes(b).unwrap();
    for seq in [1u64, 2, u64::MAX] {
        let mut m = b0.clone();
        put64(&mut m, 4, seq);
        assert_eq!(err(o.open(&dec(&m))), Error::DecryptionFailed, "seq {seq}");
    }
    let mut m = b0.clone();
    m[16] = b'H';
    assert_eq!(err(o.open(&dec(&m))), Error::DecryptionFailed);
    // Metadata emptied (length changed).
    let mut m = b0[..12].to_vec();
    m.extend_from_slice(&0u32.to_be_bytes());
    m.extend_from_slice(&b0[record_body_at(&b0)..]);
    assert_eq!(err(o.open(&dec(&m))), Error::DecryptionFailed);
    // Body flipped at each end; body of record 1 under record 0's frame.
    let at = record_body_at(&b0);
    for i in [at + 4, b0.len() - 1] {
        let mut m = b0.clone();
        m[i] ^= 1;
        assert_eq!(err(o.open(&dec(&m))), Error::DecryptionFailed);
    }
    let mut m = b0[..at].to_vec();
    m.extend_from_slice(&b1[record_body_at(&b1)..]);
    assert_eq!(err(o.open(&dec(&m))), Error::DecryptionFailed);
    let mut m = b0.clone();
    m[3] = 2;
    assert_eq!(err(o.open(&dec(&m))), Error::DecryptionFailed);
    for v in [0u8, 1, 4, 0xff] {
        let mut m = b0.clone();
        m[3] = v;
        assert_eq!(
            err(SessionRecord::from_bytes(&m)),
            enc(EncodingError::UnsupportedVersion)
        );
    }
    for n in 0..b0.len() {
        assert!(SessionRecord::from_bytes(&b0[..n]).is_err());
    }
    let mut m = b0.clone();
    m.push(0);
    assert_eq!(
        err(SessionRecord::from_bytes(&m)),
        enc(EncodingError::TrailingBytes)
    );
    // Out-of-order opening of genuine records is the opener's choice, and works.
    assert_eq!(o.open(&r1).unwrap(), b"73");
    assert_eq!(o.open(&r0).unwrap(), b"72");
}

/// Attack: a header with the trailer flag set but no trailer: flag 1 alone, flag 1
/// followed by a 32-byte "trailer digest", and every other flag value. Defence: an
/// encoding error (flag 1 must be followed by a session trailer naming the header, as a
/// re-wrapped header carries, `session_catch_up.rs`; any other value is `NonCanonical`).
#[test]
fn the_trailer_flag_is_refused_in_every_form() {
    let mut w = World::new(513);
    let n0 = w.service.current();
    let (h, _) = w.start(&n0, "role:nurse", b"s", b"m");
    let bytes = h.to_bytes();
    let l = layout(&bytes);
    for v in 1..=255u8 {
        let mut m = bytes.clone();
        m[l.trailer] = v;
        let e = err(SessionHeader::from_bytes(&m));
        if v == 1 {
            assert!(matches!(e, Error::InvalidEncoding(_)), "trailer 1: {e:?}");
        } else {
            assert_eq!(e, enc(EncodingError::NonCanonical), "trailer {v}");
        }
    }
    for digest in [[0u8; 32], [0xab; 32]] {
        let mut m = bytes[..l.trailer].to_vec();
        m.push(1);
        m.extend_from_slice(&digest);
        m.extend_from_slice(&bytes[l.kem..]);
        let e = err(SessionHeader::from_bytes(&m));
        assert!(matches!(e, Error::InvalidEncoding(_)), "{e:?}");
    }
}

/// Attack: truncate a v3 session header, flip every bit pattern 0x01 / 0x80 of every byte,
/// and append bytes. Defence: never a panic; nothing but the genuine header opens; a
/// trailing byte is `TrailingBytes`.
#[test]
fn truncated_or_flipped_session_headers_never_panic_nor_open() {
    let mut w = World::new(514);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse", "dept:icu"]);
    let (h, mut s) = w.start(&n0, "role:nurse or dept:icu", b"s", b"m");
    let r = s.seal(b"", b"secret").unwrap();
    let bytes = h.to_bytes();
    for n in 0..bytes.len() {
        assert!(SessionHeader::from_bytes(&bytes[..n]).is_err(), "{n}");
    }
    let mut m = bytes.clone();
    m.push(0);
    assert_eq!(
        err(SessionHeader::from_bytes(&m)),
        enc(EncodingError::TrailingBytes)
    );
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0x80] {
            let mut m = bytes.clone();
            m[i] ^= mask;
            if let Ok(dec) = SessionHeader::from_bytes(&m) {
                assert!(
                    open_bytes(&k, w.pk(), &dec.to_bytes(), &r).is_err(),
                    "byte {i} ^ {mask:#x} opened"
                );
            }
        }
    }
    assert_eq!(open_bytes(&k, w.pk(), &bytes, &r).unwrap(), b"secret");
}

/// Attack: look for a header whose re-encoding differs (two encodings of one header), or
/// whose accessors (`attribute_versions`, `notice_serial`, `policy`) disagree with what
/// opens. Defence: byte-for-byte round trips; the accessors report the notice's versions
/// and serial, without the guard; exactly keys at those versions open.
#[test]
fn session_headers_round_trip_and_their_accessors_agree_with_what_opens() {
    let mut w = World::new(515);
    let n0 = w.service.current();
    let _ = w.service.bump(&["role:nurse"]);
    let n2 = w.service.bump(&["role:nurse", "dept:icu"]);
    let k0 = w.key(&n0, &["role:nurse", "dept:icu"]);
    let k2 = w.key(&n2, &["role:nurse", "dept:icu"]);
    let (h, mut s) = w.start(&n2, "2 of (role:nurse, dept:icu, shift:night)", b"s", b"m");
    let r = s.seal(b"", b"secret").unwrap();
    let bytes = h.to_bytes();
    let back = SessionHeader::from_bytes(&bytes).unwrap();
    assert_eq!(back, h);
    assert_eq!(back.to_bytes(), bytes);
    assert_eq!(back.notice_serial(), Some(n2.serial()));
    assert_eq!(
        back.policy(),
        &Policy::parse("2 of (role:nurse, dept:icu, shift:night)").unwrap()
    );
    let vs: Vec<(String, u32)> = back
        .attribute_versions()
        .into_iter()
        .map(|(a, v)| (a.as_str().to_owned(), v))
        .collect();
    assert_eq!(
        vs,
        [
            ("role:nurse".to_owned(), 2),
            ("dept:icu".to_owned(), 1),
            ("shift:night".to_owned(), 0)
        ]
    );
    assert!(!vs.iter().any(|(n, _)| n == GUARD));
    assert_eq!(
        k2.open_session(w.pk(), &back).unwrap().open(&r).unwrap(),
        b"secret"
    );
    assert!(k0.open_session(w.pk(), &back).is_err());
    let rb = SessionRecord::from_bytes(&r.to_bytes()).unwrap();
    assert_eq!(rb, r);
    assert_eq!(rb.to_bytes(), r.to_bytes());
}

/// Attack: start a session under a notice older than the current one (a lazy or malicious
/// sealer). Documented (revocation.md §0.3, "Sealers, to use a current notice"): it opens
/// for keys from before the bump. Regression: that is exactly what happens, and the header
/// tells it (its serial and versions are the old notice's).
#[test]
fn a_session_under_an_old_notice_still_opens_for_old_keys_as_documented() {
    let mut w = World::new(516);
    let n0 = w.service.current();
    let old = w.key(&n0, &["role:nurse"]);
    let n1 = w.service.bump(&["role:nurse"]);
    let (h, mut s) = w.start(&n0, "role:nurse", b"s", b"m");
    let r = s.seal(b"", b"secret").unwrap();
    assert_eq!(h.notice_serial(), Some(n0.serial()));
    assert!(h.notice_serial() < Some(n1.serial()));
    assert_eq!(h.attribute_versions()[0].1, 0);
    assert_eq!(
        old.open_session(w.pk(), &h).unwrap().open(&r).unwrap(),
        b"secret"
    );
}

/// Attack: start a session with another authority's notice, or with a policy naming the
/// holder guard anywhere (and, or, threshold). Defence: `wrong_authority`,
/// `invalid_attribute` (documented errors).
#[test]
fn sessions_under_a_foreign_notice_or_naming_the_guard_are_refused() {
    let mut a = World::new(517);
    let mut b = World::new(518);
    let na = a.service.current();
    let nb = b.service.current();
    let p = Policy::parse("role:nurse").unwrap();
    assert_eq!(
        err(start_session_with_notice(
            a.authority.public_key(),
            &nb,
            &p,
            b"s",
            b"m",
            &mut a.rng
        ))
        .code(),
        "wrong_authority"
    );
    for text in [
        format!("role:nurse and {GUARD}"),
        format!("role:nurse or {GUARD}"),
        format!("2 of (role:nurse, dept:icu, {GUARD})"),
    ] {
        let p = Policy::parse(&text).unwrap();
        assert_eq!(
            err(start_session_with_notice(
                a.authority.public_key(),
                &na,
                &p,
                b"s",
                b"m",
                &mut a.rng
            ))
            .code(),
            "invalid_attribute",
            "{text}"
        );
    }
    let _ = &mut b.rng;
}

fn signed_notice(
    authority: &Authority,
    key: &cipherchart::BlsSigningKey,
    versions: &[(&str, u32)],
    bumps: u64,
) -> Result<cipherchart::VerifiedNotice, Error> {
    let serial = crate::common::T0;
    let fields = cipherchart::NoticeFields {
        authority: authority.public_key().id(),
        statement_serial: 0,
        serial,
        issued_at: serial,
        not_after: serial + 3600,
        bump_count: bumps,
        bump_head: [7; 32],
        versions: versions
            .iter()
            .map(|(n, v)| Ok((cipherchart::Attribute::new(n)?, *v)))
            .collect::<Result<_, Error>>()?,
    };
    let notice = cipherchart::VersionNotice::sign(key, &fields)?;
    // What a sealer receives travels as bytes.
    let notice = cipherchart::VersionNotice::from_bytes(&notice.to_bytes())?;
    notice.verify(&key.public_key(), serial, None)
}

/// Attack: a notice (validly signed by the notice key) that bumps the holder guard or
/// another reserved name, so that a session would put the guard at a nonzero version and
/// make headers nobody can decode or open. Defence: the notice is refused (the reserved
/// namespace is never a `vattr` name); no session starts under it.
#[test]
fn a_notice_bumping_the_holder_guard_starts_no_session() {
    let mut w = World::new(519);
    let nk = cipherchart::BlsSigningKey::generate(&mut w.rng);
    for name in [GUARD, "cipherchart:other"] {
        let r = signed_notice(&w.authority, &nk, &[(name, 1), ("role:nurse", 1)], 1);
        // Refused before anything is signed: the reserved namespace is no attribute.
        assert_eq!(err(r).code(), "invalid_attribute", "{name}");
    }
}

/// Attack: a notice at extreme versions (u32::MAX, allowed by a huge `bump_count`):
/// overflow in the header's version vector or in key issuance. Defence: the header
/// round-trips at u32::MAX, a key under the notice opens it, a key at 0 does not.
#[test]
fn sessions_at_the_largest_version_round_trip_and_open_exactly() {
    let mut w = World::new(520);
    let n0 = w.service.current();
    let old = w.key(&n0, &["role:nurse"]);
    let nk = cipherchart::BlsSigningKey::generate(&mut w.rng);
    let n = signed_notice(&w.authority, &nk, &[("role:nurse", u32::MAX)], u64::MAX).unwrap();
    let k = w.key(&n, &["role:nurse"]);
    let (h, mut s) = w.start(&n, "role:nurse and dept:icu", b"s", b"m");
    let r = s.seal(b"", b"max").unwrap();
    let back = SessionHeader::from_bytes(&h.to_bytes()).unwrap();
    assert_eq!(back.to_bytes(), h.to_bytes());
    assert_eq!(back.attribute_versions()[0].1, u32::MAX);
    let k2 = w.key(&n, &["role:nurse", "dept:icu"]);
    assert_eq!(
        k2.open_session(w.pk(), &back).unwrap().open(&r).unwrap(),
        b"max"
    );
    assert!(k.open_session(w.pk(), &back).is_err());
    assert!(old.open_session(w.pk(), &back).is_err());
}
