//! FAME EncCore and DecCore (DESIGN.md §3), shared by sealing, opening and the proxy.
//!
//! Group placement (Type III): attribute and column hashes and all per-row header
//! elements live in G1; the three header anchors `C0` and the key anchors `K0` live in
//! G2. Decryption is one 6-pair multi-pairing with a single final exponentiation.

use ark_bls12_381::{Bls12_381, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::pairing::PairingOutput;
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{One, Zero};

use crate::abe::PublicKey;
use crate::ct::{multi_pairing, CtG2Prepared, SecretG1, SecretG2, SecretGt, SecretScalar};
use crate::error::{Error, Result};
use crate::hash::{attribute_points, column_points};
use crate::policy::{Attribute, Lsss};

/// An element of the target group GT (written multiplicatively in the paper, additively
/// by arkworks).
pub(crate) type Gt = PairingOutput<Bls12_381>;

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
    pub(crate) fn new(k0: &[G2Affine; 3]) -> Self {
        Self([
            CtG2Prepared::new(&k0[0]),
            CtG2Prepared::new(&k0[1]),
            CtG2Prepared::new(&k0[2]),
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
    fn k_prime(&self) -> &[G1Affine; 3];
    /// `K_y` for an attribute the key holds.
    fn k_attr(&self, attribute: &Attribute) -> Option<&[G1Affine; 3]>;
}

/// `P · k` for a public small integer `k` (LSSS entries and coefficients), by
/// double-and-add on the absolute value. Variable time: `k` and `P` are public.
fn mul_small_vartime(p: &G1Projective, k: i64) -> G1Projective {
    match k {
        0 => G1Projective::zero(),
        1 => *p,
        -1 => -*p,
        _ => {
            let r = p.mul_bigint([k.unsigned_abs()]);
            if k < 0 {
                -r
            } else {
                r
            }
        }
    }
}

/// The public base points of row `i` for t = 1, 2:
/// `B(i,l,t) = W(ρ(i),l,t) · Π_j U(j,l,t)^{M_ij}`, so that `C(i,l) = B(i,l,1)^{s1} · B(i,l,2)^{s2}`.
/// Only public data is involved, so variable-time arithmetic is fine here.
fn row_bases(lsss: &Lsss, i: usize) -> Result<[[G1Projective; 2]; 3]> {
    let w = attribute_points(lsss.rho(i).as_str());
    let mut bases = [[G1Projective::zero(); 2]; 3];
    for (l, row) in bases.iter_mut().enumerate() {
        for (t, base) in row.iter_mut().enumerate() {
            *base = w.points[l][t].into_group();
        }
    }
    let m = lsss.row(i);
    for (j, entry) in m.iter().enumerate() {
        if entry.is_zero() {
            continue;
        }
        let column =
            u32::try_from(j + 1).map_err(|_| Error::InvalidArgument("too many LSSS columns"))?;
        let u = column_points(column);
        for (l, row) in bases.iter_mut().enumerate() {
            for (t, base) in row.iter_mut().enumerate() {
                let u_point = u.points[l][t].into_group();
                *base += match lsss.small_entry(i, j) {
                    Some(small) => mul_small_vartime(&u_point, small),
                    None => u_point * entry,
                };
            }
        }
    }
    Ok(bases)
}

/// EncCore, header part: `C0` and the rows for coins `(s1, s2)`. The FO check
/// recomputes only this (not `Z`). The coins are secret until the header is
/// published, so every multiplication by them goes through the constant-time layer.
pub(crate) fn enc_header(pk: &PublicKey, lsss: &Lsss, s: &[SecretScalar; 2]) -> Result<HeaderCore> {
    let c0 = SecretG2::batch_publish(&[
        SecretG2::mul_base(&pk.h1, &s[0]),
        SecretG2::mul_base(&pk.h2, &s[1]),
        SecretG2::mul_generator(&(&s[0] + &s[1])),
    ]);
    let mut rows = Vec::with_capacity(lsss.rows() * 3);
    for i in 0..lsss.rows() {
        let bases = row_bases(lsss, i)?;
        // Public bases: variable-time normalisation is fine.
        let flat: Vec<G1Projective> = bases.iter().flatten().copied().collect();
        let affine = G1Projective::normalize_batch(&flat);
        for pair in affine.chunks_exact(2) {
            rows.push(SecretG1::multi_mul(pair, &[&s[0], &s[1]]));
        }
    }
    let rows = SecretG1::batch_publish(&rows);
    Ok(HeaderCore {
        c0: [c0[0], c0[1], c0[2]],
        rows: rows.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect(),
    })
}

/// EncCore, KEM part: `Z = T1^{s1} · T2^{s2}` (secret), by constant-time GT
/// exponentiation.
pub(crate) fn kem_value(pk: &PublicKey, s: &[SecretScalar; 2]) -> SecretGt {
    SecretGt::pow_base(&pk.t1, &s[0]).mul(&SecretGt::pow_base(&pk.t2, &s[1]))
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
            key_rows.iter().fold(
                SecretG1::from_affine(&key.k_prime()[l]),
                |acc, (k, _, g)| {
                    let term = SecretG1::from_affine(&k[l]);
                    acc.add(&if g.is_one() {
                        term
                    } else {
                        term.mul(&SecretScalar::from_fr(g))
                    })
                },
            )
        })
        .collect();
    let secret_sums = SecretG1::batch_to_affine_secret(&secret_sums);
    // Header side (public): variable-time sums are fine.
    let public_sums: Vec<G1Projective> = (0..3)
        .map(|l| -weighted_sum_vartime(key_rows.iter().map(|(_, c, g)| (&c[l], *g))))
        .collect();
    let public_sums = G1Projective::normalize_batch(&public_sums);
    // One 6-pair multi-pairing in the constant-time layer (secret G1 sums, secret K0).
    let g1 = [
        secret_sums[0],
        secret_sums[1],
        secret_sums[2],
        public_sums[0],
        public_sums[1],
        public_sums[2],
    ];
    let k0 = &key.k0_prepared().0;
    let c0 = header.c0.map(|q| CtG2Prepared::new(&q));
    Ok(multi_pairing(
        &g1,
        &[&c0[0], &c0[1], &c0[2], &k0[0], &k0[1], &k0[2]],
    ))
}
