//! Outside review of the batched FO row check (issue 19, `docs/security.md` §2.1):
//! `Σ w(i,l)·C(i,l) = s1·A + s2·B` with weights hashed from the header digest.
//!
//! Every test here changes only rows that the opening key does **not** use, so DecCore's
//! `Z`, the seed μ, the coins and `C0` all stay right and only the batched row
//! comparison stands between the forged header and an accepted open. What each test
//! covers that `attacks::every_changed_row_component_is_rejected` (sealed records, one
//! component changed at a time) and `record::tests::batched_fo_check_agrees_with_the_per_row_check`
//! (random manglings, crate-internal) do not:
//!
//! * `rows_cancelling_under_the_honest_weights_are_rejected`: an attacker who computes
//!   the public weights of the honest header (they are public: `hazmat::expand_message_xmd`
//!   of `header_digest`) and changes two components by a combination that cancels
//!   exactly under those weights. Rejected because the weights are re-derived from the
//!   changed header's digest.
//! * `changed_rows_are_rejected_on_every_opening_path`: the same kind of change in a
//!   record header opened through a hop (where the record header's rows are checked by
//!   `recover_seed` in the unwind only, with no DecCore of its own), in a hop's grant
//!   and record capsules, in a capsule below a second hop (unwind only), in a session
//!   header and in a stream header.
//!
//! The FO check compares rows one by one below 8 rows and by the batched comparison
//! from 8 on (`record::kem::FO_BATCH_MIN_ROWS`), so the path tests run on policies of
//! 2 rows and of 8 (`PADDINGS`).
//!
//! Mutation check (the batched check forced to accept, locally, never committed): the
//! hop-capsule, unwind, session and grant-capsule-cancellation tests then fail on their
//! 8-row policies (the forged capsule opens to the plaintext); the sealed-record tests,
//! this file's and `attacks::every_changed_row_component_is_rejected`, still pass,
//! because a changed record header is also rejected by the AEAD, whose key and AD bind
//! the header digest. Those record-level tests do not isolate the row check.
//! * `identity_and_off_subgroup_rows_are_refused_at_decoding`: the premise of the
//!   soundness argument (every received row point in the order-r subgroup, not the
//!   identity) for an unused row of a real record.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use ark_bls12_381::{Fq, Fr, G1Affine, G1Projective};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::One;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};

use crate::common::record_layout::RecordParts;
use crate::common::{grant, rng, skip_lp};
use cipherchart::{
    seal, start_session, Authority, BlsSigningKey, EncodingError, Error, Policy, SealedRecord,
    SessionHeader,
};

fn authority() -> &'static Authority {
    static A: OnceLock<Authority> = OnceLock::new();
    A.get_or_init(|| Authority::setup(&mut rng(0xF0)))
}

const G1: usize = 48;

/// Offset of the first row point inside a KEM header encoding that starts at `at`:
/// authority (32) ‖ lp(policy) ‖ C0 (3·96) ‖ u32 rows.
fn rows_at(bytes: &[u8], at: usize) -> usize {
    skip_lp(bytes, at + 32) + 3 * 96 + 4
}

/// Offset of the KEM header inside an encoding: the one place where the
/// length-prefixed policy text follows an authority id.
fn kem_at(bytes: &[u8], policy: &Policy) -> usize {
    let text = policy.as_str().as_bytes();
    let mut needle = (text.len() as u32).to_be_bytes().to_vec();
    needle.extend_from_slice(text);
    let hits: Vec<usize> = bytes
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle.as_slice())
        .map(|(i, _)| i - 32)
        .collect();
    assert_eq!(hits.len(), 1, "one KEM header under {policy}");
    hits[0]
}

/// The point at `at`, decoded.
fn point(bytes: &[u8], at: usize) -> G1Affine {
    G1Affine::deserialize_compressed(&bytes[at..at + G1]).unwrap()
}

fn put(bytes: &mut [u8], at: usize, p: G1Affine) {
    let mut out = Vec::new();
    p.serialize_compressed(&mut out).unwrap();
    bytes[at..at + G1].copy_from_slice(&out);
}

/// Negates the row component at `at` (the compressed encoding's sign flag): a valid
/// point, not the honest one.
fn negate(bytes: &mut [u8], at: usize) {
    bytes[at] ^= 0x20;
}

/// The weights of the batched check, recomputed by an outsider from the public header
/// digest exactly as `docs/formats.md` states them.
fn weights(digest: &[u8; 32], rows: usize) -> Vec<Fr> {
    let uniform = cipherchart::hazmat::expand_message_xmd(
        digest,
        b"CIPHERCHART-V01-FO-CHECK-WEIGHTS-with-expander-SHA256-128",
        48 * rows,
    )
    .unwrap();
    uniform
        .chunks_exact(16)
        .map(|c| Fr::from(u128::from_be_bytes(c.try_into().unwrap())))
        .collect()
}

fn weighted_sum(points: &[G1Affine], w: &[Fr]) -> G1Projective {
    points.iter().zip(w).map(|(p, w)| *p * w).sum()
}

/// The attacker knows the weights of the honest header and changes the two first
/// components of an unused row by `d1 = w2·G`, `d2 = −w1·G`, so that `Σ w·C` is
/// unchanged under **those** weights (checked here). The opener draws the weights from
/// the changed header's digest, so the combination no longer cancels: rejected. Also:
/// the three components of the unused row permuted (their plain sum kept), and a
/// cancellation spread over the unused row and a used one.
#[test]
fn rows_cancelling_under_the_honest_weights_are_rejected() {
    let mut rng = rng(0xF1);
    let a = authority();
    let pk = a.public_key();
    // Rows: a:1 (0), b:2 (1), c:3 (2). The key uses rows 0 and 1; row 2 is unused.
    let policy = Policy::parse("a:1 and (b:2 or c:3)").unwrap();
    let key = a.issue_key(&["a:1", "b:2"], &mut rng).unwrap();
    let sealed = seal(pk, &policy, b"r", b"", b"payload", &mut rng).unwrap();
    let bytes = sealed.to_bytes();
    assert_eq!(key.open(pk, &sealed), Ok(b"payload".to_vec()));

    let kem = kem_at(&bytes, &policy);
    let rows = rows_at(&bytes, kem);
    let honest: Vec<G1Affine> = (0..9).map(|c| point(&bytes, rows + c * G1)).collect();
    let w = weights(&sealed.header_digest(), 3);
    let kem_end = crate::common::kem_end(&bytes, kem);
    assert_eq!(capsule_digest(&bytes[kem..kem_end]), sealed.header_digest());
    let g = G1Affine::generator();

    let forge = |changes: &[(usize, G1Projective)]| {
        let mut forged = bytes.clone();
        let mut points = honest.clone();
        for (c, d) in changes {
            points[*c] = (points[*c] + d).into_affine();
            put(&mut forged, rows + c * G1, points[*c]);
        }
        assert_ne!(points, honest);
        (forged, points)
    };

    // Two components of the unused row, cancelling under the honest weights.
    let (k, m) = (6, 7);
    let cancel_in_row = [(k, g * w[m]), (m, -(g * w[k]))];
    // One component of the unused row and one of a used row.
    let (k2, m2) = (8, 1);
    let cancel_across = [(k2, g * w[m2]), (m2, -(g * w[k2]))];
    for (what, changes) in [
        ("within the unused row", &cancel_in_row[..]),
        ("across a used and the unused row", &cancel_across[..]),
    ] {
        let (forged, points) = forge(changes);
        assert_eq!(
            weighted_sum(&points, &w),
            weighted_sum(&honest, &w),
            "{what}: cancels under the honest header's weights"
        );
        let record = SealedRecord::from_bytes(&forged).unwrap();
        assert_ne!(record.header_digest(), sealed.header_digest());
        let fresh = weights(&record.header_digest(), 3);
        assert_ne!(
            weighted_sum(&points, &fresh),
            weighted_sum(&honest, &fresh),
            "{what}: the forged header's own weights"
        );
        assert_eq!(
            key.open(pk, &record),
            Err(Error::DecryptionFailed),
            "{what}"
        );
    }

    // The unused row's components rotated: each moved to another component's place.
    let mut rotated = bytes.clone();
    for c in 0..3 {
        put(&mut rotated, rows + (6 + (c + 1) % 3) * G1, honest[6 + c]);
    }
    let record = SealedRecord::from_bytes(&rotated).unwrap();
    assert_eq!(key.open(pk, &record), Err(Error::DecryptionFailed));
}

struct Paths {
    pk: &'static cipherchart::PublicKey,
    /// Rows of every policy below (2 + the padding).
    rows: usize,
    chart: Policy,
    record: SealedRecord,
    hop1: SealedRecord,
    rk1: cipherchart::ReKey,
    rk2: cipherchart::ReKey,
    doctor: cipherchart::UserKey,
    auditor: cipherchart::UserKey,
}

/// `text` or `pad:0` … or `pad:{pad − 1}`: the same first rows, `pad` more after them.
fn padded(text: &str, pad: usize) -> String {
    (0..pad).fold(text.to_owned(), |t, i| format!("{t} or pad:{i}"))
}

/// The FO check compares rows one by one below 8 rows and by the batched comparison
/// from 8 on (`record::kem::FO_BATCH_MIN_ROWS`): every path test runs on both, with
/// policies of 2 rows and of 2 + 6 padding rows.
const PADDINGS: [usize; 2] = [0, 6];

/// A record under `patient:42 or patient:43`, re-encrypted by a re-key holding
/// `patient:42` to `role:physician or role:nurse` (hop 1), and a second re-key from
/// `role:physician` to `role:auditor or role:clerk`, each policy padded with `pad` more
/// rows (`padded`). Every capsule has an unused row: row 1.
fn paths(pad: usize) -> Paths {
    let mut rng = rng(0xF2);
    let a = authority();
    let pk = a.public_key();
    let patient = BlsSigningKey::generate(&mut rng);
    let physician = BlsSigningKey::generate(&mut rng);
    let chart = Policy::parse(&padded("patient:42 or patient:43", pad)).unwrap();
    let rk1 = grant(
        a,
        &["patient:42"],
        &patient,
        &padded("role:physician or role:nurse", pad),
        &mut rng,
    );
    let rk2 = grant(
        a,
        &["role:physician"],
        &physician,
        &padded("role:auditor or role:clerk", pad),
        &mut rng,
    );
    let doctor = a.issue_key(&["role:physician"], &mut rng).unwrap();
    let auditor = a.issue_key(&["role:auditor"], &mut rng).unwrap();
    let record = seal(pk, &chart, b"p42", b"", b"notes", &mut rng).unwrap();
    let hop1 = rk1.reencrypt(&record).unwrap();
    assert_eq!(doctor.open(pk, &hop1), Ok(b"notes".to_vec()));
    assert_eq!(
        auditor.open(pk, &rk2.reencrypt(&hop1).unwrap()),
        Ok(b"notes".to_vec())
    );
    Paths {
        pk,
        rows: 2 + pad,
        chart,
        record,
        hop1,
        rk1,
        rk2,
        doctor,
        auditor,
    }
}

/// The record header's unused row changed before the proxy transforms it (the proxy's
/// DecCore ignores that row; the delegatee checks the header only in the unwind). Also
/// caught without the row check, by the AEAD (its key and AD bind the header digest).
#[test]
fn changed_record_header_rows_are_rejected_through_a_hop() {
    for t in PADDINGS.map(paths) {
        for c in 3..6 {
            let mut bytes = t.record.to_bytes();
            let at = rows_at(&bytes, kem_at(&bytes, &t.chart)) + c * G1;
            negate(&mut bytes, at);
            let hopped = t
                .rk1
                .reencrypt(&SealedRecord::from_bytes(&bytes).unwrap())
                .unwrap();
            assert_eq!(
                t.doctor.open(t.pk, &hopped),
                Err(Error::DecryptionFailed),
                "{} rows, component {c}",
                t.rows
            );
        }
    }
}

/// A hop's grant capsule or record capsule with a component of its unused row
/// (`role:nurse`) changed. Nothing but the batched row check rejects these: the
/// capsules' digests are bound into no AEAD, and the changed row enters no DecCore
/// (verified by disabling the check: the grant capsule case then opens).
#[test]
fn changed_hop_capsule_rows_are_rejected() {
    for t in PADDINGS.map(paths) {
        for (what, forged) in changed_capsules(&t) {
            assert_eq!(
                t.doctor.open(t.pk, &forged),
                Err(Error::DecryptionFailed),
                "{} rows, {what}",
                t.rows
            );
        }
    }
}

/// Hop 1 with one component (3, 4 or 5: the unused row 1) of its grant or record
/// capsule negated, each with its description.
fn changed_capsules(t: &Paths) -> Vec<(String, SealedRecord)> {
    let parts = RecordParts::of(&t.hop1);
    let mut out = Vec::new();
    for c in 3..6 {
        for which in ["grant capsule", "record capsule"] {
            let mut p = parts.clone();
            let capsule = if which == "grant capsule" {
                &mut p.hops[0].grant_capsule
            } else {
                &mut p.hops[0].record_capsule
            };
            let at = rows_at(capsule, 0) + c * G1;
            negate(capsule, at);
            out.push((format!("{which} component {c}"), p.record().unwrap()));
        }
    }
    out
}

/// Hop 1's record capsule changed before a second hop: the auditor reaches it only in
/// the unwind (`recover_seed` with the unblinded value, no DecCore).
#[test]
fn changed_capsule_rows_below_a_second_hop_are_rejected() {
    for t in PADDINGS.map(paths) {
        for (what, forged) in changed_capsules(&t) {
            let hop2 = t.rk2.reencrypt(&forged).unwrap();
            assert_eq!(
                t.auditor.open(t.pk, &hop2),
                Err(Error::DecryptionFailed),
                "{} rows, hop 1 {what}",
                t.rows
            );
        }
    }
}

/// A session header and a stream header, `(x:1 or y:2) and cipherchart:key-holder`,
/// with a component of the unused `y:2` row changed.
#[test]
fn changed_session_and_stream_header_rows_are_rejected() {
    let mut rng = rng(0xF4);
    let a = authority();
    let pk = a.public_key();
    for pad in [0, 5] {
        let inner = Policy::parse(&padded("x:1 or y:2", pad)).unwrap();
        let guarded = Policy::parse(&format!("({inner}) and cipherchart:key-holder")).unwrap();
        assert_eq!(guarded.lsss().rows(), 3 + pad);
        let reader = a.issue_key(&["x:1"], &mut rng).unwrap();
        let (header, mut sealer) = start_session(pk, &inner, b"bed-1", b"", &mut rng).unwrap();
        let sealed_record = sealer.seal(b"", b"pulse 61").unwrap();
        let opener = reader.open_session(pk, &header).unwrap();
        assert_eq!(opener.open(&sealed_record), Ok(b"pulse 61".to_vec()));
        for c in 3..6 {
            let mut bytes = header.to_bytes();
            let at = rows_at(&bytes, kem_at(&bytes, &guarded)) + c * G1;
            negate(&mut bytes, at);
            let forged = SessionHeader::from_bytes(&bytes).unwrap();
            assert_eq!(
                reader.open_session(pk, &forged).err(),
                Some(Error::DecryptionFailed),
                "session header component {c}"
            );
        }
        let mut stream = Vec::new();
        cipherchart::seal_stream(
            pk,
            &inner,
            b"s",
            b"",
            &b"stream payload"[..],
            &mut stream,
            &mut rng,
        )
        .unwrap();
        let mut out = Vec::new();
        reader.open_stream(pk, &stream[..], &mut out).unwrap();
        assert_eq!(out, b"stream payload");
        for c in 3..6 {
            let mut bytes = stream.clone();
            let at = rows_at(&bytes, kem_at(&bytes, &guarded)) + c * G1;
            negate(&mut bytes, at);
            let mut out = Vec::new();
            assert_eq!(
                reader.open_stream(pk, &bytes[..], &mut out).err(),
                Some(Error::DecryptionFailed),
                "stream header component {c}"
            );
            assert!(out.is_empty());
        }
    }
}

/// The cancellation of `rows_cancelling_under_the_honest_weights_are_rejected` in the
/// hop's grant capsule, where only the batched row check can reject it: two components
/// of the unused `role:nurse` row changed by `w(k')·G` and `−w(k)·G` for the weights of
/// the honest capsule.
#[test]
fn grant_capsule_rows_cancelling_under_the_honest_weights_are_rejected() {
    for t in PADDINGS.map(paths) {
        let mut parts = RecordParts::of(&t.hop1);
        let capsule = parts.hops[0].grant_capsule.clone();
        let rows = rows_at(&capsule, 0);
        let digest = capsule_digest(&capsule);
        let w = weights(&digest, t.rows);
        let honest: Vec<G1Affine> = (0..3 * t.rows)
            .map(|c| point(&capsule, rows + c * G1))
            .collect();
        let g = G1Affine::generator();
        let (k, m) = (3, 4);
        let mut points = honest.clone();
        points[k] = (points[k] + g * w[m]).into_affine();
        points[m] = (points[m] - g * w[k]).into_affine();
        assert_eq!(weighted_sum(&points, &w), weighted_sum(&honest, &w));
        let mut forged = capsule.clone();
        put(&mut forged, rows + k * G1, points[k]);
        put(&mut forged, rows + m * G1, points[m]);
        parts.hops[0].grant_capsule = forged;
        assert_eq!(
            t.doctor.open(t.pk, &parts.record().unwrap()),
            Err(Error::DecryptionFailed),
            "{} rows",
            t.rows
        );
    }
}

/// A KEM header's digest as `docs/formats.md` states it (the header encoding is
/// authority ‖ lp(policy) ‖ C0 ‖ u32 n ‖ rows ‖ c', hashed under its tag).
fn capsule_digest(kem: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"CIPHERCHART-V01-HEADER-DIGEST-with-SHA256");
    h.update(kem);
    h.finalize().into()
}

/// The soundness argument needs every received row point in the order-r subgroup: an
/// unused row component replaced by the identity, or by a point on the curve outside
/// the subgroup (where `w·d = 0` for weights that are multiples of the point's order
/// would pass a check without subgroup decoding), is refused at decoding.
#[test]
fn identity_and_off_subgroup_rows_are_refused_at_decoding() {
    let mut rng = rng(0xF3);
    let a = authority();
    let policy = Policy::parse("a:1 or b:2").unwrap();
    let sealed = seal(a.public_key(), &policy, b"r", b"", b"x", &mut rng).unwrap();
    let bytes = sealed.to_bytes();
    let at = rows_at(&bytes, kem_at(&bytes, &policy)) + 4 * G1;

    let mut identity = bytes.clone();
    identity[at..at + G1].copy_from_slice(&[0u8; G1]);
    identity[at] = 0xc0;
    assert_eq!(
        SealedRecord::from_bytes(&identity).err(),
        Some(Error::InvalidEncoding(EncodingError::IdentityPoint))
    );

    // A curve point outside the subgroup: the first x with x³ + 4 a square.
    let mut x = Fq::one();
    let off = loop {
        if let Some(p) = G1Affine::get_point_from_x_unchecked(x, true) {
            if !p.is_zero() && !p.is_in_correct_subgroup_assuming_on_curve() {
                break p;
            }
        }
        x += Fq::one();
    };
    let mut outside = bytes.clone();
    let mut enc = Vec::new();
    off.serialize_compressed(&mut enc).unwrap();
    outside[at..at + G1].copy_from_slice(&enc);
    assert_eq!(
        SealedRecord::from_bytes(&outside).err(),
        Some(Error::InvalidEncoding(EncodingError::NotInSubgroup))
    );
}
