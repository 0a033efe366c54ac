//! `ReKey`: attribute-based proxy re-encryption keys.

use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::consent::VerifiedConsent;
use crate::errors::to_js_err;
use crate::policy::Policy;
use crate::record::SealedRecord;

/// A re-encryption key (from `UserKey.rekey`): lets a proxy turn records its source attributes
/// can open into records under the target policy, without seeing the payload.
///
/// Secret-holding: call `free()` (or `Symbol.dispose`) when done to wipe it at once.
#[wasm_bindgen]
#[derive(Debug)]
pub struct ReKey(pub(crate) cipherchart::ReKey);

#[wasm_bindgen]
impl ReKey {
    /// The grant's random identifier.
    #[wasm_bindgen(getter, js_name = grantId)]
    pub fn grant_id(&self) -> Vec<u8> {
        self.0.grant_id().to_vec()
    }

    /// The source attributes the re-key holds.
    #[wasm_bindgen(getter)]
    pub fn attributes(&self) -> Vec<String> {
        self.0
            .attributes()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect()
    }

    /// The policy re-encrypted records end up under.
    #[wasm_bindgen(getter, js_name = targetPolicy)]
    pub fn target_policy(&self) -> Policy {
        self.0.target_policy().clone().into()
    }

    /// Whether this re-key can re-encrypt the record (its attributes satisfy the record's
    /// current policy).
    #[wasm_bindgen(js_name = canReencrypt)]
    pub fn can_reencrypt(&self, record: &SealedRecord) -> bool {
        self.0.can_reencrypt(&record.0)
    }

    /// Re-encrypts a record to the target policy (adds one hop; the input is unchanged).
    ///
    /// # Errors
    /// Throws `PolicyNotSatisfied` if the re-key's attributes do not satisfy the record's
    /// current policy, `InvalidArgument` at the hop limit (8) or if the record was already
    /// re-encrypted under this grant, `DecryptionFailed` for a tampered record.
    pub fn reencrypt(&self, record: &SealedRecord) -> Result<SealedRecord, JsValue> {
        self.0
            .reencrypt(&record.0)
            .map(SealedRecord)
            .map_err(to_js_err)
    }

    /// Re-encrypts a record only if a verified consent permits it: the re-key is one the
    /// consent authorises (its target policy is the consent's grantee policy, or its digest
    /// the one the token names) and the consent covers the record's id, `category` and
    /// `purpose`.
    ///
    /// # Errors
    /// Throws `ConsentError` (re-key mismatch, not permitted), then as `reencrypt`.
    #[wasm_bindgen(js_name = reencryptWithConsent)]
    pub fn reencrypt_with_consent(
        &self,
        consent: &VerifiedConsent,
        record: &SealedRecord,
        category: &str,
        purpose: &str,
    ) -> Result<SealedRecord, JsValue> {
        cipherchart::consent::reencrypt_with_consent(
            &consent.0, &self.0, &record.0, category, purpose,
        )
        .map(SealedRecord)
        .map_err(to_js_err)
    }

    /// Re-encrypts many records, given as encodings (`SealedRecord.toBytes()`): one result per
    /// input, a `SealedRecord` or the error for that record (a `CipherchartError`; a record
    /// that does not decode gives `InvalidEncoding`). Takes bytes, not objects, because
    /// wasm-bindgen would consume (free) `SealedRecord` objects passed in an array.
    #[wasm_bindgen(
        js_name = reencryptBatch,
        unchecked_return_type = "Array<SealedRecord | Error>"
    )]
    pub fn reencrypt_batch(&self, records: Vec<js_sys::Uint8Array>) -> Array {
        let mut decoded = Vec::with_capacity(records.len());
        let mut slots: Vec<Result<usize, JsValue>> = Vec::with_capacity(records.len());
        for r in &records {
            match cipherchart::SealedRecord::from_bytes(&r.to_vec()) {
                Ok(rec) => {
                    slots.push(Ok(decoded.len()));
                    decoded.push(rec);
                }
                Err(e) => slots.push(Err(to_js_err(e))),
            }
        }
        let mut results: Vec<Option<cipherchart::Result<cipherchart::SealedRecord>>> = self
            .0
            .reencrypt_batch(&decoded)
            .into_iter()
            .map(Some)
            .collect();
        slots
            .into_iter()
            .map(|slot| match slot {
                Ok(i) => match results.get_mut(i).and_then(Option::take) {
                    Some(Ok(rec)) => JsValue::from(SealedRecord(rec)),
                    Some(Err(e)) => to_js_err(e),
                    None => to_js_err(cipherchart::Error::DecryptionFailed),
                },
                Err(e) => e,
            })
            .collect()
    }

    /// DANGER: the re-key's secret material as bytes. Store them only in a secret store.
    #[wasm_bindgen(js_name = toBytesDangerous)]
    pub fn to_bytes_dangerous(&self) -> Vec<u8> {
        self.0.to_bytes().to_vec()
    }

    /// Decodes `toBytesDangerous()` output.
    ///
    /// # Errors
    /// Throws `InvalidEncoding`.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> Result<ReKey, JsValue> {
        cipherchart::ReKey::from_bytes(bytes)
            .map(Self)
            .map_err(to_js_err)
    }
}
