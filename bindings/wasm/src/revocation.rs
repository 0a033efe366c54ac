//! `RevocationSet`: the revocations a verifier knows, for `ConsentToken.verifyWith`. A
//! ledger keeps one up to date from the chain entries it sees (`insertEntry`), so that a
//! revoke entry counts only when signed by the token's issuer or a holder upstream of the
//! revoked block, as `MemoryChain.verifyConsent` does. In both builds (`fromChain` in the
//! full build, where `MemoryChain` is).

use wasm_bindgen::prelude::*;

use crate::chain::ChainEntry;
#[cfg(feature = "full")]
use crate::chain::MemoryChain;
use crate::consent::{ConsentToken, VerifiedConsent};
use crate::errors::to_js_err;
use crate::num::seconds;
use crate::sig::BlsPublicKey;
use cipherchart::consent::{self, RevocationId};

/// The revocations a verifier knows: ids it revokes outright (`insert`) and revoke entries
/// read from a proof chain (`insertEntry`, `fromChain`), remembered with their signer.
#[wasm_bindgen]
#[derive(Clone, Debug, Default)]
pub struct RevocationSet(consent::RevocationSet);

#[wasm_bindgen]
impl RevocationSet {
    /// An empty set.
    #[wasm_bindgen(constructor)]
    pub fn new() -> RevocationSet {
        Self::default()
    }

    /// Revokes the 32-byte revocation id outright (whoever signed it). Returns whether it was
    /// new.
    ///
    /// # Errors
    /// Throws `InvalidEncoding` for an id that is not 32 bytes.
    pub fn insert(&mut self, id: &[u8]) -> Result<bool, JsValue> {
        RevocationId::from_bytes(id)
            .map(|id| self.0.insert(id))
            .map_err(to_js_err)
    }

    /// Records a chain entry if it is a revocation (action `revoke`, a 32-byte subject, a
    /// valid actor signature), with its signer. Returns whether it was one.
    ///
    /// # Errors
    /// Throws `VerificationFailed` for a revoke entry whose signature does not verify.
    #[wasm_bindgen(js_name = insertEntry)]
    pub fn insert_entry(&mut self, entry: &ChainEntry) -> Result<bool, JsValue> {
        self.0.insert_entry(&entry.0).map_err(to_js_err)
    }

    /// Whether the set holds the id, revoked outright or named by any logged revoke entry. Not
    /// the same as "`verifyWith` refuses the token": a logged revocation counts only when its
    /// signer is the token's issuer or a holder upstream of the block (a stranger's entry is
    /// held here, and ignored there).
    ///
    /// # Errors
    /// Throws `InvalidEncoding` for an id that is not 32 bytes.
    pub fn has(&self, id: &[u8]) -> Result<bool, JsValue> {
        RevocationId::from_bytes(id)
            .map(|id| self.0.contains(&id))
            .map_err(to_js_err)
    }

    /// The number of distinct revoked ids.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.0.len() as f64
    }
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl RevocationSet {
    /// The revocations logged in a chain (every revoke entry's signature is checked).
    ///
    /// # Errors
    /// Throws `VerificationFailed` for a revoke entry with a bad signature.
    #[wasm_bindgen(js_name = fromChain)]
    pub fn from_chain(chain: &MemoryChain) -> Result<RevocationSet, JsValue> {
        consent::RevocationSet::from_chain(&chain.0)
            .map(Self)
            .map_err(to_js_err)
    }
}

#[wasm_bindgen]
impl ConsentToken {
    /// As `verify`, with the revocations of a `RevocationSet`: a logged revocation counts only
    /// if signed by the token's issuer or a holder upstream of the revoked block.
    ///
    /// # Errors
    /// As `verify`.
    #[wasm_bindgen(js_name = verifyWith)]
    pub fn verify_with(
        &self,
        issuer: &BlsPublicKey,
        now: f64,
        revocations: &RevocationSet,
    ) -> Result<VerifiedConsent, JsValue> {
        self.0
            .verify(&issuer.0, seconds(now)?, &revocations.0)
            .map(VerifiedConsent)
            .map_err(to_js_err)
    }
}
