// Outside review of the catch-up of stored sessions through the JavaScript (WASM) binding
// (attacks). Each test is one attack, written from the docs and the typings only
// (docs/formats.md "Trailer", "Session header v3 ... and session record v3"; docs/revocation.md
// §0.1 step 4, §0.7; pkg/web/cipherchart.d.ts; bindings/wasm/README.md), and from the binding glue
// (bindings/wasm/src/session_catch_up.rs, items.rs) read as an attacker: the attack and the safe
// behaviour it asserts. An attack that succeeds is a finding: its test keeps asserting the safe
// behaviour and is skipped with the finding's id. Numbering continues the Python file's (SB-1..15).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';

import { NoticeService, T0 } from './notice-service.mjs';
import * as v from 'cipherchart/verify';

const {
  Authority, Entry, InclusionProof, Policy, SessionHeader, SessionOpener, SessionRecord,
  SessionSealer, Trailer, VersionNotice, proveSessionRecord, proveSessionRecords, sessionTrailer,
  startSessionWithNotice,
} = cc;
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const hex = (b) => Buffer.from(b).toString('hex');
const ATTRS = ['role:nurse', 'dept:icu'];
const POLICY = 'role:nurse and dept:icu';
const is = (cls) => (e) => e instanceof cls && e instanceof cc.CipherchartError && e.code === cls.code;
const invalid = (f, msg) => assert.throws(f, is(cc.InvalidArgument), msg);
const failed = (f, msg) => assert.throws(f, is(cc.DecryptionFailed), msg);
const payload = (i) => enc(`${60 + i} bpm`);
const payloads = (n) => Array.from({ length: n }, (_, i) => `${60 + i} bpm`);

/**
 * An authority; a v3 session of `n` records sealed under n0 and closed (its trailer); the bump n1
 * (role:nurse); the session re-wrapped at n1 and an opener of it with a current key.
 */
function world(n = 6, id = 'bed-4/mon') {
  const authority = Authority.setup();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const oldKey = authority.issueKeyUnder(n0, ATTRS);
  const another = (sid, count) => {
    const s = startSessionWithNotice(authority.publicKey(), n0, Policy.parse(POLICY), enc(sid), enc('bed 4'));
    return { ...s, records: Array.from({ length: count }, (_, i) => s.sealer.seal(enc('hr'), payload(i))) };
  };
  const { header, sealer, records } = another(id, n);
  const trailer = sealer.close();
  const n1 = service.bump('role:nurse');
  const newKey = authority.issueKeyUnder(n1, ATTRS);
  const rewrapped = authority.rewrapSession(header, trailer, n1);
  const opener = newKey.openSession(authority.publicKey(), rewrapped);
  const w = { authority, service, n0, n1, oldKey, newKey, header, sealer, records, trailer, rewrapped, opener, another };
  /** The module still works: every record opens with its proof and all together. */
  w.healthy = () => {
    const o = newKey.openSession(authority.publicKey(), rewrapped);
    const proofs = proveSessionRecords(records);
    assert.deepEqual(records.map((r, i) => dec(o.openIncluded(r, proofs[i]))), payloads(records.length));
    assert.deepEqual(o.openAll(records).map(dec), payloads(records.length));
    assert.ok(sessionTrailer(header, records).equals(trailer));
  };
  return w;
}

/** The six calls that take an array of records, with the world's other arguments. */
const arrayTakers = (w) => ({
  sessionTrailer: (rs) => sessionTrailer(w.header, rs),
  proveSessionRecord: (rs) => proveSessionRecord(rs, 0),
  proveSessionRecords: (rs) => proveSessionRecords(rs),
  openAll: (rs) => w.opener.openAll(rs),
  reencryptSession: (rs) => w.authority.reencryptSession(w.header, rs, w.trailer, w.n1),
  reencryptSessionV2: (rs) => w.authority.reencryptSession(w.header, rs, null, w.n1),
});

test('SB-16: index values, and indexes beyond 2^32 (wasm32 usize)', () => {
  // Attack: proveSessionRecord's index as -1, -0.5, 1.5, NaN, ±Infinity, 2^53, 1n, '1', null,
  // undefined, true, {}, [1], new Number(1); and safe integers 2^32 + k (a cast to a 32-bit usize
  // would alias them to k). InclusionProof built with index 2^32 + k and size 2^32 + n. Safe:
  // InvalidArgument for the wrong kinds; 2^32 + k is "no record at that index" (never record k's
  // proof); the hand-made proof reads back exactly and opens nothing.
  const w = world();
  for (const bad of [-1, -0.5, 1.5, NaN, Infinity, -Infinity, 2 ** 53, 1n, '1', null, undefined, true, {}, [1], new Number(1)]) {
    invalid(() => proveSessionRecord(w.records, bad), String(bad));
    invalid(() => new InclusionProof(bad, 6, []), `ctor index ${String(bad)}`);
    invalid(() => new InclusionProof(0, bad, []), `ctor size ${String(bad)}`);
  }
  for (const k of [0, 1, 5]) {
    for (const big of [2 ** 32 + k, 2 ** 33 + k, 2 ** 53 - 2 ** 32 + k]) {
      invalid(() => proveSessionRecord(w.records, big), `index ${big}`);
    }
  }
  const real = proveSessionRecord(w.records, 1);
  const aliased = new InclusionProof(2 ** 32 + 1, 2 ** 32 + 6, real.path);
  assert.deepEqual([aliased.index, aliased.size], [2 ** 32 + 1, 2 ** 32 + 6]);
  assert.ok(!aliased.equals(real));
  failed(() => w.opener.openIncluded(w.records[1], aliased));
  failed(() => w.opener.openIncluded(w.records[1], new InclusionProof(1, 2 ** 32 + 6, real.path)));
  failed(() => w.opener.openIncluded(w.records[1], new InclusionProof(2 ** 32 + 1, 6, real.path)));
  assert.equal(proveSessionRecord(w.records, -0).index, 0);
  assert.equal(dec(w.opener.openIncluded(w.records[1], new InclusionProof(1, 6, real.path))), '61 bpm');
  invalid(() => Entry.forSessionClose(w.trailer, Date.now()), 'milliseconds');
  w.healthy();
});

test('SB-17: containers and elements that are not records', () => {
  // Attack: each array-taking call given an array-like, a Proxy of the array, a Set, a typed array,
  // a giant sparse array, an array with a hole; and arrays holding a SessionHeader, a Trailer, an
  // InclusionProof, null, undefined, {}, a number, a string, an object with an own
  // __copyForBatch returning a live record (items.rs calls it), a Proxy of a record, a forged
  // record holding a live record's pointer, a structuredClone of a record, a record with an own
  // property, a freed record, a record of another session's bytes damaged. Safe: InvalidArgument
  // (InvalidEncoding for damaged bytes: still a typed error), promptly, nothing consumed; the
  // module works afterwards.
  const w = world();
  const r = w.records[1];
  const fake = { __copyForBatch: () => w.records[1].__copyForBatch() };
  const forged = Object.create(SessionRecord.prototype);
  forged.__wbg_ptr = r.__wbg_ptr;
  const withOwn = SessionRecord.fromBytes(r.toBytes());
  // (Defined, not assigned: the prototype's method is read-only since SB-20b.)
  Object.defineProperty(withOwn, '__copyForBatch', { value: () => w.records[2].__copyForBatch() });
  const freed = SessionRecord.fromBytes(r.toBytes());
  freed.free();
  const elements = [w.header, w.trailer, proveSessionRecord(w.records, 0), null, undefined, {}, 0, 'r', fake,
    new Proxy(r, {}), forged, structuredClone(r), withOwn, freed, w.n1, w.sealer];
  const containers = [{ length: 6, ...w.records }, new Set(w.records), new Uint8Array(6),
    r, r.toBytes(), null, undefined, 'records'];
  const sparse = [];
  sparse.length = 2 ** 32 - 1;
  const holey = [...w.records];
  delete holey[2];
  // A Proxy of an array is an array (Array.isArray): it is read once, by index, and what was
  // read is what is checked and used, even if its traps answer differently on a second read.
  const reads = new Map();
  const twoFaced = new Proxy(w.records, { get(target, k) {
    if (typeof k === 'string' && /^\d+$/.test(k)) {
      reads.set(k, (reads.get(k) ?? 0) + 1);
      if (reads.get(k) > 1) return w.header; // a second read would see a header
    }
    return Reflect.get(target, k);
  } });
  assert.ok(sessionTrailer(w.header, twoFaced).equals(w.trailer));
  assert.ok([...reads.values()].every((n) => n === 1));
  assert.deepEqual(w.opener.openAll(new Proxy(w.records, {})).map(dec), payloads(6));
  for (const [name, take] of Object.entries(arrayTakers(w))) {
    for (const e of elements) invalid(() => take([w.records[0], e, ...w.records.slice(2)]), `${name} element`);
    for (const c of containers) invalid(() => take(c), `${name} container`);
    const started = Date.now();
    invalid(() => take(sparse), `${name} sparse`);
    assert.ok(Date.now() - started < 2000, `${name} sparse took ${Date.now() - started} ms`);
    invalid(() => take(holey), `${name} holey`);
    const damaged = r.toBytes();
    damaged[damaged.length - 1] ^= 1;
    const truncated = r.toBytes().subarray(0, 10);
    assert.throws(() => take([w.records[0], truncated]), (e) => e instanceof cc.CipherchartError, name);
    if (name === 'openAll' || name.startsWith('reencrypt')) {
      assert.throws(() => take([w.records[0], damaged, ...w.records.slice(2)]), (e) => e instanceof cc.CipherchartError, name);
    }
  }
  // Nothing above consumed or changed the caller's records.
  assert.ok(w.records.every((x, i) => x.equals(SessionRecord.fromBytes(x.toBytes())) && x.sequence === i));
  w.healthy();
});

test('SB-17b (fixed): a Proxy array whose length grows after the size guard read it', () => {
  // Attack: a Proxy of a one-element array whose `length` trap answers 1 the first time (the
  // MAX_COPIED_ELEMENTS guard in checks.js `snapshot`) and 2^32 - 1 afterwards (the copy).
  // FINDING SB-17b: the copy (`Array.prototype.slice`) read `length` again and walked the lying
  // one (50 000 000 took ~4 s; 2^32 - 1 minutes, with a 2^32-slot array). Fixed: checks.js reads
  // `length` once and copies by index up to it. Safe: at once, over the one element the guard
  // admitted.
  const w = world(1);
  let lengthReads = 0;
  const lying = new Proxy([w.records[0]], { get(target, k) {
    if (k === 'length') return (lengthReads += 1) === 1 ? 1 : 2 ** 32 - 1;
    return Reflect.get(target, k);
  } });
  const started = Date.now();
  assert.equal(proveSessionRecords(lying).length, 1);
  assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
  assert.equal(lengthReads, 1);
});

test('SB-17c: a lying Proxy length is read once: the call sees the length the guard saw', () => {
  // SB-17b with a moderate lie (2^20): the copy reads `length` once (1) and copies that many
  // elements, so the call proves exactly one record; the module works afterwards.
  const w = world(1);
  let lengthReads = 0;
  const lying = new Proxy([w.records[0]], { get(target, k) {
    if (k === 'length') return (lengthReads += 1) === 1 ? 1 : 2 ** 20;
    return Reflect.get(target, k);
  } });
  assert.equal(proveSessionRecords(lying).length, 1);
  assert.equal(lengthReads, 1);
  w.healthy();
});

test('SB-18: array getters that free, grow, shrink or throw during the call', () => {
  // Attack: the records array with an element getter that frees a record of the array, the
  // receiver (opener, authority), the header, the trailer or the notice; that pushes to or
  // truncates the array; that throws. Safe: InvalidArgument (the freed object is caught after
  // the one read of the array) or the right result over what was read once; the caller's own
  // exception propagates as itself; never a read of freed memory; the module works afterwards.
  for (const victim of ['record', 'opener', 'authority', 'header', 'trailer', 'notice']) {
    const w = world();
    const victims = {
      record: SessionRecord.fromBytes(w.records[3].toBytes()),
      opener: w.newKey.openSession(w.authority.publicKey(), w.rewrapped),
      authority: Authority.fromSecretBytes(w.authority.toSecretBytes()),
      header: SessionHeader.fromBytes(w.header.toBytes()),
      trailer: Trailer.fromBytes(w.trailer.toBytes()),
      notice: w.service.current(),
    };
    const calls = [
      (arr) => victims.opener.openAll(arr),
      (arr) => victims.authority.reencryptSession(victims.header, arr, victims.trailer, victims.notice),
      (arr) => sessionTrailer(victims.header, arr),
      (arr) => proveSessionRecords(arr),
    ];
    for (const call of calls) {
      const arr = [...w.records];
      arr[3] = victims.record;
      let reads = 0;
      Object.defineProperty(arr, 1, { enumerable: true, get() {
        reads += 1;
        try { victims[victim].free(); } catch { /* freed already by an earlier call */ }
        return w.records[1];
      } });
      try {
        const out = call(arr);
        // Nothing freed that this call reads: the result must be right.
        if (Array.isArray(out)) assert.equal(out.length, 6);
      } catch (e) {
        assert.ok(is(cc.InvalidArgument)(e), `${victim}: ${e}`);
      }
      assert.ok(reads >= 1 && reads <= 2, `${victim}: the array was read ${reads} times`);
    }
    w.healthy();
  }
  const w = world();
  for (const [name, take] of Object.entries(arrayTakers(w))) {
    const growing = [...w.records];
    Object.defineProperty(growing, 0, { enumerable: true, get() {
      growing.push(w.records[0]);
      return w.records[0];
    } });
    const shrinking = [...w.records];
    Object.defineProperty(shrinking, 0, { enumerable: true, get() {
      shrinking.length = 1;
      return w.records[0];
    } });
    // What was read once is what counts: the six records (growing), or holes (shrinking).
    if (name !== 'reencryptSessionV2') assert.doesNotThrow(() => take(growing), name);
    invalid(() => take(shrinking), name);
    class Mine extends Error {}
    const throwing = [...w.records];
    Object.defineProperty(throwing, 2, { enumerable: true, get() { throw new Mine('from the caller'); } });
    assert.throws(() => take(throwing), Mine, name);
  }
  w.healthy();
});

test('SB-19: the caller\'s records survive every call that takes them', () => {
  // Attack (the glue frees what it converts): pass the same record objects, and a mix of objects
  // and encodings, to every array-taking call, twice, including the same object many times in
  // one array. Safe: afterwards every object is live and unchanged, the arrays are untouched,
  // and the results returned (re-encrypted records, proofs) are live objects of their own.
  const w = world();
  const before = w.records.map((r) => hex(r.toBytes()));
  const mixed = w.records.map((r, i) => (i % 2 ? r.toBytes() : r));
  for (let round = 0; round < 2; round++) {
    for (const rs of [w.records, mixed]) {
      const copy = [...rs];
      assert.ok(sessionTrailer(w.header, rs).equals(w.trailer));
      assert.equal(proveSessionRecords(rs).length, 6);
      assert.equal(proveSessionRecord(rs, 5).index, 5);
      assert.deepEqual(w.opener.openAll(rs).map(dec), payloads(6));
      const re = w.authority.reencryptSession(w.header, rs, w.trailer, w.n1);
      assert.ok(re.records.every((r, i) => r.sequence === i && r instanceof SessionRecord));
      assert.ok(sessionTrailer(re.header, re.records).equals(re.trailer));
      assert.ok(rs.every((x, i) => x === copy[i]) && rs.length === 6);
    }
  }
  const same = Array.from({ length: 64 }, () => w.records[0]);
  assert.equal(proveSessionRecords(same).length, 64);
  failed(() => w.opener.openAll(same));
  assert.deepEqual(w.records.map((r) => hex(r.toBytes())), before);
  w.healthy();
});

/** Runs `call` with SessionRecord.prototype.__copyForBatch patched to run `hook` once first. */
function withPatchedCopy(hook, call) {
  const original = SessionRecord.prototype.__copyForBatch;
  let ran = false;
  SessionRecord.prototype.__copyForBatch = function () {
    if (!ran) {
      ran = true;
      const substitute = hook(this);
      if (substitute !== undefined) return substitute;
    }
    return original.call(this);
  };
  try {
    return call();
  } finally {
    SessionRecord.prototype.__copyForBatch = original;
  }
}

/** Fresh victims for SB-20: an opener, an authority, a header, a notice, a trailer. */
const victimsOf = (w) => ({
  opener: w.newKey.openSession(w.authority.publicKey(), w.rewrapped),
  authority: Authority.fromSecretBytes(w.authority.toSecretBytes()),
  header: SessionHeader.fromBytes(w.header.toBytes()),
  notice: (() => {
    const n = w.service.current();
    w.service.current(); // the service verifies its next notice against `last`: not this one
    return n;
  })(),
  trailer: Trailer.fromBytes(w.trailer.toBytes()),
});
const victimCalls = (w) => ({
  openAll: (o) => o.opener.openAll(w.records),
  reencryptSession: (o) => o.authority.reencryptSession(o.header, w.records, o.trailer, o.notice),
  sessionTrailer: (o) => sessionTrailer(o.header, w.records),
});

test('SB-20, SB-20b (fixed): the internal copy methods cannot be replaced on a prototype', () => {
  // Attack (code in the same realm replaces SessionRecord.prototype.__copyForBatch, which items.rs
  // calls back from inside the wasm call, after every argument check): it frees the receiver or
  // an argument the running call holds, returns an object of another class, or throws.
  // FINDING SB-20b (fixed): free() of a borrowed object from there threw a plain Error after the
  // glue had zeroed the object's pointer, so the Rust value (a master key, a session key) was
  // never dropped or wiped. Fix: checks.js fixes every `__copyFor*` method on its prototype
  // (non-writable, non-configurable) when it installs the bindings, so no caller code runs
  // inside a call; an own property of that name on an object was already refused (FB-5).
  const w = world();
  const withCopies = Object.values(cc).filter((c) => typeof c === 'function' && c.prototype
    && Reflect.ownKeys(c.prototype).some((k) => typeof k === 'string' && k.startsWith('__copyFor')));
  assert.ok(withCopies.includes(SessionRecord), 'SessionRecord has __copyForBatch');
  for (const cls of withCopies) {
    for (const key of Reflect.ownKeys(cls.prototype)) {
      if (typeof key !== 'string' || !key.startsWith('__copyFor')) continue;
      const original = cls.prototype[key];
      assert.throws(() => { cls.prototype[key] = () => null; }, TypeError, `${cls.name}.${key} assigned`);
      assert.throws(() => Object.defineProperty(cls.prototype, key, { value: () => null }), TypeError,
        `${cls.name}.${key} redefined`);
      assert.throws(() => { delete cls.prototype[key]; }, TypeError, `${cls.name}.${key} deleted`);
      assert.equal(cls.prototype[key], original);
    }
  }
  // So the hook of SB-20 never runs: the patch itself throws, before any call.
  for (const [name, call] of Object.entries(victimCalls(w))) {
    const o = victimsOf(w);
    let hooked = false;
    assert.throws(() => withPatchedCopy(() => { hooked = true; o.opener.free(); }, () => call(o)), TypeError, name);
    assert.equal(hooked, false, name);
    assert.ok(o.opener.__wbg_ptr !== 0, `${name}: the opener is live`);
  }
  w.healthy();
});

test('SB-21: sealers and openers that are freed, forged, cloned or closed', () => {
  // Attack: seal after close (directly, through SessionSealer.prototype.seal.call on a forged
  // object holding the closed sealer's pointer, on a structuredClone of it); close and trailer of
  // a freed sealer; an opener freed, forged or cloned; free twice. Safe: InvalidArgument every
  // time; the closed sealer's trailer stays the close trailer; the module works afterwards.
  const w = world();
  invalid(() => w.sealer.seal(enc('hr'), enc('late')));
  const forged = Object.create(SessionSealer.prototype);
  forged.__wbg_ptr = w.sealer.__wbg_ptr;
  const clone = structuredClone(w.sealer);
  for (const s of [forged, clone, {}, null]) {
    invalid(() => SessionSealer.prototype.seal.call(s, enc('hr'), enc('late')));
    invalid(() => SessionSealer.prototype.close.call(s));
    invalid(() => SessionSealer.prototype.trailer.call(s));
  }
  assert.ok(w.sealer.trailer().equals(w.trailer) && w.sealer.close().equals(w.trailer));
  const open = w.another('open', 2);
  open.sealer.free();
  invalid(() => open.sealer.close());
  invalid(() => open.sealer.trailer());
  invalid(() => open.sealer.seal(enc(''), enc('x')));
  invalid(() => open.sealer.free());
  const o = w.newKey.openSession(w.authority.publicKey(), w.rewrapped);
  const forgedOpener = Object.create(SessionOpener.prototype);
  forgedOpener.__wbg_ptr = o.__wbg_ptr;
  const proof = proveSessionRecord(w.records, 0);
  for (const s of [forgedOpener, structuredClone(o)]) {
    invalid(() => SessionOpener.prototype.openIncluded.call(s, w.records[0], proof));
    invalid(() => SessionOpener.prototype.openAll.call(s, w.records));
  }
  o.free();
  invalid(() => o.openIncluded(w.records[0], proof));
  invalid(() => o.openAll(w.records));
  assert.ok(!Object.keys(w.sealer).some((k) => k !== '__wbg_ptr'));
  w.healthy();
});

test('SB-22: proofs from another tree, tampered or reused after the array changed', () => {
  // Attack: open each record of the re-wrapped session with the same index's proof from another
  // session of the same size and id, from prefixes, from a longer list, from a tree with one
  // foreign leaf; another session's record with the genuine proof; a genuine proof with each
  // path node's bits flipped (through the constructor), reversed, shortened, extended; after
  // making the proofs, reverse the array and mutate the path arrays the getters return. Safe:
  // DecryptionFailed every time; the genuine pairs open.
  const w = world(8);
  const other = w.another('bed-4/mon', 8).records;
  const mixed = [...w.records];
  mixed[3] = other[3];
  const mine = proveSessionRecords(w.records);
  for (let i = 0; i < 8; i++) {
    const candidates = [proveSessionRecord(other, i), proveSessionRecord([...w.records, other[0]], i)];
    for (let k = i + 1; k < 8; k++) candidates.push(proveSessionRecord(w.records.slice(0, k), i));
    if (i !== 3) candidates.push(proveSessionRecord(mixed, i));
    for (const p of candidates) failed(() => w.opener.openIncluded(w.records[i], p), `record ${i}`);
    failed(() => w.opener.openIncluded(other[i], mine[i]));
    assert.equal(dec(w.opener.openIncluded(w.records[i], mine[i])), `${60 + i} bpm`);
  }
  const real = mine[5];
  const paths = [real.path.toReversed(), real.path.slice(0, -1), [...real.path, new Uint8Array(32)], []];
  for (let j = 0; j < real.path.length; j++) {
    for (const bit of [0, 7, 255]) {
      const path = real.path.map((x) => Uint8Array.from(x));
      path[j][bit >> 3] ^= 1 << (bit & 7);
      paths.push(path);
    }
  }
  for (const path of paths) failed(() => w.opener.openIncluded(w.records[5], new InclusionProof(5, 8, path)));
  invalid(() => new InclusionProof(5, 8, [new Uint8Array(31)]));
  invalid(() => new InclusionProof(5, 8, 'x'.repeat(32)));
  const started = Date.now();
  failed(() => w.opener.openIncluded(w.records[5], new InclusionProof(5, 8, Array.from({ length: 100_000 }, () => new Uint8Array(32)))));
  assert.ok(Date.now() - started < 5000);
  const records = [...w.records];
  records.reverse();
  mine[2].path.push(new Uint8Array(32));
  mine[2].path[0].fill(0);
  assert.equal(mine[2].path.length, real.path.length);
  for (let i = 0; i < 8; i++) {
    failed(() => w.opener.openIncluded(records[i], mine[i]));
    assert.equal(dec(w.opener.openIncluded(w.records[i], mine[i])), `${60 + i} bpm`);
  }
});

test('SB-23: a prefix trailer, and records forged with the kept sealer', () => {
  // Attack: the sealer's trailer taken after 3 records while sealing went on to 6 (then closed);
  // the authority re-wraps with the prefix trailer; a holder of the sealer forges records after
  // the trailer was taken. Open the later and the forged records with every proof, openAll all
  // of them, re-wrap the re-wrapped header with the full trailer (to extend what it vouches
  // for), re-encrypt against either trailer. Safe: only the prefix opens; open is
  // InvalidArgument; everything else DecryptionFailed or InvalidArgument.
  const authority = Authority.setup();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const { header, sealer } = startSessionWithNotice(authority.publicKey(), n0, Policy.parse(POLICY), enc('p'), enc(''));
  const records = [0, 1, 2].map((i) => sealer.seal(enc('hr'), payload(i)));
  const prefix = sealer.trailer();
  for (const i of [3, 4, 5]) records.push(sealer.seal(enc('hr'), payload(i)));
  const full = sealer.close();
  const n1 = service.bump('dept:icu');
  const rewrapped = authority.rewrapSession(header, prefix, n1);
  assert.ok(rewrapped.trailer.equals(prefix));
  const opener = authority.issueKeyUnder(n1, ATTRS).openSession(authority.publicKey(), rewrapped);
  const proofs = proveSessionRecords(records.slice(0, 3));
  assert.deepEqual(proofs.map((p, i) => dec(opener.openIncluded(records[i], p))), payloads(3));
  for (let i = 0; i < 6; i++) {
    invalid(() => opener.open(records[i]));
    for (let k = Math.max(i + 1, 4); k <= 6; k++) failed(() => opener.openIncluded(records[i], proveSessionRecord(records.slice(0, k), i)));
  }
  failed(() => opener.openAll(records));
  failed(() => sessionTrailer(rewrapped, records));
  const n2 = service.bump('role:nurse');
  invalid(() => authority.rewrapSession(rewrapped, full, n2));
  for (const t of [full, prefix]) {
    assert.throws(() => authority.reencryptSession(rewrapped, records, t, n2), (e) => is(cc.InvalidArgument)(e) || is(cc.DecryptionFailed)(e));
  }
  assert.ok(authority.rewrapSession(rewrapped, prefix, n2).trailer.equals(prefix));
  // A session re-encrypted at the revocation: records of its old key open nothing under it.
  const s = startSessionWithNotice(authority.publicKey(), n0, Policy.parse(POLICY), enc('q'), enc(''));
  const qs = [0, 1].map((i) => s.sealer.seal(enc('hr'), payload(i)));
  const taken = s.sealer.trailer();
  const forged = s.sealer.seal(enc('hr'), enc('forged'));
  const re = authority.reencryptSession(s.header, qs, taken, n2);
  const reOpener = authority.issueKeyUnder(n2, ATTRS).openSession(authority.publicKey(), re.header);
  assert.deepEqual(re.records.map((r) => dec(reOpener.open(r))), payloads(2));
  for (const r of [forged, ...qs]) failed(() => reOpener.open(r));
  failed(() => authority.reencryptSession(s.header, [...qs, forged], taken, n2));
});

test('SB-24: wrong objects in every argument, the verify-only build, a stream trailer', () => {
  // Attack: each argument of rewrapSession, reencryptSession, openIncluded, needsCatchUp and the
  // entries given another class of this build, its bytes, null, a plain object with the same
  // getters' values, an object of the verify-only build (InclusionProof, VerifiedNotice), a
  // stream trailer (kind 2) where a session trailer is wanted, an unverified VersionNotice,
  // another authority's notice. Safe: InvalidArgument (WrongAuthority for the other authority),
  // never a TypeError or a crashed instance.
  const w = world();
  const proof = proveSessionRecord(w.records, 0);
  const vProof = new v.InclusionProof(proof.index, proof.size, proof.path);
  const vNotice = v.VersionNotice.fromBytes(w.n1.notice.toBytes()).verify(w.service.key.publicKey() && v.BlsPublicKey.fromBytes(w.service.key.publicKey().toBytes()), w.service.now);
  const b = w.trailer.toBytes();
  b[4] = 2;
  const streamLike = Trailer.fromBytes(b);
  assert.equal(streamLike.kind, 'stream');
  const look = (o) => Object.fromEntries(Object.getOwnPropertyNames(Object.getPrototypeOf(o)).filter((k) => k !== 'constructor').map((k) => [k, o[k]]));
  const wrong = [null, undefined, 0, {}, new Uint8Array(0), w.n1.notice, w.authority.publicKey(), vProof, vNotice];
  const args = {
    'rewrap.header': [w.header, (x) => w.authority.rewrapSession(x, w.trailer, w.n1)],
    'rewrap.trailer': [w.trailer, (x) => w.authority.rewrapSession(w.header, x, w.n1)],
    'rewrap.notice': [w.n1, (x) => w.authority.rewrapSession(w.header, w.trailer, x)],
    'reencrypt.header': [w.header, (x) => w.authority.reencryptSession(x, w.records, w.trailer, w.n1)],
    'reencrypt.trailer': [w.trailer, (x) => w.authority.reencryptSession(w.header, w.records, x, w.n1)],
    'reencrypt.notice': [w.n1, (x) => w.authority.reencryptSession(w.header, w.records, w.trailer, x)],
    'openIncluded.record': [w.records[0], (x) => w.opener.openIncluded(x, proof)],
    'openIncluded.proof': [proof, (x) => w.opener.openIncluded(w.records[0], x)],
    needsCatchUp: [w.n1, (x) => w.header.needsCatchUp(x)],
    forSessionClose: [w.trailer, (x) => Entry.forSessionClose(x, T0)],
    'catchUp.old': [w.header, (x) => Entry.forSessionCatchUp(x, w.rewrapped, T0)],
    'catchUp.new': [w.rewrapped, (x) => Entry.forSessionCatchUp(w.header, x, T0)],
  };
  for (const [name, [real, call]] of Object.entries(args)) {
    const extra = typeof real.toBytes === 'function' ? [real.toBytes(), look(real)] : [look(real)];
    for (const bad of [...wrong, ...extra]) invalid(() => call(bad), `${name}: ${String(bad?.constructor?.name)}`);
  }
  for (const call of [
    () => w.authority.rewrapSession(w.header, streamLike, w.n1),
    () => w.authority.reencryptSession(w.header, w.records, streamLike, w.n1),
    () => Entry.forSessionClose(streamLike, T0),
    () => Entry.forStreamClose(w.trailer, T0),
  ]) invalid(call);
  const theirs = new NoticeService(Authority.setup()).bump('role:nurse');
  assert.equal(w.header.needsCatchUp(theirs), false);
  assert.throws(() => w.authority.rewrapSession(w.header, w.trailer, theirs), is(cc.WrongAuthority));
  assert.throws(() => w.authority.reencryptSession(w.header, w.records, w.trailer, theirs), is(cc.WrongAuthority));
  w.healthy();
});

test('SB-25: errors and objects name no secret', () => {
  // Attack: provoke each refusal of the session catch-up and search the errors (message, stack,
  // own properties) and the objects' own enumerable properties and String() for secrets. Safe:
  // library errors (CipherchartError with a code) holding no hex of the master key, a user key,
  // or a payload.
  const w = world();
  const secrets = [hex(w.authority.toSecretBytes()), hex(w.oldKey.toBytes()), hex(w.newKey.toBytes()), hex(payload(3)), '63 bpm'];
  const other = w.another('bed-4/mon', 6);
  const proof = proveSessionRecord(w.records, 3);
  const calls = [
    () => w.opener.openIncluded(other.records[3], proof),
    () => w.opener.openIncluded(w.records[3], proveSessionRecord(w.records, 2)),
    () => w.opener.openAll(other.records),
    () => w.opener.open(w.records[3]),
    () => w.authority.rewrapSession(w.header, other.sealer.close(), w.n1),
    () => w.authority.reencryptSession(w.header, other.records, w.trailer, w.n1),
    () => w.oldKey.openSession(w.authority.publicKey(), w.rewrapped),
    () => w.sealer.seal(enc('hr'), payload(3)),
    () => proveSessionRecord(w.records, 99),
    () => w.authority.reencryptSession(w.header, w.records, null, w.n1),
  ];
  for (const call of calls) {
    let error;
    try {
      call();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof cc.CipherchartError && typeof error.code === 'string', String(error));
    const text = `${error.message} ${error.stack} ${JSON.stringify(Object.entries(error))}`.toLowerCase();
    for (const s of secrets) assert.ok(!text.includes(s.slice(0, 32)), error.message);
  }
  for (const o of [w.sealer, w.opener, w.rewrapped, w.trailer, w.records[3], proof]) {
    const text = `${String(o)} ${JSON.stringify(o)} ${Object.keys(o).join()}`;
    for (const s of secrets) assert.ok(!text.includes(s.slice(0, 32)));
  }
});

test('SB-26: many records, and the module after a burst of refusals', () => {
  // Attack: 20 000 records (encodings) to proveSessionRecords / sessionTrailer / openAll, then
  // a burst of 1 000 refused calls of every kind. Safe: right results in bounded time; after the
  // refusals the same instance still opens and proves.
  const w = world(4);
  const big = w.another('big', 0);
  const records = [];
  for (let i = 0; i < 20_000; i++) records.push(big.sealer.seal(enc(''), enc(`${i}`)).toBytes());
  const trailer = big.sealer.close();
  const started = Date.now();
  const proofs = proveSessionRecords(records);
  assert.equal(proofs.length, 20_000);
  assert.ok(sessionTrailer(big.header, records).equals(trailer));
  const opener = w.newKey.openSession(w.authority.publicKey(), w.authority.rewrapSession(big.header, trailer, w.n1));
  assert.equal(dec(opener.openIncluded(SessionRecord.fromBytes(records[12_345]), proofs[12_345])), '12345');
  assert.equal(opener.openAll(records).length, 20_000);
  assert.ok(Date.now() - started < 30_000, `${Date.now() - started} ms`);
  for (let i = 0; i < 1000; i++) {
    assert.throws(() => [
      () => proveSessionRecord(records, 20_000 + i),
      () => opener.openIncluded(SessionRecord.fromBytes(records[i]), proofs[i + 1]),
      () => opener.openAll(records.slice(1, 64)),
      () => sessionTrailer(big.header, [records[0], {}]),
    ][i % 4](), cc.CipherchartError);
  }
  w.healthy();
});
