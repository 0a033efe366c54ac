"""The federation vectors (``tests/vectors/cipherchart-federation.json``) through the Python
API: cross-authority re-keys (decoded, with their authorities and consent digests), the
records they make (re-encryption re-run here and compared byte for byte), who opens each
record with which trusted public keys, refused re-encryptions and decoder refusals. The same
file is generated and checked by ``tests/encodings_vectors/federation_vectors.rs`` and checked
by ``bindings/wasm/tests/conformance-federation.test.mjs``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import pytest

import cipherchart
from cipherchart import PublicKey, ReKey, SealedRecord, UserKey

Vector = Dict[str, Any]

VECTORS = (
    Path(__file__).resolve().parents[3] / "tests" / "vectors" / "cipherchart-federation.json"
)


@pytest.fixture(scope="module")
def doc() -> Vector:
    data: Vector = json.loads(VECTORS.read_text())
    assert data["version"] == 2
    assert set(data) == {
        "version", "generator", "encoding", "authorities", "user_keys", "rekeys", "records",
        "reencryptions", "opens", "decode_errors",
    }
    return data


def find(doc: Vector, group: str, name: str) -> Vector:
    return next(v for v in doc[group] if v["name"] == name)


def pk(doc: Vector, name: str) -> PublicKey:
    v = find(doc, "authorities", name)
    key = PublicKey.from_bytes(bytes.fromhex(v["public_key"]))
    assert key.id.hex() == v["public_key_id"]
    return key


def code(e: BaseException) -> str:
    return getattr(e, "code", type(e).__name__)


def test_rekeys(doc: Vector) -> None:
    for v in doc["rekeys"]:
        rk = ReKey.from_bytes(bytes.fromhex(v["bytes"]))
        assert bytes(rk).hex() == v["bytes"]
        assert rk.authority == pk(doc, v["authority"]).id
        assert rk.target_authority == pk(doc, v["target_authority"]).id
        assert str(rk.target_policy) == v["target_policy"]
        assert rk.grant_id.hex() == v["grant_id"]
        assert cipherchart.rekey_digest(rk).hex() == v["consent_digest"]


def record(doc: Vector, name: str) -> SealedRecord:
    v = find(doc, "records", name)
    r = SealedRecord.from_bytes(bytes.fromhex(v["bytes"]))
    assert bytes(r).hex() == v["bytes"]
    assert r.authority.hex() == v["authority"]
    assert r.current_authority.hex() == v["current_authority"]
    assert r.hop_count == v["hop_count"]
    return r


def test_records_and_reencryptions(doc: Vector) -> None:
    for v in doc["records"]:
        record(doc, v["name"])
    for v in doc["reencryptions"]:
        rk = ReKey.from_bytes(bytes.fromhex(find(doc, "rekeys", v["rekey"])["bytes"]))
        source = record(doc, v["input"])
        assert rk.can_reencrypt(source) == (v["error"] is None)
        if v["error"] is None:
            assert rk.reencrypt(source) == record(doc, v["output"]), v["name"]
        else:
            with pytest.raises(cipherchart.CipherchartError) as e:
                rk.reencrypt(source)
            assert code(e.value) == v["error"], v["name"]


def test_opens(doc: Vector) -> None:
    for v in doc["opens"]:
        key = UserKey.from_bytes(bytes.fromhex(find(doc, "user_keys", v["key"])["bytes"]))
        trusted = [pk(doc, n) for n in v["public_keys"]]
        rec = record(doc, v["record"])
        if v["error"] is None:
            assert key.open_federated(trusted, rec).hex() == v["payload"], v
        else:
            with pytest.raises(cipherchart.CipherchartError) as e:
                key.open_federated(trusted, rec)
            assert code(e.value) == v["error"], v


def test_decode_errors(doc: Vector) -> None:
    for v in doc["decode_errors"]:
        decode = ReKey.from_bytes if v["kind"] == "rekey" else SealedRecord.from_bytes
        with pytest.raises(cipherchart.InvalidEncoding) as e:
            decode(bytes.fromhex(v["bytes"]))
        assert e.value.code == v["error"] and e.value.kind == v["detail"], v["name"]
