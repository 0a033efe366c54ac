//! FAME EncCore and DecCore (DESIGN.md §3), shared by sealing, opening and the proxy.
//!
//! Group placement (Type III): attribute and column hashes and all per-row header
//! elements live in G1; the three header anchors `C0` and the key anchors `K0` live in
//! G2. Decryption is one 6-pair multi-pairing with a single final exponentiation.

use ark_bls12_381::{g2, Bls12_381, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::bls12::G2Prepared;
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{One, Zero};
use zeroize::Zeroize;

use crate::abe::PublicKey;
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

/// A key's `K0` with its Miller-loop line coefficients precomputed (saves three G2
/// preparations, about a tenth of a decryption, on every use after the first).
/// Secret-derived: the coefficients are wiped on drop.
pub(crate) struct PreparedK0(pub(crate) [G2Prepared<ark_bls12_381::Config>; 3]);

impl PreparedK0 {
    pub(crate) fn new(k0: &[G2Affine; 3]) -> Self {
        Self([k0[0].into(), k0[1].into(), k0[2].into()])
    }
}

impl Drop for PreparedK0 {
    fn drop(&mut self) {
        for prepared in &mut self.0 {
            for (a, b, c) in &mut prepared.ell_coeffs {
                a.zeroize();
                b.zeroize();
                c.zeroize();
            }
        }
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
/// recomputes only this (not `Z`).
pub(crate) fn enc_header(pk: &PublicKey, lsss: &Lsss, s: &[Fr; 2]) -> Result<HeaderCore> {
    // TODO(constant-time issue): s1, s2 are secret; route these through `ct`.
    let c0 = [
        g2::Config::glv_mul_projective(pk.h1.into_group(), s[0]),
        g2::Config::glv_mul_projective(pk.h2.into_group(), s[1]),
        g2::Config::glv_mul_projective(G2Projective::generator(), s[0] + s[1]),
    ];
    let mut rows = Vec::with_capacity(lsss.rows() * 3);
    for i in 0..lsss.rows() {
        let b = row_bases(lsss, i)?;
        for bl in &b {
            rows.push(bl[0] * s[0] + bl[1] * s[1]);
        }
    }
    let c0 = G2Projective::normalize_batch(&c0);
    let rows = G1Projective::normalize_batch(&rows);
    let header = HeaderCore {
        c0: [c0[0], c0[1], c0[2]],
        rows: rows.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect(),
    };
    Ok(header)
}

/// EncCore, KEM part: `Z = T1^{s1} · T2^{s2}`.
pub(crate) fn kem_value(pk: &PublicKey, s: &[Fr; 2]) -> Gt {
    // TODO(constant-time issue): GT exponentiation by the secret coins.
    pk.t1 * s[0] + pk.t2 * s[1]
}

/// `Σ γ_i · P_i` with the fast path `γ_i = 1` (all Lewko–Waters AND/OR policies).
fn weighted_sum<'a>(terms: impl Iterator<Item = (&'a G1Affine, &'a Fr)>) -> G1Projective {
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
) -> Result<Gt> {
    let mut key_rows = Vec::with_capacity(gamma.len());
    for (i, g) in gamma {
        let k = key.k_attr(lsss.rho(*i)).ok_or(Error::PolicyNotSatisfied)?;
        let c = header.rows.get(*i).ok_or(Error::DecryptionFailed)?;
        key_rows.push((k, c, g));
    }
    let mut g1 = [G1Projective::zero(); 6];
    for l in 0..3 {
        // TODO(constant-time issue): key points are secret; these sums branch in arkworks.
        g1[l] = key.k_prime()[l].into_group()
            + weighted_sum(key_rows.iter().map(|(k, _, g)| (&k[l], *g)));
        g1[l + 3] = -weighted_sum(key_rows.iter().map(|(_, c, g)| (&c[l], *g)));
    }
    let g1 = G1Projective::normalize_batch(&g1);
    let k0 = &key.k0_prepared().0;
    let g2: [G2Prepared<ark_bls12_381::Config>; 6] = [
        header.c0[0].into(),
        header.c0[1].into(),
        header.c0[2].into(),
        k0[0].clone(),
        k0[1].clone(),
        k0[2].clone(),
    ];
    let mlo = Bls12_381::multi_miller_loop(g1, g2);
    Bls12_381::final_exponentiation(mlo).ok_or(Error::DecryptionFailed)
}
