// Second outside review of format v3 re-encryption, through the JavaScript (WASM) binding
// (attacks). Each test is one attack, from the docs (docs/formats.md "Re-encryption key v3",
// "Hop v3"; docs/revocation.md §0.1 steps 4-5, §0.5; docs/federation.md §7), the typings and the
// header of js/checks.js only: the attack, the safe behaviour expected, and the doc sentence
// relied on. An attack that succeeds is a finding: its test asserts the safe behaviour and is
// marked `todo: 'finding HB-n ...'` until fixed (HB-2 to HB-5 and DM-1 are fixed: their tests now run); the others stay as regression tests. Attacks that corrupt
// the module's memory run in a child process, so that they cannot break the other tests.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as cc from 'cipherchart';
import * as v from 'cipherchart/verify';

const {
  Authority, BlsSigningKey, DelegationKey, Policy, ReKey, SealedRecord, VersionNotice, seal, sealWithNotice,
} = cc;
const HERE = dirname(fileURLToPath(import.meta.url));
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const T0 = 1_800_000_000;

/** An authority's notice service: its notice key, the bumped names, each notice verified
 * against the one before (as tests/revocation/common.rs). */
class NoticeService {
  constructor(authority, key = BlsSigningKey.generate()) {
    this.key = key;
    this.authority = authority.publicKey().id;
    this.now = T0;
    this.bumpCount = 0;
    this.versions = new Map();
    this.last = null;
  }

  /** A signed notice, by default the next one at the current versions (not verified). */
  sign({ serial, versions, bumpCount } = {}) {
    this.now += 1;
    const count = bumpCount ?? this.bumpCount;
    const head = new Uint8Array(32);
    if (count) {
      head.fill(0xbb, 0, 24);
      new DataView(head.buffer).setBigUint64(24, BigInt(count));
    }
    const at = serial ?? this.now;
    return VersionNotice.sign(this.key, {
      authority: this.authority, statementSerial: 0, serial: at, issuedAt: at, notAfter: at + 3600,
      bumpCount: count, bumpHead: head, versions: [...(versions ?? this.versions)],
    });
  }

  current() {
    const notice = this.sign();
    this.last = notice.verify(this.key.publicKey(), this.now, this.last);
    return this.last;
  }

  bump(names) {
    this.bumpCount += 1;
    for (const n of names) this.versions.set(n, (this.versions.get(n) ?? 0) + 1);
    return this.current();
  }

  /** A notice verified on its own, not kept as `last` (free it at will). */
  loose() {
    return this.sign().verify(this.key.publicKey(), this.now);
  }
}

const consent = () => BlsSigningKey.generate().publicKey();
function rekey(authority, source, attributes, target, targetNotice, to, parent) {
  return authority.issueDelegationKeyUnder(source, attributes, consent())
    .rekeyUnder(target, targetNotice, Policy.parse(to), parent);
}

/** `call` must throw exactly `cls` (a CipherchartError with its code). */
const throwsExactly = (call, cls, what) => assert.throws(call, (e) => {
  assert.equal(e?.constructor, cls, `${what ?? ''}: ${e?.constructor?.name}: ${e?.message}`);
  assert.equal(e.code, cls.code);
  assert.ok(e instanceof cc.CipherchartError);
  return true;
});
/** The code of what `call` throws, 'ok' if nothing. */
const outcome = (call) => {
  try {
    call();
    return 'ok';
  } catch (e) {
    return e instanceof cc.CipherchartError ? e.code : `${e?.constructor?.name}: ${e?.message}`;
  }
};

/**
 * Runs `body` (module code; `cc`, `setup()` and `out(value)` in scope) in a child node process,
 * so that an attack that breaks the module's memory breaks only the child. Returns what the
 * child passed to `out` (JSON), or the child's failure.
 */
function inChild(body) {
  const src = `
    import * as cc from 'cipherchart';
    const out = (v) => { process.stdout.write(JSON.stringify(v)); };
    function setup() {
      const a = cc.Authority.setup();
      const pk = a.publicKey();
      const key = cc.BlsSigningKey.generate();
      const head = new Uint8Array(32).fill(1);
      const n = cc.VersionNotice.sign(key, { authority: pk.id, statementSerial: 0, serial: ${T0}, issuedAt: ${T0},
        notAfter: ${T0 + 3600}, bumpCount: 1, bumpHead: head, versions: [['role:gp', 1]] }).verify(key.publicKey(), ${T0});
      const notice = () => cc.VersionNotice.fromBytes(n.notice.toBytes()).verify(key.publicKey(), ${T0});
      const delegator = cc.BlsSigningKey.generate().publicKey();
      const record = cc.sealWithNotice(pk, n, cc.Policy.parse('patient:42'), [1], [], [7]);
      const first = a.issueDelegationKeyUnder(n, ['patient:42'], delegator).rekeyUnder(pk, n, cc.Policy.parse('role:gp'));
      const hop1 = first.reencrypt(record);
      return { a, pk, n, notice, delegator, record, first, hop1, grant: hop1.newestGrant };
    }
    ${body}
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', src], { cwd: HERE, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `child failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------------------------------------
// Refusals never consume or corrupt the secret.

test('every refusal leaves the delegation key byte for byte and working', () => {
  // Attack: hit one versioned delegation key with every refusal of rekeyUnder, rekey and rekeyTo
  // (another authority's notice, a target not the notice's authority, the guard alone or in a
  // gate, parents of every wrong length and type, the versioned key to rekey/rekeyTo, another
  // authority's key to rekey), hoping one takes the key out and fails after.
  // Safe: each throws its documented class; bytes and keyId unchanged after every one; the key
  // then makes a re-key whose hop opens for the audience only.
  // Doc: d.ts DelegationKey "a refused call does not consume it"; rekeyUnder "# Errors".
  const [authority, other] = [Authority.setup(), Authority.setup()];
  const pk = authority.publicKey();
  const n = new NoticeService(authority).bump(['patient:42', 'role:gp']);
  const foreign = new NoticeService(other).current();
  const record = sealWithNotice(pk, n, Policy.parse('patient:42'), enc('r'), enc('m'), enc('chart'));
  const d = authority.issueDelegationKeyUnder(n, ['patient:42'], consent());
  const [before, keyId] = [d.toBytes(), d.keyId];
  const gp = Policy.parse('role:gp');
  const guard = Policy.parse('cipherchart:key-holder');
  const refusals = [
    [() => d.rekeyUnder(pk, foreign, gp), cc.WrongAuthority],
    [() => d.rekeyUnder(other.publicKey(), n, gp), cc.WrongAuthority],
    [() => d.rekeyUnder(pk, n, guard), cc.InvalidAttribute],
    [() => d.rekeyUnder(pk, n, Policy.parse('role:gp or cipherchart:key-holder')), cc.InvalidAttribute],
    [() => d.rekey(pk, gp), cc.InvalidArgument],
    [() => d.rekeyTo(other.publicKey(), gp), cc.InvalidArgument],
    [() => d.rekey(other.publicKey(), gp), cc.WrongAuthority],
    [() => d.rekeyTo(pk, guard), cc.InvalidAttribute],
  ];
  for (const length of [0, 1, 16, 32, 47, 49, 64, 4096]) {
    refusals.push([() => d.rekeyUnder(pk, n, gp, new Uint8Array(length)), cc.InvalidEncoding]);
    refusals.push([() => d.rekeyUnder(pk, n, gp, new Array(length).fill(1)), cc.InvalidEncoding]);
  }
  for (const bad of ['a'.repeat(48), 48, new Uint16Array(48), new ArrayBuffer(48), new Int8Array(48),
    new Uint8ClampedArray(48), [...new Array(47).fill(0), 256], [...new Array(47).fill(0), -1], [...new Array(47).fill(0), 0.5],
    [...new Array(47).fill(0), '1'], pk, n, {}, { length: 48 }, true]) {
    refusals.push([() => d.rekeyUnder(pk, n, gp, bad), cc.InvalidArgument]);
  }
  for (const [call, cls] of refusals) {
    throwsExactly(call, cls, String(call));
    assert.equal(d.isConsumed, false);
    assert.ok(same(d.toBytes(), before) && same(d.keyId, keyId));
  }
  const rk = d.rekeyUnder(pk, n, gp);
  assert.equal(d.isConsumed, true);
  assert.ok(same(rk.delegationKeyId, keyId));
  const shared = rk.reencrypt(record);
  assert.equal(dec(authority.issueKeyUnder(n, ['role:gp']).open(pk, shared)), 'chart');
  throwsExactly(() => authority.issueKeyUnder(n, ['role:nurse']).open(pk, shared), cc.PolicyNotSatisfied);
});

test('a consumed or freed delegation key refuses every read and use with InvalidArgument', () => {
  // Attack: read the secret or its id out of a consumed key, or of a freed one (keyId, toBytes,
  // the getters, toKeyFile), or use it again through each re-key method.
  // Safe: InvalidArgument each time, never a value or a plain Error; isConsumed tells.
  // Doc: d.ts keyId "Throws InvalidArgument once consumed"; toBytes "Throws InvalidArgument once
  // consumed"; checks.js header (freed objects refused).
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const n = new NoticeService(authority).current();
  const gp = Policy.parse('role:gp');
  const consumed = authority.issueDelegationKeyUnder(n, ['patient:42'], consent());
  consumed.rekeyUnder(pk, n, gp);
  assert.equal(consumed.isConsumed, true);
  const freed = authority.issueDelegationKeyUnder(n, ['patient:42'], consent());
  freed.free();
  for (const d of [consumed, freed]) {
    for (const call of [() => d.keyId, () => d.toBytes(), () => d.attributes, () => d.delegator, () => d.authority,
      () => d.rekey(pk, gp), () => d.rekeyTo(pk, gp), () => d.rekeyUnder(pk, n, gp), () => d.toKeyFile('pass phrase')]) {
      throwsExactly(call, cc.InvalidArgument, String(call));
    }
  }
  throwsExactly(() => freed.isConsumed, cc.InvalidArgument);
  throwsExactly(() => freed.free(), cc.InvalidArgument);
});

test('parent views at an offset, pooled Buffers, SharedArrayBuffer views and byte arrays are read exactly', () => {
  // Attack: give the parent as a Uint8Array view 10 bytes into a larger buffer, a Buffer from
  // Node's pool (nonzero byteOffset), a view of a SharedArrayBuffer, and an array of numbers,
  // hoping the binding reads the buffer from its start or past the view.
  // Safe: the re-key's parent is exactly the 48 bytes of the view, and it forwards the hop.
  // Doc: checks.js "a Uint8Array (or a subclass such as Node's Buffer), or an array of integers
  // from 0 to 255"; d.ts rekeyUnder parent (48 bytes).
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const n = new NoticeService(authority).current();
  const record = sealWithNotice(pk, n, Policy.parse('patient:42'), enc('r'), enc(''), enc('x'));
  const hop1 = rekey(authority, n, ['patient:42'], pk, n, 'role:gp').reencrypt(record);
  const grant = hop1.newestGrant;
  const big = new Uint8Array(100).fill(0xee);
  big.set(grant, 10);
  const shared = new Uint8Array(new SharedArrayBuffer(64)).fill(0xee);
  shared.set(grant, 8);
  const pooled = Buffer.from(grant);
  assert.ok(pooled.byteOffset > 0 || pooled.buffer.byteLength > 48);
  for (const parent of [new Uint8Array(big.buffer, 10, 48), big.subarray(10, 58), pooled, shared.subarray(8, 56),
    [...grant]]) {
    const rk = rekey(authority, n, ['role:gp'], pk, n, 'role:cardiologist', parent);
    assert.ok(same(rk.parent, grant), parent.constructor.name);
    assert.equal(rk.canReencrypt(hop1), true);
    assert.equal(rk.canReencrypt(record), false);
  }
});

test('a Uint8Array subclass or Proxy whose length lies never writes past its buffer in the module', () => {
  // Attack: parent = a subclass of Uint8Array whose `length` getter says 48 over a larger
  // array, and a Proxy of a Uint8Array whose `length` reads 48 first and more later; also a
  // Proxy that reads consistently. Another ReKey is alive beside them.
  // Safe: each is refused (InvalidArgument) or read as exactly the bytes it holds; no
  // RuntimeError; the other ReKey's bytes are unchanged; the module works afterwards.
  // Doc: checks.js header ("a forged, copied, JSON-revived or proxied object is refused";
  // "Array arguments are read once, before any check, and the checked copy is what is passed on").
  const results = {};
  for (const [name, extra] of [['subclass+16', 16], ['subclass+4096', 4096], ['proxy+64', 64], ['proxy-consistent', 0]]) {
    results[name] = inChild(`
      const [name, extra] = ${JSON.stringify([name, extra])};
      const w = setup();
      const before = w.first.toBytes();
      let arg;
      if (name.startsWith('subclass')) {
        class Liar extends Uint8Array { get length() { return 48; } }
        arg = new Liar(48 + extra);
        arg.set(w.grant);
        arg.fill(0x41, 48);
      } else {
        const t = new Uint8Array(48 + extra);
        t.set(w.grant);
        t.fill(0x41, 48);
        let reads = 0;
        arg = new Proxy(t, { get(target, k) {
          if (k === 'length') { reads += 1; return reads === 1 ? 48 : 48 + extra; }
          const v = Reflect.get(target, k, target);
          return typeof v === 'function' ? v.bind(target) : v;
        } });
      }
      let outcome;
      try {
        const rk = w.a.issueDelegationKeyUnder(w.n, ['role:gp'], w.delegator).rekeyUnder(w.pk, w.n, cc.Policy.parse('role:x'), arg);
        outcome = rk.parent.every((b, i) => b === w.grant[i]) ? 'read exactly' : 'read wrongly';
      } catch (e) {
        // The fix (HB-2) copies a subclass's real bytes (48 + extra), which are not a
        // 48-byte grant reference: InvalidEncoding (bad_length), as for any such parent.
        outcome = e instanceof cc.InvalidArgument ? 'refused'
          : e instanceof cc.InvalidEncoding && e.kind === 'bad_length' ? 'read as its real bytes'
            : e.constructor.name + ': ' + e.message;
      }
      let intact;
      try {
        intact = w.first.toBytes().every((b, i) => b === before[i]) && w.a.issueKeyUnder(w.n, ['role:gp']).open(w.pk, w.hop1)[0] === 7;
      } catch (e) {
        intact = e.constructor.name + ': ' + e.message;
      }
      out({ outcome, intact });
    `);
  }
  const all = JSON.stringify(results);
  const extra = (name) => name.startsWith('subclass');
  for (const [name, { outcome: o, intact }] of Object.entries(results)) {
    assert.ok(o === 'refused' || o === 'read exactly' || (extra(name) && o === 'read as its real bytes'),
      `${name}: ${o} (all: ${all})`);
    assert.equal(intact, true, `${name} (all: ${all})`);
  }
});

test('a byte array whose element getter runs between the checks and the call changes nothing', () => {
  // Attack: parent = an array of 48 numbers whose element 0 is a getter; its first read (the
  // checks) gives the grant's byte, its second (wasm-bindgen's copy) flips a bit, frees the
  // target notice, frees the receiver, frees the notice and puts its dead pointer back, or
  // gives the PublicKey argument a Policy's pointer.
  // Safe: the array is read once before the checks (the getter runs once), so the checked
  // bytes are the bytes used; freeing or swapping during that read is refused before any call
  // (InvalidArgument); never a plain Error or a call on freed or mistyped memory.
  // Doc: checks.js header "Array arguments are read once, before any check, and the checked copy
  // is what is passed on"; "a real object whose pointer was overwritten is refused before any call".
  const results = {};
  for (const mode of ['flip', 'free-notice', 'free-this', 'dead-pointer', 'swap-pointer']) {
    results[mode] = inChild(`
      const mode = ${JSON.stringify(mode)};
      const w = setup();
      const notice = w.notice();
      const policy = cc.Policy.parse('role:x');
      const pk = cc.PublicKey.fromBytes(w.pk.toBytes());
      const d = w.a.issueDelegationKeyUnder(w.n, ['role:gp'], w.delegator);
      const arr = [...w.grant];
      let reads = 0;
      Object.defineProperty(arr, 0, { enumerable: true, get() {
        reads += 1;
        if (reads === 2) {
          if (mode === 'flip') return w.grant[0] ^ 1;
          if (mode === 'free-notice') notice.free();
          if (mode === 'free-this') d.free();
          if (mode === 'dead-pointer') { const p = notice.__wbg_ptr; notice.free(); notice.__wbg_ptr = p; }
          if (mode === 'swap-pointer') pk.__wbg_ptr = policy.__wbg_ptr;
        }
        return w.grant[0];
      } });
      let outcome;
      try {
        const rk = d.rekeyUnder(pk, notice, policy, arr);
        outcome = rk.parent.every((b, i) => b === w.grant[i]) ? 'used the checked bytes' : 'used other bytes';
      } catch (e) {
        outcome = e instanceof cc.InvalidArgument ? 'refused' : e.constructor.name + ': ' + e.message;
      }
      out({ outcome, reads });
    `);
  }
  const all = JSON.stringify(results);
  const extra = (name) => name.startsWith('subclass');
  for (const [mode, { outcome: o, reads }] of Object.entries(results)) {
    assert.ok(o === 'refused' || o === 'used the checked bytes', `${mode}: ${o} (all: ${all})`);
    assert.equal(reads, 1, `${mode}: the getter ran ${reads} times (all: ${all})`);
  }
});

// ---------------------------------------------------------------------------------------------
// checkCurrent.

test('checkCurrent reads its array once: getters, mutation, frees and Proxies during the read', () => {
  // Attack: a notices array whose element getter returns the older notice on the first read and
  // the newer later (and the reverse), pushes to the array, frees an element already read, frees
  // the receiver; a Proxy array doing the same; a dense array of 2^20 notices; a sparse array of
  // length 2^32 - 1; an array over the copy limit.
  // Safe: each element is read once, before any check, and what is checked is what is used; a
  // free during the read is InvalidArgument (freed); the giants are answered at once.
  // Doc: checks.js header "Array arguments are read once, before any check"; d.ts checkCurrent.
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const stale = rekey(authority, n0, ['patient:42'], pk, n0, 'role:gp');
  const n1 = service.bump(['role:gp']);
  const flip = (first, later) => {
    const arr = [null];
    const reads = { n: 0 };
    Object.defineProperty(arr, 0, { enumerable: true, get() { reads.n += 1; return reads.n === 1 ? first : later; } });
    return [arr, reads];
  };
  let [arr, reads] = flip(n0, n1);
  assert.equal(outcome(() => stale.checkCurrent(arr)), 'ok');
  assert.equal(reads.n, 1);
  [arr, reads] = flip(n1, n0);
  assert.equal(outcome(() => stale.checkCurrent(arr)), 'stale_rekey');
  assert.equal(reads.n, 1);
  const growing = [null];
  Object.defineProperty(growing, 0, { get() { growing.push(n1); return n0; } });
  assert.equal(outcome(() => stale.checkCurrent(growing)), 'ok');
  const early = service.loose();
  const freesEarlier = [early, null];
  Object.defineProperty(freesEarlier, 1, { get() { early.free(); return n1; } });
  throwsExactly(() => stale.checkCurrent(freesEarlier), cc.InvalidArgument);
  const victim = rekey(authority, n1, ['patient:42'], pk, n1, 'role:gp');
  const freesThis = [null];
  Object.defineProperty(freesThis, 0, { get() { victim.free(); return n1; } });
  throwsExactly(() => victim.checkCurrent(freesThis), cc.InvalidArgument);
  let proxyReads = 0;
  const proxy = new Proxy([n0], { get: (t, k, r) => (k === '0' ? ((proxyReads += 1) === 1 ? n0 : n1) : Reflect.get(t, k, r)) });
  assert.equal(outcome(() => stale.checkCurrent(proxy)), 'ok');
  assert.equal(proxyReads, 1);
  assert.equal(outcome(() => stale.checkCurrent(new Array(2 ** 20).fill(n1))), 'stale_rekey');
  const sparse = [n1];
  sparse.length = 2 ** 32 - 1;
  let start = Date.now();
  throwsExactly(() => stale.checkCurrent(sparse), cc.InvalidArgument);
  assert.ok(Date.now() - start < 5000);
  const over = [n1];
  over.length = (1 << 24) + 1;
  start = Date.now();
  throwsExactly(() => stale.checkCurrent(over), cc.InvalidArgument);
  assert.ok(Date.now() - start < 5000);
  // The notices given stay usable.
  assert.equal(n1.versionOf('role:gp'), 1);
  assert.equal(n0.serial + 1, n1.serial);
});

test('checkCurrent refuses notices of the other build, forged, proxied, re-prototyped or freed ones', () => {
  // Attack: notices of the verify-only build, a notice with another prototype, an object made
  // from the prototype with a live notice's pointer, a Proxy of a live notice, a freed notice,
  // the unverified VersionNotice; and a frozen live notice (unchanged, so accepted).
  // Safe: InvalidArgument for each of the first group, naming notices; the frozen one counts.
  // Doc: checks.js header (objects "of this build, of that class, not freed ... unaltered").
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const stale = rekey(authority, n0, ['patient:42'], pk, n0, 'role:gp');
  const n1 = service.bump(['role:gp']);
  const verifyOnly = v.VersionNotice.fromBytes(n1.notice.toBytes())
    .verify(v.BlsPublicKey.fromBytes(service.key.publicKey().toBytes()), service.now);
  class Sub extends cc.VerifiedNotice {}
  const reproto = service.loose();
  Object.setPrototypeOf(reproto, Sub.prototype);
  const forged = Object.create(cc.VerifiedNotice.prototype);
  forged.__wbg_ptr = n1.__wbg_ptr;
  const freed = service.loose();
  freed.free();
  for (const bad of [verifyOnly, reproto, forged, new Proxy(n1, {}), freed, n1.notice, n1.notice.toBytes()]) {
    assert.throws(() => stale.checkCurrent([bad]), (e) => e instanceof cc.InvalidArgument && / notices /.test(e.message));
    assert.throws(() => stale.checkCurrent([n1, bad]), cc.InvalidArgument);
  }
  const frozen = service.loose();
  Object.freeze(frozen);
  throwsExactly(() => stale.checkCurrent([frozen]), cc.StaleReKey);
  assert.equal(frozen.versionOf('role:gp'), 1);
});

test('checkCurrent takes the newest notice of each authority whatever the order, duplicates or foreign notices', () => {
  // Attack: hide the bumping notice among duplicates of the older one, before or after it,
  // beside notices of another authority.
  // Safe: the stale re-key is StaleReKey in every arrangement and the fresh one passes; the older
  // notice alone is FutureVersion for the fresh re-key; no notice of an authority is
  // WrongAuthority.
  // Doc: formats.md "of several notices of one authority the one with the highest serial counts";
  // d.ts checkCurrent "# Errors".
  const [authority, other] = [Authority.setup(), Authority.setup()];
  const pk = authority.publicKey();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const stale = rekey(authority, n0, ['patient:42'], pk, n0, 'role:gp');
  const n1 = service.bump(['role:gp']);
  const fresh = rekey(authority, n1, ['patient:42'], pk, n1, 'role:gp');
  const foreign = new NoticeService(other).bump(['role:gp']);
  for (const notices of [[n1], [n0, n1], [n1, n0], [n0, n0, n1, n0], [foreign, n0, n1], [n1, foreign, n0, foreign]]) {
    throwsExactly(() => stale.checkCurrent(notices), cc.StaleReKey);
    assert.equal(fresh.checkCurrent(notices), undefined);
  }
  for (const older of [[n0], [n0, n0], [foreign, n0]]) throwsExactly(() => fresh.checkCurrent(older), cc.FutureVersion);
  for (const missing of [[], [foreign], [foreign, foreign]]) throwsExactly(() => fresh.checkCurrent(missing), cc.WrongAuthority);
});

test('two notices with one serial never let a stale re-key pass by their order', () => {
  // Attack: two notices of the authority with one serial, one reflecting the bump of the
  // re-key's target name and one not (an equivocating or restored notice service; each verifies
  // on its own), in both orders.
  // Safe: the same answer in both orders, and not "current" (StaleReKey or a refusal).
  // Doc: formats.md "of several notices of one authority the one with the highest serial counts"
  // (ties not addressed).
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const stale = rekey(authority, n0, ['patient:42'], pk, n0, 'role:gp');
  const serial = service.now + 10;
  const bumped = service.sign({ serial, versions: [['role:gp', 1]], bumpCount: 1 }).verify(service.key.publicKey(), serial);
  const plain = service.sign({ serial, versions: [], bumpCount: 0 }).verify(service.key.publicKey(), serial);
  throwsExactly(() => plain.notice.verify(service.key.publicKey(), serial, bumped), cc.StaleNotice);
  const outcomes = [[bumped, plain], [plain, bumped]].map((notices) => outcome(() => stale.checkCurrent(notices)));
  assert.ok(!outcomes.includes('ok'), outcomes.join(', '));
});

test('notices of one authority verified under two notice keys are not mixed', () => {
  // Attack: beside the genuine notice bumping the target name, a newer notice for the same
  // authority id with no bump, signed and verified under another BLS key.
  // Safe: refused (as VersionNotice.verify refuses a previous verified under another key), or
  // at least the stale re-key does not pass.
  // Doc: d.ts VersionNotice.verify; revocation.md §0.3 (the verifier pins the notice key).
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const stale = rekey(authority, n0, ['patient:42'], pk, n0, 'role:gp');
  const n1 = service.bump(['role:gp']);
  const mallory = new NoticeService(authority);
  mallory.now = n1.serial + 100;
  const forged = mallory.current();
  assert.ok(same(forged.authority, n1.authority));
  assert.throws(() => stale.checkCurrent([n1, forged]), cc.CipherchartError);
});

// ---------------------------------------------------------------------------------------------
// stripStaleHops and needsCatchUp.

/** A record of A shared four times: hop 1 within A (gp), hop 2 a referral to B (cardiologist),
 * hop 3 within B (surgeon), hop 4 a referral back to A (role:x). */
function chain4() {
  const [a, b] = [Authority.setup(), Authority.setup()];
  const [pa, pb] = [a.publicKey(), b.publicKey()];
  const [sa, sb] = [new NoticeService(a), new NoticeService(b)];
  const na = sa.bump(['role:x']);
  const nb = sb.bump(['role:surgeon']);
  const record = sealWithNotice(pa, na, Policy.parse('patient:42'), enc('r'), enc('m'), enc('chart'));
  const h1 = rekey(a, na, ['patient:42'], pa, na, 'role:gp').reencrypt(record);
  const h2 = rekey(a, na, ['role:gp'], pb, nb, 'role:cardiologist', h1.newestGrant).reencrypt(h1);
  const h3 = rekey(b, nb, ['role:cardiologist'], pb, nb, 'role:surgeon', h2.newestGrant).reencrypt(h2);
  const h4 = rekey(b, nb, ['role:surgeon'], pa, na, 'role:x', h3.newestGrant).reencrypt(h3);
  const opens = (key, r) => {
    try {
      return dec(key.openFederated([pa, pb], r)) === 'chart';
    } catch (e) {
      if (e instanceof cc.PolicyNotSatisfied || e instanceof cc.WrongAuthority) return false;
      throw e;
    }
  };
  return { a, b, pa, pb, sa, sb, na, nb, record, h1, h2, h3, h4, opens };
}

test('stripStaleHops removes exactly the hops from the first stale one of the notice\'s authority', () => {
  // Attack: look for a strip that keeps a stale layer or drops a current one below it, across two
  // authorities that each hold layers (A: 0, 1, 4; B: 2, 3).
  // Safe: the hops from the first stale one of the notice's authority on are gone, the ones
  // below byte for byte (the earlier stored copy); undefined when no hop is stale; the revoked key
  // opens no stripped copy, the keys of the kept layers still do.
  // Doc: revocation.md §0.1 step 4; d.ts stripStaleHops.
  const w = chain4();
  const xBefore = w.a.issueKeyUnder(w.na, ['role:x']);
  assert.ok(w.opens(xBefore, w.h4));
  const na2 = w.sa.bump(['role:x']);
  assert.ok(w.h4.needsCatchUp(na2) && !w.h4.needsCatchUp(w.nb));
  assert.equal(w.h4.stripStaleHops(w.nb), undefined);
  let s = w.h4.stripStaleHops(na2);
  assert.ok(s.equals(w.h3) && !s.needsCatchUp(na2));
  assert.ok(!w.opens(xBefore, s) && w.opens(w.b.issueKeyUnder(w.nb, ['role:surgeon']), s));
  const nb2 = w.sb.bump(['role:surgeon']);
  s = w.h4.stripStaleHops(nb2);
  assert.ok(same(s.toBytes(), w.h2.toBytes()));
  assert.ok(!w.opens(w.b.issueKeyUnder(w.nb, ['role:surgeon']), s));
  assert.ok(w.opens(w.b.issueKeyUnder(nb2, ['role:cardiologist']), s));
  const na3 = w.sa.bump(['role:gp']);
  s = w.h4.stripStaleHops(na3);
  assert.ok(same(s.toBytes(), w.record.toBytes()) && !s.needsCatchUp(na3));
  assert.equal(s.stripStaleHops(na3), undefined);
  assert.equal(s.stripStaleHops(nb2), undefined);
});

test('a stale layer 0 is undefined for stripStaleHops and true for needsCatchUp, as documented', () => {
  // Attack: a notice of the record's own authority whose bump is in layer 0: a storage running
  // `strip ?? keep` keeps a record the revoked key still opens.
  // Safe (documented): stripStaleHops is undefined (no hop is stale), needsCatchUp true, and the
  // catch-up (rewrap) shuts the revoked key out; with a stale hop too, the stripped copy still
  // needs the catch-up.
  // Doc: revocation.md §0.1 step 4; d.ts stripStaleHops "undefined if no hop is stale".
  const w = chain4();
  const revoked = w.a.issueKeyUnder(w.na, ['patient:42']);
  const na2 = w.sa.bump(['patient:42']);
  assert.ok(w.record.needsCatchUp(na2) && w.h4.needsCatchUp(na2));
  assert.equal(w.record.stripStaleHops(na2), undefined);
  assert.equal(w.h4.stripStaleHops(na2), undefined);
  const caught = w.a.rewrap(w.record, na2);
  throwsExactly(() => revoked.open(w.pa, caught), cc.PolicyNotSatisfied);
  const na3 = w.sa.bump(['patient:42', 'role:gp']);
  const s = w.h4.stripStaleHops(na3);
  assert.ok(s.hopCount === 0 && s.needsCatchUp(na3));
});

test('strip then re-apply across authorities reaches only the current audience', () => {
  // Attack: after B strips the referred copy, re-apply the referral with the stale re-key, with a
  // current one without parent, and with a current one naming newestGrant as parent.
  // Safe: a proxy following the docs refuses the stale one (StaleReKey), the orphan applies to
  // nothing (PolicyNotSatisfied), the parented one reaches only cardiologists current under B.
  // Doc: federation.md §7; revocation.md §0.1 step 5.
  const w = chain4();
  const referral = rekey(w.a, w.na, ['role:gp'], w.pb, w.nb, 'role:cardiologist', w.h1.newestGrant);
  const referred = referral.reencrypt(w.h1);
  const oldCardio = w.b.issueKeyUnder(w.nb, ['role:cardiologist']);
  assert.ok(w.opens(oldCardio, referred));
  const nb2 = w.sb.bump(['role:cardiologist']);
  const stripped = referred.stripStaleHops(nb2);
  assert.ok(same(stripped.toBytes(), w.h1.toBytes()) && same(stripped.newestGrant, w.h1.newestGrant));
  throwsExactly(() => referral.checkCurrent([w.na, nb2]), cc.StaleReKey);
  const orphan = rekey(w.a, w.na, ['role:gp'], w.pb, nb2, 'role:cardiologist');
  orphan.checkCurrent([w.na, nb2]);
  throwsExactly(() => orphan.reencrypt(stripped), cc.PolicyNotSatisfied);
  const again = rekey(w.a, w.na, ['role:gp'], w.pb, nb2, 'role:cardiologist', stripped.newestGrant);
  again.checkCurrent([w.na, nb2]);
  const reReferred = SealedRecord.fromBytes(again.reencrypt(stripped).toBytes());
  assert.ok(!w.opens(oldCardio, reReferred));
  assert.ok(w.opens(w.b.issueKeyUnder(nb2, ['role:cardiologist']), reReferred));
  assert.equal(reReferred.stripStaleHops(nb2), undefined);
});

test('stripStaleHops and needsCatchUp on v2 records, uninvolved notices and freed objects', () => {
  // Attack: v2 records with a v2 hop; a notice of an authority no layer names; a freed record or
  // notice as receiver or argument.
  // Safe: a bumped v2 hop is stripped to the record as sealed; the uninvolved notice selects
  // nothing; freed objects are InvalidArgument (never a trap).
  // Doc: d.ts needsCatchUp, stripStaleHops; checks.js header.
  const [authority, other] = [Authority.setup(), Authority.setup()];
  const pk = authority.publicKey();
  const service = new NoticeService(authority);
  const record = seal(pk, Policy.parse('patient:42'), enc('r'), enc(''), enc('v2'));
  const shared = authority.issueDelegationKey(['patient:42'], consent()).rekey(pk, Policy.parse('role:gp')).reencrypt(record);
  const n1 = service.bump(['role:gp']);
  assert.ok(shared.needsCatchUp(n1) && !record.needsCatchUp(n1));
  assert.ok(same(SealedRecord.fromBytes(shared.stripStaleHops(n1).toBytes()).toBytes(), record.toBytes()));
  const uninvolved = new NoticeService(other).bump(['role:gp', 'patient:42']);
  assert.equal(shared.needsCatchUp(uninvolved), false);
  assert.equal(shared.stripStaleHops(uninvolved), undefined);
  const freedNotice = service.loose();
  freedNotice.free();
  const freedRecord = SealedRecord.fromBytes(shared.toBytes());
  freedRecord.free();
  for (const call of [() => shared.needsCatchUp(freedNotice), () => shared.stripStaleHops(freedNotice),
    () => freedRecord.needsCatchUp(n1), () => freedRecord.stripStaleHops(n1), () => freedRecord.newestGrant]) {
    throwsExactly(call, cc.InvalidArgument, String(call));
  }
});

test('the d.ts of needsCatchUp says that hop layers of the notice\'s authority count', () => {
  // Attack: read the typing a JavaScript user reads, and compare it with the behaviour: a copy
  // referred to B is selected by B's notice though its policy (layer 0, A's) names nothing of B.
  // Safe: the typing describes the behaviour.
  // Doc: pkg/web/cipherchart.d.ts SealedRecord.needsCatchUp; revocation.md §0.1 step 4.
  const w = chain4();
  const nb2 = w.sb.bump(['role:cardiologist']);
  assert.ok(w.h2.needsCatchUp(nb2));
  const require = createRequire(import.meta.url);
  const dts = readFileSync(join(dirname(require.resolve('cipherchart/package.json')), 'web', 'cipherchart.d.ts'), 'utf8');
  const doc = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*needsCatchUp\(/.exec(dts)[1];
  assert.match(doc, /hop/);
});

// ---------------------------------------------------------------------------------------------
// Revocation bypass and relabelled encodings.

test('a proxy following the docs never delivers to a revoked delegatee', () => {
  // Attack: offer a proxy that runs checkCurrent with the newest notices before reencrypt the old
  // re-key, a v3 re-key made through rekeyUnder from an unversioned delegation key issued before
  // the bump, and a re-key made under the older target notice.
  // Safe: each is StaleReKey at the check; the re-applied copy opens only for keys issued under the
  // new notice.
  // Doc: revocation.md §0.1 step 5, §0.5 "The proxy's checks are a function".
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const record = sealWithNotice(pk, n0, Policy.parse('patient:42'), enc('r'), enc(''), enc('letter'));
  const bob = authority.issueKeyUnder(n0, ['role:gp']);
  const old = rekey(authority, n0, ['patient:42'], pk, n0, 'role:gp');
  const unversioned = authority.issueDelegationKey(['patient:42'], consent());
  const n1 = service.bump(['role:gp']);
  const caught = authority.rewrap(old.reencrypt(record), n1);
  const proxy = (rk) => {
    rk.checkCurrent([n0, n1]);
    return rk.reencrypt(caught);
  };
  for (const attempt of [old, unversioned.rekeyUnder(pk, n0, Policy.parse('role:gp')),
    rekey(authority, n1, ['patient:42'], pk, n0, 'role:gp')]) {
    throwsExactly(() => proxy(attempt), cc.StaleReKey);
  }
  const good = proxy(rekey(authority, n1, ['patient:42'], pk, n1, 'role:gp'));
  throwsExactly(() => bob.open(pk, good), cc.PolicyNotSatisfied);
  assert.equal(dec(authority.issueKeyUnder(n1, ['role:gp']).open(pk, good)), 'letter');
});

test('v3 encodings relabelled as v2, and v2 as v3, do not decode', () => {
  // Attack: change the version byte of a v3 delegation key, re-key and record (with a hop) to 2,
  // and of their v2 counterparts to 3.
  // Safe: InvalidEncoding from each fromBytes.
  // Doc: formats.md "Delegation key" (v3), "Re-encryption key v3", "Sealed record v3".
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const n = new NoticeService(authority).bump(['patient:42', 'role:gp']);
  const r3 = rekey(authority, n, ['patient:42'], pk, n, 'role:gp');
  const r2 = authority.issueDelegationKey(['patient:42'], consent()).rekey(pk, Policy.parse('role:gp'));
  const cases = [
    [DelegationKey, authority.issueDelegationKeyUnder(n, ['patient:42'], consent()).toBytes()],
    [DelegationKey, authority.issueDelegationKey(['patient:42'], consent()).toBytes()],
    [ReKey, r3.toBytes()],
    [ReKey, r2.toBytes()],
    [SealedRecord, r3.reencrypt(sealWithNotice(pk, n, Policy.parse('patient:42'), enc('r'), enc(''), enc('x'))).toBytes()],
    [SealedRecord, r2.reencrypt(seal(pk, Policy.parse('patient:42'), enc('r'), enc(''), enc('x'))).toBytes()],
  ];
  for (const [cls, bytes] of cases) {
    assert.ok(bytes[3] === 2 || bytes[3] === 3);
    const relabelled = Uint8Array.from(bytes);
    relabelled[3] = 5 - bytes[3];
    throwsExactly(() => cls.fromBytes(relabelled), cc.InvalidEncoding, `${cls.name} v${bytes[3]}`);
  }
});
