"""Known answers for the Merkle layer: the transparency-dev proof probes
(tests/vectors/transparency-dev-merkle, see its README.txt), run through
`verify_inclusion` / `verify_consistency` (an error iff `wantErr`), and their happy paths
regenerated with `MerkleTree` from the 8-leaf reference tree. As in tests/chain/merkle_vectors.rs, a
hash that is not 32 bytes cannot be passed (the binding raises before the core runs), which
counts as a rejection; the one must-pass file with such values is checked with real roots.
The subtree probes are for proofs this log does not offer and are not run."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import cipherchart
from cipherchart import (
    EMPTY_ROOT,
    GENESIS,
    MerkleTree,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

DATA = Path(__file__).resolve().parents[3] / "tests" / "vectors" / "transparency-dev-merkle" / "testdata"
ONLY_32_BYTES = "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"
LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
          "606162636465666768696a6b6c6d6e6f"]


def probes(kind: str) -> List[Tuple[str, Dict[str, Any]]]:
    files = sorted((DATA / kind).rglob("*.json"))
    assert len(files) > 50, f"vectors missing under {DATA / kind}"
    return [(str(p.relative_to(DATA)), json.loads(p.read_text())) for p in files]


def b64(v: Any) -> bytes:
    return base64.b64decode(v) if isinstance(v, str) else b""


def proof(v: Any) -> List[bytes]:
    return [b64(h) for h in v] if v else []


def reference_tree() -> MerkleTree:
    tree = MerkleTree()
    for d in LEAVES:
        tree.push(leaf_hash(bytes.fromhex(d)))
    return tree


def rejected(call: Any) -> bool:
    try:
        call()
    except cipherchart.CipherchartError:
        return True
    except (TypeError, ValueError, OverflowError):  # not expressible: hash length, size
        return True
    return False


@pytest.mark.parametrize(("name", "v"), probes("inclusion"), ids=lambda x: x if isinstance(x, str) else "")
def test_inclusion_probe(name: str, v: Dict[str, Any]) -> None:
    got = rejected(lambda: verify_inclusion(
        b64(v["leafHash"]), v["leafIdx"], v["treeSize"], proof(v["proof"]), b64(v["root"])))
    assert got is v["wantErr"], name
    if not v["wantErr"] and name[0].isdigit():  # reference-tree files: same path
        p = reference_tree().inclusion_proof(v["leafIdx"], v["treeSize"])
        assert p.path == proof(v["proof"]), name


@pytest.mark.parametrize(("name", "v"), probes("consistency"), ids=lambda x: x if isinstance(x, str) else "")
def test_consistency_probe(name: str, v: Dict[str, Any]) -> None:
    if name == ONLY_32_BYTES:
        root = reference_tree().root_at(1)
        verify_consistency(1, 1, root, root, [])
        return
    got = rejected(lambda: verify_consistency(
        v["size1"], v["size2"], b64(v["root1"]), b64(v["root2"]), proof(v["proof"])))
    assert got is v["wantErr"], name
    if not v["wantErr"] and name[0].isdigit():
        tree = reference_tree()
        assert tree.root_at(v["size1"]) == b64(v["root1"]), name
        assert tree.consistency_proof(v["size1"], v["size2"]).path == proof(v["proof"]), name


@pytest.mark.parametrize("kind", ["inclusion", "consistency"])
def test_probe_counts(kind: str) -> None:
    want = [v["wantErr"] for _, v in probes(kind)]
    assert (want.count(False), want.count(True)) == (6, 92)


def test_reference_tree() -> None:
    tree = reference_tree()
    assert len(tree) == 8 and tree.leaf(0) == leaf_hash(b"")
    assert leaf_hash(b"")[:4] == bytes([0x6E, 0x34, 0x0B, 0x9C])
    assert tree.root_at(2) == node_hash(tree.leaf(0), tree.leaf(1))
    assert MerkleTree().root == EMPTY_ROOT and len(EMPTY_ROOT) == 32
    assert GENESIS == bytes(32) and cipherchart.Chain().last_hash == GENESIS
    with pytest.raises(cipherchart.CipherchartError):
        tree.leaf(8)
    with pytest.raises(cipherchart.CipherchartError):
        tree.root_at(9)
    assert "size=8" in repr(tree)
