//! `Policy`: parse, encode, check and inspect access policies.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use cipherchart::PolicyNode;
use pyo3::prelude::*;
use pyo3::types::{PyInt, PyList, PyString, PyTuple};

use crate::args::{Str, Strings};
use crate::{detached, to_py_err};

/// A parsed, canonical access policy with its compiled LSSS (M, ρ).
///
/// Immutable and public (no secret): comparable, hashable, picklable by its canonical bytes.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy(pub cipherchart::Policy);

/// `(row, coefficient)` pairs as Python objects.
type Coefficients<'py> = Vec<(usize, Bound<'py, PyAny>)>;

/// A field element (an LSSS entry or coefficient in Z_r) as a Python `int`.
fn fr_to_int<'py>(py: Python<'py>, v: &impl ToString) -> PyResult<Bound<'py, PyAny>> {
    py.get_type::<PyInt>().call1((v.to_string(),))
}

/// A syntax-tree node as nested tuples: `("leaf", attribute)`, `("and", [children])`,
/// `("or", [children])`, `("threshold", k, [children])`.
fn node_to_py<'py>(py: Python<'py>, node: &PolicyNode) -> PyResult<Bound<'py, PyTuple>> {
    let children = |c: &[PolicyNode]| -> PyResult<Bound<'py, PyList>> {
        PyList::new(
            py,
            c.iter()
                .map(|n| node_to_py(py, n))
                .collect::<PyResult<Vec<_>>>()?,
        )
    };
    match node {
        PolicyNode::Leaf(a) => ("leaf", a.as_str()).into_pyobject(py),
        PolicyNode::And(c) => ("and", children(c)?).into_pyobject(py),
        PolicyNode::Or(c) => ("or", children(c)?).into_pyobject(py),
        PolicyNode::Threshold { k, children: c } => {
            ("threshold", *k, children(c)?).into_pyobject(py)
        }
        // `PolicyNode` is non-exhaustive: a gate kind added to the core fails loudly here
        // rather than being shown as something else.
        _ => Err(to_py_err(cipherchart::Error::InvalidArgument(
            "policy node kind unknown to this binding",
        ))),
    }
}

#[pymethods]
impl Policy {
    /// The canonical syntax tree as nested tuples: `("leaf", attribute)`,
    /// `("and", [...])`, `("or", [...])`, `("threshold", k, [...])`.
    #[getter]
    fn root<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        node_to_py(py, self.0.root())
    }

    /// The number of LSSS columns (1 + binary ANDs + Σ (k − 1) over genuine thresholds).
    fn lsss_columns(&self) -> usize {
        self.0.lsss().columns()
    }

    /// M with ρ, one row per line (for demos and debugging).
    fn lsss_display(&self) -> String {
        self.0.lsss().display_matrix()
    }

    /// Parses policy text (see `docs/policy.md`).
    #[new]
    fn new(py: Python<'_>, text: Str) -> PyResult<Self> {
        let text: &str = &text.0;
        detached(py, || cipherchart::Policy::parse(text))
            .map(Self)
            .map_err(to_py_err)
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Policy({})",
            PyString::new(py, &self.0.to_string()).repr()?
        ))
    }

    fn __hash__(&self) -> u64 {
        let mut h = DefaultHasher::new();
        self.0.hash(&mut h);
        h.finish()
    }

    /// Whether a key holding `attributes` satisfies the policy.
    fn is_satisfied_by(&self, attributes: Strings) -> bool {
        let attributes = attributes.0;
        self.0.is_satisfied_by(&attributes)
    }

    /// The leaf attributes, left to right (the LSSS row order).
    #[getter]
    fn attributes(&self) -> Vec<&str> {
        self.0.attributes().iter().map(|a| a.as_str()).collect()
    }

    /// The LSSS matrix M row by row: small entries as signed ints, a large one as its residue.
    fn lsss_rows<'py>(&self, py: Python<'py>) -> PyResult<Vec<Vec<Bound<'py, PyAny>>>> {
        let m = self.0.lsss();
        let entry = |i, j| match m.small_entry(i, j) {
            Some(v) => Ok(v.into_pyobject(py)?.into_any()),
            None => fr_to_int(py, &m.row(i)[j]),
        };
        (0..m.rows())
            .map(|i| (0..m.columns()).map(|j| entry(i, j)).collect())
            .collect()
    }

    /// ρ: the attribute of each LSSS row.
    fn lsss_rho(&self) -> Vec<&str> {
        self.0
            .lsss()
            .attributes()
            .iter()
            .map(|a| a.as_str())
            .collect()
    }

    /// Reconstruction coefficients `(row, coefficient mod r)` for a satisfying attribute set,
    /// or `None`.
    fn reconstruct<'py>(
        &self,
        py: Python<'py>,
        attributes: Strings,
    ) -> PyResult<Option<Coefficients<'py>>> {
        let attributes = attributes.0;
        let gamma = detached(py, || self.0.lsss().reconstruct(&attributes));
        gamma
            .map(|g| g.iter().map(|(i, c)| Ok((*i, fr_to_int(py, c)?))).collect())
            .transpose()
    }
}
