"""The format v3 revocation vectors (``tests/vectors/cipherchart-v3.json``) through the Python
API: notices (decoded, verified or refused with the `now` and previous notice given), keys under
notices, v3 records and who opens them, catch-ups (re-run here with the vectors' master key: the
same effect), refused catch-ups and the v3 decoders' refusals. The same file is generated and
checked by ``tests/encodings_vectors/revocation_vectors.rs`` and checked by
``bindings/wasm/tests/conformance-v3.test.mjs``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, TypeVar

import pytest

import cipherchart

T = TypeVar("T")
Vector = Dict[str, Any]

VECTORS = Path(__file__).resolve().parents[3] / "tests" / "vectors" / "cipherchart-v3.json"

GROUPS = {
    "version",
    "generator",
    "description",
    "authority",
    "notices",
    "notice_verifications",
    "notice_decode_errors",
    "keys",
    "records",
    "catch_ups",
    "refused_catch_ups",
    "record_decode_errors",
    "sessions",
    "session_decode_errors",
    "session_catch_ups",
    "session_splits",
    "streams",
    "stream_decode_errors",
    "stream_catch_ups",
    "trailer_decode_errors",
    "reencryption",
}


@pytest.fixture(scope="module")
def doc() -> Vector:
    with VECTORS.open(encoding="utf-8") as f:
        data: Vector = json.load(f)
    assert data["version"] == 3
    return data


def h(v: Vector, key: str) -> bytes:
    return bytes.fromhex(v[key])


def expect(fn: Callable[[], T], code: Optional[str], detail: Optional[str], what: str) -> Optional[T]:
    if code is None:
        return fn()
    with pytest.raises(cipherchart.CipherchartError) as info:
        fn()
    assert info.value.code == code, f"{what}: {info.value!r}"
    assert cipherchart.ERROR_CLASSES[code] is type(info.value), what
    if detail is not None:
        assert info.value.kind == detail, f"{what}: detail of {info.value!r}"
    return None


def by_name(doc: Vector, group: str, name: str) -> Vector:
    found: List[Vector] = [v for v in doc[group] if v["name"] == name]
    assert len(found) == 1, f"{group}/{name}"
    return found[0]


def notice(doc: Vector, name: str) -> cipherchart.VersionNotice:
    return cipherchart.VersionNotice.from_bytes(h(by_name(doc, "notices", name), "bytes"))


def notice_key(doc: Vector) -> cipherchart.BlsPublicKey:
    return cipherchart.BlsPublicKey.from_bytes(h(doc["authority"], "notice_key"))


def verified(doc: Vector, name: str) -> cipherchart.VerifiedNotice:
    n = notice(doc, name)
    return n.verify(notice_key(doc), n.issued_at)


def test_every_group_is_checked(doc: Vector) -> None:
    assert set(doc) == GROUPS, "a vector group this checker does not know"


def test_notices(doc: Vector) -> None:
    for v in doc["notices"]:
        n = cipherchart.VersionNotice.from_bytes(h(v, "bytes"))
        assert bytes(n) == h(v, "bytes")
        assert n.digest.hex() == v["digest"]
        assert n.serial == v["serial"]
        assert n.bump_count == v["bump_count"]
        assert [list(x) for x in n.versions] == v["versions"]
    for v in doc["notice_verifications"]:
        n = notice(doc, v["notice"])
        prev = None
        if v["previous"] is not None:
            p = notice(doc, v["previous"])
            prev = p.verify(notice_key(doc), p.issued_at)
        expect(lambda: n.verify(notice_key(doc), v["now"], prev), v["error"], None, v["name"])
    for v in doc["notice_decode_errors"]:
        expect(lambda: cipherchart.VersionNotice.from_bytes(h(v, "bytes")), v["error"], v["detail"], v["name"])


def keys(doc: Vector) -> Dict[str, cipherchart.UserKey]:
    out = {}
    for k in doc["keys"]:
        key = cipherchart.UserKey.from_bytes(h(k, "bytes"))
        assert bytes(key) == h(k, "bytes")
        assert [list(x) for x in key.versioned_attributes()] == k["versioned_attributes"]
        out[k["name"]] = key
    return out


def check_opens(doc: Vector, record: cipherchart.SealedRecord, opens: List[Vector], what: str) -> None:
    pk = cipherchart.PublicKey.from_bytes(h(doc["authority"], "public_key"))
    users = keys(doc)
    assert len(opens) == len(users)
    for o in opens:
        got = expect(lambda: users[o["key"]].open(pk, record), o["error"], None, f"{what} by {o['key']}")
        if o["error"] is None:
            assert got == o["payload"].encode(), f"{what} by {o['key']}"


def test_keys_and_records(doc: Vector) -> None:
    n1, n2 = verified(doc, "n1"), verified(doc, "n2")
    for v in doc["records"]:
        r = cipherchart.SealedRecord.from_bytes(h(v, "bytes"))
        assert bytes(r) == h(v, "bytes")
        assert r.notice_serial == v["notice_serial"]
        commitment = r.body_commitment
        assert (commitment.hex() if commitment is not None else None) == v["body_commitment"]
        assert r.header_digest.hex() == v["header_digest"]
        assert [list(x) for x in r.attribute_versions()] == v["attribute_versions"]
        assert {"n1": r.needs_catch_up(n1), "n2": r.needs_catch_up(n2)} == v["needs_catch_up"]
        check_opens(doc, r, v["opens"], v["name"])


def test_catch_ups(doc: Vector) -> None:
    authority = cipherchart.Authority.from_secret_bytes(h(doc["authority"], "master_key"))
    for v in doc["catch_ups"]:
        before = cipherchart.SealedRecord.from_bytes(h(by_name(doc, "records", v["before"]), "bytes"))
        after = cipherchart.SealedRecord.from_bytes(h(v, "after"))
        n = verified(doc, v["notice"])
        assert not after.needs_catch_up(n)
        assert after.notice_serial == n.serial
        assert (after.record_id, after.metadata) == (before.record_id, before.metadata)
        if before.body_commitment is not None:
            assert after.body_commitment == before.body_commitment
        check_opens(doc, after, v["opens"], v["name"])
        check_opens(doc, authority.rewrap(before, n), v["opens"], v["name"] + " (re-run)")
    for v in doc["refused_catch_ups"]:
        record = cipherchart.SealedRecord.from_bytes(h(by_name(doc, "records", v["record"]), "bytes"))
        expect(lambda: authority.rewrap(record, verified(doc, v["notice"])), v["error"], None, v["name"])


def test_record_decode_errors(doc: Vector) -> None:
    for v in doc["record_decode_errors"]:
        expect(lambda: cipherchart.SealedRecord.from_bytes(h(v, "bytes")), v["error"], v["detail"], v["name"])


def test_sessions(doc: Vector) -> None:
    pk = cipherchart.PublicKey.from_bytes(h(doc["authority"], "public_key"))
    users = keys(doc)
    for v in doc["sessions"]:
        header = cipherchart.SessionHeader.from_bytes(h(v, "header"))
        assert bytes(header) == h(v, "header")
        assert header.notice_serial == v["notice_serial"]
        assert [list(x) for x in header.attribute_versions()] == v["attribute_versions"]
        records = [cipherchart.SessionRecord.from_bytes(bytes.fromhex(r)) for r in v["records"]]
        assert len(v["opens"]) == len(users)
        for o in v["opens"]:
            what = f"{v['name']} by {o['key']}"
            opener = expect(lambda: users[o["key"]].open_session(pk, header), o["error"], None, what)
            if o["error"] is None:
                assert opener is not None
                assert [opener.open(r).decode() for r in records] == o["payloads"], what


def test_session_decode_errors(doc: Vector) -> None:
    for v in doc["session_decode_errors"]:
        expect(lambda: cipherchart.SessionHeader.from_bytes(h(v, "bytes")), v["error"], v["detail"], v["name"])


def test_session_catch_ups(doc: Vector) -> None:
    """Sessions caught up under n2: the header and trailer decode and re-encode, the trailer
    and the proofs are the records', a re-wrap keeps the old session's records, who opens each
    (with proofs for a re-wrapped header), and a re-run with the vectors' master key."""
    pk = cipherchart.PublicKey.from_bytes(h(doc["authority"], "public_key"))
    authority = cipherchart.Authority.from_secret_bytes(h(doc["authority"], "master_key"))
    users = keys(doc)

    def opened(
        header: cipherchart.SessionHeader, records: List[cipherchart.SessionRecord], opens: List[Vector], what: str
    ) -> None:
        for o in opens:
            who = f"{what} by {o['key']}"
            opener = expect(lambda: users[o["key"]].open_session(pk, header), o["error"], None, who)
            if opener is None:
                continue
            if header.trailer is None:
                got = [opener.open(r).decode() for r in records]
            else:
                got = [
                    opener.open_included(r, cipherchart.prove_session_record(records, i)).decode()
                    for i, r in enumerate(records)
                ]
                assert [p.decode() for p in opener.open_all(records)] == got, who
            assert got == o["payloads"], who

    for v in doc["session_catch_ups"]:
        header = cipherchart.SessionHeader.from_bytes(h(v, "header"))
        assert bytes(header) == h(v, "header") and header.digest.hex() == v["header_digest"]
        assert header.notice_serial == v["notice_serial"]
        trailer = cipherchart.Trailer.from_bytes(h(v, "trailer"))
        assert (bytes(header.trailer).hex() if header.trailer else None) == v["carried_trailer"]
        records = [cipherchart.SessionRecord.from_bytes(bytes.fromhex(r)) for r in v["records"]]
        assert cipherchart.session_trailer(header, records) == trailer
        for i, p in enumerate(v["proofs"]):
            proof = cipherchart.prove_session_record(records, i)
            assert (proof.index, proof.size, [x.hex() for x in proof.path]) == (p["index"], p["size"], p["path"])
        old = by_name(doc, "sessions", v["session"])
        old_header = cipherchart.SessionHeader.from_bytes(h(old, "header"))
        old_records = [cipherchart.SessionRecord.from_bytes(bytes.fromhex(r)) for r in old["records"]]
        n = verified(doc, v["notice"])
        assert old_header.needs_catch_up(n) and not header.needs_catch_up(n)
        assert len(v["opens"]) == len(users)
        opened(header, records, v["opens"], v["name"])
        if v["how"] == "rewrap":
            assert v["records"] == old["records"] and header.trailer == trailer
            again = authority.rewrap_session(old_header, trailer, n)
            opened(again, old_records, v["opens"], v["name"] + " (re-run)")
        else:
            again, again_records, again_trailer = authority.reencrypt_session(old_header, old_records, None, n)
            assert cipherchart.session_trailer(again, again_records) == again_trailer
            opened(again, again_records, v["opens"], v["name"] + " (re-run)")


def test_session_splits(doc: Vector) -> None:
    """A session split at its progress anchor: both halves decode, the trailers are the
    records', who opens each half, and a re-run with the vectors' master key."""
    pk = cipherchart.PublicKey.from_bytes(h(doc["authority"], "public_key"))
    authority = cipherchart.Authority.from_secret_bytes(h(doc["authority"], "master_key"))
    users = keys(doc)

    def check_opens(header: cipherchart.SessionHeader, records: List[cipherchart.SessionRecord], rows: List[Vector]) -> None:
        assert len(rows) == len(users)
        proofs = cipherchart.prove_session_records(records)
        for o in rows:
            opener = expect(lambda: users[o["key"]].open_session(pk, header), o["error"], None, o["key"])
            if opener is None:
                continue
            if header.trailer is None:
                got = [opener.open(r).decode() for r in records]
            else:
                got = [opener.open_included(r, p).decode() for r, p in zip(records, proofs)]
            assert got == o["payloads"], o["key"]

    for v in doc["session_splits"]:
        prefix = cipherchart.SessionHeader.from_bytes(h(v, "prefix"))
        tail = cipherchart.SessionHeader.from_bytes(h(v, "tail"))
        progress = cipherchart.Trailer.from_bytes(h(v, "progress"))
        close = cipherchart.Trailer.from_bytes(h(v, "close"))
        assert bytes(prefix) == h(v, "prefix") and prefix.trailer == progress and tail.trailer is None
        old = by_name(doc, "sessions", v["session"])
        old_header = cipherchart.SessionHeader.from_bytes(h(old, "header"))
        old_records = [cipherchart.SessionRecord.from_bytes(bytes.fromhex(r)) for r in old["records"]]
        assert cipherchart.session_trailer(old_header, old_records) == close
        s = progress.count
        assert cipherchart.session_trailer(old_header, old_records[:s]) == progress
        tail_records = [cipherchart.SessionRecord.from_bytes(bytes.fromhex(r)) for r in v["tail_records"]]
        assert cipherchart.session_trailer(tail, tail_records) == cipherchart.Trailer.from_bytes(h(v, "tail_trailer"))
        check_opens(prefix, old_records[:s], v["prefix_opens"])
        check_opens(tail, tail_records, v["tail_opens"])
        again = authority.split_session(old_header, old_records, progress, close, verified(doc, v["notice"]))
        check_opens(again[0], old_records[:s], v["prefix_opens"])
        check_opens(again[1], again[2], v["tail_opens"])


def test_streams(doc: Vector) -> None:
    """Format v3 streams (and a v2 one): the public info, and who opens each."""
    pk = cipherchart.PublicKey.from_bytes(h(doc["authority"], "public_key"))
    users = keys(doc)
    for v in doc["streams"]:
        stream = h(v, "bytes")
        info = cipherchart.read_stream_info(io.BytesIO(stream))
        want = v["info"]
        assert (info.stream_id.hex(), info.metadata.hex()) == (want["stream_id"], want["metadata"])
        assert (info.chunk_size, info.notice_serial) == (want["chunk_size"], want["notice_serial"])
        assert [list(x) for x in info.attribute_versions()] == want["attribute_versions"]
        assert len(v["opens"]) == len(users)
        for o in v["opens"]:
            out = io.BytesIO()
            what = f"{v['name']} by {o['key']}"
            expect(lambda: users[o["key"]].open_stream(pk, io.BytesIO(stream), out), o["error"], None, what)
            if o["error"] is None:
                assert out.getvalue().decode() == o["payload"], what


def test_stream_decode_errors(doc: Vector) -> None:
    for v in doc["stream_decode_errors"]:
        expect(lambda: cipherchart.read_stream_info(io.BytesIO(h(v, "bytes"))), v["error"], v["detail"], v["name"])


def header_end(stream: bytes) -> int:
    return 8 + int.from_bytes(stream[4:8], "big")


def stream_opens(doc: Vector, stream: bytes, opens: List[Vector], name: str) -> None:
    pk = cipherchart.PublicKey.from_bytes(h(doc["authority"], "public_key"))
    users = keys(doc)
    assert len(opens) == len(users)
    for o in opens:
        out = io.BytesIO()
        what = f"{name} by {o['key']}"
        expect(lambda: users[o["key"]].open_stream(pk, io.BytesIO(stream), out), o["error"], None, what)
        if o["error"] is None:
            assert out.getvalue().decode() == o["payload"], what


def test_stream_catch_ups(doc: Vector) -> None:
    """Streams caught up under n2: the trailer (its fields, and the one computed from the
    stream), the result's info and who opens it, a re-wrap's frames byte for byte, and a
    re-run with the vectors' master key (the same effect)."""
    authority = cipherchart.Authority.from_secret_bytes(h(doc["authority"], "master_key"))
    for v in doc["stream_catch_ups"]:
        t = v["trailer"]
        trailer = cipherchart.Trailer.from_bytes(h(t, "bytes"))
        assert bytes(trailer) == h(t, "bytes")
        assert (trailer.digest.hex(), trailer.id.hex(), trailer.count) == (t["digest"], t["id"], t["count"])
        assert (trailer.header_digest.hex(), trailer.key_commitment.hex(), trailer.root.hex()) == (
            t["header_digest"],
            t["key_commitment"],
            t["root"],
        )
        caught_up = h(v, "bytes")
        assert cipherchart.stream_trailer(io.BytesIO(caught_up)) == trailer, v["name"]
        info = cipherchart.read_stream_info(io.BytesIO(caught_up))
        want = v["info"]
        assert (info.stream_id.hex(), info.metadata.hex()) == (want["stream_id"], want["metadata"])
        assert (info.chunk_size, info.notice_serial) == (want["chunk_size"], want["notice_serial"])
        assert [list(x) for x in info.attribute_versions()] == want["attribute_versions"]
        assert info.header_digest.hex() == want["header_digest"]
        assert (info.trailer.digest.hex() if info.trailer else None) == want["trailer_digest"]
        old = h(by_name(doc, "streams", v["stream"]), "bytes")
        n = verified(doc, v["notice"])
        assert cipherchart.read_stream_info(io.BytesIO(old)).needs_catch_up(n)
        assert not info.needs_catch_up(n)
        stream_opens(doc, caught_up, v["opens"], v["name"])
        out = io.BytesIO()
        if v["how"] == "rewrap":
            assert caught_up[header_end(caught_up) :] == old[header_end(old) :]
            assert cipherchart.stream_trailer(io.BytesIO(old)) == trailer
            assert info.trailer == trailer
            authority.rewrap_stream(io.BytesIO(old), trailer, n, out)
        else:
            authority.reencrypt_stream(io.BytesIO(old), None, n, out)
        stream_opens(doc, out.getvalue(), v["opens"], v["name"] + " (re-run)")


def test_trailer_decode_errors(doc: Vector) -> None:
    for v in doc["trailer_decode_errors"]:
        expect(lambda: cipherchart.Trailer.from_bytes(h(v, "bytes")), v["error"], v["detail"], v["name"])


def test_reencryption(doc: Vector) -> None:
    """Format v3 re-encryption: the delegation key, both re-keys (digest, grant, parent,
    versions, currency under n1 and n2), both re-encrypted records re-derived
    (re-encryption is deterministic) and opened, and the decoders' refusals."""
    g = doc["reencryption"]
    pk = cipherchart.PublicKey.from_bytes(h(doc["authority"], "public_key"))
    d = cipherchart.DelegationKey.from_bytes(h(g["delegation_key"], "bytes"))
    assert bytes(d) == h(g["delegation_key"], "bytes")
    assert d.key_id.hex() == g["delegation_key"]["key_id"]
    users = {k["name"]: cipherchart.UserKey.from_bytes(h(k, "bytes")) for k in g["keys"]}
    notices = {n: verified(doc, n) for n in ("n1", "n2")}
    rekeys = []
    for v in g["rekeys"]:
        rk = cipherchart.ReKey.from_bytes(h(v, "bytes"))
        assert bytes(rk) == h(v, "bytes") and rk.is_v3
        assert cipherchart.rekey_digest(rk).hex() == v["digest"]
        assert rk.delegation_key_id is not None and rk.delegation_key_id.hex() == v["delegation_key_id"]
        assert rk.grant.hex() == v["grant"]
        assert (rk.parent.hex() if rk.parent is not None else None) == v["parent"]
        assert [list(x) for x in rk.attribute_versions()] == v["attribute_versions"]
        assert [list(x) for x in rk.target_versions()] == v["target_versions"]
        for name, n in notices.items():
            expect(lambda: rk.check_current([n]), v["check_current"][name], None, f"{v['name']} under {name}")
        rekeys.append(rk)
    assert rekeys[0].delegation_key_id == d.key_id
    below = cipherchart.SealedRecord.from_bytes(h(by_name(doc, "records", g["source_record"]), "bytes"))
    for v, rk in zip(g["records"], rekeys):
        r = cipherchart.SealedRecord.from_bytes(h(v, "bytes"))
        assert bytes(r) == h(v, "bytes")
        assert r.hop_count == v["hop_count"]
        assert (r.newest_grant.hex() if r.newest_grant is not None else None) == v["newest_grant"]
        assert bytes(rk.reencrypt(below)) == bytes(r), "re-encryption is deterministic"
        for o in v["opens"]:
            what = f"{v['name']} by {o['key']}"
            got = expect(lambda: users[o["key"]].open(pk, r), o["error"], None, what)
            if o["error"] is None:
                assert got == o["payload"].encode(), what
        below = r
    for v in g["record_decode_errors"]:
        expect(lambda: cipherchart.SealedRecord.from_bytes(h(v, "bytes")), v["error"], v["detail"], v["name"])
    for v in g["rekey_decode_errors"]:
        expect(lambda: cipherchart.ReKey.from_bytes(h(v, "bytes")), v["error"], v["detail"], v["name"])
