//! The re-encryption key a proxy holds, and its encoding. What the proxy does with it is
//! in `reencrypt.rs` and `batch.rs`.

use core::fmt;

use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::abe::key_material::KeyMaterial;
use crate::abe::PublicKey;
use crate::ct::after_wiping_stack;
use crate::encoding::{hex_prefix, ObjectType, Reader, Writer};
use crate::error::Result;
use crate::policy::{Attribute, Policy};
use crate::record::hop::GRANT_ID_LEN;
use crate::record::kem::{names_guard, KemHeader};
use crate::sig::BlsPublicKey;

/// A re-encryption key: a delegation key for `S'` blinded by `1/z`, the grant capsule
/// under the target policy, the target authority's public key (the proxy makes a record
/// capsule for each record it transforms), a secret hop key, the delegator's consent
/// key and a grant id. The target authority is the source's own for
/// [`DelegationKey::rekey`](crate::DelegationKey::rekey), another's for
/// [`DelegationKey::rekey_to`](crate::DelegationKey::rekey_to) (federation).
///
/// Give it to the proxy. It transforms every record `S'` can open (not one record):
/// keep `S'` minimal and check consent before re-encrypting. Its `Debug` output shows
/// no key material, and it zeroizes on drop.
pub struct ReKey {
    pub(super) grant_id: [u8; GRANT_ID_LEN],
    /// The delegation key blinded by `1/z`.
    pub(super) material: Box<KeyMaterial>,
    pub(super) capsule: KemHeader,
    /// The target authority's public key (the capsule's).
    pub(super) pk: PublicKey,
    /// Keys the record-capsule seeds (secret).
    pub(super) hop_key: Zeroizing<[u8; 32]>,
    pub(super) delegator: BlsPublicKey,
}

impl ZeroizeOnDrop for ReKey {}

impl fmt::Debug for ReKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReKey")
            .field("grant_id", &hex_prefix(&self.grant_id))
            .field("attributes", &self.material.attribute_names())
            .field("target_policy", &self.capsule.policy.policy().to_string())
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
        self.capsule.policy.policy()
    }

    /// The delegator's consent key: consent tokens gate this re-key only if this key
    /// issued them.
    pub fn delegator(&self) -> &BlsPublicKey {
        &self.delegator
    }

    /// The key id of the **source** authority: the one whose records (or whose layer of
    /// a re-encrypted record) this re-key transforms.
    pub fn authority(&self) -> [u8; 32] {
        self.material.authority
    }

    /// The key id of the **target** authority, under whose public key the target policy
    /// is sealed: the source's own for a re-key within one authority, another's for a
    /// cross-authority re-key ([`DelegationKey::rekey_to`](crate::DelegationKey::rekey_to)).
    pub fn target_authority(&self) -> [u8; 32] {
        self.capsule.authority
    }

    /// The canonical encoding (`docs/formats.md`, "ReKey"). Secret for the proxy: the
    /// bytes come in a zeroizing buffer.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        after_wiping_stack(|| {
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
        })
    }

    /// Decodes and validates a re-key: the capsule must be of the (target) public key's
    /// authority; the blinded key names the source authority, which may differ (a
    /// cross-authority re-key, `docs/formats.md` "ReKey").
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`](crate::Error::InvalidEncoding) for any malformed input.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        after_wiping_stack(|| {
            let mut r = Reader::new(bytes, ObjectType::ReKey)?;
            let grant_id = r.fixed::<GRANT_ID_LEN>()?;
            let material = Box::new(KeyMaterial::read(&mut r, false)?);
            let capsule = KemHeader::read(&mut r)?;
            let pk = PublicKey::from_bytes(r.bytes(PUBLIC_KEY_MAX_LEN)?)?;
            let hop_key = Zeroizing::new(r.fixed::<32>()?);
            let delegator =
                BlsPublicKey::from_bytes(&r.fixed::<{ crate::sig::PUBLIC_KEY_LEN }>()?)?;
            r.finish()?;
            if capsule.authority != pk.id || names_guard(capsule.policy.policy()) {
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
        })
    }
}

/// An upper bound on a public key's encoding (4-byte header, two G2, two GT).
const PUBLIC_KEY_MAX_LEN: usize = 4 + 2 * 96 + 2 * 576;
