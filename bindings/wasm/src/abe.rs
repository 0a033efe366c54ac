//! `Authority`, `PublicKey` and `UserKey`: FAME CP-ABE keys.

use cipherchart::hazmat::SecretKeyBytes;
use wasm_bindgen::prelude::*;

use crate::errors::to_js_err;
use crate::pre::DelegationKey;
use crate::record::{SealedRecord, SessionHeader, SessionOpener, Trailer};
use crate::rng::rng;
use crate::sig::BlsPublicKey;
use crate::version_notice::{name_versions, VerifiedNotice};

/// The attribute authority: holds the master secret key and issues user keys.
///
/// Secret-holding: call `free()` (or use `using authority = …`, `Symbol.dispose`) when done so
/// the master key is wiped from WebAssembly memory at once rather than at garbage collection.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Authority(pub(crate) cipherchart::Authority);

#[wasm_bindgen]
impl Authority {
    /// Runs FAME Setup with fresh platform randomness.
    pub fn setup() -> Authority {
        Self(cipherchart::Authority::setup(&mut rng()))
    }

    /// The public key (a copy) that sealers and openers use.
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.public_key().clone())
    }

    /// Issues a user key for a set of attributes (each `namespace:value`). The key also holds
    /// an internal guard attribute (`cipherchart:key-holder`, not listed in `attributes`) that
    /// lets it open streams and sessions, which no re-key can transform.
    ///
    /// # Errors
    /// Throws `InvalidAttribute` (also for the reserved `cipherchart:key-holder`),
    /// `LimitExceeded`, or `InvalidArgument` for an empty set.
    #[wasm_bindgen(js_name = issueKey)]
    pub fn issue_key(&self, attributes: Vec<String>) -> Result<UserKey, JsValue> {
        self.0
            .issue_key(&attributes, &mut rng())
            .map(UserKey)
            .map_err(to_js_err)
    }

    /// Issues a user key for `attributes`, each at its version under the verified `notice`
    /// (0 for a name the notice does not list): a key that opens records sealed under the
    /// notice (`sealWithNotice`) or caught up to it (`rewrap`).
    ///
    /// # Errors
    /// Throws `WrongAuthority` if the notice is another authority's; otherwise as `issueKey`.
    #[wasm_bindgen(js_name = issueKeyUnder)]
    pub fn issue_key_under(
        &self,
        notice: &VerifiedNotice,
        attributes: Vec<String>,
    ) -> Result<UserKey, JsValue> {
        self.0
            .issue_key_under(&notice.0, &attributes, &mut rng())
            .map(UserKey)
            .map_err(to_js_err)
    }

    /// Catches a stored `record` up to the verified `notice`'s versions: a new header for the
    /// same body (a format v3 record keeps its body, id and metadata byte for byte and
    /// `bodyCommitment`; a v2 record is re-encrypted whole into v3), so that keys issued before
    /// the notice's bumps stop opening it. Re-encryption hops are dropped.
    ///
    /// # Errors
    /// Throws `WrongAuthority` (the record or the notice is another authority's),
    /// `FutureVersion` (the record is at a newer version than the notice for some name) or
    /// `DecryptionFailed` (a damaged or forged record).
    pub fn rewrap(
        &self,
        record: &SealedRecord,
        notice: &VerifiedNotice,
    ) -> Result<SealedRecord, JsValue> {
        self.0
            .rewrap(&record.0, &notice.0, &mut rng())
            .map(SealedRecord)
            .map_err(to_js_err)
    }

    /// Catches a **closed** format v3 stream (the whole stream, as `sealStreamWithNotice`
    /// returns it) up to the verified `notice` by re-wrapping its header, returning the
    /// caught-up stream: a new header at the notice's versions carrying `trailer`
    /// (`streamTrailer` of the stream, logged by its sealer at close), then the stream's
    /// frames byte for byte, checked against the trailer. Keys issued before the notice's
    /// bumps stop opening it; the authority never decrypts a chunk. Re-wrap only a stream
    /// closed before the revocation (its close entry precedes the notice's in the chain); a
    /// stream still being written then is re-encrypted (`reencryptStream`). Its new header
    /// is `StreamInfo.read` of the result (`trailer` is `trailer`).
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a format v2 stream or a `trailer` that is not this
    /// stream's, `WrongAuthority` (the stream or the notice is another authority's),
    /// `FutureVersion`, `StaleNotice` (as `rewrap`), `DecryptionFailed` (a header that fails
    /// its checks, frames other than the trailer's) or `InvalidEncoding`.
    #[wasm_bindgen(js_name = rewrapStream)]
    pub fn rewrap_stream(
        &self,
        stream: &[u8],
        trailer: &Trailer,
        notice: &VerifiedNotice,
    ) -> Result<Vec<u8>, JsValue> {
        let mut out = Vec::new();
        self.0
            .rewrap_stream(stream, &trailer.0, &notice.0, &mut out, &mut rng())
            .map_err(to_js_err)?;
        Ok(out)
    }

    /// Catches a whole stream (format v2 or v3) up to the verified `notice` by re-encrypting
    /// it under a fresh stream key, returning the new format v3 stream: the same id,
    /// metadata, chunk size and payload at the notice's versions (for a stream still being
    /// written at the revocation, and every v2 stream). No key from before the notice's bumps
    /// opens any of it. Its trailer (to log at close) is `streamTrailer` of the result. A
    /// format v3 stream is read against `trailer`, the one its sealer logged at close (frames
    /// forged with its stream key are refused, not re-encrypted); a v2 stream has none:
    /// pass `null`.
    ///
    /// # Errors
    /// Throws `InvalidArgument` for a v3 stream without its trailer or with another, a v2
    /// stream with one, or a `trailer` that is not a `Trailer`; `WrongAuthority`,
    /// `FutureVersion`, `StaleNotice`, `DecryptionFailed` (a damaged or forged stream) or
    /// `InvalidEncoding`.
    #[wasm_bindgen(js_name = reencryptStream)]
    pub fn reencrypt_stream(
        &self,
        stream: &[u8],
        #[wasm_bindgen(unchecked_param_type = "Trailer | null")] trailer: Option<JsValue>,
        notice: &VerifiedNotice,
    ) -> Result<Vec<u8>, JsValue> {
        let trailer = crate::record::optional_trailer(trailer)?;
        let mut out = Vec::new();
        self.0
            .reencrypt_stream(stream, trailer.as_ref(), &notice.0, &mut out, &mut rng())
            .map_err(to_js_err)?;
        Ok(out)
    }

    /// Issues a one-grant delegation key for `attributes` (the `S'` to delegate, each
    /// `namespace:value`) with fresh randomness, naming `delegator`, the BLS consent key whose
    /// consent tokens alone will gate the re-key made from it (`DelegationKey.rekey`). Issue
    /// one per grant, after checking that the delegator is entitled to `attributes` (for a
    /// patient, their own `patient:` attribute), as for any key.
    ///
    /// # Errors
    /// As `issueKey`: `InvalidAttribute` (also for the reserved `cipherchart:key-holder`),
    /// `LimitExceeded`, `InvalidArgument` for an empty set.
    #[wasm_bindgen(js_name = issueDelegationKey)]
    pub fn issue_delegation_key(
        &self,
        attributes: Vec<String>,
        delegator: &BlsPublicKey,
    ) -> Result<DelegationKey, JsValue> {
        self.0
            .issue_delegation_key(&attributes, &delegator.0, &mut rng())
            .map(DelegationKey::new)
            .map_err(to_js_err)
    }

    /// Issues a one-grant delegation key for `attributes`, each at its version under the
    /// verified `notice` (as `issueKeyUnder`), naming `delegator`: the delegation key of a
    /// grant of records sealed under notices (`sealWithNotice`), made into its re-key by
    /// `DelegationKey.rekeyUnder`.
    ///
    /// # Errors
    /// Throws `WrongAuthority` if the notice is another authority's; otherwise as
    /// `issueDelegationKey`.
    #[wasm_bindgen(js_name = issueDelegationKeyUnder)]
    pub fn issue_delegation_key_under(
        &self,
        notice: &VerifiedNotice,
        attributes: Vec<String>,
        delegator: &BlsPublicKey,
    ) -> Result<DelegationKey, JsValue> {
        self.0
            .issue_delegation_key_under(&notice.0, &attributes, &delegator.0, &mut rng())
            .map(DelegationKey::new)
            .map_err(to_js_err)
    }

    /// Hazardous: the master secret key as bytes (Rust's `hazmat::SecretKeyBytes`). Whoever
    /// holds them can issue any key and open every record of this authority: store them
    /// encrypted, in an HSM or offline, never log them.
    #[wasm_bindgen(js_name = toSecretBytes)]
    pub fn to_secret_bytes(&self) -> Vec<u8> {
        self.0.to_secret_bytes().to_vec()
    }

    /// Hazardous: restores an authority from `toSecretBytes()` bytes.
    ///
    /// # Errors
    /// Throws `InvalidEncoding` for malformed bytes.
    #[wasm_bindgen(js_name = fromSecretBytes)]
    pub fn from_secret_bytes(bytes: &[u8]) -> Result<Authority, JsValue> {
        cipherchart::Authority::from_secret_bytes(bytes)
            .map(Self)
            .map_err(to_js_err)
    }
}

/// The authority's public key. Holds no secret.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct PublicKey(pub(crate) cipherchart::PublicKey);

#[wasm_bindgen]
impl PublicKey {
    /// A 32-byte identifier of the key (a domain-separated hash of its encoding).
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> Vec<u8> {
        self.0.id().to_vec()
    }

    /// Internal: a copy of this key for the calls that take an array of keys, which take
    /// ownership of the copy (wasm-bindgen frees what it converts) and leave the caller's
    /// key alive. Not part of the typed API.
    #[wasm_bindgen(js_name = "__copyForBatch", skip_typescript)]
    pub fn copy_for_batch(&self) -> PublicKey {
        self.clone()
    }
}

/// A public key from an array element: a `PublicKey` of this build (copied) or its encoding.
fn public_key_of(value: &JsValue) -> Result<cipherchart::PublicKey, cipherchart::Error> {
    match crate::items::batch_item::<PublicKey>(
        value,
        "a PublicKey of another cipherchart build (full and verify-only objects \
         cannot be mixed)",
        "expected a PublicKey or a Uint8Array (or a freed key)",
    )? {
        crate::items::Item::Copy(pk) => Ok(pk.0),
        crate::items::Item::Bytes(bytes) => cipherchart::PublicKey::from_bytes(&bytes),
    }
}

/// A user's decryption key for a set of attributes.
///
/// Secret-holding: call `free()` (or `Symbol.dispose`) when done to wipe it at once.
#[wasm_bindgen]
#[derive(Debug)]
pub struct UserKey(pub(crate) cipherchart::UserKey);

#[wasm_bindgen]
impl UserKey {
    /// The key's attributes, canonical and sorted (the internal holder guard every user key
    /// also holds is not listed).
    #[wasm_bindgen(getter)]
    pub fn attributes(&self) -> Vec<String> {
        self.0
            .attributes()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect()
    }

    /// The 32-byte key id of the authority that issued the key (its `PublicKey.id`).
    #[wasm_bindgen(getter)]
    pub fn authority(&self) -> Vec<u8> {
        self.0.authority().to_vec()
    }

    /// The key's attributes with their versions, `[name, version]` in the order of
    /// `attributes` (every version 0 for a key from `issueKey`).
    #[wasm_bindgen(js_name = versionedAttributes, unchecked_return_type = "Array<[string, number]>")]
    pub fn versioned_attributes(&self) -> js_sys::Array {
        name_versions(&self.0.versioned_attributes())
    }

    /// Whether the key holds this attribute.
    #[wasm_bindgen(js_name = hasAttribute)]
    pub fn has_attribute(&self, attribute: &str) -> bool {
        self.0.has_attribute(attribute)
    }

    /// Opens a sealed record, returning its payload.
    ///
    /// # Errors
    /// Throws `WrongAuthority` (before any pairing) if the key or the record belongs to another
    /// authority than `pk`'s, `PolicyNotSatisfied` if the key's attributes satisfy no layer's
    /// policy, `DecryptionFailed` for tampered or mismatched data.
    pub fn open(&self, pk: &PublicKey, sealed: &SealedRecord) -> Result<Vec<u8>, JsValue> {
        self.0.open(&pk.0, &sealed.0).map_err(to_js_err)
    }

    /// Opens a record whose layers may be of several authorities (federation,
    /// `docs/federation.md`): a record of another hospital referred to this key's authority.
    /// `publicKeys` are the authorities' public keys you trust (objects or encodings); the key
    /// opens the oldest layer of its own authority it satisfies, and every layer below is
    /// checked under its own authority's key.
    ///
    /// # Errors
    /// Throws `WrongAuthority` (before any pairing) if the key's authority or a needed layer's
    /// is not among `publicKeys`, `PolicyNotSatisfied`, `DecryptionFailed`, `InvalidEncoding`
    /// for a public key that does not decode.
    #[wasm_bindgen(js_name = openFederated)]
    pub fn open_federated(
        &self,
        #[wasm_bindgen(js_name = publicKeys, unchecked_param_type = "Array<PublicKey | Uint8Array>")]
        public_keys: Vec<JsValue>,
        sealed: &SealedRecord,
    ) -> Result<Vec<u8>, JsValue> {
        let keys = public_keys
            .iter()
            .map(public_key_of)
            .collect::<Result<Vec<_>, _>>()
            .map_err(to_js_err)?;
        let refs: Vec<&cipherchart::PublicKey> = keys.iter().collect();
        self.0.open_federated(&refs, &sealed.0).map_err(to_js_err)
    }

    /// Opens a session header, giving an opener for its records.
    ///
    /// # Errors
    /// As `open`.
    #[wasm_bindgen(js_name = openSession)]
    pub fn open_session(
        &self,
        pk: &PublicKey,
        header: &SessionHeader,
    ) -> Result<SessionOpener, JsValue> {
        self.0
            .open_session(&pk.0, &header.0)
            .map(SessionOpener)
            .map_err(to_js_err)
    }

    /// Opens a whole stream made by `sealStream`, returning its payload. Nothing partial is
    /// returned: any tampered, reordered or truncated chunk fails the whole call.
    ///
    /// # Errors
    /// Throws `WrongAuthority`, `PolicyNotSatisfied`, `DecryptionFailed` or `InvalidEncoding`.
    #[wasm_bindgen(js_name = openStream)]
    pub fn open_stream(&self, pk: &PublicKey, stream: &[u8]) -> Result<Vec<u8>, JsValue> {
        let mut out = Vec::new();
        self.0
            .open_stream(&pk.0, stream, &mut out)
            .map_err(to_js_err)?;
        Ok(out)
    }

    /// The key's encoding (`docs/formats.md`, "UserKey"): secret, whoever holds it holds the
    /// key. Store it only in a secret store.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.to_bytes().to_vec()
    }

    /// Decodes `toBytes()` output.
    ///
    /// # Errors
    /// Throws `InvalidEncoding`.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> Result<UserKey, JsValue> {
        cipherchart::UserKey::from_bytes(bytes)
            .map(Self)
            .map_err(to_js_err)
    }
}
