//! The delegation key: a FAME key for the attributes `S'` of one grant, issued by the
//! authority with fresh randomness and naming the delegator's consent key; `rekey` turns it
//! into the [`ReKey`] a proxy holds.

use core::fmt;

use rand_core::{CryptoRng, RngCore};
use zeroize::{ZeroizeOnDrop, Zeroizing};

use super::layers::{blinding_scalar, grant_context, grant_context_v3, Authorities};
use super::rekey::{derived_grant_id, ReKey, ReKeyV3};
use crate::abe::key_material::KeyMaterial;
use crate::abe::{Authority, PublicKey};
use crate::ct::after_wiping_stack;
use crate::ct::declassify::Declassify;
use crate::encoding::{ObjectType, Reader, Writer, FORMAT_VERSION, FORMAT_VERSION_V3};
use crate::error::{Error, Result};
use crate::policy::{Attribute, Policy};
use crate::record::envelope::encaps_v3_capsule;
use crate::record::hop::{GrantRef, GRANT_ID_LEN};
use crate::record::kem::{encaps, refuse_guard};
use crate::revocation::VerifiedNotice;
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
    /// `cipherchart:key-holder`; [`Error::InvalidArgument`] if the key is at attribute
    /// versions ([`check_unversioned`](Self::check_unversioned)).
    pub fn rekey_to<R: RngCore + CryptoRng + ?Sized>(
        self,
        target: &PublicKey,
        policy: &Policy,
        rng: &mut R,
    ) -> Result<ReKey> {
        after_wiping_stack(|| {
            refuse_guard(policy)?;
            self.check_unversioned()?;
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
            let z = blinding_scalar(authorities, &w, false)?;
            self.blinded(grant_id, &z, capsule, target, None, rng)
        })
    }

    /// The re-key of both formats from its grant capsule and blinding `z`: every component
    /// of this key raised to `1/z` (`K̃ = K^{1/z}`), a fresh secret hop key.
    fn blinded<R: RngCore + CryptoRng + ?Sized>(
        self,
        grant_id: [u8; GRANT_ID_LEN],
        z: &crate::ct::SecretScalar,
        capsule: crate::record::kem::KemHeader,
        target: &PublicKey,
        v3: Option<ReKeyV3>,
        rng: &mut R,
    ) -> Result<ReKey> {
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
            v3,
        })
    }

    /// Checks, without consuming the key, that it can make a format v2 re-key
    /// ([`rekey`](Self::rekey), [`rekey_to`](Self::rekey_to)): every attribute at version 0.
    /// A key issued under a notice with a bumped name makes format v3 re-keys only
    /// ([`rekey_under`](Self::rekey_under)): the v2 re-key's encoding has no versions. The
    /// bindings call it before taking the key, so a refusal does not use it up.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if an attribute is at a version ≥ 1.
    pub fn check_unversioned(&self) -> Result<()> {
        if self.material.is_unversioned() {
            Ok(())
        } else {
            Err(Error::InvalidArgument(
                "a delegation key at attribute versions makes format v3 re-keys (rekey_under)",
            ))
        }
    }

    /// The key id (`docs/revocation-v3.md` §7.1): SHA-256 of the authority id and `K0`
    /// under the `KEY-ID` tag. Only the holder and the issuer can compute it; a format v3
    /// re-key names it, and derives its grant id from it.
    pub fn key_id(&self) -> [u8; 32] {
        after_wiping_stack(|| {
            let mut id = self.material.key_id();
            // Public once computed: it is written into the re-key and the grant id.
            Declassify::declassify(&mut id);
            id
        })
    }

    /// Makes a **format v3** re-encryption key (`docs/revocation-v3.md` §7, §11.6;
    /// `docs/formats.md`, "ReKey v3"), which transforms format v3 records (sealed under a
    /// version notice, [`seal_with_notice`](crate::seal_with_notice)): it delegates what
    /// this key's attributes, at their versions, open at its own authority to the
    /// audience of `policy` under the authority whose public key is `target` (this
    /// authority's own, or another's for a referral), sealed at the versions of
    /// `target_notice`, that authority's current notice. Consumes the delegation key.
    ///
    /// `parent` is the grant whose audience this key's holder belongs to, when the holder
    /// forwards records it received through that grant (multi-hop): the re-key then
    /// transforms only records whose newest hop is of that grant
    /// ([`SealedRecord::newest_grant`](crate::SealedRecord::newest_grant)). Without a
    /// parent it transforms only records without hops. The grant id is derived from
    /// this key's id ([`key_id`](Self::key_id)): one delegation key, one grant.
    ///
    /// A proxy checks the re-key against the current notices before using it
    /// ([`ReKey::check_current`]): a bump of a delegated name or of a target name makes it
    /// stale, and a new one is made under the new notices.
    ///
    /// ```
    /// use cipherchart::{seal_with_notice, Authority, BlsSigningKey, NoticeFields, Policy, VersionNotice};
    /// let mut rng = rand_core::OsRng;
    /// let hospital = Authority::setup(&mut rng);
    /// let pk = hospital.public_key();
    /// let notice_key = BlsSigningKey::generate(&mut rng);
    /// let now = 1_800_000_000;
    /// let notice = VersionNotice::sign(&notice_key, &NoticeFields {
    ///     authority: pk.id(), statement_serial: 0, serial: now, issued_at: now,
    ///     not_after: now + 3600, bump_count: 0, bump_head: [0; 32], versions: vec![],
    /// })?
    /// .verify(&notice_key.public_key(), now, None)?;
    /// let record = seal_with_notice(pk, &notice, &Policy::parse("patient:42")?, b"ecg-1", b"", b"ECG", &mut rng)?;
    ///
    /// let consent_key = BlsSigningKey::generate(&mut rng);
    /// let delegation = hospital.issue_delegation_key_under(&notice, &["patient:42"], &consent_key.public_key(), &mut rng)?;
    /// let rekey = delegation.rekey_under(pk, &notice, &Policy::parse("role:cardiologist")?, None, &mut rng)?;
    /// rekey.check_current(&[&notice])?; // the proxy's check
    /// let shared = rekey.reencrypt(&record)?;
    /// let doctor = hospital.issue_key_under(&notice, &["role:cardiologist"], &mut rng)?;
    /// assert_eq!(doctor.open(pk, &shared)?, b"ECG");
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongAuthority`] if `target_notice` is not `target`'s authority's;
    /// [`Error::InvalidAttribute`] if `policy` names the reserved
    /// `cipherchart:key-holder`.
    pub fn rekey_under<R: RngCore + CryptoRng + ?Sized>(
        self,
        target: &PublicKey,
        target_notice: &VerifiedNotice,
        policy: &Policy,
        parent: Option<GrantRef>,
        rng: &mut R,
    ) -> Result<ReKey> {
        after_wiping_stack(|| {
            Self::check_target(target, target_notice, policy)?;
            let versioned = target_notice.apply(policy)?;
            let delegation_key_id = self.key_id();
            let grant_id = derived_grant_id(&self.material.authority, &delegation_key_id);
            let delegator = self.delegator.to_bytes();
            let authorities = Authorities {
                source: &self.material.authority,
                target: &target.id,
            };
            let ctx = grant_context_v3(
                &grant_id,
                &delegator,
                authorities.source,
                parent.map(|p| p.to_bytes()).as_ref(),
            );
            let w = random_seed(rng);
            let (capsule, _) =
                encaps_v3_capsule(target, &versioned, (target_notice.serial(), 0), &ctx, &w)?;
            let z = blinding_scalar(authorities, &w, true)?;
            let v3 = ReKeyV3 {
                delegation_key_id,
                parent,
            };
            self.blinded(grant_id, &z, capsule, target, Some(v3), rng)
        })
    }

    /// What [`rekey_under`](Self::rekey_under) refuses about its target before any work
    /// (the bindings call it before taking the key, as [`check_target_policy`](Self::check_target_policy)).
    ///
    /// # Errors
    /// [`Error::WrongAuthority`] if the notice is not `target`'s authority's;
    /// [`Error::InvalidAttribute`] if `policy` names the reserved `cipherchart:key-holder`.
    pub fn check_target(
        target: &PublicKey,
        target_notice: &VerifiedNotice,
        policy: &Policy,
    ) -> Result<()> {
        if target_notice.authority() != target.id {
            return Err(Error::WrongAuthority);
        }
        refuse_guard(policy)
    }

    /// The canonical encoding (`docs/formats.md`, "DelegationKey"). Secret. As for user
    /// keys, a key with every attribute at version 0 is written in format v2, one with
    /// any version ≥ 1 ([`Authority::issue_delegation_key_under`]) in format v3
    /// (`43 43 09 03`, the key body with `list<vattr>`).
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        after_wiping_stack(|| {
            let m = &self.material;
            let mut w = if m.is_unversioned() {
                let mut w = Writer::with_capacity(
                    ObjectType::DelegationKey,
                    m.encoded_len() + crate::sig::PUBLIC_KEY_LEN,
                );
                m.write(&mut w);
                w
            } else {
                let mut w = Writer::with_capacity_at(
                    ObjectType::DelegationKey,
                    FORMAT_VERSION_V3,
                    m.encoded_len_v3() + crate::sig::PUBLIC_KEY_LEN,
                );
                m.write_v3(&mut w);
                w
            };
            w.fixed(&self.delegator.to_bytes());
            Zeroizing::new(w.finish())
        })
    }

    /// Decodes and validates a delegation key of format v2 or v3.
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`] for any malformed input (in v3 also a key whose
    /// versions are all 0: `NonCanonical`, its one encoding is v2's).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        after_wiping_stack(|| {
            let (mut r, version) = Reader::new_at(
                bytes,
                ObjectType::DelegationKey,
                &[FORMAT_VERSION, FORMAT_VERSION_V3],
            )?;
            let material = Box::new(if version == FORMAT_VERSION_V3 {
                KeyMaterial::read_v3(&mut r, false)?
            } else {
                KeyMaterial::read(&mut r, false)?
            });
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
                material: Box::new(self.unguarded_key_material(attributes, |_| 0, rng)?),
                delegator: *delegator,
            })
        })
    }

    /// [`issue_delegation_key`](Self::issue_delegation_key) with each attribute at its
    /// current version under `notice` (as [`issue_key_under`](Self::issue_key_under)):
    /// the delegation key for a grant of records sealed under notices
    /// ([`DelegationKey::rekey_under`]).
    ///
    /// # Errors
    /// [`Error::WrongAuthority`] if `notice` is another authority's; otherwise as
    /// [`issue_key`](Authority::issue_key).
    pub fn issue_delegation_key_under<S: AsRef<str>, R: RngCore + CryptoRng + ?Sized>(
        &self,
        notice: &VerifiedNotice,
        attributes: &[S],
        delegator: &BlsPublicKey,
        rng: &mut R,
    ) -> Result<DelegationKey> {
        if notice.authority() != self.public_key().id() {
            return Err(Error::WrongAuthority);
        }
        let notice = notice.notice();
        after_wiping_stack(|| {
            Ok(DelegationKey {
                material: Box::new(self.unguarded_key_material(
                    attributes,
                    |a| notice.version_of(a),
                    rng,
                )?),
                delegator: *delegator,
            })
        })
    }
}
