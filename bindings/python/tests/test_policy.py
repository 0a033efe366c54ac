"""cipherchart.Policy, tested through the installed wheel."""

from __future__ import annotations

import pickle
import threading
from typing import List

import pytest

import cipherchart
from cipherchart import Policy

TEXT = "role:physician and (dept:cardiology or patient:42)"
THRESHOLD = "2 of (role:nurse, dept:cardiology, hospital:h1)"
# The BLS12-381 scalar field order r: LSSS arithmetic is over Z_r.
R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001


def test_version() -> None:
    assert isinstance(cipherchart.__version__, str) and cipherchart.__version__.count(".") == 2


def test_parse_canonical_str_repr() -> None:
    p = Policy("  role:physician   and ((dept:cardiology) or patient:42) ")
    assert str(p) == TEXT
    assert repr(p) == f"Policy('{TEXT}')"
    assert Policy(str(p)) == p


def test_attributes() -> None:
    p = Policy(TEXT)
    assert p.attributes == ["role:physician", "dept:cardiology", "patient:42"]
    assert p.lsss_rho() == p.attributes


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        (["role:physician", "patient:42"], True),
        (["role:physician", "dept:cardiology"], True),
        (("role:physician", "dept:cardiology", "x:y"), True),
        (["role:physician"], False),
        (["dept:cardiology", "patient:42"], False),
        ([], False),
    ],
)
def test_is_satisfied_by(attrs: List[str], expected: bool) -> None:
    assert Policy(TEXT).is_satisfied_by(attrs) is expected


def test_is_satisfied_by_rejects_a_bare_string() -> None:
    # A str is a sequence of characters: refuse it rather than check single letters.
    with pytest.raises(cipherchart.InvalidArgument):
        Policy(TEXT).is_satisfied_by("role:physician")


def test_bytes_round_trip() -> None:
    p = Policy(TEXT)
    data = bytes(p)
    assert data == TEXT.encode()
    assert Policy.from_bytes(data) == p


def test_eq_hash() -> None:
    a, b, c = Policy(TEXT), Policy(" " + TEXT), Policy("a:b")
    assert a == b and hash(a) == hash(b)
    assert a != c
    assert len({a, b, c}) == 2
    assert a != TEXT  # no comparison with other types


def test_pickle() -> None:
    p = Policy(THRESHOLD)
    q = pickle.loads(pickle.dumps(p))
    assert type(q) is Policy and q == p


def test_immutable() -> None:
    p = Policy(TEXT)
    with pytest.raises(AttributeError):
        p.attributes = []  # type: ignore[misc]


def test_lsss_rows_lewko_waters() -> None:
    rows = Policy(TEXT).lsss_rows()
    assert len(rows) == 3
    assert all(len(r) == len(rows[0]) for r in rows)
    assert all(v in (0, 1, -1) for r in rows for v in r)


@pytest.mark.parametrize(
    ("text", "attrs"),
    [
        (TEXT, ["role:physician", "patient:42"]),
        (TEXT, ["role:physician", "dept:cardiology"]),
        (THRESHOLD, ["role:nurse", "hospital:h1"]),
        (THRESHOLD, ["dept:cardiology", "hospital:h1", "role:nurse"]),
    ],
)
def test_reconstruct_gives_the_target_vector(text: str, attrs: List[str]) -> None:
    p = Policy(text)
    rows, rho = p.lsss_rows(), p.lsss_rho()
    gamma = p.reconstruct(attrs)
    assert gamma is not None
    total = [0] * len(rows[0])
    for i, c in gamma:
        assert isinstance(c, int) and 0 <= c < R
        assert rho[i] in attrs
        total = [(t + c * v) % R for t, v in zip(total, rows[i])]
    assert total == [1] + [0] * (len(total) - 1)


def test_reconstruct_unsatisfied_is_none() -> None:
    assert Policy(TEXT).reconstruct(["role:physician"]) is None


def test_large_threshold_entries_are_exact_ints() -> None:
    # 20 of 24 needs powers up to 24^19 > 2^63: returned as exact residues mod r. (Kept
    # within the open-cost limit: 30 of 40 is now refused as too costly to open.)
    p = Policy("20 of (" + ", ".join(f"a:{i}" for i in range(24)) + ")")
    rows = p.lsss_rows()
    assert len(rows) == 24
    assert any(v >= 2**63 for r in rows for v in r)
    assert all(isinstance(v, int) and -(2**63) < v < R for r in rows for v in r)
    assert p.reconstruct([f"a:{i}" for i in range(20)]) is not None


def test_threads_share_policies() -> None:
    p = Policy(THRESHOLD)
    results: List[bool] = []

    def work() -> None:
        for _ in range(200):
            results.append(p.reconstruct(["role:nurse", "hospital:h1"]) is not None)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 800


def test_syntax_tree_and_lsss_shape() -> None:
    p = cipherchart.Policy("role:physician and (dept:cardiology or patient:42)")
    assert p.root == (
        "and",
        [("leaf", "role:physician"), ("or", [("leaf", "dept:cardiology"), ("leaf", "patient:42")])],
    )
    t = cipherchart.Policy("2 of (a:1, a:2, a:3)")
    assert t.root == ("threshold", 2, [("leaf", "a:1"), ("leaf", "a:2"), ("leaf", "a:3")])
    assert cipherchart.Policy("a:1").root == ("leaf", "a:1")
    flat = cipherchart.Policy("a:1 and (a:2 and a:3)")  # same-operator nesting is flattened
    assert flat.root == ("and", [("leaf", "a:1"), ("leaf", "a:2"), ("leaf", "a:3")])
    assert p.lsss_columns() == len(p.lsss_rows()[0]) == 2
    assert t.lsss_columns() == 2 and cipherchart.Policy("a:1 or a:2").lsss_columns() == 1
    shown = p.lsss_display()
    assert all(a in shown for a in p.lsss_rho()) and len(shown.strip().splitlines()) >= 3
