"""Issue 23: no silent data loss when a chain file or an object is shared.

One writer per chain file (a second ``Chain.open_file`` used to append at the same index and
overwrite an acknowledged entry), and every object usable from several threads at once (a
``Chain`` shared by threads used to fail with pyo3's ``RuntimeError: Already borrowed``).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, List, Optional, Tuple, TypeVar

import pytest

import cipherchart
from cipherchart import (
    Chain,
    EntryDraft,
    MerkleTree,
    Policy,
    PublicKey,
    RevocationSet,
    BlsSigningKey,
    UserKey,
)

T = TypeVar("T")

ACTOR = BlsSigningKey.from_ikm(b"a" * 32)

SECOND_WRITER = """
import sys
import cipherchart
actor = cipherchart.BlsSigningKey.from_ikm(b"b" * 32)
try:
    chain = cipherchart.Chain.open_file(sys.argv[1])
    draft = cipherchart.EntryDraft.for_payload(1_700_000_100, "read", b"other", b"x")
    print("appended", chain.sign_and_append(draft, actor))
except cipherchart.ChainError as e:
    print("refused", e.kind)
"""


def draft(i: int) -> EntryDraft:
    return EntryDraft.for_payload(1_700_000_000 + i, "custody", b"lot-%d" % (i % 3), b"%d" % i)


def second_writer(path: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-c", SECOND_WRITER, str(path)],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return out.stdout.strip()


def test_second_writer_in_another_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "chain.log"
    chain = Chain.open_file(path)
    assert chain.sign_and_append(draft(0), ACTOR) == 0
    assert second_writer(path) == "refused locked"
    assert chain.sign_and_append(draft(1), ACTOR) == 1
    del chain
    again = Chain.open_file(path)
    recovery = again.recovery
    assert recovery is not None and recovery.is_clean
    assert len(again) == 2
    again.verify_all()
    assert [again.entry(i).digest for i in range(2)] == [draft(i).digest for i in range(2)]
    del again
    # With no writer left, the next one opens the file.
    assert second_writer(path) == "appended 2"


def test_second_writer_in_this_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "chain.log"
    first = Chain.open_file(path)
    first.sign_and_append(draft(0), ACTOR)
    with pytest.raises(cipherchart.ChainError) as info:
        Chain.open_file(path)
    assert info.value.kind == "locked" and info.value.code == "chain_error"
    reader = Chain.open_file(path, read_only=True)
    assert len(reader) == 1
    assert first.sign_and_append(draft(1), ACTOR) == 1


def hammer(n_threads: int, per_thread: int, work: Callable[[int], T]) -> List[T]:
    barrier = threading.Barrier(n_threads)

    def run(t: int) -> List[T]:
        barrier.wait()
        return [work(t * per_thread + i) for i in range(per_thread)]

    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        results = list(pool.map(run, range(n_threads)))
    return [r for rs in results for r in rs]


@pytest.mark.parametrize("in_file", [False, True])
def test_chain_shared_between_threads(tmp_path: Path, in_file: bool) -> None:
    chain = Chain.open_file(tmp_path / "chain.log") if in_file else Chain()
    indexes = hammer(4, 50, lambda i: chain.sign_and_append(draft(i), ACTOR))
    assert sorted(indexes) == list(range(200))
    assert len(chain) == 200
    chain.verify_all()
    # Readers alongside writers: every call sees a consistent chain.
    reads: List[Tuple[int, bytes, int]] = hammer(
        4, 25, lambda i: (len(chain), chain.root, chain.entry(i).sequence)
    )
    assert [r[2] for r in reads] == list(range(100))
    # append() of entries signed elsewhere races on the position: the losers are refused
    # (InvalidArgument), never lost or duplicated.
    def append_next(i: int) -> Optional[int]:
        entry = draft(i).sign(len(chain), chain.last_hash, ACTOR)
        try:
            return chain.append(entry)
        except cipherchart.InvalidArgument:
            return None

    outcomes = hammer(4, 10, append_next)
    appended = [o for o in outcomes if o is not None]
    assert len(chain) == 200 + len(appended)
    chain.verify_all()


def test_other_mutable_objects_shared_between_threads(
    pk: PublicKey, policy: Policy, doctor: UserKey
) -> None:
    tree = MerkleTree()
    hammer(4, 50, lambda i: tree.push(cipherchart.leaf_hash(b"%d" % i)))
    assert len(tree) == 200
    revoked = RevocationSet()
    hammer(4, 50, lambda i: revoked.insert(bytes([i % 256]) * 32))
    assert len(revoked) == 200
    header, sealer = cipherchart.start_session(pk, policy, b"s", b"")
    sealed = hammer(4, 10, lambda i: sealer.seal(b"", b"%d" % i))
    assert sealer.next_sequence == 40
    opener = doctor.open_session(pk, header)
    assert sorted(r.sequence for r in sealed) == list(range(40))
    assert sorted(opener.open(r) for r in sealed) == sorted(b"%d" % i for i in range(40))


def test_chain_is_a_context_manager_iterable_and_indexable(tmp_path: Path) -> None:
    path = tmp_path / "chain.log"
    with Chain.open_file(path) as chain:
        for i in range(3):
            chain.sign_and_append(draft(i), ACTOR)
        assert [e.sequence for e in chain] == [0, 1, 2]
        assert chain[0] == chain.entry(0) and chain[-1] == chain.entry(2)
        with pytest.raises(IndexError):
            chain[3]
        with pytest.raises(IndexError):
            chain[-4]
        # Leaving the block closes the chain and releases the file, even on an exception.
    with pytest.raises(cipherchart.InvalidArgument):
        len(chain)
    assert repr(chain) == "Chain(closed)"
    with pytest.raises(KeyError):
        with Chain.open_file(path) as again:
            assert len(again) == 3
            raise KeyError("propagates")
    with Chain.open_file(path) as again:
        assert list(again) == [again.entry(i) for i in range(3)]
