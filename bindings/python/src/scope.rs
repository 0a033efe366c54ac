//! What a consent covers: `Selection` (one dimension: record ids or categories), `Scope`
//! (both dimensions) and `Window` (the validity interval). Public values: comparable,
//! hashable, picklable (by their constructor arguments; the core has no standalone
//! encoding for them).

use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};

use crate::args::{Bytes, Obj, Str, Strings, Time};
use crate::to_py_err;

/// Which values of one dimension of a scope a consent covers: `Selection.any()` or
/// `Selection.only([...])`.
#[pyclass(module = "cipherchart", frozen, eq, hash, from_py_object)]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Selection(pub cipherchart::Selection);

/// Which records a consent covers: those whose id `records` selects and whose category
/// `categories` selects.
#[pyclass(module = "cipherchart", frozen, eq, hash)]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Scope(pub cipherchart::Scope);

/// The validity interval `[not_before, expiry)` of a consent, in seconds since the epoch.
/// Behaves as the pair `(not_before, expiry)`: unpacks, indexes and compares equal to it.
#[pyclass(module = "cipherchart", frozen, from_py_object)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window(pub cipherchart::Window);

/// A `Selection`, or a list of values meaning `Selection.only(values)`.
pub(crate) enum SelectionArg {
    Selection(Selection),
    Values(Vec<String>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for SelectionArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(s) = obj.extract::<Selection>() {
            return Ok(Self::Selection(s));
        }
        Strings::extract(obj).map(|v| Self::Values(v.0))
    }
}

impl SelectionArg {
    fn into_core(self) -> cipherchart::Selection {
        match self {
            Self::Selection(s) => s.0,
            Self::Values(v) => cipherchart::Selection::only(v),
        }
    }
}

/// A `Window`, or a `(not_before, expiry)` pair of times (ints or timezone-aware
/// datetimes, see [`Time`]).
pub(crate) enum WindowArg {
    Window(Window),
    Pair(Time, Time),
}

impl<'a, 'py> FromPyObject<'a, 'py> for WindowArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(w) = obj.extract::<Window>() {
            return Ok(Self::Window(w));
        }
        let pair = obj
            .cast::<pyo3::types::PyTuple>()
            .ok()
            .filter(|t| t.len() == 2)
            .ok_or_else(|| {
                crate::args::invalid_argument(
                    "expected a Window or a (not_before, expiry) tuple of times \
                     (ints or timezone-aware datetimes)",
                )
            })?;
        Ok(Self::Pair(
            pair.get_item(0)?.extract()?,
            pair.get_item(1)?.extract()?,
        ))
    }
}

impl WindowArg {
    pub(crate) fn into_core(self) -> PyResult<cipherchart::Window> {
        match self {
            Self::Window(w) => Ok(w.0),
            Self::Pair(a, b) => cipherchart::Window::new(a.0, b.0).map_err(to_py_err),
        }
    }
}

#[pymethods]
impl Selection {
    /// Every value: the dimension does not restrict.
    #[staticmethod]
    fn any() -> Self {
        Self(cipherchart::Selection::Any)
    }

    /// Exactly these values (duplicates merged).
    #[staticmethod]
    fn only(values: Strings) -> Self {
        let values = values.0;
        Self(cipherchart::Selection::only(values))
    }

    /// Whether this is `Selection.any()`.
    #[getter]
    fn is_any(&self) -> bool {
        matches!(self.0, cipherchart::Selection::Any)
    }

    /// The selected values, sorted (by UTF-8 bytes), or None for `any()`.
    #[getter]
    fn values(&self) -> Option<Vec<String>> {
        match &self.0 {
            cipherchart::Selection::Any => None,
            cipherchart::Selection::Only(set) => Some(set.iter().cloned().collect()),
        }
    }

    /// Whether `value` is selected.
    fn contains(&self, value: Str) -> bool {
        let value: &str = &value.0;
        self.0.contains(value)
    }

    /// Whether the byte string `value` (a record id) is selected.
    fn contains_bytes(&self, value: Bytes) -> bool {
        let value: &[u8] = &value;
        self.0.contains_bytes(value)
    }

    /// Whether every value this selects is selected by `wider`.
    fn is_within(&self, wider: Obj<'_, Selection>) -> bool {
        let wider = &*wider;
        self.0.is_within(&wider.0)
    }

    fn __repr__(&self) -> String {
        match self.values() {
            None => "Selection.any()".to_owned(),
            Some(v) => format!("Selection.only({v:?})"),
        }
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let ty = slf.get_type();
        let py = slf.py();
        match slf.get().values() {
            None => Ok((ty.getattr("any")?, PyTuple::empty(py))),
            Some(v) => Ok((ty.getattr("only")?, PyTuple::new(py, [v])?)),
        }
    }
}

#[pymethods]
impl Scope {
    /// A scope of `records` and `categories`, each a `Selection` or a list of values;
    /// left out, a dimension selects everything.
    #[new]
    #[pyo3(signature = (records=None, categories=None))]
    fn new(records: Option<SelectionArg>, categories: Option<SelectionArg>) -> Self {
        let any = || cipherchart::Selection::Any;
        Self(cipherchart::Scope {
            records: records.map_or_else(any, SelectionArg::into_core),
            categories: categories.map_or_else(any, SelectionArg::into_core),
        })
    }

    /// Every record of the subject.
    #[staticmethod]
    fn all() -> Self {
        Self(cipherchart::Scope::all())
    }

    /// The record ids covered.
    #[getter]
    fn records(&self) -> Selection {
        Selection(self.0.records.clone())
    }

    /// The categories covered.
    #[getter]
    fn categories(&self) -> Selection {
        Selection(self.0.categories.clone())
    }

    /// Whether a record with this id and category is in scope.
    fn contains(&self, record_id: Bytes, category: Str) -> bool {
        let category: &str = &category.0;
        let record_id: &[u8] = &record_id;
        self.0.contains(record_id, category)
    }

    /// Whether every record this covers is covered by `wider`.
    fn is_within(&self, wider: Obj<'_, Scope>) -> bool {
        let wider = &*wider;
        self.0.is_within(&wider.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Scope(records={}, categories={})",
            self.records().__repr__(),
            self.categories().__repr__()
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> (Bound<'py, PyType>, (Selection, Selection)) {
        let s = slf.get();
        (slf.get_type(), (s.records(), s.categories()))
    }
}

impl Window {
    fn pair(&self) -> (u64, u64) {
        (self.0.not_before(), self.0.expiry())
    }
}

#[pymethods]
impl Window {
    /// The window `[not_before, expiry)`; raises InvalidArgument unless
    /// `not_before < expiry`.
    #[new]
    fn new(not_before: Time, expiry: Time) -> PyResult<Self> {
        let not_before = not_before.0;
        let expiry = expiry.0;
        cipherchart::Window::new(not_before, expiry)
            .map(Self)
            .map_err(to_py_err)
    }

    /// The first second of validity.
    #[getter]
    fn not_before(&self) -> u64 {
        self.0.not_before()
    }

    /// The first second after validity.
    #[getter]
    fn expiry(&self) -> u64 {
        self.0.expiry()
    }

    /// Whether the window contains time `t`.
    fn contains(&self, t: Time) -> bool {
        let t = t.0;
        self.0.contains(t)
    }

    /// Whether this window lies inside `wider`.
    fn is_within(&self, wider: Obj<'_, Window>) -> bool {
        let wider = &*wider;
        self.0.is_within(&wider.0)
    }

    fn __len__(&self) -> usize {
        2
    }

    fn __getitem__(&self, index: isize) -> PyResult<u64> {
        match index {
            0 | -2 => Ok(self.0.not_before()),
            1 | -1 => Ok(self.0.expiry()),
            _ => Err(pyo3::exceptions::PyIndexError::new_err(
                "Window index out of range",
            )),
        }
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyTuple::new(py, [self.0.not_before(), self.0.expiry()])?
            .try_iter()?
            .into_any())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        if let Ok(w) = other.extract::<Window>() {
            return w == *self;
        }
        other
            .extract::<(u64, u64)>()
            .is_ok_and(|p| p == self.pair())
    }

    /// The hash of the pair, so that a window and its tuple are the same dict key.
    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        PyTuple::new(py, [self.0.not_before(), self.0.expiry()])?.hash()
    }

    fn __repr__(&self) -> String {
        format!(
            "Window(not_before={}, expiry={})",
            self.0.not_before(),
            self.0.expiry()
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> (Bound<'py, PyType>, (u64, u64)) {
        (slf.get_type(), slf.get().pair())
    }
}
