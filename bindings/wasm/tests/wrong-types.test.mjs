// Every exported function, constructor, static and instance method of both builds, called with
// arguments of the wrong type, throws InvalidArgument naming the function and the argument, and
// calls nothing (issue 23). The surface is enumerated from the package at run time and compared
// with the table in signatures.mjs: an export without an entry there (or an entry for an export
// that is gone) fails, so a new export cannot ship unchecked and untested.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as full from 'cipherchart';
import * as verify from 'cipherchart/verify';

import { SIGNATURES } from './signatures.mjs';

const BUILDS = [
  ['full', full, new URL('../pkg/web/cipherchart.d.ts', import.meta.url), verify],
  ['verify', verify, new URL('../pkg/verify/web/cipherchart.d.ts', import.meta.url), full],
];
const isClass = (lib, name) => typeof lib[name] === 'function' && typeof lib[name].prototype?.free === 'function';
// Callables only: not the error classes, not the constants (numbers and hashes).
const notErrors = (lib) => Object.keys(lib).filter((k) => !(k in full.ERROR_CLASSES) && k !== 'ERROR_CLASSES'
  && !(lib[k]?.prototype instanceof Error) && k !== 'CipherchartError' && typeof lib[k] === 'function');

/** Every callable of a build, as table keys: `f`, `new C`, `C.staticMethod`, `C#method`. */
function surface(lib, dtsUrl) {
  const keys = [];
  const dts = readFileSync(dtsUrl, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  for (const name of notErrors(lib)) {
    if (!isClass(lib, name)) {
      keys.push(name);
      continue;
    }
    const cls = lib[name];
    const body = new RegExp(`^export class ${name} \\{\\n([\\s\\S]*?)\\n\\}`, 'm').exec(dts)?.[1] ?? '';
    if (/^\s*constructor\(./m.test(body)) keys.push(`new ${name}`);
    for (const m of Object.getOwnPropertyNames(cls)) {
      if (['length', 'name', 'prototype'].includes(m) || m.startsWith('__')) continue;
      const d = Object.getOwnPropertyDescriptor(cls, m);
      if (typeof d.value === 'function') keys.push(`${name}.${m}`);
    }
    for (const m of Object.getOwnPropertyNames(cls.prototype)) {
      if (['constructor', 'free'].includes(m) || m.startsWith('__')) continue;
      const d = Object.getOwnPropertyDescriptor(cls.prototype, m);
      if (typeof d.value === 'function') keys.push(`${name}#${m}`);
    }
  }
  return keys.sort();
}

// Genuine objects of every class of both builds: the checks accept only objects the bindings
// made (outside review FB-2, FB-3), so the arguments before the one under test, and the
// receivers, must be real ones. The verify build's are decoded from the full build's bytes.
const T = 1_800_000_000;
const u8 = (t) => new TextEncoder().encode(t);
function genuineObjects() {
  const f = full;
  const authority = f.Authority.setup();
  const pk = authority.publicKey();
  const sk = f.BlsSigningKey.generate();
  const policy = f.Policy.parse('a:b');
  const user = authority.issueKey(['a:b']);
  const record = f.seal(pk, policy, u8('r'), u8(''), u8('p'));
  const chain = new f.Chain();
  chain.signAndAppend(f.EntryDraft.forPayload(T, 'read', u8('s'), u8('p')), sk);
  const checkpoint = chain.checkpoint(sk, 'example.org/log');
  const token = f.ConsentToken.issueGrant(sk, new f.Grant('s', policy, T, T + 100).purposes(['care']));
  const { header, sealer } = f.startSession(pk, policy, u8('s'), u8('m'));
  const notice = f.VersionNotice.sign(sk, {
    authority: pk.id, statementSerial: 0, serial: T, issuedAt: T, notAfter: T + 3600, bumpCount: 0,
    bumpHead: new Uint8Array(32), versions: [],
  });
  const make = {
    Authority: () => f.Authority.setup(),
    PublicKey: () => pk,
    UserKey: () => authority.issueKey(['a:b']),
    SealedRecord: () => record,
    DelegationKey: () => authority.issueDelegationKey(['a:b'], sk.publicKey()),
    ReKey: () => authority.issueDelegationKey(['a:b'], sk.publicKey()).rekey(pk, f.Policy.parse('c:d')),
    BlsSigningKey: () => f.BlsSigningKey.generate(),
    BlsPublicKey: () => sk.publicKey(),
    BlsSignature: () => sk.sign(u8('m')),
    Policy: () => policy,
    Chain: () => new f.Chain(),
    Entry: () => chain.entry(0),
    EntryDraft: () => new f.EntryDraft(T, 'read', u8('s'), new Uint8Array(32)),
    Checkpoint: () => checkpoint,
    NoteSignature: () => checkpoint.signatures[0],
    InclusionProof: () => chain.proveInclusion(0),
    ConsistencyProof: () => new f.ConsistencyProof(1, 1, []),
    ProofFile: () => chain.proofFile(0, checkpoint),
    MerkleTree: () => new f.MerkleTree(),
    ConsentToken: () => token,
    VerifiedConsent: () => token.verify(sk.publicKey(), T + 1),
    Grant: () => new f.Grant('s', policy, T, T + 100),
    Scope: () => f.Scope.all(),
    Selection: () => f.Selection.any(),
    Narrowing: () => new f.Narrowing(),
    Window: () => new f.Window(T, T + 1),
    RevocationSet: () => new f.RevocationSet(),
    KeyFileOptions: () => new f.KeyFileOptions(),
    SessionHeader: () => header,
    SessionSealer: () => sealer,
    SessionRecord: () => sealer.seal(u8('m'), u8('p')),
    SessionOpener: () => user.openSession(pk, header),
    StreamInfo: () => f.StreamInfo.read(f.sealStream(pk, policy, u8('s'), u8('m'), u8('p'))),
    Trailer: () => f.streamTrailer(f.sealStreamWithNotice(pk, notice.verify(sk.publicKey(), T), policy, u8('s'),
      u8('m'), u8('p'))),
    UnvalidatedPublicKey: () => f.UnvalidatedPublicKey.fromPublicKey(sk.publicKey()),
    UnvalidatedSignature: () => f.UnvalidatedSignature.fromSignature(sk.sign(u8('m'))),
    VersionNotice: () => notice,
    VerifiedNotice: () => notice.verify(sk.publicKey(), T),
  };
  const v = verify;
  const vcheckpoint = () => v.Checkpoint.fromBytes(checkpoint.toBytes());
  const vtoken = () => v.ConsentToken.fromBytes(token.toBytes());
  const vnotice = () => v.VersionNotice.fromBytes(notice.toBytes());
  const vpk = () => v.BlsPublicKey.fromBytes(sk.publicKey().toBytes());
  const makeVerify = {
    BlsPublicKey: vpk,
    BlsSignature: () => v.BlsSignature.fromBytes(sk.sign(u8('m')).toBytes()),
    Checkpoint: vcheckpoint,
    NoteSignature: () => vcheckpoint().signatures[0],
    ConsentToken: vtoken,
    VerifiedConsent: () => vtoken().verify(vpk(), T + 1),
    ConsistencyProof: () => new v.ConsistencyProof(1, 1, []),
    Entry: () => v.Entry.fromBytes(chain.entry(0).toBytes()),
    EntryDraft: () => new v.EntryDraft(T, 'read', u8('s'), new Uint8Array(32)),
    InclusionProof: () => new v.InclusionProof(0, 1, []),
    MerkleTree: () => new v.MerkleTree(),
    Policy: () => v.Policy.parse('a:b'),
    ProofFile: () => v.ProofFile.fromBytes(chain.proofFile(0, checkpoint).toBytes()),
    RevocationSet: () => new v.RevocationSet(),
    Scope: () => v.Scope.all(),
    Selection: () => v.Selection.any(),
    UnvalidatedPublicKey: () => v.UnvalidatedPublicKey.fromBytes(sk.publicKey().toBytes()),
    UnvalidatedSignature: () => v.UnvalidatedSignature.fromBytes(sk.sign(u8('m')).toBytes()),
    VersionNotice: vnotice,
    VerifiedNotice: () => vnotice().verify(vpk(), T),
    Window: () => new v.Window(T, T + 1),
  };
  return new Map([[full, make], [verify, makeVerify]]);
}
let GENUINE;
/** A genuine object of class `name` of `lib` (made once per class and build, never called). */
function genuine(lib, name) {
  GENUINE ??= genuineObjects();
  const make = GENUINE.get(lib)[name];
  if (!make) throw new Error(`no genuine ${name} for this build: add it to genuineObjects()`);
  return make();
}

/** A value that passes the check of `type` (an object of the class, never called). */
function valid(lib, type) {
  if (type.startsWith('?')) return undefined;
  if (type.startsWith('(') && type.endsWith(')')) return valid(lib, type.slice(1, -1).split('|')[0]);
  if (type.endsWith('[]')) return [valid(lib, type.slice(0, -2))];
  switch (type) {
    case 'bytes': return new Uint8Array(1);
    case 'string': return 'a:b';
    case 'number': case 'time': return 1;
    case 'boolean': return true;
    case 'unchecked': return undefined;
    default:
      return genuine(lib, type);
  }
}

/** Values of the wrong type for `type`, each with what it is. */
function wrong(lib, other, type) {
  const opt = type.startsWith('?');
  const t = opt ? type.slice(1) : type;
  const missing = opt ? [] : [['undefined', undefined], ['null', null]];
  if (t.startsWith('(') && t.endsWith(')')) {
    // Either alternative: the wrong values of each that the other does not accept.
    const alts = t.slice(1, -1).split('|');
    const accepts = (a, v) => (a === 'bytes'
      ? v instanceof Uint8Array || (Array.isArray(v) && v.every((b) => Number.isInteger(b) && b >= 0 && b <= 255))
      : v instanceof lib[a] && v.__wbg_ptr !== 0 && Object.getPrototypeOf(v) === lib[a].prototype);
    const seen = new Set();
    return alts.flatMap((a) => wrong(lib, other, a))
      .filter(([what, v]) => !alts.some((a) => accepts(a, v)) && !seen.has(what) && seen.add(what));
  }
  if (t.endsWith('[]')) {
    const el = t.slice(0, -2);
    return [...missing, ['a bare element', valid(lib, el)], ['a string', 'role:physician'],
      ...wrong(lib, other, el).filter(([, v]) => v !== undefined && v !== null).slice(0, 2)
        .map(([what, v]) => [`an array of ${what}`, [v]])];
  }
  switch (t) {
    case 'bytes':
      return [...missing, ['a string', 'sinus rhythm'], ['an ArrayBuffer', new ArrayBuffer(4)],
        ['a Uint16Array', new Uint16Array([0x1234])], ['an array of numbers above 255', [1, 0x1234]],
        ['an array of strings', ['a']], ['a number', 7],
        ['a DataView', new DataView(new ArrayBuffer(2))]];
    case 'string':
      return [...missing, ['a number', 7], ['bytes', new Uint8Array(1)], ['an array', ['a:b']]];
    case 'number': case 'time':
      return [...missing, ['a string', '1'], ['a negative', -1], ['a fraction', 1.5], ['NaN', NaN],
        ['2^53', 2 ** 53], ['a bigint', 1n], ...(t === 'time' ? [['milliseconds', Date.now()]] : [])];
    case 'boolean':
      return [...missing, ['a string', 'true'], ['a number', 1]];
    case 'unchecked':
      return [];
    default: {
      const out = [...missing, ['a plain object', {}], ['a string', t], ['bytes', new Uint8Array(1)]];
      const another = Object.keys(lib).find((k) => isClass(lib, k) && k !== t);
      out.push([`a ${another}`, Object.create(lib[another].prototype)]);
      if (isClass(other, t)) out.push(['the other build\'s object', Object.create(other[t].prototype)]);
      const freed = Object.create(lib[t].prototype);
      freed.__wbg_ptr = 0;
      out.push(['a freed object', freed]);
      return out;
    }
  }
}

function call(lib, key, args) {
  if (key.startsWith('new ')) return new lib[key.slice(4)](...args);
  const [cls, method] = key.includes('#') ? key.split('#') : [null, null];
  if (cls) return lib[cls].prototype[method].apply(genuine(lib, cls), args);
  if (key.includes('.')) {
    const [c, m] = key.split('.');
    return lib[c][m](...args);
  }
  return lib[key](...args);
}

for (const [build, lib, dts, other] of BUILDS) {
  test(`${build}: every export has an entry in the signature table`, () => {
    const keys = surface(lib, dts);
    const missing = keys.filter((k) => !(k in SIGNATURES));
    assert.deepEqual(missing, [], `exports without an entry in tests/signatures.mjs: ${missing}`);
    assert.ok(keys.length > 90, `${keys.length} callables`);
  });

  test(`${build}: every argument of every export is checked`, () => {
    let cases = 0;
    for (const key of surface(lib, dts)) {
      const params = SIGNATURES[key].map((p) => p.split(':'));
      for (let i = 0; i < params.length; i++) {
        const [name, type] = params[i];
        for (const [what, bad] of wrong(lib, other, type)) {
          const args = params.slice(0, i).map(([, t]) => valid(lib, t));
          args.push(bad);
          assert.throws(() => call(lib, key, args), (e) => {
            assert.ok(e instanceof lib.InvalidArgument, `${key}(${name} = ${what}): ${e?.name}: ${e?.message}`);
            assert.equal(e.code, 'invalid_argument');
            assert.ok(e.message.includes(` ${name} `), `${key}(${name} = ${what}): ${e.message}`);
            return true;
          }, `${key}(${name} = ${what}) did not throw`);
          cases++;
        }
      }
    }
    assert.ok(cases > 500, `${cases} cases`);
  });

  test(`${build}: a method called on a freed object throws InvalidArgument`, () => {
    for (const key of surface(lib, dts).filter((k) => k.includes('#'))) {
      const [cls, method] = key.split('#');
      const self = Object.create(lib[cls].prototype);
      self.__wbg_ptr = 0;
      assert.throws(() => lib[cls].prototype[method].call(self), lib.InvalidArgument, key);
    }
  });
}

test('the table has no entry for an export that is gone', () => {
  const all = new Set([...surface(full, BUILDS[0][2]), ...surface(verify, BUILDS[1][2])]);
  assert.deepEqual(Object.keys(SIGNATURES).filter((k) => !all.has(k)), []);
});
