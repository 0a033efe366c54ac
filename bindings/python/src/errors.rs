//! Core errors → Python exceptions, and running heavy work without the GIL.

use pyo3::marker::Ungil;
use pyo3::prelude::*;

/// The Python exception for a core error: an instance of the `cipherchart.errors` class of its
/// stable code (`.code`, the core's message, `.position` for policy syntax errors, `.index`
/// for chain errors, `.kind` for the reason of consent, chain, encoding and limit errors).
/// The classes are defined in Python (real classes with docs, pickling and stubs) and looked
/// up by code.
/// Every binding method maps its errors through this one function.
pub fn to_py_err(e: cipherchart::Error) -> PyErr {
    Python::attach(|py| build(py, &e).unwrap_or_else(|import_failure| import_failure))
}

fn build(py: Python<'_>, e: &cipherchart::Error) -> PyResult<PyErr> {
    let position = match e {
        cipherchart::Error::PolicySyntax(s) => Some(s.position as u64),
        cipherchart::Error::Chain(c) => Some(c.index),
        _ => None,
    };
    let kind = e.kind();
    let from_native = py.import("cipherchart.errors")?.getattr("_from_native")?;
    Ok(PyErr::from_value(from_native.call1((
        e.code(),
        e.to_string(),
        position,
        kind,
    ))?))
}

/// Runs `f` with the GIL released, so other Python threads run meanwhile. Use it around every
/// call into the core that does group operations (pairings, multi-exponentiations, hashing to
/// the curve) or is linear in a large input.
pub fn detached<T: Ungil, F: Ungil + FnOnce() -> T>(py: Python<'_>, f: F) -> T {
    py.detach(f)
}
