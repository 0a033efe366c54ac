//! `DelegationKey` and `ReKey`: attribute-based proxy re-encryption keys.

use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::abe::PublicKey;
use crate::consent::VerifiedConsent;
use crate::errors::to_js_err;
use crate::policy::Policy;
use crate::record::SealedRecord;
use crate::rng::rng;
use crate::sig::BlsPublicKey;
use crate::version_notice::{name_versions, notice_of, VerifiedNotice};

/// A one-grant delegation key (from `Authority.issueDelegationKey`, or
/// `Authority.issueDelegationKeyUnder` for records sealed under notices): a key for the
/// attributes `S'` to delegate, issued with fresh randomness for one grant, naming the
/// delegator's BLS consent key. It opens nothing itself; `rekey`, `rekeyTo` or `rekeyUnder`
/// turns it into the re-encryption key for the grant and **consumes** it: any later use of
/// the object throws `InvalidArgument` (a refused call does not consume it).
///
/// Issue one per grant: re-keys made from one key would share its randomness and combine.
/// Secret-holding: call `free()` (or `Symbol.dispose`) when done to wipe it at once.
#[wasm_bindgen]
#[derive(Debug)]
pub struct DelegationKey(Option<cipherchart::DelegationKey>);

impl DelegationKey {
    pub(crate) fn new(key: cipherchart::DelegationKey) -> Self {
        Self(Some(key))
    }

    pub(crate) fn key(&self) -> Result<&cipherchart::DelegationKey, JsValue> {
        self.0.as_ref().ok_or_else(consumed)
    }
}

/// The error for a delegation key already made into a re-key.
fn consumed() -> JsValue {
    to_js_err(cipherchart::Error::InvalidArgument(
        "this DelegationKey was consumed by rekey: issue a new one per grant",
    ))
}

/// What the core's `rekey` and `rekey_to` refuse about the key itself, checked before taking
/// it (`DelegationKey::check_unversioned`), so a refusal does not use up the grant (FB-1).
fn unversioned(key: &cipherchart::DelegationKey) -> Result<(), JsValue> {
    key.check_unversioned().map_err(to_js_err)
}

/// A grant reference argument: the 48 bytes `authority ‖ grant_id` (`ReKey.grant`,
/// `SealedRecord.newestGrant`) or none.
///
/// # Errors
/// `InvalidEncoding` (`bad_length`) for another length, as the core's `GrantRef::from_bytes`.
fn grant_ref(value: Option<Vec<u8>>) -> Result<Option<cipherchart::GrantRef>, JsValue> {
    value
        .map(|b| cipherchart::GrantRef::from_bytes(&b))
        .transpose()
        .map_err(to_js_err)
}

#[wasm_bindgen]
impl DelegationKey {
    /// The attributes `S'` it delegates, canonical and sorted.
    ///
    /// # Errors
    /// Throws `InvalidArgument` once consumed by `rekey`.
    #[wasm_bindgen(getter)]
    pub fn attributes(&self) -> Result<Vec<String>, JsValue> {
        Ok(self
            .key()?
            .attributes()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect())
    }

    /// The delegator's BLS consent key: the only issuer whose consent tokens gate the re-key
    /// made from this key.
    ///
    /// # Errors
    /// Throws `InvalidArgument` once consumed by `rekey`.
    #[wasm_bindgen(getter)]
    pub fn delegator(&self) -> Result<BlsPublicKey, JsValue> {
        Ok(BlsPublicKey(*self.key()?.delegator()))
    }

    /// The 32-byte key id of the issuing authority (its `PublicKey.id`).
    ///
    /// # Errors
    /// Throws `InvalidArgument` once consumed by `rekey`.
    #[wasm_bindgen(getter)]
    pub fn authority(&self) -> Result<Vec<u8>, JsValue> {
        Ok(self.key()?.authority().to_vec())
    }

    /// The 32-byte key id (`docs/revocation-v3.md` §7.1): what a format v3 re-key made from
    /// this key names, and derives its grant id from (one delegation key, one grant).
    ///
    /// # Errors
    /// Throws `InvalidArgument` once consumed.
    #[wasm_bindgen(getter, js_name = keyId)]
    pub fn key_id(&self) -> Result<Vec<u8>, JsValue> {
        Ok(self.key()?.key_id().to_vec())
    }

    /// Whether `rekey`, `rekeyTo` or `rekeyUnder` already consumed this key.
    #[wasm_bindgen(getter, js_name = isConsumed)]
    pub fn is_consumed(&self) -> bool {
        self.0.is_none()
    }

    /// Makes the re-encryption key of the grant: what this key's attributes can open, delegated
    /// to the audience of `targetPolicy`. Consumes the delegation key (wiped at once): any later
    /// use of this object throws `InvalidArgument`. `targetPolicy` must not be satisfiable by
    /// the proxy that will hold the re-key.
    ///
    /// # Errors
    /// Throws `WrongAuthority` if `pk` is not the issuing authority's public key (the key is
    /// then **not** consumed), `InvalidAttribute` for a target policy naming the reserved
    /// `cipherchart:key-holder`, `InvalidArgument` if it was already consumed or, without
    /// consuming it, for a key at attribute versions (from `issueDelegationKeyUnder`: use
    /// `rekeyUnder`).
    pub fn rekey(
        &mut self,
        pk: &PublicKey,
        #[wasm_bindgen(js_name = targetPolicy)] target_policy: &Policy,
    ) -> Result<ReKey, JsValue> {
        // Checked before taking the key, in the core's order, so that a wrong public key, a
        // refused policy or a versioned key does not cost the grant (outside review FB-1).
        let own = self.key()?;
        if own.authority() != pk.0.id() {
            return Err(to_js_err(cipherchart::Error::WrongAuthority));
        }
        cipherchart::DelegationKey::check_target_policy(target_policy.as_ref())
            .map_err(to_js_err)?;
        unversioned(own)?;
        let key = self.0.take().ok_or_else(consumed)?;
        key.rekey(&pk.0, target_policy.as_ref(), &mut rng())
            .map(ReKey)
            .map_err(to_js_err)
    }

    /// Makes a **cross-authority** re-encryption key (federation, `docs/federation.md`): what
    /// this key's attributes can open at its own authority, delegated to the audience of
    /// `targetPolicy` under the authority whose public key is `target`; that authority's keys
    /// open the records it transforms (`UserKey.openFederated`). Consumes the delegation key.
    ///
    /// # Errors
    /// Throws `InvalidArgument` if it was already consumed, `InvalidAttribute` for a target
    /// policy naming the reserved `cipherchart:key-holder`, `InvalidArgument` for a key at
    /// attribute versions (from `issueDelegationKeyUnder`: use `rekeyUnder`); a refused call
    /// does not consume the key.
    #[wasm_bindgen(js_name = rekeyTo)]
    pub fn rekey_to(
        &mut self,
        target: &PublicKey,
        #[wasm_bindgen(js_name = targetPolicy)] target_policy: &Policy,
    ) -> Result<ReKey, JsValue> {
        let own = self.key()?;
        // A refused policy or a versioned key does not cost the grant (outside review FB-1).
        cipherchart::DelegationKey::check_target_policy(target_policy.as_ref())
            .map_err(to_js_err)?;
        unversioned(own)?;
        let key = self.0.take().ok_or_else(consumed)?;
        key.rekey_to(&target.0, target_policy.as_ref(), &mut rng())
            .map(ReKey)
            .map_err(to_js_err)
    }

    /// Makes the **format v3** re-encryption key of the grant (`docs/revocation-v3.md` §7),
    /// for records sealed under notices (`sealWithNotice`): what this key's attributes, at
    /// their versions, open at its own authority, delegated to the audience of `targetPolicy`
    /// under the authority whose public key is `target` (this key's own, or another's for a
    /// referral), sealed at the versions of `targetNotice`, that authority's current verified
    /// notice. `parent` is the grant (48 bytes, `SealedRecord.newestGrant`) whose audience this
    /// key's holder belongs to, when it forwards records it received through that grant: the
    /// re-key then transforms only records whose newest hop is of that grant; without a
    /// parent, only records without hops. The grant id is derived from `keyId`. Consumes the
    /// delegation key. A proxy checks the re-key with `ReKey.checkCurrent` before each use.
    ///
    /// # Errors
    /// Throws `WrongAuthority` if `targetNotice` is not `target`'s authority's,
    /// `InvalidAttribute` for a target policy naming the reserved `cipherchart:key-holder`,
    /// `InvalidEncoding` for a `parent` that is not 48 bytes (none of them consumes the key),
    /// `InvalidArgument` if the key was already consumed.
    #[wasm_bindgen(js_name = rekeyUnder)]
    pub fn rekey_under(
        &mut self,
        target: &PublicKey,
        #[wasm_bindgen(js_name = targetNotice)] target_notice: &VerifiedNotice,
        #[wasm_bindgen(js_name = targetPolicy)] target_policy: &Policy,
        parent: Option<Vec<u8>>,
    ) -> Result<ReKey, JsValue> {
        self.key()?;
        // Checked before taking the key: a refusal does not cost the grant (FB-1).
        let parent = grant_ref(parent)?;
        cipherchart::DelegationKey::check_target(
            &target.0,
            &target_notice.0,
            target_policy.as_ref(),
        )
        .map_err(to_js_err)?;
        let key = self.0.take().ok_or_else(consumed)?;
        key.rekey_under(
            &target.0,
            &target_notice.0,
            target_policy.as_ref(),
            parent,
            &mut rng(),
        )
        .map(ReKey)
        .map_err(to_js_err)
    }

    /// The delegation key's encoding (`docs/formats.md`): secret, store it only in a
    /// secret store.
    ///
    /// # Errors
    /// Throws `InvalidArgument` once consumed by `rekey`.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Result<Vec<u8>, JsValue> {
        Ok(self.key()?.to_bytes().to_vec())
    }

    /// Decodes `toBytes()` output.
    ///
    /// # Errors
    /// Throws `InvalidEncoding`.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> Result<DelegationKey, JsValue> {
        cipherchart::DelegationKey::from_bytes(bytes)
            .map(Self::new)
            .map_err(to_js_err)
    }
}

/// A re-encryption key (from `DelegationKey.rekey`, `rekeyTo` or `rekeyUnder`): lets a proxy turn records its source
/// attributes can open into records under the target policy, without seeing the payload.
///
/// Secret-holding: call `free()` (or `Symbol.dispose`) when done to wipe it at once.
#[wasm_bindgen]
#[derive(Debug)]
pub struct ReKey(pub(crate) cipherchart::ReKey);

#[wasm_bindgen]
impl ReKey {
    /// The grant's 16-byte identifier: random for a format v2 re-key, derived from the
    /// delegation key's `keyId` for a v3 one (`rekeyUnder`).
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

    /// The delegator's BLS consent key (from the delegation key): consent tokens gate this
    /// re-key only if this key issued them.
    #[wasm_bindgen(getter)]
    pub fn delegator(&self) -> BlsPublicKey {
        BlsPublicKey(*self.0.delegator())
    }

    /// The 32-byte key id of the source authority (its `PublicKey.id`): the one whose records
    /// this re-key transforms.
    #[wasm_bindgen(getter)]
    pub fn authority(&self) -> Vec<u8> {
        self.0.authority().to_vec()
    }

    /// The 32-byte key id of the target authority: the source's own unless made by `rekeyTo`.
    #[wasm_bindgen(getter, js_name = targetAuthority)]
    pub fn target_authority(&self) -> Vec<u8> {
        self.0.target_authority().to_vec()
    }

    /// The policy re-encrypted records end up under.
    #[wasm_bindgen(getter, js_name = targetPolicy)]
    pub fn target_policy(&self) -> Policy {
        self.0.target_policy().clone().into()
    }

    /// Whether this is a format v3 re-key (`DelegationKey.rekeyUnder`): it transforms format
    /// v3 records only, and a v2 re-key v2 records only.
    #[wasm_bindgen(getter, js_name = isV3)]
    pub fn is_v3(&self) -> bool {
        self.0.is_v3()
    }

    /// A format v3 re-key's parent grant (48 bytes, `authority ‖ grantId`): it transforms
    /// only records whose newest hop is of that grant (`SealedRecord.newestGrant`);
    /// `undefined` for a v3 re-key without a parent (it transforms only records without
    /// hops) and for every v2 re-key.
    #[wasm_bindgen(getter)]
    pub fn parent(&self) -> Option<Vec<u8>> {
        self.0.parent().map(|g| g.to_bytes().to_vec())
    }

    /// The 32-byte id of the delegation key a v3 re-key was made from
    /// (`DelegationKey.keyId`); `undefined` for a v2 re-key.
    #[wasm_bindgen(getter, js_name = delegationKeyId)]
    pub fn delegation_key_id(&self) -> Option<Vec<u8>> {
        self.0.delegation_key_id().map(|d| d.to_vec())
    }

    /// This grant's qualified id (48 bytes): the source authority's key id, then `grantId`.
    /// What `SealedRecord.newestGrant` gives for a record this re-key transformed, and the
    /// `parent` of a re-key that forwards such records.
    #[wasm_bindgen(getter)]
    pub fn grant(&self) -> Vec<u8> {
        self.0.grant().to_bytes().to_vec()
    }

    /// The delegated attributes with their versions, `[name, version]` (every version 0 for
    /// a v2 re-key).
    #[wasm_bindgen(js_name = attributeVersions, unchecked_return_type = "Array<[string, number]>")]
    pub fn attribute_versions(&self) -> Array {
        name_versions(&self.0.attribute_versions())
    }

    /// The target policy's attributes with the versions its capsule is sealed at,
    /// `[name, version]` in LSSS row order (every version 0 for a v2 re-key).
    #[wasm_bindgen(js_name = targetVersions, unchecked_return_type = "Array<[string, number]>")]
    pub fn target_versions(&self) -> Array {
        name_versions(&self.0.target_versions())
    }

    /// Checks that this re-key is current (`docs/revocation-v3.md` §7.5) against `notices`,
    /// the newest verified notices of its source and target authorities: every delegated
    /// attribute at the source notice's version, every name of the target policy at the
    /// target notice's. A proxy runs it before applying the re-key: one made before a bump
    /// delivers records to keys the bump shut out.
    ///
    /// # Errors
    /// Throws `WrongAuthority` if no notice of the source or of the target authority is
    /// given, `StaleReKey` if a version is below the notice's (a name was bumped since: make
    /// a new re-key), `FutureVersion` if one is above it (the notice is older than the
    /// re-key: fetch the newer one).
    #[wasm_bindgen(js_name = checkCurrent)]
    pub fn check_current(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Array<VerifiedNotice>")] notices: Vec<JsValue>,
    ) -> Result<(), JsValue> {
        let notices = notices
            .iter()
            .map(notice_of)
            .collect::<Result<Vec<_>, _>>()?;
        let refs: Vec<&cipherchart::VerifiedNotice> = notices.iter().collect();
        self.0.check_current(&refs).map_err(to_js_err)
    }

    /// Whether this re-key can re-encrypt the record (exactly when `reencrypt` succeeds on a
    /// well-formed record): same authority, its attributes satisfy the record's current policy,
    /// the hop limit is not reached and the record was not re-encrypted under this grant yet.
    #[wasm_bindgen(js_name = canReencrypt)]
    pub fn can_reencrypt(&self, record: &SealedRecord) -> bool {
        self.0.can_reencrypt(&record.0)
    }

    /// Re-encrypts a record to the target policy (adds one hop, bound to this record; the input
    /// is unchanged). Deterministic: the same record and re-key give the same bytes.
    ///
    /// # Errors
    /// Throws `WrongAuthority` for a record of another authority, `PolicyNotSatisfied` if the re-key's attributes do not satisfy the record's
    /// current policy, `InvalidArgument` at the hop limit (8) or if the record was already
    /// re-encrypted under this grant, `DecryptionFailed` for a tampered record.
    pub fn reencrypt(&self, record: &SealedRecord) -> Result<SealedRecord, JsValue> {
        self.0
            .reencrypt(&record.0)
            .map(SealedRecord)
            .map_err(to_js_err)
    }

    /// Re-encrypts many records, each a `SealedRecord` or its encoding (`toBytes()`): one
    /// result per input, a `SealedRecord` or the error for that record (a `CipherchartError`;
    /// bytes that do not decode give `InvalidEncoding`). Objects are used as they are (not
    /// re-encoded and decoded) and stay usable: the batch works on copies.
    #[wasm_bindgen(
        js_name = reencryptBatch,
        unchecked_return_type = "Array<SealedRecord | Error>"
    )]
    pub fn reencrypt_batch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Array<SealedRecord | Uint8Array>")] records: Vec<
            JsValue,
        >,
    ) -> Array {
        let inputs = records.iter().map(record_of).collect();
        // The batch itself never fails (each record's error is in its slot).
        let done = cipherchart::align_batch(inputs, |rs| Ok(self.0.reencrypt_batch(&rs)));
        results(done.unwrap_or_else(|e| vec![Err(e)]))
    }

    /// The re-key's encoding (`docs/formats.md`), for the proxy: secret, send and store it
    /// only over protected channels.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.to_bytes().to_vec()
    }

    /// Decodes `toBytes()` output.
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
    cipherchart::rekey_digest(&rekey.0).to_vec()
}

/// Checks that a verified consent authorises this re-key, as `reencryptWithConsent` does before
/// touching a record. All of: the consent names a re-key digest and it is this re-key's
/// (`rekeyDigest`; a consent that names none authorises no re-encryption); the consent's issuer
/// is the re-key's `delegator` (one patient's consent never gates another patient's re-key, even
/// when it copies that re-key's public digest); if the grantee is a policy, it is the re-key's
/// target policy.
///
/// # Errors
/// Throws `ConsentError` (`.kind` `rekey_mismatch`).
#[wasm_bindgen(js_name = checkRekey)]
pub fn check_rekey(consent: &VerifiedConsent, rekey: &ReKey) -> Result<(), JsValue> {
    cipherchart::check_rekey(&consent.0, &rekey.0).map_err(to_js_err)
}

/// Re-encrypts a record with `rekey` only if a verified consent permits it: the re-key is one
/// the consent authorises (see `checkRekey`: the consent names this re-key's digest and was
/// issued by its delegator) and the consent covers the record's id, `category` and `purpose`.
/// Take `record` from your own store, by id.
///
/// A format v3 re-key is refused (`InvalidArgument`): use `reencryptWithConsentUnder`, which
/// also checks that the re-key is current.
///
/// # Errors
/// Throws `InvalidArgument` for a format v3 re-key, `ConsentError` (`.kind`
/// `rekey_mismatch`, `not_permitted`), then as `ReKey.reencrypt`.
#[wasm_bindgen(js_name = reencryptWithConsent)]
pub fn reencrypt_with_consent(
    consent: &VerifiedConsent,
    rekey: &ReKey,
    record: &SealedRecord,
    category: &str,
    purpose: &str,
) -> Result<SealedRecord, JsValue> {
    cipherchart::reencrypt_with_consent(&consent.0, &rekey.0, &record.0, category, purpose)
        .map(SealedRecord)
        .map_err(to_js_err)
}

/// `ReKey.reencryptBatch`, only where a verified consent permits it, as
/// `reencryptWithConsent` checks one record: the re-key is checked once against the consent,
/// then each record (with its category, `categories[i]`, and the one `purpose`); a record the
/// consent does not cover gets a `ConsentError` in its slot.
///
/// # Errors
/// Throws `ConsentError` for a re-key the consent does not authorise (the whole batch),
/// `InvalidArgument` if `categories` is not as long as `records`.
#[wasm_bindgen(
    js_name = reencryptBatchWithConsent,
    unchecked_return_type = "Array<SealedRecord | Error>"
)]
pub fn reencrypt_batch_with_consent(
    consent: &VerifiedConsent,
    rekey: &ReKey,
    #[wasm_bindgen(unchecked_param_type = "Array<SealedRecord | Uint8Array>")] records: Vec<
        JsValue,
    >,
    categories: Vec<String>,
    purpose: &str,
) -> Result<Array, JsValue> {
    consent_batch(&records, &categories, |pairs| {
        cipherchart::reencrypt_batch_with_consent(&consent.0, &rekey.0, pairs, purpose)
    })
}

/// `reencryptWithConsent` for a proxy that follows revocation: it also checks `rekey` against
/// the current version notices of its source and target authorities (`ReKey.checkCurrent`;
/// pass every notice you verified, of each authority the newest counts) before touching the
/// record. Takes format v2 and v3 re-keys (`reencryptWithConsent` refuses v3 ones).
///
/// # Errors
/// Throws `ConsentError` (`rekey_mismatch`), then as `ReKey.checkCurrent` (`StaleReKey`,
/// `FutureVersion`, `WrongAuthority`, `InvalidArgument`), then `ConsentError`
/// (`not_permitted`), then as `ReKey.reencrypt`.
#[wasm_bindgen(js_name = reencryptWithConsentUnder)]
pub fn reencrypt_with_consent_under(
    consent: &VerifiedConsent,
    rekey: &ReKey,
    #[wasm_bindgen(unchecked_param_type = "Array<VerifiedNotice>")] notices: Vec<JsValue>,
    record: &SealedRecord,
    category: &str,
    purpose: &str,
) -> Result<SealedRecord, JsValue> {
    let notices = notices_of(&notices)?;
    let refs: Vec<&cipherchart::VerifiedNotice> = notices.iter().collect();
    cipherchart::reencrypt_with_consent_under(
        &consent.0, &rekey.0, &refs, &record.0, category, purpose,
    )
    .map(SealedRecord)
    .map_err(to_js_err)
}

/// `reencryptBatchWithConsent` with the currency check of `reencryptWithConsentUnder` (once,
/// for the whole batch).
///
/// # Errors
/// Throws for the whole batch as `reencryptWithConsentUnder` does for the re-key, and
/// `InvalidArgument` if `categories` is not as long as `records`.
#[wasm_bindgen(
    js_name = reencryptBatchWithConsentUnder,
    unchecked_return_type = "Array<SealedRecord | Error>"
)]
pub fn reencrypt_batch_with_consent_under(
    consent: &VerifiedConsent,
    rekey: &ReKey,
    #[wasm_bindgen(unchecked_param_type = "Array<VerifiedNotice>")] notices: Vec<JsValue>,
    #[wasm_bindgen(unchecked_param_type = "Array<SealedRecord | Uint8Array>")] records: Vec<
        JsValue,
    >,
    categories: Vec<String>,
    purpose: &str,
) -> Result<Array, JsValue> {
    let notices = notices_of(&notices)?;
    let refs: Vec<&cipherchart::VerifiedNotice> = notices.iter().collect();
    consent_batch(&records, &categories, |pairs| {
        cipherchart::reencrypt_batch_with_consent_under(&consent.0, &rekey.0, &refs, pairs, purpose)
    })
}

/// The notices of a JavaScript array (copies; each a `VerifiedNotice` of this build).
fn notices_of(values: &[JsValue]) -> Result<Vec<cipherchart::VerifiedNotice>, JsValue> {
    values.iter().map(notice_of).collect()
}

/// A consent batch: one category per record, the records decoded or copied, `run` on the
/// well-formed ones, one result per input in order.
fn consent_batch(
    records: &[JsValue],
    categories: &[String],
    run: impl FnOnce(
        &[(&cipherchart::SealedRecord, &str)],
    ) -> cipherchart::Result<Vec<cipherchart::Result<cipherchart::SealedRecord>>>,
) -> Result<Array, JsValue> {
    if categories.len() != records.len() {
        return Err(to_js_err(cipherchart::Error::InvalidArgument(
            "one category per record",
        )));
    }
    let inputs = records
        .iter()
        .zip(categories)
        .map(|(r, c)| record_of(r).map(|r| (r, c.as_str())))
        .collect();
    let done = cipherchart::align_batch(inputs, |items| {
        let pairs: Vec<_> = items.iter().map(|(r, c)| (r, *c)).collect();
        run(&pairs)
    })
    .map_err(to_js_err)?;
    Ok(results(done))
}

/// The record `value` is (a copy: the caller keeps its object) or encodes.
fn record_of(value: &JsValue) -> Result<cipherchart::SealedRecord, cipherchart::Error> {
    match crate::items::batch_item::<SealedRecord>(
        value,
        "a SealedRecord of another cipherchart build (full and verify-only objects \
         cannot be mixed)",
        "expected a SealedRecord or a Uint8Array (or a freed record)",
    )? {
        crate::items::Item::Copy(record) => Ok(record.0),
        crate::items::Item::Bytes(bytes) => cipherchart::SealedRecord::from_bytes(&bytes),
    }
}

/// One value per input: a `SealedRecord`, or the error for that input.
fn results(done: Vec<cipherchart::Result<cipherchart::SealedRecord>>) -> Array {
    done.into_iter()
        .map(|r| r.map_or_else(to_js_err, |rec| JsValue::from(SealedRecord(rec))))
        .collect()
}
