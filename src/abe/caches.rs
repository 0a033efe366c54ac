//! The process-wide caches of the FAME algebra: the fixed-base tables of the last few
//! public keys used, and the combs of header rows that recur. What they save is measured
//! in the docs of each constant; every cache is bounded, so an attacker choosing keys or
//! policies cannot grow them.
//!
//! Every cache built from a policy is keyed by what determines its content, versions
//! included (`docs/revocation-v3.md` §3.2): the FO row bases by the versioned policy's
//! canonical bytes, the row combs by (name, version, LSSS row), the attribute points
//! (`hash::attribute_points`) by (name, version). State built at one version is never
//! served for another.

use std::sync::{Arc, Mutex, PoisonError};

use ark_bls12_381::{Fr, G1Affine};
use ark_ff::Zero;

use super::tables::{row_combs_vartime, KeyTables, RowBases, RowCombs};
use crate::abe::PublicKey;
use crate::cache::Lru;
use crate::error::Result;
use crate::policy::VersionedPolicy;

/// Public keys whose tables are kept: an application seals under one authority, rarely
/// a few.
const KEY_TABLE_ENTRIES: usize = 4;

/// The tables of the last [`KEY_TABLE_ENTRIES`] public keys used, by key id (most
/// recent last).
static KEY_TABLES: Mutex<Vec<([u8; 32], Arc<KeyTables>)>> = Mutex::new(Vec::new());

/// The tables of `pk`, built on first use (about 10 ms, once per process and key).
pub(super) fn key_tables(pk: &PublicKey) -> Arc<KeyTables> {
    {
        let mut cache = lock(&KEY_TABLES);
        if let Some(i) = cache.iter().position(|(id, _)| *id == pk.id) {
            let entry = cache.remove(i);
            let tables = Arc::clone(&entry.1);
            cache.push(entry);
            return tables;
        }
    }
    // Built without the lock; a concurrent builder's result may win, both are equal.
    let fresh = Arc::new(KeyTables::new_vartime(pk));
    let mut cache = lock(&KEY_TABLES);
    if let Some((_, existing)) = cache.iter().find(|(id, _)| *id == pk.id) {
        return Arc::clone(existing);
    }
    if cache.len() >= KEY_TABLE_ENTRIES {
        cache.remove(0);
    }
    cache.push((pk.id, Arc::clone(&fresh)));
    fresh
}

/// Row combs kept (least recently used evicted): 256 rows, about 27 MiB. A row is
/// identified by its attribute, the attribute's version and its LSSS row (trailing zeros
/// dropped), so recurring policies, and rows shared between policies, hit.
const ROW_COMB_ENTRIES: usize = 256;

/// (attribute name, version, LSSS row without trailing zeros): what a row's bases
/// depend on.
type RowKey = (String, u32, Vec<Fr>);

static ROW_COMBS: Mutex<Lru<RowKey, Arc<RowCombs>>> = Mutex::new(Lru::new(ROW_COMB_ENTRIES));

/// A row's combs are built on its [`HOT_ROW_USES`]-th use. Building costs about 13 ms
/// (six bases) and saves about 0.4 ms per later use (0.74 → 0.34 ms a row), so it
/// pays only for rows that recur: a policy sealed or opened once keeps the
/// variable-base path.
pub(super) const HOT_ROW_USES: u32 = 8;

/// Uses of rows that have no combs yet (bounded like the attribute cache).
static ROW_USES: Mutex<Lru<RowKey, u32>> = Mutex::new(Lru::new(4096));

/// The cache key of row `i`: its attribute, the row's version and its LSSS row without
/// trailing zeros.
fn row_key(policy: &VersionedPolicy, i: usize) -> RowKey {
    let lsss = policy.lsss();
    let mut entries = lsss.row(i).to_vec();
    while entries.last().is_some_and(Zero::is_zero) {
        entries.pop();
    }
    (lsss.rho(i).as_str().to_owned(), policy.version(i), entries)
}

/// Row combs built at most per header computation. Building costs about 13 ms a row:
/// without a bound, the [`HOT_ROW_USES`]-th open of a 256-row record would build 256
/// combs at once (seconds), and an attacker replaying records could repeat that. Rows
/// beyond the allowance stay on the variable-base path and get their combs on a later
/// use.
pub(super) const COMB_BUILDS_PER_HEADER: usize = 2;

/// The combs of row `i` if the row is hot: cached, or built now from its (public)
/// `bases` on its [`HOT_ROW_USES`]-th use or later, if `builds` (decremented) allows.
/// `None`: use the variable-base path.
pub(super) fn row_combs(
    policy: &VersionedPolicy,
    i: usize,
    hot_after: u32,
    builds: &mut usize,
    bases: impl FnOnce() -> Result<RowBases>,
) -> Result<Option<Arc<RowCombs>>> {
    let key = row_key(policy, i);
    if let Some(hit) = lock(&ROW_COMBS).get(&key) {
        return Ok(Some(hit));
    }
    let uses = {
        let mut counts = lock(&ROW_USES);
        let uses = counts.get(&key).unwrap_or(0).saturating_add(1);
        counts.insert_or_replace(key.clone(), uses);
        uses
    };
    if uses < hot_after || *builds == 0 {
        return Ok(None);
    }
    *builds -= 1;
    let combs = Arc::new(row_combs_vartime(&bases()?));
    Ok(Some(lock(&ROW_COMBS).insert(key, combs)))
}

/// Policies whose FO row bases are kept (least recently used evicted): 32 policies, at
/// most about 1.3 MiB (a 64-row policy's bases are 2 × 192 affine points). A hit saves
/// the walk of the gate tree, the attribute-point lookups and the normalisation: about
/// 7 % of an open of an AND of 50 (`docs/performance.md`, "Batched FO check").
const FO_BASES_ENTRIES: usize = 32;

/// The FO check's row bases of a policy, `[X, Y]` in row-major order.
pub(super) type FoBases = Arc<[Vec<G1Affine>; 2]>;

/// A policy's entry: its row bases, or (a matrix with threshold entries, whose row bases
/// cost `k − 1` Horner steps a component) how often it was opened without them.
#[derive(Clone, Debug)]
enum FoEntry {
    Rows(FoBases),
    Uses(u32),
}

/// A threshold policy's row bases are built on its [`THRESHOLD_BASES_USE`]-th use: a
/// policy opened once keeps the column way (cheaper than building them, `13 of 50`: about
/// 2 ms of column terms against about 8 ms of Horner steps), a recurring one gets the row
/// way (the AND's cost).
const THRESHOLD_BASES_USE: u32 = 2;

/// By the versioned policy's canonical bytes (`VersionedPolicy::canonical_bytes`), which
/// determine its matrix and the attribute points of its rows.
static FO_BASES: Mutex<Lru<Vec<u8>, FoEntry>> = Mutex::new(Lru::new(FO_BASES_ENTRIES));

/// The FO row bases of the versioned policy whose canonical bytes are `policy`, if
/// cached or due: a matrix with
/// only entries 0 and ±1 (`unit_entries`) gets them on first use, a threshold matrix on
/// its [`THRESHOLD_BASES_USE`]-th; `None` means "weigh by columns this time". `build`
/// runs outside the lock (public data only; bounded, so attacker-chosen policies evict
/// but cannot grow the cache).
pub(super) fn fo_bases(
    policy: &[u8],
    unit_entries: impl FnOnce() -> bool,
    build: impl FnOnce() -> Result<FoBases>,
) -> Result<Option<FoBases>> {
    let uses = match lock(&FO_BASES).get(policy) {
        Some(FoEntry::Rows(bases)) => return Ok(Some(bases)),
        Some(FoEntry::Uses(n)) => n.saturating_add(1),
        None => 1,
    };
    if uses < THRESHOLD_BASES_USE && !unit_entries() {
        let mut cache = lock(&FO_BASES);
        // Another thread may have cached the row bases since the look-up: keep them.
        if let Some(FoEntry::Rows(bases)) = cache.get(policy) {
            return Ok(Some(bases));
        }
        cache.insert_or_replace(policy.to_vec(), FoEntry::Uses(uses));
        return Ok(None);
    }
    let fresh = build()?;
    lock(&FO_BASES).insert_or_replace(policy.to_vec(), FoEntry::Rows(Arc::clone(&fresh)));
    Ok(Some(fresh))
}

/// Locks a cache; a poisoned lock is taken over (no code panics while holding one, and
/// every state of the maps is consistent).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use ark_bls12_381::G1Projective;
    use ark_ec::CurveGroup;
    use ark_ff::One;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use subtle::ConstantTimeEq;

    use super::*;
    use crate::abe::core::{kem_value, row_bases};
    use crate::abe::tables::joint_comb_mul;
    use crate::abe::Authority;
    use crate::ct::mul::recode;
    use crate::ct::{SecretG1, SecretG2, SecretGt, SecretScalar};

    /// The combs give exactly the variable-base constant-time results, for random
    /// coins and for the edge scalars 0, 1 and −1 (every digit negative or zero).
    #[test]
    fn key_tables_match_variable_base() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let authority = Authority::setup(&mut rng);
        let pk = authority.public_key();
        let tables = key_tables(pk);
        let one = SecretScalar::from_fr(&Fr::one());
        let mut scalars = vec![SecretScalar::zero(), -&one, one];
        scalars.extend((0..4).map(|_| SecretScalar::random(&mut rng)));
        for s in &scalars {
            let (h1, h2) = (tables.h[0].mul(s), tables.h[1].mul(s));
            assert!(bool::from(h1.ct_eq(&SecretG2::mul_base(&pk.h1, s))));
            assert!(bool::from(h2.ct_eq(&SecretG2::mul_base(&pk.h2, s))));
            let (t1, t2) = (tables.t[0].pow(s), tables.t[1].pow(s));
            assert!(bool::from(t1.ct_eq(&SecretGt::pow_base(&pk.t1, s))));
            assert!(bool::from(t2.ct_eq(&SecretGt::pow_base(&pk.t2, s))));
        }
        // Cached: the same tables come back.
        assert!(Arc::ptr_eq(&tables, &key_tables(pk)));
    }

    /// The row combs give exactly the variable-base (Straus) rows, for AND, OR and
    /// threshold (non-small LSSS entries) policies, and on a cache hit.
    #[test]
    fn row_combs_match_straus() {
        let mut rng = ChaCha20Rng::seed_from_u64(10);
        let one = SecretScalar::from_fr(&Fr::one());
        let mut pairs = vec![
            [SecretScalar::zero(), -&one],
            [one.clone(), SecretScalar::zero()],
        ];
        pairs.extend((0..3).map(|_| {
            [
                SecretScalar::random(&mut rng),
                SecretScalar::random(&mut rng),
            ]
        }));
        for text in [
            "comb:a and comb:b and comb:c",
            "comb:a or comb:d",
            "2 of (comb:a, comb:e, comb:f)",
        ] {
            let policy = crate::policy::Policy::parse(text).unwrap_or_else(|e| panic!("{e}"));
            let lsss = &VersionedPolicy::unversioned(policy);
            for s in &pairs {
                let digits = [recode(&s[0].0), recode(&s[1].0)];
                for _pass in 0..2 {
                    for i in 0..lsss.lsss().rows() {
                        let combs =
                            row_combs(lsss, i, 1, &mut { usize::MAX }, || row_bases(lsss, i))
                                .unwrap_or_else(|e| panic!("{e}"))
                                .unwrap_or_else(|| panic!("built at the first use"));
                        let bases = row_bases(lsss, i).unwrap_or_else(|e| panic!("{e}"));
                        for l in 0..3 {
                            let affine = G1Projective::normalize_batch(&bases[l]);
                            let straus = SecretG1::multi_mul(&affine, &[&s[0], &s[1]]);
                            let comb = joint_comb_mul(&combs[l], &digits);
                            assert!(bool::from(comb.ct_eq(&straus)), "{text}: row {i}, l {l}");
                        }
                    }
                }
            }
        }
    }

    /// A row gets combs on its HOT_ROW_USES-th use, not before.
    #[test]
    fn rows_get_combs_when_hot() {
        let policy =
            crate::policy::Policy::parse("hot:a and hot:b").unwrap_or_else(|e| panic!("{e}"));
        let lsss = &VersionedPolicy::unversioned(policy);
        for _ in 1..HOT_ROW_USES {
            assert!(
                row_combs(lsss, 1, HOT_ROW_USES, &mut 1, || row_bases(lsss, 1))
                    .unwrap_or_else(|e| panic!("{e}"))
                    .is_none()
            );
        }
        assert!(
            row_combs(lsss, 1, HOT_ROW_USES, &mut 1, || row_bases(lsss, 1))
                .unwrap_or_else(|e| panic!("{e}"))
                .is_some()
        );
    }

    /// The measurement that justified the combs (run by hand, timing only):
    /// `cargo test --lib abe::caches::tests::comb_timing -- --ignored --nocapture`.
    /// Prints the best of 15 runs of each, back to back.
    #[test]
    #[ignore = "timing, not a check"]
    fn comb_timing() {
        use std::time::Instant;
        let mut rng = ChaCha20Rng::seed_from_u64(9);
        let pk = Authority::setup(&mut rng).public_key().clone();
        let start = Instant::now();
        let tables = key_tables(&pk);
        println!("tables built in {:?}", start.elapsed());
        let s = SecretScalar::random(&mut rng);
        let best = |f: &dyn Fn()| {
            (0..15)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed()
                })
                .min()
                .unwrap_or_default()
        };
        let g2_var = best(&|| drop(SecretG2::mul_base(&pk.h1, &s)));
        let g2_comb = best(&|| drop(tables.h[0].mul(&s)));
        let gt_var = best(&|| drop(SecretGt::pow_base(&pk.t1, &s)));
        let gt_comb = best(&|| drop(tables.t[0].pow(&s)));
        let policy =
            crate::policy::Policy::parse("timing:a and timing:b").unwrap_or_else(|e| panic!("{e}"));
        let lsss = &VersionedPolicy::unversioned(policy);
        let start = Instant::now();
        let combs = row_combs(lsss, 0, 1, &mut 1, || row_bases(lsss, 0))
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("built at the first use"));
        println!("row combs (6 bases) built in {:?}", start.elapsed());
        let bases = row_bases(lsss, 0).unwrap_or_else(|e| panic!("{e}"));
        let affine = G1Projective::normalize_batch(&bases[0]);
        let s2 = SecretScalar::random(&mut rng);
        let row_var = best(&|| drop(SecretG1::multi_mul(&affine, &[&s, &s2])));
        let row_comb = best(&|| {
            let digits = [recode(&s.0), recode(&s2.0)];
            drop(joint_comb_mul(&combs[0], &digits))
        });
        println!("G1 s1·B1 + s2·B2: Straus {row_var:?}, joint comb {row_comb:?} (x3 per row)");
        println!("G2 H1^s: variable base {g2_var:?}, comb {g2_comb:?}");
        println!("GT T1^s: variable base {gt_var:?}, comb {gt_comb:?}");
    }

    /// A threshold policy gets its FO row bases on its second use, an AND/OR policy on
    /// its first; later uses hit without building.
    #[test]
    fn fo_bases_follow_the_matrix_and_the_use_count() {
        // (policy, unit entries, may build, expect row bases), in order.
        let steps: [(&[u8], bool, bool, bool); 5] = [
            (b"test:fo-bases:threshold", false, false, false),
            (b"test:fo-bases:threshold", false, true, true),
            (b"test:fo-bases:threshold", false, false, true),
            (b"test:fo-bases:and", true, true, true),
            (b"test:fo-bases:and", true, false, true),
        ];
        for (i, (policy, unit, may_build, rows)) in steps.into_iter().enumerate() {
            let build = || -> Result<FoBases> {
                assert!(may_build, "step {i}: built again");
                Ok(Arc::new([Vec::new(), Vec::new()]))
            };
            let got = fo_bases(policy, || unit, build).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(got.is_some(), rows, "step {i}");
        }
    }

    /// The raw DecCore view of a key that ignores versions: the component of a name at
    /// whatever version the key holds it (what a holder of an old key can compute; the
    /// library's own view refuses it, `DecryptionKey::k_attr`).
    struct AnyVersion<'a>(&'a crate::abe::key_material::KeyMaterial);

    impl crate::abe::core::DecryptionKey for AnyVersion<'_> {
        fn k0_prepared(&self) -> &crate::abe::core::PreparedK0 {
            self.0.k0_prepared()
        }
        fn k_prime(&self) -> &[crate::ct::SecretG1Affine; 3] {
            &self.0.k_prime
        }
        fn k_attr(
            &self,
            attribute: &crate::policy::Attribute,
            _version: u32,
        ) -> Option<&[crate::ct::SecretG1Affine; 3]> {
            let i = self.0.attributes.binary_search(attribute).ok()?;
            self.0.k_attr.get(i)
        }
        fn authority(&self) -> &[u8; 32] {
            &self.0.authority
        }
    }

    /// `docs/revocation-v3.md` §3.2 and §13 (T8): every cache warmed by sealing at
    /// `v_old` (the attribute points, the row combs, the FO row bases) is keyed by the
    /// version, so a seal at `v_new` after a bump, with the same ⟨P⟩ and the same coins,
    /// uses the new points: its bumped row differs, its other rows (same name, version and
    /// LSSS row) are the same, the new key opens it, the FO bases check it, and the old
    /// key's raw DecCore (components taken by name, versions ignored) gives a wrong `Z`.
    #[test]
    fn a_cache_warmed_at_an_old_version_never_serves_a_new_one() {
        use crate::abe::core::{dec_core, enc_header, weighted_bases_vartime};
        use crate::abe::msm::{msm_split_weights, SplitWeight};
        use crate::policy::Policy;
        use rand::Rng;

        let mut rng = ChaCha20Rng::seed_from_u64(41);
        let authority = Authority::setup(&mut rng);
        let pk = authority.public_key();
        for text in [
            "bump:a and bump:b and bump:c",
            "2 of (bump:a, bump:b, bump:c)",
        ] {
            let policy = Policy::parse(text).unwrap_or_else(|e| panic!("{e}"));
            let rows = policy.lsss().rows();
            let at = |versions: &[u32]| {
                VersionedPolicy::at_versions(policy.clone(), versions)
                    .unwrap_or_else(|e| panic!("{e}"))
            };
            let (v_old, v_new) = ([3, 3, 3], [4, 3, 3]); // bump:a (row 0) bumped
            let (old, new) = (at(&v_old), at(&v_new));
            let key_at = |versions: &[u32; 3], rng: &mut ChaCha20Rng| {
                let names = ["bump:a", "bump:b", "bump:c"];
                let pairs: Vec<(&str, u32)> = names.into_iter().zip(*versions).collect();
                authority
                    .issue_key_at_versions(&pairs, rng)
                    .unwrap_or_else(|e| panic!("{e}"))
            };
            let (old_key, new_key) = (key_at(&v_old, &mut rng), key_at(&v_new, &mut rng));
            let s = [
                SecretScalar::random(&mut rng),
                SecretScalar::random(&mut rng),
            ];
            let weights: Vec<SplitWeight> = (0..3 * rows)
                .map(|_| SplitWeight {
                    a: rng.gen(),
                    b: rng.gen(),
                })
                .collect();
            // Warm every cache at v_old: the rows get their combs, the policy its FO bases.
            for _ in 0..HOT_ROW_USES as usize + rows {
                let _ = enc_header(pk, &old, &s).unwrap_or_else(|e| panic!("{e}"));
                let _ = weighted_bases_vartime(&old, &weights).unwrap_or_else(|e| panic!("{e}"));
            }
            for i in 0..rows {
                let hot = row_combs(&old, i, HOT_ROW_USES, &mut 0, || row_bases(&old, i))
                    .unwrap_or_else(|e| panic!("{e}"));
                assert!(hot.is_some(), "{text}: row {i} warmed");
            }
            assert_ne!(row_key(&old, 0), row_key(&new, 0));
            assert_eq!(row_key(&old, 1), row_key(&new, 1));
            // Seal at v_new with the same policy and coins.
            let h_old = enc_header(pk, &old, &s).unwrap_or_else(|e| panic!("{e}"));
            let h_new = enc_header(pk, &new, &s).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(h_old.c0, h_new.c0);
            assert_ne!(h_old.rows[0], h_new.rows[0], "{text}: the bumped row");
            assert_eq!(h_old.rows[1..], h_new.rows[1..], "{text}: the other rows");
            // The new header's rows are those of the new points (Straus on the bases).
            for i in 0..rows {
                let bases = row_bases(&new, i).unwrap_or_else(|e| panic!("{e}"));
                for (l, pair) in bases.iter().enumerate() {
                    let affine = G1Projective::normalize_batch(pair);
                    let row = SecretG1::multi_mul(&affine, &[&s[0], &s[1]]).publish();
                    assert_eq!(row, h_new.rows[i][l], "{text}: row {i}, l {l}");
                }
            }
            // The FO check's bases at v_new accept the new rows and not the old ones.
            let [a, b] = weighted_bases_vartime(&new, &weights).unwrap_or_else(|e| panic!("{e}"));
            let expected = SecretG1::multi_mul(&[a, b], &[&s[0], &s[1]]);
            let sum = |rows: &[[G1Affine; 3]]| {
                let flat: Vec<G1Affine> = rows.iter().flatten().copied().collect();
                msm_split_weights(&flat, &weights).unwrap_or_else(|e| panic!("{e}"))
            };
            let fo = |rows: &[[G1Affine; 3]]| {
                bool::from(expected.ct_eq(&SecretG1::from_projective(&sum(rows))))
            };
            assert!(fo(&h_new.rows), "{text}: FO at v_new");
            assert!(!fo(&h_old.rows), "{text}: v_old rows under v_new bases");
            let old_bases =
                weighted_bases_vartime(&old, &weights).unwrap_or_else(|e| panic!("{e}"));
            assert_ne!(old_bases, [a, b]);
            // Z: the new key opens the new header; the old key's raw DecCore does not
            // (and it does open the old one, so the difference is the version).
            let z = kem_value(pk, &s).publish();
            let names = ["bump:a", "bump:b", "bump:c"];
            let gamma = policy
                .lsss()
                .reconstruct(&names)
                .unwrap_or_else(|| panic!("satisfied"));
            let open = |key: &dyn crate::abe::core::DecryptionKey,
                        vp: &VersionedPolicy,
                        h: &crate::abe::core::HeaderCore| {
                dec_core(key, vp, h, &gamma)
                    .unwrap_or_else(|e| panic!("{e}"))
                    .publish()
            };
            assert_eq!(open(&*new_key.material, &new, &h_new), z, "{text}");
            let raw = AnyVersion(&old_key.material);
            assert_eq!(open(&raw, &old, &h_old), z, "{text}");
            assert_ne!(open(&raw, &new, &h_new), z, "{text}: the old key at v_new");
            // The library's own view refuses the old key before any pairing.
            assert_eq!(
                dec_core(&*old_key.material, &new, &h_new, &gamma).map(|_| ()),
                Err(crate::error::Error::PolicyNotSatisfied)
            );
        }
    }

    /// More keys than the cache holds: the oldest is evicted, results stay right.
    #[test]
    fn key_table_cache_is_bounded() {
        let mut rng = ChaCha20Rng::seed_from_u64(8);
        let authorities: Vec<Authority> = (0..KEY_TABLE_ENTRIES + 1)
            .map(|_| Authority::setup(&mut rng))
            .collect();
        let s = SecretScalar::random(&mut rng);
        for a in &authorities {
            let pk = a.public_key();
            let z = kem_value(pk, &[s.clone(), s.clone()]);
            let expected = SecretGt::pow_base(&pk.t1, &s).mul(&SecretGt::pow_base(&pk.t2, &s));
            assert!(bool::from(z.ct_eq(&expected)));
        }
        let cache = KEY_TABLES.lock().unwrap_or_else(PoisonError::into_inner);
        assert!(cache.len() <= KEY_TABLE_ENTRIES);
    }
}
