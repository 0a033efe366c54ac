// The package's exports (full and verify-only builds) against bindings/surface.txt, the one
// list of the public surface in Rust, Python and JavaScript (tests/surface.rs and
// bindings/python/tests/test_surface.py check the other columns).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';
import * as v from 'cipherchart/verify';
// The raw wasm-bindgen module of the full build (already initialised by the entry above).
import * as raw from '../pkg/web/cipherchart.js';

import { SURFACE, jsNames, verifyNames } from './surface.mjs';

const camel = (snake) => snake.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

test('the package exports exactly the listed names', () => {
  assert.deepEqual(Object.keys(cc).sort(), jsNames().sort());
  assert.deepEqual(Object.keys(v).sort(), verifyNames().sort());
});

test('one name per concept: the JavaScript column follows the rule', () => {
  for (const r of SURFACE) {
    if (r.js === '-') continue;
    assert.equal(r.js, r.kind === 'fn' ? camel(r.python) : r.python, r.python);
  }
});

test('constants are the core table; ERROR_CLASSES follows the core codes', () => {
  for (const name of jsNames('const')) {
    const value = cc[name];
    assert.ok(Number.isSafeInteger(value) || value instanceof Uint8Array, name);
    assert.deepEqual(v[name], value, name);
  }
  const codes = SURFACE.filter((r) => r.kind === 'error' && r.rust !== 'Error' && r.rust !== 'Error::CODES')
    .map((r) => r.rust);
  assert.deepEqual(raw._errorCodes(), codes);
  assert.deepEqual(Object.keys(cc.ERROR_CLASSES).sort(), [...codes].sort());
  for (const r of SURFACE.filter((x) => codes.includes(x.rust))) assert.equal(cc.ERROR_CLASSES[r.rust].name, r.js);
});
