//! Consent tokens: `Grant`, `Narrowing`, `ConsentToken`, `VerifiedConsent`, `RevocationSet`,
//! `reencrypt_with_consent`, `rekey_digest`, `check_rekey` (the scope types are in
//! `scope.rs`). Windows are a `Window` or a `(not_before, expiry)` pair of seconds.

use std::sync::{Mutex, MutexGuard, PoisonError};

use cipherchart::{self as core, Grantee};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use rand_core::OsRng;

use crate::args::{Bytes, Fixed, Obj, Seq, Str, Strings, Time};
use crate::chain::{Chain, Entry, EntryDraft, Store};
use crate::record::SealedRecord;
use crate::rekey::ReKey;
use crate::scope::{Scope, Selection, Window, WindowArg};
use crate::sig::{BlsPublicKey, BlsSigningKey};
use crate::version_notice::VerifiedNotice;
use crate::{detached, to_py_err, Policy};

/// What a patient grants (the authority block of a token). Public: comparable.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant(pub core::Grant);

/// How an attenuation block narrows a token. Public: comparable.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Narrowing(pub core::Narrowing);

/// A signed, attenuable consent token: public (it is shown), comparable, picklable.
#[pyclass(module = "cipherchart", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct ConsentToken(pub core::ConsentToken);

impl std::fmt::Debug for ConsentToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConsentToken")
    }
}

/// A token checked by `ConsentToken.verify`: the only value `reencrypt_with_consent` takes.
#[pyclass(module = "cipherchart", frozen)]
#[derive(Debug)]
pub struct VerifiedConsent(pub core::VerifiedConsent);

/// The revocation ids known to be revoked (from the proof chain or elsewhere). Safe to share
/// between threads (a mutex inside).
#[pyclass(module = "cipherchart", frozen)]
#[derive(Debug, Default)]
pub struct RevocationSet(Mutex<core::RevocationSet>);

impl RevocationSet {
    fn from_core(set: core::RevocationSet) -> Self {
        Self(Mutex::new(set))
    }

    /// The set, locked. Inserting cannot panic half-way, so a poisoned lock still holds a
    /// consistent set.
    fn lock(&self) -> MutexGuard<'_, core::RevocationSet> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn grantee(g: &Bound<'_, PyAny>) -> PyResult<Grantee> {
    if let Ok(p) = g.extract::<PyRef<'_, Policy>>() {
        return Ok(Grantee::Policy(p.0.clone()));
    }
    let k = g.extract::<PyRef<'_, BlsPublicKey>>().map_err(|_| {
        crate::args::invalid_argument(format!(
            "expected a grantee: a Policy or a BlsPublicKey, got {}",
            g.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    })?;
    Ok(Grantee::Key(k.0))
}

#[pymethods]
impl Grant {
    /// A grant to `grantee` (a `Policy` or a `BlsPublicKey`) valid in `window` (a `Window`
    /// or `(not_before, expiry)` times), for `purposes` (required: a token lists 1 to 256
    /// purposes), optionally limited to a `scope` or to record ids and categories (applied
    /// after `scope`), bound to one re-key (`rekey`, or its `rekey_digest`), and held by
    /// `holder`.
    #[new]
    #[pyo3(signature = (subject, grantee, window, *, purposes, scope=None, records=None, categories=None, rekey=None, rekey_digest=None, holder=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        subject: Str,
        grantee: &Bound<'_, PyAny>,
        window: WindowArg,
        purposes: Strings,
        scope: Option<Obj<'_, Scope>>,
        records: Option<Strings>,
        categories: Option<Strings>,
        rekey: Option<Obj<'_, ReKey>>,
        rekey_digest: Option<Fixed<32>>,
        holder: Option<BlsPublicKey>,
    ) -> PyResult<Self> {
        let subject: String = subject.0;
        let records = records.map(|s| s.0);
        let categories = categories.map(|s| s.0);
        let rekey_digest = rekey_digest.map(|d| d.0);
        let mut g = core::Grant::new(subject, self::grantee(grantee)?, window.into_core()?)
            .purposes(purposes.0);
        if let Some(s) = scope {
            g = g.scope(s.0.clone());
        }
        if let Some(r) = records {
            g = g.records(r);
        }
        if let Some(c) = categories {
            g = g.categories(c);
        }
        if let Some(k) = rekey {
            g = g.rekey(&k.0);
        }
        if let Some(d) = rekey_digest {
            g = g.rekey_digest(d);
        }
        if let Some(h) = holder {
            g = g.holder(h.0);
        }
        Ok(Self(g))
    }

    fn __repr__(&self) -> String {
        "Grant(..)".to_owned()
    }
}

#[pymethods]
impl Narrowing {
    /// Narrows to record ids and categories (lists, or `Selection`s with
    /// `record_selection`/`category_selection`), purposes, a window (a `Window` or
    /// `(not_before, expiry)`), and names the next holder. Anything left out stays as it
    /// was.
    #[new]
    #[pyo3(signature = (*, records=None, categories=None, record_selection=None, category_selection=None, purposes=None, window=None, holder=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        records: Option<Strings>,
        categories: Option<Strings>,
        record_selection: Option<Selection>,
        category_selection: Option<Selection>,
        purposes: Option<Strings>,
        window: Option<WindowArg>,
        holder: Option<BlsPublicKey>,
    ) -> PyResult<Self> {
        let records = records.map(|s| s.0);
        let categories = categories.map(|s| s.0);
        let purposes = purposes.map(|s| s.0);
        let mut n = core::Narrowing::new();
        if let Some(r) = records {
            n = n.records(r);
        }
        if let Some(c) = categories {
            n = n.categories(c);
        }
        if let Some(s) = record_selection {
            n = n.record_selection(s.0);
        }
        if let Some(s) = category_selection {
            n = n.category_selection(s.0);
        }
        if let Some(p) = purposes {
            n = n.purposes(p);
        }
        if let Some(w) = window {
            n = n.window(w.into_core()?);
        }
        if let Some(h) = holder {
            n = n.holder(h.0);
        }
        Ok(Self(n))
    }

    fn __repr__(&self) -> String {
        "Narrowing(..)".to_owned()
    }
}

#[pymethods]
impl ConsentToken {
    /// Issues a token for `grant`, signed by the patient's key.
    #[staticmethod]
    fn issue(
        py: Python<'_>,
        issuer: Obj<'_, BlsSigningKey>,
        grant: Obj<'_, Grant>,
    ) -> PyResult<Self> {
        let issuer = &*issuer;
        let grant = &*grant;
        detached(py, || {
            core::ConsentToken::issue(&issuer.0, &grant.0, &mut OsRng)
        })
        .map(Self)
        .map_err(to_py_err)
    }

    /// Adds a block narrowing the token, signed by the holder the last block names.
    fn attenuate(
        &self,
        py: Python<'_>,
        holder: Obj<'_, BlsSigningKey>,
        narrowing: Obj<'_, Narrowing>,
    ) -> PyResult<Self> {
        let holder = &*holder;
        let narrowing = &*narrowing;
        detached(py, || self.0.attenuate(&holder.0, &narrowing.0))
            .map(Self)
            .map_err(to_py_err)
    }

    /// Adds the holder's proof (required when the last block names a holder).
    fn present(&self, py: Python<'_>, holder: Obj<'_, BlsSigningKey>) -> PyResult<Self> {
        let holder = &*holder;
        detached(py, || self.0.present(&holder.0))
            .map(Self)
            .map_err(to_py_err)
    }

    /// Verifies every signature and rule against the expected issuer at time `now`
    /// (seconds); raises ConsentError (expired, revoked, ...) or VerificationFailed.
    #[pyo3(signature = (issuer, now, revoked=None))]
    fn verify(
        &self,
        py: Python<'_>,
        issuer: Obj<'_, BlsPublicKey>,
        now: Time,
        revoked: Option<Obj<'_, RevocationSet>>,
    ) -> PyResult<VerifiedConsent> {
        let issuer = &*issuer;
        let now = now.0;
        let revoked: Option<&RevocationSet> = revoked.as_deref();
        detached(py, || match revoked {
            Some(r) => self.0.verify(&issuer.0, now, &r.lock()),
            None => self.0.verify(&issuer.0, now, &core::RevocationSet::new()),
        })
        .map(VerifiedConsent)
        .map_err(to_py_err)
    }

    /// The URL-safe base64 text form (for a QR code).
    fn to_text(&self) -> String {
        self.0.to_text()
    }

    /// Decodes `to_text()`.
    #[staticmethod]
    fn from_text(text: Str) -> PyResult<Self> {
        let text: &str = &text.0;
        core::ConsentToken::from_text(text)
            .map(Self)
            .map_err(to_py_err)
    }

    fn __repr__(&self) -> String {
        let ids = self.0.revocation_ids();
        let first = ids.first().map(|i| crate::short_hex(&i.to_bytes()));
        format!(
            "ConsentToken(id={}, blocks={})",
            first.unwrap_or_default(),
            self.0.block_count()
        )
    }

    /// The key that signed the first block (unverified).
    #[getter]
    fn issuer(&self) -> Option<BlsPublicKey> {
        self.0.issuer().map(BlsPublicKey)
    }

    /// The holder the last block names, if any (unverified).
    #[getter]
    fn holder(&self) -> Option<BlsPublicKey> {
        self.0.holder().map(BlsPublicKey)
    }

    /// Whether the token carries its holder's proof.
    #[getter]
    fn is_presented(&self) -> bool {
        self.0.is_presented()
    }

    /// The number of blocks.
    #[getter]
    fn block_count(&self) -> usize {
        self.0.block_count()
    }

    /// The chain entry logging this token's issue (action `grant`, subject its last block's
    /// revocation id, digest SHA-256 of its encoding).
    fn grant_entry(&self, time: Time) -> EntryDraft {
        let time = time.0;
        EntryDraft(self.0.grant_entry(time))
    }

    /// The chain entry revoking this token (action `revoke`, subject its last block's
    /// revocation id): it and every token attenuated from it are refused.
    fn revoke_entry(&self, time: Time) -> EntryDraft {
        let time = time.0;
        EntryDraft(self.0.revoke_entry(time))
    }

    /// The revocation id (32 bytes) of each block, first block first.
    fn revocation_ids<'py>(&self, py: Python<'py>) -> Vec<Bound<'py, PyBytes>> {
        self.0
            .revocation_ids()
            .iter()
            .map(|i| PyBytes::new(py, &i.to_bytes()))
            .collect()
    }

    /// The key that signed each block (the issuer, then the holder each block names), the
    /// keys to ask a revocation registry about block by block; unverified until `verify`.
    /// Raises InvalidArgument if a block names no next signer (a token `verify` refuses).
    fn block_signers(&self) -> PyResult<Vec<crate::BlsPublicKey>> {
        self.0
            .block_signers()
            .map(|keys| keys.into_iter().map(crate::BlsPublicKey).collect())
            .ok_or_else(|| {
                to_py_err(cipherchart::Error::InvalidArgument(
                    "a block of this token names no next signer",
                ))
            })
    }
}

#[pymethods]
impl VerifiedConsent {
    /// Whether the consent covers `record_id` of `category` for `purpose`.
    fn permits(&self, record_id: Bytes, category: Str, purpose: Str) -> bool {
        let category: &str = &category.0;
        let purpose: &str = &purpose.0;
        let record_id: &[u8] = &record_id;
        self.0.permits(record_id, category, purpose)
    }

    /// The subject (patient) named by the grant.
    #[getter]
    fn subject(&self) -> &str {
        self.0.subject()
    }

    /// The verified issuer.
    #[getter]
    fn issuer(&self) -> BlsPublicKey {
        BlsPublicKey(*self.0.issuer())
    }

    /// The effective purposes, sorted.
    #[getter]
    fn purposes(&self) -> Vec<String> {
        self.0.purposes().iter().cloned().collect()
    }

    /// The effective window (equal to the pair `(not_before, expiry)`).
    #[getter]
    fn window(&self) -> Window {
        Window(self.0.window())
    }

    /// Raises ConsentError (`NotPermitted`) unless `permits(...)`.
    fn check_permits(&self, record_id: Bytes, category: Str, purpose: Str) -> PyResult<()> {
        let category: &str = &category.0;
        let purpose: &str = &purpose.0;
        let record_id: &[u8] = &record_id;
        self.0
            .check_permits(record_id, category, purpose)
            .map_err(to_py_err)
    }

    /// Who the consent is for: a `Policy` (the audience a re-key must target) or a
    /// `BlsPublicKey`.
    #[getter]
    fn grantee<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(match self.0.grantee() {
            Grantee::Policy(p) => Bound::new(py, Policy(p.clone()))?.into_any(),
            Grantee::Key(k) => Bound::new(py, BlsPublicKey(*k))?.into_any(),
        })
    }

    /// The effective scope.
    #[getter]
    fn scope(&self) -> Scope {
        Scope(self.0.scope().clone())
    }

    /// The digest of the one re-key the consent authorises (see `rekey_digest`), if any.
    #[getter]
    fn rekey_digest<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.0.rekey_digest().map(|d| PyBytes::new(py, d))
    }

    /// The holder the last block names, if any (who presented the token).
    #[getter]
    fn holder(&self) -> Option<BlsPublicKey> {
        self.0.holder().copied().map(BlsPublicKey)
    }

    /// The revocation id (32 bytes) of each block, first block first.
    fn revocation_ids<'py>(&self, py: Python<'py>) -> Vec<Bound<'py, PyBytes>> {
        self.0
            .revocation_ids()
            .iter()
            .map(|i| PyBytes::new(py, &i.to_bytes()))
            .collect()
    }

    /// The time the token was verified at.
    #[getter]
    fn verified_at(&self) -> u64 {
        self.0.verified_at()
    }

    fn __repr__(&self) -> String {
        format!("VerifiedConsent(verified_at={})", self.0.verified_at())
    }
}

#[pymethods]
impl RevocationSet {
    /// An empty set.
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// Adds a 32-byte revocation id; returns whether it was new.
    fn insert(&self, revocation_id: Bytes) -> PyResult<bool> {
        let revocation_id: &[u8] = &revocation_id;
        let id = core::RevocationId::from_bytes(revocation_id).map_err(to_py_err)?;
        Ok(self.lock().insert(id))
    }

    /// Every revocation logged in `chain` (revoke entries with a valid signature).
    #[staticmethod]
    fn from_chain(py: Python<'_>, chain: Obj<'_, Chain>) -> PyResult<Self> {
        let chain = &*chain;
        chain
            .with(
                py,
                |s| crate::chain::with_chain!(s, c => core::RevocationSet::from_chain(c)),
            )?
            .map(Self::from_core)
            .map_err(to_py_err)
    }

    /// Records a chain entry if it is a revocation (action `revoke`, a 32-byte subject, a
    /// valid signature); returns whether it was one. Raises VerificationFailed for a
    /// revoke entry with a bad signature.
    fn insert_entry(&self, py: Python<'_>, entry: Obj<'_, Entry>) -> PyResult<bool> {
        let entry = &*entry;
        detached(py, || self.lock().insert_entry(&entry.0)).map_err(to_py_err)
    }

    fn __contains__(&self, revocation_id: Bytes) -> bool {
        let revocation_id: &[u8] = &revocation_id;
        core::RevocationId::from_bytes(revocation_id).is_ok_and(|id| self.lock().contains(&id))
    }

    fn __len__(&self) -> usize {
        self.lock().len()
    }

    fn __repr__(&self) -> String {
        format!("RevocationSet(len={})", self.__len__())
    }
}

/// Re-encrypts `record` with `rekey` only if the verified consent binds that re-key and
/// covers the record's id, `category` and `purpose`; raises ConsentError otherwise.
#[pyfunction]
pub fn reencrypt_with_consent(
    py: Python<'_>,
    consent: Obj<'_, VerifiedConsent>,
    rekey: Obj<'_, ReKey>,
    record: Obj<'_, SealedRecord>,
    category: Str,
    purpose: Str,
) -> PyResult<SealedRecord> {
    let category: &str = &category.0;
    let purpose: &str = &purpose.0;
    let consent = &*consent;
    let rekey = &*rekey;
    let record = &*record;
    detached(py, || {
        core::reencrypt_with_consent(&consent.0, &rekey.0, &record.0, category, purpose)
    })
    .map(SealedRecord)
    .map_err(to_py_err)
}

/// `reencrypt_with_consent` that also checks `rekey` against the current version notices of
/// its source and target authorities (`ReKey.check_current`) before touching the record: the
/// helper for a proxy that follows revocation, and the one that takes format v3 re-keys.
#[pyfunction]
pub fn reencrypt_with_consent_under<'py>(
    py: Python<'py>,
    consent: Obj<'_, VerifiedConsent>,
    rekey: Obj<'_, ReKey>,
    notices: Seq<Obj<'py, VerifiedNotice>>,
    record: Obj<'_, SealedRecord>,
    category: Str,
    purpose: Str,
) -> PyResult<SealedRecord> {
    let category: &str = &category.0;
    let purpose: &str = &purpose.0;
    let consent = &*consent;
    let rekey = &*rekey;
    let record = &*record;
    let notices: Vec<&core::VerifiedNotice> = notices.iter().map(|n| &n.0).collect();
    detached(py, || {
        core::reencrypt_with_consent_under(
            &consent.0, &rekey.0, &notices, &record.0, category, purpose,
        )
    })
    .map(SealedRecord)
    .map_err(to_py_err)
}

/// `reencrypt_with_consent` for many `(record, category)` pairs with one purpose: one entry
/// per pair, in order, each the new record or the (unraised) exception; raises ConsentError
/// at once if the consent does not bind `rekey`.
#[pyfunction]
pub fn reencrypt_batch_with_consent<'py>(
    py: Python<'py>,
    consent: Obj<'_, VerifiedConsent>,
    rekey: Obj<'_, ReKey>,
    records: Seq<(Obj<'py, SealedRecord>, String)>,
    purpose: Str,
) -> PyResult<Bound<'py, PyList>> {
    let purpose: &str = &purpose.0;
    let consent = &*consent;
    let rekey = &*rekey;
    let pairs: Vec<(&cipherchart::SealedRecord, &str)> =
        records.iter().map(|(r, c)| (&r.0, c.as_str())).collect();
    let results = detached(py, || {
        core::reencrypt_batch_with_consent(&consent.0, &rekey.0, &pairs, purpose)
    });
    batch_results(py, results)
}

/// `reencrypt_batch_with_consent` with the currency check of `reencrypt_with_consent_under`
/// (once, for the whole batch).
#[pyfunction]
pub fn reencrypt_batch_with_consent_under<'py>(
    py: Python<'py>,
    consent: Obj<'_, VerifiedConsent>,
    rekey: Obj<'_, ReKey>,
    notices: Seq<Obj<'py, VerifiedNotice>>,
    records: Seq<(Obj<'py, SealedRecord>, String)>,
    purpose: Str,
) -> PyResult<Bound<'py, PyList>> {
    let purpose: &str = &purpose.0;
    let consent = &*consent;
    let rekey = &*rekey;
    let notices: Vec<&core::VerifiedNotice> = notices.iter().map(|n| &n.0).collect();
    let pairs: Vec<(&cipherchart::SealedRecord, &str)> =
        records.iter().map(|(r, c)| (&r.0, c.as_str())).collect();
    let results = detached(py, || {
        core::reencrypt_batch_with_consent_under(&consent.0, &rekey.0, &notices, &pairs, purpose)
    });
    batch_results(py, results)
}

/// A batch's results as a list: each the new record or the (unraised) exception.
fn batch_results<'py>(
    py: Python<'py>,
    results: cipherchart::Result<Vec<cipherchart::Result<cipherchart::SealedRecord>>>,
) -> PyResult<Bound<'py, PyList>> {
    let items = results
        .map_err(to_py_err)?
        .into_iter()
        .map(|r| match r {
            Ok(s) => Ok(Bound::new(py, SealedRecord(s))?.into_any()),
            Err(e) => Ok(to_py_err(e).into_value(py).into_bound(py).into_any()),
        })
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

/// The digest (32 bytes) a consent token names to authorise exactly `rekey` (the
/// `rekey_digest` argument of `Grant`).
#[pyfunction]
pub fn rekey_digest<'py>(py: Python<'py>, rekey: Obj<'_, ReKey>) -> Bound<'py, PyBytes> {
    let rekey = &*rekey;
    PyBytes::new(py, &core::rekey_digest(&rekey.0))
}

/// Raises ConsentError (`RekeyMismatch`) unless the consent authorises `rekey` (its digest
/// is the one named, and its target policy is the grantee policy).
#[pyfunction]
pub fn check_rekey(consent: Obj<'_, VerifiedConsent>, rekey: Obj<'_, ReKey>) -> PyResult<()> {
    let consent = &*consent;
    let rekey = &*rekey;
    core::check_rekey(&consent.0, &rekey.0).map_err(to_py_err)
}
