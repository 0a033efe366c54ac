//! FAME EncCore and DecCore (`docs/security.md` §2), shared by sealing, opening and the proxy.
//!
//! Group placement (Type III): attribute and column hashes and all per-row header
//! elements live in G1; the three header anchors `C0` and the key anchors `K0` live in
//! G2. Decryption is one 6-pair multi-pairing with a single final exponentiation.

use std::sync::{Arc, Mutex, PoisonError};

use ark_bls12_381::{Fq12, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{CyclotomicMultSubgroup, Field, One, Zero};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use crate::abe::PublicKey;
use crate::cache::Lru;
use crate::ct::curve::{CtPoint, G1Curve, G2Curve};
use crate::ct::fields::{fq12_to_ct, CtFq12};
use crate::ct::gt::fq12_select;
use crate::ct::mul::{lookup, recode, DIGITS};
use crate::ct::{
    multi_pairing, CtG2Prepared, Gt, SecretBaseTable, SecretG1, SecretG1Affine, SecretG2,
    SecretG2Affine, SecretGt, SecretScalar,
};
use crate::error::{Error, Result};
use crate::hash::{attribute_points, column_points};
use crate::policy::{Attribute, Lsss, RowBuilder};

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
    /// The attributes the key holds, sorted.
    fn attributes(&self) -> &[Attribute];
    /// `K0`, prepared for the Miller loop (computed once and cached).
    fn k0_prepared(&self) -> &PreparedK0;
    /// `K'`.
    fn k_prime(&self) -> &[SecretG1Affine; 3];
    /// `K_y` for an attribute the key holds.
    fn k_attr(&self, attribute: &Attribute) -> Option<&[SecretG1Affine; 3]>;
    /// The key id of the authority that issued the key.
    fn authority(&self) -> &[u8; 32];
    /// Whether the key holds the holder guard (user keys do; re-keys never).
    fn holds_guard(&self) -> bool;
}

/// The six public bases of a header row, `[l][t]`.
type RowBases = [[G1Projective; 2]; 3];

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
/// ([`Lsss::build_rows`]): a gate's vector is built once and shared by its children,
/// Lewko–Waters entries are point additions, and a threshold child's Vandermonde
/// entries `x, x², …, x^(k−1)` are one Horner evaluation at its small point `x`
/// (`k − 1` small-scalar multiplications by `x` and additions), never a full-width
/// multiplication. Public data only: variable time throughout. The steps are exactly
/// those that `policy::cost` counts.
struct BaseBuilder<'a> {
    lsss: &'a Lsss,
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
        let w = attribute_points(self.lsss.rho(i).as_str());
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
/// [`BaseBuilder`]). `B(i,l,t) = W(ρ(i),l,t) · Π_j U(j,l,t)^{M_ij}`, so that
/// `C(i,l) = B(i,l,1)^{s1} · B(i,l,2)^{s2}`.
fn rows_bases(lsss: &Lsss, wanted: &dyn Fn(usize) -> bool) -> Result<Vec<Option<RowBases>>> {
    let mut builder = BaseBuilder {
        lsss,
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
fn row_bases(lsss: &Lsss, i: usize) -> Result<RowBases> {
    rows_bases(lsss, &|r| r == i)?
        .get(i)
        .copied()
        .flatten()
        .ok_or(Error::InvalidArgument("LSSS row out of range"))
}

/// A constant-time fixed-base comb for a public GT element `f`: row `i` holds
/// `f^((j+1)·16^i)` for `j = 0..8`, so `f^s` is 64 masked lookups (every entry read)
/// and 64 multiplications, with no squaring; negative digits conjugate (the inverse in
/// the cyclotomic subgroup). The same signed radix-16 recoding as the curve combs.
/// 64 · 8 · 576 B = 288 KiB.
struct GtTable {
    rows: Vec<[CtFq12; 8]>,
}

impl GtTable {
    /// Built with arkworks' variable-time arithmetic: `f` and its powers are public.
    fn new_vartime(f: &Gt) -> Self {
        let mut rows = Vec::with_capacity(DIGITS);
        let mut b: Fq12 = f.0; // f^(16^i)
        for _ in 0..DIGITS {
            let mut row = [fq12_to_ct(b); 8];
            let mut m = b;
            for slot in row.iter_mut().skip(1) {
                m *= &b;
                *slot = fq12_to_ct(m);
            }
            rows.push(row);
            for _ in 0..4 {
                b.cyclotomic_square_in_place();
            }
        }
        Self { rows }
    }

    /// `f^s` for a secret `s`.
    fn pow(&self, s: &SecretScalar) -> SecretGt {
        let mut digits = recode(&s.0);
        let mut acc = CtFq12::ONE;
        for (row, &d) in self.rows.iter().zip(&digits) {
            let neg = (d as u8) >> 7; // 1 for negative digits
            let abs = ((d as u8) ^ neg.wrapping_neg()).wrapping_add(neg);
            let mut entry = CtFq12::ONE; // digit 0
            for (j, candidate) in row.iter().enumerate() {
                entry = fq12_select(&entry, candidate, abs.ct_eq(&(j as u8 + 1)));
            }
            let mut inverse = entry;
            inverse.conjugate_in_place();
            entry = fq12_select(&entry, &inverse, Choice::from(neg));
            acc *= &entry;
            entry.zeroize();
            inverse.zeroize();
        }
        digits.zeroize();
        SecretGt(acc)
    }
}

/// Fixed-base tables of one public key's sealing bases: `H1`, `H2` (G2 combs) and `T1`,
/// `T2` (GT combs), 864 KiB in all. Every seal (and every FO recomputation of a header)
/// multiplies these four bases by the secret coins.
struct KeyTables {
    h: [SecretBaseTable<G2Curve>; 2],
    t: [GtTable; 2],
}

/// Public keys whose tables are kept: an application seals under one authority, rarely
/// a few.
const KEY_TABLE_ENTRIES: usize = 4;

/// The tables of the last [`KEY_TABLE_ENTRIES`] public keys used, by key id (most
/// recent last).
static KEY_TABLES: Mutex<Vec<([u8; 32], Arc<KeyTables>)>> = Mutex::new(Vec::new());

/// The tables of `pk`, built on first use (about 10 ms, once per process and key).
fn key_tables(pk: &PublicKey) -> Arc<KeyTables> {
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
    let fresh = Arc::new(KeyTables {
        h: [SecretBaseTable::new(&pk.h1), SecretBaseTable::new(&pk.h2)],
        t: [GtTable::new_vartime(&pk.t1), GtTable::new_vartime(&pk.t2)],
    });
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

/// Windows of the row combs: `16^(4k)` for k = 0..16.
const COMB_ROWS: usize = DIGITS / 4;

/// A compact constant-time comb for a public G1 row base `B`: `rows[k][j] =
/// (j+1)·16^(4k)·B`. With the scalar's 64 signed radix-16 digits `d_i` split by
/// `i = 4k + r`, `s·B = Σ_r 16^r Σ_k d_(4k+r)·rows[k]`: 64 masked lookups and additions
/// plus 12 doublings, from 128 points (18 KiB) instead of the 512 of a full comb.
struct G1Comb {
    rows: Vec<[CtPoint<G1Curve>; 8]>,
}

impl G1Comb {
    /// Built with arkworks' variable-time arithmetic: `B` is public.
    fn new_vartime(base: &G1Projective) -> Self {
        let mut multiples = Vec::with_capacity(COMB_ROWS * 8);
        let mut b = *base; // 16^(4k)·B
        for _ in 0..COMB_ROWS {
            let mut m = b;
            for _ in 0..8 {
                multiples.push(m);
                m += b;
            }
            for _ in 0..16 {
                ark_ff::AdditiveGroup::double_in_place(&mut b);
            }
        }
        let affine = G1Projective::normalize_batch(&multiples);
        let rows = affine
            .chunks_exact(8)
            .map(|c| {
                let mut row = [CtPoint::identity(); 8];
                for (slot, a) in row.iter_mut().zip(c) {
                    *slot = CtPoint::from_affine(a);
                }
                row
            })
            .collect();
        Self { rows }
    }
}

/// `Σ_t s_t·B_t` over two combs, sharing the 12 doublings (the (s1, s2) product of a
/// header row), from the scalars' recodings.
fn joint_comb_mul(combs: &[G1Comb; 2], digits: &[[i8; DIGITS]; 2]) -> SecretG1 {
    let mut acc = CtPoint::<G1Curve>::identity();
    for r in (0..4).rev() {
        if r != 3 {
            for _ in 0..4 {
                acc = acc.double();
            }
        }
        for k in 0..COMB_ROWS {
            for (comb, d) in combs.iter().zip(digits) {
                acc = acc.add(&lookup(&comb.rows[k], d[4 * k + r]));
            }
        }
    }
    crate::ct::SecretPoint(acc)
}

/// The combs of one header row: `[l][t]` for the bases `B(i,l,t)` of [`row_bases`].
/// 108 KiB.
type RowCombs = [[G1Comb; 2]; 3];

/// Row combs kept (least recently used evicted): 256 rows, about 27 MiB. A row is
/// identified by its attribute and its LSSS row (trailing zeros dropped), so recurring
/// policies, and rows shared between policies, hit.
const ROW_COMB_ENTRIES: usize = 256;

type RowKey = (String, Vec<Fr>);

static ROW_COMBS: Mutex<Lru<RowKey, Arc<RowCombs>>> = Mutex::new(Lru::new(ROW_COMB_ENTRIES));

/// A row's combs are built on its [`HOT_ROW_USES`]-th use. Building costs about 13 ms
/// (six bases) and saves about 0.4 ms per later use (0.74 → 0.34 ms a row), so it
/// pays only for rows that recur: a policy sealed or opened once keeps the
/// variable-base path.
const HOT_ROW_USES: u32 = 8;

/// Uses of rows that have no combs yet (bounded like the attribute cache).
static ROW_USES: Mutex<Lru<RowKey, u32>> = Mutex::new(Lru::new(4096));

/// The cache key of row `i`: its attribute and its LSSS row without trailing zeros.
fn row_key(lsss: &Lsss, i: usize) -> RowKey {
    let mut entries = lsss.row(i).to_vec();
    while entries.last().is_some_and(Zero::is_zero) {
        entries.pop();
    }
    (lsss.rho(i).as_str().to_owned(), entries)
}

/// Row combs built at most per header computation. Building costs about 13 ms a row:
/// without a bound, the [`HOT_ROW_USES`]-th open of a 256-row record would build 256
/// combs at once (seconds), and an attacker replaying records could repeat that. Rows
/// beyond the allowance stay on the variable-base path and get their combs on a later
/// use.
const COMB_BUILDS_PER_HEADER: usize = 2;

/// The combs of row `i` if the row is hot: cached, or built now from its (public)
/// bases on its [`HOT_ROW_USES`]-th use or later, if `builds` (decremented) allows.
/// `None`: use the variable-base path.
fn row_combs(
    lsss: &Lsss,
    i: usize,
    hot_after: u32,
    builds: &mut usize,
) -> Result<Option<Arc<RowCombs>>> {
    let key = row_key(lsss, i);
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
    let bases = row_bases(lsss, i)?;
    let combs = Arc::new(bases.map(|pair| pair.map(|b| G1Comb::new_vartime(&b))));
    Ok(Some(lock(&ROW_COMBS).insert(key, combs)))
}

/// Locks a cache; a poisoned lock is taken over (no code panics while holding one, and
/// every state of the maps is consistent).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
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
pub(crate) fn enc_rows_secret(lsss: &Lsss, s: &[SecretScalar; 2]) -> Result<Vec<SecretG1>> {
    let mut builds = COMB_BUILDS_PER_HEADER;
    let combs = (0..lsss.rows())
        .map(|i| row_combs(lsss, i, HOT_ROW_USES, &mut builds))
        .collect::<Result<Vec<_>>>()?;
    let cold = rows_bases(lsss, &|i| combs.get(i).is_some_and(Option::is_none))?;
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
/// The FO check does not publish its recomputation: it compares
/// [`enc_c0_secret`] and [`enc_rows_secret`] in constant time.
pub(crate) fn enc_header(pk: &PublicKey, lsss: &Lsss, s: &[SecretScalar; 2]) -> Result<HeaderCore> {
    let c0 = SecretG2::batch_publish(&enc_c0_secret(pk, s));
    let rows = SecretG1::batch_publish(&enc_rows_secret(lsss, s)?);
    Ok(HeaderCore {
        c0: [c0[0], c0[1], c0[2]],
        rows: rows.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect(),
    })
}

/// EncCore, KEM part: `Z = T1^{s1} · T2^{s2}` (secret), by the key's constant-time
/// GT combs.
pub(crate) fn kem_value(pk: &PublicKey, s: &[SecretScalar; 2]) -> SecretGt {
    let tables = key_tables(pk);
    tables.t[0].pow(&s[0]).mul(&tables.t[1].pow(&s[1]))
}

/// `Σ γ_i · P_i` over public points with the fast path `γ_i = 1` (all Lewko–Waters
/// AND/OR policies). Variable time: only for public data.
fn weighted_sum_vartime<'a>(terms: impl Iterator<Item = (&'a G1Affine, &'a Fr)>) -> G1Projective {
    let mut acc = G1Projective::zero();
    for (p, gamma) in terms {
        if gamma.is_one() {
            acc += p;
        } else {
            acc += p.into_group() * gamma;
        }
    }
    acc
}

/// DecCore: `Z = Π_l e(K'_l · Π K_{ρ(i),l}^{γ_i}, C0_l) / Π_l e(Π C_{i,l}^{γ_i}, K0_l)`.
///
/// `gamma` comes from [`Lsss::reconstruct`] over the key's attributes, so every row it
/// names has a key component. Returns `PolicyNotSatisfied` if one is missing.
pub(crate) fn dec_core<K: DecryptionKey + ?Sized>(
    key: &K,
    lsss: &Lsss,
    header: &HeaderCore,
    gamma: &[(usize, Fr)],
) -> Result<SecretGt> {
    let mut key_rows = Vec::with_capacity(gamma.len());
    for (i, g) in gamma {
        let k = key.k_attr(lsss.rho(*i)).ok_or(Error::PolicyNotSatisfied)?;
        let c = header.rows.get(*i).ok_or(Error::DecryptionFailed)?;
        key_rows.push((k, c, g));
    }
    // Key side (secret): K'_l · Π K_{ρ(i),l}^{γ_i} in the constant-time layer. The
    // coefficients γ_i are public (they follow from the policy and the attribute set).
    let secret_sums: Vec<SecretG1> = (0..3)
        .map(|l| {
            key_rows
                .iter()
                .fold(key.k_prime()[l].to_point(), |acc, (k, _, g)| {
                    let term = k[l].to_point();
                    acc.add(&if g.is_one() {
                        term
                    } else {
                        term.mul(&SecretScalar::from_fr(g))
                    })
                })
        })
        .collect();
    let secret_sums = SecretG1::batch_to_secret_affine(&secret_sums);
    // Header side (public): variable-time sums are fine.
    let public_sums: Vec<G1Projective> = (0..3)
        .map(|l| -weighted_sum_vartime(key_rows.iter().map(|(_, c, g)| (&c[l], *g))))
        .collect();
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
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use subtle::ConstantTimeEq;

    use super::*;
    use crate::abe::Authority;

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
            let lsss = policy.lsss();
            for s in &pairs {
                let digits = [recode(&s[0].0), recode(&s[1].0)];
                for _pass in 0..2 {
                    for i in 0..lsss.rows() {
                        let combs = row_combs(lsss, i, 1, &mut { usize::MAX })
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

    /// The pre-fix row bases: `W + Σ_j M_ij·U_j` with a full-width multiplication by
    /// every non-zero entry (the reference for the Horner builder).
    fn row_bases_full_width(lsss: &Lsss, i: usize) -> RowBases {
        let w = attribute_points(lsss.rho(i).as_str());
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
            let lsss = policy.lsss();
            let all = rows_bases(lsss, &|_| true).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(all.len(), lsss.rows());
            for (i, built) in all.iter().enumerate() {
                let expected = row_bases_full_width(lsss, i);
                assert_eq!(*built, Some(expected), "{text}: row {i} (all rows)");
                let one = row_bases(lsss, i).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(one, expected, "{text}: row {i} (alone)");
            }
            // A subset: only the wanted rows are built.
            let odd = rows_bases(lsss, &|i| i % 2 == 1).unwrap_or_else(|e| panic!("{e}"));
            for (i, b) in odd.iter().enumerate() {
                assert_eq!(b.is_some(), i % 2 == 1, "{text}: row {i}");
            }
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

    /// A row gets combs on its HOT_ROW_USES-th use, not before.
    #[test]
    fn rows_get_combs_when_hot() {
        let policy =
            crate::policy::Policy::parse("hot:a and hot:b").unwrap_or_else(|e| panic!("{e}"));
        let lsss = policy.lsss();
        for _ in 1..HOT_ROW_USES {
            assert!(row_combs(lsss, 1, HOT_ROW_USES, &mut 1)
                .unwrap_or_else(|e| panic!("{e}"))
                .is_none());
        }
        assert!(row_combs(lsss, 1, HOT_ROW_USES, &mut 1)
            .unwrap_or_else(|e| panic!("{e}"))
            .is_some());
    }

    /// The measurement that justified the combs (run by hand, timing only):
    /// `cargo test --lib abe::core::tests::comb_timing -- --ignored --nocapture`.
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
        let lsss = policy.lsss();
        let start = Instant::now();
        let combs = row_combs(lsss, 0, 1, &mut 1)
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
