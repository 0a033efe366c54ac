"""Proxy re-encryption: ReKey, one and two hops, batches."""

from __future__ import annotations

import pickle

import pytest

import cipherchart
from cipherchart import Authority, Policy, PublicKey, ReKey, SealedRecord


@pytest.fixture(scope="module")
def patient(authority: Authority) -> cipherchart.UserKey:
    return authority.issue_key(["patient:42"])


@pytest.fixture(scope="module")
def h2_policy() -> Policy:
    return Policy("hospital:h2 and role:physician")


def test_one_hop(
    authority: Authority, pk: PublicKey, patient: cipherchart.UserKey, h2_policy: Policy
) -> None:
    record = cipherchart.seal(pk, Policy("patient:42"), b"ecg-1", b"", b"ECG data")
    rekey = patient.rekey(pk, ["patient:42"], h2_policy)
    assert rekey.can_reencrypt(record)
    shared = rekey.reencrypt(record)
    assert shared.hop_count == 1
    assert shared.current_policy == h2_policy and shared.policy == Policy("patient:42")
    assert shared.record_id == b"ecg-1"
    doctor = authority.issue_key(["hospital:h2", "role:physician"])
    assert doctor.open(pk, shared) == b"ECG data"
    assert patient.open(pk, shared) == b"ECG data"  # the delegator still opens its layer
    outsider = authority.issue_key(["hospital:h2"])
    with pytest.raises(cipherchart.PolicyNotSatisfied):
        outsider.open(pk, shared)
    assert SealedRecord.from_bytes(bytes(shared)) == shared


def test_two_hops(
    authority: Authority, pk: PublicKey, patient: cipherchart.UserKey, h2_policy: Policy
) -> None:
    record = cipherchart.seal(pk, Policy("patient:42"), b"r", b"", b"two hops")
    first = patient.rekey(pk, ["patient:42"], h2_policy).reencrypt(record)
    doctor = authority.issue_key(["hospital:h2", "role:physician"])
    lab = Policy("lab:l7")
    second = doctor.rekey(pk, ["hospital:h2", "role:physician"], lab).reencrypt(first)
    assert second.hop_count == 2 and second.current_policy == lab
    assert authority.issue_key(["lab:l7"]).open(pk, second) == b"two hops"


def test_cannot_reencrypt_unrelated_record(
    pk: PublicKey, patient: cipherchart.UserKey, h2_policy: Policy
) -> None:
    rekey = patient.rekey(pk, ["patient:42"], h2_policy)
    other = cipherchart.seal(pk, Policy("patient:7"), b"r", b"", b"x")
    assert not rekey.can_reencrypt(other)
    with pytest.raises(cipherchart.PolicyNotSatisfied):
        rekey.reencrypt(other)


def test_batch(
    authority: Authority, pk: PublicKey, patient: cipherchart.UserKey, h2_policy: Policy
) -> None:
    rekey = patient.rekey(pk, ["patient:42"], h2_policy)
    records = [
        cipherchart.seal(pk, Policy("patient:42"), b"r%d" % i, b"", b"p%d" % i) for i in range(4)
    ]
    records.insert(2, cipherchart.seal(pk, Policy("patient:7"), b"x", b"", b"no"))
    results = rekey.reencrypt_batch(records)
    assert len(results) == 5
    bad = results[2]
    assert isinstance(bad, cipherchart.PolicyNotSatisfied)
    doctor = authority.issue_key(["hospital:h2", "role:physician"])
    opened = []
    for r in results[:2] + results[3:]:
        assert isinstance(r, SealedRecord) and r.hop_count == 1
        opened.append(doctor.open(pk, r))
    assert opened == [b"p0", b"p1", b"p2", b"p3"]
    assert rekey.reencrypt_batch([]) == []


def test_rekey_errors(pk: PublicKey, patient: cipherchart.UserKey, h2_policy: Policy) -> None:
    with pytest.raises(cipherchart.NotASubset):
        patient.rekey(pk, ["role:physician"], h2_policy)
    with pytest.raises(cipherchart.InvalidArgument):
        patient.rekey(pk, [], h2_policy)


def test_rekey_bytes_pickle_repr(
    pk: PublicKey, patient: cipherchart.UserKey, h2_policy: Policy
) -> None:
    rekey = patient.rekey(pk, ["patient:42"], h2_policy)
    assert rekey.attributes == ["patient:42"] and rekey.target_policy == h2_policy
    assert len(rekey.grant_id) > 0
    record = cipherchart.seal(pk, Policy("patient:42"), b"r", b"", b"x")
    for copy in (ReKey.from_bytes(bytes(rekey)), pickle.loads(pickle.dumps(rekey))):
        assert isinstance(copy, ReKey) and copy.grant_id == rekey.grant_id
        assert copy.can_reencrypt(record)
    assert rekey.grant_id[:8].hex() in repr(rekey)
    secret_hex = bytes(rekey).hex()
    text = repr(rekey)
    assert not any(secret_hex[i : i + 16] in text for i in range(64, len(secret_hex) - 16, 16))
    assert type(rekey).__eq__ is object.__eq__
    with pytest.raises(cipherchart.InvalidEncoding):
        ReKey.from_bytes(bytes(rekey)[:-1])
