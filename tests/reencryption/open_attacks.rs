//! Outside review of the v2 opening order and the record open-cost budget.
//!
//! Target: `UserKey::open` on a re-encrypted record now starts at the **oldest** layer the
//! key satisfies (the record's header, then hop 1, 2, …), makes one attempt and never reads
//! the hops above it (`docs/security.md` §12.6, §12.2, `docs/formats.md` "HopParts"); and one
//! open-cost budget per record, `MAX_RECORD_OPEN_COST` (`docs/policy.md` §4.1,
//! `docs/security.md` §12.1).
//!
//! Written from the documentation and the public API only: records are cut and rebuilt
//! byte by byte following `docs/formats.md` (the cutter is first checked to give back the
//! exact bytes of valid records). Attacks that fail are ordinary tests asserting the
//! refusal or the correct open. Attacks that succeed are `#[ignore = "FINDING: …"]`, each
//! asserting what the library should do. Cost measurements are `#[ignore]`d tests meant
//! to be run one per process (under callgrind or with `--nocapture`); see
//! `measure_one_record`.

#![allow(
    clippy::unwrap_used,
    clippy::too_many_lines,
    clippy::cast_possible_truncation
)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::common::record_layout::{HopParts, RecordParts, GT};
use crate::common::verify;
use crate::common::{grant, names, policy, rng, skip_lp, u32_at, DAY, GRANT, T0};
use cipherchart::{reencrypt_batch_with_consent, Grant, Grantee, RevocationSet, Window};
use cipherchart::{
    seal, Authority, BlsSigningKey, ConsentToken, EncodingError, Error, LimitKind, Policy, ReKey,
    SealedRecord, UserKey, VerifiedConsent,
};
use rand_chacha::ChaCha20Rng;

fn over_budget<T: std::fmt::Debug>(r: &Result<T, Error>) -> bool {
    matches!(r, Err(Error::LimitExceeded(LimitKind::PolicyCost)))
}

// --- wire-format helpers (docs/formats.md) -------------------------------------------

/// A KEM header made for free: every point the generator, a zero masked seed.
fn forged_kem(authority: [u8; 32], policy_text: &str) -> Vec<u8> {
    let rows = Policy::parse(policy_text).unwrap().attributes().len();
    crate::common::forged::forged_kem(authority, policy_text, rows)
}

/// A hop made for free under `to`: forged capsules, a GT element copied from anywhere.
fn forged_hop(authority: [u8; 32], to: &str, gt: &[u8], first: bool) -> HopParts {
    let kem = forged_kem(authority, to);
    HopParts {
        grant_id: vec![0x5a; 16],
        delegator: vec![0xa5; 48],
        grant_capsule: kem.clone(),
        record_capsule: kem,
        masked_r: gt.to_vec(),
        flag: 0,
        grant_r: Vec::new(),
    }
    .at_position(first, gt)
}

// --- a fixture: two records of grant 1, one of them re-encrypted again by grant 2 -----

struct World {
    hospital: Authority,
    /// `p42/ecg` under `patient:42`, as sealed.
    r1: SealedRecord,
    /// `p42/psych` under `patient:42`, as sealed.
    r2: SealedRecord,
    /// r1 and r2 after grant 1 (patient:42 → h2 physicians).
    s1: SealedRecord,
    s2: SealedRecord,
    /// s1 and s2 after grant 2 (h2 physicians → h3 auditors).
    t1: SealedRecord,
    t2: SealedRecord,
    rk1: ReKey,
    rk2: ReKey,
    patient: UserKey,
    physician: UserKey,
    auditor: UserKey,
    /// A key that satisfies both hop policies (and not the record's own).
    both: UserKey,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let mut rng = rng(0x56_0001);
        let hospital = Authority::setup(&mut rng);
        let pk = hospital.public_key();
        let patient_bls = BlsSigningKey::generate(&mut rng);
        let cardiologist = BlsSigningKey::generate(&mut rng);
        let chart = policy("patient:42");
        let r1 = seal(pk, &chart, b"p42/ecg", b"cardio", b"ecg", &mut rng).unwrap();
        let r2 = seal(
            pk,
            &chart,
            b"p42/psych",
            b"psy",
            b"psychiatry notes",
            &mut rng,
        )
        .unwrap();
        let rk1 = grant(
            &hospital,
            &["patient:42"],
            &patient_bls,
            "hospital:h2 and role:physician",
            &mut rng,
        );
        let s1 = rk1.reencrypt(&r1).unwrap();
        let s2 = rk1.reencrypt(&r2).unwrap();
        let rk2 = grant(
            &hospital,
            &["hospital:h2", "role:physician"],
            &cardiologist,
            "hospital:h3 and role:auditor",
            &mut rng,
        );
        let t1 = rk2.reencrypt(&s1).unwrap();
        let t2 = rk2.reencrypt(&s2).unwrap();
        let patient = hospital.issue_key(&["patient:42"], &mut rng).unwrap();
        let physician = hospital
            .issue_key(&["hospital:h2", "role:physician"], &mut rng)
            .unwrap();
        let auditor = hospital
            .issue_key(&["hospital:h3", "role:auditor"], &mut rng)
            .unwrap();
        let both = hospital
            .issue_key(
                &[
                    "hospital:h2",
                    "hospital:h3",
                    "role:auditor",
                    "role:physician",
                ],
                &mut rng,
            )
            .unwrap();
        World {
            hospital,
            r1,
            r2,
            s1,
            s2,
            t1,
            t2,
            rk1,
            rk2,
            patient,
            physician,
            auditor,
            both,
        }
    })
}

impl World {
    fn id(&self) -> [u8; 32] {
        self.hospital.public_key().id()
    }
    /// A valid GT element to fill forged fields with.
    fn gt(&self) -> Vec<u8> {
        RecordParts::of(&self.s2).hops[0].masked_r.clone()
    }
    fn open(&self, key: &UserKey, rec: &SealedRecord) -> Result<Vec<u8>, Error> {
        key.open(self.hospital.public_key(), rec)
    }
}

/// The cutter gives back the exact bytes of every valid record (0, 1, 2 hops), and a
/// hop made for free under a cheap policy decodes (so the refusals below are not the
/// cutter's doing).
#[test]
fn the_byte_helpers_round_trip() {
    let w = world();
    for r in [&w.r1, &w.s1, &w.t1, &w.t2] {
        let parts = RecordParts::of(r);
        assert_eq!(parts.bytes(), r.to_bytes());
        assert_eq!(&parts.record().unwrap(), r);
    }
    let mut v = RecordParts::of(&w.s1);
    v.hops
        .push(forged_hop(w.id(), "role:clerk", &w.gt(), false));
    assert_eq!(v.record().unwrap().hop_count(), 2);
    let mut v = RecordParts::of(&w.r1);
    v.hops.push(forged_hop(w.id(), "role:clerk", &w.gt(), true));
    assert_eq!(v.record().unwrap().hop_count(), 1);
    // The fixture opens as documented.
    assert_eq!(w.open(&w.patient, &w.t1).unwrap(), b"ecg");
    assert_eq!(w.open(&w.physician, &w.t1).unwrap(), b"ecg");
    assert_eq!(w.open(&w.auditor, &w.t1).unwrap(), b"ecg");
    assert_eq!(w.open(&w.both, &w.t2).unwrap(), b"psychiatry notes");
    assert_eq!(w.open(&w.auditor, &w.s1), Err(Error::PolicyNotSatisfied));
}

// =====================================================================================
// Opening order (§12.6, §12.2)
// =====================================================================================

/// Appending hops (forged for free under the physicians' own policy, under the
/// auditors', a genuine second hop copied from another record of the same grants, and
/// as many forged hops as `MAX_HOPS` allows) never locks out a key that satisfies an
/// older layer: the patient and the physician still read the right plaintext. The
/// audience of only the appended layer gets `DecryptionFailed`, never a plaintext.
#[test]
fn appended_hops_never_lock_out_an_older_audience() {
    let w = world();
    let gt = w.gt();
    let s1 = RecordParts::of(&w.s1);
    let t2 = RecordParts::of(&w.t2);
    let mut variants: Vec<(&str, RecordParts)> = Vec::new();
    let mut v = s1.clone();
    v.hops.push(forged_hop(
        w.id(),
        "hospital:h2 and role:physician",
        &gt,
        false,
    ));
    variants.push(("forged hop under the physicians' policy", v));
    let mut v = s1.clone();
    v.hops.push(forged_hop(
        w.id(),
        "hospital:h3 and role:auditor",
        &gt,
        false,
    ));
    variants.push(("forged hop under the auditors' policy", v));
    let mut v = s1.clone();
    v.hops.push(t2.hops[1].clone());
    variants.push(("second hop of another record of the same grants", v));
    let mut v = s1.clone();
    // The genuine second hop of this very record, with its grant value replaced.
    let mut h = RecordParts::of(&w.t1).hops[1].clone();
    h.grant_r.clone_from(&t2.hops[1].grant_r);
    h.masked_r.clone_from(&gt);
    v.hops.push(h);
    variants.push(("own second hop, values swapped", v));
    let mut v = s1.clone();
    while v.hops.len() < cipherchart::limits::MAX_HOPS {
        v.hops.push(forged_hop(w.id(), "role:x", &gt, false));
    }
    variants.push(("seven forged hops", v));
    for (name, v) in variants {
        let rec = v.record().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(w.open(&w.patient, &rec).unwrap(), b"ecg", "{name}");
        assert_eq!(w.open(&w.physician, &rec).unwrap(), b"ecg", "{name}");
        assert_eq!(w.open(&w.both, &rec).unwrap(), b"ecg", "{name}");
        let a = w.open(&w.auditor, &rec);
        assert!(
            a == Err(Error::DecryptionFailed) || a == Err(Error::PolicyNotSatisfied),
            "{name}: {a:?}"
        );
    }
}

/// A hop inserted **below** the genuine one, under a policy its audience satisfies (or
/// any other), shifts the genuine hop up and breaks its binding: the physicians' oldest
/// satisfied layer is now the forged one, and the record no longer opens for them. This
/// is the documented limit ("it can only deny service to keys that satisfy nothing but
/// the tampered layer", §3.1), equivalent to deleting the record; the patient, below
/// both, still opens, and nobody gets a wrong plaintext. Recorded as held (no claim
/// covers insertion), with the consequence noted in the report.
#[test]
fn a_hop_inserted_below_the_genuine_one_denies_service_only() {
    let w = world();
    let gt = w.gt();
    for below in ["hospital:h2 and role:physician", "role:clerk"] {
        let mut v = RecordParts::of(&w.s1);
        let genuine = v.hops.remove(0).at_position(false, &gt);
        v.hops.push(forged_hop(w.id(), below, &gt, true));
        v.hops.push(genuine);
        let rec = v.record().unwrap();
        assert_eq!(w.open(&w.patient, &rec).unwrap(), b"ecg");
        assert_eq!(
            w.open(&w.physician, &rec),
            Err(Error::DecryptionFailed),
            "{below}"
        );
    }
    // The same below the auditors' genuine hop 2 of t1.
    let mut v = RecordParts::of(&w.t1);
    let genuine = v.hops.pop().unwrap();
    v.hops.push(forged_hop(
        w.id(),
        "hospital:h3 and role:auditor",
        &gt,
        false,
    ));
    v.hops.push(genuine);
    let rec = v.record().unwrap();
    assert_eq!(w.open(&w.physician, &rec).unwrap(), b"ecg");
    assert_eq!(w.open(&w.auditor, &rec), Err(Error::DecryptionFailed));
}

/// Every field of the layer a key opens from, and of every layer below it, is
/// authenticated: flipping a byte of the grant id, the delegator, either capsule's
/// masked seed, the masked value or the grant value, or replacing the delegator by bytes
/// that are no point, gives `DecryptionFailed` (or an encoding error), never a wrong
/// plaintext or a panic. The same edits on a hop **above** the key's layer change
/// nothing for it.
#[test]
fn every_field_at_or_below_the_open_layer_is_authenticated() {
    let w = world();
    let t1 = RecordParts::of(&w.t1);
    type Edit = fn(&mut HopParts);
    let edits: Vec<(&str, Edit)> = vec![
        ("grant id", |h| h.grant_id[3] ^= 1),
        ("delegator byte", |h| h.delegator[47] ^= 1),
        ("delegator not a point", |h| h.delegator = vec![0xff; 48]),
        ("delegator zero", |h| h.delegator = vec![0; 48]),
        ("grant capsule seed", |h| {
            let n = h.grant_capsule.len();
            h.grant_capsule[n - 1] ^= 1;
        }),
        ("record capsule seed", |h| {
            let n = h.record_capsule.len();
            h.record_capsule[n - 1] ^= 1;
        }),
        ("grant capsule authority", |h| h.grant_capsule[0] ^= 1),
        ("masked value ↔ grant value", |h| {
            if h.flag == 1 {
                std::mem::swap(&mut h.masked_r, &mut h.grant_r);
            } else {
                h.masked_r = RecordParts::of(&world().s2).hops[0].masked_r.clone();
            }
        }),
        ("record capsule ← grant capsule", |h| {
            h.record_capsule = h.grant_capsule.clone();
        }),
    ];
    for (hop, key_at_or_above, key_below) in [
        (
            0usize,
            vec![&w.physician, &w.auditor, &w.both],
            vec![&w.patient],
        ),
        (1, vec![&w.auditor], vec![&w.patient, &w.physician, &w.both]),
    ] {
        for (name, edit) in &edits {
            let mut v = t1.clone();
            edit(&mut v.hops[hop]);
            let Ok(rec) = v.record() else { continue };
            for k in &key_at_or_above {
                let r = w.open(k, &rec);
                assert_eq!(r, Err(Error::DecryptionFailed), "hop {hop}: {name}");
            }
            for k in &key_below {
                assert_eq!(w.open(k, &rec).unwrap(), b"ecg", "hop {hop}: {name}");
            }
        }
    }
}

/// The hop-count byte: fewer hops than follow is `TrailingBytes`, more is `Truncated`,
/// above `MAX_HOPS` is `BadLength` (before reading the hops).
#[test]
fn the_hop_count_byte_cannot_be_edited() {
    let w = world();
    let b = w.t1.to_bytes();
    let at = b.len()
        - RecordParts::of(&w.t1)
            .hops
            .iter()
            .map(|h| h.bytes().len())
            .sum::<usize>()
        - 1;
    assert_eq!(b[at], 2);
    let with = |n: u8| {
        let mut c = b.clone();
        c[at] = n;
        SealedRecord::from_bytes(&c).map(|_| ())
    };
    let enc = |e| Err(Error::InvalidEncoding(e));
    assert_eq!(with(0), enc(EncodingError::TrailingBytes));
    assert_eq!(with(1), enc(EncodingError::TrailingBytes));
    assert_eq!(with(3), enc(EncodingError::Truncated));
    assert_eq!(with(8), enc(EncodingError::Truncated));
    for n in [9, 0x80, 0xff] {
        assert_eq!(with(n), enc(EncodingError::BadLength));
    }
}

/// A hop is bound to the record's header, not only to its id and metadata: two records
/// sealed under the same policy with the same id and metadata (a re-seal, or a clash),
/// and the hop of one moved onto the other, open nothing for the hop's audience.
#[test]
fn a_hop_of_a_record_with_the_same_id_and_metadata_opens_nothing() {
    let w = world();
    let pk = w.hospital.public_key();
    let mut rng = rng(0x56_0002);
    let twin = seal(
        pk,
        &policy("patient:42"),
        b"p42/ecg",
        b"cardio",
        b"twin",
        &mut rng,
    )
    .unwrap();
    let mut v = RecordParts::of(&twin);
    v.hops = RecordParts::of(&w.s1).hops;
    let rec = v.record().unwrap();
    assert_eq!(w.open(&w.physician, &rec), Err(Error::DecryptionFailed));
    assert_eq!(w.open(&w.patient, &rec).unwrap(), b"twin");
    v.hops = RecordParts::of(&w.t1).hops;
    let rec = v.record().unwrap();
    assert_eq!(w.open(&w.auditor, &rec), Err(Error::DecryptionFailed));
    assert_eq!(w.open(&w.physician, &rec), Err(Error::DecryptionFailed));
    // And the genuine re-encryption of the twin opens with its own content.
    let s = w.rk1.reencrypt(&twin).unwrap();
    assert_eq!(w.open(&w.physician, &s).unwrap(), b"twin");
}

/// Cutting hops and relabelling: the record cut to fewer hops is the genuine older
/// record (documented rollback), and no cut combined with a new id or metadata opens
/// for anyone. Splicing hop 1 of another record of grant 1 under this record's hop 2,
/// or this record's hops onto another record, opens nothing; a key that satisfies both
/// hop policies opens a splice only through the genuine lower hop, with that record's
/// own content.
#[test]
fn cuts_relabels_and_splices_open_nothing_new() {
    let w = world();
    let t1 = RecordParts::of(&w.t1);
    let t2 = RecordParts::of(&w.t2);
    let s2 = RecordParts::of(&w.s2);
    let r2 = RecordParts::of(&w.r2);
    // Cut to one hop: exactly s1.
    let mut v = t1.clone();
    v.hops.truncate(1);
    assert_eq!(v.bytes(), w.s1.to_bytes());
    // Cut + relabel id or metadata: nobody opens.
    for (id, meta) in [(&b"p42/psych"[..], &b"cardio"[..]), (b"p42/ecg", b"psy")] {
        for keep in 0..=2 {
            let mut v = t1.clone();
            v.hops.truncate(keep);
            v.id = id.to_vec();
            v.meta = meta.to_vec();
            let rec = v.record().unwrap();
            for k in [&w.patient, &w.physician, &w.auditor, &w.both] {
                let r = w.open(k, &rec);
                assert!(
                    r == Err(Error::DecryptionFailed) || r == Err(Error::PolicyNotSatisfied),
                    "{keep} hops: {r:?}"
                );
            }
        }
    }
    // s2's genuine hop 1 under t1's hop 2, on r2's header: hop 2 is bound to r1.
    let mut v = s2.clone();
    v.hops.push(t1.hops[1].clone());
    let rec = v.record().unwrap();
    assert_eq!(w.open(&w.auditor, &rec), Err(Error::DecryptionFailed));
    assert_eq!(w.open(&w.physician, &rec).unwrap(), b"psychiatry notes");
    assert_eq!(w.open(&w.both, &rec).unwrap(), b"psychiatry notes");
    // t1's hops on r2: nothing above the patient.
    let mut v = r2.clone();
    v.hops.clone_from(&t1.hops);
    let rec = v.record().unwrap();
    for k in [&w.physician, &w.auditor, &w.both] {
        assert_eq!(w.open(k, &rec), Err(Error::DecryptionFailed));
    }
    assert_eq!(w.open(&w.patient, &rec).unwrap(), b"psychiatry notes");
    // t1's first hop, t2's second (same grants, other record): the auditor fails.
    let mut v = t1.clone();
    v.hops[1] = t2.hops[1].clone();
    let rec = v.record().unwrap();
    assert_eq!(w.open(&w.auditor, &rec), Err(Error::DecryptionFailed));
    assert_eq!(w.open(&w.physician, &rec).unwrap(), b"ecg");
    // Two copies of the genuine hop 2 (8 hops would not decode: one grant twice is not
    // refused by the decoder, only by reencrypt); the auditor opens from hop 2.
    let mut v = t1.clone();
    v.hops.push(t1.hops[1].clone());
    if let Ok(rec) = v.record() {
        assert_eq!(w.open(&w.auditor, &rec).unwrap(), b"ecg");
        assert!(w.rk2.reencrypt(&rec).is_err());
    }
}

/// Re-encryption is deterministic on every path: twice, after a decode round trip, in a
/// batch, through the consent-gated batch; and a hop's bytes depend on the record, not
/// on the body (the binding does not cover it).
#[test]
fn reencryption_is_deterministic_on_every_path() {
    let w = world();
    let once = w.rk1.reencrypt(&w.r1).unwrap().to_bytes();
    assert_eq!(once, w.s1.to_bytes());
    let decoded = SealedRecord::from_bytes(&w.r1.to_bytes()).unwrap();
    assert_eq!(w.rk1.reencrypt(&decoded).unwrap().to_bytes(), once);
    let batch = w.rk1.reencrypt_batch(&[w.r1.clone(), w.r2.clone()]);
    assert_eq!(batch[0].as_ref().unwrap().to_bytes(), once);
    assert_eq!(batch[1].as_ref().unwrap(), &w.s2);
    // A re-key decoded from its bytes makes the same hops.
    let rk = ReKey::from_bytes(&w.rk1.to_bytes()).unwrap();
    assert_eq!(rk.reencrypt(&w.r1).unwrap().to_bytes(), once);
    // The body is not in the binding: the same header with another body gets the same
    // hop (linkable), and that record opens for nobody (the AEAD tag fails).
    let mut v = RecordParts::of(&w.r1);
    v.body[0] ^= 1;
    let other_body = w.rk1.reencrypt(&v.record().unwrap()).unwrap();
    assert_eq!(
        RecordParts::of(&other_body).hops,
        RecordParts::of(&w.s1).hops
    );
    assert_eq!(
        w.open(&w.physician, &other_body),
        Err(Error::DecryptionFailed)
    );
    assert_eq!(
        w.open(&w.patient, &other_body),
        Err(Error::DecryptionFailed)
    );
}

fn consent_for(issuer: &BlsSigningKey, to: &str, rekey: &ReKey) -> VerifiedConsent {
    let g = Grant::new(
        "patient",
        Grantee::Policy(policy(to)),
        Window::new(T0, T0 + 30 * DAY).unwrap(),
    )
    .purposes(["treatment"])
    .rekey(rekey);
    let token = ConsentToken::issue(issuer, &g, &mut rng(999)).unwrap();
    verify(
        &token,
        &issuer.public_key(),
        T0 + DAY,
        &RevocationSet::new(),
    )
    .unwrap()
}

/// The record budget holds on every path that makes a hop: `reencrypt`, `can_reencrypt`,
/// `reencrypt_batch` and the consent-gated batch refuse a record whose result would be
/// over the budget (`LimitExceeded(PolicyCost)`), and give the deterministic result for
/// the others; every record they make decodes again (the two checks agree).
#[test]
fn the_record_budget_holds_on_every_reencryption_path() {
    let w = world();
    let pk = w.hospital.public_key();
    let mut rng = rng(0x56_0003);
    let delegator = BlsSigningKey::generate(&mut rng);
    let big = names("bb", 62).join(" or ");
    let big_rec = seal(pk, &policy(&big), b"big", b"", b"x", &mut rng).unwrap();
    let small_rec = seal(pk, &policy("bb:0"), b"small", b"", b"y", &mut rng).unwrap();
    let rk = grant(&w.hospital, &["bb:0"], &delegator, "role:to", &mut rng);
    assert!(over_budget(&rk.reencrypt(&big_rec)));
    assert!(!rk.can_reencrypt(&big_rec));
    let batch = rk.reencrypt_batch(&[big_rec.clone(), small_rec.clone()]);
    assert!(over_budget(&batch[0]));
    let ok = batch[1].as_ref().unwrap();
    assert_eq!(ok, &rk.reencrypt(&small_rec).unwrap());
    let consent = consent_for(&delegator, "role:to", &rk);
    let gated = reencrypt_batch_with_consent(
        &consent,
        &rk,
        &[(&big_rec, "any"), (&small_rec, "any")],
        "treatment",
    )
    .unwrap();
    assert!(over_budget(&gated[0]));
    assert_eq!(gated[1].as_ref().unwrap(), ok);
    // Find the largest AND target that still fits on the small record: its result
    // decodes (re-encryption's check and the decoder's agree at the edge), the next
    // one is refused by both (spliced by hand).
    let mut last_ok = None;
    for m in (20..=40).rev() {
        let to = names("edge", m).join(" and ");
        let rk = grant(&w.hospital, &["bb:0"], &delegator, &to, &mut rng);
        match rk.reencrypt(&small_rec) {
            Ok(r) => {
                last_ok = Some((m, r));
                break;
            }
            Err(e) => assert!(over_budget(&Err::<(), _>(e)), "{m}"),
        }
    }
    let (m, edge) = last_ok.expect("some AND target fits");
    assert!(m < 64);
    let decoded = SealedRecord::from_bytes(&edge.to_bytes()).unwrap();
    let key = w.hospital.issue_key(&names("edge", m), &mut rng).unwrap();
    assert_eq!(key.open(pk, &decoded).unwrap(), b"y");
}

// =====================================================================================
// Decoding: crafted hops give typed errors, and the budget is checked before the work
// =====================================================================================

/// A record far over the budget (a 62-row header and eight hops whose capsules are
/// 62-row headers, every point valid) must be refused with `LimitExceeded(PolicyCost)`
/// about as fast as decoding the 62-row record alone ("both checks run before any group
/// work", `docs/security.md` §12.1 item 3, `docs/policy.md` §4.1).
///
/// Was a FINDING: the refusal was right but came last. The decoder validated every point
/// of the seventeen headers (3 264 G1 and 51 G2 subgroup checks) and the fifteen GT
/// elements first: measured 468–937 ms against 21–49 ms for the 62-row record alone
/// (19–22x), about 130 AND-of-1 opens. Fixed: `SealedRecord::from_bytes` first reads the
/// structure and the policies without decoding any point and refuses an over-budget
/// record then. Checked two ways: the time (against the 62-row record alone), and the
/// error kind when a point of the over-budget record is invalid (`PolicyCost`, where the
/// same invalid point in a record within the budget gives `InvalidPoint`).
#[test]
fn an_over_budget_record_is_refused_before_its_points_are_checked() {
    let w = world();
    let pk = w.hospital.public_key();
    let mut rng = rng(0x56_0004);
    let big = seal(
        pk,
        &policy(&names("ob", 62).join(" or ")),
        b"ob",
        b"",
        b"x",
        &mut rng,
    )
    .unwrap();
    let parts = RecordParts::of(&big);
    let gt = w.gt();
    let mut monster = parts.clone();
    for i in 0..cipherchart::limits::MAX_HOPS {
        let mut h = forged_hop(w.id(), "role:x", &gt, i == 0);
        h.grant_capsule.clone_from(&parts.kem);
        h.record_capsule.clone_from(&parts.kem);
        monster.hops.push(h);
    }
    let bytes = monster.bytes();
    let plain = big.to_bytes();
    let time = |b: &[u8]| {
        (0..3)
            .map(|_| {
                let t = Instant::now();
                let r = SealedRecord::from_bytes(b).map(|_| ());
                (t.elapsed(), r)
            })
            .min_by_key(|(d, _)| *d)
            .unwrap()
    };
    let (t_plain, r_plain) = time(&plain);
    let (t_monster, r_monster) = time(&bytes);
    assert_eq!(r_plain, Ok(()));
    assert!(over_budget(&r_monster));
    let and1 = (0..3)
        .map(|_| {
            let t = Instant::now();
            w.open(&w.patient, &w.r1).unwrap();
            t.elapsed()
        })
        .min()
        .unwrap();
    eprintln!(
        "decode: 62-row record {t_plain:?}, over-budget 8-hop record {t_monster:?} ({:.0}x an AND-of-1 open of {and1:?})",
        t_monster.as_secs_f64() / and1.as_secs_f64()
    );
    assert!(
        t_monster < t_plain * 3 + Duration::from_millis(20),
        "{t_monster:?} vs {t_plain:?}"
    );
    // An invalid point (x ≥ p) in the header's first row, in a hop capsule's C0 or in a
    // GT element: the budget refuses first. The same first-row point in the record
    // within the budget is an InvalidPoint, so the budget is checked before any point.
    let row0 = skip_lp(&parts.kem, 32) + 288 + 4;
    let mut bad_g1 = vec![0xff; 48];
    bad_g1[0] = 0x9f;
    let mut bad_kem = parts.kem.clone();
    bad_kem[row0..row0 + 48].copy_from_slice(&bad_g1);
    let mut bad_plain = parts.clone();
    bad_plain.kem.clone_from(&bad_kem);
    assert_eq!(
        bad_plain.record().unwrap_err(),
        Error::InvalidEncoding(EncodingError::InvalidPoint)
    );
    let mut bad = monster.clone();
    bad.kem.clone_from(&bad_kem);
    assert!(
        over_budget(&bad.record()),
        "{:?}",
        bad.record().unwrap_err()
    );
    let mut bad = monster.clone();
    let c0 = skip_lp(&bad.hops[3].record_capsule, 32);
    bad.hops[3].record_capsule[c0..c0 + 96].fill(0xff);
    assert!(
        over_budget(&bad.record()),
        "{:?}",
        bad.record().unwrap_err()
    );
    let mut bad = monster.clone();
    bad.hops[5].masked_r.fill(0xff);
    assert!(
        over_budget(&bad.record()),
        "{:?}",
        bad.record().unwrap_err()
    );
    // One hop of the same kind is over the budget too, and so is the spliced hop of a
    // genuine record on this header.
    let mut one = parts.clone();
    one.hops.push(RecordParts::of(&w.s1).hops[0].clone());
    assert!(over_budget(&one.record()));
}

/// Crafted length fields, counts and flags anywhere in a two-hop record, and byte flips
/// through its hops: typed errors only (decode, then open with every key), never a
/// panic, never a wrong plaintext.
#[test]
fn crafted_hops_give_typed_errors_never_panics() {
    let w = world();
    let b = w.t1.to_bytes();
    let t1 = RecordParts::of(&w.t1);
    let hops_at = b.len() - t1.hops.iter().map(|h| h.bytes().len()).sum::<usize>();
    // Offsets of every u32 length inside the hops: the policy length and row count of
    // each capsule.
    let mut u32_fields = Vec::new();
    let mut at = hops_at;
    for h in &t1.hops {
        let gc = at + GRANT;
        let rc = gc + h.grant_capsule.len();
        for cap in [gc, rc] {
            u32_fields.push(cap + 32);
            u32_fields.push(skip_lp(&b, cap + 32) + 288);
        }
        at += h.bytes().len();
    }
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    for &f in &u32_fields {
        let v = u32_at(&b, f) as u32;
        for x in [
            0,
            1,
            v.wrapping_sub(1),
            v + 1,
            256,
            257,
            65_536,
            65_537,
            u32::MAX,
        ] {
            let mut c = b.clone();
            c[f..f + 4].copy_from_slice(&x.to_be_bytes());
            inputs.push(c);
        }
    }
    // Flag bytes: every value.
    let mut at = hops_at;
    for h in &t1.hops {
        let flag_at = at + GRANT + h.grant_capsule.len() + h.record_capsule.len() + GT;
        for x in [0u8, 1, 2, 0x80, 0xff] {
            let mut c = b.clone();
            c[flag_at] = x;
            inputs.push(c);
        }
        at += h.bytes().len();
    }
    // Truncations inside the hops and byte flips at spread positions.
    for cut in (hops_at..b.len()).step_by(997) {
        inputs.push(b[..cut].to_vec());
    }
    let mut r = rng(0x56_0005);
    for _ in 0..60 {
        let pos = hops_at + (rand::Rng::gen_range(&mut r, 0..b.len() - hops_at));
        let mut c = b.clone();
        c[pos] ^= 1 << rand::Rng::gen_range(&mut r, 0..8);
        inputs.push(c);
    }
    let keys = [&w.patient, &w.physician, &w.auditor];
    for (i, input) in inputs.iter().enumerate() {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let Ok(rec) = SealedRecord::from_bytes(input) else {
                return;
            };
            for k in keys {
                match w.open(k, &rec) {
                    Ok(p) => assert_eq!(p, b"ecg", "input {i}"),
                    Err(Error::DecryptionFailed | Error::PolicyNotSatisfied) => {}
                    Err(e) => panic!("input {i}: unexpected {e:?}"),
                }
            }
        }));
        assert!(outcome.is_ok(), "input {i} panicked");
    }
}

// =====================================================================================
// Cost measurements (ignored; one record per process)
// =====================================================================================
//
// 1. `V2OA_DIR=/tmp/v2oa cargo test --test reencryption -- --ignored
//    open_attacks::prepare_cost_records`
// 2. per record: `V2OA_DIR=/tmp/v2oa V2OA_NAME=<name> cargo test --test reencryption --
//    --ignored --nocapture open_attacks::measure_one_record` (add `V2OA_WARM_COLUMNS=1` to
//    warm the column points first, `V2OA_REPEAT=8` to open it 8 times and report every open).
//    Times are the opening thread's CPU time (`/proc/thread-self/schedstat`), against
//    the mean of 20 warm AND-of-1 opens in the same process. Under callgrind, use
//    `--toggle-collect='*measured_open*'`.

fn dir() -> std::path::PathBuf {
    std::env::var_os("V2OA_DIR").map_or_else(|| "/tmp/v2oa".into(), Into::into)
}

fn put(name: &str, bytes: &[u8]) {
    std::fs::write(dir().join(name), bytes).unwrap();
}

fn get(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap()
}

/// The record `name` and the key that opens it (`name.rec`, `name.key`).
fn put_case(name: &str, rec: &SealedRecord, key: &UserKey) {
    put(&format!("{name}.rec"), &rec.to_bytes());
    put(&format!("{name}.key"), &key.to_bytes());
}

/// An `n`-hop chain over `layer(0..=n)` policies (each layer i's key attributes
/// `attrs(i)`); returns the record and a key for the newest layer.
fn chain(
    a: &Authority,
    layers: &[(String, Vec<String>)],
    rng: &mut ChaCha20Rng,
) -> (SealedRecord, UserKey) {
    let pk = a.public_key();
    let mut rec = seal(pk, &policy(&layers[0].0), b"chain", b"", b"x", rng).unwrap();
    let delegator = BlsSigningKey::generate(rng);
    for w in layers.windows(2) {
        let rk = a
            .issue_delegation_key(&w[0].1, &delegator.public_key(), rng)
            .unwrap()
            .rekey(pk, &policy(&w[1].0), rng)
            .unwrap();
        rec = rk.reencrypt(&rec).unwrap();
    }
    let key = a.issue_key(&layers.last().unwrap().1, rng).unwrap();
    (rec, key)
}

#[test]
#[ignore = "measurement: writes the records for measure_one_record"]
fn prepare_cost_records() {
    std::fs::create_dir_all(dir()).unwrap();
    let mut rng = rng(0x56_00c0);
    let a = Authority::setup(&mut rng);
    let pk = a.public_key();
    put("pk", &pk.to_bytes());
    let one = seal(pk, &policy("base:0"), b"b", b"", b"x", &mut rng).unwrap();
    put_case("and1", &one, &a.issue_key(&["base:0"], &mut rng).unwrap());
    // The column warmer: an AND of 64 under names used nowhere else.
    let warm = names("warm", 64);
    let r = seal(pk, &policy(&warm.join(" and ")), b"w", b"", b"x", &mut rng).unwrap();
    put_case("warm64", &r, &a.issue_key(&warm, &mut rng).unwrap());
    // AND of 64 (the docs' worst, 33x with warm columns).
    let n = names("and64", 64);
    let r = seal(pk, &policy(&n.join(" and ")), b"a", b"", b"x", &mut rng).unwrap();
    put_case("and64", &r, &a.issue_key(&n, &mut rng).unwrap());
    // A physician's view: `role:physician or (AND of 63)`, 63 columns, one row used.
    let n = names("or63", 63);
    let text = format!("role:physician or ({})", n.join(" and "));
    let r = seal(pk, &policy(&text), b"o", b"", b"x", &mut rng).unwrap();
    put_case(
        "phys_or_and63",
        &r,
        &a.issue_key(&["role:physician"], &mut rng).unwrap(),
    );
    // The same with 255-byte names.
    let long: Vec<String> = (0..63)
        .map(|i| format!("{i:03}:{}", "L".repeat(251)))
        .collect();
    assert!(long.iter().all(|s| s.len() == 255));
    let text = format!("role:physician or ({})", long.join(" and "));
    let r = seal(pk, &policy(&text), b"l", b"", b"x", &mut rng).unwrap();
    put_case(
        "phys_or_and63_long",
        &r,
        &a.issue_key(&["role:physician"], &mut rng).unwrap(),
    );
    // The widest threshold with the most columns the bound admits beside a physician.
    let n = names("thr", 48);
    let k = (2..48)
        .rev()
        .find(|&k| Policy::parse(&format!("role:physician or {k} of ({})", n.join(", "))).is_ok())
        .unwrap();
    eprintln!("largest k of 48 beside a physician: {k}");
    let text = format!("role:physician or {k} of ({})", n.join(", "));
    let r = seal(pk, &policy(&text), b"t", b"", b"x", &mut rng).unwrap();
    put_case(
        "phys_or_thr48",
        &r,
        &a.issue_key(&["role:physician"], &mut rng).unwrap(),
    );
    // Eight hops, every layer an AND of 2 (17 header computations, 34 rows).
    let layers: Vec<(String, Vec<String>)> = (0..=8)
        .map(|i| {
            let n = names(&format!("h8l{i}"), 2);
            (n.join(" and "), n)
        })
        .collect();
    let (r, k) = chain(&a, &layers, &mut rng);
    put_case("hops8_and2", &r, &k);
    // One hop: AND of 1 record, then the largest AND target that fits.
    let base = names("h1b", 1);
    let mut best = None;
    for m in (20..=40).rev() {
        let to = names("h1t", m);
        let layers = [
            (base.join(" and "), base.clone()),
            (to.join(" and "), to.clone()),
        ];
        let pk = a.public_key();
        let rec = seal(pk, &policy(&layers[0].0), b"chain", b"", b"x", &mut rng).unwrap();
        let d = BlsSigningKey::generate(&mut rng);
        let rk = a
            .issue_delegation_key(&base, &d.public_key(), &mut rng)
            .unwrap()
            .rekey(pk, &policy(&layers[1].0), &mut rng)
            .unwrap();
        if let Ok(r) = rk.reencrypt(&rec) {
            best = Some((m, r, a.issue_key(&to, &mut rng).unwrap()));
            break;
        }
    }
    let (m, r, k) = best.unwrap();
    eprintln!("one hop AND of 1 -> AND of {m}");
    put_case("hop1_and1_to_max", &r, &k);
    // A forged hop (free capsules) under the opener's policy above a record it cannot
    // open: the rejection cost of a forged layer.
    let rec = seal(pk, &policy("fh:owner"), b"f", b"", b"x", &mut rng).unwrap();
    let gt = RecordParts::of(
        &a.issue_delegation_key(
            &["fh:owner"],
            &BlsSigningKey::generate(&mut rng).public_key(),
            &mut rng,
        )
        .unwrap()
        .rekey(pk, &policy("fh:other"), &mut rng)
        .unwrap()
        .reencrypt(&rec)
        .unwrap(),
    )
    .hops[0]
        .masked_r
        .clone();
    let mut v = RecordParts::of(&rec);
    v.hops.push(forged_hop(pk.id(), "base:0", &gt, true));
    put_case(
        "forged_hop",
        &v.record().unwrap(),
        &a.issue_key(&["base:0"], &mut rng).unwrap(),
    );
    // A forged header (free) under the opener's own AND of 1.
    let mut v = RecordParts::of(&one);
    v.kem = forged_kem(pk.id(), "base:0");
    put_case(
        "forged_and1",
        &v.record().unwrap(),
        &a.issue_key(&["base:0"], &mut rng).unwrap(),
    );
}

/// CPU time of this thread, in nanoseconds.
fn thread_cpu_ns() -> u64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
    s.split_whitespace().next().unwrap().parse().unwrap()
}

#[inline(never)]
fn measured_open(
    pk: &cipherchart::PublicKey,
    key: &UserKey,
    rec_bytes: &[u8],
) -> Result<Vec<u8>, Error> {
    let rec = SealedRecord::from_bytes(rec_bytes)?;
    key.open(pk, &rec)
}

#[inline(never)]
fn unmeasured_open(
    pk: &cipherchart::PublicKey,
    key: &UserKey,
    rec_bytes: &[u8],
) -> Result<Vec<u8>, Error> {
    let rec = SealedRecord::from_bytes(rec_bytes)?;
    key.open(pk, &rec)
}

#[test]
#[ignore = "measurement: one record per process, see the comment above"]
fn measure_one_record() {
    let name = std::env::var("V2OA_NAME").unwrap();
    let pk = cipherchart::PublicKey::from_bytes(&get("pk")).unwrap();
    let load = |n: &str| {
        (
            UserKey::from_bytes(&get(&format!("{n}.key"))).unwrap(),
            get(&format!("{n}.rec")),
        )
    };
    let (k1, r1) = load("and1");
    unmeasured_open(&pk, &k1, &r1).unwrap();
    unmeasured_open(&pk, &k1, &r1).unwrap();
    if std::env::var_os("V2OA_WARM_COLUMNS").is_some() {
        let (kw, rw) = load("warm64");
        unmeasured_open(&pk, &kw, &rw).unwrap();
    }
    // Eviction: open `V2OA_EVICT` records sealed (by anyone: only the public key is
    // needed) under `role:physician or (AND of 63 fresh names)` with the physician key.
    let evict: usize = std::env::var("V2OA_EVICT").map_or(0, |s| s.parse().unwrap());
    for i in 0..evict {
        let (ke, re) = load(&format!("evict{i}"));
        let epk = cipherchart::PublicKey::from_bytes(&get("evict.pk")).unwrap();
        unmeasured_open(&epk, &ke, &re).unwrap();
    }
    let mut base = 0;
    for _ in 0..20 {
        let t = thread_cpu_ns();
        unmeasured_open(&pk, &k1, &r1).unwrap();
        base += thread_cpu_ns() - t;
    }
    let base = base as f64 / 20.0;
    let (k, r) = load(&name);
    let repeat: usize = std::env::var("V2OA_REPEAT").map_or(1, |s| s.parse().unwrap());
    for i in 1..=repeat {
        report_open(&name, i, base, || measured_open(&pk, &k, &r));
    }
}

/// Times `open` in this thread's CPU time and prints `<name> open <i>: <result> <ms> =
/// <ratio>x AND-of-1 (<base ms>)`, the line the measuring tests parse.
fn report_open(name: &str, i: usize, base: f64, open: impl FnOnce() -> Result<Vec<u8>, Error>) {
    let t = thread_cpu_ns();
    let out = open();
    let ns = thread_cpu_ns() - t;
    eprintln!(
        "{name} open {i}: {:?} {:.1} ms = {:.1}x AND-of-1 ({:.2} ms)",
        out.as_ref().map(|_| "ok").map_err(|e| e.code()),
        ns as f64 / 1e6,
        ns as f64 / base,
        base / 1e6
    );
}

/// Was a FINDING (cost model): the model counted hashing a row's attribute points
/// (`ROW_STEPS`) but not the column points `U(j, l, t)`, which were hashed on first use
/// and cached, and were warm in the documented measurements. Cold, admitted records
/// opened well past 50x an AND-of-1 open (CPU time, one process per record, same-process
/// AND-of-1 baseline): AND of 64 57x (36x with the columns warmed),
/// `role:physician or (AND of 63)` 58x (40x warm), the same with 255-byte names 63x.
/// Fixed: the points of every column an admitted policy can have (1..=64) are compiled
/// in, so no open hashes a column point (`docs/policy.md` §4.1).
///
/// Each record is prepared in one child process and opened in another, fresh (none of
/// its names nor any column hashed), by `measure_one_record`; the ratio is CPU time
/// against the same process's AND-of-1 opens.
///
/// A timing measurement, so not run by default (a loaded CI machine makes CPU-time ratios
/// noisy: measured 41x worst on a machine at load 4-6, against the 50x bound). Run it on a
/// quiet machine with `cargo test --test reencryption -- --ignored open_attacks::cold_columns`.
/// What CI checks instead is the fix itself: `column_table_is_the_hash` (every compiled-in column
/// point is the hash it replaces) and the cost model's bounds in `tests/records/open_cost.rs`.
#[test]
#[ignore = "measurement (CPU-time ratio): run on a quiet machine with --ignored"]
fn cold_columns_keep_the_worst_open_within_50x() {
    let dir = std::env::temp_dir().join(format!("v2oa-cold-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.to_str().unwrap();
    run_child("prepare_cost_records", &[("V2OA_DIR", d)]);
    let mut worst = 0.0f64;
    for name in ["and64", "phys_or_and63", "phys_or_and63_long"] {
        let out = run_child(
            "measure_one_record",
            &[("V2OA_DIR", d), ("V2OA_NAME", name)],
        );
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("{name} open 1:")))
            .unwrap_or_else(|| panic!("no measurement in {out}"));
        assert!(line.contains("Ok(\"ok\")"), "{line}");
        let ratio: f64 = line
            .split(" = ")
            .nth(1)
            .and_then(|r| r.split('x').next())
            .unwrap()
            .parse()
            .unwrap();
        eprintln!("cold: {line}");
        worst = worst.max(ratio);
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(worst < 50.0, "{worst:.1}x");
}

/// Runs this binary's (ignored) test `test` alone in a fresh process with `env`, and
/// returns its standard error.
fn run_child(test: &str, env: &[(&str, &str)]) -> String {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            &crate::common::test_path(module_path!(), test),
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{test}: {err}");
    err
}

#[test]
#[ignore = "measurement: writes the eviction records for measure_one_record (V2OA_EVICT)"]
fn prepare_evictors() {
    let mut rng = rng(0x56_00e0);
    // The authority of prepare_cost_records is not kept; evictors only need to be
    // opened (their names hashed), so any authority's public key will do: the physician
    // key of that authority is used with the evictor's own authority below.
    let a = Authority::setup(&mut rng);
    let pk = a.public_key();
    let key = a.issue_key(&["role:physician"], &mut rng).unwrap();
    for i in 0..16 {
        let n = names(&format!("ev{i}"), 63);
        let text = format!("role:physician or ({})", n.join(" and "));
        let r = seal(pk, &policy(&text), b"e", b"", b"x", &mut rng).unwrap();
        put_case(&format!("evict{i}"), &r, &key);
    }
    put("evict.pk", &pk.to_bytes());
}

// Fourth review (public-scalar Straus, threshold bases cache)
//
// Commit 8202194 builds a threshold policy's FO row bases (k − 1 Horner steps per
// component) on the policy's SECOND use and caches them (LRU of 32 policies). The
// attacker picks the policy and can make any open a second use: seal two records under
// the costliest admitted threshold (only the public key is needed) and have both opened.
// The second open then pays the Horner build, the normalisation and the row-way MSMs;
// with the attribute points evicted between the two opens (sealing 600 records of 7
// fresh names: the per-row FO path, no FO cache slot used, 4200 names through the
// 4096-entry attribute cache), it also pays the cold hashing. A policy needs 32 other
// policies' opens to fall out of the cache and pay the build again, so no open pays more
// than such a second open; `fourth_threshold_second_open_stays_within_50x` measures it.

/// The widths of the threshold cost records: no genuine `k of 64` or `k of 63` is
/// admitted (`docs/policy.md` §4.1: `2 of 63` is refused), 62 is the widest that is.
const FOURTH_THRESHOLD_WIDTHS: [usize; 6] = [62, 56, 48, 40, 32, 16];

/// Writes the pk, the AND-of-1 record and key, and for each `n` of
/// [`FOURTH_THRESHOLD_WIDTHS`] the widest admitted genuine `k of n` (`k < n`) with a key for `k` of its names (`thr{n}`: `k` rows weighted by
/// γ ≠ 1), and `role:physician or k of (48 names)` opened by a physician
/// (`phys_thr48`: the Horner build without the weighted rows).
#[test]
#[ignore = "measurement: writes the records for fourth_measure_threshold_opens"]
fn fourth_prepare_threshold_records() {
    std::fs::create_dir_all(dir()).unwrap();
    let mut rng = rng(0x56_04c0);
    let a = Authority::setup(&mut rng);
    let pk = a.public_key();
    put("pk", &pk.to_bytes());
    let one = seal(pk, &policy("base:0"), b"b", b"", b"x", &mut rng).unwrap();
    put_case("and1", &one, &a.issue_key(&["base:0"], &mut rng).unwrap());
    for n in FOURTH_THRESHOLD_WIDTHS {
        let names = names(&format!("f4thr{n}"), n);
        let list = names.join(", ");
        // k < n: `n of n` compiles to an AND (entries ±1, row bases on first use).
        let k = (2..n)
            .rev()
            .find(|k| Policy::parse(&format!("{k} of ({list})")).is_ok())
            .unwrap_or_else(|| panic!("no genuine k of {n} is admitted"));
        eprintln!("thr{n}: {k} of {n}");
        let r = seal(
            pk,
            &policy(&format!("{k} of ({list})")),
            b"t",
            b"",
            b"x",
            &mut rng,
        )
        .unwrap();
        put_case(
            &format!("thr{n}"),
            &r,
            &a.issue_key(&names[n - k..], &mut rng).unwrap(),
        );
    }
    let n = names("f4phys", 48);
    let k = (2..48)
        .rev()
        .find(|&k| Policy::parse(&format!("role:physician or {k} of ({})", n.join(", "))).is_ok())
        .unwrap();
    eprintln!("phys_thr48: role:physician or {k} of 48");
    let text = format!("role:physician or {k} of ({})", n.join(", "));
    let r = seal(pk, &policy(&text), b"p", b"", b"x", &mut rng).unwrap();
    put_case(
        "phys_thr48",
        &r,
        &a.issue_key(&["role:physician"], &mut rng).unwrap(),
    );
}

/// In a fresh process: the AND-of-1 baseline, then the record `V2OA_NAME` opened three
/// times (1st: by columns; 2nd: Horner build; 3rd: cached row bases), CPU time each; with
/// `V2OA_EVICT_ATTRS` set, the attribute-point cache is flushed between the 1st and 2nd.
#[test]
#[ignore = "measurement: one record per process, see fourth_threshold_second_open_stays_within_50x"]
fn fourth_measure_threshold_opens() {
    let name = std::env::var("V2OA_NAME").unwrap();
    let pk = cipherchart::PublicKey::from_bytes(&get("pk")).unwrap();
    let load = |n: &str| {
        (
            UserKey::from_bytes(&get(&format!("{n}.key"))).unwrap(),
            get(&format!("{n}.rec")),
        )
    };
    let (k1, r1) = load("and1");
    unmeasured_open(&pk, &k1, &r1).unwrap();
    unmeasured_open(&pk, &k1, &r1).unwrap();
    let mut base = 0;
    for _ in 0..20 {
        let t = thread_cpu_ns();
        unmeasured_open(&pk, &k1, &r1).unwrap();
        base += thread_cpu_ns() - t;
    }
    let base = base as f64 / 20.0;
    let (k, r) = load(&name);
    let mut rng = rng(0x56_04e0);
    for i in 1..=3 {
        if i == 2 && std::env::var_os("V2OA_EVICT_ATTRS").is_some() {
            for j in 0..600 {
                let text = names(&format!("f4ev{j}"), 7).join(" and ");
                seal(&pk, &policy(&text), b"e", b"", b"x", &mut rng).unwrap();
            }
        }
        report_open(&name, i, base, || measured_open(&pk, &k, &r));
    }
}

/// The threshold records' 1st, 2nd (Horner build) and 3rd opens in fresh processes, with
/// and without the attribute points evicted before the 2nd: each within 50 AND-of-1 opens
/// (CPU time).
#[test]
#[ignore = "measurement: spawns one process per record (release mode)"]
fn fourth_threshold_second_open_stays_within_50x() {
    let dir = std::env::temp_dir().join(format!("v2oa-f4-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.to_str().unwrap();
    let prep = run_child("fourth_prepare_threshold_records", &[("V2OA_DIR", d)]);
    eprint!("{prep}");
    let mut worst = 0.0f64;
    let names = FOURTH_THRESHOLD_WIDTHS
        .iter()
        .map(|n| format!("thr{n}"))
        .chain(["phys_thr48".to_owned()]);
    for name in names {
        let name = name.as_str();
        for evict in [false, true] {
            let mut env = vec![("V2OA_DIR", d), ("V2OA_NAME", name)];
            if evict {
                env.push(("V2OA_EVICT_ATTRS", "1"));
            }
            let out = run_child("fourth_measure_threshold_opens", &env);
            for i in 1..=3 {
                let line = out
                    .lines()
                    .find(|l| l.starts_with(&format!("{name} open {i}:")))
                    .unwrap_or_else(|| panic!("no measurement in {out}"));
                assert!(line.contains("Ok(\"ok\")"), "{line}");
                let ratio: f64 = line
                    .split(" = ")
                    .nth(1)
                    .and_then(|r| r.split('x').next())
                    .unwrap()
                    .parse()
                    .unwrap();
                eprintln!("evict attributes {evict}: {line}");
                worst = worst.max(ratio);
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    eprintln!("worst: {worst:.1}x");
    assert!(worst < 50.0, "{worst:.1}x");
}
