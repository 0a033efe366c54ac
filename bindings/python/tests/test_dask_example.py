"""The dask example (examples/python/dask_reencrypt.py) runs and matches the local batch.

Skipped only when dask.distributed is not installed (the `cipherchart[dask]` extra); CI
installs it from .ci/requirements.txt.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "python" / "dask_reencrypt.py"

needs_dask = pytest.mark.skipif(
    importlib.util.find_spec("dask") is None
    or importlib.util.find_spec("distributed") is None,
    reason="dask.distributed is not installed (pip install cipherchart[dask])",
)


@needs_dask
def test_example_on_two_worker_processes() -> None:
    # A subprocess: the example is a script with its own __main__ guard (dask's worker
    # processes re-import it), and a cluster left behind cannot leak into other tests.
    run = subprocess.run(
        [sys.executable, str(EXAMPLE), "--records", "24", "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "identical to the local reencrypt_batch" in run.stdout


@needs_dask
def test_example_rejects_a_wrong_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """The example's check is not vacuous: a worker returning another record fails it."""
    spec = importlib.util.spec_from_file_location("dask_reencrypt", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def swapped(rekey: object, chunk: list[object]) -> list[object]:
        out: list[object] = module.__dict__["_original_chunk"](rekey, chunk)
        return out[::-1]

    monkeypatch.setitem(module.__dict__, "_original_chunk", module.reencrypt_chunk)
    monkeypatch.setattr(module, "reencrypt_chunk", swapped)
    with pytest.raises(AssertionError):
        module.main(["--records", "4", "--workers", "1", "--threads"])
