//! Python bindings for cipherchart: the native module `cipherchart._native`.
//!
//! Thin newtypes over the core types; every method is one call into `cipherchart`. The Python
//! package around it (`python/cipherchart/`) holds the exception classes, the type stubs and
//! the docs. Errors become the exception class of their stable code ([`to_py_err`]); heavy
//! work runs with the GIL released ([`detached`]).
#![allow(unsafe_code)] // pyo3's macros expand to unsafe FFI glue.

mod errors;
mod policy;

use pyo3::prelude::*;

pub use errors::{detached, to_py_err};
pub use policy::Policy;

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Policy>()?;
    Ok(())
}
