// Classes free() and dispose; the typings for the new API (no `any`, precise arrays and optionals).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as cc from 'cipherchart';

import { jsNames } from './surface.mjs';
import { ANY_PUBLIC, ANY_TYPE } from './typings.mjs';

// The exports themselves are pinned by bindings/surface.txt (surface.test.mjs).
const CLASSES = jsNames('type');

test('every class supports free() and Symbol.dispose', () => {
  for (const name of CLASSES) {
    assert.equal(typeof cc[name].prototype.free, 'function', name);
    assert.equal(typeof cc[name].prototype[Symbol.dispose], 'function', name);
  }
});

test('typings: precise signatures for arrays, optionals and objects', () => {
  for (const build of ['web']) {
    const dts = readFileSync(new URL(`../pkg/${build}/cipherchart.d.ts`, import.meta.url), 'utf8')
      .split('export interface InitOutput')[0]
      .replace(/\/\*[\s\S]*?\*\//g, ''); // doc comments may say "any" in prose
    assert.doesNotMatch(dts, ANY_PUBLIC);
    for (const re of [
      /issueKey\(attributes: string\[\]\): UserKey;/,
      /issueDelegationKey\(attributes: string\[\], delegator: BlsPublicKey\): DelegationKey;/,
      /rekey\(pk: PublicKey, targetPolicy: Policy\): ReKey;/,
      /issueDelegationKeyUnder\(notice: VerifiedNotice, attributes: string\[\], delegator: BlsPublicKey\): DelegationKey;/,
      /rekeyUnder\(target: PublicKey, targetNotice: VerifiedNotice, targetPolicy: Policy, parent\?: Uint8Array \| number\[\] \| null\): ReKey;/,
      /checkCurrent\(notices: Array<VerifiedNotice>\): void;/,
      /targetVersions\(\): Array<\[string, number\]>;/,
      /readonly keyId: Uint8Array;/,
      /readonly isV3: boolean;/,
      /readonly grant: Uint8Array;/,
      /readonly delegationKeyId: Uint8Array \| undefined;/,
      /readonly parent: Uint8Array \| undefined;/,
      /readonly newestGrant: Uint8Array \| undefined;/,
      /readonly delegator: BlsPublicKey;/,
      /readonly authority: Uint8Array;/,
      /startSession\(pk: PublicKey, policy: Policy, [^)]*\): \{ header: SessionHeader; sealer: SessionSealer \};/,
      /sealStream\([^)]*chunkSize\?: number \| null\): Uint8Array;/,
      /rewrapStream\(stream: Uint8Array \| number\[\], trailer: Trailer, notice: VerifiedNotice\): Uint8Array;/,
      /reencryptStream\(stream: Uint8Array \| number\[\], trailer: Trailer \| null, notice: VerifiedNotice\): Uint8Array;/,
      /export function streamTrailer\(stream: Uint8Array \| number\[\]\): Trailer;/,
      /readonly trailer: Trailer \| undefined;/,
      /static forStreamCatchUp\(old: StreamInfo, caughtUp: StreamInfo, time: number\): EntryDraft;/,
      /reencryptBatch\(records: Array<SealedRecord \| Uint8Array>\): Array<SealedRecord \| Error>;/,
      /batchVerify\(publicKeys: Uint8Array\[\], messages: Uint8Array\[\], signatures: Uint8Array\[\]\): void;/,
      /readonly hopCount: number;/,
      /toBytes\(\): Uint8Array;/,
      /readonly holder: BlsPublicKey \| undefined;/,
      /readonly rekeyDigest: Uint8Array \| undefined;/,
      /proveInclusion\(index: number, size\?: number \| null\): InclusionProof;/,
      /static fromRecords\(records: Uint8Array\[\]\): Chain;/,
      /attenuate\(holder: BlsSigningKey, narrowing: Narrowing\): ConsentToken;/,
      /constructor\(time: number, action: string, subject: Uint8Array[^,]*, digest: Uint8Array[^)]*\);/,
      /static forPayload\(time: number, action: string, subject: Uint8Array[^,]*, payload: Uint8Array[^)]*\): EntryDraft;/,
      /signAndAppend\(draft: EntryDraft, actor: BlsSigningKey\): number;/,
      /append\(entry: Entry\): number;/,
      /reencryptBatchWithConsent\(consent: VerifiedConsent, rekey: ReKey, records: Array<SealedRecord \| Uint8Array>, categories: string\[\], purpose: string\): Array<SealedRecord \| Error>;/,
      /readonly scope: Scope;/,
      /readonly values: string\[\] \| undefined;/,
      /readonly signatures: NoteSignature\[\];/,
      /static fromObjectBytes\(bytes: Uint8Array[^)]*\): BlsPublicKey;/,
      /inclusionProof\(index: number, size\?: number \| null\): InclusionProof;/,
      /readonly root: PolicyNode;/,
      /export type PolicyNode =/,
      /verify\(issuer: BlsPublicKey, now: number, revoked\?: RevocationSet \| null\): VerifiedConsent;/,
      /static aggregate\(signatures: Uint8Array\[\]\): UnvalidatedSignature;/,
      /static fromPublicKey\(key: BlsPublicKey\): UnvalidatedPublicKey;/,
      /validate\(\): BlsSignature;/,
      /readonly isIdentity: boolean;/,
      /toKeyFile\(passphrase: string, options\?: KeyFileOptions \| null\): Uint8Array;/,
      /static fromKeyFile\(bytes: Uint8Array \| number\[\], passphrase: string, options\?: KeyFileOptions \| null\): UserKey;/,
      /withMaxWorkFactor\(maxWorkFactor: number\): KeyFileOptions;/,
      /readonly workFactor: number;/,
    ]) assert.match(dts, re, `${build}: ${re}`);
  }
});

test('the typings checks can fail: `any` as a type is found, the word in a name is not', () => {
  for (const t of ['f(x: any): void;', 'readonly x: Array<any>;', 'g(): any[];', 'h(): string | any;',
    'k(): any | string;', 'm(): Map<string, any>;', 'n(): [any, string];', 'r(): Record<string, any>;']) {
    assert.match(t, ANY_PUBLIC, t);
    assert.match(t, ANY_TYPE, t);
  }
  assert.match('type F = () => any;', ANY_PUBLIC);
  for (const t of ['static any(): Selection;', 'readonly isAny: boolean;', 'anything(): void;', 'company: string;']) {
    assert.doesNotMatch(t, ANY_PUBLIC, t);
    assert.doesNotMatch(t, ANY_TYPE, t);
  }
  // The raw ABI returns JS values as externrefs: allowed there only.
  assert.doesNotMatch('export const f: (a: number) => any;', ANY_TYPE);
});

test('equals: every public-value class compares values; secret-holding classes have none', () => {
  const enc = (s) => new TextEncoder().encode(s);
  const authority = cc.Authority.setup();
  const pk = authority.publicKey();
  const key = cc.BlsSigningKey.generate();
  const other = cc.BlsSigningKey.generate();
  const record = cc.seal(pk, cc.Policy.parse('a:1'), enc('r'), enc(''), enc('x'));
  const { header, sealer } = cc.startSession(pk, cc.Policy.parse('a:1'), enc('s'), enc(''));
  const { header: header2 } = cc.startSession(pk, cc.Policy.parse('a:1'), enc('s'), enc(''));
  const sr = sealer.seal(enc('m'), enc('first'));
  const stream = cc.sealStream(pk, cc.Policy.parse('a:1'), enc('scan'), enc(''), enc('bytes'));
  const stream2 = cc.sealStream(pk, cc.Policy.parse('a:1'), enc('scan2'), enc(''), enc('bytes'));
  const noticeKey = cc.BlsSigningKey.generate();
  const notice = cc.VersionNotice.sign(noticeKey, {
    authority: pk.id, statementSerial: 0, serial: 1_800_000_000, issuedAt: 1_800_000_000, notAfter: 1_800_003_600,
    bumpCount: 0, bumpHead: new Uint8Array(32), versions: [],
  }).verify(noticeKey.publicKey(), 1_800_000_000);
  const stream3 = cc.sealStreamWithNotice(pk, notice, cc.Policy.parse('a:1'), enc('scan'), enc(''), enc('bytes'));
  const stream4 = cc.sealStreamWithNotice(pk, notice, cc.Policy.parse('a:1'), enc('scan'), enc(''), enc('bytes'));
  const token = cc.ConsentToken.issue(key, 's', cc.Policy.parse('h:2'), 0, 10, ['t']);
  const chain = new cc.Chain();
  chain.signAndAppend(cc.EntryDraft.forPayload(1, 'read', enc('a'), enc('1')), key);
  chain.signAndAppend(cc.EntryDraft.forPayload(2, 'read', enc('b'), enc('2')), key);
  const cp = chain.checkpoint(key, 'o');
  // [class, value, the same value as another object, a different value]
  const cases = [
    ['BlsPublicKey', key.publicKey(), cc.BlsPublicKey.fromBytes(key.publicKey().toBytes()), other.publicKey()],
    ['PublicKey', pk, cc.PublicKey.fromBytes(pk.toBytes()), cc.Authority.setup().publicKey()],
    ['SealedRecord', record, cc.SealedRecord.fromBytes(record.toBytes()),
      cc.seal(pk, cc.Policy.parse('a:1'), enc('r'), enc(''), enc('x'))],
    ['SessionHeader', header, cc.SessionHeader.fromBytes(header.toBytes()), header2],
    ['SessionRecord', sr, cc.SessionRecord.fromBytes(sr.toBytes()), sealer.seal(enc('m'), enc('first'))],
    ['StreamInfo', cc.StreamInfo.read(stream), cc.StreamInfo.read(stream), cc.StreamInfo.read(stream2)],
    ['Trailer', cc.streamTrailer(stream3), cc.Trailer.fromBytes(cc.streamTrailer(stream3).toBytes()),
      cc.streamTrailer(stream4)],
    ['ConsentToken', token, cc.ConsentToken.fromBytes(token.toBytes()),
      cc.ConsentToken.issue(key, 's', cc.Policy.parse('h:2'), 0, 10, ['t'])],
    ['Entry', chain.entry(0), cc.Entry.fromBytes(chain.entry(0).toBytes()), chain.entry(1)],
    ['EntryDraft', cc.EntryDraft.forPayload(1, 'read', enc('a'), enc('1')),
      new cc.EntryDraft(1, 'read', enc('a'), chain.entry(0).digest), cc.EntryDraft.forPayload(1, 'read', enc('a'), enc('2'))],
    ['Checkpoint', cp, cc.Checkpoint.fromNote(cp.toNote()), chain.checkpoint(other, 'o')],
    ['NoteSignature', cp.signatures[0], cc.Checkpoint.fromBytes(cp.toBytes()).signatures[0],
      chain.checkpoint(other, 'o').signatures[0]],
    ['InclusionProof', chain.proveInclusion(0), new cc.InclusionProof(0, 2, chain.proveInclusion(0).path),
      chain.proveInclusion(1)],
    ['ConsistencyProof', chain.proveConsistency(1), cc.ConsistencyProof.fromBytes(chain.proveConsistency(1).toBytes()),
      new cc.ConsistencyProof(1, 2, [])],
    ['Selection', cc.Selection.only(['a', 'b']), cc.Selection.only(['b', 'a', 'a']), cc.Selection.any()],
    ['Scope', cc.Scope.all(), new cc.Scope(cc.Selection.any(), cc.Selection.any()),
      new cc.Scope(cc.Selection.only(['r']), cc.Selection.any())],
    ['Window', new cc.Window(1, 2), new cc.Window(1, 2), new cc.Window(1, 3)],
    ['Policy', cc.Policy.parse('a:1 and b:1'), cc.Policy.parse('a:1  and  (b:1)'), cc.Policy.parse('a:1 or b:1')],
    ['BlsSignature', key.sign(enc('m')), cc.BlsSignature.fromBytes(key.sign(enc('m')).toBytes()), key.sign(enc('n'))],
  ];
  for (const [name, a, same, different] of cases) {
    assert.ok(a instanceof cc[name] && same instanceof cc[name] && different instanceof cc[name], name);
    assert.notEqual(a, same, `${name}: two objects`);
    assert.equal(a.equals(same), true, `${name}: same value`);
    assert.equal(same.equals(a), true, `${name}: symmetric`);
    assert.equal(a.equals(different), false, `${name}: different value`);
  }
  for (const name of ['Authority', 'UserKey', 'DelegationKey', 'ReKey', 'BlsSigningKey', 'SessionSealer',
    'SessionOpener']) {
    assert.equal(cc[name].prototype.equals, undefined, name);
  }
});
