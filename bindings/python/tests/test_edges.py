"""Issue 23, the Python edges: batch seal/open with progress, the parallel wheel, every
argument error a ``CipherchartError``, float and datetime times, clear messages."""

from __future__ import annotations

import math
import os
import tempfile
from datetime import datetime, timezone
from typing import Any, List, Tuple

import pytest

import cipherchart
from cipherchart import Policy, PublicKey, UserKey


def test_seal_batch_and_open_batch_report_progress(
    pk: PublicKey, policy: Policy, doctor: UserKey, nurse: UserKey
) -> None:
    items = [(b"r%d" % i, bytearray(b"m"), memoryview(b"payload %d" % i)) for i in range(5)]
    seen: List[Tuple[int, int]] = []
    records = cipherchart.seal_batch(pk, policy, items, lambda d, t: seen.append((d, t)))
    assert seen == [(i, 5) for i in range(1, 6)]
    assert [r.record_id for r in records] == [b"r%d" % i for i in range(5)]
    assert cipherchart.seal_batch(pk, policy, []) == []

    seen.clear()
    opened = doctor.open_batch(pk, records, progress=lambda d, t: seen.append((d, t)))
    assert opened == [b"payload %d" % i for i in range(5)]
    assert seen == [(i, 5) for i in range(1, 6)]
    # One entry per record: a record the key cannot open is its (unraised) exception.
    refused = nurse.open_batch(pk, records[:2])
    assert all(isinstance(e, cipherchart.PolicyNotSatisfied) for e in refused)
    assert doctor.open_batch(pk, []) == []


def test_a_progress_exception_stops_the_batch(
    pk: PublicKey, policy: Policy, doctor: UserKey
) -> None:
    class Stop(Exception):
        pass

    calls: List[int] = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if done == 2:
            raise Stop

    items = [(b"r%d" % i, b"", b"p") for i in range(5)]
    with pytest.raises(Stop):
        cipherchart.seal_batch(pk, policy, items, progress)
    assert calls == [1, 2]
    records = cipherchart.seal_batch(pk, policy, items)
    calls.clear()
    with pytest.raises(Stop):
        doctor.open_batch(pk, records, progress)
    assert calls == [1, 2]
    # A sealing error raises (the caller's bug), with the item never skipped silently.
    too_long = (b"x" * (cipherchart.MAX_RECORD_ID_LEN + 1), b"", b"p")
    with pytest.raises(cipherchart.InvalidArgument):
        cipherchart.seal_batch(pk, policy, [items[0], too_long])


def test_the_wheel_is_built_with_the_parallel_feature(
    authority: cipherchart.Authority, pk: PublicKey, policy: Policy
) -> None:
    assert cipherchart.PARALLEL is True
    sk = cipherchart.BlsSigningKey.generate()
    delegation = authority.issue_delegation_key(["role:physician", "dept:cardiology"], sk.public_key)
    target = Policy("hospital:h2 and role:physician")
    rekey = delegation.rekey(pk, target)
    records = cipherchart.seal_batch(pk, policy, [(b"r%d" % i, b"", b"p") for i in range(4)])
    out = rekey.reencrypt_batch(records)
    assert all(isinstance(r, cipherchart.SealedRecord) and r.hop_count == 1 for r in out)


WRONG_CLASS: List[Tuple[str, Any]] = [
    ("public_key", lambda pk, policy, doctor, rec: cipherchart.seal("pk", policy, b"", b"", b"")),  # type: ignore[arg-type]
    ("policy", lambda pk, policy, doctor, rec: cipherchart.seal(pk, "role:x", b"", b"", b"")),  # type: ignore[arg-type]
    ("record", lambda pk, policy, doctor, rec: doctor.open(pk, b"not a record")),
    ("public_key", lambda pk, policy, doctor, rec: doctor.open(policy, rec)),
    ("records", lambda pk, policy, doctor, rec: doctor.open_batch(pk, [rec, "x"])),
    ("issuer", lambda pk, policy, doctor, rec: cipherchart.ConsentToken.issue(pk, None)),  # type: ignore[arg-type]
]


@pytest.mark.parametrize("argument,call", WRONG_CLASS)
def test_wrong_class_is_invalid_argument(
    argument: str, call: Any, pk: PublicKey, policy: Policy, doctor: UserKey
) -> None:
    record = cipherchart.seal(pk, policy, b"r", b"", b"p")
    with pytest.raises(cipherchart.InvalidArgument) as info:
        call(pk, policy, doctor, record)
    e = info.value
    assert e.code == "invalid_argument" and "expected a" in str(e), str(e)
    # Both Python conventions still catch it.
    assert isinstance(e, TypeError) and isinstance(e, ValueError)


def test_grantee_of_the_wrong_class() -> None:
    with pytest.raises(cipherchart.InvalidArgument, match="Policy or a BlsPublicKey"):
        cipherchart.Grant("p", "role:x", (0, 10), purposes=["care"])  # type: ignore[arg-type]


def test_float_and_datetime_times() -> None:
    w = cipherchart.Window(1_700_000_000.9, 1_700_000_100)
    assert w == (1_700_000_000, 1_700_000_100)  # rounded down, like datetimes
    assert cipherchart.EntryDraft(12.5, "create", b"s", bytes(32)).time == 12
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert cipherchart.Window(start, 1_800_000_000.0).not_before == int(start.timestamp())
    for bad in (-1.0, math.nan, math.inf, -1):
        with pytest.raises(cipherchart.InvalidArgument):
            cipherchart.Window(bad, 10)


def test_every_error_is_a_cipherchart_error(pk: PublicKey, policy: Policy) -> None:
    errors: List[BaseException] = []
    calls: List[Any] = [
        lambda: cipherchart.EntryDraft(-5, "create", b"s", bytes(32)),  # negative time
        lambda: cipherchart.EntryDraft(0, "create", b"s", bytes(31)),  # digest length
        lambda: cipherchart.MerkleTree().root_at(-1),  # negative size
        lambda: cipherchart.Chain().prove_inclusion(2**70),  # out of range
        lambda: cipherchart.Chain().prove_inclusion(3),  # past the end
        lambda: cipherchart.UserKey.from_bytes(bytes(10)),
        lambda: cipherchart.Authority.setup().issue_key("role:x"),  # str, not a list
    ]
    for call in calls:
        with pytest.raises(Exception) as info:
            call()
        errors.append(info.value)
    for e in errors:
        assert isinstance(e, cipherchart.CipherchartError), repr(e)


def test_policy_position_points_at_the_character() -> None:
    # An unquoted non-ASCII attribute: the position is the offending character's byte offset
    # (not the start of the word), and the message says to quote it.
    with pytest.raises(cipherchart.PolicySyntaxError) as info:
        Policy("role:Ärzt")
    assert info.value.position == 5 and "double quotes" in str(info.value), str(info.value)
    assert Policy('"role:Ärzt"').attributes == ["role:Ärzt"]
    # Positions are byte offsets into the NFC UTF-8 text.
    with pytest.raises(cipherchart.PolicySyntaxError) as info:
        Policy('"Ärzt:1" and (')
    assert info.value.position == len('"Ärzt:1" and ('.encode())


def test_chain_open_file_on_junk_raises_a_cipherchart_error() -> None:
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "junk.chain")
        with open(path, "wb") as f:
            f.write(b"this is not a chain file at all" * 10)
        with pytest.raises(cipherchart.CipherchartError) as info:
            cipherchart.Chain.open_file(path)
        # Not a store: InvalidEncoding (as the stub says), and the file is left as it was.
        assert isinstance(info.value, cipherchart.InvalidEncoding), repr(info.value)
        assert info.value.kind == "wrong_type"
        with open(path, "rb") as f:
            assert f.read() == b"this is not a chain file at all" * 10


def test_chain_is_a_context_manager_iterable_and_indexable() -> None:
    key = cipherchart.BlsSigningKey.generate()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "c.chain")
        with cipherchart.Chain.open_file(path) as chain:
            for i in range(3):
                chain.sign_and_append(cipherchart.EntryDraft(i, "create", b"s", bytes(32)), key)
            assert [e.sequence for e in chain] == [0, 1, 2]
            assert chain[-1].sequence == 2
            with pytest.raises(IndexError):
                chain[3]
        # Closed: a second writer may open the file.
        with cipherchart.Chain.open_file(path) as again:
            assert len(again) == 3


def test_reprs_are_notebook_friendly(pk: PublicKey, policy: Policy, doctor: UserKey) -> None:
    record = cipherchart.seal(pk, policy, b"r", b"", b"p")
    for obj in (pk, policy, doctor, record, cipherchart.BlsSigningKey.generate()):
        r = repr(obj)
        assert r.startswith(type(obj).__name__ + "(") and len(r) < 200, r


def test_str_bool_and_path_arguments_are_checked() -> None:
    calls: List[Tuple[str, Any]] = [
        ("text", lambda: Policy(5)),  # type: ignore[arg-type]
        ("path", lambda: cipherchart.Chain.open_file(123)),  # type: ignore[arg-type]
        ("read_only", lambda: cipherchart.Chain.open_file("/nonexistent/x.chain", read_only="yes")),  # type: ignore[arg-type]
        ("text", lambda: cipherchart.ConsentToken.from_text(b"bytes")),  # type: ignore[arg-type]
    ]
    for argument, call in calls:
        with pytest.raises(cipherchart.InvalidArgument) as info:
            call()
        assert "expected a" in str(info.value), (argument, str(info.value))
    # A pathlib.Path is a path.
    import pathlib

    with tempfile.TemporaryDirectory() as d:
        with cipherchart.Chain.open_file(pathlib.Path(d) / "p.chain") as chain:
            assert len(chain) == 0
