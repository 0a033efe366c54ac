//! Python bindings for cipherchart (work in progress).
#![allow(unsafe_code)] // pyo3's macros expand to unsafe FFI glue.
