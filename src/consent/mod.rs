//! Patient consent tokens (`docs/consent.md`): signed, attenuable, revocable grants that a
//! proxy verifies before it re-encrypts a record.
//!
//! A [`ConsentToken`] is a chain of blocks in the manner of Biscuit:
//!
//! * the **authority block**, signed with the patient's BLS key ([`ConsentToken::issue`]):
//!   issuer, subject, [`Grantee`] (a policy or a key), [`Scope`] (record ids and
//!   categories), purposes, a [`Window`], optionally the digest of the one re-key it
//!   authorises ([`rekey_digest`]), optionally the next holder, a random nonce;
//! * **attenuation blocks** ([`ConsentToken::attenuate`]), each signed by the holder the
//!   block before names, over the signature of the block before: they may only narrow
//!   the scope, the purposes and the window, and name the next holder;
//! * a **holder proof** ([`ConsentToken::present`]) when the last block names a holder:
//!   that holder's signature over the last block's signature, so that nobody can cut the
//!   token back to an earlier, wider block (Biscuit's sealing signature, with the holder's
//!   own key instead of a shipped secret).
//!
//! [`verify`] checks all of it (signatures in one randomised batch) against the expected
//! issuer, a time and a [`RevocationSet`], and returns a [`VerifiedConsent`], the only
//! value the proxy helpers [`reencrypt_with_consent`] and
//! [`reencrypt_batch_with_consent`] accept. The [`RevocationId`] of a block is a hash of
//! its signature; revocations are logged in the proof chain
//! ([`ConsentToken::revoke_entry`], [`RevocationSet::from_chain`]).
//!
//! Consent sits above both re-encryption ([`crate::pre`]) and the proof chain
//! ([`crate::chain`]): it names a re-key, gates the proxy and is revoked through the chain,
//! and neither of them imports it (the crate docs, "Architecture").
//!
//! Every signed byte string starts with its own `CIPHERCHART-V01-CONSENT-…` tag, so a
//! patient's key can sign consent and chain entries without any message of one being a
//! message of the other. `docs/consent.md` gives the design and its reasons and the
//! mapping to HL7 FHIR `Consent`; `docs/formats.md` ("Consent token") every byte.
//!
//! ```
//! use cipherchart::{ConsentToken, Grant, Grantee, Narrowing, RevocationSet, Window};
//! use cipherchart::{BlsSigningKey, ConsentError, Error, Policy};
//! let mut rng = rand_core::OsRng;
//! let patient = BlsSigningKey::generate(&mut rng);
//! let hospital = BlsSigningKey::generate(&mut rng);
//! let resident = BlsSigningKey::generate(&mut rng);
//! let now = 1_767_225_600;
//!
//! // The patient grants h2 cardiology for treatment, for 90 days, held by h2's key.
//! let grant = Grant::new(
//!     "patient-42",
//!     Grantee::Policy(Policy::parse("hospital:h2 and dept:cardiology")?),
//!     Window::new(now, now + 90 * 86_400)?,
//! )
//! .categories(["cardiology"])
//! .purposes(["treatment", "research"])
//! .holder(hospital.public_key());
//! let token = ConsentToken::issue(&patient, &grant, &mut rng)?;
//!
//! // h2 narrows it to treatment for one week and hands it to a resident.
//! let narrow = Narrowing::new()
//!     .purposes(["treatment"])
//!     .window(Window::new(now, now + 7 * 86_400)?)
//!     .holder(resident.public_key());
//! let token = token.attenuate(&hospital, &narrow)?.present(&resident)?;
//! let text = token.to_text(); // a QR code
//!
//! let token = ConsentToken::from_text(&text)?;
//! let consent = token.verify(&patient.public_key(), now + 3600, &RevocationSet::new())?;
//! assert!(consent.permits(b"ecg-1", "cardiology", "treatment"));
//! assert!(!consent.permits(b"ecg-1", "cardiology", "research"));
//!
//! // The patient revokes the grant: every token made from it is refused.
//! let mut revoked = RevocationSet::new();
//! revoked.insert(token.revocation_ids()[0]);
//! let refused = token.verify(&patient.public_key(), now + 3600, &revoked);
//! assert_eq!(refused.unwrap_err(), Error::Consent(ConsentError::Revoked));
//! # Ok::<(), cipherchart::Error>(())
//! ```

mod block;
mod grant;
mod proxy;
mod revocation;
mod select;
mod token;
mod verify;

#[cfg(test)]
mod tests;

pub use grant::{Grant, Grantee, Narrowing, Scope, Window};
pub use proxy::{
    check_rekey, reencrypt_batch_with_consent, reencrypt_batch_with_consent_under,
    reencrypt_with_consent, reencrypt_with_consent_under, rekey_digest,
};
pub use revocation::{RevocationId, RevocationSet};
pub use select::Selection;
pub use token::ConsentToken;
pub(crate) use verify::verify;
pub use verify::VerifiedConsent;

/// The consent format version this library writes and the only one it reads (the
/// byte after the object header; also in every signed message).
pub(crate) const CONSENT_VERSION: u8 = 1;

/// The most blocks in one token (the authority block and 15 attenuations).
pub const MAX_BLOCKS: usize = 16;

/// The longest token encoding, in bytes (a DoS bound; typical tokens are a few hundred
/// bytes).
pub const MAX_TOKEN_LEN: usize = 1 << 20;

/// The most values in one list (record ids, categories or purposes).
pub const MAX_LIST_LEN: usize = 256;

/// The longest category or purpose label, in bytes.
pub const MAX_LABEL_LEN: usize = 255;

/// The longest subject (patient id), in bytes.
pub const MAX_SUBJECT_LEN: usize = 1024;

/// Length of the authority block's random nonce.
pub(crate) const NONCE_LEN: usize = 16;

mod chain_verify;
