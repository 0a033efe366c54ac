//! Rust `Read`/`Write` over Python binary file objects (`.read(n)`, `.write(b)`).
//!
//! The core streams in chunks with the GIL released; each `read`/`write` call takes the GIL
//! back (`Python::attach`) just for the Python call. A Python exception raised by the file
//! object is kept and re-raised as is once the core returns, instead of the generic `IoError`.

use std::io;
use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::to_py_err;

/// The first Python exception a file object raised.
#[derive(Default, Debug)]
struct Captured(Mutex<Option<PyErr>>);

impl Captured {
    fn keep(&self, e: PyErr) -> io::Error {
        let message = e.to_string();
        if let Ok(mut slot) = self.0.lock() {
            slot.get_or_insert(e);
        }
        io::Error::other(message)
    }

    fn take(&self) -> Option<PyErr> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// A readable Python binary file.
#[derive(Debug)]
pub struct PyReader {
    file: Py<PyAny>,
    error: Captured,
}

/// A writable Python binary file.
#[derive(Debug)]
pub struct PyWriter {
    file: Py<PyAny>,
    error: Captured,
}

/// The `Read` half: borrowed so the caller keeps the captured error.
#[derive(Debug)]
pub struct ReadAdapter<'a>(&'a PyReader);

/// The `Write` half.
#[derive(Debug)]
pub struct WriteAdapter<'a>(&'a PyWriter);

impl PyReader {
    /// Wraps `file` (anything with `.read(n) -> bytes`).
    pub fn new(file: Py<PyAny>) -> Self {
        Self {
            file,
            error: Captured::default(),
        }
    }

    /// A `Read` over the file.
    pub fn adapter(&self) -> ReadAdapter<'_> {
        ReadAdapter(self)
    }
}

impl PyWriter {
    /// Wraps `file` (anything with `.write(b)`).
    pub fn new(file: Py<PyAny>) -> Self {
        Self {
            file,
            error: Captured::default(),
        }
    }

    /// A `Write` over the file.
    pub fn adapter(&self) -> WriteAdapter<'_> {
        WriteAdapter(self)
    }
}

/// The most one `read` asks a Python file for. The core may offer a larger buffer (a
/// stream header's declared length, up to 4 MiB); asking for at most this much keeps a
/// file object from allocating what a few bytes of input declared (outside review SB-5).
const MAX_READ: usize = 64 * 1024;

impl io::Read for ReadAdapter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = buf.len().min(MAX_READ);
        Python::attach(|py| {
            let got = match self.0.file.bind(py).call_method1("read", (want,)) {
                Ok(value) => value,
                // The file object's own exception: kept and re-raised as is.
                Err(e) => return Err(self.0.error.keep(e)),
            };
            // Only raw bytes: `bytes`, `bytearray` or a `memoryview` (its bytes, whatever its
            // item format). A list, an `array('H')` converted item by item, a `str` or `None`
            // would be read as something else than what the file holds (outside review SB-2).
            let data = crate::args::Bytes::extract(got.as_borrowed())
                .map_err(|_| io::Error::other("read(n) returned something other than bytes"))?;
            if data.len() > want {
                return Err(io::Error::other("read(n) returned more than n bytes"));
            }
            buf[..data.len()].copy_from_slice(&data);
            Ok(data.len())
        })
    }
}

impl io::Write for WriteAdapter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Python::attach(|py| {
            let n = match self
                .0
                .file
                .bind(py)
                .call_method1("write", (PyBytes::new(py, buf),))
            {
                Ok(n) => n,
                // The file object's own exception: kept and re-raised as is.
                Err(e) => return Err(self.0.error.keep(e)),
            };
            // Raw files may write less (an int); buffered ones write all (or None). Anything
            // else (a negative or huge int, a str, a float) is the file's error, reported as
            // IoError rather than a bare OverflowError or TypeError (outside review SB-3).
            if n.is_none() {
                return Ok(buf.len());
            }
            match n.extract::<usize>() {
                Ok(n) if n <= buf.len() => Ok(n),
                Ok(_) => Err(io::Error::other("write(b) reported more than len(b) bytes")),
                Err(_) => Err(io::Error::other(
                    "write(b) returned something other than None or a count of bytes",
                )),
            }
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Python::attach(|py| {
            let file = self.0.file.bind(py);
            match file.hasattr("flush") {
                Ok(true) => file.call_method0("flush").map(drop),
                Ok(false) => Ok(()),
                Err(e) => Err(e),
            }
            .map_err(|e| self.0.error.keep(e))
        })
    }
}

/// Refuses, before anything runs, an `input` with no callable `read` and an `output` (`None`
/// for a call that writes nothing) with no callable `write`: raw bytes given where a file
/// is expected are `InvalidArgument` naming the fix, not the `AttributeError` of the first
/// `read` (binding review note, session 36).
pub fn check_files(py: Python<'_>, input: &Py<PyAny>, output: Option<&Py<PyAny>>) -> PyResult<()> {
    let has = |file: &Py<PyAny>, method: &str| {
        file.bind(py)
            .getattr(method)
            .map(|m| m.is_callable())
            .unwrap_or(false)
    };
    let kind = |file: &Py<PyAny>| {
        file.bind(py)
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "an object".to_owned())
    };
    if !has(input, "read") {
        return Err(crate::args::invalid_argument(format!(
            "input must be a binary file object with read(n) (for bytes in memory, \
             io.BytesIO(data)), got {}",
            kind(input)
        )));
    }
    if let Some(output) = output.filter(|o| !has(o, "write")) {
        return Err(crate::args::invalid_argument(format!(
            "output must be a binary file object with write(b) (for bytes in memory, \
             io.BytesIO()), got {}",
            kind(output)
        )));
    }
    Ok(())
}

/// The Python result of a core call that used the files: the file object's own exception if
/// it raised one, else the core error's class.
pub fn finish<T>(
    result: cipherchart::Result<T>,
    reader: &PyReader,
    writer: &PyWriter,
) -> PyResult<T> {
    result.map_err(|e| {
        reader
            .error
            .take()
            .or_else(|| writer.error.take())
            .unwrap_or_else(|| to_py_err(e))
    })
}
