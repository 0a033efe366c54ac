//! The glue every class shares, generated: one macro per kind of method, each emitting its own
//! `#[pymethods]` block (pyo3's `multiple-pymethods`), so that a class's own file keeps only
//! what is particular to it.
//!
//! - [`encoded!`]: `from_bytes` (static: the core's decoder, every check, without the GIL),
//!   `__bytes__` (the core's `to_bytes`) and `__reduce__` (pickles as
//!   `type(obj).from_bytes(bytes(obj))`).
//! - [`hashed!`]: `__hash__` of public bytes (the encoding, or a digest of it).
//! - [`hex_repr!`]: `__repr__` as `Class(<first 8 bytes of the encoding in hex>)`.
//! - [`object_encoded!`]: `to_object_bytes` and `from_object_bytes` (the framed encoding).
//!
//! Equality is pyo3's (`#[pyclass(eq)]` over the core's `==`).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// `__reduce__`'s value: `(Type.from_bytes, (canonical bytes,))`.
pub(crate) type Reduced<'py> = (Bound<'py, PyAny>, (Bound<'py, PyBytes>,));

/// Pickles `slf` as `type(slf).from_bytes(data)`.
pub(crate) fn reduce<'py, T: pyo3::PyClass>(
    slf: &Bound<'py, T>,
    data: Bound<'py, PyBytes>,
) -> Reduced<'py> {
    // `from_bytes` is defined on every picklable class; a lookup failure cannot happen, but
    // falls back to the type itself rather than panicking.
    let ty = slf.as_any().get_type();
    let ctor = ty.getattr("from_bytes").unwrap_or_else(|_| ty.into_any());
    (ctor, (data,))
}

/// The first 8 bytes of an identifier in hex, for `repr`.
pub(crate) fn short_hex(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A `__hash__` of public bytes.
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// `f(value)`: lets a macro argument be a closure whose parameter type is inferred.
pub(crate) fn apply<T: ?Sized, R>(value: &T, f: impl FnOnce(&T) -> R) -> R {
    f(value)
}

/// `from_bytes`, `__bytes__` and `__reduce__` for each `Class: CoreType` (a newtype over the
/// core type, whose `from_bytes(&[u8]) -> Result<Self>` and `to_bytes()` are the encoding).
macro_rules! encoded {
    ($($class:ident: $core:ty),* $(,)?) => {$(
        #[pyo3::pymethods]
        impl $class {
            /// Decodes `bytes(obj)` with every check; raises InvalidEncoding otherwise.
            #[staticmethod]
            fn from_bytes(py: pyo3::Python<'_>, data: crate::args::Bytes) -> pyo3::PyResult<Self> {
                let data: &[u8] = &data;
                crate::detached(py, || <$core>::from_bytes(data))
                    .map(Self)
                    .map_err(crate::to_py_err)
            }

            fn __bytes__<'py>(&self, py: pyo3::Python<'py>) -> pyo3::Bound<'py, pyo3::types::PyBytes> {
                pyo3::types::PyBytes::new(py, AsRef::<[u8]>::as_ref(&self.0.to_bytes()))
            }

            fn __reduce__<'py>(slf: &pyo3::Bound<'py, Self>) -> crate::glue::Reduced<'py> {
                crate::glue::reduce(slf, slf.get().__bytes__(slf.py()))
            }
        }
    )*};
}

/// `__hash__` for each `Class => |core_value| public_bytes` (`Class` alone: of `to_bytes()`).
macro_rules! hashed {
    ($($class:ident $(=> $key:expr)?),* $(,)?) => {$(
        #[pyo3::pymethods]
        impl $class {
            fn __hash__(&self) -> u64 {
                crate::glue::hashed!(@bytes self $(, $key)?)
            }
        }
    )*};
    (@bytes $s:ident) => {
        crate::glue::hash_bytes(AsRef::<[u8]>::as_ref(&$s.0.to_bytes()))
    };
    (@bytes $s:ident, $key:expr) => {
        crate::glue::hash_bytes(AsRef::<[u8]>::as_ref(&crate::glue::apply(&$s.0, $key)))
    };
}

/// `__repr__` as `Class(<hex prefix of to_bytes()>)` for each class.
macro_rules! hex_repr {
    ($($class:ident),* $(,)?) => {$(
        #[pyo3::pymethods]
        impl $class {
            fn __repr__(&self) -> String {
                format!(
                    concat!(stringify!($class), "({})"),
                    crate::glue::short_hex(AsRef::<[u8]>::as_ref(&self.0.to_bytes()))
                )
            }
        }
    )*};
}

/// `to_object_bytes` and `from_object_bytes` (the framed object encoding, `docs/formats.md`)
/// for each `Class: CoreType`.
macro_rules! object_encoded {
    ($($class:ident: $core:ty),* $(,)?) => {$(
        #[pyo3::pymethods]
        impl $class {
            /// The framed object encoding (`docs/formats.md`), as embedded in other objects.
            #[allow(clippy::wrong_self_convention)] // pyo3 methods cannot take `self` by value
            fn to_object_bytes<'py>(&self, py: pyo3::Python<'py>) -> pyo3::Bound<'py, pyo3::types::PyBytes> {
                pyo3::types::PyBytes::new(py, &self.0.to_object_bytes())
            }

            /// Decodes `to_object_bytes()`; raises InvalidEncoding otherwise.
            #[staticmethod]
            fn from_object_bytes(py: pyo3::Python<'_>, data: crate::args::Bytes) -> pyo3::PyResult<Self> {
                let data: &[u8] = &data;
                crate::detached(py, || <$core>::from_object_bytes(data))
                    .map(Self)
                    .map_err(crate::to_py_err)
            }
        }
    )*};
}

pub(crate) use {encoded, hashed, hex_repr, object_encoded};
