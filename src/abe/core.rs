//! FAME EncCore and DecCore (`docs/security.md` §2), shared by sealing, opening and the proxy.
//!
//! Group placement (Type III): attribute and column hashes and all per-row header
//! elements live in G1; the three header anchors `C0` and the key anchors `K0` live in
//! G2. Decryption is one 6-pair multi-pairing with a single final exponentiation.
//!
//! The algebra only: multiplications by fixed public bases go through the combs of
//! [`super::tables`], which [`super::caches`] keeps per process.
//!
//! Everything that does group work for a header takes a [`VersionedPolicy`]
//! (`docs/revocation-v3.md` §3.2): row `i` uses the attribute points of `ρ(i)` at the
//! row's version, and the caches are keyed so that bases or combs built at one version
//! are never served for another. v2 headers are every row at version 0.

use std::sync::Arc;

use ark_bls12_381::{g1, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{One, Zero};
use zeroize::{Zeroize, Zeroizing};

use super::caches::{
    fo_bases, key_tables, row_combs, FoBases, COMB_BUILDS_PER_HEADER, HOT_ROW_USES,
};
use super::msm::{msm_split_weights, msm_vartime, SplitWeight};
use super::tables::{joint_comb_mul, RowBases};
use crate::abe::PublicKey;
use crate::ct::mul::recode;
use crate::ct::{
    multi_pairing, CtG2Prepared, SecretG1, SecretG1Affine, SecretG2, SecretG2Affine, SecretGt,
    SecretScalar,
};
use crate::error::{Error, Result};
use crate::hash::{attribute_points, column_points};
use crate::policy::{Attribute, RowBuilder, VersionedPolicy};

/// The group part of a FAME header: `C0 ∈ G2³` and one `C_i ∈ G1³` per LSSS row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HeaderCore {
    pub(crate) c0: [G2Affine; 3],
    pub(crate) rows: Vec<[G1Affine; 3]>,
}

/// A key's `K0` with its Miller-loop line coefficients precomputed in the constant-time
/// layer (saves three G2 preparations, about a tenth of a decryption, on every use after
/// the first). Secret-derived: `CtG2Prepared` wipes its coefficients on drop.
pub(crate) struct PreparedK0(pub(crate) [CtG2Prepared; 3]);

impl PreparedK0 {
    pub(crate) fn new(k0: &[SecretG2Affine; 3]) -> Self {
        Self([
            CtG2Prepared::new(k0[0].expose_secret()),
            CtG2Prepared::new(k0[1].expose_secret()),
            CtG2Prepared::new(k0[2].expose_secret()),
        ])
    }
}

/// The key material DecCore needs: `K0 ∈ G2³`, `K' ∈ G1³` and, per attribute, `K_y ∈ G1³`.
///
/// Implemented by user keys and by the blinded keys inside re-keys, so the proxy runs
/// exactly the same code as a key holder.
pub(crate) trait DecryptionKey {
    /// `K0`, prepared for the Miller loop (computed once and cached).
    fn k0_prepared(&self) -> &PreparedK0;
    /// `K'`.
    fn k_prime(&self) -> &[SecretG1Affine; 3];
    /// `K_y` for an attribute the key holds **at `version`** (`None` for an attribute it
    /// lacks or holds at another version: `(y, v)` and `(y, v')` are different FAME
    /// attributes, `docs/revocation-v3.md` §3.4). The holder guard ([`HOLDER_GUARD`],
    /// version 0) is held by user keys only, never by re-keys or delegation keys.
    ///
    /// [`HOLDER_GUARD`]: crate::policy::HOLDER_GUARD
    fn k_attr(&self, attribute: &Attribute, version: u32) -> Option<&[SecretG1Affine; 3]>;
    /// Whether the key holds `attribute` at `version` (it has that component). Public
    /// data only: which attributes and versions a key holds is not secret.
    fn holds(&self, attribute: &Attribute, version: u32) -> bool {
        self.k_attr(attribute, version).is_some()
    }
    /// The key id of the authority that issued the key.
    fn authority(&self) -> &[u8; 32];
}

/// `x·P` for a small public `x` by double-and-add from the top bit: `⌊log2 x⌋`
/// doublings and `popcount(x) − 1` additions (the cost model's `mul_small_steps`).
/// Variable time: `x` and `P` are public.
fn mul_small_vartime(p: &G1Projective, x: u64) -> G1Projective {
    if x == 0 {
        return G1Projective::zero();
    }
    let mut acc = *p;
    for bit in (0..63 - x.leading_zeros()).rev() {
        ark_ff::AdditiveGroup::double_in_place(&mut acc);
        if (x >> bit) & 1 == 1 {
            acc += p;
        }
    }
    acc
}

/// The column points `U(j+1, l, t)` of the 0-based LSSS column `j`.
fn column(j: usize) -> Result<Arc<crate::hash::AttributePoints>> {
    let column =
        u32::try_from(j + 1).map_err(|_| Error::InvalidArgument("too many LSSS columns"))?;
    Ok(column_points(column))
}

/// Builds row bases `B(i,l,t) = W(ρ(i),l,t) + Σ_j M_ij·U(j,l,t)` from the gate tree
/// ([`Lsss::build_rows`](crate::policy::Lsss::build_rows)): a gate's vector is built once and shared by its children,
/// Lewko–Waters entries are point additions, and a threshold child's Vandermonde
/// entries `x, x², …, x^(k−1)` are one Horner evaluation at its small point `x`
/// (`k − 1` small-scalar multiplications by `x` and additions), never a full-width
/// multiplication. Public data only: variable time throughout. The steps are exactly
/// those that `policy::cost` counts.
struct BaseBuilder<'a> {
    policy: &'a VersionedPolicy,
    out: Vec<Option<RowBases>>,
    failed: Option<Error>,
}

impl RowBuilder for BaseBuilder<'_> {
    type Value = RowBases;

    fn zero(&mut self) -> RowBases {
        [[G1Projective::zero(); 2]; 3]
    }

    fn add_unit(&mut self, v: &mut RowBases, j: usize, sign: i8) {
        match column(j) {
            Ok(u) => {
                for (row, points) in v.iter_mut().zip(&u.points) {
                    for (base, point) in row.iter_mut().zip(points) {
                        if sign < 0 {
                            *base -= point;
                        } else {
                            *base += point;
                        }
                    }
                }
            }
            Err(e) => self.failed = Some(e),
        }
    }

    fn add_powers(&mut self, v: &mut RowBases, first: usize, count: usize, x: u64) {
        let columns: Result<Vec<_>> = (first..first + count).map(column).collect();
        let columns = match columns {
            Ok(c) => c,
            Err(e) => {
                self.failed = Some(e);
                return;
            }
        };
        // Σ_{e=1}^{count} x^e·U_e = x·(U_1 + x·(U_2 + … + x·U_count)).
        for (l, row) in v.iter_mut().enumerate() {
            for (t, base) in row.iter_mut().enumerate() {
                let mut highest_first = columns.iter().rev();
                let Some(last) = highest_first.next() else {
                    continue;
                };
                let mut acc = last.points[l][t].into_group();
                for u in highest_first {
                    acc = mul_small_vartime(&acc, x);
                    acc += &u.points[l][t];
                }
                *base += mul_small_vartime(&acc, x);
            }
        }
    }

    fn leaf(&mut self, i: usize, v: &RowBases) {
        let w = attribute_points(self.policy.lsss().rho(i).as_str(), self.policy.version(i));
        let mut bases = *v;
        for (row, points) in bases.iter_mut().zip(&w.points) {
            for (base, point) in row.iter_mut().zip(points) {
                *base += point;
            }
        }
        if let Some(slot) = self.out.get_mut(i) {
            *slot = Some(bases);
        }
    }
}

/// The public bases of the rows `i` with `wanted(i)` (`None` for the others), built
/// in one walk of the gate tree so that rows share their gates' work (see
/// [`BaseBuilder`]). `B(i,l,t) = W(ρ(i),v_i,l,t) · Π_j U(j,l,t)^{M_ij}` (`v_i` the row's
/// version), so that `C(i,l) = B(i,l,1)^{s1} · B(i,l,2)^{s2}`.
fn rows_bases(
    policy: &VersionedPolicy,
    wanted: &dyn Fn(usize) -> bool,
) -> Result<Vec<Option<RowBases>>> {
    let lsss = policy.lsss();
    let mut builder = BaseBuilder {
        policy,
        out: vec![None; lsss.rows()],
        failed: None,
    };
    lsss.build_rows(&mut builder, wanted);
    match builder.failed {
        Some(e) => Err(e),
        None => Ok(builder.out),
    }
}

/// The public base points of row `i` alone (its path through the gate tree).
pub(super) fn row_bases(policy: &VersionedPolicy, i: usize) -> Result<RowBases> {
    rows_bases(policy, &|r| r == i)?
        .get(i)
        .copied()
        .flatten()
        .ok_or(Error::InvalidArgument("LSSS row out of range"))
}

/// EncCore, `C0 = (H1^{s1}, H2^{s2}, h^{s1+s2})`, still secret (the FO check compares
/// it before computing any row). By the key's constant-time combs.
pub(crate) fn enc_c0_secret(pk: &PublicKey, s: &[SecretScalar; 2]) -> [SecretG2; 3] {
    let tables = key_tables(pk);
    [
        tables.h[0].mul(&s[0]),
        tables.h[1].mul(&s[1]),
        SecretG2::mul_generator(&(&s[0] + &s[1])),
    ]
}

/// EncCore, the rows `C(i,l)` for coins `(s1, s2)`, still secret: `3·rows` points in
/// row-major order. The coins are secret, so every multiplication by them goes through
/// the constant-time layer: fixed-base combs of hot rows, a Straus product of the
/// (public) row bases otherwise. The bases of all the cold rows are built in one walk
/// of the gate tree ([`rows_bases`]).
pub(crate) fn enc_rows_secret(
    policy: &VersionedPolicy,
    s: &[SecretScalar; 2],
) -> Result<Vec<SecretG1>> {
    let lsss = policy.lsss();
    let mut builds = COMB_BUILDS_PER_HEADER;
    let combs = (0..lsss.rows())
        .map(|i| {
            row_combs(policy, i, HOT_ROW_USES, &mut builds, || {
                row_bases(policy, i)
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let cold = rows_bases(policy, &|i| combs.get(i).is_some_and(Option::is_none))?;
    let mut digits = [recode(&s[0].0), recode(&s[1].0)];
    let mut rows = Vec::with_capacity(lsss.rows() * 3);
    for (comb, bases) in combs.iter().zip(&cold) {
        match (comb, bases) {
            (Some(combs), _) => rows.extend(combs.iter().map(|pair| joint_comb_mul(pair, &digits))),
            // A row seen fewer than HOT_ROW_USES times: one Straus (s1, s2) product per
            // l, sharing the doublings. Public bases: variable-time normalisation is
            // fine.
            (None, Some(bases)) => {
                let flat: Vec<G1Projective> = bases.iter().flatten().copied().collect();
                let affine = G1Projective::normalize_batch(&flat);
                for pair in affine.chunks_exact(2) {
                    rows.push(SecretG1::multi_mul(pair, &[&s[0], &s[1]]));
                }
            }
            (None, None) => {
                digits.iter_mut().for_each(Zeroize::zeroize);
                return Err(Error::InvalidArgument("LSSS row without bases"));
            }
        }
    }
    digits.iter_mut().for_each(Zeroize::zeroize);
    Ok(rows)
}

/// EncCore, header part: `C0` and the rows for coins `(s1, s2)`, published (Encaps).
/// The FO check does not publish its recomputation: it compares [`enc_c0_secret`] in
/// constant time, then the rows by one random linear combination
/// ([`weighted_bases_vartime`], `record::kem::rows_match_batched`).
pub(crate) fn enc_header(
    pk: &PublicKey,
    policy: &VersionedPolicy,
    s: &[SecretScalar; 2],
) -> Result<HeaderCore> {
    let c0 = SecretG2::batch_publish(&enc_c0_secret(pk, s));
    let rows = SecretG1::batch_publish(&enc_rows_secret(policy, s)?);
    Ok(HeaderCore {
        c0: [c0[0], c0[1], c0[2]],
        rows: rows.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect(),
    })
}

/// The public side of the FO check's batched row comparison (`docs/security.md` §2.1).
/// For public weights `w_{i,l}` (three per row, row-major), `[A, B]` with
/// `A = Σ_{i,l} w_{i,l}·B(i,l,1)` and `B = Σ_{i,l} w_{i,l}·B(i,l,2)`, so that an honest
/// header has `Σ w_{i,l}·C(i,l) = s1·A + s2·B`. Two ways, chosen by the matrix (public):
///
/// - every entry 0 or ±1 (Lewko–Waters: policies of AND and OR gates): from the row
///   bases, whose entries cost point additions only ([`weighted_bases_by_rows`]);
/// - a threshold gate's Vandermonde entries: from the hash points
///   ([`weighted_bases_by_columns`]) on the policy's first use, because building those
///   rows' bases costs `k − 1` Horner steps per component, more than the extra MSM terms
///   of the columns; from its second use on, from its row bases, built then and cached.
///
/// The row bases' cache ([`fo_bases`]) is keyed by the versioned policy's canonical
/// bytes (`docs/revocation-v3.md` §3.2), so bases built at one version vector are never
/// served for another.
///
/// Variable time: public data only (the policy, its hash points, the weights).
pub(crate) fn weighted_bases_vartime(
    policy: &VersionedPolicy,
    weights: &[SplitWeight],
) -> Result<[G1Affine; 2]> {
    let lsss = policy.lsss();
    if weights.len() != 3 * lsss.rows() {
        return Err(Error::InvalidArgument("one FO weight per row component"));
    }
    let unit_entries = || {
        (0..lsss.rows())
            .all(|i| (0..lsss.columns()).all(|j| matches!(lsss.small_entry(i, j), Some(-1..=1))))
    };
    match fo_bases(policy.canonical_bytes(), unit_entries, || {
        fo_row_bases(policy)
    })? {
        Some(bases) => weighted_bases_by_rows(&bases, weights),
        None => weighted_bases_by_columns(policy, weights),
    }
}

/// The row bases `[X, Y]` of any matrix, built in one walk of the gate tree
/// ([`rows_bases`]: additions for entries 0 and ±1, Horner steps for a threshold's
/// Vandermonde entries) and normalised together (one inversion).
fn fo_row_bases(policy: &VersionedPolicy) -> Result<FoBases> {
    let rows = policy.lsss().rows();
    let bases = rows_bases(policy, &|_| true)?;
    let mut points = [Vec::with_capacity(3 * rows), Vec::with_capacity(3 * rows)];
    for row in &bases {
        let row = row.ok_or(Error::InvalidArgument("LSSS row without bases"))?;
        for pair in row {
            points[0].push(pair[0]);
            points[1].push(pair[1]);
        }
    }
    Ok(Arc::new(points.map(|p| G1Projective::normalize_batch(&p))))
}

/// [`weighted_bases_vartime`] from the row bases ([`fo_row_bases`], cached per
/// policy), weighted by two public MSMs of `3·rows` points with the split weights
/// ([`msm_split_weights`]). For an AND this is half the MSM terms of
/// [`weighted_bases_by_columns`] (measured with 128-bit weights: an AND of 50 opened at
/// 3.6× the pairing floor instead of 4.7×).
fn weighted_bases_by_rows(
    bases: &[Vec<G1Affine>; 2],
    weights: &[SplitWeight],
) -> Result<[G1Affine; 2]> {
    let sums = [
        msm_split_weights(&bases[0], weights)?,
        msm_split_weights(&bases[1], weights)?,
    ];
    two_affine(&sums)
}

/// [`weighted_bases_vartime`] without forming a row base. `B(i,l,t) = W(ρ(i),v_i,l,t) +
/// Σ_j M_ij·U(j,l,t)`, so the weights go onto the distinct hash points:
/// `A = Σ_{i,l} w_{i,l}·W(ρ(i),v_i,l,1) + Σ_{j,l} c_{j,l}·U(j,l,1)` with the column
/// coefficients `c_{j,l} = Σ_i w_{i,l}·M_ij` in Fr, and `B` alike with `t = 2`. With
/// split weights `w = a + b·λ` both parts are MSMs of 64-bit-wide halves: the attribute
/// points by [`msm_split_weights`], the column points and their images `φ(U)` with the
/// halves `Σ_i a_i·M_ij` and `Σ_i b_i·M_ij` of each coefficient.
fn weighted_bases_by_columns(
    policy: &VersionedPolicy,
    weights: &[SplitWeight],
) -> Result<[G1Affine; 2]> {
    let lsss = policy.lsss();
    // The column coefficients in split form too: `c = Σ_i (a_i + b_i·λ)·M_ij =
    // (Σ_i a_i·M_ij) + λ·(Σ_i b_i·M_ij)`, each half as narrow as the entries allow (64
    // bits plus the entries' and the row count's bits for small Vandermonde entries).
    let columns = lsss.columns();
    let mut halves = vec![[[Fr::zero(); 2]; 3]; columns];
    for (i, w) in weights.chunks_exact(3).enumerate() {
        let w = [0, 1, 2].map(|l| [Fr::from(w[l].a), Fr::from(w[l].b)]);
        for ((j, entry), c) in lsss.row(i).iter().enumerate().zip(&mut halves) {
            let pairs = c.iter_mut().flatten().zip(w.iter().flatten());
            match lsss.small_entry(i, j) {
                Some(0) => {}
                Some(1) => pairs.for_each(|(c, w)| *c += w),
                Some(-1) => pairs.for_each(|(c, w)| *c -= w),
                _ => pairs.for_each(|(c, w)| *c += *w * entry),
            }
        }
    }
    // The attribute points with the split weights (64-bit halves); the column points
    // and their images under φ with the coefficients' halves.
    let mut hashed = [
        Vec::with_capacity(weights.len()),
        Vec::with_capacity(weights.len()),
    ];
    for i in 0..lsss.rows() {
        let points = attribute_points(lsss.rho(i).as_str(), policy.version(i));
        for pair in &points.points {
            hashed[0].push(pair[0]);
            hashed[1].push(pair[1]);
        }
    }
    let mut bases = [
        Vec::with_capacity(6 * columns),
        Vec::with_capacity(6 * columns),
    ];
    let mut scalars = Vec::with_capacity(6 * columns);
    for (j, c) in halves.iter().enumerate() {
        let points = column(j)?;
        for (pair, [ca, cb]) in points.points.iter().zip(c) {
            for (t, base) in bases.iter_mut().enumerate() {
                base.push(pair[t]);
                base.push(<g1::Config as GLVConfig>::endomorphism_affine(&pair[t]));
            }
            scalars.push(*ca);
            scalars.push(*cb);
        }
    }
    let sums = [
        msm_split_weights(&hashed[0], weights)? + msm_vartime(&bases[0], &scalars)?,
        msm_split_weights(&hashed[1], weights)? + msm_vartime(&bases[1], &scalars)?,
    ];
    two_affine(&sums)
}

/// The two sums of the FO check's bases, in affine form (one inversion).
fn two_affine(sums: &[G1Projective; 2]) -> Result<[G1Affine; 2]> {
    let affine = G1Projective::normalize_batch(sums);
    match affine.as_slice() {
        [a, b] => Ok([*a, *b]),
        _ => Err(Error::InvalidArgument("two FO bases")),
    }
}

/// EncCore, KEM part: `Z = T1^{s1} · T2^{s2}` (secret), by the key's constant-time
/// GT combs.
pub(crate) fn kem_value(pk: &PublicKey, s: &[SecretScalar; 2]) -> SecretGt {
    let tables = key_tables(pk);
    tables.t[0].pow(&s[0]).mul(&tables.t[1].pow(&s[1]))
}

/// `Σ γ_i · P_i` over public points: the terms with `γ_i = 1` (all of them for
/// Lewko–Waters AND/OR policies) are added, the others (threshold gates) go into one
/// MSM. Variable time: only for public data.
fn weighted_sum_vartime<'a>(
    terms: impl Iterator<Item = (&'a G1Affine, &'a Fr)>,
) -> Result<G1Projective> {
    let mut acc = G1Projective::zero();
    let (mut points, mut scalars) = (Vec::new(), Vec::new());
    for (p, gamma) in terms {
        if gamma.is_one() {
            acc += p;
        } else {
            points.push(*p);
            scalars.push(*gamma);
        }
    }
    if !points.is_empty() {
        acc += msm_vartime(&points, &scalars)?;
    }
    Ok(acc)
}

/// DecCore: `Z = Π_l e(K'_l · Π K_{ρ(i),l}^{γ_i}, C0_l) / Π_l e(Π C_{i,l}^{γ_i}, K0_l)`.
///
/// `gamma` comes from [`VersionedPolicy::reconstruct`] over the key's (name, version)
/// pairs, so every row it names has a key component at the row's version. Returns
/// `PolicyNotSatisfied`, before any pairing, if one is missing (a name the key lacks, or
/// holds at another version).
pub(crate) fn dec_core<K: DecryptionKey + ?Sized>(
    key: &K,
    policy: &VersionedPolicy,
    header: &HeaderCore,
    gamma: &[(usize, Fr)],
) -> Result<SecretGt> {
    let lsss = policy.lsss();
    let mut key_rows = Vec::with_capacity(gamma.len());
    for (i, g) in gamma {
        let k = key
            .k_attr(lsss.rho(*i), policy.version(*i))
            .ok_or(Error::PolicyNotSatisfied)?;
        let c = header.rows.get(*i).ok_or(Error::DecryptionFailed)?;
        key_rows.push((k, c, g));
    }
    // Key side (secret): K'_l · Π K_{ρ(i),l}^{γ_i} in the constant-time layer. The
    // coefficients γ_i are public (they follow from the policy and the attribute set),
    // so which terms are plain additions (γ = 1, every Lewko–Waters policy) is public;
    // the others (threshold gates) are one Straus product per component, sharing its
    // doublings, over the secret key points with the public coefficients' NAF
    // (`SecretPoint::multi_mul_public_scalars`: constant time in the points, no masked
    // lookups since the digits are public).
    let weights: Vec<Fr> = key_rows
        .iter()
        .filter(|(_, _, g)| !g.is_one())
        .map(|(_, _, g)| **g)
        .collect();
    let secret_sums: Vec<SecretG1> = (0..3)
        .map(|l| {
            let mut acc = key.k_prime()[l].to_point();
            // The key points of the weighted terms, wiped when dropped.
            let mut points: Zeroizing<Vec<G1Affine>> =
                Zeroizing::new(Vec::with_capacity(weights.len()));
            for (k, _, g) in &key_rows {
                if g.is_one() {
                    acc = acc.add(&k[l].to_point());
                } else {
                    points.push(*k[l].expose_secret());
                }
            }
            if !points.is_empty() {
                acc = acc.add(&SecretG1::multi_mul_public_scalars(&points, &weights));
            }
            acc
        })
        .collect();
    let secret_sums = SecretG1::batch_to_secret_affine(&secret_sums);
    // Header side (public): variable-time sums are fine; the weighted terms by one MSM.
    let public_sums: Vec<G1Projective> = (0..3)
        .map(|l| weighted_sum_vartime(key_rows.iter().map(|(_, c, g)| (&c[l], *g))).map(|p| -p))
        .collect::<Result<_>>()?;
    let public_sums = G1Projective::normalize_batch(&public_sums);
    // One 6-pair multi-pairing in the constant-time layer (secret G1 sums, secret K0).
    // Wiped after the pairing: the first three are the secret sums.
    let g1 = Zeroizing::new([
        *secret_sums[0].expose_secret(),
        *secret_sums[1].expose_secret(),
        *secret_sums[2].expose_secret(),
        public_sums[0],
        public_sums[1],
        public_sums[2],
    ]);
    let k0 = &key.k0_prepared().0;
    let c0 = header.c0.map(|q| CtG2Prepared::new(&q));
    Ok(multi_pairing(
        &*g1,
        &[&c0[0], &c0[1], &c0[2], &k0[0], &k0[1], &k0[2]],
    ))
}

#[cfg(test)]
mod tests {
    use ark_ec::PrimeGroup;

    use super::*;

    /// `text` at version 0 (v2).
    fn policy_unversioned(text: &str) -> VersionedPolicy {
        VersionedPolicy::unversioned(
            crate::policy::Policy::parse(text).unwrap_or_else(|e| panic!("{e}")),
        )
    }

    /// The pre-fix row bases: `W + Σ_j M_ij·U_j` with a full-width multiplication by
    /// every non-zero entry (the reference for the Horner builder).
    fn row_bases_full_width(policy: &VersionedPolicy, i: usize) -> RowBases {
        let lsss = policy.lsss();
        let w = attribute_points(lsss.rho(i).as_str(), policy.version(i));
        let mut bases = w.points.map(|row| row.map(|p| p.into_group()));
        for (j, entry) in lsss.row(i).iter().enumerate() {
            if entry.is_zero() {
                continue;
            }
            let u = column_points(u32::try_from(j + 1).unwrap_or_else(|e| panic!("{e}")));
            for (row, points) in bases.iter_mut().zip(&u.points) {
                for (base, point) in row.iter_mut().zip(points) {
                    *base += point.into_group() * entry;
                }
            }
        }
        bases
    }

    /// The Horner/shared-vector bases equal the full-width ones, row by row and all at
    /// once, for AND/OR, thresholds with small and with huge (> 2^62) Vandermonde
    /// entries, nested thresholds and ANDs inside thresholds.
    #[test]
    fn horner_bases_equal_full_width() {
        let wide: Vec<String> = (0..30).map(|i| format!("h:w{i}")).collect();
        let policies = [
            "h:a".to_owned(),
            "h:a and h:b and h:c".to_owned(),
            "h:a or (h:b and h:c) or h:d".to_owned(),
            "2 of (h:a, h:b, h:c)".to_owned(),
            "2 of (h:a and h:b, h:c or h:d, 3 of (h:e, h:f, h:g, h:h)) and h:i".to_owned(),
            "h:z or 3 of (h:a, 2 of (h:b, h:c, h:d), h:e and (h:f or h:g), h:h)".to_owned(),
            format!("20 of ({})", wide.join(", ")),
            format!("h:p or 29 of ({})", wide.join(", ")),
        ];
        for text in &policies {
            let policy = crate::policy::Policy::parse(text).unwrap_or_else(|e| panic!("{e}"));
            let rows = policy.lsss().rows();
            // At version 0 (v2) and at versions (1, 2, …): the bases follow the versions.
            let versions: Vec<u32> = (1..=rows).map(|v| v as u32).collect();
            let versioned = VersionedPolicy::at_versions(policy.clone(), &versions)
                .unwrap_or_else(|e| panic!("{e}"));
            for policy in [VersionedPolicy::unversioned(policy), versioned] {
                let all = rows_bases(&policy, &|_| true).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(all.len(), rows);
                for (i, built) in all.iter().enumerate() {
                    let expected = row_bases_full_width(&policy, i);
                    assert_eq!(*built, Some(expected), "{text}: row {i} (all rows)");
                    let one = row_bases(&policy, i).unwrap_or_else(|e| panic!("{e}"));
                    assert_eq!(one, expected, "{text}: row {i} (alone)");
                }
            }
            let unversioned = policy_unversioned(text);
            // A subset: only the wanted rows are built.
            let odd = rows_bases(&unversioned, &|i| i % 2 == 1).unwrap_or_else(|e| panic!("{e}"));
            for (i, b) in odd.iter().enumerate() {
                assert_eq!(b.is_some(), i % 2 == 1, "{text}: row {i}");
            }
        }
    }

    /// `A` and `B` of the batched FO check equal `Σ w·B(i,l,1)` and `Σ w·B(i,l,2)` over
    /// the row bases of the Horner builder, for AND/OR and threshold policies (huge
    /// Vandermonde entries included).
    #[test]
    fn weighted_bases_are_the_weighted_row_bases() {
        use rand::{Rng, SeedableRng};

        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(20);
        let wide: Vec<String> = (0..30).map(|i| format!("h:w{i}")).collect();
        let policies = [
            "h:a".to_owned(),
            "h:a or (h:b and h:c) or h:d".to_owned(),
            "2 of (h:a and h:b, h:c or h:d, 3 of (h:e, h:f, h:g, h:h)) and h:i".to_owned(),
            format!("h:p or 29 of ({})", wide.join(", ")),
        ];
        for text in &policies {
            let policy = policy_unversioned(text);
            let lsss = policy.lsss();
            let weights: Vec<SplitWeight> = (0..3 * lsss.rows())
                .map(|_| SplitWeight {
                    a: rng.gen(),
                    b: rng.gen(),
                })
                .collect();
            let bases = rows_bases(&policy, &|_| true).unwrap_or_else(|e| panic!("{e}"));
            let mut expected = [G1Projective::zero(); 2];
            for (row, w) in bases.iter().zip(weights.chunks_exact(3)) {
                let row = (*row).unwrap_or_else(|| panic!("{text}: a row without bases"));
                for (pair, w) in row.iter().zip(w) {
                    for (e, b) in expected.iter_mut().zip(pair) {
                        *e += *b * w.to_fr();
                    }
                }
            }
            // Three times: a threshold policy by columns, then by its row bases (built on
            // the second use), then from the cache; an AND/OR policy by rows each time.
            for _ in 0..3 {
                let got =
                    weighted_bases_vartime(&policy, &weights).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(got.map(|p| p.into_group()), expected, "{text}");
            }
            // Both ways, whichever the policy would choose.
            let by_columns =
                weighted_bases_by_columns(&policy, &weights).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(by_columns.map(|p| p.into_group()), expected, "{text}");
            let bases = fo_row_bases(&policy).unwrap_or_else(|e| panic!("{e}"));
            let by_rows =
                weighted_bases_by_rows(&bases, &weights).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(by_rows.map(|p| p.into_group()), expected, "{text}");
            assert!(weighted_bases_vartime(&policy, &weights[1..]).is_err());
        }
    }

    /// Small-scalar multiplication by double-and-add agrees with arkworks.
    #[test]
    fn mul_small_matches_full_width() {
        let p = G1Projective::generator();
        for x in [0u64, 1, 2, 3, 7, 8, 255, 256, 1 << 40, u64::MAX] {
            assert_eq!(mul_small_vartime(&p, x), p * Fr::from(x), "{x}");
        }
    }
}
