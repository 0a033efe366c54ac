"""Outside review of the catch-up of stored streams through the Python binding (attacks).

Each test is one attack, written from the docs and the public API only (``docs/formats.md``
"Stream v3", "A re-wrapped header", "Trailer"; ``docs/revocation.md`` §0.1 step 4, §0.6;
``_native.pyi``): the attack and the safe behaviour it asserts. An attack that succeeds is a
finding: its test keeps asserting the safe behaviour and is skipped with the finding's id.
"""

from __future__ import annotations

import copy
import io
import pickle
import struct
import threading
import time
from collections.abc import Callable
from typing import Any

import cipherchart
import pytest
from cipherchart import (
    Authority,
    Entry,
    StreamInfo,
    Trailer,
    UserKey,
    VerifiedNotice,
    read_stream_info,
    stream_trailer,
)
from notice_service import T0, NoticeService
from test_stream_catch_up import (
    ATTRS,
    info_of,
    open_stream,
    payload,
    rewrap,
    seal2,
    seal3,
    trailer_of,
)


class World:
    """An authority, a stream closed under n0, its trailer, and the bump n1 (role:nurse)."""

    def __init__(self, size: int = 5_000, chunk: int = 1024) -> None:
        self.authority = Authority.setup()
        self.service = NoticeService(self.authority)
        self.n0 = self.service.current()
        self.old_key = self.authority.issue_key_under(self.n0, ATTRS)
        self.data = payload(size, 7)
        self.stream = seal3(self.authority, self.n0, b"ecg", chunk, self.data)
        self.trailer = trailer_of(self.stream)
        self.n1 = self.service.bump("role:nurse")
        self.new_key = self.authority.issue_key_under(self.n1, ATTRS)

    def assert_caught_up(self, stream: bytes) -> None:
        assert open_stream(self.new_key, self.authority, stream) == self.data
        with pytest.raises(cipherchart.PolicyNotSatisfied):
            open_stream(self.old_key, self.authority, stream)


def with_count(trailer: Trailer, count: int) -> Trailer:
    b = bytearray(bytes(trailer))
    at = 4 + 1 + 4 + len(trailer.id) + 64
    b[at : at + 8] = struct.pack(">Q", count)
    return Trailer.from_bytes(bytes(b))


def test_cb1_none_where_a_trailer_is_required_and_a_trailer_where_none_is() -> None:
    # CB-1. Attack: None as rewrap_stream's trailer; None to reencrypt_stream for a v3 stream (as
    # sealed and as re-wrapped); a trailer to reencrypt_stream for a v2 stream. Safe:
    # InvalidArgument, nothing written; v2 with None works and the revoked key opens nothing.
    w = World()
    rewrapped = rewrap(w.authority, w.stream, w.trailer, w.n1)
    v2 = seal2(w.authority, b"ecg", 1024, w.data)
    calls: list[Callable[[io.BytesIO], object]] = [
        lambda out: w.authority.rewrap_stream(io.BytesIO(w.stream), None, w.n1, out),  # type: ignore[arg-type]
        lambda out: w.authority.reencrypt_stream(io.BytesIO(w.stream), None, w.n1, out),
        lambda out: w.authority.reencrypt_stream(io.BytesIO(rewrapped), None, w.n1, out),
        lambda out: w.authority.reencrypt_stream(io.BytesIO(v2), w.trailer, w.n1, out),
    ]
    for call in calls:
        out = io.BytesIO()
        with pytest.raises(cipherchart.InvalidArgument):
            call(out)
        assert out.getvalue() == b""
    out = io.BytesIO()
    w.authority.reencrypt_stream(io.BytesIO(v2), None, w.n1, out)
    w.assert_caught_up(out.getvalue())
    w.assert_caught_up(rewrapped)


def test_cb2_objects_that_are_not_a_trailer() -> None:
    # CB-2. Attack: the trailer as bytes, bytearray, memoryview, str, a StreamInfo, a duck-typed
    # object with the Trailer's attributes; a Trailer subclass; a Trailer made without
    # from_bytes; the stream itself as bytes where a file is expected. Safe: InvalidArgument for
    # every wrong trailer (a file argument that is not one: an exception, no result); Trailer
    # can be neither subclassed nor built empty.
    w = World()
    t = w.trailer

    class Duck:
        kind, id, header_digest, key_commitment = t.kind, t.id, t.header_digest, t.key_commitment
        count, root, digest = t.count, t.root, t.digest

        def __bytes__(self) -> bytes:
            return bytes(t)

    for wrong in [bytes(t), bytearray(bytes(t)), memoryview(bytes(t)), bytes(t).hex(), info_of(w.stream), Duck(), 0]:
        takers: list[Callable[[Any], object]] = [
            lambda x: w.authority.rewrap_stream(io.BytesIO(w.stream), x, w.n1, io.BytesIO()),
            lambda x: w.authority.reencrypt_stream(io.BytesIO(w.stream), x, w.n1, io.BytesIO()),
            lambda x: Entry.for_stream_close(x, T0),
        ]
        for take in takers:
            with pytest.raises(cipherchart.InvalidArgument):
                take(wrong)
    with pytest.raises(TypeError):
        type("Sub", (Trailer,), {})
    with pytest.raises(TypeError):
        Trailer()
    with pytest.raises(TypeError):
        Trailer.__new__(Trailer)
    # Raw bytes where a file is expected: InvalidArgument naming the fix (was AttributeError).
    with pytest.raises(cipherchart.InvalidArgument, match="io.BytesIO"):
        stream_trailer(w.stream)  # type: ignore[arg-type]
    with pytest.raises(cipherchart.InvalidArgument, match="io.BytesIO"):
        w.authority.rewrap_stream(w.stream, t, w.n1, io.BytesIO())  # type: ignore[arg-type]


def test_cb3_trailer_value_semantics() -> None:
    # CB-3. Attack: copy, deepcopy, pickle round trip, a pickle whose payload is another
    # trailer's or a malformed one, setting attributes, ordering, equality with its bytes and
    # with a StreamInfo. Safe: copies are equal and hash equal; a pickle is decoded with every
    # check (malformed: InvalidEncoding); attributes are read-only; no ordering; not equal to
    # anything but an equal Trailer.
    w = World()
    t = w.trailer
    for c in (copy.copy(t), copy.deepcopy(t), pickle.loads(pickle.dumps(t))):
        assert c == t and hash(c) == hash(t)
        assert not c.__ne__(t)
    data = pickle.dumps(t)
    bad = data.replace(bytes(t), bytes(t)[:4] + b"\x07" + bytes(t)[5:])
    assert bad != data
    with pytest.raises(cipherchart.InvalidEncoding):
        pickle.loads(bad)
    for name in ("count", "kind", "id", "root", "digest", "header_digest", "key_commitment"):
        with pytest.raises(AttributeError):
            setattr(t, name, 1)
    with pytest.raises(TypeError):
        _ = t < copy.copy(t)  # type: ignore[operator]
    assert t != bytes(t) and t != info_of(w.stream) and t is not None
    assert t.kind == "stream"
    session = Trailer.from_bytes(bytes(t)[:4] + b"\x01" + bytes(t)[5:])
    assert session.kind == "session" and session != t
    refused: list[Callable[[], object]] = [
        lambda: w.authority.rewrap_stream(io.BytesIO(w.stream), session, w.n1, io.BytesIO()),
        lambda: w.authority.reencrypt_stream(io.BytesIO(w.stream), session, w.n1, io.BytesIO()),
        lambda: Entry.for_stream_close(session, T0),
    ]
    for call in refused:
        with pytest.raises(cipherchart.InvalidArgument):
            call()


def test_cb4_counts_up_to_2_64_are_exact_and_refused_by_the_frames() -> None:
    # CB-4. Attack: trailers of this stream with count 2^53 + 1 and 2^64 - 1. Safe: the count
    # reads back exactly, distinct trailers stay distinct, and both catch-ups refuse them
    # (DecryptionFailed: the frames are not the trailer's), writing no last chunk.
    w = World()
    for count in (2**53 + 1, 2**64 - 1):
        t = with_count(w.trailer, count)
        assert t.count == count and t != with_count(w.trailer, count - 1)
        for fn in (w.authority.rewrap_stream, w.authority.reencrypt_stream):
            with pytest.raises(cipherchart.DecryptionFailed):
                fn(io.BytesIO(w.stream), t, w.n1, io.BytesIO())


def test_cb5_readers_that_misbehave() -> None:
    # CB-5. Attack: a reader returning more than asked, a str, None; one byte per read; views
    # (memoryview, bytearray) it later mutates; a KeyboardInterrupt from read. Safe: IoError for
    # the lies, the same trailer and caught-up stream for the short reads and views, the
    # interrupt propagated as itself.
    w = World()

    class Reader:
        def __init__(self, mode: str) -> None:
            self.b = io.BytesIO(w.stream)
            self.mode = mode
            self.last: bytearray | None = None

        def read(self, n: int) -> object:
            if self.mode == "more":
                return b"\x00" * (n + 1)
            if self.mode == "str":
                return "x"
            if self.mode == "none":
                return None
            if self.mode == "one":
                return self.b.read(1)
            if self.mode == "interrupt":
                raise KeyboardInterrupt
            if self.last is not None:
                self.last[:] = b"\xff" * len(self.last)  # mutate what was returned before
            got = bytearray(self.b.read(n))
            self.last = got
            return memoryview(got) if self.mode == "view" else got

    for mode in ("more", "str", "none"):
        with pytest.raises(cipherchart.IoError):
            stream_trailer(Reader(mode))  # type: ignore[arg-type]
        with pytest.raises(cipherchart.IoError):
            w.authority.rewrap_stream(Reader(mode), w.trailer, w.n1, io.BytesIO())  # type: ignore[arg-type]
    for mode in ("one", "view", "bytearray"):
        assert stream_trailer(Reader(mode)) == w.trailer  # type: ignore[arg-type]
        out = io.BytesIO()
        w.authority.rewrap_stream(Reader(mode), w.trailer, w.n1, out)  # type: ignore[arg-type]
        w.assert_caught_up(out.getvalue())
        out = io.BytesIO()
        w.authority.reencrypt_stream(Reader(mode), w.trailer, w.n1, out)  # type: ignore[arg-type]
        w.assert_caught_up(out.getvalue())
    with pytest.raises(KeyboardInterrupt):
        w.authority.rewrap_stream(Reader("interrupt"), w.trailer, w.n1, io.BytesIO())  # type: ignore[arg-type]


def test_cb6_writers_that_misbehave() -> None:
    # CB-6. Attack: a writer that accepts a third of each buffer (returns a short count), returns
    # 0, a negative count, a count above the buffer, a str; keeps the buffers it is given. Safe:
    # short writes are completed (the stream is whole and opens), the lies are IoError, and what
    # the writer kept is immutable bytes equal to the output.
    w = World()

    class Partial:
        def __init__(self) -> None:
            self.buf = bytearray()
            self.kept: list[object] = []

        def write(self, b: bytes) -> int:
            self.kept.append(b)
            n = max(1, len(b) // 3)
            self.buf += bytes(b)[:n]
            return n

    for fn in (w.authority.rewrap_stream, w.authority.reencrypt_stream):
        p = Partial()
        fn(io.BytesIO(w.stream), w.trailer, w.n1, p)
        w.assert_caught_up(bytes(p.buf))
        assert all(isinstance(k, bytes) for k in p.kept)

    class Lying:
        def __init__(self, answer: object) -> None:
            self.answer = answer

        def write(self, b: bytes) -> object:
            return self.answer

    for answer in (0, -1, 10**30, "x"):
        with pytest.raises(cipherchart.IoError):
            w.authority.rewrap_stream(io.BytesIO(w.stream), w.trailer, w.n1, Lying(answer))  # type: ignore[arg-type]
        with pytest.raises(cipherchart.IoError):
            w.authority.reencrypt_stream(io.BytesIO(w.stream), w.trailer, w.n1, Lying(answer))  # type: ignore[arg-type]


def test_cb7_a_reader_that_reenters_the_authority() -> None:
    # CB-7. Attack: during a re-wrap, the reader calls rewrap_stream and reencrypt_stream on the
    # same Authority (and the trailer's getters). Safe: both the inner and the outer calls give
    # caught-up streams; no deadlock, no borrow error.
    w = World()
    inner: list[bytes] = []

    class Reentrant:
        def __init__(self) -> None:
            self.b = io.BytesIO(w.stream)

        def read(self, n: int) -> bytes:
            if not inner:
                inner.append(rewrap(w.authority, w.stream, w.trailer, w.n1))
                o = io.BytesIO()
                w.authority.reencrypt_stream(io.BytesIO(w.stream), w.trailer, w.n1, o)
                inner.append(o.getvalue())
                assert w.trailer.count == 5
            return self.b.read(n)

    out = io.BytesIO()
    w.authority.rewrap_stream(Reentrant(), w.trailer, w.n1, out)
    for s in [out.getvalue(), *inner]:
        w.assert_caught_up(s)


def test_cb8_threads_sharing_an_authority_during_catch_ups() -> None:
    # CB-8. Attack: six threads share one Authority, trailer and notice, re-wrapping and
    # re-encrypting the same stream at once (plus stream_trailer of it). Safe: every result is a
    # whole caught-up stream: the new key opens it, the revoked key opens nothing.
    w = World(size=40_000, chunk=4096)
    results: list[bytes] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        try:
            for _ in range(3):
                out = io.BytesIO()
                if i % 2:
                    w.authority.rewrap_stream(io.BytesIO(w.stream), w.trailer, w.n1, out)
                else:
                    w.authority.reencrypt_stream(io.BytesIO(w.stream), w.trailer, w.n1, out)
                assert stream_trailer(io.BytesIO(w.stream)) == w.trailer
                with lock:
                    results.append(out.getvalue())
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and len(results) == 18
    for s in results:
        w.assert_caught_up(s)


def test_cb9_a_long_catch_up_does_not_freeze_other_threads() -> None:
    # CB-9. Attack: a catch-up of one 8 MiB frame (the reader is called only a few times, so
    # only a released GIL lets other threads run during the AEAD and hashing), while a thread
    # counts. Safe: the counting thread is never stalled for long.
    authority = Authority.setup()
    service = NoticeService(authority)
    n0 = service.current()
    data = payload(8 << 20, 1)
    stream = seal3(authority, n0, b"big", 8 << 20, data)
    trailer = trailer_of(stream)
    n1 = service.bump("role:nurse")
    stop = threading.Event()
    gaps: list[float] = []

    def ticker() -> None:
        last = time.monotonic()
        while not stop.is_set():
            time.sleep(0.001)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    th = threading.Thread(target=ticker)
    th.start()
    try:
        for _ in range(2):
            authority.reencrypt_stream(io.BytesIO(stream), trailer, n1, io.BytesIO())
            authority.rewrap_stream(io.BytesIO(stream), trailer, n1, io.BytesIO())
    finally:
        stop.set()
        th.join()
    assert gaps and max(gaps) < 1.0, max(gaps)


def test_cb10_stream_info_trailer_is_a_value() -> None:
    # CB-10. Attack: take StreamInfo.trailer of a re-wrapped stream, try to change it (attributes,
    # the StreamInfo's own), re-read; use it to re-wrap again. Safe: each read is an equal,
    # unchangeable value; StreamInfo is read-only; the re-wrap with it works.
    w = World()
    rewrapped = rewrap(w.authority, w.stream, w.trailer, w.n1)
    info = info_of(rewrapped)
    a, b = info.trailer, info.trailer
    assert a is not None and b is not None and a == b == w.trailer
    with pytest.raises(AttributeError):
        a.count = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        info.trailer = None  # type: ignore[misc]
    assert info.trailer == w.trailer and info_of(w.stream).trailer is None
    assert info_of(seal2(w.authority, b"ecg", 1024, w.data)).trailer is None
    n2 = w.service.bump("dept:icu")
    out = io.BytesIO()
    w.authority.rewrap_stream(io.BytesIO(rewrapped), a, n2, out)
    assert read_stream_info(io.BytesIO(out.getvalue())).trailer == w.trailer


def test_cb11_exceptions_name_no_secret() -> None:
    # CB-11. Attack: provoke each refusal of the catch-up (wrong trailer, damaged frames,
    # v2 with a trailer, a session trailer, a revoked key) and look for secrets in the
    # exceptions. Safe: CipherchartError subclasses whose messages and args hold no byte of the
    # master key or a user key (hex or raw) and no payload.
    w = World()
    secrets = [w.authority.to_secret_bytes(), bytes(w.old_key), bytes(w.new_key), w.data[:32]]
    other = seal3(w.authority, w.n0, b"ecg", 1024, w.data)
    session = Trailer.from_bytes(bytes(w.trailer)[:4] + b"\x01" + bytes(w.trailer)[5:])
    rewrapped = rewrap(w.authority, w.stream, w.trailer, w.n1)
    calls: list[Callable[[], object]] = [
        lambda: w.authority.rewrap_stream(io.BytesIO(w.stream), trailer_of(other), w.n1, io.BytesIO()),
        lambda: w.authority.rewrap_stream(io.BytesIO(w.stream[:-1]), w.trailer, w.n1, io.BytesIO()),
        lambda: w.authority.reencrypt_stream(io.BytesIO(seal2(w.authority, b"x", 64, b"y")), w.trailer, w.n1, io.BytesIO()),
        lambda: w.authority.rewrap_stream(io.BytesIO(w.stream), session, w.n1, io.BytesIO()),
        lambda: open_stream(w.old_key, w.authority, rewrapped),
        lambda: w.authority.rewrap_stream(io.BytesIO(w.stream), with_count(w.trailer, 9), w.n1, io.BytesIO()),
    ]
    for call in calls:
        with pytest.raises(cipherchart.CipherchartError) as raised:
            call()
        text = (str(raised.value) + repr(raised.value.args)).encode()
        for s in secrets:
            assert s.hex().encode() not in text and s[:16] not in text
    assert w.authority.to_secret_bytes().hex() not in repr(w.authority)


def test_cb12_a_trailer_that_is_not_the_streams() -> None:
    # CB-12. Attack: reencrypt_stream of a v3 stream with another stream's trailer (same id,
    # metadata and chunk size); rewrap_stream of a re-wrapped stream with a trailer other than
    # the one it carries (the carried one with count + 1, another stream's); rewrap_stream of a
    # re-encrypted stream with the trailer of the stream it was re-encrypted from. Safe:
    # InvalidArgument or DecryptionFailed, nothing caught up.
    w = World()
    other = seal3(w.authority, w.n0, b"ecg", 1024, w.data)
    with pytest.raises(cipherchart.InvalidArgument):
        w.authority.reencrypt_stream(io.BytesIO(w.stream), trailer_of(other), w.n1, io.BytesIO())
    rewrapped = rewrap(w.authority, w.stream, w.trailer, w.n1)
    n2 = w.service.bump("dept:icu")
    for t in (with_count(w.trailer, w.trailer.count + 1), trailer_of(other)):
        for fn in (w.authority.rewrap_stream, w.authority.reencrypt_stream):
            with pytest.raises((cipherchart.InvalidArgument, cipherchart.DecryptionFailed)):
                fn(io.BytesIO(rewrapped), t, n2, io.BytesIO())
    out = io.BytesIO()
    w.authority.reencrypt_stream(io.BytesIO(w.stream), w.trailer, w.n1, out)
    with pytest.raises(cipherchart.InvalidArgument):
        w.authority.rewrap_stream(io.BytesIO(out.getvalue()), w.trailer, n2, io.BytesIO())


def test_cb13_chain_entries_of_another_stream_and_bad_times() -> None:
    # CB-13. Attack: Entry.for_stream_catch_up naming as the catch-up of a stream the re-wrap of
    # another stream with the same id and fields; the entries with times out of range. Safe:
    # InvalidArgument.
    w = World()
    other = seal3(w.authority, w.n0, b"ecg", 1024, w.data)
    other_rewrapped = rewrap(w.authority, other, trailer_of(other), w.n1)
    with pytest.raises(cipherchart.InvalidArgument):
        Entry.for_stream_catch_up(info_of(w.stream), info_of(other_rewrapped), T0)
    new = info_of(rewrap(w.authority, w.stream, w.trailer, w.n1))
    assert Entry.for_stream_catch_up(info_of(w.stream), new, T0).metadata[:32] == w.trailer.header_digest
    for bad in (-1, 2**64, float("nan"), float("inf"), -0.5, "1", None):
        with pytest.raises(cipherchart.InvalidArgument):
            Entry.for_stream_close(w.trailer, bad)  # type: ignore[arg-type]
        with pytest.raises(cipherchart.InvalidArgument):
            Entry.for_stream_catch_up(info_of(w.stream), new, bad)  # type: ignore[arg-type]


def test_cb14_a_notice_of_another_authority_or_a_stale_one() -> None:
    # CB-14. Attack: a re-wrap whose notice is a VersionNotice (unverified), another authority's
    # VerifiedNotice, or None; needs_catch_up with those. Safe: InvalidArgument / WrongAuthority,
    # and needs_catch_up is False for another authority's notice.
    w = World()
    elsewhere = Authority.setup()
    theirs: VerifiedNotice = NoticeService(elsewhere).bump("role:nurse")
    with pytest.raises(cipherchart.WrongAuthority):
        w.authority.rewrap_stream(io.BytesIO(w.stream), w.trailer, theirs, io.BytesIO())
    assert not info_of(w.stream).needs_catch_up(theirs)
    for bad in (w.n1.notice, None, w.trailer):
        with pytest.raises(cipherchart.InvalidArgument):
            w.authority.rewrap_stream(io.BytesIO(w.stream), w.trailer, bad, io.BytesIO())  # type: ignore[arg-type]
        with pytest.raises(cipherchart.InvalidArgument):
            info_of(w.stream).needs_catch_up(bad)  # type: ignore[arg-type]
    key: UserKey = w.new_key
    info: StreamInfo = info_of(w.stream)
    assert info.needs_catch_up(w.n1) and key is not None
