//! The re-encryption key a proxy holds, and its encoding. What the proxy does with it is
//! in `reencrypt.rs` and `batch.rs`.

use core::fmt;

use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::abe::key_material::KeyMaterial;
use crate::abe::PublicKey;
use crate::ct::after_wiping_stack;
use crate::encoding::{hex_prefix, ObjectType, Reader, Writer, FORMAT_VERSION, FORMAT_VERSION_V3};
use crate::error::{EncodingError, Result};
use crate::policy::{Attribute, Policy};
use crate::record::hop::{GrantRef, GRANT_ID_LEN};
use crate::record::hop_v3::grant_context_v3;
use crate::record::kem::{names_guard, HeaderFormat, KemHeader};
use crate::revocation::VerifiedNotice;
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
    /// What a format v3 re-key adds (`None` for v2; `Some` exactly when the capsule is a
    /// v3 header).
    pub(super) v3: Option<ReKeyV3>,
}

/// The fields of a format v3 re-key (`docs/formats.md`, "ReKey v3";
/// `docs/revocation-v3.md` §11.6) beyond v2's.
#[derive(Clone, Copy)]
pub(super) struct ReKeyV3 {
    /// The id of the delegation key it was made from (§7.1); the grant id is derived
    /// from it.
    pub(super) delegation_key_id: [u8; 32],
    /// The parent grant (§7.3): the re-key transforms only records whose newest hop is of
    /// this grant; `None`: only records without hops.
    pub(super) parent: Option<GrantRef>,
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
    /// The grant id that names this delegation in hops, consent tokens and the proof
    /// chain: 16 random bytes for a format v2 re-key; for a v3 re-key, derived from the
    /// delegation key it was made from (`docs/revocation-v3.md` §7.1), so one delegation
    /// key makes one grant.
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

    /// Whether this is a format v3 re-key ([`DelegationKey::rekey_under`](crate::DelegationKey::rekey_under)):
    /// it transforms format v3 records only, and a v2 re-key v2 records only.
    pub fn is_v3(&self) -> bool {
        self.v3.is_some()
    }

    /// A format v3 re-key's parent grant (`docs/revocation-v3.md` §7.3): it transforms
    /// only records whose newest hop is of that grant
    /// ([`SealedRecord::newest_grant`](crate::SealedRecord::newest_grant)); `None` for a
    /// v3 re-key without a parent (it transforms only records without hops) and for every
    /// v2 re-key.
    pub fn parent(&self) -> Option<GrantRef> {
        self.v3.and_then(|v| v.parent)
    }

    /// The id of the delegation key a format v3 re-key was made from
    /// ([`DelegationKey::key_id`](crate::DelegationKey::key_id)); `None` for v2.
    pub fn delegation_key_id(&self) -> Option<[u8; 32]> {
        self.v3.map(|v| v.delegation_key_id)
    }

    /// This grant's qualified id: its source authority and grant id.
    pub fn grant(&self) -> GrantRef {
        GrantRef {
            authority: self.material.authority,
            grant_id: self.grant_id,
        }
    }

    /// The delegated attributes with the version of each (all 0 for a v2 re-key).
    pub fn attribute_versions(&self) -> Vec<(Attribute, u32)> {
        self.material
            .attributes
            .iter()
            .cloned()
            .zip(self.material.versions.iter().copied())
            .collect()
    }

    /// The target policy's attributes with the versions the capsule is sealed at, in LSSS
    /// row order (all 0 for a v2 re-key).
    pub fn target_versions(&self) -> Vec<(Attribute, u32)> {
        self.capsule.attribute_versions()
    }

    /// Checks that this re-key is current (`docs/revocation-v3.md` §7.5): every attribute
    /// it delegates is at the version the **source** authority's notice states, and every
    /// name of its target policy at the version the **target** authority's notice states.
    /// A proxy runs it, with the notices it verified (of each authority the one with the
    /// highest serial counts), before applying the re-key:
    /// a re-key made before a bump of a target name delivers records to keys that the
    /// bump shut out, and one made before a bump of a delegated name is the grant of a
    /// revoked delegator. Applies to v2 re-keys too (every version 0).
    ///
    /// # Errors
    /// [`Error::WrongAuthority`](crate::Error::WrongAuthority) if no notice of the source
    /// or of the target authority is given; [`Error::InvalidArgument`](crate::Error::InvalidArgument)
    /// if two notices of one authority were verified under different notice keys, or are
    /// two different notices with one serial; [`Error::StaleReKey`](crate::Error::StaleReKey)
    /// if a version is below the notice's; [`Error::FutureVersion`](crate::Error::FutureVersion)
    /// if one is above it (the proxy's notice is older than the re-key: fetch the newer one).
    pub fn check_current(&self, notices: &[&VerifiedNotice]) -> Result<()> {
        // The newest notice of each authority (the highest serial): a proxy may pass every
        // notice it verified, and an older one beside a newer must not vouch for a re-key
        // the newer made stale (outside review HA-3).
        let notice_of = |authority: &[u8; 32]| -> Result<&VerifiedNotice> {
            let mut of_authority = notices.iter().filter(|n| n.authority() == *authority);
            let first = of_authority.next().ok_or(crate::Error::WrongAuthority)?;
            of_authority.try_fold(*first, |newest, n| {
                // Notices of one authority verified under different notice keys, or two
                // different notices under one serial (an equivocating notice service), are
                // not an order the proxy can trust (outside review HB-4, HB-5).
                if n.notice_key() != newest.notice_key()
                    || (n.serial() == newest.serial()
                        && n.notice().digest() != newest.notice().digest())
                {
                    return Err(crate::Error::InvalidArgument(
                        "notices of one authority under different notice keys, or two different notices with one serial",
                    ));
                }
                Ok(if n.serial() > newest.serial() { n } else { newest })
            })
        };
        let source = notice_of(&self.material.authority)?;
        let target = notice_of(&self.capsule.authority)?;
        let check = |notice: &VerifiedNotice, pairs: Vec<(Attribute, u32)>| {
            pairs
                .iter()
                .try_for_each(|(name, v)| match v.cmp(&notice.notice().version_of(name)) {
                    core::cmp::Ordering::Less => Err(crate::Error::StaleReKey),
                    core::cmp::Ordering::Greater => Err(crate::Error::FutureVersion),
                    core::cmp::Ordering::Equal => Ok(()),
                })
        };
        check(source, self.attribute_versions())?;
        check(target, self.target_versions())
    }

    /// The canonical encoding (`docs/formats.md`, "ReKey"; a v3 re-key "ReKey v3").
    /// Secret for the proxy: the bytes come in a zeroizing buffer.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        after_wiping_stack(|| {
            if let Some(v3) = &self.v3 {
                return self.to_bytes_v3(v3);
            }
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

    /// The v3 encoding: `grant_id ‖ key body v3 ‖ delegation_key_id ‖ u32 generation ‖
    /// parent ‖ delegator ‖ capsule ‖ bytes target public key ‖ hop_key`.
    fn to_bytes_v3(&self, v3: &ReKeyV3) -> Zeroizing<Vec<u8>> {
        let pk = self.pk.to_bytes();
        let mut w = Writer::with_capacity_at(
            ObjectType::ReKey,
            FORMAT_VERSION_V3,
            GRANT_ID_LEN
                + self.material.encoded_len_v3()
                + 32
                + 4
                + 1
                + 48
                + crate::sig::PUBLIC_KEY_LEN
                + self.capsule.encoded_len()
                + 4
                + pk.len()
                + 32,
        );
        w.fixed(&self.grant_id);
        self.material.write_v3(&mut w);
        w.fixed(&v3.delegation_key_id);
        // The generation of renewals (§7.4, not built): 0.
        w.u32(0);
        match &v3.parent {
            Some(p) => {
                w.u8(1);
                w.fixed(&p.to_bytes());
            }
            None => w.u8(0),
        }
        w.fixed(&self.delegator.to_bytes());
        self.capsule.write(&mut w);
        w.bytes(&pk);
        w.fixed(self.hop_key.as_ref());
        Zeroizing::new(w.finish())
    }

    /// Decodes and validates a re-key of format v2 or v3: the capsule must be of the
    /// (target) public key's authority; the blinded key names the source authority, which
    /// may differ (a cross-authority re-key, `docs/formats.md` "ReKey" and "ReKey v3").
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`](crate::Error::InvalidEncoding) for any malformed input.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        after_wiping_stack(|| {
            let (mut r, version) = Reader::new_at(
                bytes,
                ObjectType::ReKey,
                &[FORMAT_VERSION, FORMAT_VERSION_V3],
            )?;
            if version == FORMAT_VERSION_V3 {
                return read_v3(r);
            }
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
                v3: None,
            })
        })
    }
}

/// A v3 grant id (`docs/revocation-v3.md` §7.1): the first 16 bytes of SHA-256 of the
/// `GRANT-ID` tag ‖ source authority id ‖ delegation key id.
pub(super) fn derived_grant_id(
    source: &[u8; 32],
    delegation_key_id: &[u8; 32],
) -> [u8; GRANT_ID_LEN] {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(crate::hash::dst::GRANT_ID)
        .chain_update(source)
        .chain_update(delegation_key_id)
        .finalize();
    let mut id = [0u8; GRANT_ID_LEN];
    id.copy_from_slice(&digest[..GRANT_ID_LEN]);
    id
}

/// Decodes the rest of a v3 re-key after its object header ([`ReKey::to_bytes_v3`]'s
/// layout): the generation must be 0, the grant id the one the delegation key id derives,
/// and the capsule a v3 header of the public key's authority, flags 0, under a policy
/// without the holder guard (`NonCanonical` otherwise).
fn read_v3(mut r: Reader<'_>) -> Result<ReKey> {
    let grant_id = r.fixed::<GRANT_ID_LEN>()?;
    let material = Box::new(KeyMaterial::read_v3_body(&mut r, false)?);
    let delegation_key_id = r.fixed::<32>()?;
    if r.u32()? != 0 {
        return Err(EncodingError::NonCanonical.into());
    }
    let parent = match r.u8()? {
        0 => None,
        1 => Some(GrantRef::from_bytes(&r.fixed::<48>()?)?),
        _ => return Err(EncodingError::NonCanonical.into()),
    };
    let delegator_bytes = r.fixed::<{ crate::sig::PUBLIC_KEY_LEN }>()?;
    let delegator = BlsPublicKey::from_bytes(&delegator_bytes)?;
    let ctx = grant_context_v3(
        &grant_id,
        &delegator_bytes,
        &material.authority,
        parent.map(|p| p.to_bytes()).as_ref(),
    );
    let capsule = KemHeader::read_v3_capsule(&mut r, &ctx)?;
    let pk = PublicKey::from_bytes(r.bytes(PUBLIC_KEY_MAX_LEN)?)?;
    let hop_key = Zeroizing::new(r.fixed::<32>()?);
    r.finish()?;
    // The capsule is never degraded (flags 0, outside review HA-4), and a first-generation
    // grant id is the one its delegation key id derives (HA-1: the decoder cannot check
    // the id against the blinded K0, but it can check that the two fields agree).
    let undegraded = matches!(capsule.format, HeaderFormat::V3 { flags: 0, .. });
    if capsule.authority != pk.id
        || names_guard(capsule.policy.policy())
        || !undegraded
        || grant_id != derived_grant_id(&material.authority, &delegation_key_id)
    {
        return Err(EncodingError::NonCanonical.into());
    }
    Ok(ReKey {
        grant_id,
        material,
        capsule,
        pk,
        hop_key,
        delegator,
        v3: Some(ReKeyV3 {
            delegation_key_id,
            parent,
        }),
    })
}

/// An upper bound on a public key's encoding (4-byte header, two G2, two GT).
const PUBLIC_KEY_MAX_LEN: usize = 4 + 2 * 96 + 2 * 576;
