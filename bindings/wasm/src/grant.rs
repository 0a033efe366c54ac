//! Consent grants and attenuation: `Grant` (what an issuer grants, to a policy or a key, with
//! an optional holder), `Narrowing` (what a holder narrows), and the `ConsentToken` methods
//! that sign them. Full build only: they need secret keys and randomness.

use wasm_bindgen::prelude::*;

use crate::consent::ConsentToken;
use crate::errors::to_js_err;
use crate::policy::Policy;
use crate::pre::ReKey;
use crate::rng::rng;
use crate::scope::{window, Scope, Selection};
use crate::sig::{BlsPublicKey, BlsSigningKey};
use cipherchart::Grantee;

/// What a consent token grants: a subject (the patient's id) grants a grantee (everyone
/// satisfying a policy, or one key) access in a time window, for purposes, limited to
/// categories and records when given, optionally through a named holder. A builder: each
/// method returns a new `Grant` and leaves the one it is called on unchanged (and usable).
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct Grant(cipherchart::Grant);

#[wasm_bindgen]
impl Grant {
    /// Grants everyone satisfying `grantee` access from `notBefore` to `expiry` (Unix seconds).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad window or time.
    #[wasm_bindgen(constructor)]
    pub fn new(
        subject: String,
        grantee: &Policy,
        #[wasm_bindgen(js_name = notBefore)] not_before: f64,
        expiry: f64,
    ) -> Result<Grant, JsValue> {
        let window = window(not_before, expiry)?;
        Ok(Self(cipherchart::Grant::new(
            subject,
            Grantee::Policy(grantee.as_ref().clone()),
            window,
        )))
    }

    /// Grants one key (e.g. a named clinician's) access, as `new Grant` does a policy.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad window or time.
    #[wasm_bindgen(js_name = forKey)]
    pub fn for_key(
        subject: String,
        grantee: &BlsPublicKey,
        #[wasm_bindgen(js_name = notBefore)] not_before: f64,
        expiry: f64,
    ) -> Result<Grant, JsValue> {
        let window = window(not_before, expiry)?;
        Ok(Self(cipherchart::Grant::new(
            subject,
            Grantee::Key(grantee.0),
            window,
        )))
    }

    /// Limits the grant to these purposes (required before issuing).
    pub fn purposes(&self, purposes: Vec<String>) -> Grant {
        Self(self.0.clone().purposes(purposes))
    }

    /// Limits the grant to these categories (every category otherwise).
    pub fn categories(&self, categories: Vec<String>) -> Grant {
        Self(self.0.clone().categories(categories))
    }

    /// Limits the grant to these record ids (every record otherwise).
    pub fn records(&self, records: Vec<String>) -> Grant {
        Self(self.0.clone().records(records))
    }

    /// Sets the whole scope at once (replaces `records` and `categories`).
    pub fn scope(&self, scope: &Scope) -> Grant {
        Self(self.0.clone().scope(scope.0.clone()))
    }

    /// Names the holder: only that key may attenuate the token, and it must `present` it.
    pub fn holder(&self, holder: &BlsPublicKey) -> Grant {
        Self(self.0.clone().holder(holder.0))
    }

    /// Binds the grant to one re-encryption key (by digest): `ReKey.reencryptWithConsent`
    /// then accepts that key only. Needed for any consent-checked re-encryption (a consent
    /// that names no re-key authorises none), and the token must be issued by the re-key's
    /// `delegator`.
    pub fn rekey(&self, rekey: &ReKey) -> Grant {
        Self(self.0.clone().rekey(&rekey.0))
    }

    /// As `rekey`, from the re-key's 32-byte digest (`rekeyDigest(rekey)`): what a patient who
    /// does not hold the re-key itself (a proxy sent its digest) binds the grant to.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a digest that is not 32 bytes.
    #[wasm_bindgen(js_name = rekeyDigest)]
    pub fn rekey_digest(&self, digest: &[u8]) -> Result<Grant, JsValue> {
        let digest = <[u8; 32]>::try_from(digest).map_err(|_| {
            to_js_err(cipherchart::Error::InvalidArgument(
                "a re-key digest is 32 bytes",
            ))
        })?;
        Ok(Self(self.0.clone().rekey_digest(digest)))
    }
}

/// What a holder narrows when attenuating a token: each dimension given replaces the current
/// one and must not widen it. A builder, as `Grant` (the original is left unchanged). The next
/// holder is never inherited: a narrowing that names none closes the token.
#[wasm_bindgen]
#[derive(Clone, Debug, Default)]
pub struct Narrowing(cipherchart::Narrowing);

#[wasm_bindgen]
impl Narrowing {
    /// Changes nothing and names no next holder.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Narrowing {
        Self::default()
    }

    /// Narrows the record ids to these.
    pub fn records(&self, records: Vec<String>) -> Narrowing {
        Self(self.0.clone().records(records))
    }

    /// Narrows the categories to these.
    pub fn categories(&self, categories: Vec<String>) -> Narrowing {
        Self(self.0.clone().categories(categories))
    }

    /// Narrows the record ids to a `Selection` (`Selection.any()` is accepted only where
    /// the record ids already are `any`: anything else would widen them).
    #[wasm_bindgen(js_name = recordSelection)]
    pub fn record_selection(&self, selection: &Selection) -> Narrowing {
        Self(self.0.clone().record_selection(selection.0.clone()))
    }

    /// Narrows the categories to a `Selection`.
    #[wasm_bindgen(js_name = categorySelection)]
    pub fn category_selection(&self, selection: &Selection) -> Narrowing {
        Self(self.0.clone().category_selection(selection.0.clone()))
    }

    /// Narrows the purposes to these.
    pub fn purposes(&self, purposes: Vec<String>) -> Narrowing {
        Self(self.0.clone().purposes(purposes))
    }

    /// Narrows the time window (Unix seconds).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a bad window or time.
    pub fn window(
        &self,
        #[wasm_bindgen(js_name = notBefore)] not_before: f64,
        expiry: f64,
    ) -> Result<Narrowing, JsValue> {
        let window = window(not_before, expiry)?;
        Ok(Self(self.0.clone().window(window)))
    }

    /// Names the next holder (who may attenuate further and must present the token).
    pub fn holder(&self, holder: &BlsPublicKey) -> Narrowing {
        Self(self.0.clone().holder(holder.0))
    }
}

#[wasm_bindgen]
impl ConsentToken {
    /// Issues a token for a `Grant` (to a policy or a key, with an optional holder).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for an empty subject or purposes, or a token too large.
    #[wasm_bindgen(js_name = issueGrant)]
    pub fn issue_grant(issuer: &BlsSigningKey, grant: &Grant) -> Result<ConsentToken, JsValue> {
        cipherchart::ConsentToken::issue(&issuer.0, &grant.0, &mut rng())
            .map(ConsentToken)
            .map_err(to_js_err)
    }

    /// Appends an attenuation block signed by `holder`, the holder the last block names. The
    /// result carries no proof: its own holder (if it names one) `present`s it.
    ///
    /// # Errors
    /// Throws `ConsentError` (`holder` is not the named holder, the narrowing widens
    /// something), or `InvalidArgument` (too many blocks, bad values).
    pub fn attenuate(
        &self,
        holder: &BlsSigningKey,
        narrowing: &Narrowing,
    ) -> Result<ConsentToken, JsValue> {
        self.0
            .attenuate(&holder.0, &narrowing.0)
            .map(ConsentToken)
            .map_err(to_js_err)
    }

    /// Adds (or replaces) the holder's proof: the holder the last block names signs it. A
    /// verifier requires it whenever the last block names a holder.
    ///
    /// # Errors
    /// Throws `ConsentError` if `holder` is not the holder the last block names.
    pub fn present(&self, holder: &BlsSigningKey) -> Result<ConsentToken, JsValue> {
        self.0
            .present(&holder.0)
            .map(ConsentToken)
            .map_err(to_js_err)
    }
}
