"""The conformance vectors (``tests/vectors/cipherchart-v2.json``) through the Python API.

The same file is generated and checked by ``tests/encodings_vectors/conformance.rs`` (checker:
``tests/conformance/check.rs``, the reference this module follows group by group) and checked
by ``bindings/wasm/tests/conformance.test.mjs``. Every group of the file is checked here:
every expected output, error code and error detail (``.kind``) must come out of the
installed package. ``test_every_group_is_checked`` fails if the file gains a group that no
test here reads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

import pytest

import cipherchart

T = TypeVar("T")
Vector = Dict[str, Any]

VECTORS = Path(__file__).resolve().parents[3] / "tests" / "vectors" / "cipherchart-v2.json"

#: The top-level keys of the file and the test(s) that check them.
GROUPS = {
    "version": "doc fixture",
    "encoding": "documentation only",
    "generator": "documentation only",
    "policies": "test_policies",
    "authority": "test_authority_and_user_keys",
    "second_authority": "test_wrong_authority",
    "sealed_records": "test_sealed_records",
    "tampered_records": "test_tampered_records",
    "delegation_keys": "test_delegation_keys",
    "rekeys": "test_rekeys_and_reencryption",
    "reencrypted_records": "test_rekeys_and_reencryption",
    "wrong_authority": "test_wrong_authority",
    "bls": "test_bls",
    "consent": "test_consent_tokens, test_consent_attenuations, test_consent_gate",
    "chain": "test_chain_* , test_checkpoints, test_proof_files, test_*_proofs",
}


@pytest.fixture(scope="module")
def doc() -> Vector:
    with VECTORS.open(encoding="utf-8") as f:
        data: Vector = json.load(f)
    assert data["version"] == 2
    return data


def test_every_group_is_checked(doc: Vector) -> None:
    assert sorted(doc) == sorted(GROUPS), "a vector group this checker does not know"
    assert sorted(doc["consent"]) == [
        "attenuations",
        "gated_reencryptions",
        "rekey_checks",
        "tokens",
    ]


def h(v: Vector, key: str) -> bytes:
    return bytes.fromhex(v[key])


def expect(fn: Callable[[], T], v: Vector, what: str) -> Optional[T]:
    """Runs ``fn``: it must succeed if ``v["error"]`` is null, else raise that code (with
    ``detail`` as ``.kind``, ``position`` and ``index`` when the vector gives them)."""
    code = v["error"]
    if code is None:
        return fn()
    with pytest.raises(cipherchart.CipherchartError) as info:
        fn()
    e = info.value
    assert e.code == code, f"{what}: {e!r}"
    assert cipherchart.ERROR_CLASSES[code] is type(e), what
    if v.get("detail") is not None:
        assert e.kind == v["detail"], f"{what}: detail of {e!r}"
    if isinstance(e, cipherchart.PolicySyntaxError) and "position" in v:
        assert e.position == v["position"], f"{what}: position"
    if isinstance(e, cipherchart.ChainError) and v.get("index") is not None:
        assert e.index == v["index"], f"{what}: index"
    return None


def keys(doc: Vector) -> Tuple[cipherchart.PublicKey, Dict[str, cipherchart.UserKey]]:
    a = doc["authority"]
    pk = cipherchart.PublicKey.from_bytes(h(a, "public_key"))
    users = {k["name"]: cipherchart.UserKey.from_bytes(h(k, "bytes")) for k in a["user_keys"]}
    return pk, users


def authority(doc: Vector) -> cipherchart.Authority:
    return cipherchart.Authority.from_secret_bytes(h(doc["authority"], "master_key"))


def bls_keys(doc: Vector) -> Dict[str, cipherchart.BlsSigningKey]:
    return {
        k["name"]: cipherchart.BlsSigningKey.from_secret_bytes(h(k, "secret_key")) for k in doc["bls"]["keys"]
    }


def bls_pk(doc: Vector, name: str) -> cipherchart.BlsPublicKey:
    return bls_keys(doc)[name].public_key


def check_opens(
    pk: cipherchart.PublicKey,
    users: Dict[str, cipherchart.UserKey],
    record: cipherchart.SealedRecord,
    v: Vector,
    what: str,
) -> None:
    assert len(v["opens"]) == len(users), f"{what}: one entry per key"
    for o in v["opens"]:
        key = users[o["key"]]
        if "payload" in o:
            assert key.open(pk, record) == h(o, "payload"), f"{what} by {o['key']}"
        else:
            expect(lambda: key.open(pk, record), o, f"{what} by {o['key']}")


def test_policies(doc: Vector) -> None:
    assert len(doc["policies"]) >= 10
    for v in doc["policies"]:
        what = f"policy {v['name']}"
        if "decode" in v:
            assert v["error"] is not None, what
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
        assert p.lsss_columns() == v["lsss"]["columns"], what
        assert all(len(r) == v["lsss"]["columns"] for r in rows), what
        assert p.lsss_rho() == v["lsss"]["rho"], what
        for probe in v["satisfied_by"]:
            assert p.is_satisfied_by(probe["attributes"]) == probe["expected"], what
            # The LSSS agrees with the tree.
            assert (p.reconstruct(probe["attributes"]) is not None) == probe["expected"], what


def test_authority_and_user_keys(doc: Vector) -> None:
    a = doc["authority"]
    pk, users = keys(doc)
    assert bytes(pk) == h(a, "public_key")
    assert pk.id == h(a, "public_key_id")
    auth = authority(doc)
    assert auth.public_key == pk
    assert auth.to_secret_bytes() == h(a, "master_key")
    for k in a["user_keys"]:
        key = users[k["name"]]
        assert key.attributes == k["attributes"], k["name"]
        assert key.authority == h(k, "authority_id"), f"{k['name']}: authority"
        assert key.authority == pk.id, f"{k['name']}: authority"
        assert bytes(key) == h(k, "bytes"), k["name"]
    decoders: Dict[str, Callable[[bytes], object]] = {
        "public_key": cipherchart.PublicKey.from_bytes,
        "user_key": cipherchart.UserKey.from_bytes,
        "master_key": cipherchart.Authority.from_secret_bytes,
        "delegation_key": cipherchart.DelegationKey.from_bytes,
        "rekey": cipherchart.ReKey.from_bytes,
    }
    kinds = set()
    for v in a["decode_errors"]:
        assert v["error"] is not None
        decode = decoders[v["kind"]]
        kinds.add(v["kind"])
        expect(lambda: decode(h(v, "bytes")), v, v["name"])
    assert kinds == set(decoders), "a decode kind without vectors"
    for e in a["issue_errors"]:
        expect(lambda: auth.issue_key(e["attributes"]), e, f"issue_key {e['attributes']}")


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
        assert record.authority == h(v, "authority_id"), f"{what}: authority"
        check_opens(pk, users, record, v, what)
        assert any(o.get("payload") == v["payload"] for o in v["opens"]), what


def test_tampered_records(doc: Vector) -> None:
    pk, users = keys(doc)
    for v in doc["tampered_records"]:
        what = f"tampered record {v['name']}"
        assert v["error"] is not None, f"{what}: a tampered record must fail"
        if v["fails_at"] == "decode":
            expect(lambda: cipherchart.SealedRecord.from_bytes(h(v, "bytes")), v, what)
        else:
            assert v["fails_at"] == "open", what
            record = cipherchart.SealedRecord.from_bytes(h(v, "bytes"))
            expect(lambda: users[v["key"]].open(pk, record), v, what)


def test_delegation_keys(doc: Vector) -> None:
    pk, _ = keys(doc)
    assert doc["delegation_keys"]
    for v in doc["delegation_keys"]:
        what = f"delegation key {v['name']}"
        d = cipherchart.DelegationKey.from_bytes(h(v, "bytes"))
        assert bytes(d) == h(v, "bytes"), f"{what}: re-encodes"
        assert d.attributes == v["attributes"], f"{what}: attributes"
        assert d.delegator == bls_pk(doc, v["delegator"]), f"{what}: delegator"
        assert d.authority == h(v, "authority_id"), f"{what}: authority"
        assert d.authority == pk.id, f"{what}: authority"


def request_rekey(doc: Vector, auth: cipherchart.Authority, v: Vector) -> cipherchart.ReKey:
    """A re-key vector's request as the checker redoes it: a delegation key for
    ``attributes`` naming ``delegator``, made into a re-key to ``target_policy``."""
    target = cipherchart.Policy(v["target_policy"])
    delegator = bls_pk(doc, v["delegator"])
    return auth.issue_delegation_key(v["attributes"], delegator).rekey(auth.public_key, target)


def rekeys(doc: Vector) -> Dict[str, cipherchart.ReKey]:
    return {v["name"]: cipherchart.ReKey.from_bytes(h(v, "bytes")) for v in doc["rekeys"] if "bytes" in v}


def test_rekeys_and_reencryption(doc: Vector) -> None:
    pk, users = keys(doc)
    auth = authority(doc)
    dks = {d["name"]: d for d in doc["delegation_keys"]}
    records: Dict[str, bytes] = {v["name"]: h(v, "bytes") for v in doc["sealed_records"]}
    made: Dict[str, cipherchart.ReKey] = {}
    for v in doc["rekeys"]:
        what = f"rekey {v['name']}"
        if "bytes" not in v:
            # A request that must be refused (with fresh randomness: the outcome does not
            # depend on it).
            assert v["error"] is not None, what
            expect(lambda: request_rekey(doc, auth, v), v, what)
            continue
        rk = cipherchart.ReKey.from_bytes(h(v, "bytes"))
        assert bytes(rk) == h(v, "bytes"), f"{what}: re-encodes"
        assert rk.grant_id == h(v, "grant_id"), f"{what}: grant id"
        assert str(rk.target_policy) == v["target_policy"], what
        assert rk.attributes == v["attributes"], what
        assert cipherchart.rekey_digest(rk) == h(v, "consent_digest"), f"{what}: consent digest"
        assert rk.delegator == bls_pk(doc, v["delegator"]), f"{what}: delegator"
        assert rk.authority == h(v, "authority_id"), f"{what}: authority"
        assert rk.authority == pk.id, f"{what}: authority"
        # Made from the named delegation key: same attributes and delegator.
        dk = dks[v["delegation_key"]]
        assert dk["attributes"] == v["attributes"], f"{what}: from its delegation key"
        assert dk["delegator"] == v["delegator"], f"{what}: from its delegation key"
        # The same request with fresh randomness is accepted.
        fresh = request_rekey(doc, auth, v)
        assert fresh.attributes == rk.attributes and fresh.delegator == rk.delegator, what
        made[v["name"]] = rk
    hops: List[int] = []
    for v in doc["reencrypted_records"]:
        what = f"re-encryption {v['name']}"
        source_record = cipherchart.SealedRecord.from_bytes(records[v["input"]])
        rk = made[v["rekey"]]
        assert rk.can_reencrypt(source_record) == (v["error"] is None), f"{what}: can_reencrypt"
        out = expect(lambda: rk.reencrypt(source_record), v, what)
        if out is None:
            continue
        # Re-encryption is deterministic: byte for byte the vector.
        assert bytes(out) == h(v, "bytes"), f"{what}: output bytes"
        record = cipherchart.SealedRecord.from_bytes(h(v, "bytes"))
        assert record.hop_count == v["hop_count"], what
        assert record.authority == h(v, "authority_id"), f"{what}: authority"
        assert str(record.policy) == v["policy"], what
        assert str(record.current_policy) == v["current_policy"], what
        check_opens(pk, users, record, v, what)
        records[v["name"]] = h(v, "bytes")
        hops.append(record.hop_count)
    assert 1 in hops and 2 in hops, "vectors cover 1 and 2 hops"


def test_delegation_key_is_consumed(doc: Vector) -> None:
    d = cipherchart.DelegationKey.from_bytes(h(doc["delegation_keys"][0], "bytes"))
    pk, _ = keys(doc)
    target = cipherchart.Policy("role:researcher")
    d.rekey(pk, target)
    with pytest.raises(cipherchart.InvalidArgument):
        d.rekey(pk, target)


def test_wrong_authority(doc: Vector) -> None:
    first, _ = keys(doc)
    sa = doc["second_authority"]
    second = cipherchart.PublicKey.from_bytes(h(sa, "public_key"))
    assert second.id == h(sa, "public_key_id")
    assert second.id != first.id
    auth = cipherchart.Authority.from_secret_bytes(h(sa, "master_key"))
    assert auth.public_key == second
    public_keys = {"authority": first, "second_authority": second}
    refused = 0
    operations = set()
    for v in doc["wrong_authority"]:
        what = f"wrong authority {v['name']}"
        if v["error"] == "wrong_authority":
            refused += 1
        op = v["operation"]
        operations.add((op, v["error"]))
        if op == "open":
            key = cipherchart.UserKey.from_bytes(h(v, "key"))
            record = cipherchart.SealedRecord.from_bytes(h(v, "record"))
            pk = public_keys[v["public_key"]]
            payload = expect(lambda: key.open(pk, record), v, what)
            if payload is not None:
                assert payload == h(v, "payload"), f"{what}: payload"
        elif op == "reencrypt":
            rk = cipherchart.ReKey.from_bytes(h(v, "rekey"))
            record = cipherchart.SealedRecord.from_bytes(h(v, "record"))
            assert rk.can_reencrypt(record) == v["can_reencrypt"], what
            expect(lambda: rk.reencrypt(record), v, what)
        elif op == "rekey":
            d = cipherchart.DelegationKey.from_bytes(h(v, "delegation_key"))
            pk = public_keys[v["public_key"]]
            target = cipherchart.Policy(v["target_policy"])
            expect(lambda: d.rekey(pk, target), v, what)
        else:
            raise AssertionError(f"{what}: unknown operation {op}")
    assert refused >= 3, "vectors cover wrong_authority"
    for op in ("open", "reencrypt", "rekey"):
        assert (op, "wrong_authority") in operations, f"no refused {op}"


def test_wrong_authority_exception() -> None:
    assert issubclass(cipherchart.WrongAuthority, cipherchart.CipherchartError)
    assert cipherchart.ERROR_CLASSES["wrong_authority"] is cipherchart.WrongAuthority


def test_bls(doc: Vector) -> None:
    b = doc["bls"]
    sks = bls_keys(doc)
    for k in b["keys"]:
        sk = cipherchart.BlsSigningKey.from_ikm(h(k, "ikm"), h(k, "key_info"))
        assert sk.to_secret_bytes() == h(k, "secret_key"), k["name"]
        pk = cipherchart.BlsPublicKey.from_bytes(h(k, "public_key"))
        assert sk.public_key == pk
        pop = cipherchart.BlsSignature.from_bytes(h(k, "proof_of_possession"))
        assert sk.prove_possession() == pop, "PoP is deterministic"
        pk.verify_possession(pop)
    for v in b["signatures"]:
        pk = sks[v["public_key"]].public_key
        sig = cipherchart.BlsSignature.from_bytes(h(v, "signature"))
        expect(lambda: pk.verify(h(v, "message"), sig), v, f"signature {v['name']}")
    for v in b["fast_aggregate"]:
        pks = [sks[n].public_key for n in v["public_keys"]]
        sig = cipherchart.BlsSignature.from_bytes(h(v, "signature"))
        expect(
            lambda: cipherchart.fast_aggregate_verify(pks, h(v, "message"), sig),
            v,
            f"aggregate {v['name']}",
        )
    for v in b["decode"]:
        if v["kind"] == "public_key":
            expect(lambda: cipherchart.BlsPublicKey.from_bytes(h(v, "bytes")), v, v["name"])
        else:
            expect(lambda: cipherchart.BlsSignature.from_bytes(h(v, "bytes")), v, v["name"])


def revoked(v: Vector) -> cipherchart.RevocationSet:
    s = cipherchart.RevocationSet()
    for i in v["revoked"]:
        s.insert(bytes.fromhex(i))
    return s


def test_consent_tokens(doc: Vector) -> None:
    sks = bls_keys(doc)
    kinds = set()
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
        if v.get("detail") is not None:
            kinds.add(v["detail"])
        consent = expect(lambda: t.verify(issuer, v["now"], revoked(v)), v, what)
        if consent is None:
            assert v["fails_at"] == "verify", what
            continue
        assert consent.subject == v["subject"], what
        assert sorted(consent.purposes) == v["purposes"], what
        assert list(consent.window) == v["window"], what
        expected_digest = v["rekey_digest"]
        assert consent.rekey_digest == (
            bytes.fromhex(expected_digest) if expected_digest is not None else None
        ), f"{what}: rekey digest"
        for p in v["permits"]:
            got = consent.permits(h(p, "record_id"), p["category"], p["purpose"])
            assert got == p["expected"], f"{what}: {p}"
    for k in (
        "expired",
        "not_yet_valid",
        "wrong_issuer",
        "revoked",
        "missing_proof",
        "bad_chain",
        "reordered",
    ):
        assert k in kinds, f"no vector for the consent refusal {k}"


def test_consent_attenuations(doc: Vector) -> None:
    sks = bls_keys(doc)
    tokens = {v["name"]: v for v in doc["consent"]["tokens"]}
    for v in doc["consent"]["attenuations"]:
        assert v["error"] is not None, v["name"]
        t = cipherchart.ConsentToken.from_bytes(h(tokens[v["token"]], "bytes"))
        n = v["narrowing"]
        window = n.get("window")
        narrowing = cipherchart.Narrowing(
            purposes=n.get("purposes"),
            window=(window[0], window[1]) if window is not None else None,
        )
        holder = sks[v["holder"]]
        expect(lambda: t.attenuate(holder, narrowing), v, f"attenuation {v['name']}")


def verified(doc: Vector, token: str) -> cipherchart.VerifiedConsent:
    """A token vector verified as it says (issuer, now, revocations)."""
    v = next(t for t in doc["consent"]["tokens"] if t["name"] == token)
    t = cipherchart.ConsentToken.from_bytes(h(v, "bytes"))
    return t.verify(bls_pk(doc, v["issuer"]), v["now"], revoked(v))


def test_consent_gate(doc: Vector) -> None:
    c = doc["consent"]
    rks = rekeys(doc)
    passed = refused = 0
    for v in c["rekey_checks"]:
        what = f"rekey check {v['name']}"
        consent = verified(doc, v["token"])
        rk = rks[v["rekey"]]
        if v["error"] is None:
            passed += 1
        else:
            refused += 1
        expect(lambda: cipherchart.check_rekey(consent, rk), v, what)
    assert passed >= 1 and refused >= 1
    records = {
        r["name"]: h(r, "bytes") for r in doc["sealed_records"] + doc["reencrypted_records"]
        if "bytes" in r
    }
    for v in c["gated_reencryptions"]:
        what = f"gated re-encryption {v['name']}"
        record = cipherchart.SealedRecord.from_bytes(records[v["record"]])
        consent = verified(doc, v["token"])
        rk = rks[v["rekey"]]
        out = expect(
            lambda: cipherchart.reencrypt_with_consent(
                consent, rk, record, v["category"], v["purpose"]
            ),
            v,
            what,
        )
        if out is not None:
            assert bytes(out) == records[v["output"]], f"{what}: output"


def chain_from_vectors(doc: Vector) -> cipherchart.Chain:
    return cipherchart.Chain.from_records([h(e, "bytes") for e in doc["chain"]["entries"]])


def test_chain_entries(doc: Vector) -> None:
    c = doc["chain"]
    for v in c["entries"]:
        e = cipherchart.Entry.from_bytes(h(v, "bytes"))
        assert bytes(e) == h(v, "bytes")
        assert e.sequence == v["sequence"]
        assert e.prev == h(v, "prev")
        assert e.time == v["time"]
        assert bytes(e.actor) == h(v, "actor")
        assert e.action == v["action"]
        assert e.action_code == v["action_code"]
        assert e.subject == h(v, "subject")
        assert e.digest == h(v, "digest")
        assert e.metadata == h(v, "metadata")
        assert e.hash == h(v, "hash")
        assert e.leaf_hash == h(v, "leaf_hash")
        e.verify_signature()
    chain = chain_from_vectors(doc)
    assert len(chain) == c["size"]
    assert chain.root == h(c, "root")
    # The same entries appended one by one.
    appended = cipherchart.Chain()
    for v in c["entries"]:
        appended.append(cipherchart.Entry.from_bytes(h(v, "bytes")))
    assert appended.root == h(c, "root")


def test_checkpoints(doc: Vector) -> None:
    sks = bls_keys(doc)
    chain = chain_from_vectors(doc)
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
            assert chain.root_at(cp.size) == h(v, "root"), what
        log_key = sks[v["log_key"]].public_key
        expect(lambda: cp.verify(log_key), v, what)


def test_inclusion_proofs(doc: Vector) -> None:
    for v in doc["chain"]["inclusion_proofs"]:
        path = [bytes.fromhex(p) for p in v["path"]]
        expect(
            lambda: cipherchart.verify_inclusion(
                h(v, "leaf_hash"), v["index"], v["size"], path, h(v, "root")
            ),
            v,
            f"inclusion {v['name']}",
        )


def test_consistency_proofs(doc: Vector) -> None:
    for v in doc["chain"]["consistency_proofs"]:
        what = f"consistency {v['name']}"
        path = [bytes.fromhex(p) for p in v["path"]]
        proof = cipherchart.ConsistencyProof.from_bytes(h(v, "bytes"))
        assert bytes(proof) == h(v, "bytes"), what
        assert proof.old_size == v["old_size"], what
        assert proof.new_size == v["new_size"], what
        assert proof.path == path, what
        expect(lambda: proof.verify(h(v, "old_root"), h(v, "new_root")), v, what)
        expect(
            lambda: cipherchart.verify_consistency(
                v["old_size"], v["new_size"], h(v, "old_root"), h(v, "new_root"), path
            ),
            v,
            what,
        )


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


def test_chain_stores(doc: Vector) -> None:
    for v in doc["chain"]["stores"]:
        what = f"store {v['name']}"
        records = [bytes.fromhex(r) for r in v["entries"]]
        chain = expect(lambda: cipherchart.Chain.from_records(records), v, what)
        if chain is not None:
            assert chain.root == h(v, "root"), what


def test_revocation_from_chain(doc: Vector) -> None:
    v = doc["chain"]["revocation_from_chain"]
    token = next(t for t in doc["consent"]["tokens"] if t["name"] == v["token"])
    t = cipherchart.ConsentToken.from_bytes(h(token, "bytes"))
    revoked_set = cipherchart.RevocationSet.from_chain(chain_from_vectors(doc))
    issuer = bls_pk(doc, v["issuer"])
    expect(lambda: t.verify(issuer, v["now"], revoked_set), v, "revocation from chain")
