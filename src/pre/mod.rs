//! Attribute-based proxy re-encryption (DESIGN.md §6): a key holder delegates the
//! records its attributes `S' ⊆ S` can open to a new policy `P'`; a proxy transforms
//! them without learning anything; keys satisfying `P'` open the result.
//!
//! Construction (Green–Hohenberger–Waters-style blinding over FAME): the re-key is the
//! delegator's key restricted to `S'` with **every** component raised to `1/z`, plus a
//! capsule (an FO-KEM header under `P'`) whose seed `w` gives `z = H_z(w)`. The proxy
//! runs ordinary FAME decryption with the blinded key and obtains `R = Z^{1/z}`, which
//! is useless without `z`. The delegatee opens the capsule, computes `Z = R^z` and
//! runs the original FO check. Read `docs/security.md` for the trust model: a proxy
//! colluding with a delegatee recovers the delegator's key restricted to `S'`.
//!
//! ```
//! use cipherchart::{seal, Authority, Policy};
//! let mut rng = rand_core::OsRng;
//! let hospital = Authority::setup(&mut rng);
//! let pk = hospital.public_key();
//! let record = seal(pk, &Policy::parse("patient:42")?, b"ecg-1", b"", b"ECG data", &mut rng)?;
//!
//! let patient = hospital.issue_key(&["patient:42"], &mut rng)?;
//! let to = Policy::parse("hospital:h2 and role:physician")?;
//! let rekey = patient.rekey(pk, &["patient:42"], &to, &mut rng)?;
//! let shared = rekey.reencrypt(&record)?; // done by the proxy
//!
//! let doctor = hospital.issue_key(&["hospital:h2", "role:physician"], &mut rng)?;
//! assert_eq!(doctor.open(pk, &shared)?, b"ECG data");
//! # Ok::<(), cipherchart::Error>(())
//! ```

use core::fmt;

use rand_core::{CryptoRng, RngCore};
use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::abe::core::{dec_core, DecryptionKey};
use crate::abe::key_material::KeyMaterial;
use crate::abe::{hex_prefix, PublicKey, UserKey};
use crate::encoding::{ObjectType, Reader, Writer};
use crate::error::{Error, Result};
use crate::policy::{Attribute, Policy};
use crate::record::hops::{blinding_scalar, capsule_context, Hop, GRANT_ID_LEN};
use crate::record::kem::{encaps, KemHeader};
use crate::record::{SealedRecord, MAX_HOPS};

/// A re-encryption key: the delegator's key restricted to `S'` and blinded by `1/z`,
/// the capsule under the target policy, and a grant id.
///
/// Give it to the proxy. It transforms every record `S'` can open (not one record):
/// keep `S'` minimal and check consent before re-encrypting. Its `Debug` output shows
/// no key material, and it zeroizes on drop.
pub struct ReKey {
    grant_id: [u8; GRANT_ID_LEN],
    /// The delegator's key restricted to `S'` and blinded by `1/z`.
    material: KeyMaterial,
    capsule: KemHeader,
}

impl ZeroizeOnDrop for ReKey {}

impl fmt::Debug for ReKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReKey")
            .field("grant_id", &hex_prefix(&self.grant_id))
            .field("attributes", &self.material.attribute_names())
            .field("target_policy", &self.capsule.policy.to_string())
            .finish_non_exhaustive()
    }
}

impl UserKey {
    /// Makes a re-encryption key that delegates what `attributes` (a subset `S'` of
    /// this key's attributes) can open to the audience of `policy` (`P'`).
    ///
    /// `P'` must not be satisfiable by the proxy that will hold the re-key.
    ///
    /// # Errors
    /// [`Error::NotASubset`] if an attribute is not held by this key,
    /// [`Error::InvalidAttribute`] for a malformed one, [`Error::InvalidArgument`] for
    /// an empty set.
    pub fn rekey<S: AsRef<str>, R: RngCore + CryptoRng + ?Sized>(
        &self,
        pk: &PublicKey,
        attributes: &[S],
        policy: &Policy,
        rng: &mut R,
    ) -> Result<ReKey> {
        if attributes.is_empty() {
            return Err(Error::InvalidArgument(
                "a re-key needs at least one attribute",
            ));
        }
        let mut subset = attributes
            .iter()
            .map(|a| Attribute::new(a.as_ref()))
            .collect::<Result<Vec<_>>>()?;
        subset.sort();
        subset.dedup();
        // Fail before drawing anything if S' is not a subset of S.
        if !subset.iter().all(|a| self.material.k_attr(a).is_some()) {
            return Err(Error::NotASubset);
        }
        let mut grant_id = [0u8; GRANT_ID_LEN];
        rng.fill_bytes(&mut grant_id);
        let (capsule, w) = encaps(pk, policy, &capsule_context(&grant_id), rng)?;
        let z = blinding_scalar(pk, &w)?;
        // Blind every component: K̃ = K^{1/z}.
        let material = self.material.restrict_and_blind(subset, &z.invert())?;
        Ok(ReKey {
            grant_id,
            material,
            capsule,
        })
    }
}

impl ReKey {
    /// The grant id (16 random bytes) that names this delegation in hops, consent
    /// tokens and the proof chain.
    pub fn grant_id(&self) -> [u8; GRANT_ID_LEN] {
        self.grant_id
    }

    /// The delegated attributes `S'`.
    pub fn attributes(&self) -> &[Attribute] {
        &self.material.attributes
    }

    /// The target policy `P'`.
    pub fn target_policy(&self) -> &Policy {
        &self.capsule.policy
    }

    /// Whether this re-key can transform the record: its attributes satisfy the
    /// record's newest policy, the hop limit is not reached and the record was not
    /// already re-encrypted under this grant (exactly when
    /// [`reencrypt`](Self::reencrypt) succeeds on a well-formed record).
    pub fn can_reencrypt(&self, record: &SealedRecord) -> bool {
        record.hops.len() < MAX_HOPS
            && !record.hops.iter().any(|h| h.grant_id == self.grant_id)
            && record
                .newest_layer()
                .policy
                .is_satisfied_by(&self.material.attributes)
    }

    /// Re-encrypts one record (the proxy's operation). The result is a sealed record
    /// with one more hop; keys satisfying the target policy open it, and it can be
    /// re-encrypted again with a re-key made from such a key (multi-hop).
    ///
    /// # Errors
    /// [`Error::PolicyNotSatisfied`] before any pairing if `S'` does not satisfy the
    /// record's newest policy; [`Error::InvalidArgument`] if the record already has
    /// [`MAX_HOPS`] hops or was already re-encrypted under this grant.
    pub fn reencrypt(&self, record: &SealedRecord) -> Result<SealedRecord> {
        if record.hops.len() >= MAX_HOPS {
            return Err(Error::InvalidArgument(
                "the record has the maximum number of hops",
            ));
        }
        if record.hops.iter().any(|h| h.grant_id == self.grant_id) {
            return Err(Error::InvalidArgument(
                "the record was already re-encrypted under this grant",
            ));
        }
        let target = record.newest_layer();
        let lsss = target.policy.lsss();
        let gamma = lsss
            .reconstruct(&self.material.attributes)
            .ok_or(Error::PolicyNotSatisfied)?;
        // R = Z^{1/z} is the proxy's public output.
        let r = dec_core(&self.material, lsss, &target.core, &gamma)?.publish();
        let mut out = record.clone();
        out.hops.push(Hop {
            grant_id: self.grant_id,
            r,
            capsule: self.capsule.clone(),
        });
        Ok(out)
    }

    /// Re-encrypts many records with one preparation of the re-key's fixed pairing
    /// inputs; in parallel with the `parallel` feature. Same results as calling
    /// [`reencrypt`](Self::reencrypt) on each, in order.
    pub fn reencrypt_batch(&self, records: &[SealedRecord]) -> Vec<Result<SealedRecord>> {
        let _ = self.material.k0_prepared();
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            records.par_iter().map(|r| self.reencrypt(r)).collect()
        }
        #[cfg(not(feature = "parallel"))]
        {
            records.iter().map(|r| self.reencrypt(r)).collect()
        }
    }

    /// The canonical encoding (`docs/formats.md`, "ReKey"). Secret for the proxy: the
    /// bytes come in a zeroizing buffer.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let capsule_len = self.capsule.encoded_len();
        let mut w = Writer::with_capacity(
            ObjectType::ReKey,
            GRANT_ID_LEN + self.material.encoded_len() + capsule_len,
        );
        w.fixed(&self.grant_id);
        self.material.write(&mut w);
        self.capsule.write(&mut w);
        Zeroizing::new(w.finish())
    }

    /// Decodes and validates a re-key.
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`] for any malformed input.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, ObjectType::ReKey)?;
        let grant_id = r.fixed::<GRANT_ID_LEN>()?;
        let material = KeyMaterial::read(&mut r)?;
        let capsule = KemHeader::read(&mut r)?;
        r.finish()?;
        Ok(Self {
            grant_id,
            material,
            capsule,
        })
    }
}

#[cfg(test)]
mod tests;
