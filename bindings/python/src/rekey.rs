//! `ReKey`: proxy re-encryption of sealed records.

use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use rand_core::OsRng;

use crate::args::{Bytes, Obj, Seq};
use crate::keys::PublicKey;
use crate::record::SealedRecord;
use crate::sig::BlsPublicKey;
use crate::{detached, to_py_err, Policy};

/// A one-grant delegation key (made by `Authority.issue_delegation_key`): `rekey` turns it
/// into the re-encryption key of one grant, and consumes it.
///
/// Secret: no equality, no hash; `repr` shows the attributes. Safe to share between
/// threads (an internal lock guards the one-time use).
#[pyclass(module = "cipherchart", frozen)]
#[derive(Debug)]
pub struct DelegationKey(Mutex<Option<cipherchart::DelegationKey>>);

impl DelegationKey {
    pub fn new(key: cipherchart::DelegationKey) -> Self {
        Self(Mutex::new(Some(key)))
    }

    /// Runs `f` on the key, or raises InvalidArgument if `rekey` consumed it.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&cipherchart::DelegationKey) -> T) -> PyResult<T> {
        let guard = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard.as_ref().map(f).ok_or_else(used)
    }

    /// Takes the key out for a re-key toward `policy`, after `check` and the policy check
    /// passed: a refusal leaves the grant usable (outside review FB-1); a second use raises
    /// InvalidArgument.
    fn take_for(
        &self,
        policy: &cipherchart::Policy,
        check: impl FnOnce(&cipherchart::DelegationKey) -> cipherchart::Result<()>,
    ) -> PyResult<cipherchart::DelegationKey> {
        let mut slot = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        check(slot.as_ref().ok_or_else(used)?).map_err(to_py_err)?;
        cipherchart::DelegationKey::check_target_policy(policy).map_err(to_py_err)?;
        slot.take().ok_or_else(used)
    }
}

fn used() -> PyErr {
    to_py_err(cipherchart::Error::InvalidArgument(
        "this delegation key was already made into a re-key",
    ))
}

#[pymethods]
impl DelegationKey {
    /// Decodes `bytes(key)`.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: Bytes) -> PyResult<Self> {
        let data: &[u8] = &data;
        detached(py, || cipherchart::DelegationKey::from_bytes(data))
            .map(Self::new)
            .map_err(to_py_err)
    }

    fn __bytes__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        self.with(|k| PyBytes::new(py, &k.to_bytes()))
    }

    fn __repr__(&self) -> String {
        match self.with(|k| attribute_names(k.attributes())) {
            Ok(a) => format!("DelegationKey(attributes={a:?})"),
            Err(_) => "DelegationKey(<used>)".to_owned(),
        }
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<crate::Reduced<'py>> {
        Ok(crate::reduce(slf, slf.get().__bytes__(slf.py())?))
    }

    /// The attributes it delegates.
    #[getter]
    fn attributes(&self) -> PyResult<Vec<String>> {
        self.with(|k| attribute_names(k.attributes()))
    }

    /// The delegator's consent key: only its consent tokens gate the re-key.
    #[getter]
    fn delegator(&self) -> PyResult<BlsPublicKey> {
        self.with(|k| BlsPublicKey(*k.delegator()))
    }

    /// The key id of the issuing authority.
    #[getter]
    fn authority<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        self.with(|k| PyBytes::new(py, &k.authority()))
    }

    /// The re-encryption key of this grant, to the audience of `policy`. Consumes the
    /// delegation key: a second call raises InvalidArgument. Raises WrongAuthority, without
    /// consuming the key, if `public_key` is not the issuing authority's.
    fn rekey(
        &self,
        py: Python<'_>,
        public_key: Obj<'_, PublicKey>,
        policy: Obj<'_, Policy>,
    ) -> PyResult<ReKey> {
        let public_key = &*public_key;
        let policy = &*policy;
        let key = self.take_for(&policy.0, |own| {
            // A wrong public key does not cost the grant (as in JavaScript).
            if own.authority() != public_key.0.id() {
                return Err(cipherchart::Error::WrongAuthority);
            }
            Ok(())
        })?;
        detached(py, || key.rekey(&public_key.0, &policy.0, &mut OsRng))
            .map(ReKey)
            .map_err(to_py_err)
    }

    /// The cross-authority re-encryption key of this grant (federation,
    /// docs/federation.md): to the audience of `policy` under the authority whose public
    /// key is `target`; that authority's keys open the records it transforms, with
    /// `UserKey.open_federated`. Consumes the delegation key: a second call raises
    /// InvalidArgument.
    fn rekey_to(
        &self,
        py: Python<'_>,
        target: Obj<'_, PublicKey>,
        policy: Obj<'_, Policy>,
    ) -> PyResult<ReKey> {
        let target = &*target;
        let policy = &*policy;
        let key = self.take_for(&policy.0, |_| Ok(()))?;
        detached(py, || key.rekey_to(&target.0, &policy.0, &mut OsRng))
            .map(ReKey)
            .map_err(to_py_err)
    }
}

fn attribute_names(attributes: &[cipherchart::Attribute]) -> Vec<String> {
    attributes.iter().map(|a| a.as_str().to_owned()).collect()
}

/// A re-encryption key (made by `DelegationKey.rekey`): lets a proxy re-encrypt records it
/// cannot read to the audience of `target_policy`.
///
/// Secret: no equality, no hash; `repr` shows the grant id and attributes. `bytes(rekey)` and
/// pickling export it (an explicit user action).
#[pyclass(module = "cipherchart", frozen)]
#[derive(Debug)]
pub struct ReKey(pub cipherchart::ReKey);

#[pymethods]
impl ReKey {
    fn __repr__(&self) -> String {
        format!(
            "ReKey(grant_id={}, attributes={:?})",
            crate::short_hex(&self.0.grant_id()),
            self.attributes()
        )
    }

    /// The grant id (public; it names the re-encryption layer).
    #[getter]
    fn grant_id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.grant_id())
    }

    /// The delegated attributes.
    #[getter]
    fn attributes(&self) -> Vec<String> {
        self.0
            .attributes()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect()
    }

    /// The policy of the new audience.
    #[getter]
    fn target_policy(&self) -> Policy {
        Policy(self.0.target_policy().clone())
    }

    /// The delegator's consent key: consent tokens gate this re-key only if it issued them.
    #[getter]
    fn delegator(&self) -> BlsPublicKey {
        BlsPublicKey(*self.0.delegator())
    }

    /// The key id of the source authority (whose records this re-key transforms).
    #[getter]
    fn authority<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.authority())
    }

    /// The key id of the target authority (the source's own unless made by `rekey_to`).
    #[getter]
    fn target_authority<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.target_authority())
    }

    /// Whether this re-key applies to `record` (its delegated attributes satisfy the
    /// record's newest layer).
    fn can_reencrypt(&self, record: Obj<'_, SealedRecord>) -> bool {
        let record = &*record;
        self.0.can_reencrypt(&record.0)
    }

    /// Adds a layer for the target audience to `record`.
    fn reencrypt(&self, py: Python<'_>, record: Obj<'_, SealedRecord>) -> PyResult<SealedRecord> {
        let record = &*record;
        detached(py, || self.0.reencrypt(&record.0))
            .map(SealedRecord)
            .map_err(to_py_err)
    }

    /// Re-encrypts many records at once: one entry per record, in order, each the new record
    /// or the exception (not raised) for that record.
    fn reencrypt_batch<'py>(
        &self,
        py: Python<'py>,
        records: Seq<Obj<'py, SealedRecord>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let records: Vec<cipherchart::SealedRecord> = records.iter().map(|r| r.0.clone()).collect();
        let results = detached(py, || self.0.reencrypt_batch(&records));
        let items = results
            .into_iter()
            .map(|r| match r {
                Ok(s) => Ok(Bound::new(py, SealedRecord(s))?.into_any()),
                Err(e) => Ok(to_py_err(e).into_value(py).into_bound(py).into_any()),
            })
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }
}
