//! Streams: `seal_stream`, `seal_stream_with_notice`, `read_stream_info`, `StreamInfo`,
//! `stream_trailer` and `Trailer` (opening is `UserKey.open_stream`; the catch-up of stored
//! streams is `Authority.rewrap_stream` and `Authority.reencrypt_stream`, `keys.rs`).

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rand_core::OsRng;

use crate::args::{Bytes, Obj, UInt};
use crate::io::{PyReader, PyWriter, ReadAdapter, WriteAdapter};
use crate::keys::PublicKey;
use crate::version_notice::VerifiedNotice;
use crate::{detached, Policy};

/// The public header of a stream: id, metadata, policy, chunk size.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StreamInfo(pub cipherchart::StreamInfo);

#[pymethods]
impl StreamInfo {
    /// The stream id given at sealing.
    #[getter]
    fn stream_id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.stream_id)
    }

    /// The metadata given at sealing.
    #[getter]
    fn metadata<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.metadata)
    }

    /// The policy the stream is sealed under.
    #[getter]
    fn policy(&self) -> Policy {
        Policy(self.0.policy.clone())
    }

    /// The plaintext chunk size.
    #[getter]
    fn chunk_size(&self) -> u32 {
        self.0.chunk_size
    }

    /// The serial of the notice a format v3 stream was sealed under; None for v2.
    #[getter]
    fn notice_serial(&self) -> Option<u64> {
        self.0.notice_serial
    }

    /// The policy's attributes with their versions, `[(name, version), ...]` in LSSS row
    /// order (every version 0 for a v2 stream; the holder guard is not listed).
    fn attribute_versions(&self) -> Vec<(String, u32)> {
        crate::version_notice::name_versions(&self.0.attribute_versions)
    }

    /// The id of the authority whose public key the stream is sealed under (`PublicKey.id`).
    #[getter]
    fn authority<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.authority)
    }

    /// The digest of the stream's KEM header (what a trailer and the catch-up's chain entry
    /// name).
    #[getter]
    fn header_digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.header_digest)
    }

    /// For a v3 stream whose header was re-wrapped after close (`Authority.rewrap_stream`):
    /// the trailer its frames are checked against when it is opened; None for a stream as
    /// sealed.
    #[getter]
    fn trailer(&self) -> Option<Trailer> {
        self.0.trailer.clone().map(Trailer)
    }

    /// Whether the verified `notice` concerns this stream: it is sealed under the notice's
    /// authority and names an attribute at a version lower than the notice's (a v2 stream is
    /// at version 0 everywhere). Public data only.
    fn needs_catch_up(&self, notice: Obj<'_, VerifiedNotice>) -> bool {
        self.0.needs_catch_up(&notice.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "StreamInfo(stream_id={}, chunk_size={})",
            crate::short_hex(&self.0.stream_id),
            self.0.chunk_size
        )
    }
}

/// The trailer of a closed session or stream: what it was (its header's digest and key
/// commitment, the count and Merkle root of its items), in 32 bytes a chain entry can name
/// (`digest`). Public: comparable, hashable (by its digest), picklable.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Trailer(pub cipherchart::Trailer);

#[pymethods]
impl Trailer {
    /// What the trailer closes: `"stream"` or `"session"`.
    #[getter]
    fn kind(&self) -> &'static str {
        match self.0.kind() {
            cipherchart::TrailerKind::Stream => "stream",
            cipherchart::TrailerKind::Session => "session",
        }
    }

    /// The stream (or session) id.
    #[getter]
    fn id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.id())
    }

    /// The digest of the KEM header the items were sealed under (the header at close).
    #[getter]
    fn header_digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.header_digest())
    }

    /// The key commitment of that header's envelope.
    #[getter]
    fn key_commitment<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.key_commitment())
    }

    /// The number of items (a stream's frames, at least one).
    #[getter]
    fn count(&self) -> u64 {
        self.0.count()
    }

    /// The RFC 6962 Merkle root over the items' digests, in order.
    #[getter]
    fn root<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.root())
    }

    /// The trailer digest: SHA-256 of a domain tag and `bytes(trailer)` (what chain entries
    /// and a re-wrapped header name).
    #[getter]
    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.digest())
    }

    fn __repr__(&self) -> String {
        format!(
            "Trailer(kind={}, id={}, count={})",
            self.kind(),
            crate::short_hex(self.0.id()),
            self.0.count()
        )
    }
}

/// Seals everything the binary file `input` yields (`.read(n)`) under `policy`, writing the
/// stream to `output` (`.write(b)`). Returns the number of plaintext bytes sealed.
#[pyfunction]
#[pyo3(signature = (public_key, policy, stream_id, metadata, input, output, chunk_size=None))]
#[allow(clippy::too_many_arguments)]
pub fn seal_stream(
    py: Python<'_>,
    public_key: Obj<'_, PublicKey>,
    policy: Obj<'_, Policy>,
    stream_id: Bytes,
    metadata: Bytes,
    input: Py<PyAny>,
    output: Py<PyAny>,
    chunk_size: Option<UInt>,
) -> PyResult<u64> {
    let (public_key, policy) = (&*public_key, &*policy);
    let (stream_id, metadata): (&[u8], &[u8]) = (&stream_id, &metadata);
    let chunk_size = chunk_size_or_default(chunk_size)?;
    run_between(py, input, output, |reader, writer| {
        cipherchart::seal_stream_with_chunk_size(
            &public_key.0,
            &policy.0,
            stream_id,
            metadata,
            chunk_size,
            reader,
            writer,
            &mut OsRng,
        )
    })
}

/// Seals everything the binary file `input` yields under `policy` at the versions of the
/// verified `notice` (format v3): keys issued before a bump of one of the policy's names do
/// not open it. Returns the number of plaintext bytes sealed. Raises WrongAuthority if the
/// notice is not `public_key`'s authority's.
#[pyfunction]
#[pyo3(signature = (public_key, notice, policy, stream_id, metadata, input, output, chunk_size=None))]
#[allow(clippy::too_many_arguments)]
pub fn seal_stream_with_notice(
    py: Python<'_>,
    public_key: Obj<'_, PublicKey>,
    notice: Obj<'_, crate::version_notice::VerifiedNotice>,
    policy: Obj<'_, Policy>,
    stream_id: Bytes,
    metadata: Bytes,
    input: Py<PyAny>,
    output: Py<PyAny>,
    chunk_size: Option<UInt>,
) -> PyResult<u64> {
    let (public_key, notice, policy) = (&*public_key, &*notice, &*policy);
    let (stream_id, metadata): (&[u8], &[u8]) = (&stream_id, &metadata);
    let chunk_size = chunk_size_or_default(chunk_size)?;
    run_between(py, input, output, |reader, writer| {
        cipherchart::seal_stream_with_notice(
            &public_key.0,
            &notice.0,
            &policy.0,
            stream_id,
            metadata,
            chunk_size,
            reader,
            writer,
            &mut OsRng,
        )
    })
}

/// Runs a core call that reads the file `input` and writes the file `output` (a sealer, the
/// catch-up of a stream; `None` as `output` for a call that only reads) with the GIL
/// released; the file objects' own exceptions are re-raised as they are
/// (`crate::io::finish`).
pub(crate) fn run_between<T, F>(
    py: Python<'_>,
    input: Py<PyAny>,
    output: Py<PyAny>,
    run: F,
) -> PyResult<T>
where
    T: Send,
    F: for<'a> FnOnce(ReadAdapter<'a>, WriteAdapter<'a>) -> cipherchart::Result<T> + Send,
{
    crate::io::check_files(py, &input, Some(&output))?;
    let reader = PyReader::new(input);
    let writer = PyWriter::new(output);
    let result = detached(py, || run(reader.adapter(), writer.adapter()));
    crate::io::finish(result, &reader, &writer)
}

/// As [`run_between`] for a call that only reads `input`.
fn run_reading<T, F>(py: Python<'_>, input: Py<PyAny>, run: F) -> PyResult<T>
where
    T: Send,
    F: for<'a> FnOnce(ReadAdapter<'a>) -> cipherchart::Result<T> + Send,
{
    crate::io::check_files(py, &input, None)?;
    let reader = PyReader::new(input);
    let writer = PyWriter::new(py.None());
    let result = detached(py, || run(reader.adapter()));
    crate::io::finish(result, &reader, &writer)
}

/// The chunk size argument: the default when absent, refused above 2**32 - 1 (the core
/// refuses 0 and anything above its maximum).
fn chunk_size_or_default(chunk_size: Option<UInt>) -> PyResult<u32> {
    match chunk_size {
        None => Ok(cipherchart::limits::DEFAULT_CHUNK_SIZE),
        Some(UInt(n)) => u32::try_from(n).map_err(|_| {
            crate::args::invalid_argument(format!("chunk_size {n} is above 2**32 - 1"))
        }),
    }
}

/// Reads only the public header of a stream from the binary file `input`.
#[pyfunction]
pub fn read_stream_info(py: Python<'_>, input: Py<PyAny>) -> PyResult<StreamInfo> {
    run_reading(py, input, |reader| cipherchart::read_stream_info(reader)).map(StreamInfo)
}

/// The trailer of the format v3 stream read from the binary file `input` (no key needed):
/// what its sealer logs at close (`Entry.for_stream_close`) and the authority re-wraps its
/// header with (`Authority.rewrap_stream`). For a stream re-wrapped already, its frames are
/// checked against the trailer it carries, which is returned. Raises InvalidArgument for a
/// format v2 stream (it has no trailer: re-encrypt it), InvalidEncoding for a malformed
/// header or bytes after the last frame, DecryptionFailed for a malformed or truncated frame
/// or frames other than a re-wrapped header's trailer.
#[pyfunction]
pub fn stream_trailer(py: Python<'_>, input: Py<PyAny>) -> PyResult<Trailer> {
    run_reading(py, input, |reader| cipherchart::stream_trailer(reader)).map(Trailer)
}
