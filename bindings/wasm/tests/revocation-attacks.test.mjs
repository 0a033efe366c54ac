// Outside review of format v3 revocation through the JavaScript (WASM) binding: attacks.
// Each test is one attack, from the docs and the public API only, with the attack, the safe
// behaviour expected and the doc sentence relied on. An attack that succeeds is a finding and
// is skipped with its id (`FINDING RB-n`); the others stay as regression tests.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { test } from 'node:test';

import * as cc from 'cipherchart';
import * as v from 'cipherchart/verify';

const {
  Authority, BlsSigningKey, Entry, Policy, SealedRecord, UserKey, VerifiedNotice, VersionNotice,
  seal, sealWithNotice,
} = cc;
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const hex = (h) => Uint8Array.from(h.match(/../g).map((x) => parseInt(x, 16)));
const toHex = (b) => Buffer.from(b).toString('hex');

const NOTICE_KEY = BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x6e));
const T0 = 1_800_000_000;
const authority = Authority.setup();
const pk = authority.publicKey();

const fields = (auth, serial, bumpCount, versions, override = {}) => ({
  authority: auth.publicKey().id,
  statementSerial: 0,
  serial,
  issuedAt: serial,
  notAfter: serial + 3600,
  bumpCount,
  bumpHead: new Uint8Array(32).fill(bumpCount ? 1 : 0),
  versions,
  ...override,
});
const sign = (auth, serial, bumpCount, versions, override = {}, key = NOTICE_KEY) =>
  VersionNotice.sign(key, fields(auth, serial, bumpCount, versions, override));
const verified = (notice, previous) => notice.verify(NOTICE_KEY.publicKey(), notice.issuedAt, previous);

const n0 = verified(sign(authority, T0, 0, []));
const n1 = verified(sign(authority, T0 + 60, 1, [['role:nurse', 1]]), n0);
const n2 = verified(sign(authority, T0 + 120, 2, [['role:nurse', 2]]), n1);

// Made by the Python binding (deterministic BLS, notice key fromIkm(0x6e × 32)): authority
// 0x11 × 32, statement_serial 2^64 − 1, serial 2^53 + 1, issued_at 2^64 − 100, not_after
// 2^64 − 1, bump_count 2^60 + 1, bump_head 0x22 × 32, versions [role:nurse, 2^32 − 1].
const BIG_NOTICE = hex(
  '434341031111111111111111111111111111111111111111111111111111111111111111ffffffffffffffff0020000000000001'
  + 'ffffffffffffff9cffffffffffffffff10000000000000012222222222222222222222222222222222222222222222222222222222222222'
  + '000000010000000a726f6c653a6e75727365ffffffff800691afdd05dd89e00fb217b332ed2b814313f2ba777c8e795de0b6df5e24d7c8'
  + 'c17eba1c5259976f5d5496e533e9b718be2a2c647fc23a42bf9c658c4b2fd0e1833ee3d5e5c1283979e248a02d46c0474d2d9abe97bc38'
  + '43683e37939826ad',
);

test('u64 fields as JS numbers: 2^53 and above, negative, NaN, fractional, BigInt, strings are InvalidArgument', () => {
  // Attack: every numeric NoticeField (and `now`, `keysIssued`) at 2^53, 2^64, -1, NaN, 1.5,
  // ±Infinity, a BigInt, a numeric string, a boolean, a Number object, null/undefined: a
  // binding that casts would sign a notice for a rounded or truncated serial.
  // Safe: InvalidArgument before the core runs; 2^53 − 1 passes the type check (and then
  // meets the core's rules).
  // Doc: bindings/wasm/README.md "numbers must be non-negative safe integers"; "Times and
  // sizes are JavaScript numbers (... integers up to 2^53, else InvalidArgument)".
  const bad = [2 ** 53, 2 ** 64, -1, NaN, 1.5, Infinity, -Infinity, 1n, 2n ** 64n, '1', true, new Number(1), null, undefined,
    { valueOf: () => 1 }];
  for (const name of ['statementSerial', 'serial', 'issuedAt', 'notAfter', 'bumpCount']) {
    for (const value of bad) {
      assert.throws(() => sign(authority, T0, 0, [], { [name]: value }), cc.InvalidArgument, `${name}=${String(value)}`);
    }
  }
  assert.ok(sign(authority, T0, 0, [], { statementSerial: 2 ** 53 - 1 }) instanceof VersionNotice);
  const notice = n1.notice;
  for (const now of [NaN, -1, 1.5, 2 ** 53, T0 * 1000, BigInt(T0), String(T0), null, undefined]) {
    assert.throws(() => notice.verify(NOTICE_KEY.publicKey(), now), cc.InvalidArgument, String(now));
  }
  assert.throws(() => Entry.forKeyUpdate(notice, 2 ** 53, T0), cc.InvalidArgument);
  assert.deepEqual(toHex(Entry.forKeyUpdate(notice, 2 ** 53 - 1, T0).metadata), '001fffffffffffff');
});

test('u64 values above 2^53 in decoded notices: checks and entries use the exact values', () => {
  // Attack: a notice made elsewhere with serial 2^53 + 1, bump_count 2^60 + 1,
  // statement_serial 2^64 − 1 and issued_at 2^64 − 100: a binding that goes through f64 would
  // log a rounded serial in the chain entry, re-encode other bytes, or accept the notice at a
  // `now` JS can express.
  // Safe: bytes round-trip exactly, Entry.forNotice's metadata carries the exact u64s, the
  // getters read rounded (documented), and verify at the largest time is StaleNotice (issued
  // far in the future), in both builds.
  // Doc: README "A value above 2^53 that arrives inside decoded data ... reads back rounded
  // to the nearest double: the checks themselves ... run in the core on the exact value".
  for (const m of [cc, v]) {
    const notice = m.VersionNotice.fromBytes(BIG_NOTICE);
    assert.deepEqual(notice.toBytes(), BIG_NOTICE);
    assert.equal(notice.serial, 2 ** 53); // rounded, as documented
    assert.deepEqual(notice.versions, [['role:nurse', 2 ** 32 - 1]]); // u32: exact
    assert.equal(toHex(m.Entry.forNotice(notice, T0).metadata), '0020000000000001' + '1000000000000001');
    const key = m.BlsPublicKey.fromBytes(NOTICE_KEY.publicKey().toBytes());
    assert.throws(() => notice.verify(key, 253_402_300_799), m.StaleNotice);
  }
});

test('authority and bumpHead must be exactly 32 bytes: no padding, truncation or coercion', () => {
  // Attack: 31/33 bytes, a string, an ArrayBuffer, a Uint16Array, an Int8Array, a DataView,
  // arrays holding 256, -1 or 1.5, a missing field, a Map or an array for the fields object.
  // Safe: InvalidArgument; a Buffer (a Uint8Array) is the same bytes.
  // Doc: NoticeFields typings "The authority id (PublicKey.id, 32 bytes)", "bumpHead ... 32
  // bytes; all zero exactly when bumpCount is 0"; README "bytes must be a Uint8Array ... not a
  // string, an ArrayBuffer, another typed array or a DataView".
  const id = pk.id;
  const bads = [id.slice(0, 31), new Uint8Array(33), 'x'.repeat(32), id.buffer.slice(0), new Uint16Array(32), new Int8Array(32),
    new DataView(new ArrayBuffer(32)), Array(32).fill(256), Array(32).fill(-1), Array(32).fill(1.5), undefined];
  for (const b of bads) {
    assert.throws(() => sign(authority, T0, 0, [], { authority: b }), cc.InvalidArgument);
    assert.throws(() => sign(authority, T0, 1, [], { bumpHead: b }), cc.InvalidArgument);
  }
  assert.throws(() => sign(authority, T0, 1, [], { bumpHead: new Uint8Array(32) }), cc.InvalidArgument);
  assert.throws(() => sign(authority, T0, 0, [], { bumpHead: new Uint8Array(32).fill(1) }), cc.InvalidArgument);
  assert.throws(() => VersionNotice.sign(NOTICE_KEY, new Map(Object.entries(fields(authority, T0, 0, [])))), cc.InvalidArgument);
  assert.throws(() => VersionNotice.sign(NOTICE_KEY, []), cc.InvalidArgument);
  assert.ok(sign(authority, T0, 0, [], { authority: Buffer.from(id) }).equals(sign(authority, T0, 0, [])));
});

test('versions list edges: duplicates (also NFC/NFD), non-strings, version 0, above u32, huge lists', () => {
  // Attack: the same name twice (also two Unicode spellings of it), non-string names, version
  // 0, -1, 1.5, NaN, '1', 1n, true, 2^32, above bumpCount, wrong pair shapes, holes, a string,
  // a Map or an object for the list, the guard namespace, 256-byte names, 65,537 entries.
  // Safe: a CipherchartError every time (InvalidArgument, InvalidAttribute, LimitExceeded);
  // 65,536 entries and version 2^32 − 1 are accepted; an NFD name is stored in NFC.
  // Doc: formats.md "vattr" (sorted, no repeats, NFC; "each version ≥ 1 and ≤ bump_count";
  // "list<vattr>(≤ 65536)"); typings "versions: Array<[string, number]>".
  const bads = [
    [['a:b', 1], ['a:b', 1]], [['caf\u00e9:x', 1], ['cafe\u0301:x', 1]], [['a:b', 0]], [['a:b', -1]], [['a:b', 1.5]],
    [['a:b', NaN]], [['a:b', '1']], [['a:b', 1n]], [['a:b', true]], [['a:b', 2 ** 32]], [['a:b', 3]], [[5, 1]],
    [[enc('a:b'), 1]], [['a:b', 1, 1]], [['a:b']], ['a:b'], 'a:b', { 'a:b': 1 }, new Map([['a:b', 1]]), [null],
    // eslint-disable-next-line no-sparse-arrays
    [, ['a:b', 1]], [['cipherchart:key-holder', 1]], [['', 1]], [['a'.repeat(256), 1]],
  ];
  for (const versions of bads) {
    assert.throws(() => sign(authority, T0, 2, versions), cc.CipherchartError, inspect(versions));
  }
  const nfd = sign(authority, T0, 1, [['cafe\u0301:x', 1]]);
  assert.deepEqual(nfd.versions, [['caf\u00e9:x', 1]]);
  assert.ok(VersionNotice.fromBytes(nfd.toBytes()).equals(nfd));
  assert.equal(verified(nfd).versionOf('cafe\u0301:x'), 1);
  const top = sign(authority, T0, 2 ** 33, [['a:b', 2 ** 32 - 1]]);
  assert.deepEqual(VersionNotice.fromBytes(top.toBytes()).versions, [['a:b', 2 ** 32 - 1]]);
  const big = Array.from({ length: 65_537 }, (_, i) => [`n:${String(i).padStart(6, '0')}`, 1]);
  assert.throws(() => sign(authority, T0, 1, big), cc.InvalidArgument);
  assert.equal(sign(authority, T0, 1, big.slice(0, 65_536)).versions.length, 65_536);
});

test('previous and the notice arguments are borrowed, not consumed, and never of the wrong kind', () => {
  // Attack: pass a VerifiedNotice as `previous`, to sealWithNotice, issueKeyUnder, rewrap and
  // needsCatchUp, then use it again (wasm-bindgen moves by-value arguments and zeroes their
  // pointer); pass a VersionNotice (unverified), a plain object, bytes or a record instead.
  // Safe: the notice stays usable after every call; every wrong kind is InvalidArgument.
  // Doc: README "objects must be of the declared class, not freed, and from the same build";
  // NoticeFields typings; revocation.md §0.1 (sealers, storage and authority verify).
  const a = verified(sign(authority, T0, 0, []));
  const b = verified(sign(authority, T0 + 60, 1, [['role:nurse', 1]]), a);
  const record = sealWithNotice(pk, a, Policy.parse('role:nurse'), enc('r'), enc(''), enc('p'));
  authority.issueKeyUnder(a, ['role:nurse']);
  record.needsCatchUp(b);
  authority.rewrap(record, b);
  verified(b.notice, b);
  assert.equal(a.serial, T0);
  assert.equal(b.serial, T0 + 60);
  assert.equal(a.versionOf('role:nurse'), 0);
  assert.equal(record.noticeSerial, T0);
  const copy = b.notice;
  copy.free();
  assert.ok(b.notice.equals(n1.notice));
  const forged = sign(authority, T0 + 600, 9, [['role:nurse', 9]], {}, BlsSigningKey.fromIkm(new Uint8Array(32).fill(7)));
  for (const bad of [forged, b.notice, { serial: 1 }, b.notice.toBytes(), record]) {
    assert.throws(() => authority.rewrap(record, bad), cc.InvalidArgument);
    assert.throws(() => authority.issueKeyUnder(bad, ['role:nurse']), cc.InvalidArgument);
    assert.throws(() => sealWithNotice(pk, bad, Policy.parse('role:nurse'), enc('r'), enc(''), enc('p')), cc.InvalidArgument);
    assert.throws(() => record.needsCatchUp(bad), cc.InvalidArgument);
    assert.throws(() => b.notice.verify(NOTICE_KEY.publicKey(), T0 + 60, bad), cc.InvalidArgument);
  }
  assert.throws(() => authority.rewrap(record.toBytes(), b), cc.InvalidArgument);
  assert.throws(() => authority.issueKeyUnder(b, 'role:nurse'), cc.InvalidArgument);
});

test('freed notices are refused as arguments, also after their memory is reused', () => {
  // Attack: free a VerifiedNotice, allocate new objects (wasm-bindgen may reuse the address),
  // then pass the stale wrapper as `previous`, to rewrap, issueKeyUnder, sealWithNotice,
  // needsCatchUp, equals, or call its methods.
  // Safe: InvalidArgument "freed or consumed", never acting on the object now at that address.
  // Doc: README "objects must be ... not freed"; js/checks.js "The object a method is called
  // on must not have been freed or consumed either".
  const record = sealWithNotice(pk, n0, Policy.parse('role:nurse'), enc('r'), enc(''), enc('p'));
  const stale = verified(sign(authority, T0 + 60, 1, [['role:nurse', 1]]), n0);
  stale.free();
  for (let i = 0; i < 8; i++) verified(sign(authority, T0 + 60, 1, [['role:nurse', 1]]), n0);
  const calls = [
    () => verified(sign(authority, T0 + 180, 2, [['role:nurse', 2]]), stale),
    () => authority.rewrap(record, stale),
    () => authority.issueKeyUnder(stale, ['role:nurse']),
    () => sealWithNotice(pk, stale, Policy.parse('role:nurse'), enc('r'), enc(''), enc('p')),
    () => record.needsCatchUp(stale),
    () => n1.equals(stale),
    () => stale.versionOf('role:nurse'),
    () => stale.equals(n1),
  ];
  for (const call of calls) assert.throws(call, (e) => e instanceof cc.InvalidArgument && /freed or consumed/.test(e.message));
  const freedNotice = sign(authority, T0, 0, []);
  freedNotice.free();
  assert.throws(() => freedNotice.verify(NOTICE_KEY.publicKey(), T0), cc.InvalidArgument);
  assert.throws(() => Entry.forNotice(freedNotice, T0), cc.InvalidArgument);
});

test('getters of a freed notice or record throw a CipherchartError',
  () => {
    // Attack: read a getter of a freed VerifiedNotice / VersionNotice / SealedRecord, free
    // twice, and pass `new VerifiedNotice()` (the typings say private constructor, but the
    // runtime builds an empty shell whose __wbg_ptr is undefined, not 0).
    // Safe: InvalidArgument (code invalid_argument) "freed or consumed", as for methods.
    // Doc: README "Every error is an Error subclass of CipherchartError with a stable .code";
    // js/checks.js "The object a method is called on must not have been freed or consumed".
    const isFreed = (e) => e instanceof cc.InvalidArgument;
    const notice = verified(sign(authority, T0, 0, []));
    notice.free();
    assert.throws(() => notice.serial, isFreed);
    assert.throws(() => notice.notice, isFreed);
    assert.throws(() => notice.noticeKey, isFreed);
    assert.throws(() => notice.free(), isFreed);
    const record = sealWithNotice(pk, n0, Policy.parse('role:nurse'), enc('r'), enc(''), enc('p'));
    record.free();
    assert.throws(() => record.noticeSerial, isFreed);
    assert.throws(() => record.bodyCommitment, isFreed);
    const shell = new VerifiedNotice();
    assert.throws(() => authority.rewrap(sealWithNotice(pk, n0, Policy.parse('role:nurse'), enc('r'), enc(''), enc('p')), shell), isFreed);
    assert.throws(() => authority.issueKeyUnder(shell, ['role:nurse']), isFreed);
    assert.throws(() => shell.serial, isFreed);
  });

test('objects of the other build are refused both ways', () => {
  // Attack: a VerifiedNotice of cipherchart/verify as `previous` or as the notice of
  // rewrap/issueKeyUnder/sealWithNotice/needsCatchUp in the full build, and the reverse (each
  // build has its own memory: a pointer of one is garbage, or another object, in the other).
  // Safe: InvalidArgument saying "another cipherchart build".
  // Doc: README "objects of cipherchart and cipherchart/verify do not mix: pass their bytes".
  const vkey = v.BlsPublicKey.fromBytes(NOTICE_KEY.publicKey().toBytes());
  const vn0 = v.VersionNotice.fromBytes(n0.notice.toBytes()).verify(vkey, T0);
  const vn1 = v.VersionNotice.fromBytes(n1.notice.toBytes()).verify(vkey, T0 + 60, vn0);
  const record = sealWithNotice(pk, n0, Policy.parse('role:nurse'), enc('r'), enc(''), enc('p'));
  const other = (e) => e instanceof Error && e.code === 'invalid_argument' && /another cipherchart build/.test(e.message);
  assert.throws(() => n1.notice.verify(NOTICE_KEY.publicKey(), T0 + 60, vn0), other);
  assert.throws(() => authority.rewrap(record, vn1), other);
  assert.throws(() => authority.issueKeyUnder(vn1, ['role:nurse']), other);
  assert.throws(() => sealWithNotice(pk, vn1, Policy.parse('role:nurse'), enc('r'), enc(''), enc('p')), other);
  assert.throws(() => record.needsCatchUp(vn1), other);
  assert.throws(() => n1.equals(vn1), other);
  assert.throws(() => v.VersionNotice.fromBytes(n1.notice.toBytes()).verify(vkey, T0 + 60, n0), other);
  assert.throws(() => v.Entry.forNotice(n1.notice, T0), other);
  assert.throws(() => vn1.notice.verify(NOTICE_KEY.publicKey(), T0 + 60), other);
  // The verify-only build has no way to make or use keys and records.
  assert.equal(v.VersionNotice.sign, undefined);
  assert.equal(v.sealWithNotice, undefined);
  assert.equal(v.Entry.forCatchUp, undefined);
});

test('a VerifiedNotice smuggled across authorities is refused', () => {
  // Attack: authority A's verified notice used with authority B (issue, seal, rewrap of either
  // one's record by the other), and B's notice as A's `previous`.
  // Safe: WrongAuthority; needsCatchUp false for the other authority's record.
  // Doc: formats.md notice verification "(wrong_authority for another's)"; revocation.md
  // §0.2 `another_authoritys_notice_is_refused`.
  const other = Authority.setup();
  const nb = verified(sign(other, T0 + 60, 1, [['role:nurse', 1]]));
  const recA = seal(pk, Policy.parse('role:nurse'), enc('a'), enc(''), enc('p'));
  const recB = seal(other.publicKey(), Policy.parse('role:nurse'), enc('b'), enc(''), enc('p'));
  assert.throws(() => other.issueKeyUnder(n1, ['role:nurse']), cc.WrongAuthority);
  assert.throws(() => sealWithNotice(other.publicKey(), n1, Policy.parse('role:nurse'), enc('r'), enc(''), enc('p')), cc.WrongAuthority);
  for (const [who, rec, notice] of [[other, recB, n1], [other, recA, n1], [authority, recB, n1], [authority, recA, nb]]) {
    assert.throws(() => who.rewrap(rec, notice), cc.WrongAuthority);
  }
  assert.equal(recB.needsCatchUp(n1), false);
  assert.equal(recA.needsCatchUp(nb), false);
  assert.throws(() => sign(authority, T0 + 120, 1, [['role:nurse', 1]]).verify(NOTICE_KEY.publicKey(), T0 + 120, nb), cc.WrongAuthority);
});

test('R1: a key from before the bump opens no record sealed under the newer notice (also a threshold row)', () => {
  // Attack: the pre-bump key (from issueKey and from issueKeyUnder(n0)), also after a toBytes
  // round trip, on records sealed under n1 (AND, OR and 2-of-3 policies).
  // Safe: PolicyNotSatisfied; a holder of two unbumped names still opens the 2-of-3.
  // Doc: revocation.md §0.2 R1 "opens with no key issued before the bump for a bumped name; a
  // threshold row counts only keys at the row's version".
  const olds = [authority.issueKey(['role:nurse', 'dept:icu']), authority.issueKeyUnder(n0, ['role:nurse', 'dept:icu'])];
  olds.push(...olds.map((k) => UserKey.fromBytes(k.toBytes())));
  for (const text of ['role:nurse and dept:icu', 'role:nurse or ward:3', '2 of (role:nurse, dept:icu, ward:3)']) {
    const record = sealWithNotice(pk, n1, Policy.parse(text), enc('t'), enc(''), enc('tp'));
    for (const k of olds) assert.throws(() => k.open(pk, record), cc.PolicyNotSatisfied, text);
    assert.deepEqual(authority.issueKeyUnder(n1, ['role:nurse', 'dept:icu']).open(pk, record), enc('tp'));
  }
  const threshold = sealWithNotice(pk, n1, Policy.parse('2 of (role:nurse, dept:icu, ward:3)'), enc('t'), enc(''), enc('tp'));
  assert.deepEqual(authority.issueKeyUnder(n0, ['dept:icu', 'ward:3']).open(pk, threshold), enc('tp'));
});

test('R2: after rewrap the old key opens nothing, for v3 and v2 records, through bytes', () => {
  // Attack: the pre-bump keys on caught-up records (v3 sealed under n0, v2 from seal), also
  // after a SealedRecord.fromBytes round trip.
  // Safe: PolicyNotSatisfied; the new key opens; needsCatchUp false after.
  // Doc: revocation.md §0.2 R2 "After the catch-up, no stored record opens with such a key".
  const policy = Policy.parse('role:nurse or (dept:icu and ward:3)');
  const olds = [authority.issueKey(['role:nurse']), authority.issueKeyUnder(n0, ['role:nurse'])];
  const fresh = authority.issueKeyUnder(n1, ['role:nurse']);
  for (const stored of [sealWithNotice(pk, n0, policy, enc('v3'), enc('m'), enc('three')), seal(pk, policy, enc('v2'), enc('m'), enc('two'))]) {
    assert.ok(stored.needsCatchUp(n1));
    const caught = authority.rewrap(stored, n1);
    assert.ok(!caught.needsCatchUp(n1));
    for (const r of [caught, SealedRecord.fromBytes(caught.toBytes())]) {
      for (const k of olds) assert.throws(() => k.open(pk, r), cc.PolicyNotSatisfied);
      assert.ok(['three', 'two'].includes(dec(fresh.open(pk, r))));
    }
  }
});

test('the catch-up never moves a serial or a version back, even with a notice verified without previous', () => {
  // Attack: rewrap a record sealed under n2 (role:nurse at 2) to n1, n0, and to notices with a
  // higher serial but role:nurse at 1 or dropped, verified by a fresh verifier (no previous:
  // the notice-level rollback check never ran).
  // Safe: StaleNotice for a lower serial, FutureVersion for a lower version.
  // Doc: formats.md "never moves the notice serial back (stale_notice) or a version down
  // (future_version)"; revocation.md §0.2 R2 "a record is never rolled back".
  const at2 = sealWithNotice(pk, n2, Policy.parse('role:nurse and dept:icu'), enc('r'), enc(''), enc('p'));
  const lower = verified(sign(authority, T0 + 180, 2, [['role:nurse', 1]]));
  const dropped = verified(sign(authority, T0 + 180, 2, []));
  assert.throws(() => authority.rewrap(at2, n1), (e) => e instanceof cc.StaleNotice || e instanceof cc.FutureVersion);
  assert.throws(() => authority.rewrap(at2, n0), (e) => e instanceof cc.StaleNotice || e instanceof cc.FutureVersion);
  assert.throws(() => authority.rewrap(at2, lower), cc.FutureVersion);
  assert.throws(() => authority.rewrap(at2, dropped), cc.FutureVersion);
  const older = verified(sign(authority, T0 + 90, 2, [['role:nurse', 2]]));
  assert.throws(() => authority.rewrap(at2, older), cc.StaleNotice);
  assert.equal(at2.noticeSerial, T0 + 120);
  assert.deepEqual(at2.attributeVersions(), [['role:nurse', 2], ['dept:icu', 0]]);
});

test('no secret in toString, inspect, JSON or error messages', () => {
  // Attack: look for the payload, key bytes or the master key in String(x), util.inspect(x),
  // JSON.stringify(x) of every v3 object and in the errors of revocation calls.
  // Safe: none appear.
  // Doc: README "Secret-holding objects ... return secret bytes only through toSecretBytes()
  // ... or toBytes()".
  const payload = 'PAYLOAD-SECRET-7f3a9c';
  const key = authority.issueKeyUnder(n1, ['role:nurse']);
  const record = sealWithNotice(pk, n1, Policy.parse('role:nurse'), enc('r'), enc(''), enc(payload));
  const caught = authority.rewrap(record, n1);
  const keyHex = toHex(key.toBytes());
  const secrets = [payload, toHex(enc(payload)), keyHex.slice(8, 72), keyHex.slice(-64), toHex(authority.toSecretBytes()).slice(0, 64)];
  const texts = [key, record, caught, n1, n1.notice, authority].flatMap((x) => [String(x), inspect(x, { depth: 5 }), JSON.stringify(x) ?? '']);
  const tampered = record.toBytes();
  tampered[tampered.length - 3] ^= 1;
  const bad = SealedRecord.fromBytes(tampered);
  for (const call of [() => authority.rewrap(bad, n1), () => key.open(pk, bad), () => authority.issueKey(['dept:x']).open(pk, caught),
    () => SealedRecord.fromBytes(record.toBytes().slice(0, -5))]) {
    assert.throws(() => {
      try { call(); } catch (e) { texts.push(String(e), e.stack ?? '', inspect(e)); throw e; }
    }, cc.CipherchartError);
  }
  for (const text of texts) for (const s of secrets) assert.ok(!text.includes(s), text.slice(0, 200));
});

test('error classes, .code and .kind match the Rust codes', () => {
  // Attack: match on the three new error classes and the decoding kinds of a notice, in both
  // builds (an integrator's `switch (e.code)` must see the Rust code).
  // Safe: ERROR_CLASSES maps each code to its class, `.code` equals it, decoding errors carry
  // the Rust sub-kind in `.kind`.
  // Doc: surface.txt "error stale_notice StaleNotice"; README "Errors carry .code ... .kind";
  // formats.md notice decoding refusals.
  const bytes = n1.notice.toBytes();
  for (const m of [cc, v]) {
    for (const [code, name] of [['stale_notice', 'StaleNotice'], ['notice_rollback', 'NoticeRollback'], ['future_version', 'FutureVersion']]) {
      assert.equal(m.ERROR_CLASSES[code], m[name]);
      assert.ok(m[name].prototype instanceof m.CipherchartError);
    }
    const key = m.BlsPublicKey.fromBytes(NOTICE_KEY.publicKey().toBytes());
    const notice = m.VersionNotice.fromBytes(bytes);
    assert.throws(() => notice.verify(key, T0 + 60 + 3600), (e) => e instanceof m.StaleNotice && e.code === 'stale_notice');
    const cases = [
      [new Uint8Array([0x43, 0x43, 0x41, 0x03, ...new Uint8Array(4 * 1024 * 1024)]), 'bad_length'],
      [new Uint8Array([...bytes.slice(0, 3), 0x02, ...bytes.slice(4)]), 'unsupported_version'],
      [new Uint8Array([...bytes.slice(0, 108), 0, 1, 0, 1, ...bytes.slice(112)]), 'bad_length'],
      [new Uint8Array([...bytes, 0]), 'trailing_bytes'],
    ];
    for (const [blob, kind] of cases) {
      assert.throws(() => m.VersionNotice.fromBytes(blob), (e) => e instanceof m.InvalidEncoding && e.code === 'invalid_encoding' && e.kind === kind, kind);
    }
  }
  const rollback = sign(authority, T0 + 120, 0, []);
  assert.throws(() => verified(rollback, n1), (e) => e instanceof cc.NoticeRollback && e.code === 'notice_rollback');
  const fresh = sealWithNotice(pk, n1, Policy.parse('role:nurse'), enc('f'), enc(''), enc('p'));
  assert.throws(() => authority.rewrap(fresh, n0), (e) => e instanceof cc.FutureVersion && e.code === 'future_version');
});

test('a lone surrogate in an attribute name is refused, not turned into U+FFFD',
  () => {
    // Attack: bump 'x:\uD800' in a notice; seal a record for '"x:\uD800"'; open it with a key
    // for 'x:\uDFFF' (another JS string, e.g. another truncation of an emoji name).
    // Safe: InvalidArgument/InvalidAttribute for every string holding a lone surrogate (it has
    // no UTF-8 form), as the Python binding and the key-file passphrases do.
    // Doc: README (key files) "a string with a lone surrogate ... is checked before conversion:
    // wasm-bindgen would otherwise turn it into U+FFFD silently"; js/checks.js header (nothing
    // is converted silently); docs/revocation.md §11 T14.
    assert.throws(() => sign(authority, T0 + 400, 3, [['role:nurse', 3], ['x:\ud800', 1]]), cc.CipherchartError);
    assert.throws(() => n1.versionOf('x:\ud800'), cc.CipherchartError);
    assert.throws(() => authority.issueKeyUnder(n1, ['x:\udfff']), cc.CipherchartError);
    assert.throws(() => Policy.parse('"x:\ud800"'), cc.CipherchartError);
  });

test('Entry.forCatchUp refuses an unrelated v3 record as the catch-up of a v2 record',
  () => {
    // Attack: seal a new v3 record with a stored v2 record's id and metadata but its own
    // payload and policy, and log the swap as that record's catch-up.
    // Safe: InvalidArgument (not a catch-up).
    // Doc: typings/README Entry.forCatchUp (InvalidArgument "if new is not a catch-up of old");
    // Rust doc "a draft must not log unrelated records as one".
    const v2 = seal(pk, Policy.parse('role:nurse'), enc('id'), enc('m'), enc('genuine'));
    const forged = sealWithNotice(pk, n1, Policy.parse('dept:icu'), enc('id'), enc('m'), enc('forged'));
    assert.throws(() => Entry.forCatchUp(v2, forged, T0), cc.InvalidArgument);
  });

test('Entry.forCatchUp refuses a record as its own catch-up',
  () => {
    // Attack: log a catch-up that replaced no header.
    // Safe: InvalidArgument.
    // Doc: Rust Entry::for_catch_up "logs one record's catch-up from old to new ... the old
    // header digest ‖ the new header digest".
    const record = sealWithNotice(pk, n1, Policy.parse('role:nurse'), enc('r'), enc(''), enc('p'));
    assert.throws(() => Entry.forCatchUp(record, record, T0), cc.InvalidArgument);
  });
