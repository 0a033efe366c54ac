//! Argument extraction shared by every binding, so that every input error is an
//! `InvalidArgument` (a `CipherchartError`) and every bytes parameter takes any bytes-like
//! value:
//!
//! - [`Bytes`]: `bytes`, `bytearray` or `memoryview` (its bytes, `memoryview.tobytes()`);
//! - [`Fixed`]: the same, of exactly `N` bytes (digests, hashes, grant ids);
//! - [`Seq`]: a sequence of any of these or of objects (not a lone `str` or bytes);
//! - [`Strings`]: a sequence of `str` (a lone `str` or `bytes` is refused, not split into
//!   characters);
//! - [`UInt`]: a non-negative `int` (sizes, indexes, sequence numbers);
//! - [`Passphrase`]: a `str` with a UTF-8 form (a lone surrogate raises `KeyFileError` with
//!   kind `invalid_passphrase`, not `UnicodeEncodeError`);
//! - [`Time`]: seconds since the Unix epoch, a non-negative `int` or `float` (`time.time()`)
//!   or a timezone-aware `datetime` (its POSIX time); floats and datetimes are rounded down
//!   to the second. A naive `datetime` is refused (its time zone is unknown), and so are
//!   negative, NaN and infinite times.
//!
//! An argument that does not fit raises `InvalidArgument` saying what was expected; pyo3
//! adds the note `while processing '<argument name>'` (Python 3.11+).

use std::ops::Deref;

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyMemoryView, PyString};

/// An `InvalidArgument` exception with `message`.
pub(crate) fn invalid_argument(message: impl Into<String>) -> PyErr {
    let message = format!("invalid argument: {}", message.into());
    Python::attach(|py| {
        py.import("cipherchart.errors")
            .and_then(|m| m.getattr("InvalidArgument"))
            .and_then(|cls| cls.call1((message,)))
            .map(PyErr::from_value)
            .unwrap_or_else(|import_failure| import_failure)
    })
}

fn type_name(obj: &Borrowed<'_, '_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned())
}

/// A bytes-like argument: `bytes`, `bytearray` or `memoryview`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Bytes> for Vec<u8> {
    fn from(b: Bytes) -> Vec<u8> {
        b.0
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Bytes {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Self(b.as_bytes().to_vec()));
        }
        if let Ok(b) = obj.cast::<PyByteArray>() {
            return Ok(Self(b.to_vec()));
        }
        if obj.cast::<PyMemoryView>().is_ok() {
            let b = obj.call_method0("tobytes")?;
            let b = b.cast::<PyBytes>()?;
            return Ok(Self(b.as_bytes().to_vec()));
        }
        Err(invalid_argument(format!(
            "expected bytes, bytearray or memoryview, got {}",
            type_name(&obj)
        )))
    }
}

/// A bytes-like argument of exactly `N` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fixed<const N: usize>(pub [u8; N]);

impl<'a, 'py, const N: usize> FromPyObject<'a, 'py> for Fixed<N> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let b = Bytes::extract(obj)?;
        let len = b.len();
        b.0.try_into()
            .map(Self)
            .map_err(|_| invalid_argument(format!("expected {N} bytes, got {len}")))
    }
}

/// A sequence of `str` (a lone `str` or `bytes` is refused).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Strings(pub Vec<String>);

impl<'a, 'py> FromPyObject<'a, 'py> for Strings {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let refuse = || {
            invalid_argument(format!(
                "expected a sequence of str (e.g. a list), got {}",
                type_name(&obj)
            ))
        };
        if obj.cast::<PyString>().is_ok()
            || obj.cast::<PyBytes>().is_ok()
            || obj.cast::<PyByteArray>().is_ok()
        {
            return Err(refuse());
        }
        let mut out = Vec::new();
        for item in obj.try_iter().map_err(|_| refuse())? {
            let item = item?;
            let s = item.cast::<PyString>().map_err(|_| {
                invalid_argument(format!(
                    "expected a sequence of str, got an item of type {}",
                    item.get_type()
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                ))
            })?;
            out.push(s.extract::<String>()?);
        }
        Ok(Self(out))
    }
}

/// A non-negative `int`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UInt(pub u64);

fn non_negative(obj: &Borrowed<'_, '_, PyAny>, what: &str) -> PyResult<u64> {
    // Any int-like value (`__index__`: numpy integers too); a float, str... is refused, and
    // so is a bool (an int to Python, but `True` as an index or a time is a caller's slip).
    if obj.cast::<pyo3::types::PyBool>().is_ok() {
        return Err(invalid_argument(format!("expected {what}, got a bool")));
    }
    obj.extract::<u64>().map_err(|_| {
        let mut got = obj
            .repr()
            .map(|r| r.to_string())
            .unwrap_or_else(|_| type_name(obj));
        if got.len() > 40 {
            got = format!("a {}", type_name(obj));
        }
        invalid_argument(format!("expected {what}, got {got}"))
    })
}

impl<'a, 'py> FromPyObject<'a, 'py> for UInt {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        non_negative(&obj, "a non-negative int (at most 2**64 - 1)").map(Self)
    }
}

/// Seconds since the Unix epoch: a non-negative `int` or a timezone-aware `datetime`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Time(pub u64);

impl<'a, 'py> FromPyObject<'a, 'py> for Time {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let py = obj.py();
        let datetime = py.import("datetime")?.getattr("datetime")?;
        if obj.is_instance(&datetime)? {
            if obj.getattr("tzinfo")?.is_none() || obj.call_method0("utcoffset")?.is_none() {
                return Err(invalid_argument(
                    "a naive datetime has no time zone: give a timezone-aware datetime \
                     (e.g. datetime(..., tzinfo=timezone.utc)) or POSIX seconds (an int)",
                ));
            }
            let ts: f64 = obj.call_method0("timestamp")?.extract()?;
            if !(0.0..18_446_744_073_709_551_616.0).contains(&ts) {
                return Err(invalid_argument(format!(
                    "a datetime before 1970-01-01 UTC is not a valid time ({ts} s since the epoch)"
                )));
            }
            // Rounded down to the second (saturating float-to-int cast).
            return Ok(Self(ts.floor() as u64));
        }
        if let Ok(f) = obj.cast::<pyo3::types::PyFloat>() {
            let t = f.value();
            if !(0.0..18_446_744_073_709_551_616.0).contains(&t) {
                return Err(invalid_argument(format!(
                    "a time is non-negative seconds since the Unix epoch, got {t}"
                )));
            }
            // Rounded down to the second (in range, so the cast is exact).
            return Ok(Self(t.floor() as u64));
        }
        non_negative(
            &obj,
            "a time: non-negative int seconds since the Unix epoch or a timezone-aware datetime",
        )
        .map(Self)
    }
}

/// A sequence (a list, tuple, any iterable but a `str` or bytes) of `T`: a lone `str` or
/// bytes, or a non-iterable, raises `InvalidArgument`, and so does an item that does not
/// extract (its error is kept when it is already a `CipherchartError`). Where the order is
/// the meaning (a session's records), [`Ordered`] also refuses sets and mappings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seq<T>(pub Vec<T>);

impl<T> Deref for Seq<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<'a, 'py, T: FromPyObjectOwned<'py>> FromPyObject<'a, 'py> for Seq<T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let py = obj.py();
        let refuse = || {
            invalid_argument(format!(
                "expected a sequence (e.g. a list), got {}",
                type_name(&obj)
            ))
        };
        if obj.cast::<PyString>().is_ok()
            || obj.cast::<PyBytes>().is_ok()
            || obj.cast::<PyByteArray>().is_ok()
        {
            return Err(refuse());
        }
        let base = py
            .import("cipherchart.errors")?
            .getattr("CipherchartError")?;
        let mut out = Vec::new();
        for (i, item) in obj.try_iter().map_err(|_| refuse())?.enumerate() {
            let item = item?;
            let value = item.extract::<T>().map_err(|e| {
                let e: PyErr = e.into();
                if e.value(py).is_instance(&base).unwrap_or(false) {
                    e
                } else {
                    invalid_argument(format!("item {i}: {}", e.value(py)))
                }
            })?;
            out.push(value);
        }
        Ok(Self(out))
    }
}

/// A [`Seq`] whose order is its meaning (a session's records, in order): a set or a
/// mapping, whose iteration order the caller did not choose, raises `InvalidArgument`
/// rather than giving another trailer and other proofs (outside review SB-4).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ordered<T>(pub Vec<T>);

impl<T> Deref for Ordered<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<'a, 'py, T: FromPyObjectOwned<'py>> FromPyObject<'a, 'py> for Ordered<T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let abc = obj.py().import("collections.abc")?;
        if obj.is_instance(&abc.getattr("Set")?)? || obj.is_instance(&abc.getattr("Mapping")?)? {
            return Err(invalid_argument(format!(
                "expected a sequence in order (e.g. a list), got {}: a set or mapping has no \
                 order",
                type_name(&obj)
            )));
        }
        Seq::<T>::extract(obj).map(|s| Self(s.0))
    }
}

/// An argument that must be an instance of the cipherchart class `T`: anything else raises
/// `InvalidArgument` ("expected a PublicKey, got str"), not pyo3's `TypeError`. Derefs to `T`.
#[derive(Debug)]
pub struct Obj<'py, T: pyo3::PyClass> {
    inner: PyRef<'py, T>,
}

impl<T: pyo3::PyClass> Deref for Obj<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<'a, 'py, T: pyo3::PyClass> FromPyObject<'a, 'py> for Obj<'py, T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        match obj.extract::<PyRef<'py, T>>() {
            Ok(inner) => Ok(Self { inner }),
            Err(_) => {
                let want = T::type_object(obj.py())
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_else(|_| "cipherchart object".to_owned());
                let article = if want.starts_with(['A', 'E', 'I', 'O', 'U']) {
                    "an"
                } else {
                    "a"
                };
                Err(invalid_argument(format!(
                    "expected {article} {want}, got {}",
                    type_name(&obj)
                )))
            }
        }
    }
}

/// A `str` argument: anything else (bytes, a number, None) raises `InvalidArgument`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str(pub String);

impl<'a, 'py> FromPyObject<'a, 'py> for Str {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        match obj.cast::<PyString>() {
            Ok(s) => Ok(Self(s.extract::<String>()?)),
            Err(_) => Err(invalid_argument(format!(
                "expected a str, got {}",
                type_name(&obj)
            ))),
        }
    }
}

/// A key file's passphrase: a `str` (anything else, `bytes` included, raises
/// `InvalidArgument`). A `str` that has no UTF-8 form (a lone surrogate such as `"\ud800"`)
/// raises `KeyFileError` with kind `invalid_passphrase`, the core's error for a passphrase it
/// cannot use, rather than Python's `UnicodeEncodeError`.
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(pub String);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(<hidden>)")
    }
}

impl Deref for Passphrase {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Passphrase {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let s = obj.cast::<PyString>().map_err(|_| {
            invalid_argument(format!(
                "expected a str passphrase, got {}",
                type_name(&obj)
            ))
        })?;
        match s.to_cow() {
            Ok(text) => Ok(Self(text.into_owned())),
            Err(_) => Err(crate::to_py_err(cipherchart::Error::KeyFile(
                cipherchart::KeyFileError::InvalidPassphrase,
            ))),
        }
    }
}

/// A `bool` argument (`True` or `False`; not an int or a str).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag(pub bool);

impl<'a, 'py> FromPyObject<'a, 'py> for Flag {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        match obj.cast::<pyo3::types::PyBool>() {
            Ok(b) => Ok(Self(b.is_true())),
            Err(_) => Err(invalid_argument(format!(
                "expected a bool, got {}",
                type_name(&obj)
            ))),
        }
    }
}

/// A file system path: a `str` or an `os.PathLike` (`pathlib.Path`), through `os.fspath`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FsPath(pub std::path::PathBuf);

impl<'a, 'py> FromPyObject<'a, 'py> for FsPath {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let refuse = || {
            invalid_argument(format!(
                "expected a path (str or os.PathLike), got {}",
                type_name(&obj)
            ))
        };
        let path = obj
            .py()
            .import("os")?
            .call_method1("fspath", (obj,))
            .map_err(|_| refuse())?;
        path.extract::<std::path::PathBuf>()
            .map(Self)
            .map_err(|_| refuse())
    }
}
