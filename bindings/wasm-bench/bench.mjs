// Speed of the cipherchart WASM build beside @noble/curves' pure-JS BLS12-381, in one node
// process: pairing, 6-pair multi-pairing (one open's pairing work), seal and open.
//
//   ./build && node bench.mjs [PKG_DIR] [--label NAME] [--json FILE]
//
// PKG_DIR is the output of ./build (default $CARGO_TARGET_DIR/wasm-bench/pkg, i.e.
// ../../target/wasm-bench/pkg). Every row is the median of per-operation samples after
// one warm-up call, sampled until 2 s or 31 samples (at least 5). The clock is the
// process's CPU time (process.cpuUsage(), user + system), not wall time: on a shared
// machine time spent descheduled would otherwise inflate every row (BENCH_CLOCK=wall
// switches to performance.now()). Compare rows from the same run.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bls12_381 as noble } from '@noble/curves/bls12-381.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const label = opt('--label') ?? 'wasm';
const jsonOut = opt('--json');
const pkgDir = resolve(args[0] ?? process.env.BENCH_PKG ?? resolve(here, '../../target/wasm-bench/pkg'));
const cc = createRequire(import.meta.url)(resolve(pkgDir, 'cipherchart.js'));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1];
}

const wall = process.env.BENCH_CLOCK === 'wall';
/** Milliseconds on the chosen clock. */
function now() {
  if (wall) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** ms per call of f (which performs `per` operations), median over samples. */
function time(f, per = 1, budgetMs = 2000) {
  f(); // warm-up (caches, JIT, lazy statics)
  const samples = [];
  const start = performance.now();
  while (samples.length < 5 || (samples.length < 31 && performance.now() - start < budgetMs)) {
    const t = now();
    f();
    samples.push((now() - t) / per);
  }
  return median(samples);
}

const rows = [];
const row = (what, impl, ms, note = '') => {
  rows.push({ what, impl, ms, note });
  console.error(`${what.padEnd(28)} ${impl.padEnd(34)} ${ms.toFixed(3).padStart(9)} ms ${note}`);
};

// --- noble: random-looking fixed points (scalar multiples of the generators).
const { G1, G2 } = noble;
const P = (k) => G1.Point.BASE.multiply(0x1234567890abcdefn * BigInt(k) + 1n);
const Q = (k) => G2.Point.BASE.multiply(0xfedcba0987654321n * BigInt(k) + 3n);
const p1 = P(1), q1 = Q(1);
const pairs6 = [1, 2, 3, 4, 5, 6].map((k) => ({ g1: P(k), g2: Q(k) }));

// Digests must agree between our variants (same inputs, same GT value).
const d = [cc.benchPairing(1), cc.benchPairingArk(1), cc.benchPairingCt(1)];
if (new Set(d).size !== 1) throw new Error(`pairing variants disagree: ${d}`);
const d6 = [cc.benchMultiPairing6(1), cc.benchMultiPairing6Ark(1), cc.benchMultiPairing6Ct(1)];
if (new Set(d6).size !== 1) throw new Error(`multi-pairing variants disagree: ${d6}`);

row('pairing', '@noble/curves 2.4.0 (pure JS)', time(() => noble.pairing(p1, q1)));
row('pairing', `cipherchart ${label} (public route)`, time(() => cc.benchPairing(1)));
row('pairing', `cipherchart ${label} arkworks Fq`, time(() => cc.benchPairingArk(1)));
row('pairing', `cipherchart ${label} CT tower`, time(() => cc.benchPairingCt(1)));
row('multi-pairing, 6 pairs', '@noble/curves 2.4.0 (pure JS)', time(() => noble.pairingBatch(pairs6)));
row('multi-pairing, 6 pairs', `cipherchart ${label} (public route)`, time(() => cc.benchMultiPairing6(1)));
row('multi-pairing, 6 pairs', `cipherchart ${label} arkworks Fq`, time(() => cc.benchMultiPairing6Ark(1)));
row('multi-pairing, 6 pairs', `cipherchart ${label} CT tower`, time(() => cc.benchMultiPairing6Ct(1)));
row('Fq mul (x1000)', `cipherchart ${label} arkworks Fq`, time(() => cc.benchFqMulArk(100000), 100));
row('Fq mul (x1000)', `cipherchart ${label} CT Fq`, time(() => cc.benchFqMulCt(100000), 100));

// --- seal / open through the public JS API (1 KiB payload, as benches/abe.rs).
const enc = (s) => new TextEncoder().encode(s);
const authority = cc.Authority.setup();
const pk = authority.publicKey();
const payload = new Uint8Array(1024).fill(0x5a);
for (const [shape, n] of [['and', 1], ['and', 5], ['and', 10], ['and', 50]]) {
  const attrs = Array.from({ length: n }, (_, i) => `pol:a${i + 1}`);
  const policy = cc.Policy.parse(attrs.join(` ${shape} `));
  const key = authority.issueKey(attrs);
  const rid = enc('bench-record-000000');
  const meta = enc('ecg');
  const sealed = cc.seal(pk, policy, rid, meta, payload); // also warms the point caches
  if (key.open(pk, sealed).length !== payload.length) throw new Error('open failed');
  row(`seal (${shape} of ${n}, 1 KiB)`, `cipherchart ${label}`, time(() => cc.seal(pk, policy, rid, meta, payload).free()));
  row(`open (${shape} of ${n}, 1 KiB)`, `cipherchart ${label}`, time(() => key.open(pk, sealed)));
}

console.log(`| operation | implementation | ms/op (median) |`);
console.log(`|---|---|---|`);
for (const r of rows) console.log(`| ${r.what} | ${r.impl} | ${r.ms.toFixed(2)} |`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ label, node: process.version, rows }, null, 2));
