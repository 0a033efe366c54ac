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
    /// consent authorises (see `checkRekey`) and the consent covers the record's id,
    /// `category` and `purpose`.
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
        let batch = Batch::decode(&records);
        let done = self.0.reencrypt_batch(&batch.decoded);
        batch.results(done)
    }

    /// As `reencryptBatch`, only where a verified consent permits it, as
    /// `reencryptWithConsent` checks one record: the re-key is checked once against the
    /// consent, then each record (with its category, `categories[i]`, and the one `purpose`);
    /// a record the consent does not cover gets a `ConsentError` in its slot.
    ///
    /// # Errors
    /// Throws `ConsentError` for a re-key the consent does not authorise (the whole batch),
    /// `InvalidArgument` if `categories` is not as long as `records`.
    #[wasm_bindgen(
        js_name = reencryptBatchWithConsent,
        unchecked_return_type = "Array<SealedRecord | Error>"
    )]
    pub fn reencrypt_batch_with_consent(
        &self,
        consent: &VerifiedConsent,
        records: Vec<js_sys::Uint8Array>,
        categories: Vec<String>,
        purpose: &str,
    ) -> Result<Array, JsValue> {
        if categories.len() != records.len() {
            return Err(to_js_err(cipherchart::Error::InvalidArgument(
                "one category per record",
            )));
        }
        let batch = Batch::decode(&records);
        let pairs: Vec<(&cipherchart::SealedRecord, &str)> = batch
            .decoded
            .iter()
            .zip(&batch.positions)
            .map(|(r, &i)| (r, categories[i].as_str()))
            .collect();
        let done = cipherchart::consent::reencrypt_batch_with_consent(
            &consent.0, &self.0, &pairs, purpose,
        )
        .map_err(to_js_err)?;
        Ok(batch.results(done))
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

/// The 32-byte digest of a whole re-key (a domain-separated SHA-256 of its encoding), the value
/// `Grant.rekey` binds a consent to, so that a proxy cannot swap in another re-key.
#[wasm_bindgen(js_name = rekeyDigest)]
pub fn rekey_digest(rekey: &ReKey) -> Vec<u8> {
    cipherchart::consent::rekey_digest(&rekey.0).to_vec()
}

/// Checks that a verified consent authorises this re-key, as `reencryptWithConsent` does before
/// touching a record: its digest is the one the token names (if it names one) **and** its target
/// policy is the grantee policy (if the grantee is a policy). A consent to a key that names no
/// re-key digest authorises no re-key at all.
///
/// # Errors
/// Throws `ConsentError`.
#[wasm_bindgen(js_name = checkRekey)]
pub fn check_rekey(consent: &VerifiedConsent, rekey: &ReKey) -> Result<(), JsValue> {
    cipherchart::consent::check_rekey(&consent.0, &rekey.0).map_err(to_js_err)
}

/// A batch of records given as encodings: those that decode, in order, and each one's
/// position among the inputs; the rest keep their decoding error for their slot.
struct Batch {
    decoded: Vec<cipherchart::SealedRecord>,
    positions: Vec<usize>,
    slots: Vec<Option<JsValue>>,
}

impl Batch {
    fn decode(records: &[js_sys::Uint8Array]) -> Self {
        let mut batch = Self {
            decoded: Vec::with_capacity(records.len()),
            positions: Vec::with_capacity(records.len()),
            slots: Vec::with_capacity(records.len()),
        };
        for (i, r) in records.iter().enumerate() {
            match cipherchart::SealedRecord::from_bytes(&r.to_vec()) {
                Ok(rec) => {
                    batch.decoded.push(rec);
                    batch.positions.push(i);
                    batch.slots.push(None);
                }
                Err(e) => batch.slots.push(Some(to_js_err(e))),
            }
        }
        batch
    }

    /// One value per input: the decoding error, or the next of `done` (one result per decoded
    /// record, in order).
    fn results(self, done: Vec<cipherchart::Result<cipherchart::SealedRecord>>) -> Array {
        let mut done = done.into_iter();
        self.slots
            .into_iter()
            .map(|slot| match slot {
                Some(err) => err,
                None => match done.next() {
                    Some(Ok(rec)) => JsValue::from(SealedRecord(rec)),
                    Some(Err(e)) => to_js_err(e),
                    None => to_js_err(cipherchart::Error::DecryptionFailed),
                },
            })
            .collect()
    }
}
