// Policy through the npm package's `node` entry (resolved by name through its exports map).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Policy } from 'cipherchart';

const TEXT = 'role:physician and (dept:cardiology or patient:42)';

test('parse gives the canonical text, toString and attributes', () => {
  const p = Policy.parse('  role:physician   and ((dept:cardiology) or patient:42) ');
  assert.equal(p.toString(), TEXT);
  assert.equal(`${p}`, TEXT);
  assert.deepEqual(p.attributes, ['role:physician', 'dept:cardiology', 'patient:42']);
});

test('canonical text is a fixed point of parse', () => {
  const p = Policy.parse(TEXT);
  assert.ok(Policy.parse(p.toString()).equals(p));
});

test('isSatisfiedBy follows and/or', () => {
  const p = Policy.parse(TEXT);
  assert.equal(p.isSatisfiedBy(['role:physician', 'patient:42']), true);
  assert.equal(p.isSatisfiedBy(['role:physician', 'dept:cardiology']), true);
  assert.equal(p.isSatisfiedBy(['role:physician']), false);
  assert.equal(p.isSatisfiedBy(['dept:cardiology', 'patient:42']), false);
  assert.equal(p.isSatisfiedBy([]), false);
});

test('threshold gates: 2 of 3', () => {
  const p = Policy.parse('2 of (role:nurse, dept:cardiology, hospital:h1)');
  assert.equal(p.isSatisfiedBy(['role:nurse', 'hospital:h1']), true);
  assert.equal(p.isSatisfiedBy(['role:nurse']), false);
  assert.equal(p.lsssRows().length, 3);
});

test('toBytes / fromBytes round trip, as a Uint8Array of the canonical UTF-8 text', () => {
  const p = Policy.parse(TEXT);
  const bytes = p.toBytes();
  assert.ok(bytes instanceof Uint8Array);
  assert.equal(new TextDecoder().decode(bytes), TEXT);
  assert.ok(Policy.fromBytes(bytes).equals(p));
  assert.equal(Policy.parse('a:b').equals(p), false);
});

test('lsssRows and lsssRho describe M and ρ (Lewko–Waters: entries in {0, ±1})', () => {
  const p = Policy.parse(TEXT);
  const rows = p.lsssRows();
  assert.equal(rows.length, 3);
  for (const row of rows) {
    assert.equal(row.length, rows[0].length);
    for (const v of row) assert.ok([0, 1, -1].includes(v), `entry ${v}`);
  }
  assert.deepEqual(p.lsssRho(), p.attributes);
});

// The BLS12-381 scalar field order r: LSSS arithmetic is over Z_r.
const R = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
const mod = (x) => ((x % R) + R) % R;

test('reconstruct: coefficients combine the rows to (1, 0, …, 0) mod r; undefined when unsatisfied', () => {
  const cases = [
    [TEXT, [['role:physician', 'patient:42'], ['role:physician', 'dept:cardiology']]],
    ['2 of (role:nurse, dept:cardiology, hospital:h1)', [['role:nurse', 'hospital:h1'], ['dept:cardiology', 'hospital:h1']]],
  ];
  for (const [text, sets] of cases) {
    const p = Policy.parse(text);
    const rows = p.lsssRows();
    for (const attrs of sets) {
      const gamma = p.reconstruct(attrs);
      assert.ok(Array.isArray(gamma));
      const sum = rows[0].map(() => 0n);
      for (const [i, c] of gamma) {
        assert.equal(typeof i, 'number');
        assert.match(c, /^\d+$/);
        assert.ok(attrs.includes(p.lsssRho()[i]));
        rows[i].forEach((v, j) => { sum[j] = mod(sum[j] + BigInt(v) * BigInt(c)); });
      }
      assert.deepEqual(sum, [1n, ...sum.slice(1).map(() => 0n)], `${text} with ${attrs}`);
    }
  }
  assert.equal(Policy.parse(TEXT).reconstruct(['role:physician']), undefined);
});

test('free and Symbol.dispose release the object', () => {
  const p = Policy.parse(TEXT);
  p.free();
  assert.throws(() => p.toString());
  const q = Policy.parse(TEXT);
  q[Symbol.dispose]();
  assert.throws(() => q.toString());
});
