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
use std::sync::OnceLock;

use ark_bls12_381::{G1Affine, G2Affine};
use rand_core::{CryptoRng, RngCore};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::abe::core::{dec_core, DecryptionKey, PreparedK0};
use crate::abe::{hex_prefix, key_body_len, read_key_body, write_key_body, PublicKey, UserKey};
use crate::ct::{SecretG1, SecretG2};
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
    attributes: Vec<Attribute>,
    k0: [G2Affine; 3],
    k_prime: [G1Affine; 3],
    k_attr: Vec<[G1Affine; 3]>,
    capsule: KemHeader,
    k0_prepared: OnceLock<PreparedK0>,
}

impl Drop for ReKey {
    fn drop(&mut self) {
        self.k0.zeroize();
        self.k_prime.zeroize();
        self.k_attr.iter_mut().for_each(Zeroize::zeroize);
    }
}

impl ZeroizeOnDrop for ReKey {}

impl fmt::Debug for ReKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let attributes: Vec<&str> = self.attributes.iter().map(Attribute::as_str).collect();
        f.debug_struct("ReKey")
            .field("grant_id", &hex_prefix(&self.grant_id))
            .field("attributes", &attributes)
            .field("target_policy", &self.capsule.policy.to_string())
            .finish_non_exhaustive()
    }
}

impl DecryptionKey for ReKey {
    fn attributes(&self) -> &[Attribute] {
        &self.attributes
    }
    fn k0_prepared(&self) -> &PreparedK0 {
        self.k0_prepared.get_or_init(|| PreparedK0::new(&self.k0))
    }
    fn k_prime(&self) -> &[G1Affine; 3] {
        &self.k_prime
    }
    fn k_attr(&self, attribute: &Attribute) -> Option<&[G1Affine; 3]> {
        let i = self.attributes.binary_search(attribute).ok()?;
        self.k_attr.get(i)
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
        let mut k_attr = Vec::with_capacity(subset.len());
        for a in &subset {
            k_attr.push(*self.k_attr(a).ok_or(Error::NotASubset)?);
        }
        let mut grant_id = [0u8; GRANT_ID_LEN];
        rng.fill_bytes(&mut grant_id);
        let (capsule, w) = encaps(pk, policy, &capsule_context(&grant_id), rng)?;
        let z = blinding_scalar(pk, &w)?;
        let inv_z = z.invert();
        // Blind every component: K̃ = K^{1/z}.
        // Constant time: secret points times the secret 1/z.
        let g1: Vec<SecretG1> = self
            .k_prime
            .iter()
            .chain(k_attr.iter().flatten())
            .map(|p| SecretG1::from_affine(p).mul(&inv_z))
            .collect();
        let g1 = Zeroizing::new(SecretG1::batch_to_affine_secret(&g1));
        let g2: Vec<SecretG2> = self
            .k0
            .iter()
            .map(|p| SecretG2::from_affine(p).mul(&inv_z))
            .collect();
        let g2 = Zeroizing::new(SecretG2::batch_to_affine_secret(&g2));
        k_attr.zeroize();
        let mut chunks = g1.chunks_exact(3).map(|c| [c[0], c[1], c[2]]);
        let k_prime = chunks.next().ok_or(Error::InvalidArgument("empty key"))?;
        let k_attr: Vec<[G1Affine; 3]> = chunks.collect();
        Ok(ReKey {
            grant_id,
            attributes: subset,
            k0: [g2[0], g2[1], g2[2]],
            k_prime,
            k_attr,
            capsule,
            k0_prepared: OnceLock::new(),
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
        &self.attributes
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
                .is_satisfied_by(&self.attributes)
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
            .reconstruct(&self.attributes)
            .ok_or(Error::PolicyNotSatisfied)?;
        // R = Z^{1/z} is the proxy's public output.
        let r = dec_core(self, lsss, &target.core, &gamma)?.publish();
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
        let _ = self.k0_prepared();
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
            GRANT_ID_LEN + key_body_len(&self.attributes) + capsule_len,
        );
        w.fixed(&self.grant_id);
        write_key_body(
            &mut w,
            &self.attributes,
            &self.k0,
            &self.k_prime,
            &self.k_attr,
        );
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
        let (attributes, k0, k_prime, k_attr) = read_key_body(&mut r)?;
        let capsule = KemHeader::read(&mut r)?;
        r.finish()?;
        Ok(Self {
            grant_id,
            attributes,
            k0,
            k_prime,
            k_attr,
            capsule,
            k0_prepared: OnceLock::new(),
        })
    }
}

#[cfg(test)]
mod tests;
