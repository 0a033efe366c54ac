//! The key material shared by user keys, delegation keys and the blinded keys inside
//! re-keys: the issuing authority's key id, the attribute set `S` with the version of
//! each attribute (`docs/revocation-v3.md` §3.4; 0 for every v2 key), `K0 ∈ G2³`,
//! `K' ∈ G1³`, one `K_y ∈ G1³` per attribute and, in user keys only, the component of
//! the holder guard [`HOLDER_GUARD`] (streams and sessions are sealed under
//! `P and HOLDER_GUARD`, so no re-key, which never carries it, can transform them).
//!
//! One type so that both hold the same invariants (sorted, unique, canonical
//! attributes; every point validated on decode), the same wire body, the same
//! zeroization and the same [`DecryptionKey`] view that DecCore runs on: the proxy
//! executes exactly the code a key holder executes.

use std::sync::OnceLock;

use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::abe::core::{DecryptionKey, PreparedK0};
use crate::abe::{vattr, MAX_KEY_ATTRIBUTES};
use crate::ct::{SecretG1, SecretG1Affine, SecretG2, SecretG2Affine, SecretScalar};
use crate::encoding::{Reader, Writer};
use crate::error::{EncodingError, Error, Result};
use crate::policy::{Attribute, MAX_ATTRIBUTE_LEN};

/// The holder guard (defined with the policy language, which reserves it).
pub(crate) use crate::policy::HOLDER_GUARD;

/// Secret FAME key material. Zeroizes on drop (every point is a [`SecretG1Affine`] /
/// [`SecretG2Affine`], which wipes itself; `K0`'s prepared lines are a
/// `CtG2Prepared`, which does too); has no `Debug`, `Clone` or `PartialEq` (the public
/// wrappers print only the attributes).
pub(crate) struct KeyMaterial {
    /// The key id ([`PublicKey::id`](crate::PublicKey::id)) of the issuing authority.
    pub(crate) authority: [u8; 32],
    /// Sorted, unique, canonical; never [`HOLDER_GUARD`].
    pub(crate) attributes: Vec<Attribute>,
    /// The version of each attribute, parallel to `attributes` (public). A component
    /// `K_y` is for `y` at this version only. Every key of the v2 encoding is at 0 (the
    /// v2 encoding has no versions); a user key with any version ≥ 1 is written in the v3
    /// encoding ([`write_v3`](Self::write_v3)). The holder guard is always at version 0.
    pub(crate) versions: Vec<u32>,
    pub(crate) k0: [SecretG2Affine; 3],
    pub(crate) k_prime: [SecretG1Affine; 3],
    /// Parallel to `attributes`; allocated at its final length (a reallocation would
    /// free a buffer holding key points without wiping it).
    pub(crate) k_attr: Vec<[SecretG1Affine; 3]>,
    /// `K_y` for `y =` [`HOLDER_GUARD`]: present in user keys, absent in re-keys and
    /// delegation keys.
    pub(crate) guard: Option<[SecretG1Affine; 3]>,
    /// `K0` prepared for pairings, computed on first use.
    pub(crate) k0_prepared: OnceLock<PreparedK0>,
}

// Every secret field wipes itself on drop.
impl ZeroizeOnDrop for KeyMaterial {}

impl DecryptionKey for KeyMaterial {
    fn k0_prepared(&self) -> &PreparedK0 {
        self.k0_prepared.get_or_init(|| PreparedK0::new(&self.k0))
    }
    fn k_prime(&self) -> &[SecretG1Affine; 3] {
        &self.k_prime
    }
    fn k_attr(&self, attribute: &Attribute, version: u32) -> Option<&[SecretG1Affine; 3]> {
        if attribute.as_str() == HOLDER_GUARD {
            return self.guard.as_ref().filter(|_| version == 0);
        }
        let i = self.attributes.binary_search(attribute).ok()?;
        if self.versions.get(i) != Some(&version) {
            return None;
        }
        self.k_attr.get(i)
    }
    fn authority(&self) -> &[u8; 32] {
        &self.authority
    }
}

impl KeyMaterial {
    /// Assembles key material from the three points of `K0` and the G1 points `K'`
    /// followed by the `K_y` in attribute order (three each), then the guard's three if
    /// `with_guard`. `attributes` must already be sorted, unique, canonical and without
    /// the guard; `versions` holds one version per attribute. The points are cloned (the
    /// caller's buffers wipe themselves on drop; moving out of them would leave copies
    /// behind).
    pub(crate) fn from_points(
        authority: [u8; 32],
        attributes: Vec<Attribute>,
        versions: Vec<u32>,
        k0: &[SecretG2Affine],
        g1: &[SecretG1Affine],
        with_guard: bool,
    ) -> Result<Self> {
        if g1.len() != 3 * (attributes.len() + 1 + usize::from(with_guard))
            || k0.len() != 3
            || versions.len() != attributes.len()
        {
            return Err(Error::InvalidArgument("key points do not match attributes"));
        }
        let k0 = [k0[0].clone(), k0[1].clone(), k0[2].clone()];
        let mut chunks = g1
            .chunks_exact(3)
            .map(|c| [c[0].clone(), c[1].clone(), c[2].clone()]);
        let k_prime = chunks.next().ok_or(Error::InvalidArgument("empty key"))?;
        let mut k_attr = Vec::with_capacity(attributes.len());
        k_attr.extend(chunks.by_ref().take(attributes.len()));
        let guard = if with_guard { chunks.next() } else { None };
        Ok(Self {
            authority,
            attributes,
            versions,
            k0,
            k_prime,
            k_attr,
            guard,
            k0_prepared: OnceLock::new(),
        })
    }

    /// The attributes as text, for `Debug` output (the only part that is not secret).
    pub(crate) fn attribute_names(&self) -> Vec<&str> {
        self.attributes.iter().map(Attribute::as_str).collect()
    }

    /// The key restricted to `subset` (sorted, unique) with every component raised to
    /// `1/z`: the blinded key of a re-key (`docs/security.md` §3), each attribute at the
    /// version this key holds it at. Constant time: secret points times a secret scalar.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if the key lacks an attribute of `subset` (never from
    /// the public API: a re-key blinds its delegation key's own attribute set).
    pub(crate) fn restrict_and_blind(
        &self,
        subset: Vec<Attribute>,
        inv_z: &SecretScalar,
    ) -> Result<Self> {
        let mut k_attr = Vec::with_capacity(subset.len());
        let mut versions = Vec::with_capacity(subset.len());
        for a in &subset {
            let missing = Error::InvalidArgument("an attribute the key does not hold");
            let i = self
                .attributes
                .binary_search(a)
                .map_err(|_| missing.clone())?;
            let (k, v) = self
                .k_attr
                .get(i)
                .zip(self.versions.get(i))
                .ok_or(missing)?;
            k_attr.push(k);
            versions.push(*v);
        }
        // Secret projective points and their affine forms wipe themselves on drop.
        let g1: Vec<SecretG1> = self
            .k_prime
            .iter()
            .chain(k_attr.iter().copied().flatten())
            .map(|p| p.to_point().mul(inv_z))
            .collect();
        let g1 = SecretG1::batch_to_secret_affine(&g1);
        let g2: Vec<SecretG2> = self.k0.iter().map(|p| p.to_point().mul(inv_z)).collect();
        let g2 = SecretG2::batch_to_secret_affine(&g2);
        // The guard is never delegated: see HOLDER_GUARD.
        Self::from_points(self.authority, subset, versions, &g2, &g1, false)
    }

    /// Whether every attribute is at version 0: the key has a v2 encoding, its only one
    /// (`docs/revocation-v3.md` §11.6, §12).
    pub(crate) fn is_unversioned(&self) -> bool {
        self.versions.iter().all(|&v| v == 0)
    }

    /// The encoded length of the v3 body (plus an object header): the v2 length and one
    /// `u32` version per attribute.
    pub(crate) fn encoded_len_v3(&self) -> usize {
        self.encoded_len() + 4 * self.attributes.len()
    }

    /// The encoded length of the body (plus an object header), so secret encoders can
    /// allocate once (a reallocation would leave a copy of the secret behind).
    pub(crate) fn encoded_len(&self) -> usize {
        4 + 32
            + 4
            + 1
            + 3 * 48 * usize::from(self.guard.is_some())
            + self
                .attributes
                .iter()
                .map(|a| 4 + a.as_str().len())
                .sum::<usize>()
            + 3 * 96
            + 3 * 48 * (1 + self.attributes.len())
    }

    /// Writes the body (`docs/formats.md`, "UserKey"): authority id, attributes, `K0`,
    /// `K'`, `K_y`, then a guard flag and the guard's `K_y`. The v2 body has no versions:
    /// it is the encoding of keys at version 0, the only ones outside tests until the v3
    /// key body (`docs/revocation-v3.md` §11.6) lands.
    pub(crate) fn write(&self, w: &mut Writer) {
        w.fixed(&self.authority);
        // Attribute count fits: bounded by MAX_KEY_ATTRIBUTES at construction and decode.
        w.u32(self.attributes.len() as u32);
        for a in &self.attributes {
            w.bytes(a.as_str().as_bytes());
        }
        self.write_points(w);
    }

    /// Writes the v3 body (`docs/revocation-v3.md` §11.6, "key body v3"): authority id,
    /// `list<vattr>` (each attribute with its version), then the guard flag and the
    /// points exactly as the v2 body.
    pub(crate) fn write_v3(&self, w: &mut Writer) {
        w.fixed(&self.authority);
        vattr::write_list(w, &self.attributes, &self.versions);
        self.write_points(w);
    }

    /// The guard flag and the points, shared by both bodies.
    fn write_points(&self, w: &mut Writer) {
        w.u8(u8::from(self.guard.is_some()));
        // Secret points: compressed in constant time (arkworks' serialiser branches on y).
        self.k0
            .iter()
            .for_each(|p| w.fixed(p.to_point().to_compressed().as_ref()));
        self.k_prime
            .iter()
            .chain(self.k_attr.iter().flatten())
            .chain(self.guard.iter().flatten())
            .for_each(|p| w.fixed(p.to_point().to_compressed().as_ref()));
    }

    /// Reads and validates a body written by [`write`](Self::write): attributes
    /// canonical, strictly increasing, between 1 and [`MAX_KEY_ATTRIBUTES`]; every
    /// point on the curve, in the subgroup and not the identity, decoded in constant
    /// time with the error kinds of `Reader::g1`/`g2`. `guard` says whether this kind of
    /// key must carry the guard component (user keys) or must not (re-keys, delegation
    /// keys); the other case is `NonCanonical`.
    pub(crate) fn read(r: &mut Reader<'_>, guard: bool) -> Result<Self> {
        let authority = r.fixed::<32>()?;
        let n = r.count(MAX_KEY_ATTRIBUTES)?;
        if n == 0 {
            return Err(EncodingError::BadLength.into());
        }
        let mut attributes = Vec::with_capacity(n);
        for _ in 0..n {
            let raw = r.bytes(MAX_ATTRIBUTE_LEN)?;
            let text = core::str::from_utf8(raw).map_err(|_| EncodingError::InvalidText)?;
            let attribute = Attribute::new(text).map_err(|_| EncodingError::InvalidText)?;
            if attribute.as_str() != text {
                return Err(EncodingError::NonCanonical.into());
            }
            if attributes.last().is_some_and(|prev| prev >= &attribute)
                || attribute.as_str() == HOLDER_GUARD
            {
                return Err(EncodingError::NonCanonical.into());
            }
            attributes.push(attribute);
        }
        Self::read_points(r, authority, attributes, vec![0; n], guard)
    }

    /// Reads and validates a v3 body written by [`write_v3`](Self::write_v3): as
    /// [`read`](Self::read), with the attributes a `list<vattr>(1 … 1024)` (`vattr`'s
    /// rules: canonical, sorted, unique, never in the `cipherchart:` namespace). A body
    /// whose versions are all 0 is `NonCanonical`: such a key has exactly one encoding,
    /// the v2 one. Checked in the structural pass, before any point is decoded.
    pub(crate) fn read_v3(r: &mut Reader<'_>, guard: bool) -> Result<Self> {
        let key = Self::read_v3_body(r, guard)?;
        if key.is_unversioned() {
            return Err(EncodingError::NonCanonical.into());
        }
        Ok(key)
    }

    /// The v3 body with any versions, all 0 included: the blinded key inside a format v3
    /// re-key, whose format the capsule fixes (`docs/formats.md`, "ReKey v3"), so an
    /// unversioned body has one encoding there too.
    pub(crate) fn read_v3_body(r: &mut Reader<'_>, guard: bool) -> Result<Self> {
        let authority = r.fixed::<32>()?;
        let (attributes, versions) =
            vattr::read_list(r, 1, MAX_KEY_ATTRIBUTES, MAX_KEY_ATTRIBUTES)?;
        Self::read_points(r, authority, attributes, versions, guard)
    }

    /// The key id (`docs/revocation-v3.md` §7.1): SHA-256 of the `KEY-ID` tag ‖ authority
    /// id ‖ `K0` (three compressed G2 points, compressed in constant time). Secret-derived;
    /// only the holder and the issuer can compute it.
    pub(crate) fn key_id(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(crate::hash::dst::KEY_ID);
        h.update(self.authority);
        for p in &self.k0 {
            h.update(p.to_point().to_compressed().as_ref());
        }
        h.finalize().into()
    }

    /// The guard flag and the points of either body, after its attributes.
    fn read_points(
        r: &mut Reader<'_>,
        authority: [u8; 32],
        attributes: Vec<Attribute>,
        versions: Vec<u32>,
        guard: bool,
    ) -> Result<Self> {
        let n = attributes.len();
        // Fill a value that zeroizes on drop, so points read before a later decoding
        // error are wiped rather than left in freed memory.
        let has_guard = r.u8()?;
        if has_guard != u8::from(guard) {
            return Err(EncodingError::NonCanonical.into());
        }
        let mut key = Self {
            authority,
            attributes,
            versions,
            k0: core::array::from_fn(|_| SecretG2Affine::identity()),
            k_prime: core::array::from_fn(|_| SecretG1Affine::identity()),
            k_attr: Vec::with_capacity(n),
            guard: None,
            k0_prepared: OnceLock::new(),
        };
        for p in key.k0.iter_mut() {
            *p = read_secret_g2(r)?;
        }
        for p in key.k_prime.iter_mut() {
            *p = read_secret_g1(r)?;
        }
        for _ in 0..n {
            key.k_attr
                .push(core::array::from_fn(|_| SecretG1Affine::identity()));
            if let Some(row) = key.k_attr.last_mut() {
                for p in row.iter_mut() {
                    *p = read_secret_g1(r)?;
                }
            }
        }
        if guard {
            let row = key
                .guard
                .insert(core::array::from_fn(|_| SecretG1Affine::identity()));
            for p in row.iter_mut() {
                *p = read_secret_g1(r)?;
            }
        }
        Ok(key)
    }
}

/// Reads a secret G1 key component in constant time
/// ([`SecretG1::try_from_compressed_nonidentity`]): arkworks' decoder branches on the
/// secret (square root, sign, subgroup check). Only the accept/reject outcome and, for a
/// rejected encoding, which check failed are declassified, so the errors are those of
/// [`Reader::g1`]: `Truncated`, `InvalidPoint`, `NotInSubgroup`, `IdentityPoint`.
pub(crate) fn read_secret_g1(r: &mut Reader<'_>) -> Result<SecretG1Affine> {
    let bytes = Zeroizing::new(r.fixed::<48>()?);
    Ok(SecretG1::try_from_compressed_nonidentity(&bytes)?.to_secret_affine())
}

/// Reads a secret G1 point like [`read_secret_g1`] but accepts the identity: the errors
/// of [`Reader::g1_allow_identity`].
#[cfg_attr(not(feature = "hazmat"), allow(dead_code))] // Reached only through `hazmat`.
pub(crate) fn read_secret_g1_allow_identity(r: &mut Reader<'_>) -> Result<SecretG1Affine> {
    let bytes = Zeroizing::new(r.fixed::<48>()?);
    Ok(SecretG1::try_from_compressed(&bytes)?.to_secret_affine())
}

/// Reads a secret G2 key component in constant time, as [`read_secret_g1`] (the
/// errors of [`Reader::g2`]).
pub(crate) fn read_secret_g2(r: &mut Reader<'_>) -> Result<SecretG2Affine> {
    let bytes = Zeroizing::new(r.fixed::<96>()?);
    Ok(SecretG2::try_from_compressed_nonidentity(&bytes)?.to_secret_affine())
}
