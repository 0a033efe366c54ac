"""Argument handling shared by every binding (issue 23): bytes-like input everywhere, every
argument error an ``InvalidArgument`` (a ``CipherchartError``) naming the argument, times as
ints, floats or timezone-aware datetimes."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import pytest

import cipherchart

BYTES_LIKE: "list[Callable[[bytes], Any]]" = [bytes, bytearray, memoryview]


def invalid(fn: Callable[[], object], argument: str) -> cipherchart.InvalidArgument:
    """``fn`` must raise InvalidArgument; on Python 3.11+ a note names ``argument``."""
    with pytest.raises(cipherchart.InvalidArgument) as info:
        fn()
    e = info.value
    assert isinstance(e, cipherchart.CipherchartError)
    assert e.code == "invalid_argument"
    if sys.version_info >= (3, 11):
        notes = getattr(e, "__notes__", [])
        assert any(f"'{argument}'" in n for n in notes), (notes, argument)
    return e


@pytest.mark.parametrize("wrap", BYTES_LIKE)
def test_bytes_like_everywhere(
    wrap: Callable[[bytes], Any],
    authority: cipherchart.Authority,
    pk: cipherchart.PublicKey,
    policy: cipherchart.Policy,
    doctor: cipherchart.UserKey,
) -> None:
    record = cipherchart.seal(pk, policy, wrap(b"rec-1"), wrap(b"meta"), wrap(b"payload"))
    assert record.record_id == b"rec-1" and record.metadata == b"meta"
    assert doctor.open(pk, record) == b"payload"
    assert cipherchart.SealedRecord.from_bytes(wrap(bytes(record))) == record
    assert cipherchart.PublicKey.from_bytes(wrap(bytes(pk))) == pk
    assert cipherchart.Policy.from_bytes(wrap(bytes(policy))) == policy
    key = cipherchart.UserKey.from_bytes(wrap(bytes(doctor)))
    assert bytes(key) == bytes(doctor)
    sk = cipherchart.BlsSigningKey.from_ikm(wrap(bytes(32)), wrap(b"info"))
    sig = sk.sign(wrap(b"message"))
    sk.public_key.verify(wrap(b"message"), sig)
    assert cipherchart.BlsSignature.from_bytes(wrap(bytes(sig))) == sig
    cipherchart.fast_aggregate_verify([sk.public_key], wrap(b"message"), sig)
    cipherchart.aggregate_verify([(sk.public_key, wrap(b"message"))], sig)
    cipherchart.batch_verify([(sk.public_key, wrap(b"message"), sig)])
    leaf = cipherchart.leaf_hash(wrap(b"x"))
    assert cipherchart.node_hash(wrap(leaf), wrap(leaf)) == cipherchart.node_hash(leaf, leaf)
    draft = cipherchart.EntryDraft(1, "create", wrap(b"subject"), wrap(bytes(32)))
    assert draft.subject == b"subject"
    draft = draft.with_metadata(wrap(b"m"))
    assert draft.metadata == b"m"
    chain = cipherchart.Chain()
    chain.sign_and_append(draft, sk)
    again = cipherchart.Chain.from_records([wrap(bytes(chain[0]))])
    assert again.root == chain.root
    revoked = cipherchart.RevocationSet()
    assert revoked.insert(wrap(bytes(32)))
    assert wrap(bytes(32)) in revoked


def test_memoryview_slice(pk: cipherchart.PublicKey, policy: cipherchart.Policy) -> None:
    data = memoryview(b"xxrec-2yy")[2:7]
    record = cipherchart.seal(pk, policy, data, b"", b"p")
    assert record.record_id == b"rec-2"


@pytest.mark.parametrize("bad", ["text", 3, [1, 2], None])
def test_not_bytes_is_invalid_argument(bad: Any) -> None:
    e = invalid(lambda: cipherchart.PublicKey.from_bytes(bad), "data")
    assert "bytes, bytearray or memoryview" in str(e)


def test_wrong_digest_length_is_invalid_argument() -> None:
    e = invalid(lambda: cipherchart.EntryDraft(1, "create", b"s", bytes(31)), "digest")
    assert "expected 32 bytes, got 31" in str(e)
    invalid(lambda: cipherchart.node_hash(bytes(32), bytes(33)), "right")
    invalid(lambda: cipherchart.verify_inclusion(bytes(32), 0, 1, [], bytes(5)), "root")


def test_negative_ints_are_invalid_argument() -> None:
    invalid(lambda: cipherchart.EntryDraft(-1, "create", b"s", bytes(32)), "time")
    invalid(lambda: cipherchart.Window(-5, 10), "not_before")
    invalid(lambda: cipherchart.Chain().root_at(-1), "size")
    invalid(lambda: cipherchart.verify_inclusion(bytes(32), -1, 1, [], bytes(32)), "index")
    invalid(lambda: cipherchart.Chain().root_at(2**64), "size")
    invalid(lambda: cipherchart.Chain().root_at("3"), "size")  # type: ignore[arg-type]


def test_str_for_attributes_is_invalid_argument(
    authority: cipherchart.Authority, policy: cipherchart.Policy
) -> None:
    # A str is a sequence of characters: refused, not split.
    invalid(lambda: authority.issue_key("role:physician"), "attributes")
    invalid(lambda: policy.is_satisfied_by("patient:42"), "attributes")
    invalid(lambda: authority.issue_key([b"role:physician"]), "attributes")  # type: ignore[list-item]
    invalid(lambda: authority.issue_key(3), "attributes")  # type: ignore[arg-type]
    invalid(lambda: cipherchart.Narrowing(purposes="research"), "purposes")
    assert policy.is_satisfied_by(("patient:42",))  # any sequence of str


def test_purposes_none() -> None:
    # Narrowing: None leaves the purposes as they were.
    assert cipherchart.Narrowing(purposes=None) == cipherchart.Narrowing()
    # Grant: a token lists 1 to 256 purposes, so ``purposes`` is a required keyword (the
    # stub says so); None, a str or an empty list is refused when the grant is made/issued.
    sk = cipherchart.BlsSigningKey.generate()
    with pytest.raises(TypeError):
        cipherchart.Grant("patient-1", sk.public_key, (0, 10))  # type: ignore[call-arg]
    invalid(
        lambda: cipherchart.Grant("patient-1", sk.public_key, (0, 10), purposes=None),  # type: ignore[arg-type]
        "purposes",
    )
    invalid(lambda: cipherchart.Grant("p", sk.public_key, (0, 10), purposes="research"), "purposes")
    grant = cipherchart.Grant("patient-1", sk.public_key, (0, 10), purposes=[])
    with pytest.raises(cipherchart.InvalidArgument):
        cipherchart.ConsentToken.issue(sk, grant)
    grant = cipherchart.Grant("patient-1", sk.public_key, (0, 10), purposes=["care"])
    assert cipherchart.ConsentToken.issue(sk, grant).verify(sk.public_key, 5).purposes == ["care"]


def test_datetime_times() -> None:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    posix = int(start.timestamp())
    w = cipherchart.Window(start, start + timedelta(hours=1))
    assert w == (posix, posix + 3600)
    assert w.contains(start + timedelta(minutes=5, microseconds=7))
    sk = cipherchart.BlsSigningKey.generate()
    grant = cipherchart.Grant(
        "patient-1", sk.public_key, (start, start + timedelta(days=1)), purposes=["care"]
    )
    t = cipherchart.ConsentToken.issue(sk, grant)
    consent = t.verify(sk.public_key, start + timedelta(seconds=90.9))
    assert consent.verified_at == posix + 90  # rounded down to the second
    other_zone = timezone(timedelta(hours=2))
    assert cipherchart.EntryDraft(start.astimezone(other_zone), "create", b"s", bytes(32)).time == posix


def test_naive_datetime_and_bad_floats_are_refused() -> None:
    e = invalid(lambda: cipherchart.Window(datetime(2026, 1, 1), datetime(2026, 1, 2)), "not_before")
    assert "timezone-aware" in str(e)
    # Floats (time.time()) are taken, rounded down (test_edges.py); NaN and negatives are not.
    e = invalid(lambda: cipherchart.Window(float("nan"), 2), "not_before")
    assert "non-negative seconds" in str(e)
    invalid(lambda: cipherchart.Window(-0.5, 2), "not_before")
    before_epoch = datetime(1969, 12, 31, tzinfo=timezone.utc)
    invalid(lambda: cipherchart.EntryDraft(before_epoch, "create", b"s", bytes(32)), "time")


def test_datetime_window_message() -> None:
    sk = cipherchart.BlsSigningKey.generate()
    start = datetime(2026, 1, 1)
    e = invalid(
        lambda: cipherchart.Grant(
            "patient-1", sk.public_key, (start, start + timedelta(days=1)), purposes=["care"]
        ),
        "window",
    )
    assert "timezone-aware" in str(e)
    e = invalid(
        lambda: cipherchart.Grant("p", sk.public_key, [0, 10], purposes=["care"]),  # type: ignore[arg-type]
        "window",
    )
    assert "(not_before, expiry)" in str(e)


def test_action_and_scope_arguments() -> None:
    assert cipherchart.EntryDraft(1, 0x0100, b"s", bytes(32)).action_code == 0x0100
    e = invalid(lambda: cipherchart.EntryDraft(1, 70000, b"s", bytes(32)), "action")
    assert "0 to 65535" in str(e)
    invalid(lambda: cipherchart.EntryDraft(1, -1, b"s", bytes(32)), "action")
    invalid(lambda: cipherchart.EntryDraft(1, 2.5, b"s", bytes(32)), "action")  # type: ignore[arg-type]
    assert cipherchart.Scope(records=("ecg-1",)).records == cipherchart.Selection.only(["ecg-1"])
    invalid(lambda: cipherchart.Scope(records="ecg-1"), "records")
    invalid(lambda: cipherchart.Selection.only("ecg-1"), "values")


def test_numpy_style_index_ints() -> None:
    class Index:
        """An int-like object (``__index__``), as numpy integers are."""

        def __index__(self) -> int:
            return 0

    chain = cipherchart.Chain()
    assert chain.root_at(Index()) == cipherchart.EMPTY_ROOT  # type: ignore[arg-type]


def test_stream_chunk_size(pk: cipherchart.PublicKey, policy: cipherchart.Policy) -> None:
    import io

    invalid(
        lambda: cipherchart.seal_stream(
            pk, policy, b"s", b"", io.BytesIO(b"x"), io.BytesIO(), chunk_size=-1
        ),
        "chunk_size",
    )
    with pytest.raises(cipherchart.InvalidArgument, match="chunk_size"):
        cipherchart.seal_stream(
            pk, policy, b"s", b"", io.BytesIO(b"x"), io.BytesIO(), chunk_size=2**32
        )


def test_sequences(
    authority: cipherchart.Authority, pk: cipherchart.PublicKey, policy: cipherchart.Policy
) -> None:
    sk = cipherchart.BlsSigningKey.generate()
    sig = sk.sign(b"m")
    # Any iterable but a str or bytes; every item checked.
    cipherchart.fast_aggregate_verify((sk.public_key,), b"m", sig)
    invalid(lambda: cipherchart.fast_aggregate_verify(sk.public_key, b"m", sig), "public_keys")  # type: ignore[arg-type]
    e = invalid(lambda: cipherchart.BlsPublicKey.aggregate([sk.public_key, "x"]), "keys")  # type: ignore[list-item]
    assert "item 1" in str(e)
    invalid(lambda: cipherchart.verify_inclusion(bytes(32), 0, 1, b"ab", bytes(32)), "path")  # type: ignore[arg-type]
    e = invalid(lambda: cipherchart.verify_inclusion(bytes(32), 0, 1, [bytes(3)], bytes(32)), "path")
    assert "expected 32 bytes, got 3" in str(e)
    invalid(lambda: cipherchart.Chain.from_records("abc"), "records")  # type: ignore[arg-type]
    invalid(lambda: cipherchart.batch_verify([(sk.public_key, b"m")]), "items")  # type: ignore[list-item]


def test_unvalidated_bls_arguments() -> None:
    sk = cipherchart.BlsSigningKey.generate()
    sig = sk.sign(b"m")
    U, V = cipherchart.UnvalidatedPublicKey, cipherchart.UnvalidatedSignature
    for wrap in BYTES_LIKE:
        assert U.from_bytes(wrap(bytes(sk.public_key))).validate() == sk.public_key
        assert V.from_bytes(wrap(bytes(sig))).validate() == sig
    bad: Any
    for bad in ["text", 3, None]:
        invalid(lambda: U.from_bytes(bad), "data")
        invalid(lambda: V.from_bytes(bad), "data")
    e = invalid(lambda: U.from_public_key(sig), "key")  # type: ignore[arg-type]
    assert "expected a BlsPublicKey, got BlsSignature" in str(e)
    invalid(lambda: U.from_public_key(bytes(sk.public_key)), "key")  # type: ignore[arg-type]
    e = invalid(lambda: V.from_signature(sk.public_key), "signature")  # type: ignore[arg-type]
    assert "expected a BlsSignature, got BlsPublicKey" in str(e)
    # A sequence of UnvalidatedSignature: not a strict BlsSignature, not bytes, not a lone item.
    e = invalid(lambda: V.aggregate([V.from_signature(sig), sig]), "signatures")  # type: ignore[list-item]
    assert "item 1" in str(e)
    invalid(lambda: V.aggregate([bytes(sig)]), "signatures")  # type: ignore[list-item]
    invalid(lambda: V.aggregate(V.from_signature(sig)), "signatures")  # type: ignore[arg-type]
    invalid(lambda: V.aggregate(bytes(sig)), "signatures")  # type: ignore[arg-type]
