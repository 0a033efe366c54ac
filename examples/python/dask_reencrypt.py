# mypy: disable-error-code="no-untyped-call"
# (dask.distributed's Client and LocalCluster are not annotated.)
"""Re-encrypt a batch of sealed records on a dask.distributed cluster.

One machine re-encrypts a few hundred records a second per core (``ReKey.reencrypt_batch``
releases the GIL). Past that, spread the batch over a cluster: every cipherchart object
pickles by its canonical bytes, so records and the re-key travel to the workers like any
other Python value, and each worker runs ``reencrypt_batch`` on its chunk.

This example starts a ``LocalCluster`` of two worker processes (so every object really goes
through pickle), re-encrypts the records there and checks the result against the local
``reencrypt_batch``: re-encryption is deterministic, so the records must be equal byte for
byte. On a real cluster, replace ``LocalCluster(...)`` by the scheduler's address,
``Client("tcp://scheduler:8786")``, with cipherchart installed on every worker
(``pip install cipherchart[dask]``).

The re-key is a secret: whoever holds it can re-encrypt what its grant covers (not read
it). Send it only to workers you would trust as the proxy.

Run: ``python examples/python/dask_reencrypt.py [--records N] [--workers W] [--threads]``.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, List, Sequence, Tuple, Union

import cipherchart
from cipherchart import CipherchartError, Policy, ReKey, SealedRecord

if TYPE_CHECKING:
    from dask.distributed import Client


def reencrypt_chunk(
    rekey: ReKey, chunk: Sequence[SealedRecord]
) -> List[Union[SealedRecord, CipherchartError]]:
    """The task each worker runs: one call into the Rust core, without the GIL."""
    return rekey.reencrypt_batch(chunk)


def chunked(items: Sequence[SealedRecord], size: int) -> List[List[SealedRecord]]:
    """Splits ``items`` into lists of at most ``size``, in order."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def reencrypt_on_cluster(
    client: Client,
    rekey: ReKey,
    records: Sequence[SealedRecord],
    chunk_size: int = 16,
) -> List[Union[SealedRecord, CipherchartError]]:
    """Re-encrypts ``records`` on the cluster behind ``client``, results in input order.

    The re-key is scattered once to every worker rather than shipped with each task.
    """
    [rekey_future] = client.scatter([rekey], broadcast=True)
    futures = [
        client.submit(reencrypt_chunk, rekey_future, chunk, pure=False)
        for chunk in chunked(records, chunk_size)
    ]
    out: List[Union[SealedRecord, CipherchartError]] = []
    for part in client.gather(futures):
        out.extend(part)
    return out


def make_cohort(n: int) -> Tuple[cipherchart.Authority, ReKey, List[SealedRecord]]:
    """A hospital, ``n`` records sealed for the patients' consortium, and a re-key to a
    research team."""
    hospital = cipherchart.Authority.setup()
    pk = hospital.public_key
    policy = Policy("consortium:c1 or (role:physician and dept:cardiology)")
    records = [
        cipherchart.seal(pk, policy, f"rec-{i}".encode(), b"category=cardiology",
                         f"patient {i}: hr={60 + i % 40}".encode())
        for i in range(n)
    ]
    # The consortium's steward asks for a delegation key for this one grant.
    steward_consent = cipherchart.BlsSigningKey.generate()
    delegation = hospital.issue_delegation_key(["consortium:c1"], steward_consent.public_key)
    rekey = delegation.rekey(pk, Policy("team:research-7"))
    return hospital, rekey, records


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=48)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads", action="store_true",
        help="workers as threads of this process (no pickling) instead of processes",
    )
    args = parser.parse_args(argv)

    from dask.distributed import Client, LocalCluster

    hospital, rekey, records = make_cohort(args.records)
    local = rekey.reencrypt_batch(records)

    with LocalCluster(
        n_workers=args.workers,
        threads_per_worker=1,
        processes=not args.threads,
        dashboard_address=None,
    ) as cluster, Client(cluster) as client:
        remote = reencrypt_on_cluster(client, rekey, records)

    assert len(remote) == len(local) == len(records)
    for a, b in zip(remote, local):
        assert isinstance(a, SealedRecord) and isinstance(b, SealedRecord), (a, b)
        assert a == b and bytes(a) == bytes(b)
        assert a.hop_count == 1 and a.current_policy == Policy("team:research-7")

    # The research team opens what the cluster produced.
    researcher = hospital.issue_key(["team:research-7"])
    pk = hospital.public_key
    opened = [researcher.open(pk, r) for r in remote if isinstance(r, SealedRecord)]
    assert opened[0] == b"patient 0: hr=60"
    print(f"re-encrypted {len(remote)} records on {args.workers} dask workers; "
          "identical to the local reencrypt_batch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
