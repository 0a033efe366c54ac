// The package as a whole: the exports map (import, require), the web build, and the typings.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import * as esm from 'cipherchart';

import { ANY_PUBLIC } from './typings.mjs';

const require = createRequire(import.meta.url);
const pkgDir = new URL('../pkg/', import.meta.url);
const read = (path) => readFileSync(new URL(path, pkgDir), 'utf8');

test('require() and import give the same API and the same classes', () => {
  const cjs = require('cipherchart');
  assert.deepEqual(Object.keys(cjs).sort(), Object.keys(esm).sort());
  assert.equal(cjs.Policy, esm.Policy);
  assert.equal(cjs.PolicySyntaxError, esm.PolicySyntaxError);
});

test('package.json: conditional exports with node, browser and default, typed', () => {
  const pkg = JSON.parse(read('package.json'));
  const root = pkg.exports['.'];
  assert.deepEqual(Object.keys(root), ['node', 'browser', 'default']);
  assert.ok(root.node.types && root.node.import && root.node.require);
  assert.equal(root.browser.default, './web/index.js');
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
});

test('the web build works after initSync and throws its own error classes', async () => {
  const web = await import(new URL('web/index.js', pkgDir));
  assert.equal(typeof web.default, 'function');
  web.initSync({ module: readFileSync(new URL('web/cipherchart_bg.wasm', pkgDir)) });
  const p = web.Policy.parse('a:b or c:d');
  assert.equal(p.toString(), 'a:b or c:d');
  assert.equal(p.isSatisfiedBy(['c:d']), true);
  assert.throws(() => web.Policy.parse('('), (e) => e instanceof web.PolicySyntaxError && e instanceof Error);
});

test('typings: error classes re-exported, public API free of `any`', () => {
  for (const build of ['node', 'web']) {
    const entry = read(`${build}/index.d.ts`);
    assert.match(entry, /PolicySyntaxError/);
    // Node's entry re-exports the web module's typings (one module, one .wasm).
    if (build === 'node') {
      assert.match(entry, /export \{ [^}]*\bPolicy\b[^}]* \} from '\.\.\/web\/cipherchart\.js';/);
      assert.doesNotMatch(entry, /initSync|InitInput/);
      continue;
    }
    const dts = read(`${build}/cipherchart.d.ts`);
    // The raw ABI (`interface InitOutput`, web build only) is not public API.
    const publicPart = dts.split('export interface InitOutput')[0]
      .replace(/\/\*[\s\S]*?\*\//g, ''); // doc comments may say "any" in prose
    assert.doesNotMatch(publicPart, ANY_PUBLIC, `${build}/cipherchart.d.ts uses any`);
    assert.match(publicPart, /lsssRows\(\): number\[\]\[\];/);
    assert.match(publicPart, /reconstruct\(attributes: string\[\]\): Array<\[number, string\]> \| undefined;/);
    assert.match(publicPart, /readonly attributes: string\[\];/);
  }
});
