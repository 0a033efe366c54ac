"""Outside review of format v3 streams and the consent helpers with notices, through the Python
binding (attacks).

Each test is one attack, written from the docs only (``docs/formats.md`` "Stream (tag 0x06)" and
"Stream v3"; ``docs/revocation.md`` §0.1, §0.5; ``docs/consent.md`` "The proxy helper";
``_native.pyi``; ``bindings/python/README.md``): the attack, the safe behaviour expected, and
the doc relied on. An attack that succeeds is a finding: its test asserts the safe behaviour
and is marked ``xfail(strict=True, reason="FINDING SB-n: ...")`` until fixed; the others stay as
regression tests.
"""

from __future__ import annotations

import array
import io
import os
import pickle
import struct
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import cipherchart
import pytest
from cipherchart import (
    Authority,
    BlsSigningKey,
    ConsentToken,
    Grant,
    Policy,
    PublicKey,
    ReKey,
    SealedRecord,
    StreamInfo,
    UserKey,
    VerifiedConsent,
    VerifiedNotice,
    VersionNotice,
    read_stream_info,
    reencrypt_batch_with_consent,
    reencrypt_batch_with_consent_under,
    reencrypt_with_consent,
    reencrypt_with_consent_under,
    seal,
    seal_stream,
    seal_stream_with_notice,
    seal_with_notice,
)

T0 = 1_800_000_000
V3_STREAM = b"\x43\x43\x06\x03"


class NoticeService:
    """An authority's notice service: its notice key, the bumped names with their versions,
    each notice verified against the one before (as tests/revocation/common.rs)."""

    def __init__(self, authority: Authority, key: BlsSigningKey | None = None) -> None:
        self.key = key if key is not None else BlsSigningKey.generate()
        self.authority = authority.public_key.id
        self.now = T0
        self.bump_count = 0
        self.versions: dict[str, int] = {}
        self.last: VerifiedNotice | None = None

    def sign(self, serial: int | None = None, versions: dict[str, int] | None = None) -> VersionNotice:
        """A signed, unverified notice; by default the next one at the current versions."""
        self.now += 1
        count = self.bump_count
        head = bytes(32) if count == 0 else bytes([0xBB]) * 24 + count.to_bytes(8, "big")
        at = self.now if serial is None else serial
        return VersionNotice.sign(
            self.key,
            authority=self.authority,
            statement_serial=0,
            serial=at,
            issued_at=at,
            not_after=at + 3600,
            bump_count=count,
            bump_head=head,
            versions=sorted((self.versions if versions is None else versions).items()),
        )

    def current(self) -> VerifiedNotice:
        notice = self.sign()
        self.last = notice.verify(self.key.public_key, self.now, self.last)
        return self.last

    def bump(self, names: Sequence[str]) -> VerifiedNotice:
        self.bump_count += 1
        for n in names:
            self.versions[n] = self.versions.get(n, 0) + 1
        return self.current()


def raises(cls: type, call: Callable[[], object], code: str, kind: str | None = None) -> cipherchart.CipherchartError:
    """``call`` must raise exactly ``cls`` with ``code`` (and ``kind``), never another type."""
    with pytest.raises(cipherchart.CipherchartError) as info:
        call()
    assert type(info.value) is cls, repr(info.value)
    assert info.value.code == code
    if kind is not None:
        assert info.value.kind == kind, info.value.kind
    return info.value


def invalid(call: Callable[[], object], argument: str) -> None:
    """``call`` must raise InvalidArgument; where exceptions carry notes (Python 3.11+), one
    names ``argument``."""
    e = raises(cipherchart.InvalidArgument, call, "invalid_argument")
    notes: list[str] | None = getattr(e, "__notes__", None)
    if notes is not None or hasattr(BaseException, "add_note"):
        assert any(f"'{argument}'" in n for n in notes or []), (notes, argument)


class Untouchable:
    """A file that must be neither read nor written."""

    def read(self, size: int, /) -> bytes:
        raise AssertionError("the input was read")

    def write(self, data: bytes, /) -> int | None:
        raise AssertionError("the output was written")


class Reader:
    """A reader whose ``read(n)`` returns ``answer(call number, n)``."""

    def __init__(self, answer: Callable[[int, int], Any]) -> None:
        self.answer = answer
        self.calls = 0
        self.sizes: list[int] = []

    def read(self, size: int, /) -> Any:
        self.calls += 1
        self.sizes.append(size)
        return self.answer(self.calls, size)


def first_then_eof(value: Any) -> Callable[[int, int], Any]:
    """A reader's answer: ``value`` on the first call, then the end."""
    return lambda i, n: value if i == 1 else b""


def reading(source: io.BytesIO) -> Callable[[int, int], bytes]:
    """A reader's answer: the next ``n`` bytes of ``source``."""
    return lambda i, n: source.read(n)


def returning(value: Any) -> Callable[[bytes], Any]:
    """A writer's answer: always ``value``."""
    return lambda b: value


class Writer:
    """A writer whose ``write(b)`` keeps ``keep(b)`` and returns ``answer(b)``."""

    def __init__(self, answer: Callable[[bytes], Any], keep: Callable[[bytes], bytes] = lambda b: b) -> None:
        self.answer = answer
        self.keep = keep
        self.data = bytearray()
        self.types: list[type] = []

    def write(self, data: bytes, /) -> Any:
        self.types.append(type(data))
        self.data += self.keep(data)
        return self.answer(data)


class World:
    """One authority with a notice service; ``old`` was issued before ``role:gp`` was bumped,
    ``new`` after; ``n0`` and ``n1`` the notices before and after the bump."""

    def __init__(self) -> None:
        self.authority = Authority.setup()
        self.pk = self.authority.public_key
        self.service = NoticeService(self.authority)
        self.n0 = self.service.current()
        self.old = self.authority.issue_key_under(self.n0, ["role:gp", "dept:icu"])
        self.n1 = self.service.bump(["role:gp"])
        self.new = self.authority.issue_key_under(self.n1, ["role:gp", "dept:icu"])
        self.policy = Policy("role:gp and dept:icu")

    def seal3(self, payload: bytes, sid: bytes = b"ecg-7", meta: bytes = b"lead II", chunk: int = 100,
              notice: VerifiedNotice | None = None) -> bytes:
        out = io.BytesIO()
        n = seal_stream_with_notice(self.pk, notice or self.n1, self.policy, sid, meta, io.BytesIO(payload), out,
                                    chunk_size=chunk)
        assert n == len(payload)
        return out.getvalue()

    def seal2(self, payload: bytes, sid: bytes = b"ecg-7", meta: bytes = b"lead II", chunk: int = 100) -> bytes:
        out = io.BytesIO()
        seal_stream(self.pk, self.policy, sid, meta, io.BytesIO(payload), out, chunk_size=chunk)
        return out.getvalue()

    def open(self, key: UserKey, stream: bytes) -> bytes:
        out = io.BytesIO()
        key.open_stream(self.pk, io.BytesIO(stream), out)
        return out.getvalue()


def header_len(stream: bytes) -> int:
    return 8 + int(struct.unpack(">I", stream[4:8])[0])


PAYLOAD = bytes(range(256)) * 4


# ---------------------------------------------------------------------------------------------
# Hostile readers.


def test_a_reader_returning_more_than_asked_is_an_io_error_when_sealing_and_opening() -> None:
    # Attack: read(n) returns n + 10 bytes, first when sealing, then when opening a stream.
    # Safe: IoError (code io), never extra bytes sealed or a buffer overrun.
    # Doc: _native.pyi _Reader "read(n) returns at most n bytes".
    w = World()
    raises(cipherchart.IoError, lambda: seal_stream_with_notice(
        w.pk, w.n1, w.policy, b"s", b"", Reader(lambda i, n: b"y" * (n + 10) if i < 3 else b""), io.BytesIO()),
        "io")
    stream = w.seal3(PAYLOAD)
    raises(cipherchart.IoError, lambda: w.new.open_stream(
        w.pk, Reader(lambda i, n: (stream + b"\x00" * 64)[:n + 1]), io.BytesIO()), "io")
    raises(cipherchart.IoError, lambda: read_stream_info(Reader(lambda i, n: b"\x43" * (n + 1))), "io")


# SB-2: found by the outside review, fixed in bindings/python/src/io.rs.
def test_a_reader_returning_something_other_than_bytes_is_refused_with_a_code() -> None:
    # Attack: read(n) returns a list, a tuple, an array('H'), a memoryview of 16-bit items (a
    # sensor's samples), a str, None, an int, or a list holding 300.
    # Safe: bytes, bytearray and memoryview are read as their bytes (a memoryview of 16-bit
    # items as its 2 bytes per item, or refused); anything else is refused with a
    # CipherchartError (IoError or InvalidArgument, with its code), never silently converted.
    # Doc: _native.pyi _Reader "returns ... bytes", _BytesLike "bytes, bytearray or memoryview
    # (anything else raises InvalidArgument)"; README "Every exception derives from
    # cipherchart.CipherchartError" (except the file object's own exceptions).
    w = World()
    samples = array.array("H", [65, 66])
    bad: list[Any] = [[65, 66], (65, 66), samples, "AB", None, 7, [300]]
    for value in bad:
        out = io.BytesIO()
        with pytest.raises(cipherchart.CipherchartError) as info:
            seal_stream_with_notice(w.pk, w.n1, w.policy, b"s", b"", Reader(first_then_eof(value)), out,
                                    chunk_size=16)
        assert type(info.value) in (cipherchart.IoError, cipherchart.InvalidArgument), (value, info.value)
        assert info.value.code in ("io", "invalid_argument")
    # A memoryview of 16-bit samples: its bytes, or a refusal; never its item values.
    out = io.BytesIO()
    try:
        seal_stream_with_notice(w.pk, w.n1, w.policy, b"s", b"",
                                Reader(first_then_eof(memoryview(samples))), out, chunk_size=16)
    except cipherchart.CipherchartError as e:
        assert e.code in ("io", "invalid_argument")
    else:
        assert w.open(w.new, out.getvalue()) == samples.tobytes()


def test_a_reader_that_raises_propagates_its_exception_and_the_partial_stream_never_opens() -> None:
    # Attack: the reader raises after two chunks; the output is then offered as a stream.
    # Safe: the reader's own exception propagates (README "re-raise its own exceptions"); the
    # partial output has no last frame, so opening it is DecryptionFailed, never a short
    # plaintext reported as complete. Doc: formats.md "a stream without a last frame fails
    # with DecryptionFailed".
    w = World()

    def answer(i: int, n: int) -> bytes:
        if i > 2:
            raise RuntimeError("sensor unplugged")
        return b"z" * n

    out = io.BytesIO()
    with pytest.raises(RuntimeError, match="sensor unplugged"):
        seal_stream_with_notice(w.pk, w.n1, w.policy, b"s", b"", Reader(answer), out, chunk_size=100)
    partial = out.getvalue()
    assert partial[:4] == V3_STREAM
    raises(cipherchart.DecryptionFailed, lambda: w.open(w.new, partial), "decryption_failed")


def test_a_reader_that_resumes_after_eof_or_reuses_its_buffer_seals_what_it_returned() -> None:
    # Attack: (1) read returns b"abc", then b"" (end), then more data; (2) read returns the same
    # bytearray every time and overwrites it before the next call (the binding must copy it
    # when it is returned, not read it later).
    # Safe: (1) the stream ends at the first b"" and holds exactly b"abc"; (2) the stream holds
    # each chunk's bytes as they were when returned. Doc: _Reader "b'' at the end".
    w = World()
    script = [b"abc", b"", b"zzz", b""]
    out = io.BytesIO()
    n = seal_stream_with_notice(w.pk, w.n1, w.policy, b"s", b"", Reader(lambda i, k: script[min(i, 4) - 1]), out,
                                chunk_size=16)
    assert n == 3 and w.open(w.new, out.getvalue()) == b"abc"

    shared = bytearray()

    def reuse(i: int, k: int) -> bytearray:
        if i > 3:
            return bytearray()
        shared[:] = bytes([64 + i]) * min(k, 10)
        return shared

    out = io.BytesIO()
    reader = Reader(reuse)
    seal_stream_with_notice(w.pk, w.n1, w.policy, b"s", b"", reader, out, chunk_size=16)
    expected = b"".join(bytes([64 + i]) * min(k, 10) for i, k in enumerate(reader.sizes[:3], 1))
    assert w.open(w.new, out.getvalue()) == expected


# ---------------------------------------------------------------------------------------------
# Hostile writers.


def test_short_writes_are_completed_and_a_lying_writer_never_yields_another_plaintext() -> None:
    # Attack: (1) write(b) keeps one byte and returns 1 (an honest short write); (2) it keeps
    # everything but says 1 (a lie: the remainder is written twice); (3) it reports more than
    # len(b); (4) it returns 0 (nothing written, forever).
    # Safe: (1) the binding writes the rest and the stream opens; (2) the duplicated bytes make
    # the stream fail (DecryptionFailed or InvalidEncoding), never open to another plaintext;
    # (3) and (4) IoError, no hang. Every write gets bytes (not a view into the module).
    # Doc: _Writer "write(data) -> Optional[int]"; formats.md frames.
    w = World()
    honest = Writer(lambda b: 1, keep=lambda b: b[:1])
    assert seal_stream_with_notice(w.pk, w.n1, w.policy, b"s", b"", io.BytesIO(PAYLOAD), honest, chunk_size=100) \
        == len(PAYLOAD)
    assert w.open(w.new, bytes(honest.data)) == PAYLOAD
    assert set(honest.types) == {bytes}
    liar = Writer(lambda b: 1)
    seal_stream_with_notice(w.pk, w.n1, w.policy, b"s", b"", io.BytesIO(PAYLOAD), liar, chunk_size=100)
    with pytest.raises((cipherchart.DecryptionFailed, cipherchart.InvalidEncoding)):
        w.open(w.new, bytes(liar.data))
    raises(cipherchart.IoError, lambda: seal_stream_with_notice(
        w.pk, w.n1, w.policy, b"s", b"", io.BytesIO(PAYLOAD), Writer(lambda b: len(b) + 5)), "io")
    raises(cipherchart.IoError, lambda: seal_stream_with_notice(
        w.pk, w.n1, w.policy, b"s", b"", io.BytesIO(PAYLOAD), Writer(lambda b: 0, keep=lambda b: b"")), "io")
    stream = w.seal3(PAYLOAD)
    raises(cipherchart.IoError, lambda: w.new.open_stream(w.pk, io.BytesIO(stream), Writer(lambda b: len(b) + 1)),
           "io")


# SB-3: found by the outside review, fixed in bindings/python/src/io.rs.
def test_a_writer_returning_a_count_of_the_wrong_type_or_sign_is_an_io_error() -> None:
    # Attack: write(b) returns -1, "x" or 1.0.
    # Safe: IoError (code io), as for a count above len(b) (test above), not a bare Python
    # exception the caller's `except CipherchartError` misses.
    # Doc: README "Every exception derives from cipherchart.CipherchartError" (the file
    # object's own exceptions aside: these are the binding's reading of a return value).
    w = World()
    for bad in (-1, "x", 1.0):
        raises(cipherchart.IoError, partial(seal_stream_with_notice, w.pk, w.n1, w.policy, b"s", b"",
                                            io.BytesIO(PAYLOAD), Writer(returning(bad))), "io")


def test_a_writer_that_raises_or_a_read_only_output_propagates_its_own_exception() -> None:
    # Attack: the output's write raises OSError (disk full), or the output is a read-only file.
    # Safe: the file object's own exception propagates (README "re-raise its own exceptions"),
    # for sealing and for opening; nothing is swallowed.
    w = World()

    def full(b: bytes) -> int:
        raise OSError(28, "No space left on device")

    for make in (lambda: Writer(full), lambda: io.BufferedReader(io.BytesIO(b""))):
        with pytest.raises(OSError) as info:
            seal_stream_with_notice(w.pk, w.n1, w.policy, b"s", b"", io.BytesIO(PAYLOAD), make())
        assert not isinstance(info.value, cipherchart.CipherchartError)
    stream = w.seal3(PAYLOAD)
    with pytest.raises(OSError, match="No space"):
        w.new.open_stream(w.pk, io.BytesIO(stream), Writer(full))


# ---------------------------------------------------------------------------------------------
# Arguments refused before anything is read or written.


def test_every_bad_argument_is_refused_before_the_input_is_read_or_the_output_written() -> None:
    # Attack: another authority's notice, a public key not the notice's authority's, the
    # holder guard in the policy, an unverified VersionNotice, bytes as the notice, chunk
    # sizes 0, 16 MiB + 1, 2**32, 2**32 + 1000, -1, 1.5, "1000", 2**64, an oversized id or
    # metadata, a str id; the input and output raise AssertionError if touched.
    # Safe: each raises its documented class and code, and neither file is touched.
    # Doc: _native.pyi seal_stream_with_notice; formats.md "Stream v3" (chunk size 1 … 16 MiB);
    # revocation.md §0.2 "sealing_refuses_bad_arguments_before_writing_anything".
    w = World()
    u = Untouchable()
    foreign = NoticeService(Authority.setup()).current()
    calls: list[tuple[Callable[[], object], type, str]] = [
        (lambda: seal_stream_with_notice(w.pk, foreign, w.policy, b"s", b"", u, u), cipherchart.WrongAuthority,
         "wrong_authority"),
        (lambda: seal_stream_with_notice(Authority.setup().public_key, w.n1, w.policy, b"s", b"", u, u),
         cipherchart.WrongAuthority, "wrong_authority"),
        (lambda: seal_stream_with_notice(w.pk, w.n1, Policy("cipherchart:key-holder"), b"s", b"", u, u),
         cipherchart.InvalidAttribute, "invalid_attribute"),
        (lambda: seal_stream_with_notice(w.pk, w.n1, Policy("role:gp or cipherchart:key-holder"), b"s", b"", u, u),
         cipherchart.InvalidAttribute, "invalid_attribute"),
        (lambda: seal_stream_with_notice(w.pk, w.n1, w.policy, b"s" * 1025, b"", u, u), cipherchart.InvalidArgument,
         "invalid_argument"),
        (lambda: seal_stream_with_notice(w.pk, w.n1, w.policy, b"s", b"m" * 65537, u, u), cipherchart.InvalidArgument,
         "invalid_argument"),
    ]
    for chunk in (0, 16 * 2**20 + 1, 2**32, 2**32 + 1000, 2**64):
        calls.append((partial(seal_stream_with_notice, w.pk, w.n1, w.policy, b"s", b"", u, u, chunk_size=chunk),
                      cipherchart.InvalidArgument, "invalid_argument"))
    for call, cls, code in calls:
        raises(cls, call, code)
    bad_chunks: list[Any] = [-1, 1.5, "1000", b"\x10", 2**64]
    for chunk in bad_chunks:
        invalid(partial(seal_stream_with_notice, w.pk, w.n1, w.policy, b"s", b"", u, u, chunk_size=chunk), "chunk_size")
    bad_notices: list[Any] = [w.n1.notice, bytes(w.n1.notice), None, [w.n1]]
    for notice in bad_notices:
        invalid(partial(seal_stream_with_notice, w.pk, notice, w.policy, b"s", b"", u, u), "notice")
    invalid(lambda: seal_stream_with_notice(w.pk, w.n1, w.policy, "s", b"", u, u), "stream_id")  # type: ignore[arg-type]


def test_a_bool_chunk_size_is_refused_as_everywhere_in_the_module() -> None:
    # Attack: chunk_size=True / False (bool is an int subclass).
    # Safe: InvalidArgument, as for every int argument of the module since the session
    # catch-up review (SB-3: `True` as an index or a time is a caller's slip, not 1); nothing is
    # read or written.
    w = World()
    for flag in (True, False):
        raises(cipherchart.InvalidArgument, lambda: seal_stream_with_notice(
            w.pk, w.n1, w.policy, b"s", b"", Untouchable(), Untouchable(), chunk_size=flag), "invalid_argument")


# ---------------------------------------------------------------------------------------------
# Opening: who gets what, and what is written.


def test_a_key_that_may_not_open_writes_nothing_whatever_the_header_says() -> None:
    # Attack: open a v3 stream with (1) the key issued before the bump, (2) the right key but
    # another authority's public key, (3) a key of another authority, (4) the old key on a
    # header whose version vector was relabelled to 0 (so the old key matches it), (5) the new
    # key on a header whose notice serial was relabelled; the output raises if written.
    # Safe: PolicyNotSatisfied, WrongAuthority, WrongAuthority, DecryptionFailed,
    # DecryptionFailed; nothing written in any case. read_stream_info reports the forged
    # versions (it is unauthenticated, documented) but the open refuses them.
    # Doc: revocation.md §0.2 "R1 for streams ... (nothing is written for it)"; formats.md
    # "KEM header v3" (the version vector and serial are in the FO coins).
    w = World()
    stream = w.seal3(PAYLOAD)
    u = Untouchable()
    raises(cipherchart.PolicyNotSatisfied, lambda: w.old.open_stream(w.pk, io.BytesIO(stream), u),
           "policy_not_satisfied")
    raises(cipherchart.WrongAuthority, lambda: w.new.open_stream(Authority.setup().public_key, io.BytesIO(stream), u),
           "wrong_authority")
    stranger = Authority.setup().issue_key(["role:gp", "dept:icu"])
    raises(cipherchart.WrongAuthority, lambda: stranger.open_stream(w.pk, io.BytesIO(stream), u), "wrong_authority")
    # The KEM header: authority (32), notice serial (u64), flags (u8), policy (u32 len, bytes),
    # then the version vector (u32 n, n × u32).
    at = stream.index(w.pk.id)
    assert struct.unpack(">Q", stream[at + 32:at + 40])[0] == w.n1.serial
    vectors = at + 45 + struct.unpack(">I", stream[at + 41:at + 45])[0]
    assert struct.unpack(">4I", stream[vectors:vectors + 16]) == (3, 1, 0, 0)
    relabelled = bytearray(stream)
    relabelled[vectors + 4:vectors + 8] = struct.pack(">I", 0)
    assert read_stream_info(io.BytesIO(bytes(relabelled))).attribute_versions() == [("role:gp", 0), ("dept:icu", 0)]
    raises(cipherchart.DecryptionFailed, lambda: w.old.open_stream(w.pk, io.BytesIO(bytes(relabelled)), u),
           "decryption_failed")
    reserial = bytearray(stream)
    reserial[at + 32:at + 40] = struct.pack(">Q", w.n0.serial)
    assert read_stream_info(io.BytesIO(bytes(reserial))).notice_serial == w.n0.serial
    raises(cipherchart.DecryptionFailed, lambda: w.new.open_stream(w.pk, io.BytesIO(bytes(reserial)), u),
           "decryption_failed")
    # The degraded flag (not built for streams): refused by the decoder or by the FO check.
    degraded = bytearray(stream)
    degraded[at + 40] = 1
    with pytest.raises((cipherchart.InvalidEncoding, cipherchart.DecryptionFailed)):
        w.new.open_stream(w.pk, io.BytesIO(bytes(degraded)), u)


def test_frames_of_v2_and_other_v3_streams_never_open_under_a_v3_header() -> None:
    # Attack: through the binding, splice (1) the frames of another v3 stream with the same id,
    # metadata and chunk size under this header, (2) v2 frames (same id, metadata, chunk size)
    # under the v3 header, (3) v3 frames under the v2 header (opened with a key at version 0),
    # (4) frames 1 and 2 swapped, (5) a byte after the last frame, (6) the last frame dropped,
    # (7) a bit flipped in frame 3.
    # Safe: (1)-(4), (6), (7) DecryptionFailed; (5) InvalidEncoding kind trailing_bytes; for
    # (7) the output holds at most the chunks before the damage. Doc: formats.md "Stream v3"
    # ("chunks of another stream (v2 or v3, same id and metadata) fail with DecryptionFailed"),
    # "Stream (tag 0x06)" (end rules, "at most the chunks before the damage").
    w = World()
    a, b, v2 = w.seal3(PAYLOAD), w.seal3(PAYLOAD[::-1]), w.seal2(PAYLOAD)
    ha, hb, h2 = header_len(a), header_len(b), header_len(v2)
    frame = 5 + 100 + 16
    failed = cipherchart.DecryptionFailed
    raises(failed, lambda: w.open(w.new, a[:ha] + b[hb:]), "decryption_failed")
    raises(failed, lambda: w.open(w.new, a[:ha] + v2[h2:]), "decryption_failed")
    v0 = w.authority.issue_key(["role:gp", "dept:icu"])
    assert w.open(v0, v2) == PAYLOAD
    raises(failed, lambda: w.open(v0, v2[:h2] + a[ha:]), "decryption_failed")
    swapped = a[:ha] + a[ha + frame:ha + 2 * frame] + a[ha:ha + frame] + a[ha + 2 * frame:]
    raises(failed, lambda: w.open(w.new, swapped), "decryption_failed")
    raises(cipherchart.InvalidEncoding, lambda: w.open(w.new, a + b"\x00"), "invalid_encoding", "trailing_bytes")
    last = len(PAYLOAD) // 100 * frame
    raises(failed, lambda: w.open(w.new, a[:ha + last]), "decryption_failed")
    damaged = bytearray(a)
    damaged[ha + 3 * frame + 20] ^= 1
    out = io.BytesIO()
    raises(failed, lambda: w.new.open_stream(w.pk, io.BytesIO(bytes(damaged)), out), "decryption_failed")
    assert len(out.getvalue()) <= 300 and PAYLOAD.startswith(out.getvalue())


# SB-5: found by the outside review, fixed in bindings/python/src/io.rs.
def test_a_header_declaring_four_mib_over_a_short_file_allocates_kilobytes() -> None:
    # Attack: a real file holding a v3 (and a v2) stream header whose body_len says 4 MiB,
    # and nothing more (~1 KiB); read_stream_info and open_stream on it (unbuffered FileIO, whose
    # read(n) allocates n bytes before reading).
    # Safe: InvalidEncoding kind truncated, and the binding asks the file for bounded pieces:
    # no read request above 64 KiB, Python's peak allocation well under 1 MiB, as the core
    # guarantees for its own readers.
    # Doc: CHANGELOG "eight bytes declaring a 4 MiB header no longer allocate 4 MiB, in v2 as
    # in v3"; tests/revocation/stream_attacks.rs a_header_declaring_four_mib_over_a_short_input.
    w = World()
    for stream in (w.seal3(b"x", chunk=16), w.seal2(b"x", chunk=16)):
        lie = bytearray(stream[:header_len(stream)])
        lie[4:8] = struct.pack(">I", 4 * 2**20)
        recorder = Reader(reading(io.BytesIO(bytes(lie))))
        raises(cipherchart.InvalidEncoding, partial(read_stream_info, recorder), "invalid_encoding")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "stream")
            with open(path, "wb") as f:
                f.write(lie)
            for call in (read_stream_info, lambda fh: w.new.open_stream(w.pk, fh, io.BytesIO())):
                with open(path, "rb", buffering=0) as fh:
                    tracemalloc.start()
                    try:
                        raises(cipherchart.InvalidEncoding, partial(call, fh), "invalid_encoding", "truncated")
                        peak = tracemalloc.get_traced_memory()[1]
                    finally:
                        tracemalloc.stop()
                assert peak < 2**20, f"peak {peak} bytes for a {len(lie)}-byte file"
        assert max(recorder.sizes) <= 64 * 1024, recorder.sizes


def test_stream_info_tells_v2_from_v3_and_reports_relabelled_headers_as_refused() -> None:
    # Attack: compare StreamInfo of a v2 and a v3 stream with the same id, metadata, policy
    # and chunk size; of v3 streams under two notices; hash one; relabel the version byte of a
    # v3 header to 2 and of a v2 header to 3.
    # Safe: v2 != v3 (notice_serial None vs the serial, versions all 0 vs the notice's),
    # streams under different notices differ, equal streams compare equal; StreamInfo is not
    # hashable (stub: __eq__ without __hash__); each relabelled header is InvalidEncoding.
    # Doc: formats.md "Stream v3" (notice_serial None for v2, attribute_versions).
    w = World()
    i3 = read_stream_info(io.BytesIO(w.seal3(PAYLOAD)))
    i2 = read_stream_info(io.BytesIO(w.seal2(PAYLOAD)))
    i0 = read_stream_info(io.BytesIO(w.seal3(PAYLOAD, notice=w.n0)))
    assert (i3.stream_id, i3.metadata, i3.policy, i3.chunk_size) == (i2.stream_id, i2.metadata, i2.policy, i2.chunk_size)
    assert i3 != i2 and (i3 == i2) is False and i3 != i0
    # Equal streams compare equal; since StreamInfo names the KEM header's digest (1243710),
    # another sealing with the same id, metadata, policy and chunk size is another header.
    s3 = w.seal3(b"other payload")
    assert read_stream_info(io.BytesIO(s3)) == read_stream_info(io.BytesIO(s3))
    other = read_stream_info(io.BytesIO(s3))
    assert i3 != other and i3.header_digest != other.header_digest
    assert (i3.notice_serial, i2.notice_serial, i0.notice_serial) == (w.n1.serial, None, w.n0.serial)
    assert i3.attribute_versions() == [("role:gp", 1), ("dept:icu", 0)]
    assert i2.attribute_versions() == [("role:gp", 0), ("dept:icu", 0)]
    with pytest.raises(TypeError):
        hash(i3)
    for stream, version in ((w.seal3(PAYLOAD), 2), (w.seal2(PAYLOAD), 3)):
        bad = bytearray(stream)
        bad[3] = version
        raises(cipherchart.InvalidEncoding, partial(read_stream_info, io.BytesIO(bytes(bad))), "invalid_encoding")
        raises(cipherchart.InvalidEncoding, partial(w.open, w.new, bytes(bad)), "invalid_encoding")


def test_a_reader_blocking_the_sealer_on_one_thread_never_blocks_other_threads() -> None:
    # Attack: thread A seals with a reader that blocks (in Python) until thread B has sealed,
    # opened and read the info of another stream with the same public key, notice, policy and
    # key, and run the consent helper; a second reader calls the binding re-entrantly from
    # inside read().
    # Safe: no deadlock (every wait has a timeout and must not expire), every result correct.
    # Doc: README "streams call the file object's read/write with the GIL taken back per
    # chunk"; "every object can be shared between threads".
    w = World()
    go, inside = threading.Event(), threading.Event()

    def blocking(i: int, n: int) -> bytes:
        if i == 2:
            inside.set()
            assert go.wait(30), "never released"
        return b"b" * min(n, 50) if i < 4 else b""

    result: dict[str, Any] = {}

    def sealer() -> None:
        out = io.BytesIO()
        try:
            result["n"] = seal_stream_with_notice(w.pk, w.n1, w.policy, b"t", b"", Reader(blocking), out, chunk_size=64)
            result["stream"] = out.getvalue()
        except BaseException as e:  # noqa: BLE001 - reported below
            result["error"] = e

    thread = threading.Thread(target=sealer)
    thread.start()
    try:
        assert inside.wait(30)
        other = w.seal3(b"meanwhile")
        assert w.open(w.new, other) == b"meanwhile"
        assert read_stream_info(io.BytesIO(other)).notice_serial == w.n1.serial
    finally:
        go.set()
        thread.join(60)
    assert not thread.is_alive()
    assert "error" not in result, result
    assert w.open(w.new, result["stream"]) == b"b" * result["n"]

    def reentrant(i: int, n: int) -> bytes:
        if i == 1:
            inner = w.seal3(b"inner")
            assert w.open(w.new, inner) == b"inner"
            return b"outer"[:n]
        return b""

    out = io.BytesIO()
    assert seal_stream_with_notice(w.pk, w.n1, w.policy, b"s", b"", Reader(reentrant), out) == 5
    assert w.open(w.new, out.getvalue()) == b"outer"


# ---------------------------------------------------------------------------------------------
# Consent helpers with notices.


class Grants:
    """A patient's v3 grant: record, re-key, consent (categories x), notices before/after."""

    def __init__(self, categories: list[str] | None = None) -> None:
        self.authority = Authority.setup()
        self.pk = self.authority.public_key
        self.service = NoticeService(self.authority)
        self.n0 = self.service.current()
        self.patient = BlsSigningKey.generate()
        self.letter = seal_with_notice(self.pk, self.n0, Policy("patient:42"), b"letter-1", b"", b"letter")
        self.rk = self.authority.issue_delegation_key_under(self.n0, ["patient:42"], self.patient.public_key) \
            .rekey_under(self.pk, self.n0, Policy("role:gp"))
        self.consent = self.consent_for(self.rk, categories)

    def consent_for(self, rk: ReKey, categories: list[str] | None = None) -> VerifiedConsent:
        grant = Grant("42", Policy("role:gp"), (T0, T0 + 86_400), purposes=["treatment"], rekey=rk,
                      categories=categories if categories is not None else ["x"])
        return ConsentToken.issue(self.patient, grant).verify(self.patient.public_key, T0 + 10)

    def under(self, notices: Any, record: SealedRecord | None = None, category: str = "x",
              purpose: str = "treatment", consent: VerifiedConsent | None = None,
              rk: ReKey | None = None) -> SealedRecord:
        return reencrypt_with_consent_under(consent or self.consent, rk or self.rk, notices, record or self.letter,
                                            category, purpose)


def test_the_notices_list_takes_only_verified_notices_and_any_iterable_of_them() -> None:
    # Attack: notices = [VersionNotice (unverified)], [bytes], [None], [[n0]], "n0", None, a
    # dict, 42; then a generator, an iterator and a tuple of verified notices; [] and a list
    # with only another authority's notice; 100 000 copies of one notice.
    # Safe: the bad ones are InvalidArgument naming 'notices' (before any record); iterables of
    # VerifiedNotice behave as the list; [] and foreign-only are WrongAuthority; the huge list
    # is answered in well under a few seconds.
    # Doc: _native.pyi reencrypt_with_consent_under (Sequence[VerifiedNotice]); ReKey.check_current
    # "Raises WrongAuthority (a notice missing)".
    g = Grants()
    bad: list[Any] = [[g.n0.notice], [bytes(g.n0.notice)], [None], [[g.n0]], "n0", None, {"n0": g.n0}, 42,
                      [g.n0, g.n0.notice]]
    for notices in bad:
        invalid(partial(g.under, notices), "notices")
        invalid(partial(reencrypt_batch_with_consent_under, g.consent, g.rk, notices, [(g.letter, "x")], "treatment"),
                "notices")
    reference = g.under([g.n0])
    for notices in ((n for n in [g.n0]), iter([g.n0]), (g.n0,)):
        assert g.under(notices) == reference
    raises(cipherchart.WrongAuthority, lambda: g.under([]), "wrong_authority")
    raises(cipherchart.WrongAuthority, lambda: g.under([NoticeService(Authority.setup()).current()]), "wrong_authority")
    start = time.monotonic()
    assert g.under([g.n0] * 100_000) == reference
    assert time.monotonic() - start < 10


def test_the_checks_run_in_the_documented_order_before_any_record() -> None:
    # Attack: combine failures to learn whether a later check can mask an earlier one: another
    # patient's consent naming this re-key's digest, with stale notices; the right consent with
    # stale notices and a record out of scope (category, purpose); an older notice than the
    # re-key (FutureVersion); two notices of one authority under different notice keys, and two
    # different notices with one serial, each with a record out of scope.
    # Safe: ConsentError (rekey_mismatch) first, then StaleReKey / FutureVersion /
    # InvalidArgument, then ConsentError (not_permitted): each exact class, code and kind.
    # Doc: revocation.md §0.5 last bullet ("check_rekey, then check_current, then the consent's
    # scope, before touching a record"); consent.md "The proxy helper"; d.ts errors order.
    g = Grants()
    n1 = g.service.bump(["role:gp"])
    other = BlsSigningKey.generate()
    theirs = ConsentToken.issue(other, Grant("43", Policy("role:gp"), (T0, T0 + 86_400), purposes=["treatment"],
                                             rekey_digest=cipherchart.rekey_digest(g.rk))).verify(other.public_key, T0)
    for notices in ([n1], [g.n0]):
        raises(cipherchart.ConsentError, partial(g.under, notices, consent=theirs), "consent_error", "rekey_mismatch")
    raises(cipherchart.StaleReKey, lambda: g.under([n1], category="y"), "stale_rekey")
    raises(cipherchart.StaleReKey, lambda: g.under([g.n0, n1], purpose="marketing"), "stale_rekey")
    raises(cipherchart.ConsentError, lambda: g.under([g.n0], category="y"), "consent_error", "not_permitted")
    # A re-key made under a newer notice than the proxy's.
    fresh = g.authority.issue_delegation_key_under(n1, ["patient:42"], g.patient.public_key) \
        .rekey_under(g.pk, n1, Policy("role:gp"))
    raises(cipherchart.FutureVersion, lambda: g.under([g.n0], consent=g.consent_for(fresh), rk=fresh),
           "future_version")
    # Two notice keys for one authority; two notices with one serial (equivocation).
    rogue = NoticeService(g.authority).current()
    equivocal = g.service.sign(serial=n1.serial, versions={"role:gp": 1, "role:x": 1}).verify(
        g.service.key.public_key, n1.serial + 5)
    assert equivocal.serial == n1.serial and equivocal != n1
    for notices in ([n1, rogue], [rogue, n1], [n1, equivocal], [equivocal, n1]):
        raises(cipherchart.InvalidArgument, partial(g.under, notices, consent=g.consent_for(fresh), rk=fresh,
                                                    category="y"), "invalid_argument")


def test_the_helpers_without_notices_refuse_v3_and_v2_rekeys_are_checked_under_notices() -> None:
    # Attack: (1) a v3 re-key through reencrypt_with_consent and its batch, with an empty batch
    # too (hoping the empty batch short-circuits before the format check); (2) a v2 re-key
    # through the _under helpers after a notice bumped its target name, then its delegated
    # name; (3) a v2 re-key on a v3 record through _under.
    # Safe: (1) InvalidArgument every time; (2) StaleReKey for the single and the batch helper;
    # (3) InvalidArgument (a v2 re-key transforms v2 records only).
    # Doc: revocation.md §0.5 last bullet; test_v3_hops "A v2 re-key is current under a notice
    # that bumped nothing it names".
    g = Grants()
    for call in (lambda: reencrypt_with_consent(g.consent, g.rk, g.letter, "x", "treatment"),
                 lambda: reencrypt_batch_with_consent(g.consent, g.rk, [(g.letter, "x")], "treatment"),
                 lambda: reencrypt_batch_with_consent(g.consent, g.rk, [], "treatment")):
        raises(cipherchart.InvalidArgument, call, "invalid_argument")
    v2_record = seal(g.pk, Policy("patient:42"), b"old-letter", b"", b"v2 letter")
    v2 = g.authority.issue_delegation_key(["patient:42"], g.patient.public_key).rekey(g.pk, Policy("role:gp"))
    consent = g.consent_for(v2)
    assert g.under([g.n0], record=v2_record, consent=consent, rk=v2).hop_count == 1
    raises(cipherchart.InvalidArgument, lambda: g.under([g.n0], consent=consent, rk=v2), "invalid_argument")
    for bumped in (["role:gp"], ["patient:42"]):
        notice = g.service.bump(bumped)
        raises(cipherchart.StaleReKey, partial(g.under, [notice], record=v2_record, consent=consent, rk=v2),
               "stale_rekey")
        raises(cipherchart.StaleReKey, partial(reencrypt_batch_with_consent_under,
                                               consent, v2, [notice], [(v2_record, "x")], "treatment"), "stale_rekey")


def test_a_stale_rekey_fails_the_whole_batch_and_a_current_one_answers_slot_by_slot() -> None:
    # Attack: a stale re-key on a batch (empty, one record, 50 records); then a current re-key
    # on a batch mixing a v3 record, a v2 record, the v3 record twice, an out-of-scope
    # category and another patient's record; malformed items ((record,), (category, record),
    # (record, category, extra), (bytes, category)).
    # Safe: the stale batch raises StaleReKey whatever its records (none is re-encrypted);
    # the mixed batch gives per slot: a hop, InvalidArgument, the same hop again (deterministic),
    # ConsentError not_permitted, PolicyNotSatisfied; malformed items are InvalidArgument
    # naming 'records'.
    # Doc: _native.pyi reencrypt_batch_with_consent_under ("the currency check ... once, for
    # the whole batch"; "One entry per (record, category)").
    g = Grants()
    n1 = g.service.bump(["role:gp"])
    for records in ([], [(g.letter, "x")], [(g.letter, "x")] * 50):
        raises(cipherchart.StaleReKey, partial(reencrypt_batch_with_consent_under,
                                               g.consent, g.rk, [n1], records, "treatment"), "stale_rekey")
    v2_record = seal(g.pk, Policy("patient:42"), b"v2", b"", b"old")
    stranger = seal_with_notice(g.pk, g.n0, Policy("patient:43"), b"r43", b"", b"not yours")
    out = reencrypt_batch_with_consent_under(g.consent, g.rk, [g.n0], [
        (g.letter, "x"), (v2_record, "x"), (g.letter, "x"), (g.letter, "y"), (stranger, "x")], "treatment")
    assert len(out) == 5
    first, second = out[0], out[2]
    assert isinstance(first, SealedRecord) and isinstance(second, SealedRecord) and bytes(first) == bytes(second)
    gp = g.authority.issue_key_under(g.n0, ["role:gp"])
    assert gp.open(g.pk, first) == b"letter"
    expected = [(cipherchart.InvalidArgument, "invalid_argument", None),
                (cipherchart.ConsentError, "consent_error", "not_permitted"),
                (cipherchart.PolicyNotSatisfied, "policy_not_satisfied", None)]
    for slot, (cls, code, kind) in zip((out[1], out[3], out[4]), expected):
        assert type(slot) is cls and slot.code == code and slot.kind == kind, repr(slot)
    malformed: list[Any] = [[(g.letter,)], [("x", g.letter)], [(g.letter, "x", "y")], [(bytes(g.letter), "x")],
                            [g.letter], "records"]
    for records in malformed:
        invalid(partial(reencrypt_batch_with_consent_under, g.consent, g.rk, [g.n0], records, "treatment"), "records")


def test_a_referral_is_checked_under_both_authorities_notices() -> None:
    # Attack: a re-key from authority A to B's audience, used with only A's notice, only B's,
    # both, B's after a bump of the target name, and A's after a bump of the same name at A
    # (which is not the target's).
    # Safe: WrongAuthority, WrongAuthority, a hop that B's gp opens, StaleReKey, a hop (A's
    # role:gp is not the target's name).
    # Doc: _native.pyi ReKey.check_current ("the newest verified notices of its source and
    # target authorities"; WrongAuthority "a notice missing"); revocation.md §0.1 step 5.
    a, b = Authority.setup(), Authority.setup()
    sa, sb = NoticeService(a), NoticeService(b)
    na, nb = sa.current(), sb.current()
    patient = BlsSigningKey.generate()
    record = seal_with_notice(a.public_key, na, Policy("patient:42"), b"referral", b"", b"cardiology letter")
    rk = a.issue_delegation_key_under(na, ["patient:42"], patient.public_key).rekey_under(b.public_key, nb,
                                                                                         Policy("role:gp"))
    consent = ConsentToken.issue(patient, Grant("42", Policy("role:gp"), (T0, T0 + 86_400), purposes=["treatment"],
                                                rekey=rk)).verify(patient.public_key, T0)

    def under(notices: list[VerifiedNotice]) -> SealedRecord:
        return reencrypt_with_consent_under(consent, rk, notices, record, "x", "treatment")

    raises(cipherchart.WrongAuthority, lambda: under([na]), "wrong_authority")
    raises(cipherchart.WrongAuthority, lambda: under([nb]), "wrong_authority")
    shared = under([nb, na])
    keys: list[PublicKey] = [a.public_key, b.public_key]
    assert b.issue_key_under(nb, ["role:gp"]).open_federated(keys, shared) == b"cardiology letter"
    nb1 = sb.bump(["role:gp"])
    raises(cipherchart.StaleReKey, lambda: under([na, nb, nb1]), "stale_rekey")
    assert under([sa.bump(["role:gp"]), nb]).hop_count == 1


def test_threads_calling_the_helpers_with_current_and_stale_notices_never_cross() -> None:
    # Attack: 8 threads call reencrypt_with_consent_under and the batch form with [n0] (current)
    # and [n0, n1] (stale), interleaved, on shared consent, re-key and record objects.
    # Safe: each call's answer depends on its own notices only: a hop for [n0] (byte for byte
    # the single-thread one), StaleReKey for the other; no deadlock.
    # Doc: README "every object can be shared between threads".
    g = Grants()
    n0 = g.n0
    n1 = g.service.bump(["role:gp"])
    reference = bytes(g.under([n0]))

    def one(i: int) -> str:
        notices = [n0] if i % 2 == 0 else [n0, n1]
        try:
            if i % 4 < 2:
                return "ok" if bytes(g.under(notices)) == reference else "wrong"
            [slot] = reencrypt_batch_with_consent_under(g.consent, g.rk, notices, [(g.letter, "x")], "treatment")
            return "ok" if isinstance(slot, SealedRecord) and bytes(slot) == reference else "wrong"
        except cipherchart.CipherchartError as e:
            return e.code

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(one, range(64), timeout=120))
    assert answers == ["ok", "stale_rekey"] * 32


def test_stream_info_objects_are_plain_values() -> None:
    # Attack: mutate what StreamInfo hands out (stream_id, metadata, attribute_versions) and
    # read it again; pickle it (not documented as picklable).
    # Safe: the getters return fresh bytes / lists (immutable bytes, a new list each call);
    # pickling a StreamInfo either works by value or raises TypeError, never leaks a pointer.
    w = World()
    info: StreamInfo = read_stream_info(io.BytesIO(w.seal3(PAYLOAD)))
    versions = info.attribute_versions()
    versions.clear()
    assert info.attribute_versions() == [("role:gp", 1), ("dept:icu", 0)]
    assert isinstance(info.stream_id, bytes) and info.stream_id == b"ecg-7"
    try:
        clone = pickle.loads(pickle.dumps(info))
    except (TypeError, pickle.PicklingError):
        pass
    else:
        assert clone == info
