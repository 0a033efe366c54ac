//! What opening a chain file found: `Recovery` (`Chain.recovery`).

use pyo3::prelude::*;

/// The report of opening a chain file: how much was kept, and what a torn or damaged
/// tail was cut off (and saved where).
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recovery(pub cipherchart::Recovery);

#[pymethods]
impl Recovery {
    /// Complete, valid records kept.
    #[getter]
    fn records(&self) -> u64 {
        self.0.records
    }

    /// Bytes of the file kept (header and records).
    #[getter]
    fn kept_bytes(&self) -> u64 {
        self.0.kept_bytes
    }

    /// Bytes after the last valid record that were cut off (0 for a clean file).
    #[getter]
    fn dropped_bytes(&self) -> u64 {
        self.0.dropped_bytes
    }

    /// Whether the dropped bytes looked like damage rather than a torn write.
    #[getter]
    fn damaged(&self) -> bool {
        self.0.damaged
    }

    /// Where the dropped bytes were saved before the file was truncated, if anywhere.
    #[getter]
    fn saved_to(&self) -> Option<std::path::PathBuf> {
        self.0.saved_to.clone()
    }

    /// Whether the file was complete and undamaged.
    #[getter]
    fn is_clean(&self) -> bool {
        self.0.is_clean()
    }

    fn __repr__(&self) -> String {
        format!(
            "Recovery(records={}, dropped_bytes={}, damaged={})",
            self.0.records,
            self.0.dropped_bytes,
            if self.0.damaged { "True" } else { "False" }
        )
    }
}
