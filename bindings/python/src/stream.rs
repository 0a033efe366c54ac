//! Streams: `seal_stream`, `seal_stream_with_notice`, `read_stream_info`, `StreamInfo` (opening is `UserKey.open_stream`).

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rand_core::OsRng;

use crate::args::{Bytes, Obj, UInt};
use crate::io::{PyReader, PyWriter, ReadAdapter, WriteAdapter};
use crate::keys::PublicKey;
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

    fn __repr__(&self) -> String {
        format!(
            "StreamInfo(stream_id={}, chunk_size={})",
            crate::short_hex(&self.0.stream_id),
            self.0.chunk_size
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
    seal_between(py, input, output, |reader, writer| {
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
    seal_between(py, input, output, |reader, writer| {
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

/// Runs a sealer from the file `input` to the file `output` with the GIL released; the
/// file objects' own exceptions are re-raised as they are (`crate::io::finish`).
fn seal_between<F>(py: Python<'_>, input: Py<PyAny>, output: Py<PyAny>, seal: F) -> PyResult<u64>
where
    F: for<'a> FnOnce(ReadAdapter<'a>, WriteAdapter<'a>) -> cipherchart::Result<u64> + Send,
{
    let reader = PyReader::new(input);
    let writer = PyWriter::new(output);
    let result = detached(py, || seal(reader.adapter(), writer.adapter()));
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
    let reader = PyReader::new(input);
    let writer = PyWriter::new(py.None());
    let result = detached(py, || cipherchart::read_stream_info(reader.adapter()));
    crate::io::finish(result, &reader, &writer).map(StreamInfo)
}
