//! `Authority`, `PublicKey`, `UserKey`: setup, key issue, opening records, streams and sessions.

use cipherchart::hazmat::SecretKeyBytes;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use rand_core::OsRng;

use crate::args::{Bytes, Obj, Seq, Str, Strings};
use crate::io::{PyReader, PyWriter};
use crate::record::SealedRecord;
use crate::session::{SessionHeader, SessionOpener};
use crate::stream::{run_between, StreamInfo, Trailer};
use crate::version_notice::{name_versions, VerifiedNotice};
use crate::{detached, to_py_err};

/// The authority's public key (FAME `mpk`): public, comparable, hashable, picklable.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey(pub cipherchart::PublicKey);

#[pymethods]
impl PublicKey {
    /// The 32-byte id of the key (a domain-separated hash of its encoding).
    #[getter]
    fn id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.id())
    }

    fn __repr__(&self) -> String {
        format!("PublicKey(id={})", crate::short_hex(&self.0.id()))
    }
}

/// The attribute authority: holds the master secret key, issues user keys.
///
/// Secret: no equality, no hash; `repr` shows only the public key id. Pickling exports the
/// master key (an explicit user action, as with `to_secret_bytes`).
#[pyclass(module = "cipherchart", frozen)]
#[derive(Debug)]
pub struct Authority(pub cipherchart::Authority);

#[pymethods]
impl Authority {
    /// A new authority with a fresh master key (randomness from the OS).
    #[staticmethod]
    fn setup(py: Python<'_>) -> Self {
        Self(detached(py, || cipherchart::Authority::setup(&mut OsRng)))
    }

    /// The public key to seal records under.
    #[getter]
    fn public_key(&self) -> PublicKey {
        PublicKey(self.0.public_key().clone())
    }

    /// Issues a user key for a set of attributes (duplicates merged).
    fn issue_key(&self, py: Python<'_>, attributes: Strings) -> PyResult<UserKey> {
        let attributes = attributes.0;
        detached(py, || self.0.issue_key(&attributes, &mut OsRng))
            .map(UserKey)
            .map_err(to_py_err)
    }

    /// Issues a one-grant delegation key for `attributes`, naming `delegator` (the BLS
    /// consent key whose tokens will gate the re-key made from it).
    fn issue_delegation_key(
        &self,
        py: Python<'_>,
        attributes: Strings,
        delegator: &crate::sig::BlsPublicKey,
    ) -> PyResult<crate::rekey::DelegationKey> {
        let attributes = attributes.0;
        detached(py, || {
            self.0
                .issue_delegation_key(&attributes, &delegator.0, &mut OsRng)
        })
        .map(crate::rekey::DelegationKey::new)
        .map_err(to_py_err)
    }

    /// Issues a one-grant delegation key for `attributes`, each at its version under the
    /// verified `notice` (as `issue_key_under`), naming `delegator`: the delegation key of a
    /// grant of records sealed under notices (`DelegationKey.rekey_under`). Raises
    /// WrongAuthority if the notice is another authority's; otherwise as
    /// `issue_delegation_key`.
    fn issue_delegation_key_under(
        &self,
        py: Python<'_>,
        notice: Obj<'_, VerifiedNotice>,
        attributes: Strings,
        delegator: Obj<'_, crate::sig::BlsPublicKey>,
    ) -> PyResult<crate::rekey::DelegationKey> {
        let notice = &*notice;
        let delegator = &*delegator;
        let attributes = attributes.0;
        detached(py, || {
            self.0
                .issue_delegation_key_under(&notice.0, &attributes, &delegator.0, &mut OsRng)
        })
        .map(crate::rekey::DelegationKey::new)
        .map_err(to_py_err)
    }

    /// Issues a user key for `attributes`, each at its version under the verified `notice`
    /// (0 for a name the notice does not list). Raises WrongAuthority if the notice is another
    /// authority's; otherwise as `issue_key`.
    fn issue_key_under(
        &self,
        py: Python<'_>,
        notice: Obj<'_, VerifiedNotice>,
        attributes: Strings,
    ) -> PyResult<UserKey> {
        let notice = &*notice;
        let attributes = attributes.0;
        detached(py, || {
            self.0.issue_key_under(&notice.0, &attributes, &mut OsRng)
        })
        .map(UserKey)
        .map_err(to_py_err)
    }

    /// Catches `record` up to the verified `notice`'s versions: a new header for the same
    /// body (a v3 record keeps its body, id and metadata byte for byte; a v2 record is
    /// re-encrypted whole into v3), so keys issued before the notice's bumps stop opening it.
    /// Raises WrongAuthority, FutureVersion (the record is at a newer version than the notice
    /// for some name) or DecryptionFailed (a damaged record).
    fn rewrap(
        &self,
        py: Python<'_>,
        record: Obj<'_, SealedRecord>,
        notice: Obj<'_, VerifiedNotice>,
    ) -> PyResult<SealedRecord> {
        let record = &*record;
        let notice = &*notice;
        detached(py, || self.0.rewrap(&record.0, &notice.0, &mut OsRng))
            .map(SealedRecord)
            .map_err(to_py_err)
    }

    /// Catches a **closed** format v3 stream read from the binary file `input` up to the
    /// verified `notice` by re-wrapping its header: writes to `output` a new header at the
    /// notice's versions carrying `trailer` (`stream_trailer` of the stream, logged by its
    /// sealer at close), then the stream's frames byte for byte, checked against the trailer.
    /// Keys issued before the notice's bumps stop opening it. Re-wrap only a stream closed
    /// before the revocation (its close entry precedes the notice's in the chain); a stream
    /// still being written then is re-encrypted (`reencrypt_stream`). Returns the new
    /// header's info (its `trailer` is `trailer`). On error, discard what was written.
    /// Raises InvalidArgument for a v2 stream or a trailer that is not this stream's,
    /// WrongAuthority, FutureVersion, StaleNotice (as `rewrap`), DecryptionFailed (a header
    /// that fails its checks, frames other than the trailer's) or InvalidEncoding.
    fn rewrap_stream(
        &self,
        py: Python<'_>,
        input: Py<PyAny>,
        trailer: Obj<'_, Trailer>,
        notice: Obj<'_, VerifiedNotice>,
        output: Py<PyAny>,
    ) -> PyResult<StreamInfo> {
        let trailer = &*trailer;
        let notice = &*notice;
        run_between(py, input, output, |reader, writer| {
            self.0
                .rewrap_stream(reader, &trailer.0, &notice.0, writer, &mut OsRng)
        })
        .map(StreamInfo)
    }

    /// Catches a stream (v2 or v3) read from the binary file `input` up to the verified
    /// `notice` by re-encrypting it whole under a fresh stream key: writes to `output` a
    /// format v3 stream with the same id, metadata, chunk size and payload at the notice's
    /// versions (for a stream still being written at the revocation, and every v2 stream).
    /// No key from before the notice's bumps opens any of it. A format v3 stream is read
    /// against `trailer`, the one its sealer logged at close (frames forged with its stream
    /// key are refused, not re-encrypted); a v2 stream has none: pass `None`. Returns the
    /// new stream's info; its trailer (to log at close) is `stream_trailer` of the output.
    /// On error, discard what was written. Raises InvalidArgument (a v3 stream without its
    /// trailer or with another, a v2 stream with one), WrongAuthority, FutureVersion,
    /// StaleNotice, DecryptionFailed (a damaged or forged stream) or InvalidEncoding.
    fn reencrypt_stream(
        &self,
        py: Python<'_>,
        input: Py<PyAny>,
        trailer: Option<Obj<'_, Trailer>>,
        notice: Obj<'_, VerifiedNotice>,
        output: Py<PyAny>,
    ) -> PyResult<StreamInfo> {
        let trailer = trailer.as_deref().map(|t| &t.0);
        let notice = &*notice;
        run_between(py, input, output, |reader, writer| {
            self.0
                .reencrypt_stream(reader, trailer, &notice.0, writer, &mut OsRng)
        })
        .map(StreamInfo)
    }

    /// Hazardous: the master secret key as bytes (Rust's `hazmat::SecretKeyBytes`). Whoever
    /// holds them can issue any key and open every record of this authority: store them
    /// encrypted, in an HSM or offline, never log them.
    fn to_secret_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.to_secret_bytes())
    }

    /// Hazardous: the inverse of `to_secret_bytes` (recomputes the public key).
    #[staticmethod]
    fn from_secret_bytes(py: Python<'_>, data: Bytes) -> PyResult<Self> {
        let data: &[u8] = &data;
        detached(py, || cipherchart::Authority::from_secret_bytes(data))
            .map(Self)
            .map_err(to_py_err)
    }

    fn __repr__(&self) -> String {
        format!(
            "Authority(public_key={})",
            crate::short_hex(&self.0.public_key().id())
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

/// A user's decryption key for a set of attributes.
///
/// Secret: no equality, no hash; `repr` shows only the attributes. `bytes(key)` and pickling
/// export the secret key (an explicit user action).
#[pyclass(module = "cipherchart", frozen)]
#[derive(Debug)]
pub struct UserKey(pub cipherchart::UserKey);

#[pymethods]
impl UserKey {
    fn __repr__(&self) -> String {
        format!("UserKey(attributes={:?})", self.attributes())
    }

    /// The key's attributes, canonical and sorted.
    #[getter]
    fn attributes(&self) -> Vec<String> {
        self.0
            .attributes()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect()
    }

    /// The key's attributes with their versions, `[(name, version), ...]` in the order of
    /// `attributes` (every version 0 for a key issued with `issue_key`).
    fn versioned_attributes(&self) -> Vec<(String, u32)> {
        name_versions(&self.0.versioned_attributes())
    }

    /// Whether the key holds `attribute`.
    fn has_attribute(&self, attribute: Str) -> bool {
        let attribute: &str = &attribute.0;
        self.0.has_attribute(attribute)
    }

    /// Opens a sealed record (any hop count), returning the payload.
    fn open<'py>(
        &self,
        py: Python<'py>,
        public_key: Obj<'_, PublicKey>,
        record: Obj<'_, SealedRecord>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let public_key = &*public_key;
        let record = &*record;
        let payload = detached(py, || self.0.open(&public_key.0, &record.0)).map_err(to_py_err)?;
        Ok(PyBytes::new(py, &payload))
    }

    /// Opens a record whose layers may be of several authorities (federation,
    /// docs/federation.md): `public_keys` are the authorities' public keys you trust; the
    /// key opens the oldest layer of its own authority it satisfies. Raises WrongAuthority
    /// if a needed public key is missing.
    fn open_federated<'py>(
        &self,
        py: Python<'py>,
        public_keys: Seq<Obj<'py, PublicKey>>,
        record: Obj<'_, SealedRecord>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let keys: Vec<&cipherchart::PublicKey> = public_keys.iter().map(|k| &k.0).collect();
        let record = &*record;
        let payload =
            detached(py, || self.0.open_federated(&keys, &record.0)).map_err(to_py_err)?;
        Ok(PyBytes::new(py, &payload))
    }

    /// Opens each record of `records`, in order: `open` in a loop, each call without the GIL,
    /// and `progress(done, total)` (if given) after each record. One entry per record: the
    /// payload, or the exception (not raised) for that record. An exception of `progress`
    /// raises and stops the batch.
    #[pyo3(signature = (public_key, records, progress = None))]
    fn open_batch<'py>(
        &self,
        py: Python<'py>,
        public_key: Obj<'_, PublicKey>,
        records: Seq<Obj<'py, SealedRecord>>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let pk = &public_key.0;
        let total = records.len();
        let mut out = Vec::with_capacity(total);
        for (i, record) in records.iter().enumerate() {
            let record = &record.0;
            let item = match detached(py, || self.0.open(pk, record)) {
                Ok(payload) => PyBytes::new(py, &payload).into_any(),
                Err(e) => to_py_err(e).into_value(py).into_bound(py).into_any(),
            };
            out.push(item);
            crate::record::report(progress.as_ref(), i + 1, total)?;
        }
        PyList::new(py, out)
    }

    /// Opens a stream read from the binary file `input` (`.read(n)`), writing the payload to
    /// `output` (`.write(b)`) chunk by chunk. On error, discard everything written.
    fn open_stream(
        &self,
        py: Python<'_>,
        public_key: Obj<'_, PublicKey>,
        input: Py<PyAny>,
        output: Py<PyAny>,
    ) -> PyResult<StreamInfo> {
        let public_key = &*public_key;
        crate::io::check_files(py, &input, Some(&output))?;
        let reader = PyReader::new(input);
        let writer = PyWriter::new(output);
        let result = detached(py, || {
            self.0
                .open_stream(&public_key.0, reader.adapter(), writer.adapter())
        });
        crate::io::finish(result, &reader, &writer).map(StreamInfo)
    }

    /// Opens a session header: the opener then opens each record of the session.
    fn open_session(
        &self,
        py: Python<'_>,
        public_key: Obj<'_, PublicKey>,
        header: Obj<'_, SessionHeader>,
    ) -> PyResult<SessionOpener> {
        let public_key = &*public_key;
        let header = &*header;
        detached(py, || self.0.open_session(&public_key.0, &header.0))
            .map(SessionOpener)
            .map_err(to_py_err)
    }

    /// The key id of the authority that issued the key.
    #[getter]
    fn authority<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.authority())
    }
}
