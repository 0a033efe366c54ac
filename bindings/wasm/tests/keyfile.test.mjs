// Passphrase-protected key files (toKeyFile / fromKeyFile, KeyFileOptions) on every secret key
// type, and the key-file conformance vectors (tests/vectors/cipherchart-keyfiles.json, also read
// by tests/encodings_vectors/keyfiles.rs and bindings/python/tests/test_keyfiles.py). Work
// factor 15 keeps scrypt short (about 0.1-0.3 s per call in node); the vectors are at 15 too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as cc from 'cipherchart';
import * as verify from 'cipherchart/verify';

const { Authority, BlsSigningKey, DelegationKey, KeyFileError, KeyFileOptions, Policy, ReKey, UserKey } = cc;

const VECTORS = JSON.parse(readFileSync(new URL('../../../tests/vectors/cipherchart-keyfiles.json', import.meta.url), 'utf8'));
const PASS = 'correct horse battery staple';
const FAST = new KeyFileOptions().withWorkFactor(15);
const hex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));

// The vectors' type names: the class, and the key's canonical bytes.
const TYPES = {
  'master-key': [Authority, (k) => k.toSecretBytes()],
  'user-key': [UserKey, (k) => k.toBytes()],
  rekey: [ReKey, (k) => k.toBytes()],
  'delegation-key': [DelegationKey, (k) => k.toBytes()],
  'bls-signing-key': [BlsSigningKey, (k) => k.toSecretBytes()],
};

const kindOf = (fn) => {
  let kind;
  assert.throws(fn, (e) => {
    assert.ok(e instanceof KeyFileError && e instanceof cc.CipherchartError, `${e?.name}: ${e?.message}`);
    assert.equal(e.code, 'key_file_error');
    kind = e.kind;
    return true;
  });
  return kind;
};

test('round trip of every key type at work factor 15', () => {
  const authority = Authority.setup();
  const patient = BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x70));
  const keys = {
    'master-key': authority,
    'user-key': authority.issueKey(['role:nurse']),
    rekey: authority.issueDelegationKey(['patient:42'], patient.publicKey())
      .rekey(authority.publicKey(), Policy.parse('hospital:h2')),
    'delegation-key': authority.issueDelegationKey(['patient:42'], patient.publicKey()),
    'bls-signing-key': patient,
  };
  for (const [name, [cls, canonical]] of Object.entries(TYPES)) {
    const file = keys[name].toKeyFile(PASS, FAST);
    assert.ok(file instanceof Uint8Array, name);
    assert.equal(new TextDecoder().decode(file.subarray(0, 22)), 'age-encryption.org/v1\n', name);
    const back = cls.fromKeyFile(file, PASS);
    assert.ok(back instanceof cls, name);
    assert.deepEqual(canonical(back), canonical(keys[name]), name);
    back.free();
  }
  // The options object stays usable after the calls (they take a copy).
  assert.equal(FAST.workFactor, 15);
  for (const k of Object.values(keys)) k.free();
});

test('conformance: every valid file gives its key, and is the wrong key type for the others', () => {
  assert.deepEqual(VECTORS.valid.map((v) => v.type).sort(), Object.keys(TYPES).sort());
  for (const v of VECTORS.valid) {
    const [cls, canonical] = TYPES[v.type];
    const file = hex(v.file);
    const key = cls.fromKeyFile(file, v.passphrase);
    assert.deepEqual(canonical(key), hex(v.key), v.type);
    key.free();
    for (const [other, [otherCls]] of Object.entries(TYPES)) {
      if (other !== v.type) assert.equal(kindOf(() => otherCls.fromKeyFile(file, v.passphrase)), 'wrong_key_type', `${v.type} as ${other}`);
    }
  }
});

test('conformance: every error case gives its kind', () => {
  assert.ok(VECTORS.errors.length > 0);
  for (const e of VECTORS.errors) {
    const [cls] = TYPES[e.read_as];
    assert.equal(kindOf(() => cls.fromKeyFile(hex(e.file), e.passphrase)), e.kind, e.name);
  }
});

test('passphrases: lone surrogates and empty ones are invalid_passphrase; not normalised', () => {
  const key = BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x71));
  // wasm-bindgen would turn a lone surrogate into U+FFFD: it is refused before any conversion.
  assert.equal(kindOf(() => key.toKeyFile('\uD800', FAST)), 'invalid_passphrase');
  assert.equal(kindOf(() => key.toKeyFile('pass\uDC00word', FAST)), 'invalid_passphrase');
  assert.equal(kindOf(() => key.toKeyFile('', FAST)), 'invalid_passphrase');
  const file = key.toKeyFile('caf\u00e9 \u{1F511}', FAST);
  assert.equal(kindOf(() => BlsSigningKey.fromKeyFile(file, 'caf\u00e9 \uD83D')), 'invalid_passphrase');
  assert.deepEqual(BlsSigningKey.fromKeyFile(file, 'caf\u00e9 \u{1F511}').toSecretBytes(), key.toSecretBytes());
  assert.equal(kindOf(() => BlsSigningKey.fromKeyFile(file, 'cafe\u0301 \u{1F511}')), 'wrong_passphrase_or_damaged');
  // A passphrase is a string: bytes are a wrong argument.
  assert.throws(() => key.toKeyFile(new TextEncoder().encode(PASS), FAST), cc.InvalidArgument);
  key.free();
});

test('KeyFileOptions: defaults, builders return new options, range checks, 18 at most in WASM', () => {
  const d = new KeyFileOptions();
  assert.deepEqual([d.workFactor, d.maxWorkFactor], [18, 18]);
  assert.equal(d.workFactor, cc.KEY_FILE_WORK_FACTOR);
  assert.deepEqual([cc.MIN_KEY_FILE_WORK_FACTOR, cc.MAX_KEY_FILE_WORK_FACTOR, cc.MAX_KEY_FILE_LEN], [15, 20, 2 ** 20]);
  const strong = d.withWorkFactor(20).withMaxWorkFactor(16);
  assert.deepEqual([strong.workFactor, strong.maxWorkFactor], [20, 16]);
  assert.deepEqual([d.workFactor, d.maxWorkFactor], [18, 18]);
  assert.ok(FAST.equals(new KeyFileOptions().withWorkFactor(15)) && !FAST.equals(d));
  for (const n of [14, 21, 255, 256, 2 ** 40]) {
    assert.throws(() => d.withWorkFactor(n), cc.InvalidArgument, `withWorkFactor(${n})`);
    assert.throws(() => d.withMaxWorkFactor(n), cc.InvalidArgument, `withMaxWorkFactor(${n})`);
  }
  // WebAssembly's linear memory never shrinks: no reads above 18.
  assert.throws(() => d.withMaxWorkFactor(19), (e) => e instanceof cc.InvalidArgument && /WebAssembly/.test(e.message));
  assert.equal(d.withMaxWorkFactor(18).maxWorkFactor, 18);
  // Options must be KeyFileOptions of this build.
  const key = BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x72));
  assert.throws(() => key.toKeyFile(PASS, { workFactor: 15 }), cc.InvalidArgument);
  const freed = new KeyFileOptions();
  freed.free();
  assert.throws(() => key.toKeyFile(PASS, freed), cc.InvalidArgument);
  key.free();
});

test('work factor above the reader\'s maximum: work_factor_too_high, before any scrypt work', () => {
  const key = BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x73));
  const file = key.toKeyFile(PASS, new KeyFileOptions().withWorkFactor(16));
  assert.equal(kindOf(() => BlsSigningKey.fromKeyFile(file, PASS, FAST.withMaxWorkFactor(15))), 'work_factor_too_high');
  key.free();
});

test('the verify-only build has no key files', () => {
  assert.equal(verify.KeyFileOptions, undefined);
  assert.equal(typeof verify.KeyFileError, 'function');
});
