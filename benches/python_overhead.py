#!/usr/bin/env python3
"""Python binding overhead on `open` and `reencrypt`, against the native criterion
figure for the very same inputs.

1. Builds the inputs with the installed wheel (`cipherchart`): an authority, a key for
   an AND of N attributes, a 1 KiB record under that policy and a re-key, and writes
   their bytes to target/criterion/python/inputs/.
2. Times `key.open(pk, record)` and `rekey.reencrypt(record)` from Python: per pass,
   the median of ROUNDS calls after a warm-up (the K0 preparation is cached in the
   key, as in criterion's warm-up).
3. Runs the native bench on the same bytes (`cargo bench --bench records --
   records/python_inputs`, CIPHERCHART_PY_INPUTS pointing at the inputs) between the
   Python passes, so load drift hits both sides alike.
4. Writes target/criterion/python/overhead.json (read by scripts/bench-report):
   Python = the best of the per-pass medians, native = the best of the criterion
   medians, overhead = Python / native - 1.

Run from the repository root with the project venv:
    .venv/bin/python benches/python_overhead.py [--passes 3] [--n 10]
The wheel must be built from the same tree as the bench (see docs/performance.md).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import cipherchart as cc

ROUNDS = 30


def build_inputs(n, out):
    authority = cc.Authority.setup()
    pk = authority.public_key
    attrs = [f"py:a{i}" for i in range(1, n + 1)]
    policy = cc.Policy(" and ".join(attrs))
    key = authority.issue_key(attrs)
    payload = bytes([0x5A]) * 1024
    record = cc.seal(pk, policy, b"bench-record-000000", b"ecg", payload)
    target = cc.Policy(" and ".join(f"py:t{i}" for i in range(1, n + 1)))
    consent = cc.SigningKey.generate()
    rekey = authority.issue_delegation_key(attrs, consent.public_key).rekey(pk, target)
    assert key.open(pk, record) == payload
    os.makedirs(out, exist_ok=True)
    for name, obj in (("pk", pk), ("key", key), ("record", record), ("rekey", rekey)):
        with open(os.path.join(out, f"{name}.bin"), "wb") as f:
            f.write(bytes(obj))
    # Reload from bytes, as the native side does.
    return (cc.PublicKey.from_bytes(bytes(pk)), cc.UserKey.from_bytes(bytes(key)),
            cc.SealedRecord.from_bytes(bytes(record)), cc.ReKey.from_bytes(bytes(rekey)))


def time_python(fn):
    for _ in range(3):
        fn()
    samples = []
    for _ in range(ROUNDS):
        t = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - t)
    return statistics.median(samples)


def native(inputs, criterion_dir, exe=None):
    env = dict(os.environ, CIPHERCHART_PY_INPUTS=os.path.abspath(inputs),
               CRITERION_HOME=os.path.abspath(criterion_dir))
    if exe:
        # An already built bench executable (e.g. the one `scripts/bench-report --run`
        # built from a snapshot): no rebuild of a tree others are editing.
        cmd = [exe, "--bench", "records/python_inputs"]
    else:
        cmd = ["cargo", "bench", "--features", "parallel", "--bench", "records", "--",
               "records/python_inputs"]
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    out = {}
    for op in ("open", "reencrypt"):
        path = os.path.join(criterion_dir, "records_python_inputs", op, "new", "estimates.json")
        with open(path) as f:
            out[op] = json.load(f)["median"]["point_estimate"]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--n", type=int, default=10, help="attributes of the AND policy")
    ap.add_argument("--native-exe", help="the records bench executable to run instead of cargo")
    ap.add_argument("--dir", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"),
                                                  "criterion"))
    args = ap.parse_args()
    inputs = os.path.join(args.dir, "python", "inputs")
    pk, key, record, rekey = build_inputs(args.n, inputs)
    py = {"open": [], "reencrypt": []}
    nat = {"open": [], "reencrypt": []}
    for p in range(args.passes):
        py["open"].append(time_python(lambda: key.open(pk, record)))
        py["reencrypt"].append(time_python(lambda: rekey.reencrypt(record)))
        for op, v in native(inputs, args.dir, args.native_exe).items():
            nat[op].append(v)
        print(f"pass {p + 1}: python open {py['open'][-1] / 1e6:.2f} ms, reencrypt "
              f"{py['reencrypt'][-1] / 1e6:.2f} ms; native open {nat['open'][-1] / 1e6:.2f} ms, "
              f"reencrypt {nat['reencrypt'][-1] / 1e6:.2f} ms", flush=True)
    result = {
        "case": f"AND of {args.n}, 1 KiB",
        "method": (f"{args.passes} passes; Python: median of {ROUNDS} calls per pass "
                   "(time.perf_counter_ns), best pass; native: criterion median on the same "
                   "bytes (`records/python_inputs`), best pass; Python and native passes "
                   "interleaved. Python " + sys.version.split()[0] + ", wheel "
                   + os.path.dirname(cc.__file__)),
        "ops": {op: {"python_ns": min(py[op]), "native_ns": min(nat[op]),
                     "python_passes": py[op], "native_passes": nat[op]} for op in py},
    }
    out = os.path.join(args.dir, "python", "overhead.json")
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    for op, o in result["ops"].items():
        print(f"{op}: python {o['python_ns'] / 1e6:.3f} ms, native {o['native_ns'] / 1e6:.3f} ms, "
              f"overhead {(o['python_ns'] / o['native_ns'] - 1) * 100:+.1f}%")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
