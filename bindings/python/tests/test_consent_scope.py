"""Consent scope types (Selection, Scope, Window), the rest of VerifiedConsent, re-key
digests, revocations from single entries, and BLS object encodings."""

from __future__ import annotations

import pickle

import pytest

import cipherchart
from cipherchart import (
    Authority,
    BlsPublicKey,
    ConsentToken,
    Grant,
    Narrowing,
    Policy,
    ReKey,
    RevocationSet,
    Scope,
    Selection,
    BlsSignature,
    BlsSigningKey,
    Window,
    check_rekey,
    rekey_digest,
)

NOW = 1_767_225_600
DAY = 86_400
PATIENT = BlsSigningKey.from_ikm(b"P" * 32)
HOLDER = BlsSigningKey.from_ikm(b"H" * 32)
TEAM = Policy("team:t1")


@pytest.fixture(scope="module")
def rekeys() -> tuple[ReKey, ReKey]:
    a = Authority.setup()

    def grant() -> ReKey:
        delegation = a.issue_delegation_key(["patient:42"], PATIENT.public_key)
        return delegation.rekey(a.public_key, TEAM)

    return (grant(), grant())


def test_selection() -> None:
    any_ = Selection.any()
    only = Selection.only(["radiology", "cardiology", "cardiology"])
    assert any_.is_any and any_.values is None
    assert not only.is_any and only.values == ["cardiology", "radiology"]
    assert only.contains("cardiology") and not only.contains("oncology")
    assert any_.contains("anything") and any_.contains_bytes(b"\xff")
    assert only.contains_bytes(b"cardiology") and not only.contains_bytes(b"\xffcardiology")
    assert Selection.only(["cardiology"]).is_within(only) and only.is_within(any_)
    assert not any_.is_within(only) and not only.is_within(Selection.only(["cardiology"]))
    assert only == Selection.only(["cardiology", "radiology"]) and only != any_
    assert hash(only) == hash(Selection.only(["radiology", "cardiology"]))
    for s in (any_, only):
        assert pickle.loads(pickle.dumps(s)) == s
    assert repr(any_) == "Selection.any()"


def test_scope() -> None:
    assert Scope() == Scope.all() and Scope.all().records.is_any
    s = Scope(records=["ecg-1", "ecg-2"], categories=Selection.only(["cardiology"]))
    assert s.records == Selection.only(["ecg-1", "ecg-2"])
    assert s.contains(b"ecg-1", "cardiology")
    assert not s.contains(b"ecg-3", "cardiology") and not s.contains(b"ecg-1", "oncology")
    assert s.is_within(Scope.all()) and not Scope.all().is_within(s)
    assert Scope(records=["ecg-1"], categories=["cardiology"]).is_within(s)
    assert pickle.loads(pickle.dumps(s)) == s and hash(s) == hash(pickle.loads(pickle.dumps(s)))
    assert "ecg-1" in repr(s)


def test_window() -> None:
    w = Window(NOW, NOW + DAY)
    assert (w.not_before, w.expiry) == (NOW, NOW + DAY)
    assert w == (NOW, NOW + DAY) and (NOW, NOW + DAY) == w and w == Window(NOW, NOW + DAY)
    assert w != (NOW, NOW + 2 * DAY) and w != "window"
    start, end = w
    assert (start, end) == (NOW, NOW + DAY) and len(w) == 2 and (w[0], w[-1]) == (start, end)
    with pytest.raises(IndexError):
        w[2]
    by_window: dict[object, int] = {w: 1}
    assert hash(w) == hash((NOW, NOW + DAY)) and by_window[(NOW, NOW + DAY)] == 1
    assert w.contains(NOW) and w.contains(NOW + DAY - 1) and not w.contains(NOW + DAY)
    assert Window(NOW + 1, NOW + 2).is_within(w) and not w.is_within(Window(NOW + 1, NOW + 2))
    assert pickle.loads(pickle.dumps(w)) == w
    for bad in [(NOW, NOW), (NOW + 1, NOW)]:
        with pytest.raises(cipherchart.InvalidArgument):
            Window(*bad)
        with pytest.raises(cipherchart.InvalidArgument):
            Grant("p", TEAM, bad, purposes=["research"])


def test_verified_consent_accessors() -> None:
    scope = Scope(records=["ecg-1", "ecg-2"], categories=["cardiology"])
    grant = Grant(
        "patient-42", TEAM, Window(NOW, NOW + 30 * DAY), scope=scope,
        purposes=["research"], holder=HOLDER.public_key,
    )
    token = ConsentToken.issue(PATIENT, grant).present(HOLDER)
    consent = token.verify(PATIENT.public_key, NOW + 1)
    assert consent.grantee == TEAM and isinstance(consent.grantee, Policy)
    assert consent.scope == scope and consent.rekey_digest is None
    assert consent.holder == HOLDER.public_key
    assert consent.revocation_ids() == token.revocation_ids()
    assert consent.window == Window(NOW, NOW + 30 * DAY)
    consent.check_permits(b"ecg-2", "cardiology", "research")
    for args in [(b"ecg-3", "cardiology", "research"), (b"ecg-1", "cardiology", "billing")]:
        assert not consent.permits(*args)
        with pytest.raises(cipherchart.ConsentError):
            consent.check_permits(*args)


def test_narrowing_by_selection_and_window() -> None:
    grant = Grant("patient-42", TEAM, (NOW, NOW + 30 * DAY), purposes=["research"],
                  holder=HOLDER.public_key)
    narrow = Narrowing(
        record_selection=Selection.only(["ecg-1"]),
        category_selection=Selection.only(["cardiology"]),
        window=Window(NOW, NOW + DAY),
    )
    token = ConsentToken.issue(PATIENT, grant).attenuate(HOLDER, narrow)
    consent = token.verify(PATIENT.public_key, NOW + 1)
    assert consent.scope == Scope(records=["ecg-1"], categories=["cardiology"])
    assert consent.window == (NOW, NOW + DAY) and consent.holder is None
    widen = Narrowing(window=Window(NOW, NOW + 60 * DAY))
    with pytest.raises(cipherchart.ConsentError):
        ConsentToken.issue(PATIENT, grant).attenuate(HOLDER, widen).verify(
            PATIENT.public_key, NOW + 1
        )


def test_rekey_digest_binds_one_rekey(rekeys: tuple[ReKey, ReKey]) -> None:
    rk, other = rekeys
    digest = rekey_digest(rk)
    assert len(digest) == 32 and digest == rekey_digest(ReKey.from_bytes(bytes(rk)))
    assert digest != rekey_digest(other)
    grantee = HOLDER.public_key  # a key grantee: only the digest (and delegator) bind a re-key
    grant = Grant("patient-42", grantee, (NOW, NOW + DAY), purposes=["research"],
                  rekey_digest=digest)
    consent = ConsentToken.issue(PATIENT, grant).verify(PATIENT.public_key, NOW)
    assert consent.rekey_digest == digest
    assert consent.grantee == grantee and isinstance(consent.grantee, BlsPublicKey)
    check_rekey(consent, rk)
    with pytest.raises(cipherchart.ConsentError):
        check_rekey(consent, other)
    by_key = Grant("patient-42", grantee, (NOW, NOW + DAY), purposes=["research"], rekey=rk)
    assert ConsentToken.issue(PATIENT, by_key).verify(PATIENT.public_key, NOW).rekey_digest == digest
    unbound = Grant("patient-42", grantee, (NOW, NOW + DAY), purposes=["research"])
    with pytest.raises(cipherchart.ConsentError):
        check_rekey(ConsentToken.issue(PATIENT, unbound).verify(PATIENT.public_key, NOW), rk)


def test_revocation_set_insert_entry() -> None:
    grant = Grant("patient-42", TEAM, (NOW, NOW + DAY), purposes=["research"])
    token = ConsentToken.issue(PATIENT, grant)
    chain = cipherchart.Chain()
    chain.sign_and_append(token.grant_entry(NOW), PATIENT)
    chain.sign_and_append(token.revoke_entry(NOW + 1), PATIENT)
    revoked = RevocationSet()
    assert revoked.insert_entry(chain.entry(0)) is False and len(revoked) == 0
    assert revoked.insert_entry(chain.entry(1)) is True
    assert token.revocation_ids()[0] in revoked
    with pytest.raises(cipherchart.ConsentError):
        token.verify(PATIENT.public_key, NOW + 2, revoked)


def test_bls_object_bytes() -> None:
    pk = PATIENT.public_key
    sig = PATIENT.sign(b"m")
    assert len(pk.to_object_bytes()) == 52 and pk.to_object_bytes().endswith(bytes(pk))
    assert len(sig.to_object_bytes()) == 100 and sig.to_object_bytes().endswith(bytes(sig))
    assert BlsPublicKey.from_object_bytes(pk.to_object_bytes()) == pk
    assert BlsSignature.from_object_bytes(sig.to_object_bytes()) == sig
    with pytest.raises(cipherchart.InvalidEncoding):
        BlsPublicKey.from_object_bytes(bytes(pk))
    with pytest.raises(cipherchart.InvalidEncoding):
        BlsSignature.from_object_bytes(pk.to_object_bytes())
