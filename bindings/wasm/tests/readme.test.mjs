// The README's JavaScript runs on the Node versions `engines` allows (issue 23): every ```js
// block parses as an ES module on this node (Node 20 has no `using`), and the first block, which
// is self-contained, runs against the package.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
// Inside the package's node_modules, so that `import … from 'cipherchart'` resolves.
const dir = new URL('../node_modules/.readme-snippets/', import.meta.url);
mkdirSync(dir, { recursive: true });

test('engines allows this node', () => {
  const { engines } = JSON.parse(readFileSync(new URL('../package.template.json', import.meta.url), 'utf8'));
  const [major, minor] = process.versions.node.split('.').map(Number);
  const [, wantMajor, wantMinor] = /^>=(\d+)\.(\d+)$/.exec(engines.node).map(Number);
  assert.ok(major > wantMajor || (major === wantMajor && minor >= wantMinor), `${process.version} vs ${engines.node}`);
});

test('every README js block parses on this node', () => {
  assert.ok(blocks.length >= 5, `${blocks.length} blocks`);
  blocks.forEach((code, i) => {
    const file = fileURLToPath(new URL(`block-${i}.mjs`, dir));
    writeFileSync(file, code);
    const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, `README js block ${i} does not parse on ${process.version}:\n${r.stderr}\n${code}`);
  });
});

test('the first README block runs', () => {
  const file = fileURLToPath(new URL('block-run-0.mjs', dir));
  writeFileSync(file, blocks[0]);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
