//! BLS signatures (min-pk, proof of possession): `BlsSigningKey`, `BlsPublicKey`, `BlsSignature`;
//! and the deserialization step on its own: `UnvalidatedPublicKey`, `UnvalidatedSignature`.

use cipherchart::hazmat::SecretKeyBytes;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rand_core::OsRng;

use crate::args::{Bytes, Obj, Seq};
use crate::{detached, to_py_err};

/// A BLS signing key. Secret: no equality, no hash; `repr` shows the public key's prefix.
/// Pickling exports the secret key (an explicit user action).
#[pyclass(module = "cipherchart", frozen)]
#[derive(Debug)]
pub struct BlsSigningKey(pub cipherchart::BlsSigningKey);

/// A BLS public key (48 bytes, compressed G1): comparable, hashable, picklable.
#[pyclass(module = "cipherchart", frozen, eq, from_py_object)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BlsPublicKey(pub cipherchart::BlsPublicKey);

/// A BLS signature (96 bytes, compressed G2): comparable (by bytes), hashable, picklable.
#[pyclass(module = "cipherchart", frozen, eq, from_py_object)]
#[derive(Clone, Copy, Debug)]
pub struct BlsSignature(pub cipherchart::BlsSignature);

impl PartialEq for BlsSignature {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bytes() == other.0.to_bytes()
    }
}

#[pymethods]
impl BlsSigningKey {
    /// A fresh key from the OS's randomness.
    #[staticmethod]
    fn generate(py: Python<'_>) -> Self {
        Self(detached(py, || {
            cipherchart::BlsSigningKey::generate(&mut OsRng)
        }))
    }

    /// KeyGen from input keying material (at least 32 bytes) and optional key info.
    #[staticmethod]
    #[pyo3(signature = (ikm, key_info=Bytes::default()))]
    fn from_ikm(py: Python<'_>, ikm: Bytes, key_info: Bytes) -> PyResult<Self> {
        let ikm: &[u8] = &ikm;
        let key_info: &[u8] = &key_info;
        detached(py, || cipherchart::BlsSigningKey::from_ikm(ikm, key_info))
            .map(Self)
            .map_err(to_py_err)
    }

    /// Hazardous: decodes the raw 32-byte big-endian secret scalar (`to_secret_bytes`
    /// output; Rust's `hazmat::SecretKeyBytes`).
    #[staticmethod]
    fn from_secret_bytes(py: Python<'_>, data: Bytes) -> PyResult<Self> {
        let data: &[u8] = &data;
        detached(py, || cipherchart::BlsSigningKey::from_secret_bytes(data))
            .map(Self)
            .map_err(to_py_err)
    }

    /// Hazardous: the raw secret scalar (32 bytes). Whoever holds it can sign as this key:
    /// store it encrypted, never log it.
    fn to_secret_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.to_secret_bytes().as_ref())
    }

    /// The public key.
    #[getter]
    fn public_key(&self) -> BlsPublicKey {
        BlsPublicKey(self.0.public_key())
    }

    /// Signs `message`.
    fn sign(&self, py: Python<'_>, message: Bytes) -> BlsSignature {
        let message: &[u8] = &message;
        BlsSignature(detached(py, || self.0.sign(message)))
    }

    /// A proof of possession of this key (register it with the public key).
    fn prove_possession(&self, py: Python<'_>) -> BlsSignature {
        BlsSignature(detached(py, || self.0.prove_possession()))
    }

    fn __repr__(&self) -> String {
        format!(
            "BlsSigningKey(public_key={})",
            crate::short_hex(&self.0.public_key().to_bytes())
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<crate::Reduced<'py>> {
        let data = slf.get().to_secret_bytes(slf.py());
        Ok((
            slf.as_any().get_type().getattr("from_secret_bytes")?,
            (data,),
        ))
    }
}

#[pymethods]
impl BlsPublicKey {
    /// The aggregate of several public keys (for `fast_aggregate_verify` on one message).
    #[staticmethod]
    fn aggregate(py: Python<'_>, keys: Seq<BlsPublicKey>) -> PyResult<Self> {
        let keys: Vec<_> = keys.iter().map(|k| k.0).collect();
        detached(py, || cipherchart::BlsPublicKey::aggregate(&keys))
            .map(Self)
            .map_err(to_py_err)
    }

    /// Returns None if `signature` is valid on `message`; raises VerificationFailed otherwise.
    fn verify(
        &self,
        py: Python<'_>,
        message: Bytes,
        signature: Obj<'_, BlsSignature>,
    ) -> PyResult<()> {
        let signature = &*signature;
        let message: &[u8] = &message;
        detached(py, || self.0.verify(message, &signature.0)).map_err(to_py_err)
    }

    /// Checks a proof of possession; raises VerificationFailed if it is not valid.
    fn verify_possession(&self, py: Python<'_>, proof: Obj<'_, BlsSignature>) -> PyResult<()> {
        let proof = &*proof;
        detached(py, || self.0.verify_possession(&proof.0)).map_err(to_py_err)
    }

    /// The key uncompressed for Ethereum's EIP-2537 precompiles (128 bytes: x, y, each 16
    /// zero bytes then 48 big-endian bytes).
    #[allow(clippy::wrong_self_convention)] // pyo3 methods cannot take `self` by value
    fn to_eip2537_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_eip2537_bytes())
    }
}

#[pymethods]
impl BlsSignature {
    /// The aggregate of several signatures.
    #[staticmethod]
    fn aggregate(py: Python<'_>, signatures: Seq<BlsSignature>) -> PyResult<Self> {
        let sigs: Vec<_> = signatures.iter().map(|s| s.0).collect();
        detached(py, || cipherchart::BlsSignature::aggregate(&sigs))
            .map(Self)
            .map_err(to_py_err)
    }

    /// The signature uncompressed for Ethereum's EIP-2537 precompiles (256 bytes: x.c0, x.c1,
    /// y.c0, y.c1, each 16 zero bytes then 48 big-endian bytes).
    #[allow(clippy::wrong_self_convention)] // pyo3 methods cannot take `self` by value
    fn to_eip2537_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_eip2537_bytes())
    }
}

/// A decoded BLS public key that may be the identity (`c0` then 47 zero bytes): the IETF /
/// Ethereum deserialization step without `KeyValidate`'s identity test. It can only be
/// encoded, tested and validated: `validate()` gives the `BlsPublicKey` every other call takes.
/// Comparable, hashable, picklable.
#[pyclass(module = "cipherchart", frozen, eq, from_py_object)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct UnvalidatedPublicKey(pub cipherchart::UnvalidatedPublicKey);

/// A decoded BLS signature that may be the identity (`c0` then 95 zero bytes); `aggregate` is
/// Ethereum's `Aggregate`. Comparable (by bytes), hashable, picklable.
#[pyclass(module = "cipherchart", frozen, eq, from_py_object)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct UnvalidatedSignature(pub cipherchart::UnvalidatedSignature);

#[pymethods]
impl UnvalidatedPublicKey {
    /// The same key, unvalidated.
    #[staticmethod]
    fn from_public_key(key: Obj<'_, BlsPublicKey>) -> Self {
        Self(key.0.into())
    }
}

#[pymethods]
impl UnvalidatedSignature {
    /// The same signature, unvalidated.
    #[staticmethod]
    fn from_signature(signature: Obj<'_, BlsSignature>) -> Self {
        Self(signature.0.into())
    }

    /// The sum of the signatures, the identity included (Ethereum's `Aggregate`); raises
    /// InvalidArgument for an empty list.
    #[staticmethod]
    fn aggregate(py: Python<'_>, signatures: Seq<UnvalidatedSignature>) -> PyResult<Self> {
        let sigs: Vec<_> = signatures.iter().map(|s| s.0).collect();
        detached(py, || cipherchart::UnvalidatedSignature::aggregate(&sigs))
            .map(Self)
            .map_err(to_py_err)
    }
}

/// Verifies one signature by many keys on one message (keys need proofs of possession).
#[pyfunction]
pub fn fast_aggregate_verify(
    py: Python<'_>,
    public_keys: Seq<BlsPublicKey>,
    message: Bytes,
    signature: Obj<'_, BlsSignature>,
) -> PyResult<()> {
    let signature = &*signature;
    let message: &[u8] = &message;
    let pks: Vec<_> = public_keys.iter().map(|k| k.0).collect();
    detached(py, || {
        cipherchart::fast_aggregate_verify(&pks, message, &signature.0)
    })
    .map_err(to_py_err)
}

/// Verifies an aggregate signature over distinct `(public_key, message)` pairs.
#[pyfunction]
pub fn aggregate_verify(
    py: Python<'_>,
    pairs: Seq<(BlsPublicKey, Bytes)>,
    signature: Obj<'_, BlsSignature>,
) -> PyResult<()> {
    let signature = &*signature;
    let pairs: Vec<(cipherchart::BlsPublicKey, &[u8])> =
        pairs.iter().map(|(k, m)| (k.0, &m[..])).collect();
    detached(py, || cipherchart::aggregate_verify(&pairs, &signature.0)).map_err(to_py_err)
}

type Triples = Seq<(BlsPublicKey, Bytes, BlsSignature)>;

fn borrow(items: &Triples) -> Vec<(cipherchart::BlsPublicKey, &[u8], cipherchart::BlsSignature)> {
    items.iter().map(|(k, m, s)| (k.0, &m[..], s.0)).collect()
}

/// Verifies many `(public_key, message, signature)` triples at once (random weights).
#[pyfunction]
pub fn batch_verify(py: Python<'_>, items: Triples) -> PyResult<()> {
    let items = borrow(&items);
    detached(py, || cipherchart::batch_verify(&items, &mut OsRng)).map_err(to_py_err)
}

/// The indices (ascending) of the triples that do not verify; empty if all do.
#[pyfunction]
pub fn batch_find_invalid(py: Python<'_>, items: Triples) -> Vec<usize> {
    let items = borrow(&items);
    detached(py, || cipherchart::batch_find_invalid(&items, &mut OsRng))
}

// The framed object encoding of the two strict types, and the two steps of the unvalidated
// ones: the same methods, generated.
crate::glue::object_encoded!(
    BlsPublicKey: cipherchart::BlsPublicKey,
    BlsSignature: cipherchart::BlsSignature,
);

/// `is_identity` and `validate` of each unvalidated type (`Unvalidated => Validated`).
macro_rules! unvalidated {
    ($($class:ident => $valid:ident),* $(,)?) => {$(
        #[pymethods]
        impl $class {
            /// Whether this is the identity point, which `validate()` refuses.
            #[getter]
            fn is_identity(&self) -> bool {
                self.0.is_identity()
            }

            /// The validated value; raises InvalidEncoding (kind `identity_point`) for the
            /// identity.
            fn validate(&self) -> PyResult<$valid> {
                self.0.validate().map($valid).map_err(to_py_err)
            }
        }
    )*};
}

unvalidated!(
    UnvalidatedPublicKey => BlsPublicKey,
    UnvalidatedSignature => BlsSignature,
);
