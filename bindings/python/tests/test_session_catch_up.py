"""The catch-up of stored sessions through the bindings (mirrors tests/revocation/session_catch_up.rs):
after it, a key from before a bump opens no stored session; a closed session's header is re-wrapped
with its trailer (records byte for byte, each checked against the trailer by every opener), a
session still being sealed at the revocation and a v2 session are re-encrypted whole; the catch-ups
refuse a trailer that is not the session's; both log as chain entries. Also the Python side: the
new objects as values, and wrong arguments."""

from __future__ import annotations

import pickle
from typing import List, Tuple

import pytest

import cipherchart
from cipherchart import (
    Authority,
    BlsSigningKey,
    Entry,
    InclusionProof,
    Policy,
    SessionHeader,
    SessionRecord,
    SessionSealer,
    Trailer,
    UserKey,
    VerifiedNotice,
    prove_session_record,
    prove_session_records,
    session_trailer,
    start_session,
    start_session_with_notice,
)
from notice_service import NoticeService

ATTRS = ["role:nurse", "dept:icu"]
POLICY = "role:nurse and dept:icu"


def payload(i: int) -> bytes:
    return f"{60 + i} bpm".encode()


def session3(
    authority: Authority, notice: VerifiedNotice, sid: bytes, n: int
) -> Tuple[SessionHeader, SessionSealer, List[SessionRecord]]:
    header, sealer = start_session_with_notice(
        authority.public_key, notice, Policy(POLICY), sid, b"bed 4"
    )
    return header, sealer, [sealer.seal(b"hr", payload(i)) for i in range(n)]


def open_proven(key: UserKey, authority: Authority, header: SessionHeader, records: List[SessionRecord]) -> List[bytes]:
    opener = key.open_session(authority.public_key, header)
    every = opener.open_all(records)
    for i, record in enumerate(records):
        assert opener.open_included(record, prove_session_record(records, i)) == every[i]
    return every


def test_after_catch_up_the_revoked_key_opens_no_stored_session() -> None:
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    carla = authority.issue_key_under(n0, ATTRS)
    closed, sealer, closed_records = session3(authority, n0, b"bed-4/mon", 5)
    trailer = sealer.trailer()
    assert (trailer.kind, trailer.count, trailer.header_digest) == ("session", 5, closed.digest)
    assert session_trailer(closed, closed_records) == trailer
    open_at_bump, sealer2, open_records = session3(authority, n0, b"bed-4/tue", 3)
    v2, v2_sealer = start_session(authority.public_key, Policy(POLICY), b"bed-4/wed", b"")
    v2_records = [v2_sealer.seal(b"hr", payload(i)) for i in range(3)]
    with pytest.raises(cipherchart.InvalidArgument):
        v2_sealer.trailer()
    with pytest.raises(cipherchart.InvalidArgument):
        session_trailer(v2, v2_records)

    n1 = service.bump("role:nurse")
    for h in (closed, open_at_bump, v2):
        assert h.needs_catch_up(n1) and not h.needs_catch_up(n0)
        assert h.authority == authority.public_key.id
    rewrapped = authority.rewrap_session(closed, trailer, n1)
    re1, re1_records, re1_trailer = authority.reencrypt_session(open_at_bump, open_records, sealer2.trailer(), n1)
    re2, re2_records, re2_trailer = authority.reencrypt_session(v2, v2_records, None, n1)
    current = authority.issue_key_under(n1, ATTRS)
    assert rewrapped.trailer == trailer and re1.trailer is None and re2.trailer is None
    assert open_proven(current, authority, rewrapped, closed_records) == [payload(i) for i in range(5)]
    for h, records in ((re1, re1_records), (re2, re2_records)):
        opener = current.open_session(authority.public_key, h)
        assert [opener.open(r) for r in records] == [payload(i) for i in range(3)]
    for h in (rewrapped, re1, re2):
        assert not h.needs_catch_up(n1)
        assert h.notice_serial == n1.serial
        with pytest.raises(cipherchart.PolicyNotSatisfied):
            carla.open_session(authority.public_key, h)
        assert SessionHeader.from_bytes(bytes(h)) == h
        assert pickle.loads(pickle.dumps(h)) == h
    # A re-wrapped session's records open only with a proof (or all together).
    opener = current.open_session(authority.public_key, rewrapped)
    with pytest.raises(cipherchart.InvalidArgument):
        opener.open(closed_records[0])
    assert [r.sequence for r in re1_records] == [r.sequence for r in open_records]
    assert re1_trailer == session_trailer(re1, re1_records) and re2_trailer.count == 3

    # The catch-ups are chain entries; the close anchors the re-wrap.
    signer = BlsSigningKey.generate()
    close = Entry.for_session_close(trailer, service.now).sign(0, bytes(32), signer)
    update = Entry.for_session_catch_up(closed, rewrapped, service.now).sign(1, close.hash, signer)
    assert close.digest == trailer.digest and close.metadata == bytes(trailer)
    assert update.subject == b"bed-4/mon" and update.digest == rewrapped.digest
    assert update.metadata == closed.digest + rewrapped.digest + trailer.digest
    assert len(Entry.for_session_catch_up(open_at_bump, re1, 0).sign(2, update.hash, signer).metadata) == 64
    with pytest.raises(cipherchart.InvalidArgument):
        Entry.for_stream_close(trailer, 0)
    for old, new in ((rewrapped, rewrapped), (rewrapped, closed), (closed, re2)):
        with pytest.raises(cipherchart.InvalidArgument):
            Entry.for_session_catch_up(old, new, 0)


def test_a_rewrapped_header_refuses_records_the_trailer_does_not_hold() -> None:
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    header, sealer, records = session3(authority, n0, b"s", 4)
    trailer = sealer.trailer()
    extra = sealer.seal(b"hr", b"forged")  # the session key, after the trailer was taken
    n1 = service.bump("dept:icu")
    current = authority.issue_key_under(n1, ATTRS)
    rewrapped = authority.rewrap_session(header, trailer, n1)
    opener = current.open_session(authority.public_key, rewrapped)
    longer = records + [extra]
    for proof in [prove_session_record(longer, 4)] + [prove_session_record(records, i) for i in range(4)]:
        with pytest.raises(cipherchart.DecryptionFailed):
            opener.open_included(extra, proof)
    # A real record with another index's proof, and a hand-made proof of another size.
    with pytest.raises(cipherchart.DecryptionFailed):
        opener.open_included(records[0], prove_session_record(records, 1))
    real = prove_session_record(records, 2)
    with pytest.raises(cipherchart.DecryptionFailed):
        opener.open_included(records[2], InclusionProof(real.index, real.size + 1, real.path))
    assert opener.open_included(records[2], InclusionProof(real.index, real.size, real.path)) == payload(2)
    for bad in (longer, records[:3], [records[1], records[0]] + records[2:], []):
        with pytest.raises(cipherchart.DecryptionFailed):
            opener.open_all(bad)
        with pytest.raises(cipherchart.DecryptionFailed):
            authority.reencrypt_session(rewrapped, bad, trailer, n1)
    assert opener.open_all(records) == [payload(i) for i in range(4)]
    with pytest.raises(cipherchart.InvalidArgument):
        prove_session_record(records, 4)


def test_the_catch_ups_refuse_a_trailer_that_is_not_the_sessions() -> None:
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    header, sealer, records = session3(authority, n0, b"a", 3)
    other, other_sealer, _ = session3(authority, n0, b"a", 3)
    trailer = sealer.trailer()
    n1 = service.bump("role:nurse")
    with pytest.raises(cipherchart.InvalidArgument):
        authority.rewrap_session(header, other_sealer.trailer(), n1)
    with pytest.raises(cipherchart.InvalidArgument):
        authority.rewrap_session(other, trailer, n1)
    with pytest.raises(cipherchart.InvalidArgument):
        authority.reencrypt_session(header, records, None, n1)
    v2, v2_sealer = start_session(authority.public_key, Policy(POLICY), b"c", b"")
    v2_records = [v2_sealer.seal(b"", payload(i)) for i in range(2)]
    with pytest.raises(cipherchart.InvalidArgument):
        authority.rewrap_session(v2, trailer, n1)
    with pytest.raises(cipherchart.InvalidArgument):
        authority.reencrypt_session(v2, v2_records, trailer, n1)
    with pytest.raises(cipherchart.InvalidArgument):
        authority.reencrypt_session(v2, [v2_records[1], v2_records[0]], None, n1)
    foreign = NoticeService(Authority.setup()).current()
    with pytest.raises(cipherchart.WrongAuthority):
        authority.rewrap_session(header, trailer, foreign)
    n2 = service.bump("dept:icu")
    newer = authority.rewrap_session(header, trailer, n2)
    with pytest.raises(cipherchart.FutureVersion):
        authority.rewrap_session(newer, trailer, n1)
    # Wrong types are InvalidArgument, not a crash.
    for bad_args in ((bytes(header), trailer, n1), (header, bytes(trailer), n1), (header, trailer, None)):
        with pytest.raises(cipherchart.InvalidArgument):
            authority.rewrap_session(*bad_args)
    with pytest.raises(cipherchart.InvalidArgument):
        authority.reencrypt_session(header, [bytes(r) for r in records], trailer, n1)  # type: ignore[misc]
    with pytest.raises(cipherchart.InvalidArgument):
        prove_session_record(records, -1)


def test_close_and_the_batch_proofs() -> None:
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    header, sealer, records = session3(authority, n0, b"c", 5)
    trailer = sealer.close()
    assert trailer == session_trailer(header, records) and sealer.close() == trailer
    with pytest.raises(cipherchart.InvalidArgument):
        sealer.seal(b"hr", b"late")
    _, v2 = start_session(authority.public_key, Policy(POLICY), b"d", b"")
    with pytest.raises(cipherchart.InvalidArgument):
        v2.close()
    v2.seal(b"", b"still open")
    proofs = prove_session_records(records)
    assert proofs == [prove_session_record(records, i) for i in range(5)]
    assert prove_session_records([]) == []
    n1 = service.bump("role:nurse")
    opener = authority.issue_key_under(n1, ATTRS).open_session(
        authority.public_key, authority.rewrap_session(header, trailer, n1)
    )
    assert [opener.open_included(r, p) for r, p in zip(records, proofs)] == [payload(i) for i in range(5)]


def test_a_session_open_at_the_revocation_is_split_at_its_last_progress_anchor() -> None:
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    carla = authority.issue_key_under(n0, ATTRS)
    header, sealer, records = session3(authority, n0, b"bed-9", 4)
    progress = sealer.trailer()
    entry = Entry.for_session_progress(progress, service.now).sign(0, bytes(32), BlsSigningKey.generate())
    assert entry.digest == progress.digest and entry.metadata == bytes(progress)
    n1 = service.bump("role:nurse")
    records += [sealer.seal(b"hr", payload(i)) for i in range(4, 7)]
    close = sealer.close()
    prefix, tail, tail_records, tail_trailer = authority.split_session(header, records, progress, close, n1)
    assert prefix.trailer == progress and tail.trailer is None
    assert [r.sequence for r in tail_records] == [4, 5, 6]
    assert session_trailer(tail, tail_records) == tail_trailer
    current = authority.issue_key_under(n1, ATTRS)
    before = current.open_session(authority.public_key, prefix)
    proofs = prove_session_records(records[:4])
    assert [before.open_included(r, p) for r, p in zip(records[:4], proofs)] == [payload(i) for i in range(4)]
    after = current.open_session(authority.public_key, tail)
    assert [after.open(r) for r in tail_records] == [payload(i) for i in range(4, 7)]
    for h in (prefix, tail):
        with pytest.raises(cipherchart.PolicyNotSatisfied):
            carla.open_session(authority.public_key, h)
    # Anchors that disagree: a progress trailer over other records of the session.
    with pytest.raises(cipherchart.DecryptionFailed):
        authority.split_session(header, records, session_trailer(header, records[1:5]), close, n1)
    with pytest.raises(cipherchart.InvalidArgument):
        authority.split_session(header, records, close, close, n1)
    with pytest.raises(cipherchart.InvalidArgument):
        Entry.for_session_progress(Trailer.from_bytes(bytes(progress)[:4] + b"\x02" + bytes(progress)[5:]), 0)


def test_the_trailer_and_records_are_values() -> None:
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    header, sealer, records = session3(authority, n0, b"v", 2)
    trailer = sealer.trailer()
    assert Trailer.from_bytes(bytes(trailer)) == trailer
    assert pickle.loads(pickle.dumps(trailer)) == trailer
    # The sealer's trailer follows its records: one more record, another trailer.
    sealer.seal(b"hr", b"x")
    assert sealer.trailer().count == 3 and sealer.trailer() != trailer
    assert session_trailer(header, records) == trailer
    # An empty session has a trailer too (count 0).
    empty, empty_sealer, _ = session3(authority, n0, b"e", 0)
    assert empty_sealer.trailer().count == 0
    n1 = service.bump("role:nurse")
    rewrapped = authority.rewrap_session(empty, empty_sealer.trailer(), n1)
    opener = authority.issue_key_under(n1, ATTRS).open_session(authority.public_key, rewrapped)
    assert opener.open_all([]) == []
