"""The conformance vectors (``tests/vectors/cipherchart-v1.json``) through the Python API.

The same file is generated and checked by ``tests/conformance.rs`` and checked by
``bindings/wasm/tests/conformance.test.mjs``. Every expected output and error code must
come out of the installed package. Where the Python API lacks an accessor, the sub-check is
skipped with a message naming it (the Rust checker still covers it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

import pytest

import cipherchart

T = TypeVar("T")
Vector = Dict[str, Any]

VECTORS = Path(__file__).resolve().parents[3] / "tests" / "vectors" / "cipherchart-v1.json"


@pytest.fixture(scope="module")
def doc() -> Vector:
    with VECTORS.open(encoding="utf-8") as f:
        data: Vector = json.load(f)
    assert data["version"] == 1
    return data


def h(v: Vector, key: str) -> bytes:
    return bytes.fromhex(v[key])


def expect(fn: Callable[[], T], v: Vector, what: str) -> Optional[T]:
    """Runs ``fn``: it must succeed if ``v["error"]`` is null, else raise that code."""
    code = v["error"]
    if code is None:
        return fn()
    with pytest.raises(cipherchart.CipherchartError) as info:
        fn()
    assert info.value.code == code, f"{what}: {info.value!r}"
    assert cipherchart.ERROR_CLASSES[code] is type(info.value), what
    if isinstance(info.value, cipherchart.PolicySyntaxError) and "position" in v:
        assert info.value.position == v["position"], f"{what}: position"
    return None


def keys(doc: Vector) -> Tuple[cipherchart.PublicKey, Dict[str, cipherchart.UserKey]]:
    a = doc["authority"]
    pk = cipherchart.PublicKey.from_bytes(h(a, "public_key"))
    users = {k["name"]: cipherchart.UserKey.from_bytes(h(k, "bytes")) for k in a["user_keys"]}
    return pk, users


def bls_keys(doc: Vector) -> Dict[str, cipherchart.SigningKey]:
    return {
        k["name"]: cipherchart.SigningKey.from_bytes(h(k, "secret_key")) for k in doc["bls"]["keys"]
    }


def check_opens(
    pk: cipherchart.PublicKey,
    users: Dict[str, cipherchart.UserKey],
    record: cipherchart.SealedRecord,
    v: Vector,
    what: str,
) -> None:
    assert len(v["opens"]) == len(users)
    for o in v["opens"]:
        key = users[o["key"]]
        if "payload" in o:
            assert key.open(pk, record) == h(o, "payload"), f"{what} by {o['key']}"
        else:
            expect(lambda: key.open(pk, record), o, f"{what} by {o['key']}")


def test_policies(doc: Vector) -> None:
    for v in doc["policies"]:
        what = f"policy {v['name']}"
        if "decode" in v:
            expect(lambda: cipherchart.Policy.from_bytes(h(v, "decode")), v, what)
            continue
        p = expect(lambda: cipherchart.Policy(v["text"]), v, what)
        if p is None:
            continue
        assert str(p) == v["canonical"], what
        assert bytes(p) == h(v, "bytes"), what
        assert cipherchart.Policy.from_bytes(h(v, "bytes")) == p, what
        assert p.attributes == v["attributes"], what
        rows = p.lsss_rows()
        assert rows == v["lsss"]["rows"], what
        assert all(len(r) == v["lsss"]["columns"] for r in rows), what
        assert p.lsss_rho() == v["lsss"]["rho"], what
        for probe in v["satisfied_by"]:
            assert p.is_satisfied_by(probe["attributes"]) == probe["expected"], what
            assert (p.reconstruct(probe["attributes"]) is not None) == probe["expected"], what


def test_authority_and_user_keys(doc: Vector) -> None:
    a = doc["authority"]
    pk, users = keys(doc)
    assert bytes(pk) == h(a, "public_key")
    assert pk.id == h(a, "public_key_id")
    authority = cipherchart.Authority.import_master_key_dangerous(h(a, "master_key"))
    assert authority.public_key == pk
    assert authority.export_master_key_dangerous() == h(a, "master_key")
    for k in a["user_keys"]:
        key = users[k["name"]]
        assert key.attributes == k["attributes"]
        assert bytes(key) == h(k, "bytes")
    decoders: Dict[str, Callable[[bytes], object]] = {
        "public_key": cipherchart.PublicKey.from_bytes,
        "user_key": cipherchart.UserKey.from_bytes,
        "master_key": cipherchart.Authority.import_master_key_dangerous,
    }
    for v in a["decode_errors"]:
        assert v["error"] is not None
        decode = decoders[v["kind"]]
        expect(lambda: decode(h(v, "bytes")), v, v["name"])
    for e in a["issue_errors"]:
        expect(lambda: authority.issue_key(e["attributes"]), e, f"issue_key {e['attributes']}")


def test_sealed_records(doc: Vector) -> None:
    pk, users = keys(doc)
    for v in doc["sealed_records"]:
        what = f"record {v['name']}"
        record = cipherchart.SealedRecord.from_bytes(h(v, "bytes"))
        assert bytes(record) == h(v, "bytes"), what
        assert str(record.policy) == v["policy"], what
        assert record.record_id == h(v, "record_id"), what
        assert record.metadata == h(v, "metadata"), what
        assert record.header_digest == h(v, "header_digest"), what
        assert record.hop_count == 0, what
        check_opens(pk, users, record, v, what)


def test_tampered_records(doc: Vector) -> None:
    pk, users = keys(doc)
    for v in doc["tampered_records"]:
        what = f"tampered record {v['name']}"
        assert v["error"] is not None, what
        if v["fails_at"] == "decode":
            expect(lambda: cipherchart.SealedRecord.from_bytes(h(v, "bytes")), v, what)
        else:
            record = cipherchart.SealedRecord.from_bytes(h(v, "bytes"))
            expect(lambda: users[v["key"]].open(pk, record), v, what)


def test_rekeys_and_reencryption(doc: Vector) -> None:
    pk, users = keys(doc)
    records: Dict[str, bytes] = {v["name"]: h(v, "bytes") for v in doc["sealed_records"]}
    rekeys: Dict[str, cipherchart.ReKey] = {}
    for v in doc["rekeys"]:
        what = f"rekey {v['name']}"
        if "bytes" not in v:
            target = cipherchart.Policy(v["target_policy"])
            source = users[v["from_key"]]
            expect(lambda: source.rekey(pk, v["attributes"], target), v, what)
            continue
        rk = cipherchart.ReKey.from_bytes(h(v, "bytes"))
        assert bytes(rk) == h(v, "bytes"), what
        assert rk.grant_id == h(v, "grant_id"), what
        assert rk.attributes == v["attributes"], what
        assert str(rk.target_policy) == v["target_policy"], what
        rekeys[v["name"]] = rk
    hops: List[int] = []
    for v in doc["reencrypted_records"]:
        what = f"re-encryption {v['name']}"
        source_record = cipherchart.SealedRecord.from_bytes(records[v["input"]])
        rk = rekeys[v["rekey"]]
        out = expect(lambda: rk.reencrypt(source_record), v, what)
        if out is None:
            continue
        # Re-encryption is deterministic: byte for byte the vector.
        assert bytes(out) == h(v, "bytes"), what
        record = cipherchart.SealedRecord.from_bytes(h(v, "bytes"))
        assert record.hop_count == v["hop_count"], what
        assert str(record.policy) == v["policy"], what
        assert str(record.current_policy) == v["current_policy"], what
        check_opens(pk, users, record, v, what)
        records[v["name"]] = h(v, "bytes")
        hops.append(record.hop_count)
    assert 1 in hops and 2 in hops


def test_rekey_consent_digest(doc: Vector) -> None:
    if not hasattr(cipherchart, "rekey_digest"):
        pytest.skip("no rekey_digest(rekey) in the Python API: consent_digest not checked")
    fn: Any = getattr(cipherchart, "rekey_digest")
    for v in doc["rekeys"]:
        if "bytes" in v:
            assert fn(cipherchart.ReKey.from_bytes(h(v, "bytes"))) == h(v, "consent_digest")


def test_bls(doc: Vector) -> None:
    b = doc["bls"]
    sks = bls_keys(doc)
    for k in b["keys"]:
        sk = cipherchart.SigningKey.from_ikm(h(k, "ikm"), h(k, "key_info"))
        assert sk.to_bytes_dangerous() == h(k, "secret_key"), k["name"]
        pk = cipherchart.BlsPublicKey.from_bytes(h(k, "public_key"))
        assert sk.public_key == pk
        pop = cipherchart.Signature.from_bytes(h(k, "proof_of_possession"))
        assert sk.prove_possession() == pop
        pk.verify_possession(pop)
    for v in b["signatures"]:
        pk = sks[v["public_key"]].public_key
        sig = cipherchart.Signature.from_bytes(h(v, "signature"))
        expect(lambda: pk.verify(h(v, "message"), sig), v, f"signature {v['name']}")
    for v in b["fast_aggregate"]:
        pks = [sks[n].public_key for n in v["public_keys"]]
        sig = cipherchart.Signature.from_bytes(h(v, "signature"))
        expect(
            lambda: cipherchart.fast_aggregate_verify(pks, h(v, "message"), sig),
            v,
            f"aggregate {v['name']}",
        )
    for v in b["decode"]:
        if v["kind"] == "public_key":
            expect(lambda: cipherchart.BlsPublicKey.from_bytes(h(v, "bytes")), v, v["name"])
        else:
            expect(lambda: cipherchart.Signature.from_bytes(h(v, "bytes")), v, v["name"])


def revoked(v: Vector) -> cipherchart.RevocationSet:
    s = cipherchart.RevocationSet()
    for i in v["revoked"]:
        s.insert(bytes.fromhex(i))
    return s


def test_consent_tokens(doc: Vector) -> None:
    sks = bls_keys(doc)
    for v in doc["consent"]["tokens"]:
        what = f"token {v['name']}"
        if v["fails_at"] == "decode":
            expect(lambda: cipherchart.ConsentToken.from_bytes(h(v, "bytes")), v, what)
            continue
        t = cipherchart.ConsentToken.from_bytes(h(v, "bytes"))
        assert bytes(t) == h(v, "bytes"), what
        assert t.to_text() == v["text"], what
        assert cipherchart.ConsentToken.from_text(v["text"]) == t, what
        assert t.block_count == v["block_count"], what
        assert t.is_presented == v["is_presented"], what
        assert [i.hex() for i in t.revocation_ids()] == v["revocation_ids"], what
        issuer = sks[v["issuer"]].public_key
        consent = expect(lambda: t.verify(issuer, v["now"], revoked(v)), v, what)
        if consent is None:
            assert v["fails_at"] == "verify", what
            continue
        assert consent.subject == v["subject"], what
        assert sorted(consent.purposes) == v["purposes"], what
        assert list(consent.window) == v["window"], what
        for p in v["permits"]:
            got = consent.permits(h(p, "record_id"), p["category"], p["purpose"])
            assert got == p["expected"], f"{what}: {p}"


def test_consent_rekey_digest(doc: Vector) -> None:
    if not hasattr(cipherchart.VerifiedConsent, "rekey_digest"):
        pytest.skip("no VerifiedConsent.rekey_digest in the Python API: not checked")
    sks = bls_keys(doc)
    for v in doc["consent"]["tokens"]:
        if v["fails_at"] is not None:
            continue
        t = cipherchart.ConsentToken.from_bytes(h(v, "bytes"))
        consent = t.verify(sks[v["issuer"]].public_key, v["now"], revoked(v))
        digest: Any = getattr(consent, "rekey_digest")
        expected = v["rekey_digest"]
        assert digest == (bytes.fromhex(expected) if expected is not None else None), v["name"]


def test_consent_attenuations(doc: Vector) -> None:
    sks = bls_keys(doc)
    tokens = {v["name"]: v for v in doc["consent"]["tokens"]}
    for v in doc["consent"]["attenuations"]:
        t = cipherchart.ConsentToken.from_bytes(h(tokens[v["token"]], "bytes"))
        n = v["narrowing"]
        window = n.get("window")
        narrowing = cipherchart.Narrowing(
            purposes=n.get("purposes"),
            window=(window[0], window[1]) if window is not None else None,
        )
        holder = sks[v["holder"]]
        expect(lambda: t.attenuate(holder, narrowing), v, f"attenuation {v['name']}")


def test_chain_entries(doc: Vector) -> None:
    for v in doc["chain"]["entries"]:
        e = cipherchart.Entry.from_bytes(h(v, "bytes"))
        assert bytes(e) == h(v, "bytes")
        assert e.sequence == v["sequence"]
        assert e.prev == h(v, "prev")
        assert e.time == v["time"]
        assert bytes(e.actor) == h(v, "actor")
        assert e.action == v["action"]
        assert e.subject == h(v, "subject")
        assert e.digest == h(v, "digest")
        assert e.metadata == h(v, "metadata")
        assert e.hash == h(v, "hash")
        assert e.leaf_hash == h(v, "leaf_hash")
        e.verify_signature()


def test_checkpoints(doc: Vector) -> None:
    sks = bls_keys(doc)
    for v in doc["chain"]["checkpoints"]:
        what = f"checkpoint {v['name']}"
        if v.get("fails_at") == "decode":
            expect(lambda: cipherchart.Checkpoint.from_note(v["note"]), v, what)
            continue
        cp = cipherchart.Checkpoint.from_note(v["note"])
        if "bytes" in v:
            assert bytes(cp) == h(v, "bytes"), what
            assert cipherchart.Checkpoint.from_bytes(h(v, "bytes")) == cp, what
            assert cp.to_note() == v["note"], what
            assert cp.origin == v["origin"], what
            assert cp.size == v["size"], what
            assert cp.root == h(v, "root"), what
        log_key = sks[v["log_key"]].public_key
        expect(lambda: cp.verify(log_key), v, what)


def test_proof_files(doc: Vector) -> None:
    sks = bls_keys(doc)
    for v in doc["chain"]["proof_files"]:
        what = f"proof file {v['name']}"
        if v.get("fails_at") == "decode":
            expect(lambda: cipherchart.ProofFile.from_bytes(h(v, "bytes")), v, what)
            continue
        pf = cipherchart.ProofFile.from_bytes(h(v, "bytes"))
        assert bytes(pf) == h(v, "bytes"), what
        if "text" in v:
            assert pf.to_text() == v["text"], what
            assert bytes(cipherchart.ProofFile.from_text(v["text"])) == h(v, "bytes"), what
        log_key = sks[v["log_key"]].public_key
        entry = expect(lambda: pf.verify(log_key), v, what)
        if entry is not None:
            assert bytes(entry) == h(v, "entry"), what


def test_inclusion_proofs(doc: Vector) -> None:
    fn: Any = getattr(cipherchart, "verify_inclusion", None)
    if fn is None:
        pytest.skip(
            "no verify_inclusion(leaf_hash, index, size, path, root) nor an InclusionProof "
            "constructor in the Python API: inclusion proofs checked only inside proof files"
        )
    for v in doc["chain"]["inclusion_proofs"]:
        path = [bytes.fromhex(p) for p in v["path"]]
        expect(
            lambda: fn(h(v, "leaf_hash"), v["index"], v["size"], path, h(v, "root")),
            v,
            f"inclusion {v['name']}",
        )


def test_consistency_proofs(doc: Vector) -> None:
    fn: Any = getattr(cipherchart, "verify_consistency", None)
    if fn is None:
        pytest.skip(
            "no verify_consistency(old_size, new_size, old_root, new_root, path) nor a "
            "ConsistencyProof class in the Python API: consistency proofs not checked"
        )
    cls: Any = getattr(cipherchart, "ConsistencyProof", None)
    decode: Any = getattr(cls, "from_bytes", None)
    for v in doc["chain"]["consistency_proofs"]:
        path = [bytes.fromhex(p) for p in v["path"]]
        if decode is not None:
            proof = decode(h(v, "bytes"))
            assert bytes(proof) == h(v, "bytes"), v["name"]
        expect(
            lambda: fn(v["old_size"], v["new_size"], h(v, "old_root"), h(v, "new_root"), path),
            v,
            f"consistency {v['name']}",
        )


def test_chain_stores(doc: Vector) -> None:
    from_records: Any = getattr(cipherchart.Chain, "from_records", None)
    if from_records is None:
        pytest.skip("no Chain.from_records(records) in the Python API: 'stores' not checked")
    for v in doc["chain"]["stores"]:
        what = f"store {v['name']}"
        records = [bytes.fromhex(r) for r in v["entries"]]
        code = v["error"]
        if code is None:
            assert from_records(records).root == h(v, "root"), what
            continue
        with pytest.raises(cipherchart.ChainError) as info:
            from_records(records)
        assert info.value.code == code, what
        assert info.value.index == v["index"], f"{what}: index"


def test_revocation_from_chain(doc: Vector) -> None:
    append: Any = getattr(cipherchart.Chain, "append", None)
    if append is None:
        pytest.skip("no Chain.append(entry) in the Python API: revocation_from_chain not checked")
    c = doc["chain"]
    chain = cipherchart.Chain()
    for e in c["entries"]:
        append(chain, cipherchart.Entry.from_bytes(h(e, "bytes")))
    assert len(chain) == c["size"]
    assert chain.root == h(c, "root")
    v = c["revocation_from_chain"]
    token = next(t for t in doc["consent"]["tokens"] if t["name"] == v["token"])
    t = cipherchart.ConsentToken.from_bytes(h(token, "bytes"))
    revoked_set = cipherchart.RevocationSet.from_chain(chain)
    issuer = bls_keys(doc)[v["issuer"]].public_key
    expect(lambda: t.verify(issuer, v["now"], revoked_set), v, "revocation from chain")
