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
/// The opener's weights of a header with this digest: split, `a + b·λ`
/// (`docs/formats.md`, `docs/security.md` §2.1; derived in the third review's section).
fn weights(digest: &[u8; 32], rows: usize) -> Vec<Fr> {
    split_weights(digest, rows)
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

// Third review (split weights, own Pippenger)
//
// Issue 19's second change: the weights are drawn split, `w = a + b·λ mod r` with `a`,
// `b` the big-endian halves of each 16-byte chunk and `λ = −z²` the eigenvalue of
// `φ(x, y) = (β·x, y)` on G1, every MSM of the check is `Σ a·P + Σ b·φ(P)` by the
// crate's own signed-digit Pippenger, and threshold policies weight the hash points
// with split column coefficients. The attacks below go through bytes and the public
// API only. Note: `weights` above still reads each chunk as one 128-bit integer (the
// weights before the split); it is used only where any public weight vector will do
// (a cancellation under the *honest* header's weights is rejected for any), and
// `split_weights` below is the opener's derivation as `docs/security.md` §2.1 states it.

/// `λ = −z² mod r` (z = −0xd201000000010000, BLS12-381's parameter).
fn lambda() -> Fr {
    let z = Fr::from(0xd201_0000_0001_0000u64);
    -(z * z)
}

/// The `(a, b)` halves of the batched check's weights, from the public digest.
fn split_halves(digest: &[u8; 32], rows: usize) -> Vec<(u64, u64)> {
    let uniform = cipherchart::hazmat::expand_message_xmd(
        digest,
        b"CIPHERCHART-V01-FO-CHECK-WEIGHTS-with-expander-SHA256-128",
        48 * rows,
    )
    .unwrap();
    uniform
        .chunks_exact(16)
        .map(|c| {
            (
                u64::from_be_bytes(c[..8].try_into().unwrap()),
                u64::from_be_bytes(c[8..].try_into().unwrap()),
            )
        })
        .collect()
}

/// The batched check's weights `a + b·λ` as the opener draws them.
fn split_weights(digest: &[u8; 32], rows: usize) -> Vec<Fr> {
    let l = lambda();
    split_halves(digest, rows)
        .into_iter()
        .map(|(a, b)| Fr::from(a) + Fr::from(b) * l)
        .collect()
}

/// A record under `patient:42 or patient:43` re-encrypted to `target` by a re-key
/// holding `patient:42`, and a key for `holder` (which must satisfy `target`).
struct Hop {
    pk: &'static cipherchart::PublicKey,
    target: Policy,
    hop: SealedRecord,
    opener: cipherchart::UserKey,
}

impl Hop {
    /// The hop with `forged` in place of its `which` capsule does not open (`what` names
    /// the case in the failure message).
    fn assert_rejected(&self, which: Capsule, forged: Vec<u8>, what: &str) {
        let record = with_capsule(&self.hop, which, forged).unwrap();
        assert_eq!(
            self.opener.open(self.pk, &record),
            Err(Error::DecryptionFailed),
            "{what}"
        );
    }
}

fn hop_to(target: &str, holder: &[&str], seed: u64) -> Hop {
    let mut rng = rng(seed);
    let a = authority();
    let pk = a.public_key();
    let patient = BlsSigningKey::generate(&mut rng);
    let chart = Policy::parse("patient:42 or patient:43").unwrap();
    let rk = grant(a, &["patient:42"], &patient, target, &mut rng);
    let record = seal(pk, &chart, b"p42", b"", b"notes", &mut rng).unwrap();
    let hop = rk.reencrypt(&record).unwrap();
    let opener = a.issue_key(holder, &mut rng).unwrap();
    assert_eq!(opener.open(pk, &hop), Ok(b"notes".to_vec()), "{target}");
    Hop {
        pk,
        target: Policy::parse(target).unwrap(),
        hop,
        opener,
    }
}

#[derive(Clone, Copy, Debug)]
enum Capsule {
    Grant,
    Record,
}

/// Hop 0's grant or record capsule (a KEM header under the target policy), and the
/// record rebuilt with `capsule` in its place.
fn capsule_of(hop: &SealedRecord, which: Capsule) -> Vec<u8> {
    let parts = RecordParts::of(hop);
    match which {
        Capsule::Grant => parts.hops[0].grant_capsule.clone(),
        Capsule::Record => parts.hops[0].record_capsule.clone(),
    }
}

fn with_capsule(
    hop: &SealedRecord,
    which: Capsule,
    capsule: Vec<u8>,
) -> Result<SealedRecord, Error> {
    let mut parts = RecordParts::of(hop);
    match which {
        Capsule::Grant => parts.hops[0].grant_capsule = capsule,
        Capsule::Record => parts.hops[0].record_capsule = capsule,
    }
    parts.record()
}

/// The capsule's row components, decoded.
fn capsule_rows(capsule: &[u8], rows: usize) -> Vec<G1Affine> {
    let at = rows_at(capsule, 0);
    (0..3 * rows).map(|c| point(capsule, at + c * G1)).collect()
}

/// The capsule with component `c` moved by `d`, for each `(c, d)`.
fn moved(capsule: &[u8], rows: usize, changes: &[(usize, G1Projective)]) -> Vec<u8> {
    let at = rows_at(capsule, 0);
    let honest = capsule_rows(capsule, rows);
    let mut out = capsule.to_vec();
    for (c, d) in changes {
        put(&mut out, at + c * G1, (honest[*c] + d).into_affine());
    }
    out
}

/// `λ` is the eigenvalue of `φ(x, y) = (β·x, y)` on G1, seen from outside: `λ·P` has
/// `P`'s y coordinate (and another x) for random `P`, and `λ² + λ + 1 = 0`. The split
/// weights of `docs/security.md` §2.1 are therefore well defined from the digest alone.
#[test]
fn third_lambda_is_the_endomorphism_eigenvalue_from_outside() {
    use ark_std::UniformRand;
    let l = lambda();
    assert_eq!(l * l + l + Fr::one(), Fr::from(0u8));
    let mut rng = rng(0x3A);
    for _ in 0..4 {
        let p = G1Projective::rand(&mut rng).into_affine();
        let q = (p * l).into_affine();
        assert_eq!(q.y, p.y);
        assert_ne!(q.x, p.x);
    }
}

/// The cancellation attack with the weights the opener really uses (split, `a + b·λ`):
/// two unused components of a hop's grant and record capsule changed by `w(m)·G` and
/// `−w(k)·G` for the honest capsule's split weights. Checked to cancel under those
/// weights, and checked not to cancel under the forged capsule's own; rejected. Both
/// ways of computing `A` and `B`: an OR of 8 (row bases) and a `3 of 9` (hash points
/// with split column coefficients, Vandermonde entries up to 81).
#[test]
fn third_cancellation_under_the_honest_split_weights_is_rejected() {
    let g = G1Affine::generator();
    for (target, holder, rows) in [
        (
            padded("role:physician or role:nurse", 6),
            vec!["role:nurse"],
            8,
        ),
        (
            "3 of (t:0, t:1, t:2, t:3, t:4, t:5, t:6, t:7, t:8)".to_owned(),
            vec!["t:6", "t:7", "t:8"],
            9,
        ),
    ] {
        let h = hop_to(&target, &holder, 0x3B);
        for which in [Capsule::Grant, Capsule::Record] {
            let capsule = capsule_of(&h.hop, which);
            let w = split_weights(&capsule_digest(&capsule), rows);
            let honest = capsule_rows(&capsule, rows);
            // Row 0 (`role:physician`, `t:0`) is unused by the opener.
            let (k, m) = (0, 2);
            let changes = [(k, g * w[m]), (m, -(g * w[k]))];
            let forged = moved(&capsule, rows, &changes);
            let points = capsule_rows(&forged, rows);
            assert_eq!(weighted_sum(&points, &w), weighted_sum(&honest, &w));
            let fresh = split_weights(&capsule_digest(&forged), rows);
            assert_ne!(weighted_sum(&points, &fresh), weighted_sum(&honest, &fresh));
            h.assert_rejected(which, forged, &format!("{target}: {which:?} capsule"));
        }
    }
}

/// Differences shaped after the split: `d(k) = D`, `d(m) = −t·D` (and three-term
/// shapes) with `t` in {1, −1, λ, −λ, λ², 2^64, 2^64·λ, 1 + λ}, i.e. a forged capsule
/// passes iff `w(k) = t·w(m)` (or the three-term relation) for the weights of the
/// *forged* digest. Such a relation between two split weights is the only way the
/// structure could leak: `w(k) = w(m)` needs equal pairs, `w(k) = λ·w(m) = −b(m) +
/// (a(m) − b(m))·λ` needs `a(k) = −b(m)` as integers (the lattice argument), and so on.
/// The attacker grinds 128 choices of `D = j·G` per shape, computing each forged
/// capsule's weights as the opener does: none passes; the last of each shape is opened
/// and rejected. A single unused component changed (`d(k) ≠ 0` alone) is rejected too:
/// `w(k)·d(k) = 0` would need `w(k) = 0`, i.e. `a = b = 0`.
#[test]
fn third_structured_differences_exploiting_the_split_are_rejected() {
    let l = lambda();
    let two64 = Fr::from(u128::from(u64::MAX) + 1);
    let shapes: Vec<(&str, Vec<(usize, Fr)>)> = vec![
        ("equal weights", vec![(0, Fr::one()), (1, -Fr::one())]),
        ("opposite weights", vec![(0, Fr::one()), (1, Fr::one())]),
        ("w(k) = λ·w(m)", vec![(0, Fr::one()), (1, -l)]),
        ("w(k) = −λ·w(m)", vec![(0, Fr::one()), (1, l)]),
        ("w(k) = λ²·w(m)", vec![(0, Fr::one()), (1, -(l * l))]),
        ("w(k) = 2^64·w(m)", vec![(0, Fr::one()), (1, -two64)]),
        (
            "w(k) = 2^64·λ·w(m)",
            vec![(0, Fr::one()), (1, -(two64 * l))],
        ),
        (
            "w(k) = (1 + λ)·w(m)",
            vec![(0, Fr::one()), (1, -(Fr::one() + l))],
        ),
        (
            "1, λ, λ² over a row",
            vec![(0, Fr::one()), (1, l), (2, l * l)],
        ),
        ("one component", vec![(2, Fr::one())]),
    ];
    let target = padded("role:physician or role:nurse", 6);
    let h = hop_to(&target, &["role:nurse"], 0x3C);
    let rows = 8;
    let capsule = capsule_of(&h.hop, Capsule::Grant);
    let g = G1Affine::generator().into_group();
    for (what, shape) in &shapes {
        let mut d = G1Projective::from(G1Affine::generator());
        let mut last = None;
        for _ in 0..128 {
            let changes: Vec<(usize, G1Projective)> =
                shape.iter().map(|(c, t)| (*c, d * t)).collect();
            let forged = moved(&capsule, rows, &changes);
            let w = split_weights(&capsule_digest(&forged), rows);
            let passes = shape
                .iter()
                .map(|(c, t)| w[*c] * t)
                .sum::<Fr>()
                .eq(&Fr::from(0u8));
            assert!(!passes, "{what}: a forged capsule passes the batched check");
            last = Some(forged);
            d += g;
        }
        h.assert_rejected(Capsule::Grant, last.unwrap(), what);
    }
}

/// A point of order 3 on G1's curve, `(0, 2)` (`x = 0`: `y² = 4`), which `φ` fixes
/// (`β·0 = 0`). Without the decoder's subgroup check, a row component moved by it
/// would pass the split check iff `Σ (a + b)·T = 0`, i.e. `a + b ≡ 0 mod 3`: one
/// forged header in three (the full-width weights of before would pass iff `w ≡ 0
/// mod 3`, the same odds). So the subgroup check is what the split form rests on: the
/// honest point plus `T`, `T` itself and `−T` in an unused row component of a hop's
/// capsule, and of an 8-row sealed record, are all refused at decoding.
#[test]
fn third_order_three_row_components_are_refused_at_decoding() {
    let t = G1Affine::new_unchecked(Fq::from(0u8), Fq::from(2u8));
    assert!(t.is_on_curve());
    assert!(!t.is_in_correct_subgroup_assuming_on_curve());
    // Order 3, by the curve's own addition (Fr scalars reduce mod r, not mod 3).
    assert!(ark_ff::Zero::is_zero(&(t.into_group() + t + t)));
    assert!(!ark_ff::Zero::is_zero(&(t.into_group() + t)));
    // The odds without a subgroup check: a + b ≡ 0 mod 3 for about a third of weights.
    let halves = split_halves(&[7u8; 32], 64);
    let zero_mod_3 = halves
        .iter()
        .filter(|(a, b)| (u128::from(*a) + u128::from(*b)) % 3 == 0)
        .count();
    assert!((30..100).contains(&zero_mod_3), "{zero_mod_3} of 192");

    let target = padded("role:physician or role:nurse", 6);
    let h = hop_to(&target, &["role:nurse"], 0x3D);
    for which in [Capsule::Grant, Capsule::Record] {
        let capsule = capsule_of(&h.hop, which);
        let at = rows_at(&capsule, 0);
        let honest = point(&capsule, at);
        for (what, p) in [
            ("honest + T", (honest.into_group() + t).into_affine()),
            ("T", t),
            ("−T", -t),
        ] {
            let mut forged = capsule.clone();
            let mut enc = Vec::new();
            p.serialize_compressed(&mut enc).unwrap();
            forged[at..at + G1].copy_from_slice(&enc);
            assert_eq!(
                with_capsule(&h.hop, which, forged).err(),
                Some(Error::InvalidEncoding(EncodingError::NotInSubgroup)),
                "{which:?} capsule, {what}"
            );
        }
    }
    let mut rng = rng(0x3E);
    let policy = Policy::parse(&padded("a:1 or b:2", 6)).unwrap();
    let sealed = seal(authority().public_key(), &policy, b"r", b"", b"x", &mut rng).unwrap();
    let mut bytes = sealed.to_bytes();
    let at = rows_at(&bytes, kem_at(&bytes, &policy)) + 5 * G1;
    let p = (point(&bytes, at).into_group() + t).into_affine();
    put(&mut bytes, at, p);
    assert_eq!(
        SealedRecord::from_bytes(&bytes).err(),
        Some(Error::InvalidEncoding(EncodingError::NotInSubgroup))
    );
}

/// Completeness at the batch switch and the policy limit: honest records under ORs and
/// ANDs of 7, 8, 9, 63 and 64 rows open (OR: with the first and the last attribute;
/// AND: with all of them). The AND's row bases all differ; the OR's are
/// `W(attribute) + U(1)`, one shared column point.
#[test]
fn third_honest_records_open_around_the_batch_switch_and_the_limit() {
    let mut rng = rng(0x3F);
    let a = authority();
    let pk = a.public_key();
    for n in [7usize, 8, 9, 63, 64] {
        let names = crate::common::names("x", n);
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        for gate in [" or ", " and "] {
            let policy = Policy::parse(&names.join(gate)).unwrap();
            assert_eq!(policy.lsss().rows(), n);
            let sealed = seal(pk, &policy, b"r", b"", b"payload", &mut rng).unwrap();
            let sealed = SealedRecord::from_bytes(&sealed.to_bytes()).unwrap();
            let holders: Vec<Vec<&str>> = if gate == " or " {
                vec![vec![refs[0]], vec![refs[n - 1]]]
            } else {
                vec![refs.clone()]
            };
            for holder in holders {
                let key = a.issue_key(&holder, &mut rng).unwrap();
                assert_eq!(
                    key.open(pk, &sealed),
                    Ok(b"payload".to_vec()),
                    "{n} rows, {gate:?}"
                );
            }
        }
    }
}

/// Completeness on the threshold path (`A`, `B` from the hash points with split column
/// coefficients; DecCore's header sums with reconstruction coefficients by the crate's
/// MSM): thresholds at the switch (`2 of 8`, `8 of 8`, `5 of 9`), Vandermonde entries
/// past 2^62 (`16 of 20`: up to 20^15, reduced in Fr, not "small"), nested thresholds,
/// thresholds mixed with AND/OR, each opened by several different qualifying subsets
/// (different γ, negative ones among them), including the last and first rows.
#[test]
fn third_honest_thresholds_open() {
    let mut rng = rng(0x40);
    let a = authority();
    let pk = a.public_key();
    let list = |p: &str, n: usize| crate::common::names(p, n).join(", ");
    let cases: Vec<(String, Vec<Vec<String>>)> = vec![
        (
            format!("2 of ({})", list("t", 8)),
            vec![
                vec!["t:0".into(), "t:7".into()],
                vec!["t:3".into(), "t:4".into()],
            ],
        ),
        (
            format!("8 of ({})", list("t", 8)),
            vec![crate::common::names("t", 8)],
        ),
        (
            format!("5 of ({})", list("t", 9)),
            vec![
                crate::common::names("t", 5),
                (4..9).map(|i| format!("t:{i}")).collect(),
                ["t:0", "t:2", "t:4", "t:6", "t:8"]
                    .map(String::from)
                    .to_vec(),
            ],
        ),
        (
            format!("16 of ({})", list("t", 20)),
            vec![
                crate::common::names("t", 16),
                (4..20).map(|i| format!("t:{i}")).collect(),
                (0..20)
                    .filter(|i| i % 5 != 2)
                    .map(|i| format!("t:{i}"))
                    .collect(),
            ],
        ),
        (
            "2 of (3 of (a:0, a:1, a:2, a:3, a:4), 2 of (b:0, b:1 and b:2, b:3), c:0 or c:1)"
                .to_owned(),
            vec![
                ["a:0", "a:2", "a:4", "b:0", "b:3"]
                    .map(String::from)
                    .to_vec(),
                ["a:1", "a:2", "a:3", "c:1"].map(String::from).to_vec(),
                ["b:1", "b:2", "b:3", "c:0"].map(String::from).to_vec(),
            ],
        ),
        (
            format!(
                "(2 of (u:0, u:1, u:2)) and ({})",
                crate::common::names("v", 6).join(" or ")
            ),
            vec![["u:2", "u:0", "v:5"].map(String::from).to_vec()],
        ),
        (
            format!("1 of ({}) and 9 of ({})", list("p", 3), list("q", 9)),
            {
                let mut k = crate::common::names("q", 9);
                k.push("p:2".into());
                vec![k]
            },
        ),
    ];
    for (text, holders) in cases {
        let policy = Policy::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert!(policy.lsss().rows() >= 8, "{text}");
        let sealed = seal(pk, &policy, b"r", b"", b"payload", &mut rng).unwrap();
        let sealed = SealedRecord::from_bytes(&sealed.to_bytes()).unwrap();
        for holder in holders {
            let refs: Vec<&str> = holder.iter().map(String::as_str).collect();
            let key = a.issue_key(&refs, &mut rng).unwrap();
            assert_eq!(
                key.open(pk, &sealed),
                Ok(b"payload".to_vec()),
                "{text} with {holder:?}"
            );
        }
    }
    // The entries really are large: some entry of `16 of 20` is not small.
    let wide = Policy::parse(&format!("16 of ({})", list("t", 20))).unwrap();
    let lsss = wide.lsss();
    assert!((0..lsss.rows()).any(|i| (0..lsss.columns()).any(|j| lsss.small_entry(i, j).is_none())));
}

/// The threshold path's capsules (`A`, `B` from hash points and split column
/// coefficients, never from row bases): every component of every unused row of a
/// `3 of 9` grant and record capsule negated, and of a nested threshold
/// (`2 of (3 of (…), …)`, 11 rows) changed by `+G`: all rejected. Nothing but the
/// batched row check stands in the way (capsules are bound into no AEAD, unused rows
/// enter no DecCore).
#[test]
fn third_changed_threshold_capsule_rows_are_rejected() {
    let g = G1Affine::generator().into_group();
    for (target, holder, rows, unused) in [
        (
            "3 of (t:0, t:1, t:2, t:3, t:4, t:5, t:6, t:7, t:8)",
            &["t:1", "t:4", "t:8"][..],
            9,
            vec![0usize, 2, 3, 5, 6, 7],
        ),
        (
            "2 of (3 of (a:0, a:1, a:2, a:3, a:4), 2 of (b:0, b:1 and b:2, b:3), c:0 or c:1)",
            &["a:0", "a:1", "a:2", "c:1"][..],
            11,
            vec![3, 4, 5, 6, 7, 8, 9],
        ),
    ] {
        let h = hop_to(target, holder, 0x41);
        assert_eq!(h.target.lsss().rows(), rows);
        for which in [Capsule::Grant, Capsule::Record] {
            let capsule = capsule_of(&h.hop, which);
            let at = rows_at(&capsule, 0);
            for row in &unused {
                for l in 0..3 {
                    let c = 3 * row + l;
                    let mut negated = capsule.clone();
                    negate(&mut negated, at + c * G1);
                    let shifted = moved(&capsule, rows, &[(c, g)]);
                    for (how, forged) in [("negated", negated), ("+G", shifted)] {
                        let what = format!("{target}: {which:?} capsule, component {c} {how}");
                        h.assert_rejected(which, forged, &what);
                    }
                }
            }
        }
    }
}

/// An OR of look-alike attributes: NFC-equivalent spellings (`é` precomposed and
/// decomposed), case variants, and names that differ only in the last character, in an
/// 8-row OR. The parser refuses a repeated attribute (`docs/policy.md` §5), the NFC
/// pair included (it would be two rows with identical bases); the case variants and
/// near-duplicates are distinct attributes and the record opens with each of them.
#[test]
fn third_look_alike_attributes_in_a_batched_or() {
    let mut rng = rng(0x42);
    let a = authority();
    let pk = a.public_key();
    let nfc =
        "\"name:caf\u{e9}\" or \"name:cafe\u{301}\" or x:2 or x:3 or x:4 or x:5 or x:6 or x:7";
    // Refused: after NFC the two spellings are one attribute, repeated
    // (`docs/policy.md` §5), so no policy has two rows with the same bases.
    assert!(
        matches!(Policy::parse(nfc), Err(Error::PolicyInvalid(_))),
        "{:?}",
        Policy::parse(nfc)
    );
    let text = "role:Nurse or role:nurse or role:NURSE or role:nurse1 or role:nurse2 or role:nurse3 or role:nurs or role:nurse_";
    let policy = Policy::parse(text).unwrap();
    assert_eq!(policy.lsss().rows(), 8);
    let sealed = seal(pk, &policy, b"r", b"", b"payload", &mut rng).unwrap();
    for attr in policy.attributes() {
        let key = a.issue_key(&[attr.as_str()], &mut rng).unwrap();
        assert_eq!(key.open(pk, &sealed), Ok(b"payload".to_vec()), "{attr}");
    }
}

/// A session header under a threshold, `(3 of (t:0, …, t:8)) and cipherchart:key-holder`
/// (10 rows: Vandermonde entries and the guard's `±1`, so `A`, `B` come from the hash
/// points): opens honestly, and with a component of an unused row negated or moved by
/// `G` it is rejected (a session header is bound into no AEAD of its own).
#[test]
fn third_changed_threshold_session_header_rows_are_rejected() {
    let mut rng = rng(0x43);
    let a = authority();
    let pk = a.public_key();
    let inner = Policy::parse("3 of (t:0, t:1, t:2, t:3, t:4, t:5, t:6, t:7, t:8)").unwrap();
    let guarded = Policy::parse(&format!("({inner}) and cipherchart:key-holder")).unwrap();
    assert_eq!(guarded.lsss().rows(), 10);
    let reader = a.issue_key(&["t:2", "t:5", "t:7"], &mut rng).unwrap();
    let (header, mut sealer) = start_session(pk, &inner, b"bed-2", b"", &mut rng).unwrap();
    let sealed_record = sealer.seal(b"", b"pulse 62").unwrap();
    let opener = reader.open_session(pk, &header).unwrap();
    assert_eq!(opener.open(&sealed_record), Ok(b"pulse 62".to_vec()));
    let bytes = header.to_bytes();
    let kem = kem_at(&bytes, &guarded);
    let at = rows_at(&bytes, kem);
    let g = G1Affine::generator();
    for c in [0usize, 4, 8, 10, 20, 26] {
        let mut negated = bytes.clone();
        negate(&mut negated, at + c * G1);
        let mut shifted = bytes.clone();
        put(
            &mut shifted,
            at + c * G1,
            (point(&bytes, at + c * G1) + g).into_affine(),
        );
        for (how, forged) in [("negated", negated), ("+G", shifted)] {
            let forged = SessionHeader::from_bytes(&forged).unwrap();
            assert_eq!(
                reader.open_session(pk, &forged).err(),
                Some(Error::DecryptionFailed),
                "component {c} {how}"
            );
        }
    }
}

// Fourth review (public-scalar Straus, threshold bases cache)
//
// Commit 8202194: DecCore's γ ≠ 1 terms by a width-5 NAF Straus over the secret key
// points (`ct::mul::msm_public_scalars`), and the FO row bases of a threshold policy
// built (Horner) on its second use and cached by the policy's canonical bytes (LRU of
// 32 policies). Every policy below uses names no other test uses, so the first open in
// this process is the policy's first use (by columns), the second builds the row bases,
// the third reads them from the cache. Other tests run in parallel and share the cache;
// they can only evict, which sends a policy back to its first use: every assertion
// holds on every path.

/// The largest `k` such that `k of (prefix:0, …, prefix:n−1)` is admitted.
fn fourth_largest_k(prefix: &str, n: usize) -> usize {
    let list = crate::common::names(prefix, n).join(", ");
    (2..=n)
        .rev()
        .find(|k| Policy::parse(&format!("{k} of ({list})")).is_ok())
        .unwrap()
}

/// Honest threshold records (8 to 64 rows: the widest admitted `k of 64`, `k of 48`,
/// `k of 16`, nested thresholds, thresholds mixed with AND/OR) open on their 1st, 2nd
/// and 3rd (and 4th) open in one process, with keys whose γ differ (different
/// qualifying subsets, so different NAFs in the public-scalar Straus), and a second
/// record under the same policy opens from the cached row bases.
#[test]
fn fourth_thresholds_open_on_first_second_and_third_use() {
    let mut rng = rng(0x4_0001);
    let a = authority();
    let pk = a.public_key();
    let list = |p: &str, n: usize| crate::common::names(p, n).join(", ");
    let k64 = fourth_largest_k("f4w", 64);
    let k48 = fourth_largest_k("f4x", 48);
    let k16 = fourth_largest_k("f4y", 16);
    let cases: Vec<(String, Vec<Vec<String>>)> = vec![
        (
            format!("{k64} of ({})", list("f4w", 64)),
            vec![
                crate::common::names("f4w", k64),
                (64 - k64..64).map(|i| format!("f4w:{i}")).collect(),
            ],
        ),
        (
            format!("{k48} of ({})", list("f4x", 48)),
            vec![(48 - k48..48).map(|i| format!("f4x:{i}")).collect()],
        ),
        (
            format!("{k16} of ({})", list("f4y", 16)),
            vec![
                crate::common::names("f4y", k16),
                (16 - k16..16).map(|i| format!("f4y:{i}")).collect(),
            ],
        ),
        (
            "2 of (3 of (f4a:0, f4a:1, f4a:2, f4a:3, f4a:4), 2 of (f4b:0, f4b:1 and f4b:2, f4b:3), 2 of (f4c:0, f4c:1, 2 of (f4d:0, f4d:1, f4d:2)))"
                .to_owned(),
            vec![
                ["f4a:0", "f4a:2", "f4a:4", "f4b:0", "f4b:3"]
                    .map(String::from)
                    .to_vec(),
                ["f4b:1", "f4b:2", "f4b:3", "f4c:1", "f4d:0", "f4d:2"]
                    .map(String::from)
                    .to_vec(),
            ],
        ),
        (
            format!(
                "(3 of ({})) and ({}) and f4g:0",
                list("f4e", 7),
                crate::common::names("f4f", 4).join(" or ")
            ),
            vec![["f4e:6", "f4e:0", "f4e:3", "f4f:2", "f4g:0"]
                .map(String::from)
                .to_vec()],
        ),
        (
            format!(
                "f4h:0 or 5 of ({}) or ({})",
                list("f4i", 9),
                crate::common::names("f4j", 3).join(" and ")
            ),
            vec![
                ["f4i:1", "f4i:2", "f4i:5", "f4i:7", "f4i:8"]
                    .map(String::from)
                    .to_vec(),
                vec!["f4h:0".to_owned()],
            ],
        ),
    ];
    for (text, holders) in cases {
        let policy = Policy::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let rows = policy.lsss().rows();
        assert!((8..=64).contains(&rows), "{text}: {rows} rows");
        let first = seal(pk, &policy, b"r1", b"", b"payload", &mut rng).unwrap();
        let first = SealedRecord::from_bytes(&first.to_bytes()).unwrap();
        let second = seal(pk, &policy, b"r2", b"", b"other", &mut rng).unwrap();
        let keys: Vec<_> = holders
            .iter()
            .map(|h| {
                let refs: Vec<&str> = h.iter().map(String::as_str).collect();
                a.issue_key(&refs, &mut rng).unwrap()
            })
            .collect();
        for open in 1..=4 {
            for (key, holder) in keys.iter().zip(&holders) {
                assert_eq!(
                    key.open(pk, &first),
                    Ok(b"payload".to_vec()),
                    "{text} with {holder:?}, open {open}"
                );
            }
        }
        for (key, holder) in keys.iter().zip(&holders) {
            assert_eq!(
                key.open(pk, &second),
                Ok(b"other".to_vec()),
                "{text} with {holder:?}, second record"
            );
        }
    }
}

/// Policies whose canonical bytes differ only slightly (`k` one apart, the children
/// reordered, a name one character apart, `n of n` beside the AND of the same names,
/// the threshold beside the same threshold inside `(…) and x`) never share row bases:
/// the two records of a pair are opened interleaved (P, Q, P, Q, …: each policy's 1st,
/// 2nd and 3rd use next to the other's), in both orders, and each opens every time.
#[test]
fn fourth_near_identical_policies_do_not_share_row_bases() {
    let mut rng = rng(0x4_0002);
    let a = authority();
    let pk = a.public_key();
    let n9 = crate::common::names("f4n", 9);
    let fwd = n9.join(", ");
    let rev: Vec<String> = n9.iter().rev().cloned().collect();
    let rev = rev.join(", ");
    let mut rot = n9.clone();
    rot.rotate_left(1);
    let rot = rot.join(", ");
    let near = fwd.replace("f4n:8", "f4n:9");
    let and8 = crate::common::names("f4m", 8);
    let pairs: Vec<(String, String, Vec<&str>)> = vec![
        (
            format!("3 of ({fwd})"),
            format!("4 of ({fwd})"),
            vec!["f4n:0", "f4n:4", "f4n:5", "f4n:7"],
        ),
        (
            format!("3 of ({fwd})"),
            format!("3 of ({rev})"),
            vec!["f4n:1", "f4n:2", "f4n:6"],
        ),
        (
            format!("3 of ({fwd})"),
            format!("3 of ({rot})"),
            vec!["f4n:0", "f4n:3", "f4n:4"],
        ),
        (
            format!("3 of ({fwd})"),
            format!("3 of ({near})"),
            vec!["f4n:1", "f4n:3", "f4n:7"],
        ),
        (
            format!("8 of ({})", and8.join(", ")),
            and8.join(" and "),
            and8.iter().map(String::as_str).collect(),
        ),
        (
            format!("3 of ({fwd})"),
            format!("(3 of ({fwd})) and f4n:x"),
            vec!["f4n:2", "f4n:5", "f4n:8", "f4n:x"],
        ),
    ];
    for (p, q, holder) in pairs {
        let (p, q) = (Policy::parse(&p).unwrap(), Policy::parse(&q).unwrap());
        assert_ne!(p.to_bytes(), q.to_bytes());
        let rp = seal(pk, &p, b"p", b"", b"under p", &mut rng).unwrap();
        let rq = seal(pk, &q, b"q", b"", b"under q", &mut rng).unwrap();
        let key = a.issue_key(&holder, &mut rng).unwrap();
        let (xp, xq) = ((&rp, b"under p"), (&rq, b"under q"));
        for (round, (first, second)) in [(xp, xq), (xq, xp)].into_iter().enumerate() {
            for use_ in 1..=3 {
                for (record, payload) in [first, second] {
                    assert_eq!(
                        key.open(pk, record),
                        Ok(payload.to_vec()),
                        "{p} / {q}: round {round}, use {use_}"
                    );
                }
            }
        }
    }
}

/// Changed rows of a threshold session header (bound into no AEAD of its own, unused
/// rows in no DecCore: only the batched row check rejects them) are rejected on every
/// use of the policy: the forged header first (the policy's 1st use: by columns; 2nd:
/// the Horner build runs on the forged header; then from the cache), and the honest
/// header still opens between them. Then the same with the honest header opened first.
#[test]
fn fourth_changed_threshold_rows_are_rejected_on_every_use() {
    let mut rng = rng(0x4_0003);
    let a = authority();
    let pk = a.public_key();
    let g = G1Affine::generator();
    for (prefix, honest_first) in [("f4s", false), ("f4t", true)] {
        let list = crate::common::names(prefix, 9).join(", ");
        let inner = Policy::parse(&format!("3 of ({list})")).unwrap();
        let guarded = Policy::parse(&format!("({inner}) and cipherchart:key-holder")).unwrap();
        assert_eq!(guarded.lsss().rows(), 10);
        let holder: Vec<String> = [1, 4, 8].iter().map(|i| format!("{prefix}:{i}")).collect();
        let refs: Vec<&str> = holder.iter().map(String::as_str).collect();
        let reader = a.issue_key(&refs, &mut rng).unwrap();
        let (header, mut sealer) = start_session(pk, &inner, b"bed-4", b"", &mut rng).unwrap();
        let sealed_record = sealer.seal(b"", b"pulse 70").unwrap();
        let bytes = header.to_bytes();
        let at = rows_at(&bytes, kem_at(&bytes, &guarded));
        let mut forged = Vec::new();
        for c in [0usize, 7, 9, 20, 29] {
            let mut negated = bytes.clone();
            negate(&mut negated, at + c * G1);
            let mut shifted = bytes.clone();
            put(
                &mut shifted,
                at + c * G1,
                (point(&bytes, at + c * G1) + g).into_affine(),
            );
            forged.push((c, "negated", SessionHeader::from_bytes(&negated).unwrap()));
            forged.push((c, "+G", SessionHeader::from_bytes(&shifted).unwrap()));
        }
        for round in 0..3 {
            if honest_first {
                let opener = reader.open_session(pk, &header).unwrap();
                assert_eq!(opener.open(&sealed_record), Ok(b"pulse 70".to_vec()));
            }
            for (c, how, f) in &forged {
                assert_eq!(
                    reader.open_session(pk, f).err(),
                    Some(Error::DecryptionFailed),
                    "{prefix}: component {c} {how}, round {round}"
                );
            }
            if !honest_first {
                let opener = reader.open_session(pk, &header).unwrap();
                assert_eq!(opener.open(&sealed_record), Ok(b"pulse 70".to_vec()));
            }
        }
    }
}

/// More threshold policies than the cache holds (40 > 32), cycled three times: every use is
/// a first or second use after eviction (the column way, or a fresh Horner build), and
/// an 8-row record under each still opens and the same record with an unused row
/// changed is rejected, in every round.
#[test]
fn fourth_threshold_policies_cycled_past_the_cache_still_open_and_reject() {
    let mut rng = rng(0x4_0004);
    let a = authority();
    let pk = a.public_key();
    let records: Vec<_> = (0..40)
        .map(|i| {
            let prefix = format!("f4z{i}");
            let policy = Policy::parse(&format!(
                "2 of ({})",
                crate::common::names(&prefix, 8).join(", ")
            ))
            .unwrap();
            let sealed = seal(pk, &policy, b"c", b"", b"cycled", &mut rng).unwrap();
            let bytes = sealed.to_bytes();
            let at = rows_at(&bytes, kem_at(&bytes, &policy));
            let mut changed = bytes.clone();
            // Row 7 (unused by the key below), first component.
            negate(&mut changed, at + 21 * G1);
            let key = a
                .issue_key(&[&format!("{prefix}:2"), &format!("{prefix}:5")], &mut rng)
                .unwrap();
            (sealed, SealedRecord::from_bytes(&changed).unwrap(), key)
        })
        .collect();
    for round in 0..3 {
        for (i, (sealed, changed, key)) in records.iter().enumerate() {
            assert_eq!(
                key.open(pk, sealed),
                Ok(b"cycled".to_vec()),
                "{i}, round {round}"
            );
            assert!(key.open(pk, changed).is_err(), "{i}, round {round}");
        }
    }
}
