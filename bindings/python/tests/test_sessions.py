"""Sessions: one header, many records."""

from __future__ import annotations

import pickle

import pytest

import cipherchart
from cipherchart import Policy, PublicKey, SessionHeader, SessionRecord, UserKey


def test_round_trip(pk: PublicKey, policy: Policy, doctor: UserKey) -> None:
    header, sealer = cipherchart.start_session(pk, policy, b"sess-1", b"icu monitor")
    assert header.session_id == b"sess-1" and header.metadata == b"icu monitor"
    assert header.policy == policy and len(header.digest) == 32
    assert sealer.next_sequence == 0
    records = [sealer.seal(b"t=%d" % i, b"hr=%d" % (60 + i)) for i in range(5)]
    assert [r.sequence for r in records] == list(range(5)) and sealer.next_sequence == 5
    assert records[3].metadata == b"t=3"
    opener = doctor.open_session(pk, SessionHeader.from_bytes(bytes(header)))
    assert [opener.open(SessionRecord.from_bytes(bytes(r))) for r in records] == [
        b"hr=%d" % (60 + i) for i in range(5)
    ]


def test_not_satisfied(pk: PublicKey, policy: Policy, nurse: UserKey) -> None:
    header, _ = cipherchart.start_session(pk, policy, b"s", b"")
    with pytest.raises(cipherchart.PolicyNotSatisfied):
        nurse.open_session(pk, header)


def test_tampered_and_foreign_records(pk: PublicKey, policy: Policy, doctor: UserKey) -> None:
    header, sealer = cipherchart.start_session(pk, policy, b"s", b"")
    record = sealer.seal(b"", b"payload")
    opener = doctor.open_session(pk, header)
    bad = bytearray(bytes(record))
    bad[-1] ^= 1
    with pytest.raises(cipherchart.DecryptionFailed):
        opener.open(SessionRecord.from_bytes(bytes(bad)))
    _, other = cipherchart.start_session(pk, policy, b"s", b"")
    with pytest.raises(cipherchart.DecryptionFailed):
        opener.open(other.seal(b"", b"payload"))
    with pytest.raises(cipherchart.InvalidEncoding):
        SessionHeader.from_bytes(bytes(header)[:-1])


def test_public_parts_compare_and_pickle(pk: PublicKey, policy: Policy) -> None:
    header, sealer = cipherchart.start_session(pk, policy, b"s", b"")
    record = sealer.seal(b"m", b"p")
    assert pickle.loads(pickle.dumps(header)) == header
    assert pickle.loads(pickle.dumps(record)) == record
    assert hash(SessionRecord.from_bytes(bytes(record))) == hash(record)
    assert "SessionSealer(" in repr(sealer)
    with pytest.raises(TypeError):
        pickle.dumps(sealer)
