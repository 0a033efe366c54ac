//! Consent tokens: issue, encode, verify, and ask what a verified consent permits.

use wasm_bindgen::prelude::*;

use crate::errors::to_js_err;
use crate::num::seconds;
use crate::policy::Policy;
use crate::revocation::revocations_of;
#[cfg(feature = "full")]
use crate::rng::rng;
use crate::scope::{Scope, Window};
use crate::sig::BlsPublicKey;
#[cfg(feature = "full")]
use crate::sig::BlsSigningKey;
#[cfg(feature = "full")]
use cipherchart::Grant;
use cipherchart::{Grantee, RevocationId};

fn revocation_id_bytes(ids: &[RevocationId]) -> Vec<js_sys::Uint8Array> {
    ids.iter()
        .map(|id| js_sys::Uint8Array::from(&id.to_bytes()[..]))
        .collect()
}

/// A patient's consent token (a chain of BLS-signed blocks). Public: it carries no secret, but
/// a bearer token (no holder) lets whoever has it act on it; keep it confidential.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct ConsentToken(pub(crate) cipherchart::ConsentToken);

/// Issuing and attenuating (secret keys, randomness): not in the verify-only build.
#[cfg(feature = "full")]
#[wasm_bindgen]
impl ConsentToken {
    /// Issues a bearer consent: `subject` (the patient's id) grants everyone satisfying
    /// `grantee` access for `purposes`, from `notBefore` to `expiry` (Unix seconds), limited to
    /// `categories` and `records` when given (every one otherwise).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for an empty subject or purposes, a bad window or value.
    #[allow(clippy::too_many_arguments)]
    pub fn issue(
        issuer: &BlsSigningKey,
        subject: String,
        grantee: &Policy,
        #[wasm_bindgen(js_name = notBefore)] not_before: f64,
        expiry: f64,
        purposes: Vec<String>,
        categories: Option<Vec<String>>,
        records: Option<Vec<String>>,
    ) -> Result<ConsentToken, JsValue> {
        let window = crate::scope::window(not_before, expiry)?;
        let mut grant = Grant::new(subject, Grantee::Policy(grantee.as_ref().clone()), window)
            .purposes(purposes);
        if let Some(c) = categories {
            grant = grant.categories(c);
        }
        if let Some(r) = records {
            grant = grant.records(r);
        }
        cipherchart::ConsentToken::issue(&issuer.0, &grant, &mut rng())
            .map(Self)
            .map_err(to_js_err)
    }
}

#[wasm_bindgen]
impl ConsentToken {
    /// Decodes the text form (`toText()`).
    ///
    /// # Errors
    /// Throws `InvalidEncoding`.
    #[wasm_bindgen(js_name = fromText)]
    pub fn from_text(text: &str) -> Result<ConsentToken, JsValue> {
        cipherchart::ConsentToken::from_text(text)
            .map(Self)
            .map_err(to_js_err)
    }

    /// The text form (URL-safe, for headers and QR codes).
    #[wasm_bindgen(js_name = toText)]
    pub fn to_text(&self) -> String {
        self.0.to_text()
    }

    /// Verifies every signature, the chain of blocks, the time window at `now` (Unix seconds)
    /// and revocation, against the expected issuer, with the revocations of `revoked` if given
    /// (a `RevocationSet`: ids revoked outright, and revoke entries logged in a chain, which
    /// count only when signed by the issuer or an upstream holder). `Chain.verifyConsent`
    /// verifies against the revocations logged in a chain.
    ///
    /// # Errors
    /// Throws `ConsentError` (expired, not yet valid, revoked, wrong issuer, widened, …) or
    /// `VerificationFailed` for a bad signature.
    pub fn verify(
        &self,
        issuer: &BlsPublicKey,
        now: f64,
        #[wasm_bindgen(unchecked_optional_param_type = "RevocationSet | null")] revoked: Option<
            JsValue,
        >,
    ) -> Result<VerifiedConsent, JsValue> {
        let set = revocations_of(revoked)?;
        self.0
            .verify(&issuer.0, seconds(now)?, &set)
            .map(VerifiedConsent)
            .map_err(to_js_err)
    }

    /// The key that signed the first block (unverified until `verify`).
    #[wasm_bindgen(getter)]
    pub fn issuer(&self) -> Option<BlsPublicKey> {
        self.0.issuer().map(BlsPublicKey)
    }

    /// The key named as the current holder, if any (unverified until `verify`).
    #[wasm_bindgen(getter)]
    pub fn holder(&self) -> Option<BlsPublicKey> {
        self.0.holder().map(BlsPublicKey)
    }

    /// Whether the holder's proof is attached.
    #[wasm_bindgen(getter, js_name = isPresented)]
    pub fn is_presented(&self) -> bool {
        self.0.is_presented()
    }

    /// The number of blocks (1 for a token as issued).
    #[wasm_bindgen(getter, js_name = blockCount)]
    pub fn block_count(&self) -> u32 {
        u32::try_from(self.0.block_count()).unwrap_or(u32::MAX)
    }

    /// The 32-byte revocation id of each block (revoking any one revokes the token from there).
    #[wasm_bindgen(js_name = revocationIds)]
    pub fn revocation_ids(&self) -> Vec<js_sys::Uint8Array> {
        revocation_id_bytes(&self.0.revocation_ids())
    }

    /// The key that signed each block (the issuer, then the holder each block names), the keys
    /// to ask a revocation registry about block by block; unverified until `verify`.
    ///
    /// # Errors
    ///
    /// InvalidArgument if a block names no next signer (a token `verify` refuses).
    #[wasm_bindgen(js_name = blockSigners)]
    pub fn block_signers(&self) -> Result<Vec<BlsPublicKey>, JsValue> {
        self.0
            .block_signers()
            .map(|keys| keys.into_iter().map(BlsPublicKey).collect())
            .ok_or_else(|| {
                to_js_err(cipherchart::Error::InvalidArgument(
                    "a block of this token names no next signer",
                ))
            })
    }
}

/// A consent that verified: what it permits.
#[wasm_bindgen]
#[derive(Debug)]
pub struct VerifiedConsent(pub(crate) cipherchart::VerifiedConsent);

#[wasm_bindgen]
impl VerifiedConsent {
    /// Whether the consent covers this record id, category and purpose.
    pub fn permits(
        &self,
        #[wasm_bindgen(js_name = recordId)] record_id: &[u8],
        category: &str,
        purpose: &str,
    ) -> bool {
        self.0.permits(record_id, category, purpose)
    }

    /// As `permits`, but throws.
    ///
    /// # Errors
    /// Throws `ConsentError` (not permitted).
    #[wasm_bindgen(js_name = checkPermits)]
    pub fn check_permits(
        &self,
        #[wasm_bindgen(js_name = recordId)] record_id: &[u8],
        category: &str,
        purpose: &str,
    ) -> Result<(), JsValue> {
        self.0
            .check_permits(record_id, category, purpose)
            .map_err(to_js_err)
    }

    /// The patient's id.
    #[wasm_bindgen(getter)]
    pub fn subject(&self) -> String {
        self.0.subject().to_owned()
    }

    /// The permitted purposes.
    #[wasm_bindgen(getter)]
    pub fn purposes(&self) -> Vec<String> {
        self.0.purposes().iter().cloned().collect()
    }

    /// The grantee policy, or `undefined` if the grantee is a key.
    #[wasm_bindgen(getter, js_name = granteePolicy)]
    pub fn grantee_policy(&self) -> Option<Policy> {
        match self.0.grantee() {
            Grantee::Policy(p) => Some(p.clone().into()),
            Grantee::Key(_) => None,
        }
    }

    /// Start of the effective window (Unix seconds).
    #[wasm_bindgen(getter, js_name = notBefore)]
    pub fn not_before(&self) -> f64 {
        self.0.window().not_before() as f64
    }

    /// End of the effective window (Unix seconds).
    #[wasm_bindgen(getter)]
    pub fn expiry(&self) -> f64 {
        self.0.window().expiry() as f64
    }

    /// The issuer the token was verified against.
    #[wasm_bindgen(getter)]
    pub fn issuer(&self) -> BlsPublicKey {
        BlsPublicKey(*self.0.issuer())
    }

    /// The 32-byte revocation ids of the token's blocks.
    #[wasm_bindgen(js_name = revocationIds)]
    pub fn revocation_ids(&self) -> Vec<js_sys::Uint8Array> {
        revocation_id_bytes(self.0.revocation_ids())
    }

    /// The grantee key, or `undefined` if the grantee is a policy.
    #[wasm_bindgen(getter, js_name = granteeKey)]
    pub fn grantee_key(&self) -> Option<BlsPublicKey> {
        match self.0.grantee() {
            Grantee::Key(k) => Some(BlsPublicKey(*k)),
            Grantee::Policy(_) => None,
        }
    }

    /// The holder the last block names (whose proof verified), if any.
    #[wasm_bindgen(getter)]
    pub fn holder(&self) -> Option<BlsPublicKey> {
        self.0.holder().map(|k| BlsPublicKey(*k))
    }

    /// The 32-byte digest of the re-encryption key the consent is bound to, if any.
    #[wasm_bindgen(getter, js_name = rekeyDigest)]
    pub fn rekey_digest(&self) -> Option<Vec<u8>> {
        self.0.rekey_digest().map(|d| d.to_vec())
    }

    /// The records the consent covers (ids and categories).
    #[wasm_bindgen(getter)]
    pub fn scope(&self) -> Scope {
        Scope(self.0.scope().clone())
    }

    /// The effective validity window (the narrowest of the token's blocks).
    #[wasm_bindgen(getter)]
    pub fn window(&self) -> Window {
        Window(self.0.window())
    }

    /// The time (Unix seconds) the consent was verified at: verify again rather than keep it.
    #[wasm_bindgen(getter, js_name = verifiedAt)]
    pub fn verified_at(&self) -> f64 {
        self.0.verified_at() as f64
    }
}
