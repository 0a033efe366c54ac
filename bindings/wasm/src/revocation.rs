//! `RevocationSet`: the revocations a verifier knows, for `ConsentToken.verify`. A
//! ledger keeps one up to date from the chain entries it sees (`insertEntry`), so that a
//! revoke entry counts only when signed by the token's issuer or a holder upstream of the
//! revoked block, as `Chain.verifyConsent` does. In both builds (`fromChain` in the
//! full build, where `Chain` is).

use wasm_bindgen::prelude::*;

#[cfg(feature = "full")]
use crate::chain::Chain;
use crate::chain::Entry;
use crate::errors::to_js_err;
use cipherchart::RevocationId;

/// The revocations a verifier knows: ids it revokes outright (`insert`) and revoke entries
/// read from a proof chain (`insertEntry`, `fromChain`), remembered with their signer.
#[wasm_bindgen]
#[derive(Clone, Debug, Default)]
pub struct RevocationSet(pub(crate) cipherchart::RevocationSet);

#[wasm_bindgen]
impl RevocationSet {
    /// Internal: a copy of this set for `ConsentToken.verify`, which takes ownership of the
    /// copy (wasm-bindgen frees what it converts) and leaves the caller's set alive. Not part of
    /// the typed API.
    #[wasm_bindgen(js_name = "__copyForVerify", skip_typescript)]
    pub fn copy_for_verify(&self) -> RevocationSet {
        self.clone()
    }

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
    pub fn insert_entry(&mut self, entry: &Entry) -> Result<bool, JsValue> {
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
    pub fn from_chain(chain: &Chain) -> Result<RevocationSet, JsValue> {
        cipherchart::RevocationSet::from_chain(&chain.0)
            .map(Self)
            .map_err(to_js_err)
    }
}

/// The set an optional `revoked` argument names: empty if absent, else a copy of the
/// `RevocationSet` it is (`Option<&RevocationSet>` cannot cross the boundary).
///
/// # Errors
/// `InvalidArgument` for anything but a `RevocationSet` of this build, `undefined` or `null`.
pub(crate) fn revocations_of(
    value: Option<JsValue>,
) -> Result<cipherchart::RevocationSet, JsValue> {
    use wasm_bindgen::convert::TryFromJsValue;
    use wasm_bindgen::JsCast;
    let Some(value) = value.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(cipherchart::RevocationSet::new());
    };
    let copy = js_sys::Reflect::get(&value, &JsValue::from_str("__copyForVerify"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(&value).ok());
    match copy.map(RevocationSet::try_from_js_value) {
        Some(Ok(set)) => Ok(set.0),
        _ => Err(to_js_err(cipherchart::Error::InvalidArgument(
            "expected a RevocationSet of this build (or a freed set)",
        ))),
    }
}
