//! Crate-internal attacks on the FO-KEM that need the algebra: re-randomised headers
//! (someone without μ adds an honest encryption of fresh coins, so DecCore still
//! yields a related value `Z·Z(δ)`), and "lying" keys that use the components of an
//! attribute named like an internal hash tag in place of a row's attribute.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ark_bls12_381::Fr;
use ark_ec::{AffineRepr, CurveGroup};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use crate::abe::core::{dec_core, enc_header, kem_value, DecryptionKey, HeaderCore, PreparedK0};
use crate::abe::{Authority, PublicKey, UserKey};
use crate::ct::{Gt, SecretG1Affine, SecretScalar};
use crate::encoding::encode_gt;
use crate::encoding::{Reader, Writer};
use crate::error::Error;
use crate::hash::{dst, expand_message_xmd};
use crate::policy::{Attribute, Policy, VersionedPolicy};
use crate::record::kem::{decaps, encaps, recover_seed, KemHeader};
use crate::record::sealed::record_context;
use crate::record::{seal, SealedRecord};

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// A header with the given parts, built through the strict decoder (as an attacker's
/// bytes would be).
fn header(
    authority: &[u8; 32],
    policy: &Policy,
    core: &HeaderCore,
    masked_seed: &[u8; 32],
) -> KemHeader {
    let mut w = Writer::raw();
    w.fixed(authority);
    w.bytes(&policy.to_bytes());
    core.c0.iter().for_each(|p| w.g2(p));
    w.u32(core.rows.len() as u32);
    core.rows.iter().flatten().for_each(|p| w.g1(p));
    w.fixed(masked_seed);
    let bytes = w.finish();
    let mut r = Reader::raw(&bytes);
    let h = KemHeader::read(&mut r).unwrap();
    r.finish().unwrap();
    h
}

/// `F(Z)`, written out again from `docs/security.md` §2 and §5 (checked against an honest header below).
fn mask(z: &Gt) -> [u8; 32] {
    let mut w = Writer::raw();
    w.gt(z);
    let out = expand_message_xmd(&[&w.finish()], dst::FO_MASK, 32).unwrap();
    out.try_into().unwrap()
}

fn xor(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    core::array::from_fn(|i| a[i] ^ b[i])
}

/// `core + core(δ)` point by point (the product in the paper's notation).
fn add(a: &HeaderCore, b: &HeaderCore) -> HeaderCore {
    let sum_g1 = |x: &[ark_bls12_381::G1Affine; 3], y: &[ark_bls12_381::G1Affine; 3]| {
        core::array::from_fn(|l| (x[l] + y[l]).into_affine())
    };
    HeaderCore {
        c0: core::array::from_fn(|l| (a.c0[l] + b.c0[l]).into_affine()),
        rows: a
            .rows
            .iter()
            .zip(&b.rows)
            .map(|(x, y)| sum_g1(x, y))
            .collect(),
    }
}

/// `policy` at version 0 (v2).
fn unversioned(policy: &Policy) -> VersionedPolicy {
    VersionedPolicy::unversioned(policy.clone())
}

fn z_of(key: &UserKey, policy: &Policy, core: &HeaderCore) -> Gt {
    let gamma = policy.lsss().reconstruct(key.attributes()).unwrap();
    dec_core(&*key.material, &unversioned(policy), core, &gamma)
        .unwrap()
        .publish()
}

#[test]
fn rerandomised_headers_fail_the_fo_check() {
    let mut rng = rng(1);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    for text in ["a:1", "a:1 and b:2 and c:3", "2 of (a:1, b:2, c:3 or d:4)"] {
        let policy = Policy::parse(text).unwrap();
        let key = authority
            .issue_key(&["a:1", "b:2", "c:3"], &mut rng)
            .unwrap();
        let ctx = record_context(b"rec");
        let (honest, seed) = encaps(pk, &policy, &ctx, &mut rng).unwrap();
        assert_eq!(*decaps(&*key.material, pk, &honest, &ctx).unwrap(), *seed);
        let z = z_of(&key, &policy, &honest.core);
        assert_eq!(
            xor(&honest.masked_seed, &mask(&z)),
            *seed,
            "F(Z) as specified"
        );

        // Fresh coins δ: C0·C0(δ), rows·rows(δ), and DecCore yields Z·Z(δ).
        let delta = [
            SecretScalar::random(&mut rng),
            SecretScalar::random(&mut rng),
        ];
        let core_delta = enc_header(pk, &unversioned(&policy), &delta).unwrap();
        let z_delta = kem_value(pk, &delta).publish();
        let moved = add(&honest.core, &core_delta);
        let forged = header(&pk.id, &policy, &moved, &honest.masked_seed);
        assert_eq!(z_of(&key, &policy, &forged.core), z + z_delta, "{text}");
        assert_eq!(
            decaps(&*key.material, pk, &forged, &ctx).map(|_| ()),
            Err(Error::DecryptionFailed)
        );
        assert_eq!(
            recover_seed(pk, &forged, &encode_gt(&(z + z_delta)), &ctx).map(|_| ()),
            Err(Error::DecryptionFailed)
        );

        // Even with c' fixed so that unmasking yields the true μ (which needs μ), the
        // re-encryption gives the honest header, not this one: rejected.
        let fixed_seed = xor(&seed, &mask(&(z + z_delta)));
        let forged_fixed = header(&pk.id, &policy, &moved, &fixed_seed);
        assert_eq!(
            decaps(&*key.material, pk, &forged_fixed, &ctx).map(|_| ()),
            Err(Error::DecryptionFailed),
            "{text}"
        );

        // Re-randomising only C0 or only the rows is rejected too.
        let c0_only = HeaderCore {
            c0: moved.c0,
            rows: honest.core.rows.clone(),
        };
        let rows_only = HeaderCore {
            c0: honest.core.c0,
            rows: moved.rows.clone(),
        };
        for core in [c0_only, rows_only] {
            let h = header(&pk.id, &policy, &core, &honest.masked_seed);
            assert_eq!(
                decaps(&*key.material, pk, &h, &ctx).map(|_| ()),
                Err(Error::DecryptionFailed)
            );
        }

        // The same through the public API: a record carrying the re-randomised header.
        let mut record = seal(pk, &policy, b"rec", b"", b"payload", &mut rng).unwrap();
        let core_delta = enc_header(pk, &unversioned(&policy), &delta).unwrap();
        record.header = header(
            &pk.id,
            &policy,
            &add(&record.header.core, &core_delta),
            &record.header.masked_seed,
        );
        let record = SealedRecord::from_bytes(&record.to_bytes()).unwrap();
        assert_eq!(key.open(pk, &record), Err(Error::DecryptionFailed));
    }
}

#[test]
fn the_kem_context_is_bound() {
    let mut rng = rng(2);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let policy = Policy::parse("a:1").unwrap();
    let key = authority.issue_key(&["a:1"], &mut rng).unwrap();
    let (h, seed) = encaps(pk, &policy, &record_context(b"rec"), &mut rng).unwrap();
    assert_eq!(
        *decaps(&*key.material, pk, &h, &record_context(b"rec")).unwrap(),
        *seed
    );
    for ctx in [
        record_context(b"rec2"),
        record_context(b""),
        b"rec".to_vec(),
    ] {
        assert_eq!(
            decaps(&*key.material, pk, &h, &ctx).map(|_| ()),
            Err(Error::DecryptionFailed)
        );
    }
}

/// A key that answers for the policy's attributes with the components of other
/// attributes it really holds (what an attacker with a key for `"01"` can compute).
struct Liar<'a> {
    key: &'a UserKey,
    /// Claimed attributes, sorted, each with the real attribute whose `K_y` it uses.
    claims: Vec<(Attribute, Attribute)>,
    claimed: Vec<Attribute>,
    /// `K'` to use (the key's own, or a combination).
    k_prime: [SecretG1Affine; 3],
}

impl DecryptionKey for Liar<'_> {
    fn k0_prepared(&self) -> &PreparedK0 {
        self.key.material.k0_prepared()
    }
    fn k_prime(&self) -> &[SecretG1Affine; 3] {
        &self.k_prime
    }
    fn k_attr(&self, attribute: &Attribute, version: u32) -> Option<&[SecretG1Affine; 3]> {
        let (_, real) = self.claims.iter().find(|(c, _)| c == attribute)?;
        self.key.material.k_attr(real, version)
    }
    fn authority(&self) -> &[u8; 32] {
        self.key.material.authority()
    }
}

fn liar<'a>(key: &'a UserKey, policy: &Policy, real: &[&str]) -> Liar<'a> {
    let mut claims: Vec<(Attribute, Attribute)> = policy
        .attributes()
        .iter()
        .zip(real.iter().cycle())
        .map(|(c, r)| (c.clone(), Attribute::new(r).unwrap()))
        .collect();
    claims.sort();
    Liar {
        key,
        claimed: claims.iter().map(|(c, _)| c.clone()).collect(),
        claims,
        k_prime: key.material.k_prime.clone(),
    }
}

/// With the injective, tagged hash inputs of `docs/formats.md`, the components of
/// attributes named like the tags (`"01"`, `"0 1"`, …) are unrelated to the column
/// points: substituting them for a row's attribute, alone or combined with `K'`,
/// never yields the header's `Z`.
#[test]
fn tag_named_key_components_do_not_decrypt() {
    let mut rng = rng(3);
    let authority = Authority::setup(&mut rng);
    let pk: &PublicKey = authority.public_key();
    let names = ["01", "0 1", "0", "1", "02", "11", "0 0"];
    let attacker = authority.issue_key(&names, &mut rng).unwrap();
    for text in [
        "x:1",
        "x:1 and x:2 and x:3 and x:4",
        "2 of (x:1, x:2, x:3)",
        "x:1 or x:2",
    ] {
        let policy = Policy::parse(text).unwrap();
        let ctx = record_context(b"rec");
        let (h, _) = encaps(pk, &policy, &ctx, &mut rng).unwrap();
        let honest_key = authority
            .issue_key(&["x:1", "x:2", "x:3", "x:4"], &mut rng)
            .unwrap();
        let z = z_of(&honest_key, &policy, &h.core);
        for real in names.iter().map(|n| vec![*n]).chain([names.to_vec()]) {
            let mut lie = liar(&attacker, &policy, &real);
            let gamma = policy.lsss().reconstruct(&lie.claimed).unwrap();
            let forged = dec_core(&lie, &h.policy, &h.core, &gamma)
                .unwrap()
                .publish();
            assert_ne!(forged, z, "{text} with {real:?}");
            assert_eq!(
                decaps(&lie, pk, &h, &ctx).map(|_| ()),
                Err(Error::DecryptionFailed)
            );
            // K' · K_y^{±1}: the combination the concatenation bug makes useful.
            let k_y = attacker
                .material
                .k_attr(&Attribute::new(real[0]).unwrap(), 0)
                .unwrap();
            for sign in [Fr::from(1u64), -Fr::from(1u64)] {
                lie.k_prime = core::array::from_fn(|l| {
                    SecretG1Affine::new(
                        (*attacker.material.k_prime[l].expose_secret()
                            + k_y[l].expose_secret().into_group() * sign)
                            .into_affine(),
                    )
                });
                let forged = dec_core(&lie, &h.policy, &h.core, &gamma)
                    .unwrap()
                    .publish();
                assert_ne!(forged, z, "{text} with K'·K({real:?})^±1");
            }
        }
    }
}

/// The batched FO row check (issue 19, `docs/security.md` §2.1) accepts exactly the
/// headers the per-row check it replaced accepts: the honest rows, and random
/// manglings of them (a component replaced by a random point, two components shifted by
/// opposite amounts so that their plain sum is kept, two components swapped, a component
/// of another honest header, the rows re-randomised by fresh coins). Policies with
/// Lewko–Waters entries 0 and ±1 and with Vandermonde rows.
#[test]
fn batched_fo_check_agrees_with_the_per_row_check() {
    use ark_bls12_381::{G1Affine, G1Projective};
    use ark_ff::UniformRand;
    use rand::Rng;

    use crate::record::kem::{coins, rows_match_batched, rows_match_per_row};

    fn flatten(rows: &[[G1Affine; 3]]) -> Vec<G1Affine> {
        rows.iter().flatten().copied().collect()
    }

    let mut rng = rng(19);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let ctx = record_context(b"rec");
    for text in [
        "a:1",
        "a:1 and (b:2 or c:3)",
        "2 of (a:1, b:2, c:3 or d:4) and (e:5 or f:6 or g:7)",
        "3 of (a:1, b:2, c:3, d:4, e:5) or (f:6 and g:7 and h:8 and i:9 and j:10)",
    ] {
        let policy = Policy::parse(text).unwrap();
        let (honest, seed) = encaps(pk, &policy, &ctx, &mut rng).unwrap();
        let s = coins(pk, &seed, &honest.policy, honest.format, &ctx).unwrap();
        let (other, _) = encaps(pk, &policy, &ctx, &mut rng).unwrap();
        let (honest_flat, other_flat) = (flatten(&honest.core.rows), flatten(&other.core.rows));
        let n = honest_flat.len();
        let check = |flat: &[G1Affine]| {
            let rows = flat.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
            let core = HeaderCore {
                c0: honest.core.c0,
                rows,
            };
            let h = header(&pk.id, &policy, &core, &honest.masked_seed);
            let batched = bool::from(rows_match_batched(&h, &s).unwrap());
            let per_row = bool::from(rows_match_per_row(&h, &s).unwrap());
            assert_eq!(batched, per_row, "{text}");
            batched
        };
        assert!(check(&honest_flat), "{text}: the honest rows");
        assert!(!check(&other_flat), "{text}: another header's rows");
        for trial in 0..25 {
            let mut flat = honest_flat.clone();
            let k = rng.gen_range(0..n);
            let m = (k + rng.gen_range(1..n)) % n; // another component
            match trial % 5 {
                0 => flat[k] = G1Projective::rand(&mut rng).into_affine(),
                1 => {
                    let d = G1Projective::rand(&mut rng);
                    flat[k] = (d + flat[k]).into_affine();
                    flat[m] = (-d + flat[m]).into_affine();
                }
                2 => flat.swap(k, m),
                3 => flat[k] = other_flat[k],
                _ => {
                    let delta = [
                        SecretScalar::random(&mut rng),
                        SecretScalar::random(&mut rng),
                    ];
                    let core_delta = enc_header(pk, &unversioned(&policy), &delta).unwrap();
                    flat = flat
                        .iter()
                        .zip(flatten(&core_delta.rows))
                        .map(|(p, q)| (*p + q).into_affine())
                        .collect();
                }
            }
            assert!(!check(&flat), "{text}: trial {trial}");
        }
    }
}

/// The FO check compares the rows one by one below `FO_BATCH_MIN_ROWS` and by one
/// random linear combination from it on (issue 19): on both sides of the switch an
/// honest record opens, and a record with two points of a row the key does not use
/// swapped (DecCore, μ and `C0` right, the rows wrong) is rejected.
#[test]
fn both_sides_of_the_batch_switch_reject_a_changed_row() {
    use crate::record::kem::FO_BATCH_MIN_ROWS;

    let mut rng = rng(21);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let key = authority.issue_key(&["a:0"], &mut rng).unwrap();
    for rows in [FO_BATCH_MIN_ROWS - 1, FO_BATCH_MIN_ROWS] {
        let leaves: Vec<String> = (0..rows).map(|i| format!("a:{i}")).collect();
        let policy = Policy::parse(&leaves.join(" or ")).unwrap();
        let record = seal(pk, &policy, b"rec", b"", b"vitals", &mut rng).unwrap();
        assert_eq!(key.open(pk, &record).unwrap(), b"vitals", "{rows} rows");
        for row in [1, rows - 1] {
            let mut core = record.header.core.clone();
            core.rows[row].swap(0, 1);
            let h = header(&pk.id, &policy, &core, &record.header.masked_seed);
            let z = z_of(&key, &policy, &record.header.core);
            let got = recover_seed(pk, &h, &encode_gt(&z), &record_context(b"rec"));
            assert!(
                matches!(got, Err(Error::DecryptionFailed)),
                "{rows} rows, row {row} changed: accepted"
            );
        }
        let z = z_of(&key, &policy, &record.header.core);
        assert!(recover_seed(pk, &record.header, &encode_gt(&z), &record_context(b"rec")).is_ok());
    }
}

/// `docs/revocation-v3.md` §3.4 and §13 (T10): a row is satisfied only by its name at its
/// version. A key holding the right names at another version gets `PolicyNotSatisfied`
/// from the KEM's row selection, before DecCore or any pairing: on a header whose rows
/// are gone it still says `PolicyNotSatisfied` while the right key, which goes on to
/// DecCore, fails there (`DecryptionFailed`). Both directions: a v2 (version 0) key
/// against a bumped header, a bumped key against a v2 header.
#[test]
fn a_key_at_the_wrong_version_gets_policy_not_satisfied_before_pairing() {
    use crate::record::kem::{encaps_with_seed, key_gamma, key_satisfies};

    let mut rng = rng(61);
    let authority = Authority::setup(&mut rng);
    let pk = authority.public_key();
    let ctx = record_context(b"versions");
    let policy = Policy::parse("ver:a and (ver:b or ver:c)").unwrap();
    let bumped = VersionedPolicy::at_versions(policy.clone(), &[1, 0, 0]).unwrap();
    let (header, z) = encaps_with_seed(pk, &bumped, &ctx, &[7; 32]).unwrap();
    let (v2_header, _) = encaps(pk, &policy, &ctx, &mut rng).unwrap();
    assert!(v2_header.policy.is_unversioned());
    assert_ne!(header.policy, v2_header.policy);

    let right = authority
        .issue_key_at_versions(&[("ver:a", 1), ("ver:b", 0)], &mut rng)
        .unwrap();
    let v2_key = authority.issue_key(&["ver:a", "ver:b"], &mut rng).unwrap();
    let ahead = authority
        .issue_key_at_versions(&[("ver:a", 2), ("ver:b", 0), ("ver:c", 0)], &mut rng)
        .unwrap();
    // The right key opens the bumped header and not the v2 one.
    assert_eq!(
        *decaps(&*right.material, pk, &header, &ctx).unwrap(),
        [7; 32]
    );
    assert_eq!(decaps_z(&right, &header), z.publish());
    assert!(!key_satisfies(&*right.material, &v2_header.policy));
    assert_eq!(
        decaps(&*right.material, pk, &v2_header, &ctx).map(|_| ()),
        Err(Error::PolicyNotSatisfied)
    );
    // The same names at other versions: refused before any group work.
    let mut broken = header.clone();
    broken.core.rows.clear();
    assert_eq!(
        decaps(&*right.material, pk, &broken, &ctx).map(|_| ()),
        Err(Error::DecryptionFailed),
        "the right key reaches DecCore"
    );
    for wrong in [&v2_key, &ahead] {
        assert!(!key_satisfies(&*wrong.material, &header.policy));
        assert!(key_gamma(&*wrong.material, &header.policy).is_none());
        for h in [&header, &broken] {
            assert_eq!(
                decaps(&*wrong.material, pk, h, &ctx).map(|_| ()),
                Err(Error::PolicyNotSatisfied)
            );
        }
        // DecCore itself takes no component at another version, even given the rows.
        let gamma = policy.lsss().reconstruct(&["ver:a", "ver:b"]).unwrap();
        assert_eq!(
            dec_core(&*wrong.material, &header.policy, &header.core, &gamma).map(|_| ()),
            Err(Error::PolicyNotSatisfied)
        );
    }
    // A v2 key still opens v2 headers (the public API is unchanged).
    assert!(decaps(&*v2_key.material, pk, &v2_header, &ctx).is_ok());
    // `attributes()` lists names only, whatever the versions.
    assert_eq!(right.attributes(), v2_key.attributes());
}

/// DecCore of a header with a key, through the KEM's row selection.
fn decaps_z(key: &UserKey, header: &KemHeader) -> Gt {
    let gamma = crate::record::kem::key_gamma(&*key.material, &header.policy).unwrap();
    dec_core(&*key.material, &header.policy, &header.core, &gamma)
        .unwrap()
        .publish()
}
