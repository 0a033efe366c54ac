"""`.kind`: the reason a consent, chain, encoding or limit error carries in Rust, as the
snake_case name of its variant."""

from __future__ import annotations

import pickle

import pytest

import cipherchart
from cipherchart import Chain, Checkpoint, ConsentToken, EntryDraft, Grant, Policy, BlsSigningKey

NOW = 1_767_225_600
PATIENT = BlsSigningKey.from_ikm(b"k" * 32)


def token() -> ConsentToken:
    grant = Grant("patient-1", Policy("team:t1"), (NOW, NOW + 100), purposes=["research"])
    return ConsentToken.issue(PATIENT, grant)


@pytest.mark.parametrize(
    ("now", "kind"), [(NOW + 100, "expired"), (NOW - 1, "not_yet_valid")]
)
def test_consent_kinds(now: int, kind: str) -> None:
    with pytest.raises(cipherchart.ConsentError) as info:
        token().verify(PATIENT.public_key, now)
    assert info.value.kind == kind
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is cipherchart.ConsentError and again.kind == kind


def test_consent_revoked_and_wrong_issuer() -> None:
    t = token()
    revoked = cipherchart.RevocationSet()
    revoked.insert(t.revocation_ids()[0])
    with pytest.raises(cipherchart.ConsentError) as info:
        t.verify(PATIENT.public_key, NOW, revoked)
    assert info.value.kind == "revoked"
    with pytest.raises(cipherchart.ConsentError) as info:
        t.verify(BlsSigningKey.from_ikm(b"o" * 32).public_key, NOW)
    assert info.value.kind == "wrong_issuer"


def test_chain_kind() -> None:
    chain = Chain()
    for i in range(3):
        chain.sign_and_append(EntryDraft.for_payload(NOW, "read", b"r", b"%d" % i), PATIENT)
    log = BlsSigningKey.from_ikm(b"l" * 32)
    forged = Checkpoint.sign("log.example", 3, chain.root_at(2), log)
    with pytest.raises(cipherchart.ChainError) as info:
        chain.verify_all(forged, log.public_key)
    assert info.value.kind == "root" and info.value.index == 3


def test_encoding_and_limit_kinds() -> None:
    chain = Chain()
    chain.sign_and_append(EntryDraft.for_payload(NOW, "read", b"r", b"x"), PATIENT)
    entry = bytes(chain.entry(0))
    for data, kind in [
        (entry[:-1], "truncated"),
        (entry + b"x", "trailing_bytes"),
        (PATIENT.public_key.to_object_bytes(), "wrong_type"),
    ]:
        with pytest.raises(cipherchart.InvalidEncoding) as enc:
            cipherchart.Entry.from_bytes(data)
        assert enc.value.kind == kind
    with pytest.raises(cipherchart.LimitExceeded) as lim:
        Policy(" or ".join(f"a:{i}" for i in range(300)))
    assert lim.value.kind == "policy_leaves"


def test_no_kind_elsewhere() -> None:
    with pytest.raises(cipherchart.VerificationFailed) as info:
        PATIENT.public_key.verify(b"m", PATIENT.sign(b"n"))
    assert info.value.kind is None
    assert cipherchart.CipherchartError("x").kind is None
