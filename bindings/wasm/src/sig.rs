//! BLS signatures (minimal-pubkey-size, proof-of-possession ciphersuite), and the IETF /
//! Ethereum deserialization step on its own (`UnvalidatedPublicKey`, `UnvalidatedSignature`).

#[cfg(feature = "full")]
use cipherchart::hazmat::SecretKeyBytes;
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use crate::errors::to_js_err;
#[cfg(feature = "full")]
use crate::rng::rng;

/// A BLS secret signing key. Secret-holding: call `free()` (or `Symbol.dispose`) when done.
/// Not in the verify-only build.
#[cfg(feature = "full")]
#[wasm_bindgen]
#[derive(Debug)]
pub struct BlsSigningKey(pub(crate) cipherchart::BlsSigningKey);

#[cfg(feature = "full")]
#[wasm_bindgen]
impl BlsSigningKey {
    /// A fresh key from platform randomness.
    pub fn generate() -> BlsSigningKey {
        Self(cipherchart::BlsSigningKey::generate(&mut rng()))
    }

    /// EIP-2333 / IETF KeyGen from at least 32 bytes of input keying material.
    ///
    /// # Errors
    /// Throws `InvalidArgument` if `ikm` is shorter than 32 bytes.
    #[wasm_bindgen(js_name = fromIkm)]
    pub fn from_ikm(
        ikm: &[u8],
        #[wasm_bindgen(js_name = keyInfo)] key_info: Option<Vec<u8>>,
    ) -> Result<BlsSigningKey, JsValue> {
        cipherchart::BlsSigningKey::from_ikm(ikm, &key_info.unwrap_or_default())
            .map(Self)
            .map_err(to_js_err)
    }

    /// Hazardous: decodes a raw 32-byte big-endian secret scalar (`toSecretBytes()` output;
    /// Rust's `hazmat::SecretKeyBytes`).
    ///
    /// # Errors
    /// Throws `InvalidEncoding` for a wrong length, zero or out-of-range scalar.
    #[wasm_bindgen(js_name = fromSecretBytes)]
    pub fn from_secret_bytes(bytes: &[u8]) -> Result<BlsSigningKey, JsValue> {
        cipherchart::BlsSigningKey::from_secret_bytes(bytes)
            .map(Self)
            .map_err(to_js_err)
    }

    /// Hazardous: the raw 32-byte secret scalar. Whoever holds it can sign as this key:
    /// store it encrypted, never log it.
    #[wasm_bindgen(js_name = toSecretBytes)]
    pub fn to_secret_bytes(&self) -> Vec<u8> {
        self.0.to_secret_bytes().to_vec()
    }

    /// The matching public key.
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> BlsPublicKey {
        BlsPublicKey(self.0.public_key())
    }

    /// Signs a message.
    pub fn sign(&self, msg: &[u8]) -> BlsSignature {
        BlsSignature(self.0.sign(msg))
    }

    /// A proof of possession of the key (sign it before aggregating public keys).
    #[wasm_bindgen(js_name = provePossession)]
    pub fn prove_possession(&self) -> BlsSignature {
        BlsSignature(self.0.prove_possession())
    }
}

/// A BLS public key (48-byte compressed G1 point). Holds no secret.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct BlsPublicKey(pub(crate) cipherchart::BlsPublicKey);

#[wasm_bindgen]
impl BlsPublicKey {
    /// Verifies a signature on a message.
    ///
    /// # Errors
    /// Throws `VerificationFailed`.
    pub fn verify(&self, msg: &[u8], signature: &BlsSignature) -> Result<(), JsValue> {
        self.0.verify(msg, &signature.0).map_err(to_js_err)
    }

    /// Verifies a proof of possession.
    ///
    /// # Errors
    /// Throws `VerificationFailed`.
    #[wasm_bindgen(js_name = verifyPossession)]
    pub fn verify_possession(&self, pop: &BlsSignature) -> Result<(), JsValue> {
        self.0.verify_possession(&pop.0).map_err(to_js_err)
    }

    /// The key uncompressed for Ethereum's EIP-2537 precompiles: 128 bytes, `x ‖ y`, each 16
    /// zero bytes then 48 big-endian bytes (what the ledger contracts take beside `toBytes()`).
    #[wasm_bindgen(js_name = toEip2537Bytes)]
    pub fn to_eip2537_bytes(&self) -> Vec<u8> {
        self.0.to_eip2537_bytes().into()
    }

    /// Aggregates public keys given as 48-byte encodings (check each key's proof of possession
    /// first).
    ///
    /// # Errors
    /// Throws `InvalidEncoding` for a bad key, `InvalidArgument` for an empty list.
    pub fn aggregate(keys: Vec<Uint8Array>) -> Result<BlsPublicKey, JsValue> {
        let keys = decode_public_keys(&keys)?;
        cipherchart::BlsPublicKey::aggregate(&keys)
            .map(Self)
            .map_err(to_js_err)
    }
}

/// A BLS signature (96-byte compressed G2 point). Holds no secret.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct BlsSignature(pub(crate) cipherchart::BlsSignature);

#[wasm_bindgen]
impl BlsSignature {
    /// The signature (or proof of possession) uncompressed for Ethereum's EIP-2537
    /// precompiles: 256 bytes, `x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1`, each 16 zero bytes then 48
    /// big-endian bytes (what the ledger contracts take beside `toBytes()`).
    #[wasm_bindgen(js_name = toEip2537Bytes)]
    pub fn to_eip2537_bytes(&self) -> Vec<u8> {
        self.0.to_eip2537_bytes().into()
    }

    /// Aggregates signatures given as 96-byte encodings.
    ///
    /// # Errors
    /// Throws `InvalidEncoding` for a bad signature, `InvalidArgument` for an empty list.
    pub fn aggregate(signatures: Vec<Uint8Array>) -> Result<BlsSignature, JsValue> {
        let sigs = signatures
            .iter()
            .map(|s| cipherchart::BlsSignature::from_bytes(&s.to_vec()))
            .collect::<cipherchart::Result<Vec<_>>>()
            .map_err(to_js_err)?;
        cipherchart::BlsSignature::aggregate(&sigs)
            .map(Self)
            .map_err(to_js_err)
    }
}

/// A decoded BLS public key that may be the identity (`c0` then 47 zero bytes): the IETF /
/// Ethereum deserialization step without `KeyValidate`'s identity test. It can only be
/// encoded, tested and validated: `validate()` gives the `BlsPublicKey` every other call takes.
/// Holds no secret.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct UnvalidatedPublicKey(pub(crate) cipherchart::UnvalidatedPublicKey);

#[wasm_bindgen]
impl UnvalidatedPublicKey {
    /// The same key, unvalidated.
    #[wasm_bindgen(js_name = fromPublicKey)]
    pub fn from_public_key(key: &BlsPublicKey) -> UnvalidatedPublicKey {
        Self(key.0.into())
    }
}

/// A decoded BLS signature that may be the identity (`c0` then 95 zero bytes); `aggregate` is
/// Ethereum's `Aggregate`. Only `validate()` gives a `BlsSignature`. Holds no secret.
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct UnvalidatedSignature(pub(crate) cipherchart::UnvalidatedSignature);

#[wasm_bindgen]
impl UnvalidatedSignature {
    /// The same signature, unvalidated.
    #[wasm_bindgen(js_name = fromSignature)]
    pub fn from_signature(signature: &BlsSignature) -> UnvalidatedSignature {
        Self(signature.0.into())
    }

    /// The sum of signatures given as 96-byte encodings, the identity included (Ethereum's
    /// `Aggregate`: `aggregate([infinity])` is the identity).
    ///
    /// # Errors
    /// Throws `InvalidEncoding` for a bad signature, `InvalidArgument` for an empty list.
    pub fn aggregate(signatures: Vec<Uint8Array>) -> Result<UnvalidatedSignature, JsValue> {
        let sigs = signatures
            .iter()
            .map(|s| cipherchart::UnvalidatedSignature::from_bytes(&s.to_vec()))
            .collect::<cipherchart::Result<Vec<_>>>()
            .map_err(to_js_err)?;
        cipherchart::UnvalidatedSignature::aggregate(&sigs)
            .map(Self)
            .map_err(to_js_err)
    }
}

/// `isIdentity` and `validate` of each unvalidated type (`Unvalidated => Validated`).
macro_rules! unvalidated {
    ($($class:ident => $valid:ident),* $(,)?) => {$(
        #[wasm_bindgen]
        impl $class {
            /// Whether this is the identity point, which `validate()` refuses.
            #[wasm_bindgen(getter, js_name = isIdentity)]
            pub fn is_identity(&self) -> bool {
                self.0.is_identity()
            }

            /// The validated value, unless it is the identity.
            ///
            /// # Errors
            /// Throws `InvalidEncoding` (`.kind` `identity_point`) for the identity.
            pub fn validate(&self) -> Result<$valid, JsValue> {
                self.0.validate().map($valid).map_err(to_js_err)
            }
        }
    )*};
}

unvalidated!(
    UnvalidatedPublicKey => BlsPublicKey,
    UnvalidatedSignature => BlsSignature,
);

// Arrays of keys cross as encodings: wasm-bindgen consumes (frees) objects passed in arrays.
fn decode_public_keys(keys: &[Uint8Array]) -> Result<Vec<cipherchart::BlsPublicKey>, JsValue> {
    keys.iter()
        .map(|k| cipherchart::BlsPublicKey::from_bytes(&k.to_vec()))
        .collect::<cipherchart::Result<Vec<_>>>()
        .map_err(to_js_err)
}

type Triple<'a> = (
    cipherchart::BlsPublicKey,
    &'a [u8],
    cipherchart::BlsSignature,
);
/// Decoded parallel arrays: public keys, messages, signatures.
type Decoded = (
    Vec<cipherchart::BlsPublicKey>,
    Vec<Vec<u8>>,
    Vec<cipherchart::BlsSignature>,
);

/// Three parallel arrays of encodings (public keys, messages, signatures), decoded.
fn decode_triples(
    public_keys: &[Uint8Array],
    messages: &[Uint8Array],
    signatures: &[Uint8Array],
) -> Result<Decoded, JsValue> {
    let keys = decode_public_keys(public_keys)?;
    if keys.len() != messages.len() || keys.len() != signatures.len() {
        return Err(to_js_err(cipherchart::Error::InvalidArgument(
            "publicKeys, messages and signatures differ in length",
        )));
    }
    let sigs = signatures
        .iter()
        .map(|s| cipherchart::BlsSignature::from_bytes(&s.to_vec()))
        .collect::<cipherchart::Result<Vec<_>>>()
        .map_err(to_js_err)?;
    Ok((
        keys,
        messages.iter().map(Uint8Array::to_vec).collect(),
        sigs,
    ))
}

/// The `(public key, message, signature)` triples the core's batch calls take.
fn triples<'a>(
    keys: &[cipherchart::BlsPublicKey],
    msgs: &'a [Vec<u8>],
    sigs: &[cipherchart::BlsSignature],
) -> Vec<Triple<'a>> {
    keys.iter()
        .zip(msgs)
        .zip(sigs)
        .map(|((k, m), s)| (*k, m.as_slice(), *s))
        .collect()
}

/// Verifies one signature by many signers on the same message; public keys as 48-byte
/// encodings, each with a verified proof of possession.
///
/// # Errors
/// Throws `VerificationFailed`, `InvalidEncoding` for a bad key, `InvalidArgument` if empty.
#[wasm_bindgen(js_name = fastAggregateVerify)]
pub fn fast_aggregate_verify(
    #[wasm_bindgen(js_name = publicKeys)] public_keys: Vec<Uint8Array>,
    msg: &[u8],
    signature: &BlsSignature,
) -> Result<(), JsValue> {
    let pks = decode_public_keys(&public_keys)?;
    cipherchart::fast_aggregate_verify(&pks, msg, &signature.0).map_err(to_js_err)
}

/// Verifies an aggregate signature over distinct `(public key, message)` pairs, given as two
/// parallel arrays.
///
/// # Errors
/// Throws `VerificationFailed`, `InvalidEncoding`, or `InvalidArgument` if empty or if the
/// arrays differ in length.
#[wasm_bindgen(js_name = aggregateVerify)]
pub fn aggregate_verify(
    #[wasm_bindgen(js_name = publicKeys)] public_keys: Vec<Uint8Array>,
    messages: Vec<Uint8Array>,
    signature: &BlsSignature,
) -> Result<(), JsValue> {
    let pks = decode_public_keys(&public_keys)?;
    if pks.len() != messages.len() {
        return Err(to_js_err(cipherchart::Error::InvalidArgument(
            "publicKeys and messages differ in length",
        )));
    }
    let msgs: Vec<Vec<u8>> = messages.iter().map(Uint8Array::to_vec).collect();
    let pairs: Vec<(cipherchart::BlsPublicKey, &[u8])> = pks
        .into_iter()
        .zip(msgs.iter().map(Vec::as_slice))
        .collect();
    cipherchart::aggregate_verify(&pairs, &signature.0).map_err(to_js_err)
}

/// The indices (ascending) of the `(public key, message, signature)` triples that do not
/// verify, as parallel arrays of encodings: bisection over batch checks in the full build,
/// one by one in the verify-only build. Empty if every triple verifies.
///
/// # Errors
/// Throws `InvalidEncoding` for a bad key or signature, `InvalidArgument` if the arrays
/// differ in length.
#[wasm_bindgen(js_name = batchFindInvalid)]
pub fn batch_find_invalid(
    #[wasm_bindgen(js_name = publicKeys)] public_keys: Vec<Uint8Array>,
    messages: Vec<Uint8Array>,
    signatures: Vec<Uint8Array>,
) -> Result<Vec<u32>, JsValue> {
    let (keys, msgs, sigs) = decode_triples(&public_keys, &messages, &signatures)?;
    let items = triples(&keys, &msgs, &sigs);
    #[cfg(feature = "full")]
    let bad = cipherchart::batch_find_invalid(&items, &mut rng());
    #[cfg(not(feature = "full"))]
    let bad = cipherchart::find_invalid_each(&items);
    Ok(bad
        .into_iter()
        .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
        .collect())
}

/// Verifies many independent `(public key, message, signature)` triples at once (random
/// linear combination; in the verify-only build, which has no randomness, one by one),
/// given as three parallel arrays of encodings.
///
/// # Errors
/// Throws `VerificationFailed` if any triple is invalid, `InvalidEncoding`, or
/// `InvalidArgument` if empty or if the arrays differ in length.
#[wasm_bindgen(js_name = batchVerify)]
pub fn batch_verify(
    #[wasm_bindgen(js_name = publicKeys)] public_keys: Vec<Uint8Array>,
    messages: Vec<Uint8Array>,
    signatures: Vec<Uint8Array>,
) -> Result<(), JsValue> {
    let (keys, msgs, sigs) = decode_triples(&public_keys, &messages, &signatures)?;
    let items = triples(&keys, &msgs, &sigs);
    #[cfg(feature = "full")]
    let result = cipherchart::batch_verify(&items, &mut rng());
    // No randomness for the weights: each triple on its own (the same accept/reject).
    #[cfg(not(feature = "full"))]
    let result = cipherchart::verify_each(&items);
    result.map_err(to_js_err)
}
