//! Attribute-based proxy re-encryption (`docs/security.md` §3): a key holder delegates the
//! records its attributes `S' ⊆ S` can open to a new policy `P'`; a proxy transforms
//! them without learning anything; keys satisfying `P'` open the result.
//!
//! Construction (Green–Hohenberger–Waters-style blinding over FAME): the re-key is a
//! key for `S'` with **every** component raised to `1/z`, plus a grant capsule (an
//! FO-KEM header under `P'`) whose seed `w` gives `z = H_z(w)`. The proxy runs ordinary
//! FAME decryption with the blinded key and obtains `R = Z^{1/z}`, which is useless
//! without `z`; it masks `R` with the KEM value of a record capsule it makes for this
//! record only (`docs/security.md` §12.2). The delegatee opens both capsules, unmasks
//! `R`, computes `Z = R^z` and runs the original FO check.
//!
//! Every grant starts from a **delegation key** that the authority issues for that
//! grant alone, with fresh randomness, and that names the delegator's consent key
//! (BLS): grants made from one user key would share its randomness and combine
//! (§12.5), and a consent must come from the delegator the re-key names (§12.3). Read
//! `docs/security.md` for the trust model: a proxy colluding with a delegatee recovers
//! the delegation key, i.e. the attributes `S'` of that one grant.
//!
//! ```
//! use cipherchart::{seal, Authority, BlsSigningKey, Policy};
//! let mut rng = rand_core::OsRng;
//! let hospital = Authority::setup(&mut rng);
//! let pk = hospital.public_key();
//! let record = seal(pk, &Policy::parse("patient:42")?, b"ecg-1", b"", b"ECG data", &mut rng)?;
//!
//! // The patient's consent key signs consent tokens; the authority issues a one-grant
//! // delegation key that names it.
//! let patient_consent = BlsSigningKey::generate(&mut rng);
//! let delegation = hospital.issue_delegation_key(&["patient:42"], &patient_consent.public_key(), &mut rng)?;
//! let to = Policy::parse("hospital:h2 and role:physician")?;
//! let rekey = delegation.rekey(pk, &to, &mut rng)?;
//! let shared = rekey.reencrypt(&record)?; // done by the proxy
//!
//! let doctor = hospital.issue_key(&["hospital:h2", "role:physician"], &mut rng)?;
//! assert_eq!(doctor.open(pk, &shared)?, b"ECG data");
//! # Ok::<(), cipherchart::Error>(())
//! ```

use core::fmt;

use rand_core::{CryptoRng, RngCore};
use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::abe::core::dec_core;
use crate::abe::key_material::KeyMaterial;
use crate::abe::{hex_prefix, PublicKey};
use crate::encoding::{ObjectType, Reader, Writer};
use crate::error::{Error, Result};
use crate::policy::{Attribute, Policy};
use crate::record::hops::{
    blinding_scalar, grant_context, hop_binding, open_cost_bound, record_capsule_context,
    record_capsule_seed, Hop, GRANT_ID_LEN,
};
use crate::record::kem::{
    encaps, encaps_with_seed, key_gamma, names_guard, refuse_guard, KemHeader,
};
use crate::record::{SealedRecord, MAX_HOPS, MAX_RECORD_OPEN_COST};
use crate::secret::random_seed;
use crate::sig::PublicKey as BlsPublicKey;

/// A key for one grant: the attributes `S'` to delegate, issued by the authority with
/// fresh randomness for this grant alone, naming the delegator's consent key.
/// [`rekey`](Self::rekey) consumes it.
///
/// Make one per grant (`Authority::issue_delegation_key`): re-keys made from one key
/// share its randomness, and a proxy with the audiences of two such grants could open
/// records that need attributes of both (`docs/security.md` §12.5). It has no `open`,
/// but its material is a FAME key for `S'`: keep it as secret as a user key. Secret:
/// zeroizes on drop; `Debug` shows only the attributes and delegator.
pub struct DelegationKey {
    pub(crate) material: KeyMaterial,
    pub(crate) delegator: BlsPublicKey,
}

impl ZeroizeOnDrop for DelegationKey {}

impl fmt::Debug for DelegationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DelegationKey")
            .field("attributes", &self.material.attribute_names())
            .field("delegator", &self.delegator)
            .finish_non_exhaustive()
    }
}

impl DelegationKey {
    /// The attributes `S'` it delegates.
    pub fn attributes(&self) -> &[Attribute] {
        &self.material.attributes
    }

    /// The consent key of the delegator: the only issuer whose consent tokens gate
    /// the re-key made from this key.
    pub fn delegator(&self) -> &BlsPublicKey {
        &self.delegator
    }

    /// The key id of the issuing authority.
    pub fn authority(&self) -> [u8; 32] {
        self.material.authority
    }

    /// Makes the re-encryption key that delegates what this key's attributes can open
    /// to the audience of `policy` (`P'`), consuming the delegation key.
    ///
    /// `P'` must not be satisfiable by the proxy that will hold the re-key.
    ///
    /// # Errors
    /// [`Error::WrongAuthority`] if `pk` is not the issuing authority's key;
    /// [`Error::InvalidAttribute`] if `policy` names the reserved
    /// `cipherchart:key-holder` (every user key holds it).
    pub fn rekey<R: RngCore + CryptoRng + ?Sized>(
        self,
        pk: &PublicKey,
        policy: &Policy,
        rng: &mut R,
    ) -> Result<ReKey> {
        if self.material.authority != pk.id {
            return Err(Error::WrongAuthority);
        }
        refuse_guard(policy)?;
        let mut grant_id = [0u8; GRANT_ID_LEN];
        rng.fill_bytes(&mut grant_id);
        let delegator = self.delegator.to_bytes();
        let (capsule, w) = encaps(pk, policy, &grant_context(&grant_id, &delegator), rng)?;
        let z = blinding_scalar(pk, &w)?;
        // Blind every component: K̃ = K^{1/z}.
        let material = self
            .material
            .restrict_and_blind(self.material.attributes.clone(), &z.invert())?;
        Ok(ReKey {
            grant_id,
            material,
            capsule,
            pk: pk.clone(),
            hop_key: random_seed(rng),
            delegator: self.delegator,
        })
    }

    /// The canonical encoding (`docs/formats.md`, "DelegationKey"). Secret.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut w = Writer::with_capacity(
            ObjectType::DelegationKey,
            self.material.encoded_len() + crate::sig::PUBLIC_KEY_LEN,
        );
        self.material.write(&mut w);
        w.fixed(&self.delegator.to_bytes());
        Zeroizing::new(w.finish())
    }

    /// Decodes and validates a delegation key.
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`] for any malformed input.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, ObjectType::DelegationKey)?;
        let material = KeyMaterial::read(&mut r, false)?;
        let delegator = BlsPublicKey::from_bytes(&r.fixed::<{ crate::sig::PUBLIC_KEY_LEN }>()?)?;
        r.finish()?;
        Ok(Self {
            material,
            delegator,
        })
    }
}

/// A re-encryption key: a delegation key for `S'` blinded by `1/z`, the grant capsule
/// under the target policy, the authority's public key (the proxy makes a record
/// capsule for each record it transforms), a secret hop key, the delegator's consent
/// key and a grant id.
///
/// Give it to the proxy. It transforms every record `S'` can open (not one record):
/// keep `S'` minimal and check consent before re-encrypting. Its `Debug` output shows
/// no key material, and it zeroizes on drop.
pub struct ReKey {
    grant_id: [u8; GRANT_ID_LEN],
    /// The delegation key blinded by `1/z`.
    material: KeyMaterial,
    capsule: KemHeader,
    pk: PublicKey,
    /// Keys the record-capsule seeds (secret).
    hop_key: Zeroizing<[u8; 32]>,
    delegator: BlsPublicKey,
}

impl ZeroizeOnDrop for ReKey {}

impl fmt::Debug for ReKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReKey")
            .field("grant_id", &hex_prefix(&self.grant_id))
            .field("attributes", &self.material.attribute_names())
            .field("target_policy", &self.capsule.policy.to_string())
            .field("delegator", &self.delegator)
            .finish_non_exhaustive()
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

    /// The delegator's consent key: consent tokens gate this re-key only if this key
    /// issued them.
    pub fn delegator(&self) -> &BlsPublicKey {
        &self.delegator
    }

    /// The key id of the authority.
    pub fn authority(&self) -> [u8; 32] {
        self.material.authority
    }

    /// Why this re-key cannot transform the record, checked without group work.
    fn refusal(&self, record: &SealedRecord) -> Option<Error> {
        if record.authority() != self.material.authority {
            return Some(Error::WrongAuthority);
        }
        if record.hops.len() >= MAX_HOPS {
            return Some(Error::InvalidArgument(
                "the record has the maximum number of hops",
            ));
        }
        if record.hops.iter().any(|h| h.grant_id == self.grant_id) {
            return Some(Error::InvalidArgument(
                "the record was already re-encrypted under this grant",
            ));
        }
        if !record
            .newest_policy()
            .is_satisfied_by(&self.material.attributes)
        {
            return Some(Error::PolicyNotSatisfied);
        }
        // The result must stay within the open-cost budget of one record.
        let policies = record
            .hops
            .iter()
            .map(|h| &h.grant_capsule.policy)
            .chain(core::iter::once(&self.capsule.policy));
        if open_cost_bound(&record.header.policy, policies) > MAX_RECORD_OPEN_COST {
            return Some(Error::LimitExceeded(crate::error::LimitKind::PolicyCost));
        }
        None
    }

    /// Whether this re-key can transform the record: same authority, its attributes
    /// satisfy the record's newest policy, the hop limit is not reached and the record
    /// was not already re-encrypted under this grant (exactly when
    /// [`reencrypt`](Self::reencrypt) succeeds on a well-formed record).
    pub fn can_reencrypt(&self, record: &SealedRecord) -> bool {
        self.refusal(record).is_none()
    }

    /// Re-encrypts one record (the proxy's operation). The result is a sealed record
    /// with one more hop, bound to this record: keys satisfying the target policy open
    /// it, and it can be re-encrypted again with a re-key made for such keys
    /// (multi-hop). Deterministic: the same record and re-key give the same result.
    ///
    /// # Errors
    /// [`Error::WrongAuthority`] for a record of another authority;
    /// [`Error::PolicyNotSatisfied`] before any pairing if `S'` does not satisfy the
    /// record's newest policy; [`Error::InvalidArgument`] if the record already has
    /// [`MAX_HOPS`] hops or was already re-encrypted under this grant;
    /// [`Error::LimitExceeded`] (`PolicyCost`) if the result would cost more than
    /// [`MAX_RECORD_OPEN_COST`] to open.
    pub fn reencrypt(&self, record: &SealedRecord) -> Result<SealedRecord> {
        if let Some(e) = self.refusal(record) {
            return Err(e);
        }
        let index = record.hops.len() + 1;
        // The layer to transform: the record header, or the record capsule of the hop
        // below together with its grant capsule.
        let (r, grant_r) = match record.hops.last() {
            None => (self.transform(&record.header)?, None),
            Some(prev) => (
                self.transform(&prev.record_capsule)?,
                Some(self.transform(&prev.grant_capsule)?.publish()),
            ),
        };
        let binding = hop_binding(record, index, &self.grant_id);
        let seed = record_capsule_seed(&self.hop_key, &binding);
        let (record_capsule, z_v) = encaps_with_seed(
            &self.pk,
            &self.capsule.policy,
            &record_capsule_context(&binding),
            &seed,
        )?;
        // R̂ = R · Z(V) is public; R alone never leaves this function.
        let masked_r = r.mul(&z_v).publish();
        let mut out = record.clone();
        out.hops.push(Hop {
            grant_id: self.grant_id,
            delegator: self.delegator.to_bytes(),
            grant_capsule: self.capsule.clone(),
            record_capsule,
            masked_r,
            grant_r,
        });
        Ok(out)
    }

    /// DecCore with the blinded key on a header the attributes satisfy: `Z^{1/z}`.
    fn transform(&self, header: &KemHeader) -> Result<crate::ct::SecretGt> {
        let gamma = key_gamma(&self.material, &header.policy).ok_or(Error::PolicyNotSatisfied)?;
        dec_core(&self.material, header.policy.lsss(), &header.core, &gamma)
    }

    /// Re-encrypts many records with one preparation of the re-key's fixed pairing
    /// inputs; in parallel with the `parallel` feature. Same results as calling
    /// [`reencrypt`](Self::reencrypt) on each, in order.
    pub fn reencrypt_batch(&self, records: &[SealedRecord]) -> Vec<Result<SealedRecord>> {
        let _ = crate::abe::core::DecryptionKey::k0_prepared(&self.material);
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
        let pk = self.pk.to_bytes();
        let mut w = Writer::with_capacity(
            ObjectType::ReKey,
            GRANT_ID_LEN
                + self.material.encoded_len()
                + self.capsule.encoded_len()
                + 4
                + pk.len()
                + 32
                + crate::sig::PUBLIC_KEY_LEN,
        );
        w.fixed(&self.grant_id);
        self.material.write(&mut w);
        self.capsule.write(&mut w);
        w.bytes(&pk);
        w.fixed(self.hop_key.as_ref());
        w.fixed(&self.delegator.to_bytes());
        Zeroizing::new(w.finish())
    }

    /// Decodes and validates a re-key: the capsule and the blinded key must be of the
    /// public key's authority.
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`] for any malformed input.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, ObjectType::ReKey)?;
        let grant_id = r.fixed::<GRANT_ID_LEN>()?;
        let material = KeyMaterial::read(&mut r, false)?;
        let capsule = KemHeader::read(&mut r)?;
        let pk = PublicKey::from_bytes(r.bytes(PUBLIC_KEY_MAX_LEN)?)?;
        let hop_key = Zeroizing::new(r.fixed::<32>()?);
        let delegator = BlsPublicKey::from_bytes(&r.fixed::<{ crate::sig::PUBLIC_KEY_LEN }>()?)?;
        r.finish()?;
        if material.authority != pk.id || capsule.authority != pk.id || names_guard(&capsule.policy)
        {
            return Err(crate::error::EncodingError::NonCanonical.into());
        }
        Ok(Self {
            grant_id,
            material,
            capsule,
            pk,
            hop_key,
            delegator,
        })
    }
}

/// An upper bound on a public key's encoding (4-byte header, two G2, two GT).
const PUBLIC_KEY_MAX_LEN: usize = 4 + 2 * 96 + 2 * 576;

#[cfg(test)]
mod tests;

mod align;
pub use align::align_batch;
