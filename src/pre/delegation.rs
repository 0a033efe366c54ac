//! The delegation key: a FAME key for the attributes `S'` of one grant, issued by the
//! authority with fresh randomness and naming the delegator's consent key; `rekey` turns it
//! into the [`ReKey`] a proxy holds.

use core::fmt;

use rand_core::{CryptoRng, RngCore};
use zeroize::{ZeroizeOnDrop, Zeroizing};

use super::layers::{blinding_scalar, grant_context, Authorities};
use super::rekey::ReKey;
use crate::abe::key_material::KeyMaterial;
use crate::abe::{Authority, PublicKey};
use crate::ct::after_wiping_stack;
use crate::encoding::{ObjectType, Reader, Writer};
use crate::error::{Error, Result};
use crate::policy::{Attribute, Policy};
use crate::record::hop::GRANT_ID_LEN;
use crate::record::kem::{encaps, refuse_guard};
use crate::secret::random_seed;
use crate::sig::BlsPublicKey;

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
    pub(crate) material: Box<KeyMaterial>,
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
    /// to the audience of `policy` (`P'`) under the same authority, consuming the
    /// delegation key. For an audience under another authority, see
    /// [`rekey_to`](Self::rekey_to).
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
        self.rekey_to(pk, policy, rng)
    }

    /// Checks, without consuming the key, that `policy` can be a re-key's target policy:
    /// what [`rekey`](Self::rekey) and [`rekey_to`](Self::rekey_to) refuse about it before
    /// any work. The bindings call it first, so that a refused policy does not use up the
    /// grant's delegation key (outside review FB-1).
    ///
    /// # Errors
    /// [`Error::InvalidAttribute`] if `policy` names the reserved `cipherchart:key-holder`.
    pub fn check_target_policy(policy: &Policy) -> Result<()> {
        refuse_guard(policy)
    }

    /// Makes a **cross-authority** re-encryption key (federation, `docs/federation.md`):
    /// it delegates what this key's attributes can open at its own authority (A) to the
    /// audience of `policy` under the authority whose public key is `target` (B). The
    /// grant capsule is sealed under B's key, so B's keys alone open the re-encrypted
    /// records (with A's public key to check A's layer,
    /// [`UserKey::open_federated`](crate::UserKey::open_federated)). With `target` = A's
    /// own key it is [`rekey`](Self::rekey).
    ///
    /// A referral trusts B's authority with every record the re-key transforms: B can
    /// issue itself a key for `policy` (`docs/federation.md` §4).
    ///
    /// ```
    /// use cipherchart::{Authority, BlsSigningKey, Policy, seal};
    /// let mut rng = rand_core::OsRng;
    /// let (a, b) = (Authority::setup(&mut rng), Authority::setup(&mut rng));
    /// let consent_key = BlsSigningKey::generate(&mut rng);
    /// let record = seal(a.public_key(), &Policy::parse("patient:42")?, b"r1", b"", b"notes", &mut rng)?;
    /// let delegation = a.issue_delegation_key(&["patient:42"], &consent_key.public_key(), &mut rng)?;
    /// let to = Policy::parse("role:cardiologist")?;
    /// let rekey = delegation.rekey_to(b.public_key(), &to, &mut rng)?;
    /// let referred = rekey.reencrypt(&record)?;
    /// let cardiologist = b.issue_key(&["role:cardiologist"], &mut rng)?;
    /// let opened = cardiologist.open_federated(&[a.public_key(), b.public_key()], &referred)?;
    /// assert_eq!(opened, b"notes");
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidAttribute`] if `policy` names the reserved
    /// `cipherchart:key-holder`.
    pub fn rekey_to<R: RngCore + CryptoRng + ?Sized>(
        self,
        target: &PublicKey,
        policy: &Policy,
        rng: &mut R,
    ) -> Result<ReKey> {
        after_wiping_stack(|| {
            refuse_guard(policy)?;
            let mut grant_id = [0u8; GRANT_ID_LEN];
            rng.fill_bytes(&mut grant_id);
            let delegator = self.delegator.to_bytes();
            let authorities = Authorities {
                source: &self.material.authority,
                target: &target.id,
            };
            let (capsule, w) = encaps(
                target,
                policy,
                &grant_context(&grant_id, &delegator, authorities),
                rng,
            )?;
            let z = blinding_scalar(authorities, &w)?;
            // Blind every component: K̃ = K^{1/z}.
            let material = Box::new(
                self.material
                    .restrict_and_blind(self.material.attributes.clone(), &z.invert())?,
            );
            Ok(ReKey {
                grant_id,
                material,
                capsule,
                pk: target.clone(),
                hop_key: random_seed(rng),
                delegator: self.delegator,
            })
        })
    }

    /// The canonical encoding (`docs/formats.md`, "DelegationKey"). Secret.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        after_wiping_stack(|| {
            let mut w = Writer::with_capacity(
                ObjectType::DelegationKey,
                self.material.encoded_len() + crate::sig::PUBLIC_KEY_LEN,
            );
            self.material.write(&mut w);
            w.fixed(&self.delegator.to_bytes());
            Zeroizing::new(w.finish())
        })
    }

    /// Decodes and validates a delegation key.
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`] for any malformed input.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        after_wiping_stack(|| {
            let mut r = Reader::new(bytes, ObjectType::DelegationKey)?;
            let material = Box::new(KeyMaterial::read(&mut r, false)?);
            let delegator =
                BlsPublicKey::from_bytes(&r.fixed::<{ crate::sig::PUBLIC_KEY_LEN }>()?)?;
            r.finish()?;
            Ok(Self {
                material,
                delegator,
            })
        })
    }
}

// Issuing lives here, not in `abe`: a delegation key is this module's type, and `abe`
// (below `pre`) must not import it. `abe` provides the KeyGen
// (`Authority::unguarded_key_material`).
impl Authority {
    /// Issues a one-grant delegation key: a key for `attributes` (the `S'` to
    /// delegate) with fresh randomness, naming `delegator`, the consent key whose
    /// tokens will gate the re-key made from it. Issue one per grant: the authority
    /// checks that the delegator is entitled to `S'` (for a patient, their own
    /// `patient:` attribute), as it does for any key.
    ///
    /// ```
    /// use cipherchart::{Authority, BlsSigningKey, Policy};
    /// let mut rng = rand_core::OsRng;
    /// let hospital = Authority::setup(&mut rng);
    /// let consent_key = BlsSigningKey::generate(&mut rng);
    /// let delegation = hospital.issue_delegation_key(&["patient:42"], &consent_key.public_key(), &mut rng)?;
    /// let to = Policy::parse("hospital:h2 and role:physician")?;
    /// let rekey = delegation.rekey(hospital.public_key(), &to, &mut rng)?;
    /// assert_eq!(rekey.delegator(), &consent_key.public_key());
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`issue_key`](Authority::issue_key).
    pub fn issue_delegation_key<S: AsRef<str>, R: RngCore + CryptoRng + ?Sized>(
        &self,
        attributes: &[S],
        delegator: &BlsPublicKey,
        rng: &mut R,
    ) -> Result<DelegationKey> {
        after_wiping_stack(|| {
            Ok(DelegationKey {
                material: Box::new(self.unguarded_key_material(attributes, rng)?),
                delegator: *delegator,
            })
        })
    }
}
