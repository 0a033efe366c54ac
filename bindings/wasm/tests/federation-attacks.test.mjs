// Outside review of federation (cross-authority re-encryption) through the JavaScript (WASM)
// binding: attacks on DelegationKey.rekeyTo, UserKey.openFederated, ReKey.targetAuthority,
// SealedRecord.currentAuthority and the refusal of DelegationKey.rekey, designed from
// docs/federation.md, the package README and its typings only. Each test is one attack, with
// the attack, the safe behaviour expected and the doc relied on. An attack that succeeds is a
// finding and is skipped with its id (`FINDING FB-n`); the others stay as regression tests.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { test } from 'node:test';

import * as cc from 'cipherchart';
import * as v from 'cipherchart/verify';

const { Authority, BlsSigningKey, DelegationKey, Policy, PublicKey, ReKey, SealedRecord, UserKey, seal } = cc;
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const toHex = (b) => Buffer.from(b).toString('hex');

const PATIENT = BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x42));
const CHART = 'patient:42 or (role:physician and dept:oncology)';
const AUDIENCE = Policy.parse('role:physician and dept:cardiology');
const META = enc('category=cardiology;marker=7f3a');
const PAYLOAD = 'PAYLOAD-SECRET-fed-91c2';

const [a, b, c] = [Authority.setup(), Authority.setup(), Authority.setup()];
const [pkA, pkB, pkC] = [a.publicKey(), b.publicKey(), c.publicKey()];
const delegation = (auth = a) => auth.issueDelegationKey(['patient:42'], PATIENT.publicKey());
const chart = (auth = a, id = 'r1') => seal(auth.publicKey(), Policy.parse(CHART), enc(id), META, enc(PAYLOAD));
const referral = (from = a, to = pkB) => delegation(from).rekeyTo(to, AUDIENCE);
const doctor = (auth = b) => auth.issueKey(['role:physician', 'dept:cardiology']);
const referred = referral().reencrypt(chart());
const doctorB = doctor();

/** `call` must throw exactly InvalidArgument (code invalid_argument), optionally matching `re`. */
const invalidArgument = (call, re, what) => assert.throws(call, (e) => {
  assert.equal(e?.constructor, cc.InvalidArgument, `${what ?? ''}: ${e?.constructor?.name}: ${e?.message}`);
  assert.equal(e.code, 'invalid_argument');
  assert.ok(e instanceof cc.CipherchartError);
  if (re) assert.match(e.message, re);
  return true;
}, what);

/** A stand-in of `cls` with the raw pointer `ptr` (what wasm-bindgen objects are made of). */
const forge = (cls, ptr) => Object.assign(Object.create(cls.prototype), { __wbg_ptr: ptr });
const getter = (cls, name) => Object.getOwnPropertyDescriptor(cls.prototype, name).get;

test('a publicKeys of the wrong shape is InvalidArgument; bad encodings are InvalidEncoding', () => {
  // Attack: publicKeys as a single PublicKey, null, undefined, a string, a Uint8Array (one
  // encoding: an array-like of numbers), a Set, a Map, an array-like object, `arguments`, an
  // iterator, a typed array; arrays holding holes, null, undefined, numbers, strings, a record,
  // a UserKey, a ReKey, an Authority, a nested array, an ArrayBuffer, a Uint16Array, a
  // DataView, objects of the verify-only build, a plain object with a copied __wbg_ptr; public
  // key encodings truncated, extended, or of another object type (a UserKey's bytes).
  // Safe: InvalidArgument for every wrong shape, InvalidEncoding (with the decoder's kind) for
  // bytes that do not decode; an empty list is WrongAuthority; a Buffer is bytes.
  // Doc: typings openFederated(publicKeys: Array<PublicKey | Uint8Array>, ...) "InvalidEncoding
  // for a public key that does not decode"; README "arrays must be arrays (a bare string is
  // not a string[])", "bytes must be a Uint8Array (a Buffer is one)".
  const whole = [pkA, null, undefined, 'ab', pkA.toBytes(), new Set([pkA, pkB]), new Map([[0, pkA], [1, pkB]]),
    { length: 2, 0: pkA, 1: pkB }, (function () { return arguments; })(pkA, pkB), [pkA, pkB].values(), new Uint8Array(2)];
  for (const bad of whole) invalidArgument(() => doctorB.openFederated(bad, referred), /publicKeys/, inspect(bad, { depth: 0 }));
  // eslint-disable-next-line no-sparse-arrays
  const holey = [pkA, , pkB];
  const elements = [null, undefined, 1, 'x', referred, doctorB, referral(), b, [pkA, pkB], pkB.toBytes().buffer,
    new Uint16Array(8), new DataView(new ArrayBuffer(8)), v.BlsPublicKey.fromBytes(PATIENT.publicKey().toBytes()),
    v.Policy.parse('a:b'), { __wbg_ptr: pkB.__wbg_ptr }, Array.from(pkB.toBytes())];
  invalidArgument(() => doctorB.openFederated(holey, referred), /\[1\]/);
  for (const bad of elements) invalidArgument(() => doctorB.openFederated([pkA, pkB, bad], referred), undefined, inspect(bad, { depth: 0 }));
  const raw = pkB.toBytes();
  for (const [bytes, kind] of [[raw.slice(0, 50), 'truncated'], [new Uint8Array([...raw, 0]), 'trailing_bytes'], [doctorB.toBytes(), 'wrong_type'],
    [new Uint8Array(3), undefined]]) {
    assert.throws(() => doctorB.openFederated([pkA, bytes], referred),
      (e) => e instanceof cc.InvalidEncoding && e.code === 'invalid_encoding' && (kind === undefined || e.kind === kind), kind);
  }
  assert.throws(() => doctorB.openFederated([], referred), (e) => e instanceof cc.WrongAuthority && e.code === 'wrong_authority');
  assert.equal(dec(doctorB.openFederated([pkA, Buffer.from(raw)], referred)), PAYLOAD);
  assert.equal(dec(doctorB.openFederated([pkB, pkA, pkB, pkA.toBytes()], referred)), PAYLOAD);
});

test('the record argument must be a live SealedRecord', () => {
  // Attack: the record as its bytes, null, a PublicKey, a ReKey, a freed record, a record of
  // another shape made with the record's prototype and pointer 0.
  // Safe: InvalidArgument naming `sealed`.
  // Doc: typings openFederated(..., sealed: SealedRecord); README "objects must be of the
  // declared class, not freed".
  const freed = SealedRecord.fromBytes(referred.toBytes());
  freed.free();
  for (const bad of [referred.toBytes(), null, pkA, referral(), freed, forge(SealedRecord, 0)]) {
    invalidArgument(() => doctorB.openFederated([pkA, pkB], bad), /sealed/, inspect(bad, { depth: 0 }));
  }
});

test('the caller\'s objects stay usable after openFederated, also after a refusal half-way through the list', () => {
  // Attack: wasm-bindgen moves objects passed inside arrays (their pointer is zeroed and the
  // Rust value dropped); pass the public keys, then use them, the record and the key again,
  // also after calls that fail on a later element (a half-converted list must not have
  // consumed the earlier ones).
  // Safe: every object keeps working; each call gives the same payload.
  // Doc: README "arrays of objects ... wasm-bindgen would free objects passed inside arrays";
  // typings openFederated "publicKeys are the authorities' public keys you trust (objects or
  // encodings)"; federation.test.mjs "the caller's key objects stay usable".
  const [x, y] = [PublicKey.fromBytes(pkA.toBytes()), PublicKey.fromBytes(pkB.toBytes())];
  const list = [x, y];
  for (let i = 0; i < 3; i++) assert.equal(dec(doctorB.openFederated(list, referred)), PAYLOAD);
  invalidArgument(() => doctorB.openFederated([x, y, 'x'], referred));
  assert.throws(() => doctorB.openFederated([x, y, new Uint8Array(3)], referred), cc.InvalidEncoding);
  assert.throws(() => doctorB.openFederated([y], referred), cc.WrongAuthority);
  assert.deepEqual(x.id, pkA.id);
  assert.deepEqual(y.toBytes(), pkB.toBytes());
  assert.ok(x.equals(pkA) && y.equals(pkB));
  assert.equal(referred.hopCount, 1);
  assert.deepEqual(doctorB.attributes, ['dept:cardiology', 'role:physician']);
  assert.equal(dec(doctorB.openFederated(list, referred)), PAYLOAD);
  assert.equal(dec(doctorB.openFederated(list, referred)), PAYLOAD);
});

test('freed objects anywhere in the call are refused, also after their memory is reused', () => {
  // Attack: a freed PublicKey inside publicKeys (after allocations that may reuse its
  // address), a freed receiver, a freed DelegationKey, a freed target and a freed policy for
  // rekeyTo.
  // Safe: InvalidArgument "freed or consumed"; a grant refused for a freed argument is not
  // consumed.
  // Doc: README "objects must be ... not freed"; js/checks.js "The object a method is called
  // on must not have been freed or consumed either".
  const stale = PublicKey.fromBytes(pkB.toBytes());
  stale.free();
  for (let i = 0; i < 8; i++) PublicKey.fromBytes(pkC.toBytes());
  invalidArgument(() => doctorB.openFederated([pkA, stale], referred), /freed or consumed/);
  const gone = doctor();
  gone.free();
  invalidArgument(() => gone.openFederated([pkA, pkB], referred), /freed or consumed/);
  const spent = delegation();
  spent.free();
  invalidArgument(() => spent.rekeyTo(pkB, AUDIENCE), /freed or consumed/);
  const grant = delegation();
  const freedPolicy = Policy.parse('role:x');
  freedPolicy.free();
  invalidArgument(() => grant.rekeyTo(stale, AUDIENCE), /freed or consumed/);
  invalidArgument(() => grant.rekeyTo(pkB, freedPolicy), /freed or consumed/);
  assert.equal(grant.isConsumed, false);
  assert.deepEqual(grant.rekeyTo(pkB, AUDIENCE).targetAuthority, pkB.id);
});

test('rekeyTo refuses wrong types, foreign builds and freed objects without consuming the grant', () => {
  // Attack: rekeyTo with the target as bytes, null, a string, an Authority, a UserKey, a
  // record; the policy as a string, bytes, null, or a Policy of the verify-only build; a
  // binding that takes the key out before checking its arguments loses the one-grant key.
  // Safe: InvalidArgument each time, isConsumed stays false, and the next good call refers
  // records to B.
  // Doc: README "Every argument is checked against its declared type before anything runs";
  // "objects of cipherchart and cipherchart/verify do not mix"; typings rekeyTo(target:
  // PublicKey, targetPolicy: Policy).
  const grant = delegation();
  for (const t of [pkB.toBytes(), null, 'pk', b, doctorB, referred]) invalidArgument(() => grant.rekeyTo(t, AUDIENCE), /target/);
  for (const p of ['role:physician', AUDIENCE.toBytes(), null]) invalidArgument(() => grant.rekeyTo(pkB, p), /targetPolicy/);
  invalidArgument(() => grant.rekeyTo(pkB, v.Policy.parse('role:physician')), /another cipherchart build/);
  assert.equal(grant.isConsumed, false);
  const rekey = grant.rekeyTo(pkB, AUDIENCE);
  assert.equal(dec(doctor().openFederated([pkA, pkB], rekey.reencrypt(chart()))), PAYLOAD);
});

test('rekey refuses another authority\'s key without consuming; a consumed key refuses everything', () => {
  // Attack: DelegationKey.rekey with B's and C's keys (the same-authority call used for a
  // referral), then rekeyTo; then every use of the consumed key: rekeyTo, rekey with A's and
  // B's key, toBytes (to resurrect the grant), toKeyFile, attributes, authority, delegator.
  // Safe: WrongAuthority (code wrong_authority) and isConsumed false for the refusals; after
  // rekeyTo isConsumed is true and every use is InvalidArgument.
  // Doc: README "a public key of another authority throws WrongAuthority and consumes
  // nothing"; typings rekeyTo "Consumes the delegation key ... InvalidArgument if it was
  // already consumed".
  const grant = delegation();
  for (const other of [pkB, pkC]) {
    assert.throws(() => grant.rekey(other, AUDIENCE), (e) => e instanceof cc.WrongAuthority && e.code === 'wrong_authority');
    assert.equal(grant.isConsumed, false);
  }
  const rekey = grant.rekeyTo(pkB, AUDIENCE);
  assert.deepEqual([rekey.authority, rekey.targetAuthority], [pkA.id, pkB.id]);
  assert.equal(grant.isConsumed, true);
  for (const use of [() => grant.rekeyTo(pkB, AUDIENCE), () => grant.rekey(pkA, AUDIENCE), () => grant.rekey(pkB, AUDIENCE),
    () => grant.toBytes(), () => grant.toKeyFile('passphrase'), () => grant.attributes, () => grant.authority, () => grant.delegator]) {
    invalidArgument(use, /consumed/);
  }
});

test('a refused reserved audience does not consume the delegation key (FB-1, fixed)',
  () => {
    // Attack: rekeyTo with an audience naming the reserved guard attribute (alone, or in an
    // OR with a genuine audience: a policy built from user input), then the corrected call.
    // Safe: InvalidAttribute, decided from the public policy before any secret work, and the
    // grant is kept (as for WrongAuthority): isConsumed false, the corrected call works.
    // Doc: README "a public key of another authority throws WrongAuthority and consumes
    // nothing"; typings rekeyTo "InvalidAttribute for a target policy naming the reserved
    // cipherchart:key-holder" (a refusal, not a use of the grant).
    for (const text of ['cipherchart:key-holder', 'cipherchart:key-holder or role:physician']) {
      const grant = delegation();
      assert.throws(() => grant.rekeyTo(pkB, Policy.parse(text)), (e) => e instanceof cc.InvalidAttribute && e.code === 'invalid_attribute');
      assert.equal(grant.isConsumed, false);
      assert.deepEqual(grant.rekeyTo(pkB, AUDIENCE).targetAuthority, pkB.id);
    }
  });

test('rekeyTo the own authority is a same-authority re-key', () => {
  // Attack: rekeyTo with the source's own public key (a referral to itself): a re-key whose
  // target differs from its capsule's, or a record whose currentAuthority is wrong.
  // Safe: targetAuthority equals authority; the record stays at A and opens with open().
  // Doc: docs/federation.md §1 "rekey (within one authority) ... rekey_to is the explicit
  // cross-authority call"; Rust rekey_to "With target = A's own key it is rekey".
  const rekey = delegation().rekeyTo(pkA, Policy.parse('hospital:h2'));
  assert.deepEqual(rekey.targetAuthority, rekey.authority);
  const shared = rekey.reencrypt(chart());
  assert.deepEqual(shared.currentAuthority, pkA.id);
  assert.equal(dec(a.issueKey(['hospital:h2']).open(pkA, shared)), PAYLOAD);
});

test('targetAuthority and currentAuthority are copies: mutating them changes nothing', () => {
  // Attack: write into the Uint8Array the getters return (a view into wasm memory would let a
  // caller relabel the object, or read memory that is reused later).
  // Safe: fresh copies; the object reads the true ids again and still re-encrypts and opens.
  // Doc: typings "readonly targetAuthority: Uint8Array" "The 32-byte key id".
  const rekey = referral();
  const record = rekey.reencrypt(chart(a, 'copy'));
  rekey.targetAuthority.fill(0);
  record.currentAuthority.fill(0);
  record.authority.fill(0);
  assert.deepEqual(rekey.targetAuthority, pkB.id);
  assert.deepEqual(record.currentAuthority, pkB.id);
  assert.deepEqual(record.authority, pkA.id);
  assert.equal(dec(doctorB.openFederated([pkA, pkB], record)), PAYLOAD);
});

test('elements that change between reads (getters, Proxies, overridden iteration) are refused or ignored', () => {
  // Attack: an array whose element 1 is a getter returning B's key on the first read and a
  // string, a UserKey, a record or undefined afterwards (checked once, converted later); a
  // Proxy array doing the same; a getter that throws the caller's own error; an array whose
  // Symbol.iterator, map, forEach and every are overridden; an Array subclass; a frozen array;
  // a sparse array of length 2^32 - 1.
  // Safe: the array is read once, by index, before it is checked (FB-4), so what is checked
  // is what the call uses: the first value (B's key) opens, the later values are never seen;
  // a getter that throws gives the caller's own error; overridden iteration changes nothing
  // (the elements are read by index); the huge sparse array is refused at its first hole at
  // once; every object stays usable.
  // Doc: README "Arguments are checked ... arrays are read once".
  const flip = (later) => {
    const arr = [pkA, null];
    const reads = { n: 0 };
    Object.defineProperty(arr, 1, { get() { reads.n += 1; return reads.n === 1 ? pkB : later(); }, enumerable: true });
    return [arr, reads];
  };
  for (const later of [() => 'x', () => doctorB, () => referred, () => undefined, () => pkB.toBytes().buffer]) {
    const [arr, reads] = flip(later);
    assert.equal(dec(doctorB.openFederated(arr, referred)), PAYLOAD, String(later));
    assert.equal(reads.n, 1, String(later));
  }
  let n = 0;
  const proxy = new Proxy([pkA, pkB], { get: (t, k, r) => (k === '1' ? (n += 1) === 1 ? pkB : 'x' : Reflect.get(t, k, r)) });
  assert.equal(dec(doctorB.openFederated(proxy, referred)), PAYLOAD);
  assert.equal(n, 1);
  class Boom extends Error {}
  assert.throws(() => doctorB.openFederated(flip(() => { throw new Boom('mine'); }), referred),
    (e) => e instanceof Boom || e instanceof cc.InvalidArgument);
  const overridden = [pkA, pkB];
  overridden[Symbol.iterator] = function* () { yield 'x'; };
  Object.assign(overridden, { map: () => ['x'], forEach: () => {}, every: () => true, slice: () => ['x'] });
  assert.equal(dec(doctorB.openFederated(overridden, referred)), PAYLOAD);
  class Keys extends Array {}
  assert.equal(dec(doctorB.openFederated(Keys.from([pkA, pkB]), referred)), PAYLOAD);
  assert.equal(dec(doctorB.openFederated(Object.freeze([pkA, pkB]), referred)), PAYLOAD);
  const huge = [pkA, pkB];
  huge.length = 2 ** 32 - 1;
  const start = Date.now();
  invalidArgument(() => doctorB.openFederated(huge, referred), /\[2\]/);
  assert.ok(Date.now() - start < 5000);
  assert.equal(dec(doctorB.openFederated([pkA, pkB], referred)), PAYLOAD);
});

test('a getter in publicKeys that frees the record or another element is refused', () => {
  // Attack: user code runs while the binding reads publicKeys; it frees the record or an
  // element not yet read, then returns a genuine key.
  // Safe: the list is read once before any check (FB-4), so the checks see the freed objects:
  // InvalidArgument "freed or consumed" (never acting on freed memory).
  // Doc: README "objects must be ... not freed"; checks.js (freed objects are refused).
  const record = SealedRecord.fromBytes(referred.toBytes());
  const freesRecord = [pkA, null];
  let n = 0;
  Object.defineProperty(freesRecord, 1, { get() { n += 1; record.free(); return pkB; } });
  invalidArgument(() => doctorB.openFederated(freesRecord, record), /freed or consumed/);
  assert.equal(n, 1);
  const later = PublicKey.fromBytes(pkB.toBytes());
  const freesLater = [null, later];
  Object.defineProperty(freesLater, 0, { get() { later.free(); return pkA; } });
  invalidArgument(() => doctorB.openFederated(freesLater, referred), /freed or consumed/);
  assert.equal(dec(doctorB.openFederated([pkA, pkB], referred)), PAYLOAD);
});

/** A genuine copy of B's key whose `__copyForBatch` (called by the wasm side on each element,
 * while it holds the receiver and the record borrowed) first runs `hook`. */
const hookedKey = (hook) => {
  const k = PublicKey.fromBytes(pkB.toBytes());
  // (Defined, not assigned: the prototype's method is read-only since SB-20b, so plain
  // assignment throws; an own property is still what the checks must refuse.)
  Object.defineProperty(k, '__copyForBatch', {
    value() {
      hook();
      return PublicKey.prototype.__copyForBatch.call(this);
    },
  });
  return k;
};

test('an element with its own __copyForBatch is refused before anything runs (FB-5, fixed)', () => {
  // Attack: the wasm side copies each PublicKey by calling its `__copyForBatch`; a genuine
  // PublicKey given an own `__copyForBatch` would run the caller's code while Rust holds the
  // receiver and the record borrowed (re-entering, freeing them, spraying allocations).
  // Safe: an object of the bindings has only its pointer as own property, so the checks refuse
  // it (InvalidArgument) before any wasm runs: the hook never runs, nothing is freed.
  const record = SealedRecord.fromBytes(referred.toBytes());
  const key = doctor();
  let ran = 0;
  const hooked = hookedKey(() => { ran += 1; key.free(); record.free(); });
  invalidArgument(() => key.openFederated([pkA, hooked], record), /not as the library made it/);
  assert.equal(ran, 0);
  assert.equal(dec(key.openFederated([pkA, pkB], record)), PAYLOAD);
});

test('the objects of a refused call stay usable and the key wipeable (FB-5, fixed)', () => {
  // Attack: as above, the hook would free the receiver (a secret UserKey) and the record while
  // the call holds them, leaving the key's secret never wiped.
  // Safe: the hooked element is refused before the call; afterwards both objects work and
  // key.free() wipes the key (its pointer then refused as freed).
  const record = SealedRecord.fromBytes(referred.toBytes());
  const key = doctor();
  const hooked = hookedKey(() => { key.free(); record.free(); });
  invalidArgument(() => key.openFederated([pkA, hooked], record), /not as the library made it/);
  assert.equal(record.hopCount, 1);
  assert.equal(dec(key.openFederated([pkA, pkB], record)), PAYLOAD);
  key.free();
  invalidArgument(() => key.openFederated([pkA, pkB], record), /freed or consumed/);
});

test('a getter in publicKeys that frees the receiver is InvalidArgument (FB-4, fixed)', () => {
  // Attack: while publicKeys is read, a getter frees the UserKey the method was called on.
  // Safe: the list is read once, before the receiver is checked: InvalidArgument "freed or
  // consumed", never wasm-bindgen's plain Error; the getter runs exactly once.
  const key = doctor();
  const list = [pkA, null];
  let n = 0;
  Object.defineProperty(list, 1, { get() { n += 1; key.free(); return pkB; } });
  invalidArgument(() => key.openFederated(list, referred), /freed or consumed/);
  assert.equal(n, 1);
});

test('forged objects are never taken for a PublicKey (rekeyTo target, publicKeys element)',
  () => {
    // Attack: objects made with PublicKey's prototype and a __wbg_ptr copied from a UserKey, from
    // a DelegationKey, a small number, one past the memory; a PublicKey revived from JSON
    // (JSON.stringify(pk) is {"__wbg_ptr": N}: a key list cached as JSON and revived with
    // Object.assign(Object.create(PublicKey.prototype), json)); a Proxy around a genuine
    // PublicKey whose __wbg_ptr reads B's pointer at the check and a UserKey's afterwards.
    // Safe: InvalidArgument before the wasm reads anything; the delegation key is not consumed
    // and stays usable; never a RuntimeError or a re-key toward a non-existent authority.
    // Doc: README "objects must be of the declared class, not freed, and from the same build";
    // "Every argument is checked against its declared type before anything runs".
    const [x, y] = [Authority.setup(), Authority.setup()];
    const [px, py] = [x.publicKey(), y.publicKey()];
    const victim = y.issueKey(['role:physician', 'dept:cardiology']);
    const other = x.issueDelegationKey(['patient:42'], PATIENT.publicKey());
    const revived = Object.assign(Object.create(PublicKey.prototype), JSON.parse(JSON.stringify(py)));
    let reads = 0;
    const switching = new Proxy(py, {
      get: (t, k) => (k === '__wbg_ptr' ? ((reads += 1) === 1 ? t.__wbg_ptr : victim.__wbg_ptr) : Reflect.get(t, k)),
    });
    const record = x.issueDelegationKey(['patient:42'], PATIENT.publicKey()).rekeyTo(py, AUDIENCE)
      .reencrypt(seal(px, Policy.parse(CHART), enc('f'), META, enc(PAYLOAD)));
    const forged = [forge(PublicKey, victim.__wbg_ptr), forge(PublicKey, other.__wbg_ptr), forge(PublicKey, 8),
      forge(PublicKey, 0xfffffff0), revived, switching];
    for (const fake of forged) {
      reads = 0;
      const grant = x.issueDelegationKey(['patient:42'], PATIENT.publicKey());
      invalidArgument(() => grant.rekeyTo(fake, AUDIENCE), undefined, inspect(fake, { depth: 0 }));
      assert.equal(grant.isConsumed, false);
      reads = 0;
      invalidArgument(() => victim.openFederated([px, fake], record), undefined, inspect(fake, { depth: 0 }));
    }
    assert.equal(dec(victim.openFederated([px, py], record)), PAYLOAD);
  });

test('the new getters and methods refuse a receiver of another class or a freed one',
  () => {
    // Attack: call the federation getters and methods with `this` of another class (the
    // prototype's function applied to another wasm object) or freed.
    // Safe: InvalidArgument every time; never bytes read from another object's memory, a
    // RuntimeError, or an object left unusable.
    // Doc: README "Every error is an Error subclass of CipherchartError with a stable .code";
    // js/checks.js "The object a method is called on must not have been freed or consumed";
    // revocation-attacks RB-4.
    const x = Authority.setup();
    const px = x.publicKey();
    const key = x.issueKey(['role:physician']);
    const rekey = x.issueDelegationKey(['patient:42'], PATIENT.publicKey()).rekeyTo(pkB, AUDIENCE);
    const record = rekey.reencrypt(seal(px, Policy.parse(CHART), enc('g'), META, enc(PAYLOAD)));
    for (const self of [x, key, px, record]) invalidArgument(() => getter(ReKey, 'targetAuthority').call(self), undefined, self.constructor.name);
    for (const self of [x, key, px, rekey]) invalidArgument(() => getter(SealedRecord, 'currentAuthority').call(self), undefined, self.constructor.name);
    invalidArgument(() => UserKey.prototype.openFederated.call(px, [px, pkB], record));
    invalidArgument(() => DelegationKey.prototype.rekeyTo.call(key, pkB, AUDIENCE));
    assert.deepEqual(key.attributes, ['role:physician']);
    key.free();
    const [goneKey, goneRecord] = [ReKey.fromBytes(rekey.toBytes()), SealedRecord.fromBytes(record.toBytes())];
    goneKey.free();
    goneRecord.free();
    invalidArgument(() => goneKey.targetAuthority, /freed or consumed/);
    invalidArgument(() => goneRecord.currentAuthority, /freed or consumed/);
  });

test('error classes, .code and .kind of every federation refusal', () => {
  // Attack: provoke each documented refusal of openFederated and rekeyTo and switch on the
  // class and `.code`, in the way an integrator would.
  // Safe: WrongAuthority/wrong_authority (missing trusted key, a stranger's key, a record
  // already at B re-encrypted by an A re-key), PolicyNotSatisfied/policy_not_satisfied (B's
  // "patient:42" on A's layer), DecryptionFailed/decryption_failed (metadata flipped),
  // InvalidEncoding/invalid_encoding, InvalidAttribute/invalid_attribute; ERROR_CLASSES maps
  // each code; all are CipherchartErrors.
  // Doc: docs/federation.md §3; README "Errors carry .code (the class), .kind".
  const raw = referred.toBytes();
  const at = toHex(raw).indexOf(toHex(META)) / 2;
  const flipped = raw.slice();
  flipped[at] ^= 1;
  const cases = [
    [() => doctorB.openFederated([pkB], referred), 'WrongAuthority', 'wrong_authority'],
    [() => doctorB.open(pkB, referred), 'WrongAuthority', 'wrong_authority'],
    [() => doctor(c).openFederated([pkA, pkB, pkC], referred), 'WrongAuthority', 'wrong_authority'],
    [() => referral().reencrypt(referred), 'WrongAuthority', 'wrong_authority'],
    [() => b.issueKey(['patient:42']).openFederated([pkA, pkB], referred), 'PolicyNotSatisfied', 'policy_not_satisfied'],
    [() => doctorB.openFederated([pkA, pkB], SealedRecord.fromBytes(flipped)), 'DecryptionFailed', 'decryption_failed'],
    [() => SealedRecord.fromBytes(raw.slice(0, -7)), 'InvalidEncoding', 'invalid_encoding'],
    [() => delegation().rekeyTo(pkB, Policy.parse('cipherchart:key-holder')), 'InvalidAttribute', 'invalid_attribute'],
    [() => doctorB.openFederated(pkA, referred), 'InvalidArgument', 'invalid_argument'],
  ];
  for (const [call, name, code] of cases) {
    assert.throws(call, (e) => {
      assert.equal(e?.constructor, cc[name], `${name}: got ${e?.constructor?.name}: ${e?.message}`);
      assert.equal(e.code, code);
      assert.ok(e instanceof cc.CipherchartError && e instanceof Error);
      return true;
    }, name);
    assert.equal(cc.ERROR_CLASSES[code], cc[name]);
  }
});

test('no secret in toString, inspect, JSON or error messages of the federation objects and calls', () => {
  // Attack: look for the payload and the secret parts of the user key, the delegation key and
  // the re-key in String(x), util.inspect(x), JSON.stringify(x) of every federation object and
  // in the messages and stacks of every refusal, also when a secret key (its bytes or its hex)
  // is passed where a public key or a policy is expected.
  // Safe: none appear (an echoed string argument shows at most a 20-character prefix, the
  // object header and part of the public authority id).
  // Doc: README "Secret-holding objects ... return secret bytes only through toSecretBytes()
  // ... or toBytes()".
  const key = doctor();
  const grant = delegation();
  const grantBytes = grant.toBytes();
  const rekey = referral();
  const windows = (bytes) => {
    const h = toHex(bytes);
    const out = [];
    for (let i = 72; i + 32 <= h.length; i += 97) out.push(h.slice(i, i + 32));
    return out;
  };
  const secrets = [PAYLOAD, toHex(enc(PAYLOAD)), ...windows(key.toBytes()), ...windows(grantBytes.slice(0, -48)), ...windows(rekey.toBytes())];
  const texts = [key, grant, rekey, referred, pkA].flatMap((x) => [String(x), inspect(x, { depth: 5 }), JSON.stringify(x) ?? '']);
  const calls = [
    () => key.openFederated([pkB], referred),
    () => key.openFederated([pkA, pkB, key], referred),
    () => key.openFederated([pkA, key.toBytes()], referred),
    () => key.openFederated([pkA, toHex(key.toBytes())], referred),
    () => key.openFederated(toHex(key.toBytes()), referred),
    () => b.issueKey(['x:y']).openFederated([pkA, pkB], referred),
    () => grant.rekey(pkB, AUDIENCE),
    () => grant.rekeyTo(grantBytes, AUDIENCE),
    () => grant.rekeyTo(toHex(grantBytes), AUDIENCE),
    () => grant.rekeyTo(pkB, toHex(grantBytes)),
  ];
  grant.rekeyTo(pkB, AUDIENCE);
  texts.push(String(grant), inspect(grant));
  calls.push(() => grant.rekeyTo(pkB, AUDIENCE), () => grant.toBytes());
  for (const call of calls) {
    assert.throws(() => {
      try { call(); } catch (e) { texts.push(String(e), e.stack ?? '', inspect(e)); throw e; }
    }, cc.CipherchartError);
  }
  for (const text of texts) for (const s of secrets) assert.ok(!text.includes(s), text.slice(0, 200));
});

test('reencryptBatch with a cross-authority re-key refuses each record not at its source', () => {
  // Attack: a proxy runs the A→B re-key over a batch mixing A's records (objects and bytes),
  // B's records and records already referred to B (a batch that checks only the first record,
  // or the header's authority instead of the newest layer's, would transform them).
  // Safe: one entry per record: a referred record for A's, WrongAuthority (code
  // wrong_authority) for the others; the record objects stay usable; B opens the good ones.
  // Doc: docs/federation.md §3.2; README reencryptBatch "(record objects are used as they
  // are and stay usable; bytes are decoded)".
  const rekey = referral();
  const [atA, atB, again] = [chart(a, 'a1'), chart(b, 'b1'), rekey.reencrypt(chart(a, 'a2'))];
  const out = rekey.reencryptBatch([atA, atB, again, chart(a, 'a3').toBytes(), atB.toBytes()]);
  assert.equal(out.length, 5);
  for (const i of [0, 3]) {
    assert.ok(out[i] instanceof SealedRecord);
    assert.equal(dec(doctorB.openFederated([pkA, pkB], out[i])), PAYLOAD);
  }
  for (const i of [1, 2, 4]) assert.ok(out[i] instanceof cc.WrongAuthority && out[i].code === 'wrong_authority', String(out[i]));
  assert.deepEqual([atA.currentAuthority, atB.currentAuthority, again.currentAuthority], [pkA.id, pkB.id, pkB.id]);
});

test('re-keys round-trip through bytes; a re-key retargeted in its bytes does not decode', () => {
  // Attack: put C's public key where B's is in an A→B re-key's bytes (same length), so that
  // the blinded key and the capsule made for B claim C as the target.
  // Safe: ReKey.fromBytes keeps targetAuthority and re-encrypts to the same bytes; the
  // retargeted bytes are InvalidEncoding (kind non_canonical).
  // Doc: docs/federation.md §3.4 "the capsule must name the encoded public key's authority".
  const rekey = referral();
  const raw = rekey.toBytes();
  const again = ReKey.fromBytes(raw);
  assert.deepEqual(again.targetAuthority, pkB.id);
  const record = chart(a, 'rt');
  assert.deepEqual(again.reencrypt(record).toBytes(), rekey.reencrypt(record).toBytes());
  const [hb, hc] = [toHex(pkB.toBytes()), toHex(pkC.toBytes())];
  const at = toHex(raw).indexOf(hb);
  assert.ok(at >= 0 && at % 2 === 0 && hb.length === hc.length);
  const forged = Buffer.from(toHex(raw).slice(0, at) + hc + toHex(raw).slice(at + hb.length), 'hex');
  assert.throws(() => ReKey.fromBytes(new Uint8Array(forged)), (e) => e instanceof cc.InvalidEncoding && e.code === 'invalid_encoding');
});

test('a long trusted list of objects is linear; a bad entry at its end is InvalidArgument', () => {
  // Attack: 50,000 PublicKey objects then B's key (a quadratic lookup, or a copy per layer per
  // entry, would hang the opener); the same list with a bad last entry.
  // Safe: opens within seconds; the bad entry is InvalidArgument; the objects stay usable.
  // Doc: docs/federation.md §6 ("huge trusted lists", the core's attacks).
  const list = new Array(50_000).fill(pkA);
  list.push(pkB);
  const start = Date.now();
  assert.equal(dec(doctorB.openFederated(list, referred)), PAYLOAD);
  assert.ok(Date.now() - start < 30_000);
  invalidArgument(() => doctorB.openFederated([...list, null], referred), /\[50001\]/);
  assert.deepEqual(pkA.id.length, 32);
});
