//! FAME Setup and KeyGen (`docs/security.md` §2): the attribute authority, its public key and
//! the user keys it issues.

use core::fmt;

use ark_bls12_381::{G1Affine, G2Affine};
use ark_ec::AffineRepr;
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use zeroize::{ZeroizeOnDrop, Zeroizing};

use std::sync::OnceLock;

use crate::abe::key_material::{read_secret_g1_allow_identity, KeyMaterial, HOLDER_GUARD};
use crate::ct::after_wiping_stack;
use crate::ct::declassify::Declassify;
use crate::ct::pairing::pairing_vartime;
use crate::ct::Gt;
use crate::ct::{declassify_choice, SecretG1, SecretG1Affine, SecretG2, SecretGt, SecretScalar};
use crate::ct::{multi_pairing, CtG2Prepared};
use crate::encoding::{hex_prefix, ObjectType, Reader, Writer, FORMAT_VERSION, FORMAT_VERSION_V3};
use crate::error::{EncodingError, Error, LimitKind, Result};
use crate::hash::{attribute_points, column_points, dst};
use crate::policy::Attribute;

/// The most attributes one user key may hold.
pub const MAX_KEY_ATTRIBUTES: usize = 1024;

/// The authority's public key: `H1 = h^{a1}`, `H2 = h^{a2}` in G2 and
/// `T1 = e(g,h)^{d1·a1+d3}`, `T2 = e(g,h)^{d2·a2+d3}` in GT.
///
/// Anyone holding it can seal records for the authority's users.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub(crate) h1: G2Affine,
    pub(crate) h2: G2Affine,
    pub(crate) t1: Gt,
    pub(crate) t2: Gt,
    /// SHA-256 of the canonical encoding, under its own domain tag; binds headers to
    /// this authority.
    pub(crate) id: [u8; 32],
}

impl PublicKey {
    fn new(h1: G2Affine, h2: G2Affine, t1: Gt, t2: Gt) -> Self {
        let mut pk = Self {
            h1,
            h2,
            t1,
            t2,
            id: [0; 32],
        };
        let mut hasher = Sha256::new();
        hasher.update(dst::PUBLIC_KEY_ID);
        hasher.update(pk.to_bytes());
        pk.id = hasher.finalize().into();
        pk
    }

    /// A 32-byte identifier of this public key (a domain-separated SHA-256 of its
    /// encoding). Sealed records are bound to it.
    pub fn id(&self) -> [u8; 32] {
        self.id
    }

    /// The canonical encoding (`docs/formats.md`, "PublicKey").
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(ObjectType::PublicKey);
        w.g2(&self.h1);
        w.g2(&self.h2);
        w.gt(&self.t1);
        w.gt(&self.t2);
        w.finish()
    }

    /// Decodes and validates a public key: every element on the curve, in the
    /// prime-order subgroup and not the identity.
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`] for any malformed input.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, ObjectType::PublicKey)?;
        let h1 = r.g2()?;
        let h2 = r.g2()?;
        let t1 = r.gt()?;
        let t2 = r.gt()?;
        r.finish()?;
        Ok(Self::new(h1, h2, t1, t2))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("id", &hex_prefix(&self.id))
            .finish_non_exhaustive()
    }
}

/// The master secret key `(a1, a2, b1, b2, g^{d1}, g^{d2}, g^{d3})`.
///
/// The scalars live in constant-time [`SecretScalar`]s; the `g^{d_t}` are secret points
/// kept in affine form and only ever combined through the `ct` layer.
struct MasterKey {
    a: [SecretScalar; 2],
    b: [SecretScalar; 2],
    g_d: [SecretG1Affine; 3],
}

// Every field wipes itself on drop.
impl ZeroizeOnDrop for MasterKey {}

/// `e(g, h)`, a public constant.
fn e_gh() -> &'static Gt {
    static E_GH: OnceLock<Gt> = OnceLock::new();
    E_GH.get_or_init(|| pairing_vartime(G1Affine::generator(), G2Affine::generator()))
}

impl MasterKey {
    /// `H_t = h^{a_t}` (published).
    fn h(&self) -> [G2Affine; 2] {
        let h = SecretG2::batch_publish(&[
            SecretG2::mul_generator(&self.a[0]),
            SecretG2::mul_generator(&self.a[1]),
        ]);
        [h[0], h[1]]
    }

    /// The public key at setup, where the `d_t` are still known: `T_t` by a
    /// constant-time GT exponentiation of the public `e(g,h)`, no secret pairing.
    fn public_key_from_d(&self, d: &[SecretScalar; 3]) -> PublicKey {
        let [h1, h2] = self.h();
        let t1 = SecretGt::pow_base(e_gh(), &(&(&d[0] * &self.a[0]) + &d[2])).publish();
        let t2 = SecretGt::pow_base(e_gh(), &(&(&d[1] * &self.a[1]) + &d[2])).publish();
        PublicKey::new(h1, h2, t1, t2)
    }

    /// The public key of an imported master key, which holds only `g^{d_t}`:
    /// `T_t = e(g^{d_t}, h^{a_t}) · e(g^{d3}, h)`. The G1 inputs are secret, so the
    /// pairings are the constant-time ones (`ct::multi_pairing`); only the `T_t`, which
    /// are published, are declassified. (The Miller loop declassifies whether a
    /// `g^{d_t}` is the identity, i.e. `d_t = 0`, a degenerate key.)
    #[cfg_attr(not(feature = "hazmat"), allow(dead_code))] // Reached only through `hazmat`.
    fn public_key_from_g_d(&self) -> PublicKey {
        let [h1, h2] = self.h();
        let h = CtG2Prepared::new(&G2Affine::generator());
        let (h1_p, h2_p) = (CtG2Prepared::new(&h1), CtG2Prepared::new(&h2));
        let [g_d1, g_d2, g_d3] = self.g_d.each_ref().map(SecretG1Affine::expose_secret);
        let t1 = multi_pairing(&*Zeroizing::new([*g_d1, *g_d3]), &[&h1_p, &h]).publish();
        let t2 = multi_pairing(&*Zeroizing::new([*g_d2, *g_d3]), &[&h2_p, &h]).publish();
        PublicKey::new(h1, h2, t1, t2)
    }
}

/// An attribute authority (for example a hospital): holds the master secret key and
/// issues user keys for attribute sets.
///
/// ```
/// use cipherchart::Authority;
/// let authority = Authority::setup(&mut rand_core::OsRng);
/// let key = authority.issue_key(&["role:physician", "dept:cardiology"], &mut rand_core::OsRng)?;
/// assert_eq!(key.attributes().len(), 2);
/// # Ok::<(), cipherchart::Error>(())
/// ```
pub struct Authority {
    msk: MasterKey,
    pk: PublicKey,
}

impl fmt::Debug for Authority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authority")
            .field("public_key", &self.pk)
            .finish_non_exhaustive()
    }
}

impl Authority {
    /// Runs FAME Setup: draws a fresh master key.
    pub fn setup<R: RngCore + CryptoRng + ?Sized>(rng: &mut R) -> Self {
        after_wiping_stack(|| {
            let a = [
                SecretScalar::random_nonzero(rng),
                SecretScalar::random_nonzero(rng),
            ];
            let b = [
                SecretScalar::random_nonzero(rng),
                SecretScalar::random_nonzero(rng),
            ];
            let d = [
                SecretScalar::random(rng),
                SecretScalar::random(rng),
                SecretScalar::random(rng),
            ];
            let g_d = SecretG1::batch_to_secret_affine(&[
                SecretG1::mul_generator(&d[0]),
                SecretG1::mul_generator(&d[1]),
                SecretG1::mul_generator(&d[2]),
            ]);
            let msk = MasterKey {
                a,
                b,
                g_d: [g_d[0].clone(), g_d[1].clone(), g_d[2].clone()],
            };
            let pk = msk.public_key_from_d(&d);
            Self { msk, pk }
        })
    }

    /// The public key to publish.
    pub fn public_key(&self) -> &PublicKey {
        &self.pk
    }

    /// FAME KeyGen for a canonical attribute set, each attribute at its version in
    /// `versions` (parallel; `docs/revocation-v3.md` §3.4: `K_y` uses the attribute points
    /// of `y` at that version), with the holder guard's component (version 0) after the
    /// attributes' if `with_guard`.
    pub(crate) fn key_material<R: RngCore + CryptoRng + ?Sized>(
        &self,
        attributes: Vec<Attribute>,
        versions: Vec<u32>,
        with_guard: bool,
        rng: &mut R,
    ) -> Result<KeyMaterial> {
        if versions.len() != attributes.len() {
            return Err(Error::InvalidArgument("one version per attribute"));
        }
        let msk = &self.msk;
        // Every secret below is a `SecretScalar`/`SecretG1`/`SecretG2`: constant time.
        let r = [SecretScalar::random(rng), SecretScalar::random(rng)];
        let beta = [&msk.b[0] * &r[0], &msk.b[1] * &r[1], &r[0] + &r[1]];
        let inv_a = [msk.a[0].invert(), msk.a[1].invert()];
        // e[t][l] = β_l / a_t
        let e: [[SecretScalar; 3]; 2] =
            core::array::from_fn(|t| core::array::from_fn(|l| &beta[l] * &inv_a[t]));
        let k0 = SecretG2::batch_to_secret_affine(&[
            SecretG2::mul_generator(&beta[0]),
            SecretG2::mul_generator(&beta[1]),
            SecretG2::mul_generator(&beta[2]),
        ]);
        let mut points: Vec<SecretG1> = Vec::with_capacity(3 * (attributes.len() + 2));
        // K'_t = g^{d_t} · g^{σ'/a_t} · Π_l U(1,l,t)^{β_l/a_t};  K'_3 = g^{d3} · g^{−σ'}.
        let u1 = column_points(1);
        let sigma_prime = SecretScalar::random(rng);
        for t in 0..2 {
            let bases = [u1.points[0][t], u1.points[1][t], u1.points[2][t]];
            let sum = SecretG1::multi_mul(&bases, &[&e[t][0], &e[t][1], &e[t][2]]);
            let g_part = SecretG1::mul_generator(&(&sigma_prime * &inv_a[t]));
            points.push(msk.g_d[t].to_point().add(&g_part).add(&sum));
        }
        points.push(
            msk.g_d[2]
                .to_point()
                .add(&SecretG1::mul_generator(&-&sigma_prime)),
        );
        // K(y,t) = g^{σ_y/a_t} · Π_l W(y,l,t)^{β_l/a_t};  K(y,3) = g^{−σ_y}; for each
        // attribute, then the holder guard (user keys only).
        let names = attributes
            .iter()
            .map(Attribute::as_str)
            .zip(versions.iter().copied())
            .chain(with_guard.then_some((HOLDER_GUARD, 0)));
        for (y, version) in names {
            let w = attribute_points(y, version);
            let sigma = SecretScalar::random(rng);
            for t in 0..2 {
                let bases = [w.points[0][t], w.points[1][t], w.points[2][t]];
                let sum = SecretG1::multi_mul(&bases, &[&e[t][0], &e[t][1], &e[t][2]]);
                points.push(SecretG1::mul_generator(&(&sigma * &inv_a[t])).add(&sum));
            }
            points.push(SecretG1::mul_generator(&-&sigma));
        }
        let points = SecretG1::batch_to_secret_affine(&points);
        KeyMaterial::from_points(
            public_id(&self.pk.id),
            attributes,
            versions,
            &k0,
            &points,
            with_guard,
        )
    }

    /// Runs FAME KeyGen for a set of attributes (each `namespace:value`, or any text
    /// the policy language can quote). Duplicates are merged. The key also holds the
    /// holder guard, so it opens streams and sessions (which no re-key can transform).
    ///
    /// # Errors
    /// [`Error::InvalidAttribute`] for a malformed attribute or the reserved
    /// `cipherchart:key-holder`, [`Error::LimitExceeded`] for more than
    /// [`MAX_KEY_ATTRIBUTES`], [`Error::InvalidArgument`] for an empty set.
    pub fn issue_key<S: AsRef<str>, R: RngCore + CryptoRng + ?Sized>(
        &self,
        attributes: &[S],
        rng: &mut R,
    ) -> Result<UserKey> {
        after_wiping_stack(|| {
            let attributes = canonical_attribute_set(attributes)?;
            let versions = vec![0; attributes.len()];
            Ok(UserKey {
                material: Box::new(self.key_material(attributes, versions, true, rng)?),
            })
        })
    }

    /// FAME KeyGen for a set of attributes as [`issue_key`](Self::issue_key) (validated,
    /// canonicalised, duplicates merged, the holder guard added), each attribute at
    /// `version_of` its canonical name (`docs/revocation-v3.md` §3.4). The public entry is
    /// `Authority::issue_key_under` (`revocation`), which takes the versions from a
    /// verified notice.
    ///
    /// # Errors
    /// As [`issue_key`](Self::issue_key).
    pub(crate) fn issue_key_versioned<S: AsRef<str>, R: RngCore + CryptoRng + ?Sized>(
        &self,
        attributes: &[S],
        version_of: impl Fn(&Attribute) -> u32,
        rng: &mut R,
    ) -> Result<UserKey> {
        after_wiping_stack(|| {
            let attributes = canonical_attribute_set(attributes)?;
            let versions = attributes.iter().map(&version_of).collect();
            Ok(UserKey {
                material: Box::new(self.key_material(attributes, versions, true, rng)?),
            })
        })
    }

    /// KeyGen of a user key holding each attribute at the given version
    /// (`docs/revocation-v3.md` §3.4), for tests that need keys at versions no notice
    /// states (outside tests, keys at versions come from `Authority::issue_key_under`).
    ///
    /// # Errors
    /// As [`issue_key`](Self::issue_key); [`Error::InvalidArgument`] for a name given
    /// twice.
    #[cfg(test)]
    pub(crate) fn issue_key_at_versions<R: RngCore + CryptoRng + ?Sized>(
        &self,
        attributes: &[(&str, u32)],
        rng: &mut R,
    ) -> Result<UserKey> {
        let names: Vec<&str> = attributes.iter().map(|(a, _)| *a).collect();
        let canonical = canonical_attribute_set(&names)?;
        if canonical.len() != attributes.len() {
            return Err(Error::InvalidArgument("an attribute given twice"));
        }
        let mut versions = Vec::with_capacity(canonical.len());
        for a in &canonical {
            let (_, v) = attributes
                .iter()
                .find(|(y, _)| Attribute::new(y).as_ref() == Ok(a))
                .ok_or(Error::InvalidArgument("an attribute given twice"))?;
            versions.push(*v);
        }
        Ok(UserKey {
            material: Box::new(self.key_material(canonical, versions, true, rng)?),
        })
    }

    /// FAME KeyGen for `attributes` without the holder guard: the material of a
    /// delegation key (`pre::delegation`, which issues them).
    ///
    /// # Errors
    /// As [`issue_key`](Self::issue_key).
    pub(crate) fn unguarded_key_material<S: AsRef<str>, R: RngCore + CryptoRng + ?Sized>(
        &self,
        attributes: &[S],
        version_of: impl Fn(&Attribute) -> u32,
        rng: &mut R,
    ) -> Result<KeyMaterial> {
        let attributes = canonical_attribute_set(attributes)?;
        let versions = attributes.iter().map(version_of).collect();
        self.key_material(attributes, versions, false, rng)
    }

    /// The master secret key's bytes (`docs/formats.md`, "MasterKey"). Public only as
    /// [`hazmat::SecretKeyBytes`](crate::hazmat::SecretKeyBytes).
    #[cfg_attr(not(feature = "hazmat"), allow(dead_code))] // Reached only through `hazmat`.
    pub(crate) fn export_master_key(&self) -> Zeroizing<Vec<u8>> {
        after_wiping_stack(|| {
            // Sized up front so the buffer never reallocates (a reallocation would leave a copy
            // of the secret behind).
            let mut w = Writer::with_capacity(ObjectType::MasterKey, 4 + 4 * 32 + 3 * 48);
            for s in self.msk.a.iter().chain(self.msk.b.iter()) {
                w.fixed(s.to_be_bytes().as_ref());
            }
            for p in &self.msk.g_d {
                w.fixed(p.to_point().to_compressed().as_ref());
            }
            Zeroizing::new(w.finish())
        })
    }

    /// Imports a master secret key exported by
    /// [`export_master_key`](Self::export_master_key) and recomputes the public key.
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`] for any malformed input (including zero `a`/`b`).
    #[cfg_attr(not(feature = "hazmat"), allow(dead_code))] // Reached only through `hazmat`.
    pub(crate) fn import_master_key(bytes: &[u8]) -> Result<Self> {
        after_wiping_stack(|| {
            let mut r = Reader::new(bytes, ObjectType::MasterKey)?;
            let a = [
                secret_nonzero_scalar(&mut r)?,
                secret_nonzero_scalar(&mut r)?,
            ];
            let b = [
                secret_nonzero_scalar(&mut r)?,
                secret_nonzero_scalar(&mut r)?,
            ];
            // Secret points: decoded in constant time, with `Reader::g1_allow_identity`'s
            // error kinds (`g^{d_t}` is the identity when `d_t = 0`, which Setup allows).
            let g_d = [
                read_secret_g1_allow_identity(&mut r)?,
                read_secret_g1_allow_identity(&mut r)?,
                read_secret_g1_allow_identity(&mut r)?,
            ];
            r.finish()?;
            let msk = MasterKey { a, b, g_d };
            let pk = msk.public_key_from_g_d();
            Ok(Self { msk, pk })
        })
    }
}

/// Reads a secret non-zero scalar without handing it to arkworks: range and zero checks
/// run in constant time; only their accept/reject outcome is public.
#[cfg_attr(not(feature = "hazmat"), allow(dead_code))] // Reached only through `hazmat`.
fn secret_nonzero_scalar(r: &mut Reader<'_>) -> Result<SecretScalar> {
    let bytes = Zeroizing::new(r.fixed::<32>()?);
    let s = SecretScalar::from_be_bytes(&bytes).ok_or(EncodingError::InvalidScalar)?;
    if declassify_choice(s.is_zero()) {
        return Err(EncodingError::InvalidScalar.into());
    }
    Ok(s)
}

/// The authority's key id as key material carries it. Public (a hash of the public
/// key); declared so for the constant-time check, whose harness marks the whole
/// `Authority`, public key included, secret.
fn public_id(id: &[u8; 32]) -> [u8; 32] {
    let mut id = *id;
    Declassify::declassify(&mut id);
    id
}

/// Validates, canonicalises, sorts and de-duplicates a key's attribute set.
fn canonical_attribute_set<S: AsRef<str>>(attributes: &[S]) -> Result<Vec<Attribute>> {
    if attributes.is_empty() {
        return Err(Error::InvalidArgument("a key needs at least one attribute"));
    }
    if attributes.len() > MAX_KEY_ATTRIBUTES {
        return Err(Error::LimitExceeded(LimitKind::KeyAttributes));
    }
    let mut set = attributes
        .iter()
        .map(|a| Attribute::new(a.as_ref()))
        .collect::<Result<Vec<_>>>()?;
    // The holder guard is the authority's to add, never a caller's.
    if set.iter().any(|a| a.as_str() == HOLDER_GUARD) {
        return Err(Error::InvalidAttribute);
    }
    set.sort();
    set.dedup();
    Ok(set)
}

/// A user's decryption key for a set of attributes, issued by an [`Authority`].
///
/// Secret: it zeroizes on drop and its `Debug` output shows only the attributes.
pub struct UserKey {
    pub(crate) material: Box<KeyMaterial>,
}

impl ZeroizeOnDrop for UserKey {}

impl fmt::Debug for UserKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserKey")
            .field("attributes", &self.material.attribute_names())
            .finish_non_exhaustive()
    }
}

impl UserKey {
    /// The key's attributes, sorted (the holder guard every user key also holds is
    /// not listed). Names only: [`versioned_attributes`](Self::versioned_attributes)
    /// gives the version of each.
    pub fn attributes(&self) -> &[Attribute] {
        &self.material.attributes
    }

    /// The key's attributes with the version each is held at (`docs/revocation-v3.md`
    /// §3.4), sorted by name: 0 for every attribute of a key issued by
    /// [`Authority::issue_key`], the notice's version of the name for a key issued by
    /// [`Authority::issue_key_under`]. A key opens a row only for the same name at the same
    /// version.
    ///
    /// ```
    /// use cipherchart::Authority;
    /// let authority = Authority::setup(&mut rand_core::OsRng);
    /// let key = authority.issue_key(&["role:nurse"], &mut rand_core::OsRng)?;
    /// let pairs: Vec<(String, u32)> = key
    ///     .versioned_attributes()
    ///     .into_iter()
    ///     .map(|(a, v)| (a.as_str().to_owned(), v))
    ///     .collect();
    /// assert_eq!(pairs, [("role:nurse".to_owned(), 0)]);
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    pub fn versioned_attributes(&self) -> Vec<(Attribute, u32)> {
        self.material
            .attributes
            .iter()
            .cloned()
            .zip(self.material.versions.iter().copied())
            .collect()
    }

    /// The key id of the authority that issued the key.
    pub fn authority(&self) -> [u8; 32] {
        self.material.authority
    }

    /// Whether the key holds this attribute (after canonicalisation).
    pub fn has_attribute(&self, attribute: &str) -> bool {
        Attribute::new(attribute).is_ok_and(|a| self.material.attributes.binary_search(&a).is_ok())
    }

    /// The canonical encoding (`docs/formats.md`, "User key" and "User key v3"). Secret:
    /// the bytes are returned in a zeroizing buffer.
    ///
    /// A key with every attribute at version 0 is written in format v2 (`43 43 03 02`),
    /// byte for byte as before versions existed; a key with any attribute at a version
    /// ≥ 1 (issued under a notice that lists it) in format v3 (`43 43 03 03`, the key
    /// body with `list<vattr>`). Each key has exactly one encoding.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        after_wiping_stack(|| {
            let m = &self.material;
            if m.is_unversioned() {
                let mut w = Writer::with_capacity(ObjectType::UserKey, m.encoded_len());
                m.write(&mut w);
                return Zeroizing::new(w.finish());
            }
            // Sized up front so the buffer never reallocates (a reallocation would leave a
            // copy of the secret behind).
            let mut w = Writer::with_capacity_at(
                ObjectType::UserKey,
                FORMAT_VERSION_V3,
                m.encoded_len_v3(),
            );
            m.write_v3(&mut w);
            Zeroizing::new(w.finish())
        })
    }

    /// Decodes and validates a user key of format v2 (every attribute at version 0) or
    /// v3 (attributes at versions).
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`] for any malformed input: bad points, attributes not
    /// canonical, not sorted or repeated, too many attributes; in v3 also a name in the
    /// `cipherchart:` namespace, and a key whose versions are all 0 (`NonCanonical`: its
    /// one encoding is v2's); `UnsupportedVersion` for any other format version.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        after_wiping_stack(|| {
            let (mut r, version) = Reader::new_at(
                bytes,
                ObjectType::UserKey,
                &[FORMAT_VERSION, FORMAT_VERSION_V3],
            )?;
            let material = if version == FORMAT_VERSION_V3 {
                KeyMaterial::read_v3(&mut r, true)?
            } else {
                KeyMaterial::read(&mut r, true)?
            };
            let material = Box::new(material);
            r.finish()?;
            Ok(Self { material })
        })
    }
}
