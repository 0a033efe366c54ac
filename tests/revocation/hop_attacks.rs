//! An outside review's attacks on format v3 re-encryption (v3 re-keys, hops v3 with
//! parent links, `ReKey::check_current`), written from `docs/formats.md` ("Delegation
//! key", "Sealed record v3", "Hop v3", "Re-encryption key v3"), `docs/revocation.md`
//! §0.1 step 5 and §0.5, `docs/federation.md` and the public API, with byte-level edits
//! of the documented encodings. Each test is one attack and asserts the safe outcome the
//! spec promises; an attack that succeeds is `#[ignore]`d with its finding id (`HA-n`).

use cipherchart::{
    check_rekey, reencrypt_with_consent_under, rekey_digest, seal, seal_with_notice, Authority,
    BlsSigningKey, ConsentError, ConsentToken, DelegationKey, EncodingError, Error, Grant,
    GrantRef, Grantee, Policy, PublicKey, ReKey, RevocationSet, SealedRecord, UserKey,
    VerifiedConsent, VerifiedNotice, Window,
};
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};

use crate::common::{key, rng, NoticeService, T0};

// ---------------------------------------------------------------------------------------
// Byte-level helpers for the documented layouts.
// ---------------------------------------------------------------------------------------

fn be32(b: &[u8], at: usize) -> usize {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_be_bytes());
}

fn enc(kind: EncodingError) -> Error {
    Error::InvalidEncoding(kind)
}

/// Offsets of a KEM header v3 (`docs/formats.md`, "KEM header v3").
#[derive(Debug, Clone, Copy)]
struct Kem {
    start: usize,
    serial: usize,
    flags: usize,
    policy: (usize, usize),
    versions_count: usize,
    versions: usize,
    rows: usize,
    /// The end of the versioned policy (where `C0` starts).
    c0: usize,
    end: usize,
}

fn kem_v3(b: &[u8], at: usize, envelope: bool) -> Kem {
    let serial = at + 32;
    let flags = serial + 8;
    let plen = be32(b, flags + 1);
    let policy = (flags + 5, flags + 5 + plen);
    let versions_count = policy.1;
    let rows = be32(b, versions_count);
    let versions = versions_count + 4;
    let c0 = versions + 4 * rows;
    let c_prime = c0 + 288 + 144 * rows;
    Kem {
        start: at,
        serial,
        flags,
        policy,
        versions_count,
        versions,
        rows,
        c0,
        end: c_prime + 32 + if envelope { 80 } else { 0 },
    }
}

/// Offsets of a hop v3 (`docs/formats.md`, "Hop v3").
#[derive(Debug, Clone)]
struct Hop {
    start: usize,
    grant_id: usize,
    delegator: usize,
    parent_flag: usize,
    parent: Option<usize>,
    grant: Kem,
    record: Kem,
    masked_r: usize,
    has_grant_r: usize,
    grant_r: Option<usize>,
    end: usize,
}

fn hop_v3(b: &[u8], at: usize) -> Hop {
    let grant_id = at;
    let delegator = at + 16;
    let parent_flag = delegator + 48;
    let parent = (b[parent_flag] == 1).then_some(parent_flag + 1);
    let grant_at = parent_flag + 1 + if parent.is_some() { 16 } else { 0 };
    let grant = kem_v3(b, grant_at, false);
    let record = kem_v3(b, grant.end, false);
    let masked_r = record.end;
    let has_grant_r = masked_r + 576;
    let grant_r = (b[has_grant_r] == 1).then_some(has_grant_r + 1);
    let end = has_grant_r + 1 + if grant_r.is_some() { 576 } else { 0 };
    Hop {
        start: at,
        grant_id,
        delegator,
        parent_flag,
        parent,
        grant,
        record,
        masked_r,
        has_grant_r,
        grant_r,
        end,
    }
}

/// Offsets of a sealed record v3 (`docs/formats.md`, "Sealed record v3").
#[derive(Debug, Clone)]
struct Rec {
    kem: Kem,
    hop_count: usize,
    hops: Vec<Hop>,
    end: usize,
}

fn record_v3(b: &[u8]) -> Rec {
    assert_eq!(&b[..4], &[0x43, 0x43, 0x04, 0x03]);
    let mut at = 4;
    at += 4 + be32(b, at); // record_id
    at += 4 + be32(b, at); // metadata
    at += 32 + 32 + 8; // metadata_hash, body_commitment, body_len
    let kem = kem_v3(b, at, true);
    at = kem.end;
    at += 4 + be32(b, at); // body
    let hop_count = at;
    let mut hops = Vec::new();
    at += 1;
    for _ in 0..b[hop_count] {
        let h = hop_v3(b, at);
        at = h.end;
        hops.push(h);
    }
    Rec {
        kem,
        hop_count,
        hops,
        end: at,
    }
}

/// A `list<vattr>`: (name start, name end, version offset) per entry, and its end.
fn vattrs(b: &[u8], at: usize) -> (Vec<(usize, usize, usize)>, usize) {
    let n = be32(b, at);
    let mut p = at + 4;
    let mut out = Vec::new();
    for _ in 0..n {
        let len = be32(b, p);
        out.push((p + 4, p + 4 + len, p + 4 + len));
        p += 4 + len + 4;
    }
    (out, p)
}

/// Offsets of a re-encryption key v3 (`docs/formats.md`, "Re-encryption key v3").
#[derive(Debug, Clone)]
struct Rk {
    grant_id: usize,
    authority: usize,
    attrs: usize,
    vattrs: Vec<(usize, usize, usize)>,
    guard: usize,
    dkid: usize,
    generation: usize,
    parent_flag: usize,
    parent: Option<usize>,
    delegator: usize,
    capsule: Kem,
    pk_len: usize,
    pk: (usize, usize),
    hop_key: usize,
    end: usize,
}

fn rekey_v3(b: &[u8]) -> Rk {
    assert_eq!(&b[..4], &[0x43, 0x43, 0x05, 0x03]);
    let grant_id = 4;
    let authority = 20;
    let attrs = 52;
    let (vattrs, guard) = vattrs(b, attrs);
    let dkid = guard + 1 + 288 + 144 + 144 * vattrs.len();
    let generation = dkid + 32;
    let parent_flag = generation + 4;
    let parent = (b[parent_flag] == 1).then_some(parent_flag + 1);
    let delegator = parent_flag + 1 + if parent.is_some() { 48 } else { 0 };
    let capsule = kem_v3(b, delegator + 48, false);
    let pk_len = capsule.end;
    let pk = (pk_len + 4, pk_len + 4 + be32(b, pk_len));
    let hop_key = pk.1;
    Rk {
        grant_id,
        authority,
        attrs,
        vattrs,
        guard,
        dkid,
        generation,
        parent_flag,
        parent,
        delegator,
        capsule,
        pk_len,
        pk,
        hop_key,
        end: hop_key + 32,
    }
}

/// Offsets of a delegation key v3 (`docs/formats.md`, "Delegation key"): the vattrs and K0.
fn delegation_v3(b: &[u8]) -> (Vec<(usize, usize, usize)>, usize, usize) {
    assert_eq!(&b[..4], &[0x43, 0x43, 0x09, 0x03]);
    let (v, guard) = vattrs(b, 36);
    let k0 = guard + 1;
    let end = k0 + 288 + 144 + 144 * v.len() + 48;
    (v, k0, end)
}

/// `bytes` with `at..at + len` replaced by `with`.
fn splice(bytes: &[u8], at: usize, len: usize, with: &[u8]) -> Vec<u8> {
    let mut out = bytes[..at].to_vec();
    out.extend_from_slice(with);
    out.extend_from_slice(&bytes[at + len..]);
    out
}

/// A record's bytes with its hop section replaced by `hops` (count, then the hops).
fn with_hops(record_bytes: &[u8], hops: &[&[u8]]) -> Vec<u8> {
    let cut = if record_bytes[..4] == [0x43, 0x43, 0x04, 0x03] {
        record_v3(record_bytes).hop_count
    } else {
        // A v2 record with no hops: the count is its last byte.
        assert_eq!(record_bytes[record_bytes.len() - 1], 0);
        record_bytes.len() - 1
    };
    let mut out = record_bytes[..cut].to_vec();
    out.push(u8::try_from(hops.len()).unwrap());
    for h in hops {
        out.extend_from_slice(h);
    }
    out
}

fn hop_bytes(b: &[u8], i: usize) -> Vec<u8> {
    let r = record_v3(b);
    b[r.hops[i].start..r.hops[i].end].to_vec()
}

fn sha(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

fn policy(text: &str) -> Policy {
    Policy::parse(text).unwrap()
}

// ---------------------------------------------------------------------------------------
// A world: one authority, a record shared over two hops (patient → gp → cardiologist).
// ---------------------------------------------------------------------------------------

/// A v3 re-key for `attributes` of `authority` under `notice`, to `to` at `target`.
#[allow(clippy::too_many_arguments)]
fn make_rekey(
    authority: &Authority,
    notice: &VerifiedNotice,
    attributes: &[&str],
    delegator: &BlsSigningKey,
    target: (&PublicKey, &VerifiedNotice),
    to: &str,
    parent: Option<GrantRef>,
    rng: &mut ChaCha20Rng,
) -> ReKey {
    authority
        .issue_delegation_key_under(notice, attributes, &delegator.public_key(), rng)
        .unwrap()
        .rekey_under(target.0, target.1, &policy(to), parent, rng)
        .unwrap()
}

struct World {
    a: Authority,
    service: NoticeService,
    n: VerifiedNotice,
    patient: BlsSigningKey,
    gp_consent: BlsSigningKey,
    record: SealedRecord,
    g1: ReKey,
    s1: SealedRecord,
    g2: ReKey,
    s2: SealedRecord,
}

impl World {
    fn new(rng: &mut ChaCha20Rng) -> Self {
        let a = Authority::setup(rng);
        let mut service = NoticeService::new(&a, rng);
        let n = service.bump(&["patient:42", "role:gp", "role:cardiologist"]);
        let pk = a.public_key();
        let patient = BlsSigningKey::generate(rng);
        let gp_consent = BlsSigningKey::generate(rng);
        let record = seal_with_notice(
            pk,
            &n,
            &policy("patient:42"),
            b"r1",
            b"letter",
            b"x-ray",
            rng,
        )
        .unwrap();
        let g1 = make_rekey(
            &a,
            &n,
            &["patient:42"],
            &patient,
            (pk, &n),
            "role:gp",
            None,
            rng,
        );
        let s1 = g1.reencrypt(&record).unwrap();
        let g2 = make_rekey(
            &a,
            &n,
            &["role:gp"],
            &gp_consent,
            (pk, &n),
            "role:cardiologist",
            Some(g1.grant()),
            rng,
        );
        let s2 = g2.reencrypt(&s1).unwrap();
        Self {
            a,
            service,
            n,
            patient,
            gp_consent,
            record,
            g1,
            s1,
            g2,
            s2,
        }
    }

    fn pk(&self) -> &PublicKey {
        self.a.public_key()
    }

    fn key(&self, attributes: &[&str], rng: &mut ChaCha20Rng) -> UserKey {
        key(&self.a, &self.n, attributes, rng)
    }

    /// Another first grant of the patient to `role:gp` (another delegation key).
    fn other_first_grant(&self, rng: &mut ChaCha20Rng) -> ReKey {
        make_rekey(
            &self.a,
            &self.n,
            &["patient:42"],
            &self.patient,
            (self.pk(), &self.n),
            "role:gp",
            None,
            rng,
        )
    }
}

fn consent_for(
    issuer: &BlsSigningKey,
    audience: &str,
    rekey: Option<&ReKey>,
    digest: Option<[u8; 32]>,
    rng: &mut ChaCha20Rng,
) -> VerifiedConsent {
    let mut grant = Grant::new(
        "patient-42",
        Grantee::Policy(policy(audience)),
        Window::new(T0, T0 + 86_400).unwrap(),
    )
    .purposes(["treatment"]);
    if let Some(rk) = rekey {
        grant = grant.rekey(rk);
    }
    if let Some(d) = digest {
        grant = grant.rekey_digest(d);
    }
    ConsentToken::issue(issuer, &grant, rng)
        .unwrap()
        .verify(&issuer.public_key(), T0 + 10, &RevocationSet::new())
        .unwrap()
}

// ---------------------------------------------------------------------------------------
// The documented layouts and derivations.
// ---------------------------------------------------------------------------------------

/// Baseline for every byte-level attack below: the spec's layouts of the re-key v3 and
/// the hop v3 locate every field of real encodings, with the values the accessors give.
#[test]
fn the_documented_v3_rekey_and_hop_layouts_match_the_encodings() {
    let mut rng = rng(0x4a01);
    let w = World::new(&mut rng);
    let b = w.g2.to_bytes().to_vec();
    let l = rekey_v3(&b);
    assert_eq!(l.end, b.len());
    assert_eq!(b[l.grant_id..l.grant_id + 16], w.g2.grant_id());
    assert_eq!(b[l.authority..l.authority + 32], w.g2.authority());
    assert_eq!(l.vattrs.len(), 1);
    let (s, e, v) = l.vattrs[0];
    assert_eq!(&b[s..e], b"role:gp");
    assert_eq!(be32(&b, v), 1);
    assert_eq!(w.g2.attribute_versions()[0].1, 1);
    assert_eq!(b[l.guard], 0);
    assert_eq!(
        b[l.dkid..l.dkid + 32],
        w.g2.delegation_key_id().unwrap()[..]
    );
    assert_eq!(be32(&b, l.generation), 0);
    let parent = l.parent.unwrap();
    assert_eq!(b[parent..parent + 32], w.g1.authority());
    assert_eq!(b[parent + 32..parent + 48], w.g1.grant_id());
    assert_eq!(
        b[l.delegator..l.delegator + 48],
        w.gp_consent.public_key().to_bytes()
    );
    let c = l.capsule;
    assert_eq!(b[c.start..c.start + 32], w.g2.target_authority());
    assert_eq!(
        u64::from_be_bytes(b[c.serial..c.serial + 8].try_into().unwrap()),
        w.n.serial()
    );
    assert_eq!(b[c.flags], 0);
    assert_eq!(&b[c.policy.0..c.policy.1], b"role:cardiologist");
    assert_eq!((c.rows, be32(&b, c.versions)), (1, 1));
    assert_eq!(b[l.pk.0..l.pk.1], w.pk().to_bytes()[..]);
    assert_eq!(l.pk.1 - l.pk.0, 1348);

    let rb = w.s2.to_bytes();
    let r = record_v3(&rb);
    assert_eq!((r.end, r.hops.len()), (rb.len(), 2));
    assert_eq!(r.kem.rows, 1);
    let (h1, h2) = (&r.hops[0], &r.hops[1]);
    assert_eq!(rb[h1.grant_id..h1.grant_id + 16], w.g1.grant_id());
    assert_eq!(
        rb[h1.delegator..h1.delegator + 48],
        w.patient.public_key().to_bytes()
    );
    assert_eq!((rb[h1.parent_flag], rb[h1.has_grant_r]), (0, 0));
    assert_eq!((rb[h2.parent_flag], rb[h2.has_grant_r]), (1, 1));
    let p = h2.parent.unwrap();
    assert_eq!(rb[p..p + 16], w.g1.grant_id());
    assert!(h1.parent.is_none() && h1.grant_r.is_none() && h2.grant_r.is_some());
    // The hop's grant capsule is the re-key's capsule, byte for byte.
    let g1b = w.g1.to_bytes().to_vec();
    let c1 = rekey_v3(&g1b).capsule;
    assert_eq!(
        rb[h1.grant.start..h1.grant.end],
        g1b[c1.start..c1.end],
        "hop 1's grant capsule"
    );
    assert_eq!(rb[h2.grant.start..h2.grant.end], b[c.start..c.end]);
    // The record capsule copies the grant capsule's serial, flags and versioned policy.
    for h in [h1, h2] {
        assert_eq!(
            rb[h.grant.serial..h.grant.c0],
            rb[h.record.serial..h.record.c0]
        );
        assert_eq!(h.masked_r + 576, h.has_grant_r);
    }
    assert_eq!(SealedRecord::from_bytes(&rb).unwrap().to_bytes(), rb);
    assert_eq!(
        ReKey::from_bytes(&b).unwrap().to_bytes().as_slice(),
        b.as_slice()
    );
}

/// Conformance of the derivations another implementation must reproduce: the
/// delegation key id (§7.1), the grant id derived from it, and the v3 consent digest,
/// which is domain-separated from v2's (no v3 re-key digest is the v2 digest of its bytes).
#[test]
fn the_key_id_grant_id_and_consent_digest_are_the_documented_derivations() {
    let mut rng = rng(0x4a02);
    let w = World::new(&mut rng);
    let d =
        w.a.issue_delegation_key_under(&w.n, &["patient:42"], &w.patient.public_key(), &mut rng)
            .unwrap();
    let db = d.to_bytes().to_vec();
    let (_, k0, end) = delegation_v3(&db);
    assert_eq!(end, db.len());
    let key_id = sha(&[
        &b"CIPHERCHART-V01-KEY-ID-with-SHA256"[..],
        &w.pk().id()[..],
        &db[k0..k0 + 288],
    ]);
    assert_eq!(d.key_id(), key_id);
    let rk = d
        .rekey_under(w.pk(), &w.n, &policy("role:gp"), None, &mut rng)
        .unwrap();
    assert_eq!(rk.delegation_key_id(), Some(key_id));
    let grant = sha(&[
        &b"CIPHERCHART-V01-GRANT-ID-with-SHA256"[..],
        &w.pk().id()[..],
        &key_id[..],
    ]);
    assert_eq!(rk.grant_id()[..], grant[..16]);

    let rkb = rk.to_bytes();
    let v3 = sha(&[
        &b"CIPHERCHART-V01-CONSENT-REKEY-DIGEST-V3-with-SHA256"[..],
        &rkb[..],
    ]);
    let v2_of_v3 = sha(&[
        &b"CIPHERCHART-V01-CONSENT-REKEY-DIGEST-with-SHA256"[..],
        &rkb[..],
    ]);
    assert_eq!(rekey_digest(&rk), v3);
    assert_ne!(v3, v2_of_v3);
    // A consent naming the v2-style digest of the v3 re-key's bytes does not gate it.
    let consent = consent_for(&w.patient, "role:gp", None, Some(v2_of_v3), &mut rng);
    assert_eq!(
        check_rekey(&consent, &rk),
        Err(Error::Consent(ConsentError::RekeyMismatch))
    );
    // A v2 re-key's digest is v2's formula.
    let v2 =
        w.a.issue_delegation_key(&["patient:42"], &w.patient.public_key(), &mut rng)
            .unwrap()
            .rekey(w.pk(), &policy("role:gp"), &mut rng)
            .unwrap();
    assert_eq!(
        rekey_digest(&v2),
        sha(&[
            &b"CIPHERCHART-V01-CONSENT-REKEY-DIGEST-with-SHA256"[..],
            &v2.to_bytes()[..],
        ])
    );
}

// ---------------------------------------------------------------------------------------
// Decoder robustness.
// ---------------------------------------------------------------------------------------

/// Every documented rule of "Re-encryption key v3" broken one at a time: the decoder
/// reports the kind the spec names, never a panic.
#[test]
fn every_rekey_v3_field_rule_is_refused_with_its_documented_kind() {
    let mut rng = rng(0x4a03);
    let w = World::new(&mut rng);
    let b = w.g2.to_bytes().to_vec();
    let l = rekey_v3(&b);
    let decode = |m: &[u8]| ReKey::from_bytes(m).map(|_| ());
    let edit = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut m = b.clone();
        f(&mut m);
        decode(&m)
    };

    assert_eq!(
        edit(&|m| m[3] = 4),
        Err(enc(EncodingError::UnsupportedVersion))
    );
    assert_eq!(
        edit(&|m| m[3] = 1),
        Err(enc(EncodingError::UnsupportedVersion))
    );
    assert_eq!(edit(&|m| m[2] = 0x09), Err(enc(EncodingError::WrongType)));
    assert_eq!(edit(&|m| m[0] = 0x44), Err(enc(EncodingError::WrongType)));
    // generation ≠ 0 (renewal is not built).
    for g in [1, 2, u32::MAX] {
        assert_eq!(
            edit(&|m| put32(m, l.generation, g)),
            Err(enc(EncodingError::NonCanonical)),
            "generation {g}"
        );
    }
    // The parent flag: only 0 or 1.
    for f in [2, 0xff] {
        assert_eq!(
            edit(&|m| m[l.parent_flag] = f),
            Err(enc(EncodingError::NonCanonical))
        );
    }
    // The guard flag must be 0.
    assert_eq!(
        edit(&|m| m[l.guard] = 1),
        Err(enc(EncodingError::NonCanonical))
    );
    // Attribute count 0 or above 1024.
    assert_eq!(
        edit(&|m| put32(m, l.attrs, 0)),
        Err(enc(EncodingError::BadLength))
    );
    assert_eq!(
        edit(&|m| put32(m, l.attrs, 1025)),
        Err(enc(EncodingError::BadLength))
    );
    // Names: reserved, over-long, not an attribute, not NFC.
    let (s, e, _) = l.vattrs[0];
    let renamed = |name: &[u8]| {
        let mut with = (u32::try_from(name.len()).unwrap()).to_be_bytes().to_vec();
        with.extend_from_slice(name);
        decode(&splice(&b, s - 4, e - s + 4, &with))
    };
    assert_eq!(
        renamed(b"cipherchart:key-holder"),
        Err(enc(EncodingError::NonCanonical))
    );
    assert_eq!(renamed(&[b'a'; 256]), Err(enc(EncodingError::BadLength)));
    assert_eq!(
        renamed(b"role:\x07gp"),
        Err(enc(EncodingError::InvalidText))
    );
    assert_eq!(renamed(&[0xff, 0xfe]), Err(enc(EncodingError::InvalidText)));
    assert_eq!(
        renamed("role:e\u{301}".as_bytes()),
        Err(enc(EncodingError::NonCanonical))
    );
    // The capsule: serial 0, a flag bit other than `degraded`, a version count that is not
    // the row count or above 64, another authority than the public key's.
    let c = l.capsule;
    assert_eq!(
        edit(&|m| m[c.serial..c.serial + 8].fill(0)),
        Err(enc(EncodingError::NonCanonical))
    );
    for f in [2, 0x80] {
        assert_eq!(
            edit(&|m| m[c.flags] = f),
            Err(enc(EncodingError::NonCanonical))
        );
    }
    assert_eq!(
        edit(&|m| put32(m, c.versions_count, 2)),
        Err(enc(EncodingError::BadLength))
    );
    assert_eq!(
        edit(&|m| put32(m, c.versions_count, 65)),
        Err(enc(EncodingError::BadLength))
    );
    assert_eq!(
        edit(&|m| m[c.start] ^= 1),
        Err(enc(EncodingError::NonCanonical))
    );
    // The public key: above 1348 bytes, or another authority's.
    assert_eq!(
        edit(&|m| put32(m, l.pk_len, 1349)),
        Err(enc(EncodingError::BadLength))
    );
    let other = Authority::setup(&mut rng);
    assert_eq!(
        edit(&|m| m[l.pk.0..l.pk.1].copy_from_slice(&other.public_key().to_bytes())),
        Err(enc(EncodingError::NonCanonical))
    );
    // The delegator is a BLS key: not a point is refused.
    assert!(matches!(
        edit(&|m| m[l.delegator..l.delegator + 48].fill(0)),
        Err(Error::InvalidEncoding(_))
    ));
    // End of input.
    let mut long = b.clone();
    long.push(0);
    assert_eq!(decode(&long), Err(enc(EncodingError::TrailingBytes)));
}

/// Two-attribute re-keys: the `list<vattr>` of the key body must be sorted and unique.
#[test]
fn an_unsorted_or_repeated_vattr_list_in_a_rekey_is_refused() {
    let mut rng = rng(0x4a04);
    let w = World::new(&mut rng);
    let rk = make_rekey(
        &w.a,
        &w.n,
        &["patient:42", "role:gp"],
        &w.patient,
        (w.pk(), &w.n),
        "role:nurse",
        None,
        &mut rng,
    );
    let b = rk.to_bytes().to_vec();
    let l = rekey_v3(&b);
    let (first, second) = (l.vattrs[0], l.vattrs[1]);
    let entry = |x: (usize, usize, usize)| b[x.0 - 4..x.2 + 4].to_vec();
    let (e1, e2) = (entry(first), entry(second));
    let list_at = first.0 - 4;
    let list_len = second.2 + 4 - list_at;
    let swapped = splice(&b, list_at, list_len, &[e2.clone(), e1.clone()].concat());
    assert_eq!(
        ReKey::from_bytes(&swapped).map(|_| ()),
        Err(enc(EncodingError::NonCanonical))
    );
    let repeated = splice(&b, list_at, list_len, &[e1.clone(), e1].concat());
    assert_eq!(
        ReKey::from_bytes(&repeated).map(|_| ()),
        Err(enc(EncodingError::NonCanonical))
    );
}

/// "All versions 0 allowed" in a v3 re-key's body (the capsule fixes the format), but not
/// in a v3 delegation key (its one encoding is v2's). A v3 re-key from an unversioned
/// delegation key works on records sealed at version 0; a versioned one relabelled to 0
/// decodes but no longer satisfies the record it was made for.
#[test]
fn all_zero_versions_are_accepted_in_a_v3_rekey_but_not_in_a_v3_delegation_key() {
    let mut rng = rng(0x4a05);
    let a = Authority::setup(&mut rng);
    let pk = a.public_key();
    let mut service = NoticeService::new(&a, &mut rng);
    let n0 = service.current();
    let consent = BlsSigningKey::generate(&mut rng);
    let record =
        seal_with_notice(pk, &n0, &policy("patient:42"), b"r", b"", b"zero", &mut rng).unwrap();
    // Under a notice with no bump, a delegation key is written in format v2, once.
    let d0 = a
        .issue_delegation_key_under(&n0, &["patient:42"], &consent.public_key(), &mut rng)
        .unwrap();
    assert_eq!(&d0.to_bytes()[..4], &[0x43, 0x43, 0x09, 0x02]);
    let rk = a
        .issue_delegation_key(&["patient:42"], &consent.public_key(), &mut rng)
        .unwrap()
        .rekey_under(pk, &n0, &policy("role:gp"), None, &mut rng)
        .unwrap();
    assert!(rk.is_v3());
    assert!(rk.attribute_versions().iter().all(|(_, v)| *v == 0));
    let b = rk.to_bytes().to_vec();
    assert_eq!(&b[..4], &[0x43, 0x43, 0x05, 0x03]);
    let decoded = ReKey::from_bytes(&b).unwrap();
    assert_eq!(decoded.to_bytes().as_slice(), b.as_slice());
    let gp = key(&a, &n0, &["role:gp"], &mut rng);
    assert_eq!(
        gp.open(pk, &decoded.reencrypt(&record).unwrap()).unwrap(),
        b"zero"
    );

    // A v3 delegation key with its versions relabelled to 0 is refused.
    let n1 = service.bump(&["patient:42"]);
    let d1 = a
        .issue_delegation_key_under(&n1, &["patient:42"], &consent.public_key(), &mut rng)
        .unwrap();
    let mut db = d1.to_bytes().to_vec();
    let (v, _, _) = delegation_v3(&db);
    put32(&mut db, v[0].2, 0);
    assert_eq!(
        DelegationKey::from_bytes(&db).map(|_| ()),
        Err(enc(EncodingError::NonCanonical))
    );
    // The same relabelling inside a v3 re-key decodes (the rule is the spec's), and the
    // re-key then holds nothing for the version-1 record it was made for.
    let record1 =
        seal_with_notice(pk, &n1, &policy("patient:42"), b"r", b"", b"one", &mut rng).unwrap();
    let rk1 = d1
        .rekey_under(pk, &n1, &policy("role:gp"), None, &mut rng)
        .unwrap();
    let mut rb = rk1.to_bytes().to_vec();
    let l = rekey_v3(&rb);
    put32(&mut rb, l.vattrs[0].2, 0);
    let zeroed = ReKey::from_bytes(&rb).unwrap();
    assert_eq!(zeroed.to_bytes().as_slice(), rb.as_slice());
    assert!(!zeroed.can_reencrypt(&record1));
    assert_eq!(
        zeroed.reencrypt(&record1).unwrap_err(),
        Error::PolicyNotSatisfied
    );
}

/// Every prefix of a v3 re-key is `Truncated`; every single-byte flip gives a typed
/// error or a re-key that re-encodes to exactly the flipped bytes, and no flip outside
/// the secret hop key makes a hop its audience opens (the hop key only seeds the record
/// capsule; the delegation key id is attacked on its own below).
#[test]
fn the_rekey_v3_decoder_survives_truncation_and_every_byte_flip() {
    let mut rng = rng(0x4a06);
    let w = World::new(&mut rng);
    let cardio = w.key(&["role:cardiologist"], &mut rng);
    let b = w.g2.to_bytes().to_vec();
    let l = rekey_v3(&b);
    for len in 0..b.len() {
        assert_eq!(
            ReKey::from_bytes(&b[..len]).map(|_| ()),
            Err(enc(EncodingError::Truncated)),
            "prefix {len}"
        );
    }
    let unbound =
        |i: usize| (l.hop_key..l.hop_key + 32).contains(&i) || (l.dkid..l.dkid + 32).contains(&i);
    let mut decoded = 0;
    for i in 0..b.len() {
        let mut m = b.clone();
        m[i] ^= 0x01;
        match ReKey::from_bytes(&m) {
            Ok(rk) => {
                decoded += 1;
                assert_eq!(rk.to_bytes().as_slice(), m.as_slice(), "byte {i}");
                if unbound(i) {
                    continue;
                }
                assert_eq!(rk.can_reencrypt(&w.s1), rk.reencrypt(&w.s1).is_ok());
                if let Ok(out) = rk.reencrypt(&w.s1) {
                    assert!(cardio.open(w.pk(), &out).is_err(), "byte {i} opens");
                }
            }
            Err(e) => assert!(matches!(e, Error::InvalidEncoding(_)), "byte {i}: {e:?}"),
        }
    }
    assert!(decoded > 64, "the fixed-size fields decode when flipped");
}

/// Every documented rule of "Hop v3" (and the record's hop count) broken one at a time.
#[test]
fn every_hop_v3_field_rule_is_refused_with_its_documented_kind() {
    let mut rng = rng(0x4a07);
    let w = World::new(&mut rng);
    let b = w.s2.to_bytes();
    let r = record_v3(&b);
    let (h1, h2) = (r.hops[0].clone(), r.hops[1].clone());
    let decode = |m: &[u8]| SealedRecord::from_bytes(m).map(|_| ());
    let edit = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut m = b.clone();
        f(&mut m);
        decode(&m)
    };
    let nc = Err(enc(EncodingError::NonCanonical));

    // The hop count: at most 8; more than present is truncation.
    assert_eq!(
        edit(&|m| m[r.hop_count] = 9),
        Err(enc(EncodingError::BadLength))
    );
    assert_eq!(
        edit(&|m| m[r.hop_count] = 3),
        Err(enc(EncodingError::Truncated))
    );
    // Parent flags: hop 1 has none, hop 2 names hop 1's grant; only 0 or 1.
    let with_parent = splice(
        &b,
        h1.parent_flag,
        1,
        &[&[1u8][..], &w.g1.grant_id()].concat(),
    );
    assert_eq!(decode(&with_parent), nc);
    assert_eq!(edit(&|m| m[h1.parent_flag] = 2), nc);
    let orphan = splice(&b, h2.parent_flag, 17, &[0]);
    assert_eq!(decode(&orphan), nc);
    assert_eq!(edit(&|m| m[h2.parent_flag] = 2), nc);
    let p = h2.parent.unwrap();
    assert_eq!(edit(&|m| m[p + 15] ^= 0x80), nc);
    // has_grant_r: 0 on hop 1, 1 on hop 2, never another value.
    let g_r = h2.grant_r.unwrap();
    let grant_r = b[g_r..g_r + 576].to_vec();
    let hop1_with_r = splice(&b, h1.has_grant_r, 1, &[&[1u8][..], &grant_r].concat());
    assert_eq!(decode(&hop1_with_r), nc);
    let hop2_without_r = splice(&b, h2.has_grant_r, 577, &[0]);
    assert_eq!(decode(&hop2_without_r), nc);
    assert_eq!(edit(&|m| m[h1.has_grant_r] = 2), nc);
    assert_eq!(edit(&|m| m[h2.has_grant_r] = 2), nc);
    // The record capsule must copy the grant capsule's authority, serial, flags, policy
    // and version vector.
    for h in [&h1, &h2] {
        let rc = h.record;
        assert_eq!(edit(&|m| m[rc.start + 31] ^= 1), nc, "authority");
        assert_eq!(edit(&|m| m[rc.serial + 7] ^= 1), nc, "serial");
        assert_eq!(edit(&|m| m[rc.flags] = 1), nc, "flags");
        assert_eq!(edit(&|m| put32(m, rc.versions, 7)), nc, "versions");
        assert_eq!(edit(&|m| m[rc.policy.1 - 1] ^= 0x02), nc, "policy");
    }
    // Rules of the capsules themselves: serial 0, reserved flag bits, bad version counts.
    let g = h1.grant;
    let rc = h1.record;
    assert_eq!(
        edit(&|m| {
            m[g.serial..g.serial + 8].fill(0);
            m[rc.serial..rc.serial + 8].fill(0);
        }),
        nc
    );
    assert_eq!(
        edit(&|m| {
            m[g.flags] = 2;
            m[rc.flags] = 2;
        }),
        nc
    );
    assert_eq!(
        edit(&|m| put32(m, g.versions_count, 65)),
        Err(enc(EncodingError::BadLength))
    );
}

/// Every prefix of a two-hop record is `Truncated`; every single-byte flip inside its hops
/// gives a typed error or a record that re-encodes exactly and that the flipped layer's
/// audience cannot open (the top layer's audience for any flip; hop 1's for flips in
/// hop 1: hops above the opened layer are not read).
#[test]
fn the_hop_v3_decoder_survives_truncation_and_no_byte_flip_opens() {
    let mut rng = rng(0x4a08);
    let w = World::new(&mut rng);
    let (gp, cardio) = (
        w.key(&["role:gp"], &mut rng),
        w.key(&["role:cardiologist"], &mut rng),
    );
    let b = w.s2.to_bytes();
    let r = record_v3(&b);
    for len in 0..b.len() {
        assert_eq!(
            SealedRecord::from_bytes(&b[..len]).map(|_| ()),
            Err(enc(EncodingError::Truncated)),
            "prefix {len}"
        );
    }
    let mut long = b.clone();
    long.push(0);
    assert_eq!(
        SealedRecord::from_bytes(&long).map(|_| ()),
        Err(enc(EncodingError::TrailingBytes))
    );
    let hop1 = r.hops[0].start..r.hops[0].end;
    let mut decoded = 0;
    for i in r.hop_count..b.len() {
        let mut m = b.clone();
        m[i] ^= 0x01;
        match SealedRecord::from_bytes(&m) {
            Ok(rec) => {
                decoded += 1;
                assert_eq!(rec.to_bytes(), m, "byte {i}");
                assert!(cardio.open(w.pk(), &rec).is_err(), "byte {i} opens");
                if hop1.contains(&i) {
                    assert!(gp.open(w.pk(), &rec).is_err(), "byte {i} opens hop 1");
                }
            }
            Err(e) => assert!(matches!(e, Error::InvalidEncoding(_)), "byte {i}: {e:?}"),
        }
    }
    assert!(decoded > 64);
}

// ---------------------------------------------------------------------------------------
// Hops spliced, relinked, reordered, relabelled.
// ---------------------------------------------------------------------------------------

/// Hop 2 of one chain appended to hop 1 of another grant of the same record, its parent
/// field rewritten to that grant so the decoder's link holds; and a record whose hop 1
/// grant id and hop 2 parent are both rewritten to one invented id.
#[test]
fn a_hop_relinked_onto_another_grant_or_to_an_invented_grant_opens_nothing() {
    let mut rng = rng(0x4a09);
    let w = World::new(&mut rng);
    let (gp, cardio) = (
        w.key(&["role:gp"], &mut rng),
        w.key(&["role:cardiologist"], &mut rng),
    );
    let other = w.other_first_grant(&mut rng);
    let s1b = other.reencrypt(&w.record).unwrap().to_bytes();
    let b = w.s2.to_bytes();
    let r = record_v3(&b);
    let mut h2 = hop_bytes(&b, 1);
    let p = r.hops[1].parent.unwrap() - r.hops[1].start;
    // Unchanged link: the decoder refuses.
    let spliced = with_hops(&s1b, &[&hop_bytes(&s1b, 0), &h2]);
    assert_eq!(
        SealedRecord::from_bytes(&spliced).map(|_| ()),
        Err(enc(EncodingError::NonCanonical))
    );
    // Relinked: decodes, opens nothing.
    h2[p..p + 16].copy_from_slice(&other.grant_id());
    let relinked = with_hops(&s1b, &[&hop_bytes(&s1b, 0), &h2]);
    let rec = SealedRecord::from_bytes(&relinked).unwrap();
    assert_eq!(rec.hop_count(), 2);
    assert_eq!(cardio.open(w.pk(), &rec), Err(Error::DecryptionFailed));
    assert_eq!(gp.open(w.pk(), &rec).unwrap(), b"x-ray");

    // One invented grant id on hop 1 and hop 2's parent.
    let mut m = b.clone();
    let g = r.hops[0].grant_id;
    m[g..g + 16].copy_from_slice(&[0x5a; 16]);
    let p = r.hops[1].parent.unwrap();
    m[p..p + 16].copy_from_slice(&[0x5a; 16]);
    let rec = SealedRecord::from_bytes(&m).unwrap();
    assert_eq!(
        rec.newest_grant(),
        Some(w.g2.grant()),
        "hop 2 keeps its own id"
    );
    assert_eq!(gp.open(w.pk(), &rec), Err(Error::DecryptionFailed));
    assert_eq!(cardio.open(w.pk(), &rec), Err(Error::DecryptionFailed));
}

/// Reordering, duplicating or dropping a middle hop breaks the parent chain (`NonCanonical`);
/// dropping the newest hop gives exactly the earlier version of the record (deterministic
/// re-encryption), which the newest audience does not open.
#[test]
fn hops_reordered_duplicated_or_dropped_break_the_chain_and_truncation_is_the_older_copy() {
    let mut rng = rng(0x4a0a);
    let w = World::new(&mut rng);
    let surgeon_grant = make_rekey(
        &w.a,
        &w.n,
        &["role:cardiologist"],
        &w.gp_consent,
        (w.pk(), &w.n),
        "role:surgeon",
        Some(w.g2.grant()),
        &mut rng,
    );
    let s3 = surgeon_grant.reencrypt(&w.s2).unwrap().to_bytes();
    let (h1, h2, h3) = (hop_bytes(&s3, 0), hop_bytes(&s3, 1), hop_bytes(&s3, 2));
    let nc = Err(enc(EncodingError::NonCanonical));
    for (what, hops) in [
        ("2 and 3 swapped", vec![&h1, &h3, &h2]),
        ("1 and 2 swapped", vec![&h2, &h1, &h3]),
        ("2 twice", vec![&h1, &h2, &h2, &h3]),
        ("1 twice", vec![&h1, &h1, &h2]),
        ("2 dropped", vec![&h1, &h3]),
        ("1 dropped", vec![&h2, &h3]),
        ("3 alone", vec![&h3]),
    ] {
        let hops: Vec<&[u8]> = hops.iter().map(|h| h.as_slice()).collect();
        assert_eq!(
            SealedRecord::from_bytes(&with_hops(&s3, &hops)).map(|_| ()),
            nc,
            "{what}"
        );
    }
    let truncated = with_hops(&s3, &[&h1, &h2]);
    assert_eq!(truncated, w.s2.to_bytes());
    let surgeon = w.key(&["role:surgeon"], &mut rng);
    assert_eq!(
        surgeon.open(w.pk(), &SealedRecord::from_bytes(&truncated).unwrap()),
        Err(Error::PolicyNotSatisfied)
    );
    assert_eq!(
        surgeon
            .open(w.pk(), &SealedRecord::from_bytes(&s3).unwrap())
            .unwrap(),
        b"x-ray"
    );
}

/// Capsules and masks swapped: a hop's grant and record capsules exchanged (same policy,
/// serial and flags, so the decoder's copy rule holds); the record capsule or `masked_r`
/// of the same grant's hop on another record; both capsules of hop 1 and hop 2 exchanged.
#[test]
fn capsules_and_masks_swapped_within_or_between_hops_open_nothing() {
    let mut rng = rng(0x4a0b);
    let w = World::new(&mut rng);
    let (gp, cardio) = (
        w.key(&["role:gp"], &mut rng),
        w.key(&["role:cardiologist"], &mut rng),
    );
    let b = w.s2.to_bytes();
    let r = record_v3(&b);
    let h1 = &r.hops[0];
    let grant = b[h1.grant.start..h1.grant.end].to_vec();
    let record_cap = b[h1.record.start..h1.record.end].to_vec();
    assert_eq!(grant.len(), record_cap.len());
    let mut m = b.clone();
    m[h1.grant.start..h1.grant.end].copy_from_slice(&record_cap);
    m[h1.record.start..h1.record.end].copy_from_slice(&grant);
    let rec = SealedRecord::from_bytes(&m).unwrap();
    assert_eq!(gp.open(w.pk(), &rec), Err(Error::DecryptionFailed));
    assert_eq!(cardio.open(w.pk(), &rec), Err(Error::DecryptionFailed));

    // The same grant on another record: its hop has the same grant capsule, another
    // record capsule and mask.
    let other = seal_with_notice(
        w.pk(),
        &w.n,
        &policy("patient:42"),
        b"r1",
        b"letter",
        b"other",
        &mut rng,
    )
    .unwrap();
    let ob = w.g1.reencrypt(&other).unwrap().to_bytes();
    let oh = &record_v3(&ob).hops[0];
    assert_eq!(
        ob[oh.grant.start..oh.grant.end],
        b[h1.grant.start..h1.grant.end]
    );
    for (what, range) in [
        ("record capsule", (oh.record.start, oh.record.end)),
        ("masked_r", (oh.masked_r, oh.masked_r + 576)),
    ] {
        let mut m = b.clone();
        let at = if what == "masked_r" {
            h1.masked_r
        } else {
            h1.record.start
        };
        m[at..at + range.1 - range.0].copy_from_slice(&ob[range.0..range.1]);
        let rec = SealedRecord::from_bytes(&m).unwrap();
        assert_eq!(
            gp.open(w.pk(), &rec),
            Err(Error::DecryptionFailed),
            "{what}"
        );
        assert_eq!(
            cardio.open(w.pk(), &rec),
            Err(Error::DecryptionFailed),
            "{what}"
        );
    }

    // Both capsules of hop 1 and hop 2 exchanged, grant ids and links kept.
    let h2 = &r.hops[1];
    let caps1 = b[h1.grant.start..h1.record.end].to_vec();
    let caps2 = b[h2.grant.start..h2.record.end].to_vec();
    let hop1 = [
        &b[h1.start..h1.grant.start],
        &caps2[..],
        &b[h1.record.end..h1.end],
    ]
    .concat();
    let hop2 = [
        &b[h2.start..h2.grant.start],
        &caps1[..],
        &b[h2.record.end..h2.end],
    ]
    .concat();
    let rec = SealedRecord::from_bytes(&with_hops(&b, &[&hop1, &hop2])).unwrap();
    assert_eq!(rec.current_policy(), &policy("role:gp"));
    assert_eq!(gp.open(w.pk(), &rec), Err(Error::DecryptionFailed));
    assert_eq!(cardio.open(w.pk(), &rec), Err(Error::DecryptionFailed));
}

/// Both capsules of a hop relabelled consistently (so the decoder's copy rule holds):
/// the serial, the `degraded` flag, the version vector up to a version that current keys
/// hold or down to 0. Nobody opens; keys at the old labels no longer match.
#[test]
fn consistently_relabelled_hop_capsules_open_nothing() {
    let mut rng = rng(0x4a0c);
    let mut w = World::new(&mut rng);
    let gp1 = w.key(&["role:gp"], &mut rng);
    let n2 = w.service.bump(&["role:gp"]);
    let gp2 = key(&w.a, &n2, &["role:gp"], &mut rng);
    let gp0 = w.a.issue_key(&["role:gp"], &mut rng).unwrap();
    let b = w.s1.to_bytes();
    let h = record_v3(&b).hops[0].clone();
    let both = |f: &dyn Fn(&mut Vec<u8>, &Kem)| {
        let mut m = b.clone();
        f(&mut m, &h.grant);
        f(&mut m, &h.record);
        m
    };
    assert_eq!(gp1.open(w.pk(), &w.s1).unwrap(), b"x-ray");

    let serial = both(&|m, k| m[k.serial + 7] ^= 0x04);
    let degraded = both(&|m, k| m[k.flags] = 1);
    let up = both(&|m, k| put32(m, k.versions, 2));
    let down = both(&|m, k| put32(m, k.versions, 0));
    // Any serial ≥ 1 and the `degraded` flag are valid values: these decode.
    for (what, m) in [("serial", &serial), ("degraded", &degraded)] {
        let rec = SealedRecord::from_bytes(m).unwrap();
        assert_eq!(
            gp1.open(w.pk(), &rec),
            Err(Error::DecryptionFailed),
            "{what}"
        );
    }
    let up = SealedRecord::from_bytes(&up).unwrap();
    assert_eq!(gp2.open(w.pk(), &up), Err(Error::DecryptionFailed));
    assert_eq!(gp1.open(w.pk(), &up), Err(Error::PolicyNotSatisfied));
    let down = SealedRecord::from_bytes(&down).unwrap();
    assert_eq!(gp0.open(w.pk(), &down), Err(Error::DecryptionFailed));
    assert_eq!(gp1.open(w.pk(), &down), Err(Error::PolicyNotSatisfied));
}

/// A hop's delegator relabelled (it is bound into the grant capsule's context, not
/// decoded as a point: the decoder accepts any 48 bytes).
#[test]
fn a_hop_with_its_delegator_relabelled_opens_nothing() {
    let mut rng = rng(0x4a0d);
    let w = World::new(&mut rng);
    let gp = w.key(&["role:gp"], &mut rng);
    let b = w.s1.to_bytes();
    let h = record_v3(&b).hops[0].clone();
    let mut m = b.clone();
    let other = BlsSigningKey::generate(&mut rng).public_key().to_bytes();
    m[h.delegator..h.delegator + 48].copy_from_slice(&other);
    let rec = SealedRecord::from_bytes(&m).unwrap();
    assert_eq!(gp.open(w.pk(), &rec), Err(Error::DecryptionFailed));
    // Not a point at all: still only bound, not decoded.
    let mut m = b.clone();
    m[h.delegator..h.delegator + 48].fill(0);
    let rec = SealedRecord::from_bytes(&m).unwrap();
    assert_eq!(gp.open(w.pk(), &rec), Err(Error::DecryptionFailed));
}

/// A v2 hop (no parent field) on a v3 record, a v3 hop on a v2 record, and re-keys whose
/// version byte claims the other format: typed errors, never a mixed record.
#[test]
fn v2_and_v3_hop_and_rekey_encodings_never_mix() {
    let mut rng = rng(0x4a0e);
    let w = World::new(&mut rng);
    let v2_record = seal(
        w.pk(),
        &policy("patient:42"),
        b"r1",
        b"letter",
        b"x-ray",
        &mut rng,
    )
    .unwrap();
    let v2_rekey =
        w.a.issue_delegation_key(&["patient:42"], &w.patient.public_key(), &mut rng)
            .unwrap()
            .rekey(w.pk(), &policy("role:gp"), &mut rng)
            .unwrap();
    let v2_shared = v2_rekey.reencrypt(&v2_record).unwrap().to_bytes();
    let v2_plain = v2_record.to_bytes();
    let v2_hop = &v2_shared[v2_plain.len()..];
    let v3_hop = hop_bytes(&w.s1.to_bytes(), 0);

    let v3_with_v2_hop = with_hops(&w.record.to_bytes(), &[v2_hop]);
    assert!(matches!(
        SealedRecord::from_bytes(&v3_with_v2_hop),
        Err(Error::InvalidEncoding(_))
    ));
    let v2_with_v3_hop = with_hops(&v2_plain, &[&v3_hop]);
    assert!(matches!(
        SealedRecord::from_bytes(&v2_with_v3_hop),
        Err(Error::InvalidEncoding(_))
    ));
    // A v3 hop after a v2 hop on a v2 record, and a v2 hop after a v3 hop on a v3 record.
    let mixed2 = with_hops(&v2_plain, &[v2_hop, &v3_hop]);
    assert!(matches!(
        SealedRecord::from_bytes(&mixed2),
        Err(Error::InvalidEncoding(_))
    ));
    let mixed3 = with_hops(&w.record.to_bytes(), &[&v3_hop, v2_hop]);
    assert!(matches!(
        SealedRecord::from_bytes(&mixed3),
        Err(Error::InvalidEncoding(_))
    ));

    let mut v3_as_v2 = w.g1.to_bytes().to_vec();
    v3_as_v2[3] = 2;
    assert!(matches!(
        ReKey::from_bytes(&v3_as_v2),
        Err(Error::InvalidEncoding(_))
    ));
    let mut v2_as_v3 = v2_rekey.to_bytes().to_vec();
    v2_as_v3[3] = 3;
    assert!(matches!(
        ReKey::from_bytes(&v2_as_v3),
        Err(Error::InvalidEncoding(_))
    ));
    // The API refuses each format's re-key on the other's record, consistently.
    assert!(!w.g1.can_reencrypt(&v2_record) && !v2_rekey.can_reencrypt(&w.record));
    assert!(matches!(
        w.g1.reencrypt(&v2_record),
        Err(Error::InvalidArgument(_))
    ));
}

// ---------------------------------------------------------------------------------------
// Re-keys relabelled: parents, grant ids, delegators, authorities, delegation key ids.
// ---------------------------------------------------------------------------------------

/// A proxy edits a re-key's parent so that it applies to records of another grant, adds
/// a parent to an orphan re-key, or removes one: the library then applies it, but the
/// parent is bound into the grant capsule's context, so the hops open for nobody.
#[test]
fn a_rekey_relabelled_to_another_parent_makes_hops_that_open_nothing() {
    let mut rng = rng(0x4a0f);
    let w = World::new(&mut rng);
    let cardio = w.key(&["role:cardiologist"], &mut rng);
    let other = w.other_first_grant(&mut rng);
    let s1b = other.reencrypt(&w.record).unwrap();
    assert!(!w.g2.can_reencrypt(&s1b));
    assert_eq!(w.g2.reencrypt(&s1b).unwrap_err(), Error::PolicyNotSatisfied);

    let b = w.g2.to_bytes().to_vec();
    let l = rekey_v3(&b);
    let p = l.parent.unwrap();
    let mut m = b.clone();
    m[p + 32..p + 48].copy_from_slice(&other.grant_id());
    let relinked = ReKey::from_bytes(&m).unwrap();
    assert_eq!(relinked.parent(), Some(other.grant()));
    let out = relinked.reencrypt(&s1b).unwrap();
    assert_eq!(cardio.open(w.pk(), &out), Err(Error::DecryptionFailed));

    // An orphan (no parent) re-key given a parent.
    let orphan = make_rekey(
        &w.a,
        &w.n,
        &["role:gp"],
        &w.gp_consent,
        (w.pk(), &w.n),
        "role:cardiologist",
        None,
        &mut rng,
    );
    let ob = orphan.to_bytes().to_vec();
    let ol = rekey_v3(&ob);
    let mut parent = vec![1u8];
    parent.extend_from_slice(&w.g1.authority());
    parent.extend_from_slice(&w.g1.grant_id());
    let adopted = ReKey::from_bytes(&splice(&ob, ol.parent_flag, 1, &parent)).unwrap();
    assert_eq!(adopted.parent(), Some(w.g1.grant()));
    let out = adopted.reencrypt(&w.s1).unwrap();
    assert_eq!(cardio.open(w.pk(), &out), Err(Error::DecryptionFailed));

    // g2 with its parent removed, applied to a record sealed for role:gp directly.
    let gp_record = seal_with_notice(
        w.pk(),
        &w.n,
        &policy("role:gp"),
        b"r2",
        b"",
        b"direct",
        &mut rng,
    )
    .unwrap();
    let unparented = ReKey::from_bytes(&splice(&b, l.parent_flag, 49, &[0])).unwrap();
    assert_eq!(unparented.parent(), None);
    let out = unparented.reencrypt(&gp_record).unwrap();
    assert_eq!(cardio.open(w.pk(), &out), Err(Error::DecryptionFailed));
    // The genuine orphan does it properly.
    assert_eq!(
        cardio
            .open(w.pk(), &orphan.reencrypt(&gp_record).unwrap())
            .unwrap(),
        b"direct"
    );
}

/// Forged `GrantRef`s: a parent naming a real grant does not let a re-key whose
/// attributes are outside that grant's audience forward its records; a parent with the
/// right grant id but another authority, or a near-miss grant id, matches nothing.
#[test]
fn forged_grant_refs_never_let_a_rekey_forward_anothers_records() {
    let mut rng = rng(0x4a10);
    let w = World::new(&mut rng);
    let nurse_forward = |parent: GrantRef, attrs: &[&str], rng: &mut ChaCha20Rng| {
        make_rekey(
            &w.a,
            &w.n,
            attrs,
            &w.gp_consent,
            (w.pk(), &w.n),
            "role:cardiologist",
            Some(parent),
            rng,
        )
    };
    let outsider = nurse_forward(w.g1.grant(), &["role:nurse"], &mut rng);
    assert!(!outsider.can_reencrypt(&w.s1));
    assert_eq!(
        outsider.reencrypt(&w.s1).unwrap_err(),
        Error::PolicyNotSatisfied
    );
    let other = Authority::setup(&mut rng);
    for forged in [
        GrantRef {
            authority: other.public_key().id(),
            grant_id: w.g1.grant_id(),
        },
        GrantRef {
            authority: w.pk().id(),
            grant_id: {
                let mut g = w.g1.grant_id();
                g[0] ^= 1;
                g
            },
        },
    ] {
        let rk = nurse_forward(forged, &["role:gp"], &mut rng);
        assert!(!rk.can_reencrypt(&w.s1));
        assert_eq!(rk.reencrypt(&w.s1).unwrap_err(), Error::PolicyNotSatisfied);
    }
}

/// A re-key's grant id relabelled: since HA-1 the decoder checks that a first-generation
/// grant id is the one its delegation key id derives, so the relabelled re-key does not
/// decode (before the fix it decoded, and its hops opened for nobody).
#[test]
fn a_rekey_with_its_grant_id_relabelled_is_refused() {
    let mut rng = rng(0x4a11);
    let w = World::new(&mut rng);
    let mut b = w.g1.to_bytes().to_vec();
    b[4] ^= 0x10;
    assert_eq!(
        ReKey::from_bytes(&b).map(|_| ()),
        Err(enc(EncodingError::NonCanonical))
    );
}

/// The proxy holding a re-key swaps its delegator for its own consent key and signs
/// itself a consent naming the edited re-key's digest: the consent gate passes (it only
/// compares the digest and the delegator), but the delegator is bound into the grant
/// capsule's context, so the hop opens for nobody.
#[test]
fn a_rekey_with_its_delegator_swapped_passes_a_forged_consent_but_its_hops_open_nothing() {
    let mut rng = rng(0x4a12);
    let w = World::new(&mut rng);
    let gp = w.key(&["role:gp"], &mut rng);
    let proxy_key = BlsSigningKey::generate(&mut rng);
    let mut b = w.g1.to_bytes().to_vec();
    let l = rekey_v3(&b);
    b[l.delegator..l.delegator + 48].copy_from_slice(&proxy_key.public_key().to_bytes());
    let forged = ReKey::from_bytes(&b).unwrap();
    assert_eq!(forged.delegator(), &proxy_key.public_key());
    let consent = consent_for(&proxy_key, "role:gp", Some(&forged), None, &mut rng);
    // The genuine re-key is not gated by the proxy's consent.
    assert_eq!(
        check_rekey(&consent, &w.g1),
        Err(Error::Consent(ConsentError::RekeyMismatch))
    );
    // The gate compares the digest and the delegator, both the proxy's now: it passes.
    let out =
        reencrypt_with_consent_under(&consent, &forged, &[&w.n], &w.record, "notes", "treatment")
            .unwrap();
    assert_eq!(gp.open(w.pk(), &out), Err(Error::DecryptionFailed));
}

/// A v3 re-key names the delegation key it was made from, and its grant id is documented
/// as `SHA-256(GRANT-ID ‖ source id ‖ delegation_key_id)[..16]`: both fields are in the
/// encoding, so the decoder can check that the one derives from the other, even though
/// it cannot check `delegation_key_id` against the blinded K0. A re-key naming another
/// delegation key than its grant id derives from is a well-formed-but-wrong value.
#[test]
fn a_rekey_naming_another_delegation_key_id_is_refused() {
    let mut rng = rng(0x4a13);
    let w = World::new(&mut rng);
    let gp = w.key(&["role:gp"], &mut rng);
    let mut b = w.g1.to_bytes().to_vec();
    let l = rekey_v3(&b);
    b[l.dkid] ^= 0x01;
    let decoded = ReKey::from_bytes(&b);
    // What an attacker gets if it decodes: a fully working re-key that names a
    // delegation key it was not made from (registries and audits keyed by it are misled).
    if let Ok(rk) = &decoded {
        let derived = sha(&[
            &b"CIPHERCHART-V01-GRANT-ID-with-SHA256"[..],
            &rk.authority()[..],
            &rk.delegation_key_id().unwrap()[..],
        ]);
        assert_ne!(rk.grant_id()[..], derived[..16]);
        let out = rk.reencrypt(&w.record).unwrap();
        assert_eq!(gp.open(w.pk(), &out).unwrap(), b"x-ray");
    }
    assert_eq!(decoded.map(|_| ()), Err(enc(EncodingError::NonCanonical)));
}

/// Two re-keys from one serialized delegation key: one grant id (the spec's "one
/// delegation key makes one grant" rests on the endorser, not built). What the collision
/// does not give: a consent for one gates the other; either re-key's hop opens only for
/// its own audience; the second cannot be stacked on the first's hop.
#[test]
fn two_rekeys_from_one_serialized_delegation_key_share_a_grant_id_but_not_consent_or_audience() {
    let mut rng = rng(0x4a14);
    let w = World::new(&mut rng);
    let d =
        w.a.issue_delegation_key_under(&w.n, &["patient:42"], &w.patient.public_key(), &mut rng)
            .unwrap();
    let bytes = d.to_bytes().to_vec();
    let rk_gp = DelegationKey::from_bytes(&bytes)
        .unwrap()
        .rekey_under(w.pk(), &w.n, &policy("role:gp"), None, &mut rng)
        .unwrap();
    let rk_nurse = DelegationKey::from_bytes(&bytes)
        .unwrap()
        .rekey_under(w.pk(), &w.n, &policy("role:nurse"), None, &mut rng)
        .unwrap();
    assert_eq!(rk_gp.grant(), rk_nurse.grant());
    assert_eq!(rk_gp.delegation_key_id(), rk_nurse.delegation_key_id());
    assert_ne!(rekey_digest(&rk_gp), rekey_digest(&rk_nurse));

    let consent = consent_for(&w.patient, "role:gp", Some(&rk_gp), None, &mut rng);
    check_rekey(&consent, &rk_gp).unwrap();
    assert_eq!(
        check_rekey(&consent, &rk_nurse),
        Err(Error::Consent(ConsentError::RekeyMismatch))
    );
    assert_eq!(
        reencrypt_with_consent_under(
            &consent,
            &rk_nurse,
            &[&w.n],
            &w.record,
            "notes",
            "treatment"
        )
        .map(|_| ()),
        Err(Error::Consent(ConsentError::RekeyMismatch))
    );
    let (gp, nurse) = (
        w.key(&["role:gp"], &mut rng),
        w.key(&["role:nurse"], &mut rng),
    );
    let to_gp =
        reencrypt_with_consent_under(&consent, &rk_gp, &[&w.n], &w.record, "notes", "treatment")
            .unwrap();
    let to_nurse = rk_nurse.reencrypt(&w.record).unwrap();
    assert_eq!(to_gp.newest_grant(), to_nurse.newest_grant());
    assert_eq!(gp.open(w.pk(), &to_gp).unwrap(), b"x-ray");
    assert_eq!(nurse.open(w.pk(), &to_gp), Err(Error::PolicyNotSatisfied));
    assert_eq!(gp.open(w.pk(), &to_nurse), Err(Error::PolicyNotSatisfied));
    // Neither stacks on the other's hop: no parent (records without hops only), and the
    // record already carries this grant id.
    assert!(!rk_nurse.can_reencrypt(&to_gp));
    assert!(matches!(
        rk_nurse.reencrypt(&to_gp),
        Err(Error::PolicyNotSatisfied) | Err(Error::InvalidArgument(_))
    ));
}

// ---------------------------------------------------------------------------------------
// Cross-authority relabelling (v3 referrals).
// ---------------------------------------------------------------------------------------

struct Referral {
    a: Authority,
    b: Authority,
    na: VerifiedNotice,
    nb: VerifiedNotice,
    service_a: NoticeService,
    service_b: NoticeService,
    patient: BlsSigningKey,
    record: SealedRecord,
    referral: ReKey,
    referred: SealedRecord,
}

fn referral_world(rng: &mut ChaCha20Rng) -> Referral {
    let (a, b) = (Authority::setup(rng), Authority::setup(rng));
    let mut service_a = NoticeService::new(&a, rng);
    let mut service_b = NoticeService::new(&b, rng);
    let na = service_a.bump(&["patient:42"]);
    let nb = service_b.bump(&["role:cardiologist"]);
    let patient = BlsSigningKey::generate(rng);
    let record = seal_with_notice(
        a.public_key(),
        &na,
        &policy("patient:42"),
        b"ecg",
        b"",
        b"ECG",
        rng,
    )
    .unwrap();
    let referral = make_rekey(
        &a,
        &na,
        &["patient:42"],
        &patient,
        (b.public_key(), &nb),
        "role:cardiologist",
        None,
        rng,
    );
    let referred = referral.reencrypt(&record).unwrap();
    Referral {
        a,
        b,
        na,
        nb,
        service_a,
        service_b,
        patient,
        record,
        referral,
        referred,
    }
}

/// The parent of B's onward grant is qualified by A (the referral's source): a parent
/// naming the referral's grant id under B, given through the API or by editing the
/// re-key, matches nothing. Relabelling the referral hop's capsules to A (making it look
/// like an A → A hop), or the referral re-key's target to A, opens nothing for A's keys.
#[test]
fn v3_referrals_relabelled_between_authorities_open_nothing() {
    let mut rng = rng(0x4a15);
    let mut f = referral_world(&mut rng);
    let (pk_a, pk_b) = (f.a.public_key(), f.b.public_key());
    let consent = BlsSigningKey::generate(&mut rng);
    let onward = |parent: GrantRef, rng: &mut ChaCha20Rng| {
        make_rekey(
            &f.b,
            &f.nb,
            &["role:cardiologist"],
            &consent,
            (pk_b, &f.nb),
            "role:surgeon",
            Some(parent),
            rng,
        )
    };
    let genuine = onward(f.referred.newest_grant().unwrap(), &mut rng);
    assert!(genuine.can_reencrypt(&f.referred));
    let under_b = onward(
        GrantRef {
            authority: pk_b.id(),
            grant_id: f.referral.grant_id(),
        },
        &mut rng,
    );
    assert!(!under_b.can_reencrypt(&f.referred));
    assert_eq!(
        under_b.reencrypt(&f.referred).unwrap_err(),
        Error::PolicyNotSatisfied
    );
    let mut gb = genuine.to_bytes().to_vec();
    let p = rekey_v3(&gb).parent.unwrap();
    gb[p..p + 32].copy_from_slice(&pk_b.id());
    let edited = ReKey::from_bytes(&gb).unwrap();
    assert_eq!(
        edited.reencrypt(&f.referred).unwrap_err(),
        Error::PolicyNotSatisfied
    );

    // The referral hop relabelled to A: both capsules name A (the decoder's rule holds).
    // A's cardiologists are at version 1 too, so A's key matches the relabelled hop.
    let na_c = f.service_a.bump(&["role:cardiologist"]);
    let a_cardio = key(&f.a, &na_c, &["role:cardiologist"], &mut rng);
    let b_cardio = key(&f.b, &f.nb, &["role:cardiologist"], &mut rng);
    let rb = f.referred.to_bytes();
    let h = record_v3(&rb).hops[0].clone();
    let mut m = rb.clone();
    m[h.grant.start..h.grant.start + 32].copy_from_slice(&pk_a.id());
    m[h.record.start..h.record.start + 32].copy_from_slice(&pk_a.id());
    let as_a = SealedRecord::from_bytes(&m).unwrap();
    assert_eq!(as_a.current_authority(), pk_a.id());
    assert_eq!(
        a_cardio.open_federated(&[pk_a, pk_b], &as_a),
        Err(Error::DecryptionFailed)
    );
    assert_eq!(a_cardio.open(pk_a, &as_a), Err(Error::DecryptionFailed));
    assert!(b_cardio.open_federated(&[pk_a, pk_b], &as_a).is_err());

    // The referral re-key relabelled to target A: capsule authority and public key.
    let mut kb = f.referral.to_bytes().to_vec();
    let l = rekey_v3(&kb);
    kb[l.capsule.start..l.capsule.start + 32].copy_from_slice(&pk_a.id());
    kb[l.pk.0..l.pk.1].copy_from_slice(&pk_a.to_bytes());
    let retargeted = ReKey::from_bytes(&kb).unwrap();
    assert_eq!(retargeted.target_authority(), pk_a.id());
    let out = retargeted.reencrypt(&f.record).unwrap();
    assert_eq!(a_cardio.open(pk_a, &out), Err(Error::DecryptionFailed));
    assert!(b_cardio.open_federated(&[pk_a, pk_b], &out).is_err());

    // The referral re-key's source relabelled to B: the derived grant id names the source,
    // so the decoder refuses it (HA-1).
    let mut sb = f.referral.to_bytes().to_vec();
    sb[20..52].copy_from_slice(&pk_b.id());
    assert_eq!(
        ReKey::from_bytes(&sb).map(|_| ()),
        Err(enc(EncodingError::NonCanonical))
    );
    // Genuine for comparison.
    assert_eq!(
        b_cardio.open_federated(&[pk_a, pk_b], &f.referred).unwrap(),
        b"ECG"
    );
}

// ---------------------------------------------------------------------------------------
// Revocation: check_current and stale re-keys.
// ---------------------------------------------------------------------------------------

/// A proxy that passes an older notice beside the newer one of the same authority (in
/// either order, e.g. every notice it has verified) must not see a stale re-key as
/// current: `check_current` takes the first notice of each authority it finds.
#[test]
fn check_current_is_not_fooled_by_an_older_notice_beside_the_newer_one() {
    let mut rng = rng(0x4a16);
    let mut w = World::new(&mut rng);
    let n2 = w.service.bump(&["role:gp"]);
    w.g1.check_current(&[&w.n]).unwrap();
    assert_eq!(w.g1.check_current(&[&n2]), Err(Error::StaleReKey));
    // The delegated name bumped: a re-key whose source is stale under n3.
    let n3 = w.service.bump(&["patient:42"]);
    let stale_source = make_rekey(
        &w.a,
        &n2,
        &["patient:42"],
        &w.patient,
        (w.pk(), &n3),
        "role:gp",
        None,
        &mut rng,
    );
    assert_eq!(stale_source.check_current(&[&n3]), Err(Error::StaleReKey));
    // What an older notice listed first lets through: the stale re-key applied to the
    // caught-up record delivers it to the gp revoked by n2.
    let bob = w.key(&["role:gp"], &mut rng);
    let caught = w.a.rewrap(&w.s1, &n2, &mut rng).unwrap();
    let delivered = w.g1.check_current(&[&w.n, &n2]).is_ok()
        && bob.open(w.pk(), &w.g1.reencrypt(&caught).unwrap()).is_ok();
    let passed: Vec<&str> = [
        (
            "target stale, newer first",
            w.g1.check_current(&[&n2, &w.n]),
        ),
        (
            "target stale, older first",
            w.g1.check_current(&[&w.n, &n2]),
        ),
        (
            "target stale, all three",
            w.g1.check_current(&[&w.n, &n2, &n3]),
        ),
        (
            "source stale, newer first",
            stale_source.check_current(&[&n3, &n2]),
        ),
        (
            "source stale, older first",
            stale_source.check_current(&[&n2, &n3]),
        ),
    ]
    .into_iter()
    .filter(|(_, r)| r.is_ok())
    .map(|(what, _)| what)
    .collect();
    assert!(
        passed.is_empty() && !delivered,
        "stale re-keys passed: {passed:?}; the revoked gp opens the result: {delivered}"
    );
}

/// With one notice per authority the check is exact, for v2 re-keys too (every version
/// 0): a bump of a delegated or target name makes a v2 re-key stale.
#[test]
fn check_current_with_one_notice_per_authority_covers_v2_rekeys() {
    let mut rng = rng(0x4a1c);
    let a = Authority::setup(&mut rng);
    let pk = a.public_key();
    let mut service = NoticeService::new(&a, &mut rng);
    let n0 = service.current();
    let consent = BlsSigningKey::generate(&mut rng);
    let v2 = a
        .issue_delegation_key(&["patient:42"], &consent.public_key(), &mut rng)
        .unwrap()
        .rekey(pk, &policy("role:gp"), &mut rng)
        .unwrap();
    v2.check_current(&[&n0]).unwrap();
    let n1 = service.bump(&["role:nurse"]);
    v2.check_current(&[&n1]).unwrap();
    let n2 = service.bump(&["role:gp"]);
    assert_eq!(v2.check_current(&[&n2]), Err(Error::StaleReKey));
    let other = Authority::setup(&mut rng);
    let foreign = NoticeService::new(&other, &mut rng).current();
    assert_eq!(v2.check_current(&[&foreign]), Err(Error::WrongAuthority));
    let n3 = service.bump(&["patient:42"]);
    let v2b = a
        .issue_delegation_key(&["patient:42"], &consent.public_key(), &mut rng)
        .unwrap()
        .rekey(pk, &policy("role:nurse"), &mut rng)
        .unwrap();
    assert_eq!(v2b.check_current(&[&n3]), Err(Error::StaleReKey));
}

/// `check_current` for a referral reads the source names in the source authority's
/// notice and the target names in the target's: names are not authority-qualified, so a
/// notice of the other authority that lists the same name at the re-key's version must
/// not vouch for it. And every required notice must be present.
#[test]
fn check_current_never_reads_a_name_in_the_other_authoritys_notice() {
    let mut rng = rng(0x4a17);
    let mut f = referral_world(&mut rng);
    // B bumps role:cardiologist again: the referral's target is stale. A, meanwhile, has
    // its own role:cardiologist at version 1 (the referral's target version).
    let nb2 = f.service_b.bump(&["role:cardiologist"]);
    let na_cardio = f.service_a.bump(&["role:cardiologist"]);
    assert_eq!(
        f.referral.check_current(&[&f.na, &nb2]),
        Err(Error::StaleReKey)
    );
    assert_eq!(
        f.referral.check_current(&[&na_cardio, &nb2]),
        Err(Error::StaleReKey)
    );
    assert_eq!(
        f.referral.check_current(&[&nb2, &na_cardio]),
        Err(Error::StaleReKey)
    );
    // A bumps patient:42 (the delegated name); B's notice lists its own patient:42 at 1.
    let na2 = f.service_a.bump(&["patient:42"]);
    let nb_patient = f.service_b.bump(&["patient:42"]);
    let referral2 = make_rekey(
        &f.a,
        &na_cardio,
        &["patient:42"],
        &f.patient,
        (f.b.public_key(), &nb_patient),
        "role:cardiologist",
        None,
        &mut rng,
    );
    referral2.check_current(&[&na_cardio, &nb_patient]).unwrap();
    assert_eq!(
        referral2.check_current(&[&na2, &nb_patient]),
        Err(Error::StaleReKey)
    );
    assert_eq!(
        referral2.check_current(&[&nb_patient, &na2]),
        Err(Error::StaleReKey)
    );
    // Missing notices.
    let c = Authority::setup(&mut rng);
    let nc = NoticeService::new(&c, &mut rng).current();
    assert_eq!(referral2.check_current(&[]), Err(Error::WrongAuthority));
    assert_eq!(
        referral2.check_current(&[&nb_patient]),
        Err(Error::WrongAuthority)
    );
    assert_eq!(
        referral2.check_current(&[&na2, &nc]),
        Err(Error::WrongAuthority)
    );
    assert_eq!(
        referral2.check_current(&[&nc, &nb_patient]),
        Err(Error::WrongAuthority)
    );
}

/// A stale re-key (its target name bumped: a gp was revoked) with its capsule's version
/// labels edited up to the current ones, and a stale one (its delegated name bumped) with
/// its key body's labels edited up: whatever the proxy's label check says, the hops they
/// make on caught-up records open for no revoked key (genuine or relabelled) and, for the
/// revoked delegator's grant, for nobody.
#[test]
fn a_stale_rekey_relabelled_to_current_versions_delivers_nothing() {
    let mut rng = rng(0x4a18);
    let mut w = World::new(&mut rng);
    let bob = w.key(&["role:gp"], &mut rng);
    let shared = w.s1.clone();
    assert_eq!(bob.open(w.pk(), &shared).unwrap(), b"x-ray");
    let n2 = w.service.bump(&["role:gp"]);
    assert_eq!(w.g1.check_current(&[&n2]), Err(Error::StaleReKey));
    let caught = w.a.rewrap(&shared, &n2, &mut rng).unwrap();
    let ann = key(&w.a, &n2, &["role:gp"], &mut rng);
    let bob_relabelled = relabel_key(&bob, "role:gp", 2);

    let mut b = w.g1.to_bytes().to_vec();
    let c = rekey_v3(&b).capsule;
    put32(&mut b, c.versions, 2);
    let relabelled = ReKey::from_bytes(&b).unwrap();
    assert_eq!(relabelled.target_versions()[0].1, 2);
    let out = relabelled.reencrypt(&caught).unwrap();
    assert!(bob.open(w.pk(), &out).is_err());
    assert!(bob_relabelled.open(w.pk(), &out).is_err());

    // The delegated name bumped: a re-key made under n2 is stale under n3.
    let n3 = w.service.bump(&["patient:42"]);
    let before = make_rekey(
        &w.a,
        &n2,
        &["patient:42"],
        &w.patient,
        (w.pk(), &n3),
        "role:gp",
        None,
        &mut rng,
    );
    assert_eq!(before.check_current(&[&n3]), Err(Error::StaleReKey));
    let caught3 = w.a.rewrap(&caught, &n3, &mut rng).unwrap();
    assert_eq!(
        before.reencrypt(&caught3).unwrap_err(),
        Error::PolicyNotSatisfied
    );
    let mut b = before.to_bytes().to_vec();
    let l = rekey_v3(&b);
    put32(&mut b, l.vattrs[0].2, 2);
    let relabelled = ReKey::from_bytes(&b).unwrap();
    if let Ok(out) = relabelled.reencrypt(&caught3) {
        assert_eq!(ann.open(w.pk(), &out), Err(Error::DecryptionFailed));
    }
}

/// A user key v3 with one attribute's version relabelled (the labels are not bound to
/// the points; `docs/formats.md` "User key v3").
fn relabel_key(key: &UserKey, name: &str, version: u32) -> UserKey {
    let mut b = key.to_bytes().to_vec();
    assert_eq!(&b[..4], &[0x43, 0x43, 0x03, 0x03]);
    let (v, _) = vattrs(&b, 36);
    let (_, _, at) = *v
        .iter()
        .find(|(s, e, _)| &b[*s..*e] == name.as_bytes())
        .unwrap();
    put32(&mut b, at, version);
    UserKey::from_bytes(&b).unwrap()
}

/// After the catch-up and the re-application with a current re-key, the revoked gp (Bob)
/// relabels his key to the new version, and storage (or Bob) re-attaches the old hop to
/// the caught-up record: neither opens, and the re-attached hop is selected again.
#[test]
fn a_revoked_delegatee_opens_neither_the_reapplied_hop_nor_an_old_hop_reattached() {
    let mut rng = rng(0x4a19);
    let mut w = World::new(&mut rng);
    let bob = w.key(&["role:gp"], &mut rng);
    let n2 = w.service.bump(&["role:gp"]);
    let caught = w.a.rewrap(&w.s1, &n2, &mut rng).unwrap();
    assert_eq!(caught.hop_count(), 0);
    let fresh = make_rekey(
        &w.a,
        &n2,
        &["patient:42"],
        &w.patient,
        (w.pk(), &n2),
        "role:gp",
        None,
        &mut rng,
    );
    fresh.check_current(&[&n2]).unwrap();
    let reshared = fresh.reencrypt(&caught).unwrap();
    let ann = key(&w.a, &n2, &["role:gp"], &mut rng);
    assert_eq!(ann.open(w.pk(), &reshared).unwrap(), b"x-ray");
    assert_eq!(bob.open(w.pk(), &reshared), Err(Error::PolicyNotSatisfied));
    let bob2 = relabel_key(&bob, "role:gp", 2);
    assert_eq!(bob2.open(w.pk(), &reshared), Err(Error::DecryptionFailed));

    // The old hop (made on the pre-catch-up header) re-attached to the caught-up record.
    let old_hop = hop_bytes(&w.s1.to_bytes(), 0);
    let reattached = with_hops(&caught.to_bytes(), &[&old_hop]);
    match SealedRecord::from_bytes(&reattached) {
        Ok(rec) => {
            assert!(
                rec.needs_catch_up(&n2),
                "its layer is stale: selected again"
            );
            assert_eq!(bob.open(w.pk(), &rec), Err(Error::DecryptionFailed));
            assert!(ann.open(w.pk(), &rec).is_err());
        }
        Err(e) => assert!(matches!(e, Error::InvalidEncoding(_))),
    }
    // The old hop stacked above the fresh one: a hop 2 without a parent is refused.
    let two = with_hops(
        &reshared.to_bytes(),
        &[&hop_bytes(&reshared.to_bytes(), 0), &old_hop],
    );
    assert_eq!(
        SealedRecord::from_bytes(&two).map(|_| ()),
        Err(enc(EncodingError::NonCanonical))
    );
}

/// `docs/revocation.md` §0.2 ("R1/R2 for delegatees") says a referral "works the same way
/// under both notices". Attack: a member of B's referral audience is revoked at B (B bumps
/// the target name). The proxy's check stops new referrals, but the stored referred copy
/// is selected by no notice (`needs_catch_up` reads only the notice authority's layers of
/// its own records) and no authority can catch it up (B cannot re-wrap A's header), so
/// the revoked member keeps opening it. The secure outcome asserted: B's notice selects
/// the copy (design §9.8, not built, then strips and re-applies its hops).
#[test]
fn a_target_side_revocation_reaches_the_stored_referred_copy() {
    let mut rng = rng(0x4a1a);
    let mut f = referral_world(&mut rng);
    let (pk_a, pk_b) = (f.a.public_key(), f.b.public_key());
    let carl = key(&f.b, &f.nb, &["role:cardiologist"], &mut rng);
    assert_eq!(
        carl.open_federated(&[pk_a, pk_b], &f.referred).unwrap(),
        b"ECG"
    );
    let nb2 = f.service_b.bump(&["role:cardiologist"]);
    assert_eq!(
        f.referral.check_current(&[&f.na, &nb2]),
        Err(Error::StaleReKey)
    );
    // The stored copy still opens for the revoked member; the secure outcome is that
    // B's notice selects it (so that B's storage strips and re-applies its hops).
    assert_eq!(
        carl.open_federated(&[pk_a, pk_b], &f.referred).unwrap(),
        b"ECG"
    );
    assert!(
        f.referred.needs_catch_up(&nb2),
        "the B layer names role:cardiologist below B's notice"
    );
    // Fixed (HA-2): B's storage strips the stale hop; the revoked member loses the copy,
    // and A's proxy re-refers it with a re-key current under both notices, which only B's
    // members at the new version open.
    let stripped = f.referred.strip_stale_hops(&nb2).unwrap();
    assert_eq!(stripped.hop_count(), 0);
    assert_eq!(
        carl.open_federated(&[pk_a, pk_b], &stripped),
        Err(Error::WrongAuthority)
    );
    let consent = BlsSigningKey::generate(&mut rng);
    let again = make_rekey(
        &f.a,
        &f.na,
        &["patient:42"],
        &consent,
        (pk_b, &nb2),
        "role:cardiologist",
        None,
        &mut rng,
    );
    again.check_current(&[&f.na, &nb2]).unwrap();
    let re_referred = again.reencrypt(&stripped).unwrap();
    assert_eq!(
        carl.open_federated(&[pk_a, pk_b], &re_referred),
        Err(Error::PolicyNotSatisfied)
    );
    let dana = key(&f.b, &nb2, &["role:cardiologist"], &mut rng);
    assert_eq!(
        dana.open_federated(&[pk_a, pk_b], &re_referred).unwrap(),
        b"ECG"
    );
}

/// The hop limit of a v3 record: eight hops with parent links, a ninth refused, and a
/// hop count above 8 refused by the decoder before anything else.
#[test]
fn the_hop_limit_holds_for_v3_records() {
    let mut rng = rng(0x4a1b);
    let a = Authority::setup(&mut rng);
    let pk = a.public_key();
    let n = NoticeService::new(&a, &mut rng).bump(&["role:l0", "role:l5"]);
    let consent = BlsSigningKey::generate(&mut rng);
    let mut rec =
        seal_with_notice(pk, &n, &policy("role:l0"), b"r", b"", b"deep", &mut rng).unwrap();
    let mut parent = None;
    for i in 1..=8 {
        let rk = make_rekey(
            &a,
            &n,
            &[format!("role:l{}", i - 1).as_str()],
            &consent,
            (pk, &n),
            &format!("role:l{i}"),
            parent,
            &mut rng,
        );
        rec = rk.reencrypt(&rec).unwrap();
        parent = rec.newest_grant();
    }
    assert_eq!(rec.hop_count(), 8);
    let ninth = make_rekey(
        &a,
        &n,
        &["role:l8"],
        &consent,
        (pk, &n),
        "role:l9",
        parent,
        &mut rng,
    );
    assert!(!ninth.can_reencrypt(&rec));
    assert!(matches!(
        ninth.reencrypt(&rec),
        Err(Error::InvalidArgument(_)) | Err(Error::LimitExceeded(_))
    ));
    let l8 = key(&a, &n, &["role:l8"], &mut rng);
    assert_eq!(l8.open(pk, &rec).unwrap(), b"deep");
    let mut b = rec.to_bytes();
    let r = record_v3(&b);
    b[r.hop_count] = 9;
    assert_eq!(
        SealedRecord::from_bytes(&b).map(|_| ()),
        Err(enc(EncodingError::BadLength))
    );
}

/// A re-key's capsule is documented as "flags 0": a capsule marked `degraded` (bit 0, a
/// valid value in a record's header) is not a re-key's, and the decoder should say so.
#[test]
fn a_rekey_capsule_marked_degraded_is_refused() {
    let mut rng = rng(0x4a1d);
    let w = World::new(&mut rng);
    let mut b = w.g1.to_bytes().to_vec();
    let c = rekey_v3(&b).capsule;
    b[c.flags] = 1;
    assert_eq!(
        ReKey::from_bytes(&b).map(|_| ()),
        Err(enc(EncodingError::NonCanonical))
    );
}

/// The same re-key used anyway (the flag is bound into the FO coins): its hop carries the
/// flag on both capsules and opens for nobody.
#[test]
fn a_rekey_capsule_marked_degraded_makes_hops_that_open_nothing() {
    let mut rng = rng(0x4a20);
    let w = World::new(&mut rng);
    let gp = w.key(&["role:gp"], &mut rng);
    let mut b = w.g1.to_bytes().to_vec();
    let c = rekey_v3(&b).capsule;
    b[c.flags] = 1;
    if let Ok(rk) = ReKey::from_bytes(&b) {
        let out = rk.reencrypt(&w.record).unwrap();
        let ob = out.to_bytes();
        let h = record_v3(&ob).hops[0].clone();
        assert_eq!((ob[h.grant.flags], ob[h.record.flags]), (1, 1));
        assert_eq!(gp.open(w.pk(), &out), Err(Error::DecryptionFailed));
    }
}

/// A grant as its own parent: a second re-key of one delegation key (same derived grant
/// id) made with that grant as parent, on a record whose newest hop is the first re-key's.
/// The record already carries the grant: refused, so the collision makes no loop.
#[test]
fn a_grant_cannot_be_applied_below_itself() {
    let mut rng = rng(0x4a1e);
    let w = World::new(&mut rng);
    let d =
        w.a.issue_delegation_key_under(&w.n, &["patient:42"], &w.patient.public_key(), &mut rng)
            .unwrap();
    let bytes = d.to_bytes().to_vec();
    let first = DelegationKey::from_bytes(&bytes)
        .unwrap()
        .rekey_under(
            w.pk(),
            &w.n,
            &policy("patient:42 or role:gp"),
            None,
            &mut rng,
        )
        .unwrap();
    let shared = first.reencrypt(&w.record).unwrap();
    let again = DelegationKey::from_bytes(&bytes)
        .unwrap()
        .rekey_under(
            w.pk(),
            &w.n,
            &policy("role:nurse"),
            Some(first.grant()),
            &mut rng,
        )
        .unwrap();
    assert_eq!(again.grant(), first.grant());
    assert_eq!(again.parent(), Some(first.grant()));
    assert!(!again.can_reencrypt(&shared));
    assert!(matches!(
        again.reencrypt(&shared),
        Err(Error::InvalidArgument(_))
    ));
}

/// The delegation key v3 decoder: every prefix `Truncated`, every single-byte flip a typed
/// error or a key that re-encodes exactly; the guard flag 1 and a reserved name refused.
#[test]
fn the_delegation_key_v3_decoder_survives_truncation_and_every_byte_flip() {
    let mut rng = rng(0x4a1f);
    let w = World::new(&mut rng);
    let d =
        w.a.issue_delegation_key_under(
            &w.n,
            &["patient:42", "role:gp"],
            &w.patient.public_key(),
            &mut rng,
        )
        .unwrap();
    let b = d.to_bytes().to_vec();
    let (v, k0, end) = delegation_v3(&b);
    assert_eq!(end, b.len());
    for len in 0..b.len() {
        assert_eq!(
            DelegationKey::from_bytes(&b[..len]).map(|_| ()),
            Err(enc(EncodingError::Truncated)),
            "prefix {len}"
        );
    }
    for i in 0..b.len() {
        let mut m = b.clone();
        m[i] ^= 0x01;
        match DelegationKey::from_bytes(&m) {
            Ok(k) => assert_eq!(k.to_bytes().as_slice(), m.as_slice(), "byte {i}"),
            Err(e) => assert!(matches!(e, Error::InvalidEncoding(_)), "byte {i}: {e:?}"),
        }
    }
    let mut guard = b.clone();
    guard[k0 - 1] = 1;
    assert_eq!(
        DelegationKey::from_bytes(&guard).map(|_| ()),
        Err(enc(EncodingError::NonCanonical))
    );
    // The versioned key refuses to make a v2 re-key, by either call.
    let other = Authority::setup(&mut rng);
    assert!(matches!(
        DelegationKey::from_bytes(&b).unwrap().rekey_to(
            other.public_key(),
            &policy("role:gp"),
            &mut rng
        ),
        Err(Error::InvalidArgument(_))
    ));
    assert_eq!(v.len(), 2);
}

/// Storage swaps the body of a shared record (with the other record's body commitment
/// and length, or keeping its own commitment): the hop's audience unwinds to layer 0 and
/// must run its checks there (the commitments are in the header's context, which the v3
/// header digest and every hop binding cover).
#[test]
fn a_body_swapped_under_a_hop_is_caught_by_the_hop_audience() {
    let mut rng = rng(0x4a21);
    let w = World::new(&mut rng);
    let (gp, cardio) = (
        w.key(&["role:gp"], &mut rng),
        w.key(&["role:cardiologist"], &mut rng),
    );
    // Another record of the same id, metadata and body length.
    let other = seal_with_notice(
        w.pk(),
        &w.n,
        &policy("patient:42"),
        b"r1",
        b"letter",
        b"x-rax",
        &mut rng,
    )
    .unwrap()
    .to_bytes();
    let b = w.s2.to_bytes();
    let r = record_v3(&b);
    let commitment = 4 + 4 + 2 + 4 + 6 + 32;
    assert_eq!(&b[commitment - 32 - 6..commitment - 32], b"letter");
    let body = r.kem.end..record_v3(&b).hop_count;
    let other_body = record_v3(&other).kem.end..record_v3(&other).hop_count;
    assert_eq!(body.len(), other_body.len());
    let mut only_body = b.clone();
    only_body[body.clone()].copy_from_slice(&other[other_body.clone()]);
    let mut with_commitment = only_body.clone();
    with_commitment[commitment..commitment + 32]
        .copy_from_slice(&other[commitment..commitment + 32]);
    for (what, m) in [
        ("body", &only_body),
        ("body and commitment", &with_commitment),
    ] {
        match SealedRecord::from_bytes(m) {
            Ok(rec) => {
                assert_eq!(
                    gp.open(w.pk(), &rec),
                    Err(Error::DecryptionFailed),
                    "{what}"
                );
                assert_eq!(
                    cardio.open(w.pk(), &rec),
                    Err(Error::DecryptionFailed),
                    "{what}"
                );
            }
            Err(e) => assert!(matches!(e, Error::InvalidEncoding(_)), "{what}"),
        }
    }
}

/// A target policy naming the holder guard would make a hop into a guarded layer (which
/// the decoder refuses, and which would let a re-key open streams): refused before the
/// delegation key is used, by `check_target` and `rekey_under`.
#[test]
fn a_guarded_target_policy_is_refused_before_the_delegation_key_is_used() {
    let mut rng = rng(0x4a22);
    let w = World::new(&mut rng);
    let guarded = policy("role:gp or cipherchart:key-holder");
    assert_eq!(
        DelegationKey::check_target(w.pk(), &w.n, &guarded),
        Err(Error::InvalidAttribute)
    );
    let d =
        w.a.issue_delegation_key_under(&w.n, &["patient:42"], &w.patient.public_key(), &mut rng)
            .unwrap();
    assert_eq!(
        d.rekey_under(w.pk(), &w.n, &guarded, None, &mut rng)
            .map(|_| ()),
        Err(Error::InvalidAttribute)
    );
}
