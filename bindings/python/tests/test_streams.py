"""Streams over binary file objects: io.BytesIO and real files."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

import cipherchart
from cipherchart import Policy, PublicKey, UserKey

PAYLOAD = os.urandom(200_000)


def sealed_stream(pk: PublicKey, policy: Policy, payload: bytes, chunk_size: int = 4096) -> bytes:
    out = io.BytesIO()
    n = cipherchart.seal_stream(
        pk, policy, b"stream-1", b"meta", io.BytesIO(payload), out, chunk_size=chunk_size
    )
    assert n == len(payload)
    return out.getvalue()


def test_bytesio_round_trip(pk: PublicKey, policy: Policy, doctor: UserKey) -> None:
    data = sealed_stream(pk, policy, PAYLOAD)
    out = io.BytesIO()
    info = doctor.open_stream(pk, io.BytesIO(data), out)
    assert out.getvalue() == PAYLOAD
    assert info.stream_id == b"stream-1" and info.metadata == b"meta"
    assert info.policy == policy and info.chunk_size == 4096
    assert cipherchart.read_stream_info(io.BytesIO(data)) == info


def test_default_chunk_size_and_empty(pk: PublicKey, policy: Policy, doctor: UserKey) -> None:
    out = io.BytesIO()
    assert cipherchart.seal_stream(pk, policy, b"s", b"", io.BytesIO(b""), out) == 0
    plain = io.BytesIO()
    info = doctor.open_stream(pk, io.BytesIO(out.getvalue()), plain)
    assert plain.getvalue() == b"" and info.chunk_size == 64 * 1024


def test_real_files(tmp_path: Path, pk: PublicKey, policy: Policy, doctor: UserKey) -> None:
    source, sealed, opened = tmp_path / "in.bin", tmp_path / "sealed.bin", tmp_path / "out.bin"
    source.write_bytes(PAYLOAD)
    with source.open("rb") as src, sealed.open("wb") as dst:
        cipherchart.seal_stream(pk, policy, b"file", b"", src, dst, chunk_size=10_000)
    with sealed.open("rb") as src, opened.open("wb") as dst:
        doctor.open_stream(pk, src, dst)
    assert opened.read_bytes() == PAYLOAD
    # Unbuffered raw files may write partially; the adapter loops.
    with sealed.open("rb", buffering=0) as src, opened.open("wb", buffering=0) as dst:
        doctor.open_stream(pk, src, dst)
    assert opened.read_bytes() == PAYLOAD


def test_not_satisfied(pk: PublicKey, policy: Policy, nurse: UserKey) -> None:
    data = sealed_stream(pk, policy, b"x" * 100)
    with pytest.raises(cipherchart.PolicyNotSatisfied):
        nurse.open_stream(pk, io.BytesIO(data), io.BytesIO())


def test_tampered_and_truncated(pk: PublicKey, policy: Policy, doctor: UserKey) -> None:
    data = sealed_stream(pk, policy, PAYLOAD[:20_000])
    for position in (len(data) - 1, len(data) - 5000):
        bad = bytearray(data)
        bad[position] ^= 0x40
        with pytest.raises((cipherchart.DecryptionFailed, cipherchart.InvalidEncoding)):
            doctor.open_stream(pk, io.BytesIO(bytes(bad)), io.BytesIO())
    with pytest.raises(cipherchart.DecryptionFailed):
        doctor.open_stream(pk, io.BytesIO(data[:-4100]), io.BytesIO())
    with pytest.raises(cipherchart.InvalidEncoding):
        cipherchart.read_stream_info(io.BytesIO(b"\x00\x01garbage"))


def test_bad_chunk_size(pk: PublicKey, policy: Policy) -> None:
    with pytest.raises(cipherchart.InvalidArgument):
        cipherchart.seal_stream(pk, policy, b"s", b"", io.BytesIO(b"x"), io.BytesIO(), chunk_size=0)


class Exploding(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        raise RuntimeError("disk on fire")


def test_file_exception_propagates(pk: PublicKey, policy: Policy) -> None:
    with pytest.raises(RuntimeError, match="disk on fire"):
        cipherchart.seal_stream(pk, policy, b"s", b"", Exploding(), io.BytesIO())


def test_not_a_file(pk: PublicKey, policy: Policy) -> None:
    # Not a file: InvalidArgument naming io.BytesIO, before anything is read.
    for not_a_file in (42, b"CC\x06\x02", None):
        with pytest.raises(cipherchart.InvalidArgument, match="io.BytesIO"):
            cipherchart.read_stream_info(not_a_file)  # type: ignore[arg-type]
