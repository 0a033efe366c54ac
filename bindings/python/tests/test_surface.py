"""The public names of the package against ``bindings/surface.txt``, the one list of the
surface in Rust, Python and JavaScript (tests/surface.rs and bindings/wasm/tests/surface.test.mjs
check the other columns)."""

from __future__ import annotations

import types
from pathlib import Path
from typing import List, NamedTuple

import cipherchart
import cipherchart._native as native

SURFACE = Path(__file__).resolve().parents[2] / "surface.txt"


class Row(NamedTuple):
    kind: str
    rust: str
    python: str
    js: str
    verify: str


def rows() -> List[Row]:
    out = []
    for line in SURFACE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            kind, rust, python, js, verify = line.split()
            out.append(Row(kind, rust, python, js, verify))
    return out


def camel(snake: str) -> str:
    first, *rest = snake.split("_")
    return first + "".join(p[:1].upper() + p[1:] for p in rest)


def test_the_package_exports_exactly_the_listed_names() -> None:
    listed = {r.python for r in rows() if r.python != "-"}
    public = {
        n
        for n in dir(cipherchart)
        if not n.startswith("_") and not isinstance(getattr(cipherchart, n), types.ModuleType)
    }
    assert public == listed
    assert set(native.__all__) - {"__version__"} | set(cipherchart.errors.__all__) == listed


def test_one_name_per_concept() -> None:
    for r in rows():
        last = r.rust.rsplit("::", 1)[-1]
        if r.python == "-":
            # A Rust-only concept (a plain struct of arguments): no binding has it.
            assert r.js == "-" and r.rust != "-", r
            continue
        if r.kind in ("type", "const", "fn") and r.rust != "-":
            assert r.python == last, r
        if r.js != "-":
            assert r.js == (camel(r.python) if r.kind == "fn" else r.python), r


def test_limits_and_error_codes_come_from_the_core_table() -> None:
    limits = [r.python for r in rows() if r.rust.startswith("limits::")]
    for name in limits:
        assert isinstance(getattr(cipherchart, name), int), name
    codes = [r.rust for r in rows() if r.kind == "error" and r.rust not in ("Error", "Error::CODES")]
    assert list(native._ERROR_CODES) == codes
    assert list(cipherchart.ERROR_CLASSES) == codes
    for r in rows():
        if r.kind == "error" and r.rust in codes:
            assert cipherchart.ERROR_CLASSES[r.rust].__name__ == r.python
