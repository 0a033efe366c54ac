"""Outside review of the catch-up of stored sessions through the Python binding (attacks).

Each test is one attack, written from the docs and the public API only (``docs/formats.md``
"Trailer", "Session header v3 ... and session record v3"; ``docs/revocation.md`` §0.1 step 4,
§0.7; ``bindings/python/README.md``; ``_native.pyi``): the attack and the safe behaviour it
asserts. An attack that succeeds is a finding: its test keeps asserting the safe behaviour and is
skipped with the finding's id.
"""

from __future__ import annotations

import copy
import pickle
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import cipherchart
import pytest
from cipherchart import (
    Authority,
    Entry,
    InclusionProof,
    Policy,
    SessionHeader,
    SessionOpener,
    SessionRecord,
    SessionSealer,
    Trailer,
    VerifiedNotice,
    prove_session_record,
    prove_session_records,
    session_trailer,
    start_session,
    start_session_with_notice,
)
from notice_service import NoticeService

T0 = 1_800_000_000
ATTRS = ["role:nurse", "dept:icu"]
POLICY = "role:nurse and dept:icu"


def payload(i: int) -> bytes:
    return f"{60 + i} bpm".encode()


class World:
    """An authority; a v3 session of ``n`` records sealed under n0 and closed (its trailer);
    the bump n1 (role:nurse); the session re-wrapped at n1; a revoked and a current key."""

    def __init__(self, n: int = 6, sid: bytes = b"bed-4/mon") -> None:
        self.authority = Authority.setup()
        self.service = NoticeService(self.authority)
        self.n0 = self.service.current()
        self.old_key = self.authority.issue_key_under(self.n0, ATTRS)
        self.header, self.sealer = start_session_with_notice(
            self.authority.public_key, self.n0, Policy(POLICY), sid, b"bed 4"
        )
        self.records = [self.sealer.seal(b"hr", payload(i)) for i in range(n)]
        self.trailer = self.sealer.close()
        self.n1 = self.service.bump("role:nurse")
        self.new_key = self.authority.issue_key_under(self.n1, ATTRS)
        self.rewrapped = self.authority.rewrap_session(self.header, self.trailer, self.n1)
        self.opener = self.new_key.open_session(self.authority.public_key, self.rewrapped)

    def another(self, sid: bytes, n: int) -> tuple[SessionHeader, SessionSealer, list[SessionRecord]]:
        header, sealer = start_session_with_notice(self.authority.public_key, self.n0, Policy(POLICY), sid, b"bed 4")
        return header, sealer, [sealer.seal(b"hr", payload(i)) for i in range(n)]

    def healthy(self) -> None:
        """The binding still works: every record opens with its proof and all together."""
        proofs = prove_session_records(self.records)
        assert [self.opener.open_included(r, p) for r, p in zip(self.records, proofs)] == [
            payload(i) for i in range(len(self.records))
        ]
        assert self.opener.open_all(self.records) == [payload(i) for i in range(len(self.records))]


def test_sb1_the_sealer_cannot_be_copied_or_pickled_before_or_after_close() -> None:
    # SB-1. Attack: pickle, copy, deepcopy, __reduce__/__reduce_ex__ of an open and of a closed
    # sealer (a copy taken before close would keep sealing under the session key after it), and
    # the same for its opener. Safe: every one refused (TypeError, which InvalidArgument also
    # is); the closed sealer still refuses seal; the repr holds no secret.
    w = World()
    _, open_sealer, _ = w.another(b"open", 1)
    for obj in (open_sealer, w.sealer, w.opener):
        calls: list[Callable[[], object]] = [
            lambda: pickle.dumps(obj),
            lambda: pickle.dumps(obj, protocol=0),
            lambda: copy.copy(obj),
            lambda: copy.deepcopy(obj),
            lambda: obj.__reduce__(),
            lambda: obj.__reduce_ex__(4),
        ]
        for call in calls:
            with pytest.raises(TypeError):
                call()
    for sealer in (w.sealer, open_sealer):
        sealer.close()
        with pytest.raises(cipherchart.InvalidArgument):
            sealer.seal(b"hr", b"late")
    assert repr(w.sealer) == "SessionSealer(next_sequence=6)"
    assert "bpm" not in repr(w.opener) and len(repr(w.opener)) < 40


def test_sb2_threads_seal_while_another_closes() -> None:
    # SB-2. Attack: four threads seal on one sealer while a fifth closes it (the GIL released in
    # between). Safe: no sequence number repeats or is skipped, no record is sealed after close
    # (the close trailer counts exactly the records that were returned, and is their trailer),
    # every refused seal is InvalidArgument; closing again gives the same trailer.
    authority = Authority.setup()
    n0 = NoticeService(authority).current()
    for _ in range(3):
        header, sealer = start_session_with_notice(authority.public_key, n0, Policy(POLICY), b"race", b"")
        sealed: list[SessionRecord] = []
        refused: list[BaseException] = []
        closed: list[Trailer] = []
        lock = threading.Lock()
        start = threading.Barrier(5)

        def seal_many() -> None:
            start.wait()
            for i in range(200):
                try:
                    r = sealer.seal(b"", b"x%d" % i)
                    with lock:
                        sealed.append(r)
                except BaseException as e:  # noqa: BLE001
                    with lock:
                        refused.append(e)

        def close() -> None:
            start.wait()
            time.sleep(0.001)
            closed.append(sealer.close())

        threads = [threading.Thread(target=seal_many) for _ in range(4)] + [threading.Thread(target=close)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert all(isinstance(e, cipherchart.InvalidArgument) for e in refused)
        assert len(sealed) + len(refused) == 800
        ordered = sorted(sealed, key=lambda r: r.sequence)
        assert [r.sequence for r in ordered] == list(range(len(sealed)))
        assert closed[0].count == len(sealed) == sealer.next_sequence
        assert session_trailer(header, ordered) == closed[0] == sealer.close() == sealer.trailer()


def test_sb3_index_values() -> None:
    # SB-3. Attack: prove_session_record's index as -1, len, 2**64 - 1, 2**64, 2**70, a float
    # (1.0, nan, inf), a str, None, bytes, a Decimal-like, an object with __index__ (as numpy
    # ints are), True. Safe: InvalidArgument for anything not an int in range, and for a bool
    # (an int to Python, refused since this review); __index__ objects read as the int they are
    # (operator.index), giving exactly that index's proof.
    w = World()
    for bad in (-1, 6, 2**64 - 1, 2**64, 2**70, 1.0, float("nan"), float("inf"), "1", None, b"\x01", [1]):
        with pytest.raises(cipherchart.InvalidArgument):
            prove_session_record(w.records, bad)  # type: ignore[arg-type]

    class Index:
        def __index__(self) -> int:
            return 2

    assert prove_session_record(w.records, Index()) == prove_session_record(w.records, 2)  # type: ignore[arg-type]
    for flag in (True, False):
        with pytest.raises(cipherchart.InvalidArgument):
            prove_session_record(w.records, flag)
    for bad in (-1, 2**64, float("nan"), float("inf"), "1", None, True):
        with pytest.raises(cipherchart.InvalidArgument):
            Entry.for_session_close(w.trailer, bad)  # type: ignore[arg-type]
        with pytest.raises(cipherchart.InvalidArgument):
            Entry.for_session_catch_up(w.header, w.rewrapped, bad)  # type: ignore[arg-type]
    w.healthy()


def test_sb4_unordered_collections_are_not_the_records_in_order() -> None:
    # SB-4 (a finding, fixed: `Seq` refuses sets and mappings). Attack: the records as a set, a frozenset, a dict's keys view (an order the caller
    # did not choose) to session_trailer, prove_session_records(_record), open_all and
    # reencrypt_session, all of which read "the records, in order" (the stub says Sequence; the
    # error says "expected a sequence (e.g. a list)"). Safe: InvalidArgument, as for a str.
    w = World(n=8)
    unordered: list[Any] = [set(w.records), frozenset(w.records), {r: None for r in w.records}.keys()]
    for records in unordered:
        calls: list[Callable[[], object]] = [
            lambda: session_trailer(w.header, records),
            lambda: prove_session_records(records),
            lambda: prove_session_record(records, 0),
            lambda: w.opener.open_all(records),
            lambda: w.authority.reencrypt_session(w.header, records, w.trailer, w.n1),
        ]
        for call in calls:
            with pytest.raises(cipherchart.InvalidArgument):
                call()


def test_sb5_iterables_that_misbehave() -> None:
    # SB-5. Attack: the records as a generator that raises midway, a sequence whose __getitem__
    # raises, a list subclass whose __len__ lies (10**12), an iterator that appends to the list
    # it iterates, a list holding a SessionHeader, a Trailer, bytes, None, an InclusionProof;
    # the records as bytes, str, one SessionRecord, None. Safe: the caller's own exception
    # propagates as itself and nothing is returned; the lying __len__ changes nothing; a wrong
    # element or container is InvalidArgument; the binding works afterwards.
    w = World()

    def raising() -> Iterator[SessionRecord]:
        yield w.records[0]
        raise KeyError("from the caller")

    class BadItem:
        def __len__(self) -> int:
            return 6

        def __getitem__(self, i: int) -> SessionRecord:
            if i == 3:
                raise ZeroDivisionError
            if i >= 6:
                raise IndexError
            return w.records[i]

    class LongList(list[SessionRecord]):
        def __len__(self) -> int:
            return 10**12

    takers: list[Callable[[Any], object]] = [
        lambda rs: session_trailer(w.header, rs),
        prove_session_records,
        lambda rs: prove_session_record(rs, 0),
        w.opener.open_all,
        lambda rs: w.authority.reencrypt_session(w.header, rs, w.trailer, w.n1),
    ]
    for take in takers:
        with pytest.raises(KeyError):
            take(raising())
        with pytest.raises(ZeroDivisionError):
            take(BadItem())
    assert session_trailer(w.header, LongList(w.records)) == w.trailer
    assert w.opener.open_all(LongList(w.records)) == [payload(i) for i in range(6)]

    # An iterator that reverses the list it walks halfway through: what counts is what it yielded.
    walked = list(w.records)
    yielded: list[SessionRecord] = []

    def reversing() -> Iterator[SessionRecord]:
        for i in range(len(walked)):
            if i == 3:
                walked.reverse()
            yielded.append(walked[i])
            yield walked[i]

    t = session_trailer(w.header, reversing())  # type: ignore[arg-type]
    assert t == session_trailer(w.header, yielded) != w.trailer
    with pytest.raises(cipherchart.DecryptionFailed):
        w.opener.open_all(iter(yielded))  # type: ignore[arg-type]
    wrong_elements: list[object] = [w.header, w.trailer, bytes(w.records[0]), None, prove_session_record(w.records, 0), 0]
    for element in wrong_elements:
        for take in takers:
            with pytest.raises(cipherchart.InvalidArgument):
                take([*w.records[:2], element, *w.records[2:]])
    for container in (bytes(w.records[0]), "records", w.records[0], None, 5):
        for take in takers:
            with pytest.raises(cipherchart.InvalidArgument):
                take(container)
    w.healthy()


def test_sb6_proofs_from_another_tree() -> None:
    # SB-6. Attack: open a record of the re-wrapped session with the proof of the same index from
    # another session of the same size and id (sealed again under the same notice), from a
    # prefix (records[:k]), from a longer list (records + one forged with the kept sealer), and
    # the other session's record with this session's genuine proof. Safe: DecryptionFailed
    # every time; the genuine pairs open.
    w = World()
    _, _, others = w.another(b"bed-4/mon", 6)
    forged_header, forged_sealer, _ = w.another(b"x", 0)
    mixed = list(w.records)
    mixed[3] = others[3]  # a tree with one foreign leaf: paths of the other leaves change too
    mine = prove_session_records(w.records)
    for i in range(6):
        candidates = [prove_session_record(others, i), prove_session_record(mixed, i)]
        candidates += [prove_session_record(w.records[:k], i) for k in range(i + 1, 6)]
        candidates += [prove_session_record(w.records + others[:1], i)]
        for p in candidates:
            if p == mine[i]:
                continue  # mixed's proof of leaf 3 itself: its siblings are this session's
            with pytest.raises(cipherchart.DecryptionFailed):
                w.opener.open_included(w.records[i], p)
        with pytest.raises(cipherchart.DecryptionFailed):
            w.opener.open_included(others[i], mine[i])
        assert w.opener.open_included(w.records[i], mine[i]) == payload(i)
    with pytest.raises(cipherchart.DecryptionFailed):
        w.opener.open_all(mixed)
    del forged_header, forged_sealer
    w.healthy()


def test_sb7_hand_made_proofs() -> None:
    # SB-7. Attack: InclusionProof built by hand from a genuine one: each path byte flipped, the
    # path reversed, shortened, extended, emptied, 10**5 elements long; index and size swapped,
    # at 2**64 - 1, size 0, index = size; the index of another record with that record's path.
    # Also malformed constructor arguments (31/33-byte nodes, a str path, bytes path, negative).
    # Safe: the malformed ones InvalidArgument at construction; the others DecryptionFailed,
    # promptly; the genuine proof rebuilt through the constructor opens.
    w = World(n=8)
    real = prove_session_record(w.records, 5)
    assert len(real.path) == 3
    bad: list[InclusionProof] = []
    for j in range(len(real.path)):
        for bit in (0, 7, 128, 255):
            path = [bytearray(x) for x in real.path]
            path[j][bit // 8] ^= 1 << (bit % 8)
            bad.append(InclusionProof(5, 8, [bytes(x) for x in path]))
    bad += [
        InclusionProof(5, 8, real.path[::-1]),
        InclusionProof(5, 8, real.path[:-1]),
        InclusionProof(5, 8, real.path + [bytes(32)]),
        InclusionProof(5, 8, []),
        InclusionProof(8, 5, real.path),
        InclusionProof(5, 0, real.path),
        InclusionProof(8, 8, real.path),
        InclusionProof(2**64 - 1, 2**64 - 1, [bytes(32)] * 64),
        InclusionProof(5, 2**64 - 1, real.path),
        InclusionProof(4, 8, real.path),
        InclusionProof(5 + 2**32, 8 + 2**32, real.path),
    ]
    for p in bad:
        with pytest.raises(cipherchart.DecryptionFailed):
            w.opener.open_included(w.records[5], p)
    started = time.monotonic()
    with pytest.raises(cipherchart.DecryptionFailed):
        w.opener.open_included(w.records[5], InclusionProof(5, 8, [bytes(32)] * 100_000))
    assert time.monotonic() - started < 5
    for args in ((5, 8, [bytes(31)]), (5, 8, [bytes(33)]), (5, 8, "ab" * 16), (5, 8, bytes(32)), (-1, 8, []), (5, -8, [])):
        with pytest.raises(cipherchart.InvalidArgument):
            InclusionProof(*args)
    rebuilt = InclusionProof(real.index, real.size, [bytearray(x) for x in real.path])
    assert rebuilt == real and w.opener.open_included(w.records[5], rebuilt) == payload(5)


def test_sb8_proofs_and_lists_after_the_fact() -> None:
    # SB-8. Attack: make the proofs, then mutate the list they came from (swap, drop, replace
    # with a foreign record) and the path list a proof returned; reuse the proofs. Safe: a proof
    # is a value (its path is a fresh list each time; mutating it changes nothing); the proofs
    # still fit only the records as they were, in order.
    w = World()
    _, _, others = w.another(b"bed-4/mon", 6)
    records = list(w.records)
    proofs = prove_session_records(records)
    records.reverse()
    records[0] = others[0]
    p = proofs[2]
    p.path.append(bytes(32))
    p.path[0] = bytes(32)
    assert len(p.path) == len(prove_session_record(w.records, 2).path) and p == prove_session_record(w.records, 2)
    with pytest.raises(AttributeError):
        p.index = 3  # type: ignore[misc]
    for i, proof in enumerate(proofs):
        assert records[i] is not w.records[i]
        with pytest.raises(cipherchart.DecryptionFailed):
            w.opener.open_included(records[i], proof)
        assert w.opener.open_included(w.records[i], proof) == payload(i)


def test_sb9_the_prefix_trailer_vouches_for_the_prefix_only() -> None:
    # SB-9. Attack (SCA-29 through the binding): the sealer's trailer taken after 3 records (as a
    # careless sealer might log it), sealing goes on to 6; the authority re-wraps with the prefix
    # trailer. Then: open the later records with every proof (of the 6, of the 4..6 prefixes),
    # open_all all 6, reencrypt with the 6 and either trailer, rewrap the re-wrapped header with
    # the full trailer (to extend what it vouches for), session_trailer over the 6. Safe: only
    # the 3 prefix records open; every other attempt DecryptionFailed or InvalidArgument.
    a = Authority.setup()
    service = NoticeService(a)
    n0 = service.current()
    header, sealer = start_session_with_notice(a.public_key, n0, Policy(POLICY), b"p", b"")
    records = [sealer.seal(b"hr", payload(i)) for i in range(3)]
    prefix = sealer.trailer()
    records += [sealer.seal(b"hr", payload(i)) for i in range(3, 6)]
    full = sealer.close()
    n1 = service.bump("dept:icu")
    rewrapped = a.rewrap_session(header, prefix, n1)
    assert rewrapped.trailer == prefix
    opener = a.issue_key_under(n1, ATTRS).open_session(a.public_key, rewrapped)
    assert [opener.open_included(r, p) for r, p in zip(records, prove_session_records(records[:3]))] == [
        payload(i) for i in range(3)
    ]
    for i in range(6):
        for k in range(max(i + 1, 4), 7):
            with pytest.raises(cipherchart.DecryptionFailed):
                opener.open_included(records[i], prove_session_record(records[:k], i))
    with pytest.raises(cipherchart.DecryptionFailed):
        opener.open_all(records)
    with pytest.raises(cipherchart.DecryptionFailed):
        session_trailer(rewrapped, records)
    n2 = service.bump("role:nurse")
    for t in (full, prefix):
        with pytest.raises((cipherchart.InvalidArgument, cipherchart.DecryptionFailed)):
            a.reencrypt_session(rewrapped, records, t, n2)
    with pytest.raises(cipherchart.InvalidArgument):
        a.rewrap_session(rewrapped, full, n2)
    again = a.rewrap_session(rewrapped, prefix, n2)
    assert again.trailer == prefix
    with pytest.raises(cipherchart.InvalidArgument):
        Entry.for_session_catch_up(rewrapped, a.rewrap_session(header, full, n2), T0)


def test_sb10_records_forged_with_the_kept_session_key() -> None:
    # SB-10. Attack: a holder of the sealer seals more records after the trailer was taken (before
    # close) and after a re-encryption; offers them to the re-wrapped opener (plain open, with
    # every genuine proof, in open_all), and to the re-encrypted session's opener. Safe: refused
    # (InvalidArgument for open on a re-wrapped session, DecryptionFailed otherwise).
    a = Authority.setup()
    service = NoticeService(a)
    n0 = service.current()
    header, sealer = start_session_with_notice(a.public_key, n0, Policy(POLICY), b"k", b"")
    records = [sealer.seal(b"hr", payload(i)) for i in range(4)]
    trailer = sealer.trailer()
    forged = sealer.seal(b"hr", b"forged")
    n1 = service.bump("role:nurse")
    key = a.issue_key_under(n1, ATTRS)
    opener = key.open_session(a.public_key, a.rewrap_session(header, trailer, n1))
    with pytest.raises(cipherchart.InvalidArgument):
        opener.open(forged)
    for p in prove_session_records(records) + prove_session_records(records + [forged]):
        with pytest.raises(cipherchart.DecryptionFailed):
            opener.open_included(forged, p)
    for rs in (records + [forged], records[:3] + [forged], [forged, *records[1:]]):
        with pytest.raises(cipherchart.DecryptionFailed):
            opener.open_all(rs)
    new_header, new_records, new_trailer = a.reencrypt_session(header, records, trailer, n1)
    re_opener = key.open_session(a.public_key, new_header)
    assert [re_opener.open(r) for r in new_records] == [payload(i) for i in range(4)]
    for r in (forged, *records):
        with pytest.raises(cipherchart.DecryptionFailed):
            re_opener.open(r)
    with pytest.raises(cipherchart.DecryptionFailed):
        re_opener.open_all(new_records + [forged])
    # Re-wrapping the re-encrypted session at once with its trailer pins its records too.
    n2 = service.bump("dept:icu")
    pinned = a.issue_key_under(n2, ATTRS).open_session(a.public_key, a.rewrap_session(new_header, new_trailer, n2))
    assert pinned.open_all(new_records) == [payload(i) for i in range(4)]
    with pytest.raises(cipherchart.InvalidArgument):
        pinned.open(new_records[0])


def test_sb11_wrong_objects_in_every_argument() -> None:
    # SB-11. Attack: each argument of rewrap_session, reencrypt_session, open_included,
    # needs_catch_up and the entries given another library object, its bytes, None, a
    # duck-typed look-alike (same attributes, __bytes__); a stream trailer where a session
    # trailer is wanted. Safe: InvalidArgument (a typed CipherchartError), never an
    # AttributeError or a crash; the binding works afterwards.
    w = World()
    proof = prove_session_record(w.records, 0)
    stream_like = Trailer.from_bytes(bytes(w.trailer)[:4] + b"\x02" + bytes(w.trailer)[5:])
    assert stream_like.kind == "stream"

    class Duck:
        def __init__(self, real: object) -> None:
            self.real = real
            for name in dir(real):
                if not name.startswith("_"):
                    try:
                        setattr(self, name, getattr(real, name))
                    except Exception:  # noqa: BLE001
                        pass

        def __bytes__(self) -> bytes:
            return bytes(self.real)  # type: ignore[call-overload, no-any-return]

    wrong: list[object] = [None, 0, b"", w.n1.notice, w.authority.public_key]
    arguments: dict[str, tuple[object, Callable[[Any], object]]] = {
        "rewrap.header": (w.header, lambda x: w.authority.rewrap_session(x, w.trailer, w.n1)),
        "rewrap.trailer": (w.trailer, lambda x: w.authority.rewrap_session(w.header, x, w.n1)),
        "rewrap.notice": (w.n1, lambda x: w.authority.rewrap_session(w.header, w.trailer, x)),
        "reencrypt.header": (w.header, lambda x: w.authority.reencrypt_session(x, w.records, w.trailer, w.n1)),
        "reencrypt.trailer": (w.trailer, lambda x: w.authority.reencrypt_session(w.header, w.records, x, w.n1)),
        "reencrypt.notice": (w.n1, lambda x: w.authority.reencrypt_session(w.header, w.records, w.trailer, x)),
        "open_included.record": (w.records[0], lambda x: w.opener.open_included(x, proof)),
        "open_included.proof": (proof, lambda x: w.opener.open_included(w.records[0], x)),
        "needs_catch_up": (w.n1, w.header.needs_catch_up),
        "for_session_close": (w.trailer, lambda x: Entry.for_session_close(x, T0)),
        "catch_up.old": (w.header, lambda x: Entry.for_session_catch_up(x, w.rewrapped, T0)),
        "catch_up.new": (w.rewrapped, lambda x: Entry.for_session_catch_up(w.header, x, T0)),
    }
    for name, (real, call) in arguments.items():
        extra: list[object] = [bytes(real)] if isinstance(real, (SessionHeader, SessionRecord, Trailer)) else []
        for bad in [*wrong, Duck(real), *extra]:
            if name == "reencrypt.trailer" and bad is None:
                continue  # None is the v2 case: InvalidArgument for a v3 session, below
            with pytest.raises(cipherchart.InvalidArgument):
                call(bad)
    with pytest.raises(cipherchart.InvalidArgument):
        w.authority.reencrypt_session(w.header, w.records, None, w.n1)
    for call2 in (
        lambda: w.authority.rewrap_session(w.header, stream_like, w.n1),
        lambda: w.authority.reencrypt_session(w.header, w.records, stream_like, w.n1),
        lambda: Entry.for_session_close(stream_like, T0),
        lambda: Entry.for_stream_close(w.trailer, T0),
    ):
        with pytest.raises(cipherchart.InvalidArgument):
            call2()
    for cls in (SessionSealer, SessionOpener, SessionHeader, SessionRecord):
        with pytest.raises(TypeError):
            cls()
        with pytest.raises(TypeError):
            type("Sub", (cls,), {})
    w.healthy()


def test_sb12_sessions_of_another_kind_or_authority() -> None:
    # SB-12. Attack: open_included on a session as started (no trailer) and on a re-encrypted one;
    # rewrap_session of a v2 session and of a re-encrypted session with the old trailer;
    # needs_catch_up and the catch-ups with another authority's verified notice; the re-wrapped
    # header opened by the revoked key. Safe: InvalidArgument / WrongAuthority /
    # PolicyNotSatisfied; needs_catch_up False for another authority.
    w = World()
    plain = w.old_key.open_session(w.authority.public_key, w.header)
    with pytest.raises(cipherchart.InvalidArgument):
        plain.open_included(w.records[0], prove_session_record(w.records, 0))
    new_header, new_records, _ = w.authority.reencrypt_session(w.header, w.records, w.trailer, w.n1)
    re_opener = w.new_key.open_session(w.authority.public_key, new_header)
    with pytest.raises(cipherchart.InvalidArgument):
        re_opener.open_included(new_records[0], prove_session_record(new_records, 0))
    n2 = w.service.bump("dept:icu")
    with pytest.raises(cipherchart.InvalidArgument):
        w.authority.rewrap_session(new_header, w.trailer, n2)
    v2, v2_sealer = start_session(w.authority.public_key, Policy(POLICY), b"v2", b"")
    v2_records = [v2_sealer.seal(b"", payload(i)) for i in range(2)]
    with pytest.raises(cipherchart.InvalidArgument):
        w.authority.rewrap_session(v2, w.trailer, n2)
    with pytest.raises(cipherchart.InvalidArgument):
        session_trailer(v2, v2_records)
    theirs: VerifiedNotice = NoticeService(Authority.setup()).bump("role:nurse")
    assert not w.header.needs_catch_up(theirs) and w.header.needs_catch_up(w.n1)
    with pytest.raises(cipherchart.WrongAuthority):
        w.authority.rewrap_session(w.header, w.trailer, theirs)
    with pytest.raises(cipherchart.WrongAuthority):
        w.authority.reencrypt_session(w.header, w.records, w.trailer, theirs)
    with pytest.raises(cipherchart.PolicyNotSatisfied):
        w.old_key.open_session(w.authority.public_key, w.rewrapped)
    with pytest.raises(cipherchart.InvalidArgument):
        w.opener.open(w.records[0])


def test_sb13_errors_and_reprs_name_no_secret() -> None:
    # SB-13. Attack: provoke each refusal of the session catch-up and look for secrets in the
    # exceptions and the reprs of the sealer, opener, header, trailer, records and proofs.
    # Safe: CipherchartError subclasses; no byte of the master key, of a user key, of a payload
    # (raw or hex) anywhere.
    w = World()
    secrets = [w.authority.to_secret_bytes(), bytes(w.old_key), bytes(w.new_key), payload(3), payload(1)]
    _, _, others = w.another(b"bed-4/mon", 6)
    proof = prove_session_record(w.records, 3)
    calls: list[Callable[[], object]] = [
        lambda: w.opener.open_included(others[3], proof),
        lambda: w.opener.open_included(w.records[3], prove_session_record(w.records, 2)),
        lambda: w.opener.open_all(others),
        lambda: w.opener.open(w.records[3]),
        lambda: w.authority.rewrap_session(w.header, w.another(b"bed-4/mon", 6)[1].close(), w.n1),
        lambda: w.authority.reencrypt_session(w.header, others, w.trailer, w.n1),
        lambda: w.old_key.open_session(w.authority.public_key, w.rewrapped),
        lambda: w.sealer.seal(b"hr", payload(3)),
        lambda: prove_session_record(w.records, 99),
        lambda: w.authority.reencrypt_session(w.header, w.records, None, w.n1),
    ]
    for call in calls:
        with pytest.raises(cipherchart.CipherchartError) as raised:
            call()
        text = (str(raised.value) + repr(raised.value.args) + repr(vars(raised.value))).encode()
        for s in secrets:
            assert s.hex().encode() not in text and s[:16] not in text, text
    reprs = "".join(repr(o) for o in (w.sealer, w.opener, w.header, w.rewrapped, w.trailer, w.records[3], proof)).encode()
    for s in secrets:
        assert s.hex().encode() not in reprs and s[:16] not in reprs


def test_sb14_the_carried_trailer_is_a_value() -> None:
    # SB-14. Attack: read SessionHeader.trailer of a re-wrapped header, try to change it and the
    # header's attributes, re-read; pickle the header with a carried trailer relabelled (count
    # + 1, in the bytes of the pickle). Safe: each read equal and unchangeable; the relabelled
    # header decodes but opens for nobody (DecryptionFailed), or does not decode.
    w = World()
    t = w.rewrapped.trailer
    assert t is not None and t == w.trailer and w.header.trailer is None
    with pytest.raises(AttributeError):
        t.count = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        w.rewrapped.trailer = None  # type: ignore[misc]
    assert w.rewrapped.trailer == w.trailer
    data = pickle.dumps(w.rewrapped)
    raw = bytes(w.trailer)
    count_at = raw.index(w.trailer.count.to_bytes(8, "big"), 4 + 1 + 4 + len(w.trailer.id) + 64)
    bumped = raw[:count_at] + (w.trailer.count + 1).to_bytes(8, "big") + raw[count_at + 8 :]
    assert data.count(raw) == 1
    try:
        relabelled = pickle.loads(data.replace(raw, bumped))
    except cipherchart.CipherchartError:
        return
    assert isinstance(relabelled, SessionHeader) and relabelled.trailer is not None
    assert relabelled.trailer.count == w.trailer.count + 1
    with pytest.raises(cipherchart.DecryptionFailed):
        w.new_key.open_session(w.authority.public_key, relabelled)


def test_sb15_threads_open_and_prove_on_shared_objects() -> None:
    # SB-15. Attack: eight threads share one opener, the records list and proofs, opening with
    # open_included / open_all and proving, while another re-wraps the same header again and
    # again. Safe: every result right, no error, no deadlock.
    w = World(n=16)
    proofs = prove_session_records(w.records)
    errors: list[BaseException] = []
    expected = [payload(i) for i in range(16)]

    def work(k: int) -> None:
        try:
            for _ in range(10):
                if k % 3 == 0:
                    assert w.opener.open_all(w.records) == expected
                elif k % 3 == 1:
                    assert [w.opener.open_included(r, p) for r, p in zip(w.records, proofs)] == expected
                else:
                    assert prove_session_records(w.records) == proofs
                    assert w.authority.rewrap_session(w.header, w.trailer, w.n1).trailer == w.trailer
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
