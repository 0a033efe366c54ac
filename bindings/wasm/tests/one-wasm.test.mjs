// One .wasm per build (issue 23): Node and browsers run the same bytes. The package holds
// exactly two WebAssembly modules (the full and the verify-only build, under web/), and the
// Node entry points load those files rather than a copy.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import * as full from 'cipherchart';
import * as verify from 'cipherchart/verify';

const pkgDir = new URL('../pkg/', import.meta.url);
const require = createRequire(import.meta.url);

function wasmFiles(dir = pkgDir, prefix = '') {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...wasmFiles(new URL(`${e.name}/`, dir), `${prefix}${e.name}/`));
    else if (e.name.endsWith('.wasm')) out.push(`${prefix}${e.name}`);
  }
  return out.sort();
}

test('the package holds one .wasm per build', () => {
  assert.deepEqual(wasmFiles(), ['verify/web/cipherchart_bg.wasm', 'web/cipherchart_bg.wasm']);
  const sha = (p) => createHash('sha256').update(readFileSync(new URL(p, pkgDir))).digest('hex');
  assert.notEqual(sha('web/cipherchart_bg.wasm'), sha('verify/web/cipherchart_bg.wasm'));
});

test('the Node entry points load the web build\'s .wasm and module', () => {
  for (const [node, web] of [['node', '../web'], ['verify/node', '../web']]) {
    for (const f of ['index.cjs', 'index.mjs']) {
      const src = readFileSync(new URL(`${node}/${f}`, pkgDir), 'utf8');
      assert.match(src, new RegExp(`${web.replace(/[./]/g, '\\$&')}/cipherchart_bg\\.wasm`), `${node}/${f}`);
      assert.match(src, /initSync\(/, `${node}/${f}`);
    }
  }
  // import and require give the same module instance: one memory, one set of classes.
  const cjs = require('cipherchart');
  assert.equal(cjs.Policy, full.Policy);
  assert.equal(cjs.PolicySyntaxError, full.PolicySyntaxError);
  const p = cjs.Policy.parse('a:b or c:d');
  assert.ok(p instanceof full.Policy);
  assert.equal(require('cipherchart/verify').Policy, verify.Policy);
  assert.equal(typeof full.default, 'undefined');
});
