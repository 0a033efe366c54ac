"""Threads: pairing-heavy calls release the GIL and give the same results in parallel."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import cipherchart
from cipherchart import Policy, PublicKey, UserKey


def test_parallel_open_and_verify(pk: PublicKey, policy: Policy, doctor: UserKey) -> None:
    payloads = [b"record %d" % i for i in range(12)]
    records = [cipherchart.seal(pk, policy, b"r%d" % i, b"", p) for i, p in enumerate(payloads)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        opened = list(pool.map(lambda r: doctor.open(pk, r), records))
        sealed = list(pool.map(lambda p: cipherchart.seal(pk, policy, b"t", b"", p), payloads))
        reopened = list(pool.map(lambda r: doctor.open(pk, r), sealed))
    assert opened == payloads and reopened == payloads
    key = cipherchart.BlsSigningKey.from_ikm(b"k" * 32)
    sigs = [key.sign(p) for p in payloads]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(key.sign, payloads))
        list(pool.map(lambda ps: key.public_key.verify(*ps), zip(payloads, sigs)))
    assert parallel == sigs


def test_parallel_streams(pk: PublicKey, policy: Policy, doctor: UserKey) -> None:
    def round_trip(i: int) -> bytes:
        sealed = io.BytesIO()
        payload = bytes([i]) * 50_000
        cipherchart.seal_stream(
            pk, policy, b"s", b"", io.BytesIO(payload), sealed, chunk_size=1000
        )
        out = io.BytesIO()
        doctor.open_stream(pk, io.BytesIO(sealed.getvalue()), out)
        return out.getvalue()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(round_trip, range(8)))
    assert results == [bytes([i]) * 50_000 for i in range(8)]


def test_gil_is_released_during_heavy_calls() -> None:
    """A pure-Python thread keeps counting while one long native call runs."""
    import threading

    key = cipherchart.BlsSigningKey.from_ikm(b"g" * 32)
    items = [(key.public_key, b"m%d" % i, key.sign(b"m%d" % i)) for i in range(150)]
    counter = [0]
    stop = threading.Event()

    def count() -> None:
        while not stop.is_set():
            counter[0] += 1

    thread = threading.Thread(target=count)
    thread.start()
    try:
        best = 0
        for _ in range(3):
            before = counter[0]
            cipherchart.batch_find_invalid(items)  # no bad items: one long batch check
            best = max(best, counter[0] - before)
    finally:
        stop.set()
        thread.join()
    # With the GIL held, the counter could advance by at most a handful of steps.
    assert best > 1000
