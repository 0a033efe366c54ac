// Errors are real Error subclasses with stable codes, exported so that instanceof works.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const { Policy, CipherchartError, ERROR_CLASSES } = cc;

const CODES = {
  InvalidEncoding: 'invalid_encoding',
  PolicySyntaxError: 'policy_syntax',
  PolicyInvalid: 'policy_invalid',
  LimitExceeded: 'limit_exceeded',
  InvalidAttribute: 'invalid_attribute',
  PolicyNotSatisfied: 'policy_not_satisfied',
  DecryptionFailed: 'decryption_failed',
  VerificationFailed: 'verification_failed',
  WrongAuthority: 'wrong_authority',
  InvalidArgument: 'invalid_argument',
  IoError: 'io',
  ConsentError: 'consent_error',
  ChainError: 'chain_error',
  KeyFileError: 'key_file_error',
  StaleNotice: 'stale_notice',
  NoticeRollback: 'notice_rollback',
  FutureVersion: 'future_version',
  StaleReKey: 'stale_rekey',
};

test('every error class is exported, derives from CipherchartError and Error, with its code', () => {
  for (const [name, code] of Object.entries(CODES)) {
    const cls = cc[name];
    assert.equal(typeof cls, 'function', name);
    assert.equal(cls.code, code);
    assert.equal(ERROR_CLASSES[code], cls);
    const e = new cls('message');
    assert.ok(e instanceof cls && e instanceof CipherchartError && e instanceof Error);
    assert.equal(e.code, code);
    assert.equal(e.name, name);
    assert.equal(e.message, 'message');
  }
  assert.deepEqual(Object.keys(ERROR_CLASSES).sort(), Object.values(CODES).sort());
  assert.ok(Object.isFrozen(ERROR_CLASSES));
});

// The Rust side is the source of truth: every code in the core's table `Error::CODES` (which
// its unit tests check against every code `Error::code()` returns) has a class.
test('every Rust error code (src/error.rs) maps to its own class', () => {
  const src = readFileSync(new URL('../../../src/error.rs', import.meta.url), 'utf8');
  const body = src.slice(src.indexOf("pub const CODES: &'static [&'static str] = &["));
  const codes = [...body.slice(0, body.indexOf('];')).matchAll(/"([a-z_]+)",/g)].map((m) => m[1]);
  assert.ok(codes.length >= 13, `found ${codes.length} codes`);
  assert.deepEqual([...codes].sort(), Object.keys(ERROR_CLASSES).sort());
  for (const c of codes) assert.notEqual(ERROR_CLASSES[c], CipherchartError, c);
});

test('an unknown code still gives a CipherchartError carrying it', async () => {
  const snippets = new URL('../pkg/web/snippets/', import.meta.url);
  const dir = readdirSync(snippets).find((d) => d.startsWith('cipherchart-wasm-'));
  const { _fromNative } = await import(new URL(`${dir}/js/errors.js`, snippets));
  const e = _fromNative('future_code', 'm', undefined);
  assert.ok(e instanceof CipherchartError);
  assert.equal(e.code, 'future_code');
});

test('internal helpers are not exported', () => {
  assert.equal(cc._fromNative, undefined);
});

test('a syntax error is a PolicySyntaxError with a position', () => {
  const err = assert.throws(() => Policy.parse('role:physician and ('), (e) => {
    assert.ok(e instanceof cc.PolicySyntaxError);
    assert.ok(e instanceof CipherchartError);
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'policy_syntax');
    assert.equal(e.position, 20);
    assert.match(e.message, /at byte 20/);
    assert.ok(e.stack.includes('PolicySyntaxError'));
    return true;
  });
  assert.equal(err, undefined);
});

test('a repeated attribute is PolicyInvalid', () => {
  assert.throws(() => Policy.parse('a:b and a:b'), (e) => e instanceof cc.PolicyInvalid && e.code === 'policy_invalid');
});

test('non-canonical or non-UTF-8 bytes are InvalidEncoding', () => {
  assert.throws(() => Policy.fromBytes(new TextEncoder().encode('a:b  and c:d')),
    (e) => e instanceof cc.InvalidEncoding && e.code === 'invalid_encoding');
  assert.throws(() => Policy.fromBytes(new Uint8Array([0xff, 0xfe])), cc.InvalidEncoding);
});

test('a key, re-key or record of another authority is WrongAuthority (before any pairing)', () => {
  const enc = (t) => new TextEncoder().encode(t);
  const [a, b] = [cc.Authority.setup(), cc.Authority.setup()];
  const record = cc.seal(a.publicKey(), Policy.parse('patient:42'), enc('r'), enc(''), enc('x'));
  const keyB = b.issueKey(['patient:42']);
  const wrong = (e) => {
    assert.ok(e instanceof cc.WrongAuthority && e instanceof CipherchartError, `${e?.name}: ${e?.message}`);
    assert.equal(e.code, 'wrong_authority');
    assert.equal(e.kind, undefined);
    assert.match(e.message, /another authority/);
    return true;
  };
  assert.throws(() => keyB.open(a.publicKey(), record), wrong);
  assert.throws(() => keyB.open(b.publicKey(), record), wrong);
  const delegator = cc.BlsSigningKey.generate().publicKey();
  const rekeyB = b.issueDelegationKey(['patient:42'], delegator).rekey(b.publicKey(), Policy.parse('role:x'));
  assert.throws(() => rekeyB.reencrypt(record), wrong);
  assert.throws(() => b.issueDelegationKey(['patient:42'], delegator).rekey(a.publicKey(), Policy.parse('role:x')), wrong);
});

test('an oversized policy is LimitExceeded', () => {
  const huge = Array.from({ length: 300 }, (_, i) => `a:${i}`).join(' or ');
  assert.throws(() => Policy.parse(huge), (e) => e instanceof cc.LimitExceeded && e.code === 'limit_exceeded');
});
