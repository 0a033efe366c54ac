"""The proof chain: entries for sealed records, roots, inclusion proofs, checkpoints, receipts."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import cipherchart
from cipherchart import (
    Chain,
    Checkpoint,
    Entry,
    EntryDraft,
    Policy,
    ProofFile,
    PublicKey,
    SealedRecord,
    BlsSigningKey,
)

LOG = BlsSigningKey.from_ikm(b"l" * 32)
ACTOR = BlsSigningKey.from_ikm(b"a" * 32)
T = 1_767_225_600


def records(pk: PublicKey, policy: Policy, n: int) -> list[SealedRecord]:
    return [cipherchart.seal(pk, policy, b"rec-%d" % i, b"", b"x") for i in range(n)]


def fill(chain: Chain, sealed: list[SealedRecord]) -> None:
    for i, r in enumerate(sealed):
        assert chain.sign_and_append(Entry.for_seal(r, T + i), ACTOR) == i


def test_memory_chain(pk: PublicKey, policy: Policy) -> None:
    chain = Chain()
    assert len(chain) == 0 and len(chain.root) == 32
    empty_root = chain.root
    sealed = records(pk, policy, 5)
    fill(chain, sealed)
    assert len(chain) == 5 and chain.root != empty_root
    entry = chain.entry(3)
    assert entry.sequence == 3 and entry.time == T + 3 and entry.action == "create"
    assert entry.subject == b"rec-3" and entry.actor == ACTOR.public_key
    assert entry.prev == chain.entry(2).hash
    assert chain.entry(4).hash == chain.last_hash
    entry.verify_signature()
    for i in range(5):
        proof = chain.prove_inclusion(i)
        assert proof.index == i and proof.size == 5
        proof.verify(chain.entry(i).leaf_hash, chain.root)
    with pytest.raises(cipherchart.VerificationFailed):
        chain.prove_inclusion(1).verify(chain.entry(2).leaf_hash, chain.root)
    chain.verify_all()


def test_entry_encoding(pk: PublicKey, policy: Policy) -> None:
    chain = Chain()
    fill(chain, records(pk, policy, 2))
    entry = chain.entry(1)
    assert Entry.from_bytes(bytes(entry)) == entry and entry != chain.entry(0)
    assert pickle.loads(pickle.dumps(entry)) == entry
    assert hash(Entry.from_bytes(bytes(entry))) == hash(entry)
    with pytest.raises(cipherchart.InvalidEncoding):
        Entry.from_bytes(bytes(entry)[:-1])


def test_checkpoint_and_receipt(pk: PublicKey, policy: Policy) -> None:
    chain = Chain()
    fill(chain, records(pk, policy, 7))
    cp = chain.checkpoint(LOG, "example.org/log")
    assert cp.size == 7 and cp.root == chain.root and cp.origin == "example.org/log"
    cp.verify(LOG.public_key)
    with pytest.raises(cipherchart.VerificationFailed):
        cp.verify(ACTOR.public_key)
    assert Checkpoint.from_note(cp.to_note()) == cp
    assert pickle.loads(pickle.dumps(cp)) == cp
    chain.verify_all(cp, LOG.public_key)
    receipt = ProofFile.from_text(chain.proof_file(4, cp).to_text())
    assert receipt.verify(LOG.public_key) == chain.entry(4)
    assert receipt.entry == chain.entry(4) and receipt.checkpoint == cp
    assert ProofFile.from_bytes(bytes(receipt)).verify(LOG.public_key).sequence == 4
    with pytest.raises(cipherchart.VerificationFailed):
        receipt.verify(ACTOR.public_key)
    with pytest.raises(cipherchart.InvalidArgument):
        chain.verify_all(cp)


def test_file_chain_reopens_and_detects_damage(
    tmp_path: Path, pk: PublicKey, policy: Policy
) -> None:
    path = tmp_path / "chain.log"
    chain = Chain.open_file(path)
    fill(chain, records(pk, policy, 4))
    root = chain.root
    cp = chain.checkpoint(LOG, "example.org/log")
    del chain
    again = Chain.open_file(str(path))
    assert len(again) == 4 and again.root == root and "file" in repr(again)
    again.verify_all(cp, LOG.public_key)
    del again
    # A damaged record is cut off at reopening (crash recovery); the checkpoint then shows
    # that signed entries are missing.
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    damaged = Chain.open_file(path)
    assert len(damaged) < 4
    with pytest.raises(cipherchart.ChainError) as info:
        damaged.verify_all(cp, LOG.public_key)
    assert info.value.code == "chain_error" and info.value.index is not None


def test_reencrypt_and_grant_entries(
    authority: cipherchart.Authority, pk: PublicKey
) -> None:
    record = cipherchart.seal(pk, Policy("patient:42"), b"ecg-1", b"", b"ECG")
    delegation = authority.issue_delegation_key(["patient:42"], ACTOR.public_key)
    rekey = delegation.rekey(pk, Policy("lab:l1"))
    shared = rekey.reencrypt(record)
    chain = Chain()
    chain.sign_and_append(Entry.for_reencrypt(shared, rekey.grant_id, T), ACTOR)
    assert chain.entry(0).action == "re-encrypt" and chain.entry(0).metadata == rekey.grant_id
    grant = cipherchart.Grant("patient-42", Policy("lab:l1"), (T, T + 10), purposes=["research"])
    token = cipherchart.ConsentToken.issue(ACTOR, grant)
    chain.sign_and_append(token.grant_entry(T).with_metadata(b"m"), ACTOR)
    assert chain.entry(1).action == "grant" and chain.entry(1).metadata == b"m"
    chain.verify_all()
