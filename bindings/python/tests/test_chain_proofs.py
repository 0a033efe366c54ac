"""The rest of the proof chain: consistency proofs, roots at a size, drafts built by hand
and signed elsewhere, checkpoint signing and note lines, receipts from parts and in the
tlog-proof form, and the file store's recovery report."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pytest

import cipherchart
from cipherchart import (
    Chain,
    Checkpoint,
    ConsistencyProof,
    Entry,
    EntryDraft,
    InclusionProof,
    ProofFile,
    BlsSigningKey,
    key_id,
    verify_consistency,
    verify_inclusion,
)

LOG = BlsSigningKey.from_ikm(b"L" * 32)
ACTOR = BlsSigningKey.from_ikm(b"A" * 32)
T = 1_767_225_600
ORIGIN = "hospital.example/log"


def draft(i: int) -> EntryDraft:
    return EntryDraft.for_payload(T + i, "update", b"lot-%d" % i, b"reading %d" % i)


def chain_of(n: int) -> Chain:
    chain = Chain()
    for i in range(n):
        chain.sign_and_append(draft(i), ACTOR)
    return chain


def test_consistency_proofs_between_every_pair_of_sizes() -> None:
    chain = chain_of(7)
    assert chain.root_at(7) == chain.root
    for old in range(1, 8):
        proof = chain.prove_consistency(old)
        assert (proof.old_size, proof.new_size) == (old, 7)
        proof.verify(chain.root_at(old), chain.root)
        verify_consistency(old, 7, chain.root_at(old), chain.root, proof.path)
        for new in range(old, 8):
            between = chain.prove_consistency_between(old, new)
            between.verify(chain.root_at(old), chain.root_at(new))


def test_consistency_proof_rejects_wrong_roots_and_paths() -> None:
    chain = chain_of(6)
    proof = chain.prove_consistency(3)
    with pytest.raises(cipherchart.VerificationFailed):
        proof.verify(chain.root_at(2), chain.root)
    with pytest.raises(cipherchart.VerificationFailed):
        proof.verify(chain.root_at(3), chain.root_at(5))
    assert proof.path, "a proof from 3 to 6 is not empty"
    bad = [bytes(32)] + proof.path[1:]
    with pytest.raises(cipherchart.VerificationFailed):
        ConsistencyProof(3, 6, bad).verify(chain.root_at(3), chain.root)
    with pytest.raises(cipherchart.VerificationFailed):
        ConsistencyProof(3, 6, proof.path[:-1]).verify(chain.root_at(3), chain.root)
    with pytest.raises(cipherchart.InvalidArgument):
        chain.prove_consistency(0)
    with pytest.raises(cipherchart.InvalidArgument):
        chain.prove_consistency(7)
    with pytest.raises(cipherchart.InvalidArgument):
        verify_consistency(4, 3, chain.root_at(3), chain.root_at(3), [])


def test_consistency_proof_encoding() -> None:
    proof = chain_of(5).prove_consistency(2)
    again = ConsistencyProof.from_bytes(bytes(proof))
    assert again == proof and hash(again) == hash(proof)
    assert pickle.loads(pickle.dumps(proof)) == proof
    assert ConsistencyProof(proof.old_size, proof.new_size, proof.path) == proof
    assert repr(proof) == "ConsistencyProof(old_size=2, new_size=5)"
    with pytest.raises(cipherchart.InvalidEncoding):
        ConsistencyProof.from_bytes(bytes(proof)[:-1])
    with pytest.raises(cipherchart.InvalidEncoding):
        ConsistencyProof.from_bytes(bytes(chain_of(1).entry(0)))


def test_inclusion_at_an_earlier_size() -> None:
    chain = chain_of(6)
    for size in range(1, 7):
        for i in range(size):
            proof = chain.prove_inclusion_at(i, size)
            assert (proof.index, proof.size) == (i, size)
            proof.verify(chain.entry(i).leaf_hash, chain.root_at(size))
            verify_inclusion(chain.entry(i).leaf_hash, i, size, proof.path, chain.root_at(size))
            assert InclusionProof(i, size, proof.path) == proof
    with pytest.raises(cipherchart.VerificationFailed):
        verify_inclusion(chain.entry(1).leaf_hash, 0, 6, chain.prove_inclusion(0).path, chain.root)
    with pytest.raises(cipherchart.CipherchartError):
        chain.prove_inclusion_at(3, 3)
    with pytest.raises(cipherchart.CipherchartError):
        chain.root_at(7)


def test_entry_draft_by_hand() -> None:
    digest = hashlib.sha256(b"payload").digest()
    d = EntryDraft(T, "share", b"rec-1", digest)
    assert (d.time, d.action, d.action_code, d.subject, d.digest, d.metadata) == (
        T, "share", 4, b"rec-1", digest, b""
    )
    assert d == EntryDraft.for_payload(T, "share", b"rec-1", b"payload")
    assert d == EntryDraft(T, 4, b"rec-1", digest)
    assert d != EntryDraft(T, "read", b"rec-1", digest)
    assert d.with_metadata(b"m").metadata == b"m" and d.metadata == b""
    ext = EntryDraft(T, 0x0100, b"x", digest)
    assert ext.action == "extension-0x0100" and ext.action_code == 0x0100
    # Every action's name parses back to it, extensions included.
    assert EntryDraft(T, ext.action, b"x", digest) == ext
    names = ["create", "update", "read", "share", "re-encrypt", "grant", "revoke", "custody"]
    assert [EntryDraft(T, n, b"", digest).action_code for n in names] == list(range(1, 9))
    with pytest.raises(cipherchart.InvalidArgument):
        EntryDraft(T, "delete", b"x", digest)
    with pytest.raises(cipherchart.InvalidArgument):
        EntryDraft(T, "extension-0x00ff", b"x", digest)  # a name below the extension range
    with pytest.raises(cipherchart.InvalidEncoding):
        EntryDraft(T, 0x00FF, b"x", digest)  # neither a standard code nor an extension
    with pytest.raises((TypeError, ValueError)):
        EntryDraft(T, "read", b"x", digest[:31])


def test_sign_elsewhere_then_append() -> None:
    chain = chain_of(2)
    entry = draft(2).with_metadata(b"offline").sign(len(chain), chain.last_hash, ACTOR)
    assert entry.sequence == 2 and entry.action_code == 2 and entry.metadata == b"offline"
    ACTOR.public_key.verify(entry.signed_message(), entry.signature)
    assert chain.append(entry) == 2 and chain.entry(2) == entry
    chain.verify_all()
    stale = draft(3).sign(2, chain.entry(1).hash, ACTOR)  # position already taken
    with pytest.raises(cipherchart.InvalidArgument, match="next position"):
        chain.append(stale)
    wrong_link = draft(3).sign(3, chain.entry(1).hash, ACTOR)
    with pytest.raises(cipherchart.InvalidArgument, match="link"):
        chain.append(wrong_link)
    assert len(chain) == 3
    with pytest.raises(cipherchart.InvalidArgument):
        EntryDraft(T, "read", b"s" * 1025, bytes(32)).sign(0, bytes(32), ACTOR)


def test_checkpoint_sign_and_note_lines() -> None:
    chain = chain_of(4)
    cp = Checkpoint.sign(ORIGIN, len(chain), chain.root, LOG)
    assert cp == chain.checkpoint(LOG, ORIGIN)  # BLS signing is deterministic
    cp.verify(LOG.public_key)
    assert cp.extensions == []
    [line] = cp.signatures
    assert line.key_name == ORIGIN and line.key_id == key_id(ORIGIN, LOG.public_key)
    assert len(line.key_id) == 4 and len(line.signature) == 96
    assert line.key_id != key_id("other.example/log", LOG.public_key)
    assert cp.to_note().startswith(cp.note_text())
    assert cp.note_text() == f"{ORIGIN}\n4\n" + cp.to_note().split("\n")[2] + "\n"
    with pytest.raises(cipherchart.InvalidArgument):
        Checkpoint.sign("has space", 4, chain.root, LOG)
    forged = Checkpoint.sign(ORIGIN, 4, chain.root_at(3), LOG)
    with pytest.raises(cipherchart.ChainError):
        chain.verify_all(forged, LOG.public_key)


def test_proof_file_from_parts_and_tlog_form() -> None:
    chain = chain_of(5)
    cp = chain.checkpoint(LOG, ORIGIN)
    made = ProofFile(cp, chain.entry(3), chain.prove_inclusion(3))
    assert bytes(made) == bytes(chain.proof_file(3, cp))
    assert made.proof == chain.prove_inclusion(3)
    text = made.to_tlog_proof()
    assert text.startswith("c2sp.org/tlog-proof@v1\nextra ")
    again = ProofFile.from_tlog_proof(text)
    assert bytes(again) == bytes(made)
    assert again.verify(LOG.public_key) == chain.entry(3)
    with pytest.raises(cipherchart.InvalidArgument):
        ProofFile(cp, chain.entry(2), chain.prove_inclusion(3))
    with pytest.raises(cipherchart.InvalidArgument):
        ProofFile(cp, chain.entry(3), chain.prove_inclusion_at(3, 4))
    with pytest.raises(cipherchart.InvalidEncoding):
        ProofFile.from_tlog_proof(text.replace("c2sp.org/tlog-proof@v1", "c2sp.org/other"))
    with pytest.raises(cipherchart.InvalidEncoding):
        ProofFile.from_tlog_proof("not a proof")


def test_recovery_report(tmp_path: Path) -> None:
    assert Chain().recovery is None
    path = tmp_path / "log.cclog"
    chain = Chain.open_file(path)
    rec = chain.recovery
    assert rec is not None and rec.is_clean and rec.records == 0 and not rec.damaged
    for i in range(3):
        chain.sign_and_append(draft(i), ACTOR)
    del chain
    size = path.stat().st_size
    with open(path, "ab") as f:
        f.write(b"\x00\x00\x01")  # a torn write: a length prefix cut short
    ro = Chain.open_file(path, read_only=True)
    rec = ro.recovery
    assert rec is not None and not rec.is_clean
    assert (rec.records, rec.kept_bytes, rec.dropped_bytes) == (3, size, 3)
    assert path.stat().st_size == size + 3, "read-only leaves the file as it is"
    assert len(ro) == 3
    with pytest.raises(cipherchart.CipherchartError):
        ro.sign_and_append(draft(3), ACTOR)
    rw = Chain.open_file(path)
    rec = rw.recovery
    assert rec is not None and rec.dropped_bytes == 3 and path.stat().st_size == size
    assert rec == rw.recovery and "Recovery(records=3" in repr(rec)
    with pytest.raises(cipherchart.CipherchartError):
        Chain.open_file(tmp_path / "missing.cclog", read_only=True)


def test_entry_action_code_and_signed_message() -> None:
    entry = chain_of(1).entry(0)
    assert entry.action == "update" and entry.action_code == 2
    assert isinstance(entry.signed_message(), bytes)
    with pytest.raises(cipherchart.VerificationFailed):
        ACTOR.public_key.verify(entry.signed_message() + b"x", entry.signature)
    assert isinstance(Entry.from_bytes(bytes(entry)), Entry)


def test_chain_from_records() -> None:
    chain = chain_of(4)
    records = [bytes(chain.entry(i)) for i in range(4)]
    copy = Chain.from_records(records)
    assert len(copy) == 4 and copy.root == chain.root and copy.last_hash == chain.last_hash
    copy.verify_all(chain.checkpoint(LOG, ORIGIN), LOG.public_key)
    assert Chain.from_records([]).root == cipherchart.EMPTY_ROOT
    for bad, kind, index in [
        (records[:1] + records[2:], "sequence", 1),  # a record missing
        (records[:3] + [records[3][:-1]], "encoding", 3),  # a record cut short
        ([records[1]] + records[1:], "sequence", 0),
    ]:
        with pytest.raises(cipherchart.ChainError) as info:
            Chain.from_records(bad)
        assert (info.value.kind, info.value.index) == (kind, index)
