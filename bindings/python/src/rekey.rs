//! `ReKey`: proxy re-encryption of sealed records.

use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use rand_core::OsRng;

use crate::args::{Bytes, Obj, Seq};
use crate::keys::PublicKey;
use crate::record::SealedRecord;
use crate::sig::BlsPublicKey;
use crate::version_notice::{name_versions, VerifiedNotice};
use crate::{detached, to_py_err, Policy};

/// A one-grant delegation key (made by `Authority.issue_delegation_key`, or
/// `Authority.issue_delegation_key_under` for records sealed under notices): `rekey`,
/// `rekey_to` or `rekey_under` turns it into the re-encryption key of one grant, and consumes
/// it.
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
    ///
    /// `f` must not touch Python (no Python object made, no Python called): while one
    /// thread holds the lock, another may hold the interpreter and wait for the lock, so
    /// anything that could hand the interpreter over under the lock would freeze both
    /// (outside review HB-1). The exception is made after the lock is released.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&cipherchart::DelegationKey) -> T) -> PyResult<T> {
        let out = {
            let guard = self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            guard.as_ref().map(f)
        };
        out.ok_or_else(used)
    }

    /// Takes the key out for a re-key, after `check` passed on it: a refusal leaves the grant
    /// usable (outside review FB-1); a second use raises InvalidArgument. `check` holds what
    /// the core's call refuses before any work (its `check_target_policy`, `check_target`),
    /// in the core's order.
    /// As in [`with`](Self::with), nothing under the lock touches Python: the refusal is
    /// turned into an exception after the lock is released (HB-1).
    fn take_for(
        &self,
        check: impl FnOnce(&cipherchart::DelegationKey) -> cipherchart::Result<()>,
    ) -> PyResult<cipherchart::DelegationKey> {
        let taken: Option<cipherchart::Result<cipherchart::DelegationKey>> = {
            let mut slot = self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match slot.as_ref().map(check) {
                None => None,
                Some(Err(e)) => Some(Err(e)),
                Some(Ok(())) => slot.take().map(Ok),
            }
        };
        match taken {
            None => Err(used()),
            Some(r) => r.map_err(to_py_err),
        }
    }
}

/// What the core's `rekey` and `rekey_to` refuse about the key itself, checked before taking
/// it (`DelegationKey::check_unversioned`), so a refusal does not use up the grant (FB-1).
fn unversioned(key: &cipherchart::DelegationKey) -> cipherchart::Result<()> {
    key.check_unversioned()
}

/// A grant reference argument: `None`, or the 48 bytes `authority ‖ grant_id`
/// (`ReKey.grant`, `SealedRecord.newest_grant`); other lengths raise InvalidEncoding
/// (`bad_length`), as the core's `GrantRef::from_bytes`.
fn grant_ref(value: Option<Bytes>) -> PyResult<Option<cipherchart::GrantRef>> {
    value
        .map(|b| cipherchart::GrantRef::from_bytes(&b))
        .transpose()
        .map_err(to_py_err)
}

/// A grant reference as Python bytes (48: `authority ‖ grant_id`).
pub(crate) fn grant_bytes<'py>(
    py: Python<'py>,
    grant: &cipherchart::GrantRef,
) -> Bound<'py, PyBytes> {
    PyBytes::new(py, &grant.to_bytes())
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
        let bytes = self.with(|k| k.to_bytes())?;
        Ok(PyBytes::new(py, &bytes))
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
        let key = self.with(|k| *k.delegator())?;
        Ok(BlsPublicKey(key))
    }

    /// The key id of the issuing authority.
    #[getter]
    fn authority<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let id = self.with(|k| k.authority())?;
        Ok(PyBytes::new(py, &id))
    }

    /// The key id (32 bytes, docs/revocation-v3.md §7.1): what a format v3 re-key made from
    /// this key names, and derives its grant id from (one delegation key, one grant).
    #[getter]
    fn key_id<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let id = self.with(|k| k.key_id())?;
        Ok(PyBytes::new(py, &id))
    }

    /// The re-encryption key of this grant, to the audience of `policy`. Consumes the
    /// delegation key: a second call raises InvalidArgument. Raises WrongAuthority, without
    /// consuming the key, if `public_key` is not the issuing authority's; InvalidArgument,
    /// without consuming it, for a key at attribute versions (use `rekey_under`).
    fn rekey(
        &self,
        py: Python<'_>,
        public_key: Obj<'_, PublicKey>,
        policy: Obj<'_, Policy>,
    ) -> PyResult<ReKey> {
        let public_key = &*public_key;
        let policy = &*policy;
        let key = self.take_for(|own| {
            // A wrong public key does not cost the grant (as in JavaScript).
            if own.authority() != public_key.0.id() {
                return Err(cipherchart::Error::WrongAuthority);
            }
            cipherchart::DelegationKey::check_target_policy(&policy.0)?;
            unversioned(own)
        })?;
        detached(py, || key.rekey(&public_key.0, &policy.0, &mut OsRng))
            .map(ReKey)
            .map_err(to_py_err)
    }

    /// The cross-authority re-encryption key of this grant (federation,
    /// docs/federation.md): to the audience of `policy` under the authority whose public
    /// key is `target`; that authority's keys open the records it transforms, with
    /// `UserKey.open_federated`. Consumes the delegation key: a second call raises
    /// InvalidArgument. Raises InvalidAttribute, or InvalidArgument for a key at attribute
    /// versions (use `rekey_under`), without consuming the key.
    fn rekey_to(
        &self,
        py: Python<'_>,
        target: Obj<'_, PublicKey>,
        policy: Obj<'_, Policy>,
    ) -> PyResult<ReKey> {
        let target = &*target;
        let policy = &*policy;
        let key = self.take_for(|own| {
            cipherchart::DelegationKey::check_target_policy(&policy.0)?;
            unversioned(own)
        })?;
        detached(py, || key.rekey_to(&target.0, &policy.0, &mut OsRng))
            .map(ReKey)
            .map_err(to_py_err)
    }

    /// The format v3 re-encryption key of this grant (docs/revocation-v3.md §7), for records
    /// sealed under notices (`seal_with_notice`): to the audience of `policy` under the
    /// authority whose public key is `target` (this key's own, or another's for a referral),
    /// sealed at the versions of `target_notice`, that authority's current verified notice.
    /// `parent` is the grant (48 bytes, `SealedRecord.newest_grant`) whose audience this
    /// key's holder belongs to when forwarding records received through it; the re-key then
    /// transforms only records whose newest hop is of that grant, and without a parent only
    /// records without hops. Its grant id is derived from `key_id`. Consumes the delegation
    /// key: a second call raises InvalidArgument. Raises WrongAuthority if `target_notice` is
    /// not `target`'s authority's, InvalidAttribute for a policy naming the reserved
    /// `cipherchart:key-holder`, InvalidEncoding for a `parent` that is not 48 bytes: each
    /// without consuming the key.
    #[pyo3(signature = (target, target_notice, policy, parent = None))]
    fn rekey_under(
        &self,
        py: Python<'_>,
        target: Obj<'_, PublicKey>,
        target_notice: Obj<'_, VerifiedNotice>,
        policy: Obj<'_, Policy>,
        parent: Option<Bytes>,
    ) -> PyResult<ReKey> {
        let target = &*target;
        let target_notice = &*target_notice;
        let policy = &*policy;
        let parent = grant_ref(parent)?;
        let key = self.take_for(|_| {
            cipherchart::DelegationKey::check_target(&target.0, &target_notice.0, &policy.0)
        })?;
        detached(py, || {
            key.rekey_under(&target.0, &target_notice.0, &policy.0, parent, &mut OsRng)
        })
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

    /// Whether this is a format v3 re-key (`DelegationKey.rekey_under`): it transforms format
    /// v3 records only, and a v2 re-key v2 records only.
    #[getter]
    fn is_v3(&self) -> bool {
        self.0.is_v3()
    }

    /// A format v3 re-key's parent grant (48 bytes, `authority ‖ grant_id`): it transforms
    /// only records whose newest hop is of that grant (`SealedRecord.newest_grant`). None for
    /// a v3 re-key without a parent (it transforms only records without hops) and for every
    /// v2 re-key.
    #[getter]
    fn parent<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.0.parent().map(|g| grant_bytes(py, &g))
    }

    /// The 32-byte id of the delegation key a v3 re-key was made from
    /// (`DelegationKey.key_id`); None for a v2 re-key.
    #[getter]
    fn delegation_key_id<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.0.delegation_key_id().map(|d| PyBytes::new(py, &d))
    }

    /// This grant's qualified id (48 bytes): the source authority's key id, then the grant
    /// id. What `SealedRecord.newest_grant` gives for a record this re-key transformed, and
    /// the `parent` of a re-key that forwards such records.
    #[getter]
    fn grant<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        grant_bytes(py, &self.0.grant())
    }

    /// The delegated attributes with their versions, `[(name, version), ...]` (every version
    /// 0 for a v2 re-key).
    fn attribute_versions(&self) -> Vec<(String, u32)> {
        name_versions(&self.0.attribute_versions())
    }

    /// The target policy's attributes with the versions its capsule is sealed at,
    /// `[(name, version), ...]` in LSSS row order (every version 0 for a v2 re-key).
    fn target_versions(&self) -> Vec<(String, u32)> {
        name_versions(&self.0.target_versions())
    }

    /// Checks that this re-key is current (docs/revocation-v3.md §7.5) against `notices`, the
    /// newest verified notices of the source and target authorities: every delegated
    /// attribute is at the source notice's version, every name of the target policy at the
    /// target notice's. A proxy runs it before applying the re-key. Raises WrongAuthority if
    /// no notice of the source or of the target authority is given, StaleReKey if a version
    /// is below the notice's (a name was bumped since: make a new re-key), FutureVersion if
    /// one is above it (the notice is older than the re-key: fetch the newer one).
    fn check_current<'py>(&self, notices: Seq<Obj<'py, VerifiedNotice>>) -> PyResult<()> {
        let notices: Vec<&cipherchart::VerifiedNotice> = notices.iter().map(|n| &n.0).collect();
        self.0.check_current(&notices).map_err(to_py_err)
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
