// What `npm pack` ships: the node, web and verify builds, typings, the raw .wasm entries,
// README and licenses, and nothing else; every exports-map target is in it; the typings are
// precise (no `any`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { ANY_TYPE } from './typings.mjs';

const pkgDir = new URL('../pkg/', import.meta.url);
const require = createRequire(import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', pkgDir), 'utf8'));

const packed = (() => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: fileURLToPath(pkgDir),
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' },
  });
  const [report] = JSON.parse(out);
  return report;
})();
const files = new Set(packed.files.map((f) => f.path));

const BUILDS = ['web', 'verify/web'];
const snippet = (build) => [...files].find((f) => f.startsWith(`${build}/snippets/`) && f.endsWith('/js/errors.js'));

test('npm pack: name, version and the exact file list', () => {
  assert.equal(packed.name, 'cipherchart');
  assert.equal(packed.version, manifest.version);
  const expected = new Set(['package.json', 'README.md', 'LICENSE-APACHE', 'LICENSE-MIT']);
  for (const build of BUILDS) {
    const s = snippet(build);
    assert.ok(s, `${build}: errors.js snippet packed`);
    // constants.js / .d.ts: the core's limits and fixed hashes, written by scripts/wasm-package.mjs.
    for (const f of ['cipherchart.js', 'cipherchart.d.ts', 'cipherchart_bg.wasm', 'cipherchart_bg.wasm.d.ts',
      'index.d.ts', 'constants.js', 'constants.d.ts']) expected.add(`${build}/${f}`);
    expected.add(s);
    expected.add(s.replace(/\.js$/, '.d.ts'));
    expected.add(s.replace(/errors\.js$/, 'checks.js')); // the argument checks (js/checks.js)
    expected.add(`${build}/index.js`);
    // Node: entry points only, over the web build's module and .wasm.
    const node = build.replace(/web$/, 'node');
    for (const f of ['index.cjs', 'index.mjs', 'index.d.ts']) expected.add(`${node}/${f}`);
  }
  // cipherchart/ledger: one ES module (js/ledger.js) and its typings.
  expected.add('ledger/index.js');
  expected.add('ledger/index.d.ts');
  assert.deepEqual([...files].sort(), [...expected].sort());
});

test('every exports-map target is packed, and the raw ./wasm entries are valid modules', () => {
  const targets = [];
  const walk = (v) => (typeof v === 'string' ? targets.push(v) : Object.values(v).forEach(walk));
  walk(manifest.exports);
  walk(manifest.imports); // `#cipherchart-verify`, the ledger module's way to the verify build
  for (const t of targets) assert.ok(files.has(t.replace(/^\.\//, '')), `${t} packed`);
  for (const [entry, build] of [['cipherchart/wasm', 'web'], ['cipherchart/verify/wasm', 'verify/web']]) {
    const path = require.resolve(entry);
    assert.ok(path.endsWith(`${build}/cipherchart_bg.wasm`), path);
    assert.equal(WebAssembly.validate(readFileSync(path)), true, entry);
  }
  assert.deepEqual(Object.keys(manifest.exports['./verify']), ['node', 'browser', 'default']);
});

test('typings: no `any` in any packed .d.ts (doc comments aside)', () => {
  const dts = [...files].filter((f) => f.endsWith('.d.ts'));
  assert.equal(dts.length, 13, `${dts.length} .d.ts files`); // 5 per web build, 1 per node entry, ledger
  for (const f of dts) {
    const code = readFileSync(new URL(f, pkgDir), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(code, ANY_TYPE, f);
  }
});
