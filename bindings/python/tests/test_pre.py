"""Proxy re-encryption: DelegationKey, ReKey, one and two hops, batches, and the v2 findings
(record-bound hops, layer fallback, authority ids) through the Python API."""

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


CONSENT_KEY = cipherchart.BlsSigningKey.generate()


def rekey_for(
    authority: Authority,
    attributes: list[str],
    policy: Policy,
    delegator: cipherchart.BlsSigningKey = CONSENT_KEY,
) -> ReKey:
    """A grant: a delegation key issued for it, made into a re-key."""
    delegation = authority.issue_delegation_key(attributes, delegator.public_key)
    return delegation.rekey(authority.public_key, policy)


def test_one_hop(
    authority: Authority, pk: PublicKey, patient: cipherchart.UserKey, h2_policy: Policy
) -> None:
    record = cipherchart.seal(pk, Policy("patient:42"), b"ecg-1", b"", b"ECG data")
    rekey = rekey_for(authority, ["patient:42"], h2_policy)
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
    first = rekey_for(authority, ["patient:42"], h2_policy).reencrypt(record)
    doctor = authority.issue_key(["hospital:h2", "role:physician"])
    lab = Policy("lab:l7")
    second = rekey_for(authority, ["hospital:h2", "role:physician"], lab).reencrypt(first)
    assert second.hop_count == 2 and second.current_policy == lab
    assert authority.issue_key(["lab:l7"]).open(pk, second) == b"two hops"


def test_cannot_reencrypt_unrelated_record(
    authority: Authority, pk: PublicKey, h2_policy: Policy
) -> None:
    rekey = rekey_for(authority, ["patient:42"], h2_policy)
    other = cipherchart.seal(pk, Policy("patient:7"), b"r", b"", b"x")
    assert not rekey.can_reencrypt(other)
    with pytest.raises(cipherchart.PolicyNotSatisfied):
        rekey.reencrypt(other)


def test_batch(
    authority: Authority, pk: PublicKey, patient: cipherchart.UserKey, h2_policy: Policy
) -> None:
    rekey = rekey_for(authority, ["patient:42"], h2_policy)
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


def test_rekey_errors(authority: Authority, pk: PublicKey, h2_policy: Policy) -> None:
    with pytest.raises(cipherchart.InvalidArgument):
        authority.issue_delegation_key([], CONSENT_KEY.public_key)
    with pytest.raises(cipherchart.InvalidAttribute):
        authority.issue_delegation_key(["cipherchart:key-holder"], CONSENT_KEY.public_key)
    # A delegation key makes one re-key: the second use is refused, not a crash.
    delegation = authority.issue_delegation_key(["patient:42"], CONSENT_KEY.public_key)
    assert delegation.attributes == ["patient:42"]
    assert delegation.delegator == CONSENT_KEY.public_key
    assert delegation.authority == pk.id
    delegation.rekey(pk, h2_policy)
    with pytest.raises(cipherchart.InvalidArgument):
        delegation.rekey(pk, h2_policy)
    with pytest.raises(cipherchart.InvalidArgument):
        bytes(delegation)
    # Another authority's public key: refused before any work.
    other = Authority.setup()
    fresh = authority.issue_delegation_key(["patient:42"], CONSENT_KEY.public_key)
    with pytest.raises(cipherchart.WrongAuthority):
        fresh.rekey(other.public_key, h2_policy)
    # ... without consuming the key.
    assert fresh.rekey(pk, h2_policy).authority == pk.id


def test_rekey_bytes_pickle_repr(
    authority: Authority, pk: PublicKey, h2_policy: Policy
) -> None:
    rekey = rekey_for(authority, ["patient:42"], h2_policy)
    assert rekey.attributes == ["patient:42"] and rekey.target_policy == h2_policy
    assert rekey.delegator == CONSENT_KEY.public_key and rekey.authority == pk.id
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


def test_finding_2_a_copied_hop_opens_nothing(authority: Authority, pk: PublicKey) -> None:
    """v2 finding 2: a hop made for one record, copied onto another record of the same grant,
    opens nothing (in v1 the copy of a second hop opened with plain open)."""
    chart = Policy("patient:42")
    r1 = cipherchart.seal(pk, chart, b"p42/ecg", b"", b"ecg")
    r2 = cipherchart.seal(pk, chart, b"p42/psych", b"", b"psych")
    rk = rekey_for(authority, ["patient:42"], Policy("role:physician"))
    s1 = rk.reencrypt(r1)
    hop = bytes(s1)[len(bytes(r1)) :]  # r1 ends with hop count 0; s1 with 1 and the hop
    forged = SealedRecord.from_bytes(bytes(r2)[:-1] + b"\x01" + hop)
    doctor = authority.issue_key(["role:physician"])
    assert doctor.open(pk, s1) == b"ecg"
    with pytest.raises(cipherchart.DecryptionFailed):
        doctor.open(pk, forged)


def test_finding_6_a_forged_hop_does_not_lock_the_audience_out(
    authority: Authority, pk: PublicKey
) -> None:
    """v2 finding 6: opening starts at the oldest layer the key satisfies; a forged newer hop is not read."""
    chart = Policy("patient:42")
    mine = cipherchart.seal(pk, chart, b"p42/ecg", b"", b"mine")
    other = cipherchart.seal(pk, chart, b"p42/lab", b"", b"other")
    rk = rekey_for(authority, ["patient:42"], Policy("patient:42 or role:clerk"))
    hop = bytes(rk.reencrypt(other))[len(bytes(other)) :]
    forged = SealedRecord.from_bytes(bytes(mine)[:-1] + b"\x01" + hop)
    assert authority.issue_key(["patient:42"]).open(pk, forged) == b"mine"
    with pytest.raises(cipherchart.DecryptionFailed):
        authority.issue_key(["role:clerk"]).open(pk, forged)


def test_finding_8_wrong_authority(authority: Authority, pk: PublicKey) -> None:
    """v2 finding 8: keys, re-keys and records name their authority."""
    other = Authority.setup()
    record = cipherchart.seal(pk, Policy("patient:42"), b"r", b"", b"x")
    assert record.authority == pk.id
    stranger = other.issue_key(["patient:42"])
    assert stranger.authority == other.public_key.id
    with pytest.raises(cipherchart.WrongAuthority) as e:
        stranger.open(pk, record)
    assert e.value.code == "wrong_authority"
    with pytest.raises(cipherchart.WrongAuthority):
        rekey_for(other, ["patient:42"], Policy("role:physician")).reencrypt(record)
