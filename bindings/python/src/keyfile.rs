//! Passphrase-protected key files (`cipherchart::KeyFile`): `KeyFileOptions`, and
//! `to_key_file`, `from_key_file`, `write_key_file` and `read_key_file` on every secret key
//! type (`UserKey`, `ReKey`, `DelegationKey`, `BlsSigningKey`, `Authority`).
//!
//! Every call runs scrypt (about a second at the default work factor 18), so every one runs
//! with the GIL released ([`detached`]).

use cipherchart::KeyFile;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::args::{Bytes, Flag, FsPath, Obj, Passphrase, UInt};
use crate::rekey::DelegationKey;
use crate::{detached, to_py_err};

/// How key files are written and read: the scrypt work factor to write with (15 to 20;
/// 18 by default), the highest one to accept when reading (15 to 20; 18 by default), and
/// whether `write_key_file` may replace an existing file (no by default). Immutable,
/// comparable.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyFileOptions(pub cipherchart::KeyFileOptions);

/// A work factor argument as the core's `u8`: anything above 255 is out of the core's range
/// all the same, so it is passed as 255 and refused there with the core's message.
fn log_n(value: UInt) -> u8 {
    u8::try_from(value.0).unwrap_or(u8::MAX)
}

#[pymethods]
impl KeyFileOptions {
    /// Options with the given work factors (each 15 to 20, else InvalidArgument) and
    /// whether writing may replace an existing file.
    #[new]
    #[pyo3(
        signature = (*, work_factor=None, max_work_factor=None, replace_existing=Flag(false)),
        text_signature = "(*, work_factor=18, max_work_factor=18, replace_existing=False)"
    )]
    fn new(
        work_factor: Option<UInt>,
        max_work_factor: Option<UInt>,
        replace_existing: Flag,
    ) -> PyResult<Self> {
        let mut options = cipherchart::KeyFileOptions::new();
        if let Some(w) = work_factor {
            options = options.with_work_factor(log_n(w)).map_err(to_py_err)?;
        }
        if let Some(m) = max_work_factor {
            options = options.with_max_work_factor(log_n(m)).map_err(to_py_err)?;
        }
        Ok(Self(options.replacing_existing(replace_existing.0)))
    }

    /// The scrypt work factor (`log2 N`) files are written with.
    #[getter]
    fn work_factor(&self) -> u8 {
        self.0.work_factor()
    }

    /// The highest work factor accepted when reading.
    #[getter]
    fn max_work_factor(&self) -> u8 {
        self.0.max_work_factor()
    }

    /// Whether `write_key_file` may replace an existing file.
    #[getter]
    fn replace_existing(&self) -> bool {
        self.0.replaces_existing()
    }

    fn __repr__(&self) -> String {
        format!(
            "KeyFileOptions(work_factor={}, max_work_factor={}, replace_existing={})",
            self.0.work_factor(),
            self.0.max_work_factor(),
            if self.0.replaces_existing() {
                "True"
            } else {
                "False"
            }
        )
    }
}

/// The options of an optional `options` argument (the defaults if None).
fn options_of(options: Option<Obj<'_, KeyFileOptions>>) -> cipherchart::KeyFileOptions {
    options.map_or_else(cipherchart::KeyFileOptions::new, |o| o.0)
}

/// How the key-file methods reach a class's core key: directly for the plain newtypes,
/// through the lock for `DelegationKey` (`rekey` consumes it), so one set of methods
/// serves all five classes.
trait HoldsKey: Sized {
    type Key: KeyFile + Send;
    /// Runs `f` on the key (or raises, if the class can no longer give it).
    fn with_key<R>(&self, f: impl FnOnce(&Self::Key) -> R) -> PyResult<R>;
    fn of_key(key: Self::Key) -> Self;
}

macro_rules! holds_key_directly {
    ($($class:ident),* $(,)?) => {$(
        impl HoldsKey for crate::$class {
            type Key = cipherchart::$class;
            fn with_key<R>(&self, f: impl FnOnce(&Self::Key) -> R) -> PyResult<R> {
                Ok(f(&self.0))
            }
            fn of_key(key: Self::Key) -> Self {
                Self(key)
            }
        }
    )*};
}

holds_key_directly!(UserKey, ReKey, BlsSigningKey, Authority);

/// The lock is taken without the GIL, inside the detached call, so a thread waiting for it
/// never holds the GIL that the writer needs back.
impl HoldsKey for DelegationKey {
    type Key = cipherchart::DelegationKey;
    fn with_key<R>(&self, f: impl FnOnce(&Self::Key) -> R) -> PyResult<R> {
        self.with(f)
    }
    fn of_key(key: Self::Key) -> Self {
        Self::new(key)
    }
}

/// The four key-file methods of each class. A `DelegationKey` that `rekey` consumed raises
/// InvalidArgument from the two writing methods.
macro_rules! key_file_methods {
    ($($class:ident),* $(,)?) => {$(
        #[pymethods]
        impl $class {
            /// This key as key-file bytes (a binary age file with a passphrase recipient),
            /// written with `options.work_factor` (18 by default: about a second). Raises
            /// KeyFileError (kind `invalid_passphrase`) for an empty passphrase.
            #[pyo3(signature = (passphrase, options=None))]
            fn to_key_file<'py>(
                &self,
                py: Python<'py>,
                passphrase: Passphrase,
                options: Option<Obj<'_, KeyFileOptions>>,
            ) -> PyResult<Bound<'py, PyBytes>> {
                let options = options_of(options);
                let passphrase: &str = &passphrase;
                let file = detached(py, || {
                    self.with_key(|k| k.to_key_file_with(passphrase, &options))
                })?
                .map_err(to_py_err)?;
                Ok(PyBytes::new(py, &file))
            }

            /// Reads the key from key-file bytes (binary or armored), accepting work factors
            /// up to `options.max_work_factor` (18 by default). Raises KeyFileError (`.kind`:
            /// `wrong_passphrase_or_damaged`, `wrong_key_type`, `work_factor_too_high`, ...).
            #[staticmethod]
            #[pyo3(signature = (data, passphrase, options=None))]
            fn from_key_file(
                py: Python<'_>,
                data: Bytes,
                passphrase: Passphrase,
                options: Option<Obj<'_, KeyFileOptions>>,
            ) -> PyResult<Self> {
                let options = options_of(options);
                let data: &[u8] = &data;
                let passphrase: &str = &passphrase;
                detached(py, || {
                    <Self as HoldsKey>::Key::from_key_file_with(data, passphrase, &options)
                })
                .map(Self::of_key)
                .map_err(to_py_err)
            }

            /// Writes the key to a new key file at `path` (a str or os.PathLike), mode 0600,
            /// crash-safe (never a partial file). An existing file raises IoError unless
            /// `options.replace_existing`.
            #[pyo3(signature = (path, passphrase, options=None))]
            fn write_key_file(
                &self,
                py: Python<'_>,
                path: FsPath,
                passphrase: Passphrase,
                options: Option<Obj<'_, KeyFileOptions>>,
            ) -> PyResult<()> {
                let options = options_of(options);
                let path: &std::path::Path = &path.0;
                let passphrase: &str = &passphrase;
                detached(py, || {
                    self.with_key(|k| k.write_key_file_with(path, passphrase, &options))
                })?
                .map_err(to_py_err)
            }

            /// Reads the key from the key file at `path` (a str or os.PathLike); as
            /// `from_key_file`, and IoError if the file cannot be read.
            #[staticmethod]
            #[pyo3(signature = (path, passphrase, options=None))]
            fn read_key_file(
                py: Python<'_>,
                path: FsPath,
                passphrase: Passphrase,
                options: Option<Obj<'_, KeyFileOptions>>,
            ) -> PyResult<Self> {
                let options = options_of(options);
                let path: &std::path::Path = &path.0;
                let passphrase: &str = &passphrase;
                detached(py, || {
                    <Self as HoldsKey>::Key::read_key_file_with(path, passphrase, &options)
                })
                .map(Self::of_key)
                .map_err(to_py_err)
            }
        }
    )*};
}

use crate::{Authority, BlsSigningKey, ReKey, UserKey};

key_file_methods!(UserKey, ReKey, BlsSigningKey, Authority, DelegationKey);
