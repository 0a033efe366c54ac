"""Revocation in format v3: version notices, keys and records at versions, catch-up of stored
records (v3 and v2), notice verification refusals, round trips, and the chain entries."""

from __future__ import annotations

import hashlib
import io
import pickle
import struct
from typing import Optional, Sequence, Tuple

import pytest

import cipherchart
from cipherchart import (
    Authority,
    BlsSigningKey,
    Chain,
    Entry,
    Policy,
    SealedRecord,
    UserKey,
    VerifiedNotice,
    VersionNotice,
    seal,
    seal_with_notice,
)

NOTICE_KEY = BlsSigningKey.from_ikm(b"n" * 32)
T0 = 1_800_000_000


def sign(
    authority: Authority,
    serial: int,
    bump_count: int,
    versions: Sequence[Tuple[str, int]],
    *,
    key: BlsSigningKey = NOTICE_KEY,
) -> VersionNotice:
    """A notice issued at `serial` (valid an hour) reflecting `bump_count` bumps."""
    return VersionNotice.sign(
        key,
        authority=authority.public_key.id,
        statement_serial=0,
        serial=serial,
        issued_at=serial,
        not_after=serial + 3600,
        bump_count=bump_count,
        bump_head=bytes([bump_count]) * 32 if bump_count else bytes(32),
        versions=versions,
    )


def verified(notice: VersionNotice, previous: Optional[VerifiedNotice] = None) -> VerifiedNotice:
    return notice.verify(NOTICE_KEY.public_key, notice.issued_at, previous)


@pytest.fixture(scope="module")
def n0(authority: Authority) -> VerifiedNotice:
    return verified(sign(authority, T0, 0, []))


@pytest.fixture(scope="module")
def n1(authority: Authority, n0: VerifiedNotice) -> VerifiedNotice:
    # A nurse left: role:nurse is bumped once.
    return verified(sign(authority, T0 + 60, 1, [("role:nurse", 1)]), n0)


def test_end_to_end_revocation(authority: Authority, n0: VerifiedNotice, n1: VerifiedNotice) -> None:
    pk = authority.public_key
    policy = Policy("role:nurse and dept:icu")
    alice = authority.issue_key_under(n0, ["role:nurse", "dept:icu"])
    stored = seal_with_notice(pk, n0, policy, b"rec-1", b"meta", b"bp 120/80")
    assert alice.open(pk, stored) == b"bp 120/80"
    assert stored.notice_serial == T0
    assert stored.attribute_versions() == [("role:nurse", 0), ("dept:icu", 0)]
    commitment = stored.body_commitment
    assert commitment is not None and len(commitment) == 32

    # The bump: the stored record needs a catch-up, alice's key no longer opens it after.
    assert n1.version_of("role:nurse") == 1 and n1.version_of("dept:icu") == 0
    assert stored.needs_catch_up(n1) and not stored.needs_catch_up(n0)
    caught_up = authority.rewrap(stored, n1)
    assert caught_up != stored
    assert caught_up.notice_serial == T0 + 60
    assert caught_up.attribute_versions() == [("role:nurse", 1), ("dept:icu", 0)]
    assert not caught_up.needs_catch_up(n1)
    with pytest.raises(cipherchart.PolicyNotSatisfied):
        alice.open(pk, caught_up)
    bob = authority.issue_key_under(n1, ["role:nurse", "dept:icu"])
    assert bob.versioned_attributes() == [("dept:icu", 0), ("role:nurse", 1)]
    assert bob.open(pk, caught_up) == b"bp 120/80"
    # Only the header changed: the body commitment, id and metadata are the same.
    assert caught_up.body_commitment == commitment
    assert caught_up.record_id == b"rec-1" and caught_up.metadata == b"meta"
    assert caught_up.header_digest != stored.header_digest

    # Records sealed after the bump are at the new versions: the old key is refused.
    fresh = seal_with_notice(pk, n1, policy, b"rec-2", b"", b"later")
    with pytest.raises(cipherchart.PolicyNotSatisfied):
        alice.open(pk, fresh)
    assert bob.open(pk, fresh) == b"later"
    # A record at a newer version than the notice is not rolled back.
    with pytest.raises(cipherchart.FutureVersion):
        authority.rewrap(fresh, n0)
    with pytest.raises(cipherchart.WrongAuthority):
        Authority.setup().rewrap(fresh, n1)


def test_a_v2_record_is_caught_up_into_v3(authority: Authority, n1: VerifiedNotice) -> None:
    pk = authority.public_key
    v2_key = authority.issue_key(["role:nurse"])
    assert v2_key.versioned_attributes() == [("role:nurse", 0)]
    v2 = seal(pk, Policy("role:nurse"), b"old", b"m", b"from v2")
    assert v2.notice_serial is None and v2.body_commitment is None
    assert v2.attribute_versions() == [("role:nurse", 0)]
    assert v2.needs_catch_up(n1)
    v3 = authority.rewrap(v2, n1)
    assert v3.notice_serial == n1.serial
    assert v3.body_commitment is not None
    assert v3.record_id == b"old" and v3.metadata == b"m"
    with pytest.raises(cipherchart.PolicyNotSatisfied):
        v2_key.open(pk, v3)
    assert authority.issue_key_under(n1, ["role:nurse"]).open(pk, v3) == b"from v2"


def test_another_authoritys_notice_is_refused(authority: Authority, n1: VerifiedNotice) -> None:
    other = Authority.setup()
    with pytest.raises(cipherchart.WrongAuthority):
        other.issue_key_under(n1, ["role:nurse"])
    with pytest.raises(cipherchart.WrongAuthority):
        seal_with_notice(other.public_key, n1, Policy("role:nurse"), b"r", b"", b"x")
    record = seal(other.public_key, Policy("role:nurse"), b"r", b"", b"x")
    assert not record.needs_catch_up(n1)


def test_notice_verification_refusals(authority: Authority, n0: VerifiedNotice, n1: VerifiedNotice) -> None:
    notice = n1.notice
    key = NOTICE_KEY.public_key
    # Accepted within its validity, also again against itself (the same notice twice).
    assert notice.verify(key, T0 + 60 + 3599).serial == T0 + 60
    assert notice.verify(key, T0 + 60, n1) == n1
    # Stale: expired, issued more than 5 minutes ahead, a lower serial than the previous.
    with pytest.raises(cipherchart.StaleNotice):
        notice.verify(key, T0 + 60 + 3600)
    with pytest.raises(cipherchart.StaleNotice):
        notice.verify(key, T0 + 60 - 301)
    assert notice.verify(key, T0 + 60 - 300).serial == notice.serial
    with pytest.raises(cipherchart.StaleNotice):
        n0.notice.verify(key, T0 + 70, n1)
    # Same serial, another notice: stale (a conflict).
    conflicting = sign(authority, T0 + 60, 2, [("role:nurse", 1)])
    with pytest.raises(cipherchart.StaleNotice):
        conflicting.verify(key, T0 + 60, n1)
    # Rollback: a bumped name dropped, a lower bump count, a jump above the bumps in between.
    with pytest.raises(cipherchart.NoticeRollback):
        sign(authority, T0 + 120, 1, []).verify(key, T0 + 120, n1)
    with pytest.raises(cipherchart.NoticeRollback):
        sign(authority, T0 + 120, 0, []).verify(key, T0 + 120, n1)
    with pytest.raises(cipherchart.NoticeRollback):
        sign(authority, T0 + 120, 2, [("role:nurse", 1), ("ward:3", 2)]).verify(key, T0 + 120, n1)
    assert sign(authority, T0 + 120, 2, [("role:nurse", 2)]).verify(key, T0 + 120, n1).version_of("role:nurse") == 2
    # Signed by another key: the opaque verification failure.
    forged = sign(authority, T0 + 120, 1, [("role:nurse", 1)], key=BlsSigningKey.from_ikm(b"x" * 32))
    with pytest.raises(cipherchart.VerificationFailed):
        forged.verify(key, T0 + 120, n1)
    # Another authority's notice after this one's.
    other = verified(sign(Authority.setup(), T0 + 120, 0, []))
    with pytest.raises(cipherchart.WrongAuthority):
        sign(authority, T0 + 180, 1, [("role:nurse", 1)]).verify(key, T0 + 180, other)


def test_signing_refuses_broken_fields(authority: Authority) -> None:
    with pytest.raises(cipherchart.InvalidArgument):
        sign(authority, T0, 1, [("role:nurse", 2)])  # a version above the bump count
    with pytest.raises(cipherchart.InvalidArgument):
        sign(authority, T0, 1, [("role:nurse", 1), ("role:nurse", 1)])
    with pytest.raises(cipherchart.InvalidAttribute):
        sign(authority, T0, 1, [("cipherchart:key-holder", 1)])
    with pytest.raises(cipherchart.InvalidAttribute):
        sign(authority, T0, 1, [("", 1)])
    with pytest.raises(cipherchart.InvalidArgument):
        VersionNotice.sign(
            NOTICE_KEY,
            authority=authority.public_key.id,
            statement_serial=0,
            serial=T0,
            issued_at=T0,
            not_after=T0 + 86_401,  # longer than 24 hours
            bump_count=0,
            bump_head=bytes(32),
            versions=[],
        )
    with pytest.raises(cipherchart.InvalidArgument):
        VersionNotice.sign(
            NOTICE_KEY,
            authority=b"short",
            statement_serial=0,
            serial=T0,
            issued_at=T0,
            not_after=T0 + 1,
            bump_count=0,
            bump_head=bytes(32),
            versions=[],
        )


def test_version_notice_round_trips(authority: Authority, n1: VerifiedNotice) -> None:
    notice = sign(authority, T0 + 60, 3, [("ward:3", 2), ("role:nurse", 1)])
    # Fields as given, versions sorted by name.
    assert notice.authority == authority.public_key.id
    assert (notice.statement_serial, notice.serial, notice.issued_at, notice.not_after) == (
        0,
        T0 + 60,
        T0 + 60,
        T0 + 3660,
    )
    assert notice.bump_count == 3 and notice.bump_head == bytes([3]) * 32
    assert notice.versions == [("role:nurse", 1), ("ward:3", 2)]
    data = bytes(notice)
    assert isinstance(notice.signature, cipherchart.BlsSignature)
    assert bytes(notice.signature) == data[-96:]
    assert data[:4] == bytes([0x43, 0x43, 0x41, 0x03])  # "CC", object 0x41, format version 3
    assert notice.digest == hashlib.sha256(data).digest()
    back = VersionNotice.from_bytes(data)
    assert back == notice and hash(back) == hash(notice) and bytes(back) == data
    assert pickle.loads(pickle.dumps(notice)) == notice
    assert back != n1.notice
    assert "VersionNotice(serial=" in repr(notice)
    # Decoding checks every rule: a byte flipped in the versions is refused or another notice.
    with pytest.raises(cipherchart.InvalidEncoding):
        VersionNotice.from_bytes(data[:-1])
    with pytest.raises(cipherchart.InvalidEncoding):
        VersionNotice.from_bytes(data + b"\x00")
    # A verified notice reads back its notice's fields.
    v = verified(notice)
    assert v.notice == notice
    assert (v.authority, v.serial, v.issued_at, v.not_after) == (
        notice.authority,
        notice.serial,
        notice.issued_at,
        notice.not_after,
    )
    assert v.version_of("ward:3") == 2 and v.version_of("ward:4") == 0 and v.version_of("") == 0


def test_v3_user_key_round_trips(authority: Authority, n1: VerifiedNotice) -> None:
    key = authority.issue_key_under(n1, ["role:nurse", "dept:icu"])
    data = bytes(key)
    assert data[:4] == bytes([0x43, 0x43, 0x03, 0x03])  # a user key in format v3
    for back in (UserKey.from_bytes(data), pickle.loads(pickle.dumps(key))):
        assert bytes(back) == data
        assert back.versioned_attributes() == [("dept:icu", 0), ("role:nurse", 1)]
        record = seal_with_notice(authority.public_key, n1, Policy("role:nurse"), b"r", b"", b"ok")
        assert back.open(authority.public_key, record) == b"ok"
    # A v3 record round-trips too, with its versions and commitment.
    record = seal_with_notice(authority.public_key, n1, Policy("role:nurse"), b"r", b"", b"ok")
    again = SealedRecord.from_bytes(bytes(record))
    assert again == record and pickle.loads(pickle.dumps(record)) == record
    assert again.attribute_versions() == [("role:nurse", 1)]
    assert again.body_commitment == record.body_commitment and again.notice_serial == n1.serial
    # A key from issue_key (all versions 0) stays in format v2.
    assert bytes(authority.issue_key(["role:nurse"]))[:4] == bytes([0x43, 0x43, 0x03, 0x02])


def test_chain_entries(authority: Authority, n0: VerifiedNotice, n1: VerifiedNotice) -> None:
    pk = authority.public_key
    operator = BlsSigningKey.from_ikm(b"o" * 32)
    chain = Chain()
    stored = [
        seal_with_notice(pk, n0, Policy("role:nurse and dept:icu"), b"r%d" % i, b"", b"p") for i in range(2)
    ]
    t = T0 + 60
    notice_draft = Entry.for_notice(n1.notice, t)
    assert notice_draft.action == "revoke" and notice_draft.time == t
    assert notice_draft.subject == pk.id
    assert notice_draft.digest == n1.notice.digest
    assert notice_draft.metadata == struct.pack(">QQ", n1.serial, 1)
    chain.sign_and_append(notice_draft, operator)
    update = Entry.for_key_update(n1.notice, 7, t)
    assert update.action == "grant" and update.subject == pk.id
    assert update.digest == n1.notice.digest and update.metadata == struct.pack(">Q", 7)
    chain.sign_and_append(update, operator)
    for old in stored:
        new = authority.rewrap(old, n1)
        draft = Entry.for_catch_up(old, new, t)
        assert draft.action == "update" and draft.subject == old.record_id
        assert draft.digest == hashlib.sha256(bytes(new)).digest()
        assert draft.metadata == old.header_digest + new.header_digest
        chain.sign_and_append(draft, operator)
    chain.verify_all()
    assert len(chain) == 4
    assert chain.entry(0).action == "revoke" and chain.entry(0).digest == n1.notice.digest
    with pytest.raises(cipherchart.InvalidArgument):
        Entry.for_key_update(n1.notice, -1, t)


def test_notice_key_and_catch_up_entry_refusals(authority: Authority, n0: VerifiedNotice, n1: VerifiedNotice) -> None:
    # A verified notice remembers the key it was verified under.
    assert n1.notice_key == NOTICE_KEY.public_key
    pk = authority.public_key
    policy = Policy("role:nurse")
    a = seal_with_notice(pk, n0, policy, b"a", b"", b"p")
    b = seal_with_notice(pk, n0, policy, b"b", b"", b"p")
    a1 = authority.rewrap(a, n1)
    Entry.for_catch_up(a, a1, T0)
    # Unrelated records, or a catch-up backwards, are not logged as one.
    for old, new in [(b, a1), (a1, a)]:
        with pytest.raises(cipherchart.InvalidArgument):
            Entry.for_catch_up(old, new, T0)


def test_a_session_started_under_a_notice_shuts_out_keys_from_before_the_bump(
    authority: Authority, n0: VerifiedNotice, n1: VerifiedNotice
) -> None:
    pk = authority.public_key
    policy = Policy("role:nurse and dept:icu")
    carla = authority.issue_key_under(n0, ["role:nurse", "dept:icu"])
    header, sealer = cipherchart.start_session_with_notice(pk, n1, policy, b"bed-7", b"vitals")
    record = sealer.seal(b"hr", b"72 bpm")
    assert header.notice_serial == n1.serial
    assert header.attribute_versions() == [("role:nurse", 1), ("dept:icu", 0)]
    with pytest.raises(cipherchart.PolicyNotSatisfied):
        carla.open_session(pk, header)
    ana = authority.issue_key_under(n1, ["role:nurse", "dept:icu"])
    opener = ana.open_session(pk, cipherchart.SessionHeader.from_bytes(bytes(header)))
    assert opener.open(cipherchart.SessionRecord.from_bytes(bytes(record))) == b"72 bpm"
    assert bytes(header)[3] == 3 and bytes(record)[3] == 3
    # A v2 session's record never opens in a v3 session.
    _, v2_sealer = cipherchart.start_session(pk, policy, b"bed-7", b"vitals")
    with pytest.raises(cipherchart.DecryptionFailed):
        opener.open(v2_sealer.seal(b"hr", b"72 bpm"))
    other = Authority.setup()
    with pytest.raises(cipherchart.WrongAuthority):
        cipherchart.start_session_with_notice(other.public_key, n1, policy, b"s", b"")


def test_a_stream_sealed_under_a_notice_shuts_out_keys_from_before_the_bump(
    authority: Authority, n0: VerifiedNotice, n1: VerifiedNotice
) -> None:
    pk = authority.public_key
    policy = Policy("role:nurse and dept:icu")
    carla = authority.issue_key_under(n0, ["role:nurse", "dept:icu"])
    scan = bytes(range(256)) * 40
    sealed = io.BytesIO()
    n = cipherchart.seal_stream_with_notice(
        pk, n1, policy, b"ecg-7", b"lead II", io.BytesIO(scan), sealed, chunk_size=1000
    )
    assert n == len(scan)
    stream = sealed.getvalue()
    assert stream[:4] == b"\x43\x43\x06\x03"
    info = cipherchart.read_stream_info(io.BytesIO(stream))
    assert (info.notice_serial, info.chunk_size, info.stream_id) == (n1.serial, 1000, b"ecg-7")
    assert info.attribute_versions() == [("role:nurse", 1), ("dept:icu", 0)]
    # A key from before the bump: refused by the header, nothing written.
    out = io.BytesIO()
    with pytest.raises(cipherchart.PolicyNotSatisfied):
        carla.open_stream(pk, io.BytesIO(stream), out)
    assert out.getvalue() == b""
    ana = authority.issue_key_under(n1, ["role:nurse", "dept:icu"])
    out = io.BytesIO()
    assert ana.open_stream(pk, io.BytesIO(stream), out) == info
    assert out.getvalue() == scan
    # A v2 stream reports no notice; its chunks never open under the v3 header.
    v2 = io.BytesIO()
    cipherchart.seal_stream(pk, policy, b"ecg-7", b"lead II", io.BytesIO(scan), v2, chunk_size=1000)
    assert cipherchart.read_stream_info(io.BytesIO(v2.getvalue())).notice_serial is None
    head = 8 + struct.unpack(">I", stream[4:8])[0]
    head2 = 8 + struct.unpack(">I", v2.getvalue()[4:8])[0]
    with pytest.raises(cipherchart.DecryptionFailed):
        ana.open_stream(pk, io.BytesIO(stream[:head] + v2.getvalue()[head2:]), io.BytesIO())
    # The trailer flag: 0 for a stream as sealed; 1 announces the trailer of a re-wrapped
    # header (test_stream_catch_up.py), and the KEM header's bytes are not one; any other
    # value is refused by the decoder.
    # Header, body length, chunk size, "ecg-7", "lead II", the metadata hash, then the flag.
    trailer_at = 8 + 4 + 4 + 5 + 4 + 7 + 32
    assert stream[trailer_at] == 0
    for flag, kind in [(1, "bad_length"), (2, "non_canonical"), (0xFF, "non_canonical")]:
        bad = bytearray(stream)
        bad[trailer_at] = flag
        with pytest.raises(cipherchart.InvalidEncoding) as refused:
            cipherchart.read_stream_info(io.BytesIO(bytes(bad)))
        assert refused.value.kind == kind
    other = Authority.setup()
    with pytest.raises(cipherchart.WrongAuthority):
        cipherchart.seal_stream_with_notice(
            other.public_key, n1, policy, b"s", b"", io.BytesIO(b"x"), io.BytesIO()
        )
    with pytest.raises(cipherchart.InvalidArgument):
        cipherchart.seal_stream_with_notice(
            pk, n1, policy, b"s", b"", io.BytesIO(b"x"), io.BytesIO(), chunk_size=0
        )
