//! Verifying a consent token against the revocations logged in a proof chain:
//! [`Chain::verify_consent`].

use super::{ConsentToken, RevocationSet, VerifiedConsent};
use crate::chain::{Chain, Store};
use crate::error::Result;
use crate::sig::BlsPublicKey;

impl<S: Store> Chain<S> {
    /// Verifies `token` as [`ConsentToken::verify`] does, with the revocations logged in this
    /// chain ([`RevocationSet::from_chain`]: its `revoke` entries, each counting only if signed
    /// by the token's issuer or a holder upstream of the revoked block).
    ///
    /// ```
    /// use cipherchart::{BlsSigningKey, Chain, ConsentToken, Grant, Grantee, MemoryStore};
    /// use cipherchart::Window;
    /// let mut rng = rand_core::OsRng;
    /// let patient = BlsSigningKey::generate(&mut rng);
    /// let doctor = BlsSigningKey::generate(&mut rng);
    /// let grant = Grant::new("patient-42", Grantee::Key(doctor.public_key()), Window::new(0, 100)?)
    ///     .purposes(["treatment"]);
    /// let token = ConsentToken::issue(&patient, &grant, &mut rng)?;
    /// let mut chain = Chain::open(MemoryStore::new())?;
    /// assert!(chain.verify_consent(&token, &patient.public_key(), 50).is_ok());
    /// chain.sign_and_append(token.revoke_entry(60), &patient)?;
    /// assert!(chain.verify_consent(&token, &patient.public_key(), 50).is_err());
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`RevocationSet::from_chain`], then as [`ConsentToken::verify`].
    pub fn verify_consent(
        &self,
        token: &ConsentToken,
        issuer: &BlsPublicKey,
        now: u64,
    ) -> Result<VerifiedConsent> {
        token.verify(issuer, now, &RevocationSet::from_chain(self)?)
    }
}
