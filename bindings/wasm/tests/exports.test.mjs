// The public surface, pinned: a new export needs a test file and an entry here; a vanished one
// fails. Also checks the typings for the new API (no `any`, precise arrays and optionals).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as cc from 'cipherchart';

import { ANY_TYPE } from './typings.mjs';

const CLASSES = ['Authority', 'PublicKey', 'UserKey', 'Policy', 'SealedRecord', 'SessionHeader', 'SessionRecord',
  'SessionSealer', 'SessionOpener', 'StreamInfo', 'ReKey', 'BlsSigningKey', 'BlsPublicKey', 'BlsSignature',
  'ConsentToken', 'VerifiedConsent', 'Grant', 'Narrowing', 'ChainEntry', 'Checkpoint', 'ProofFile', 'MemoryChain',
  'InclusionProof', 'ConsistencyProof', 'EntryDraft', 'Selection', 'Scope', 'Window', 'NoteSignature', 'MerkleTree',
  'Limits', 'RevocationSet'];
const FUNCTIONS = ['seal', 'startSession', 'sealStream', 'fastAggregateVerify', 'aggregateVerify', 'batchVerify',
  'batchFindInvalid', 'merkleLeafHash', 'merkleNodeHash', 'verifyInclusion', 'verifyConsistency', 'keyId',
  'rekeyDigest', 'checkRekey'];
const ERRORS = ['CipherchartError', 'InvalidEncoding', 'PolicySyntaxError', 'PolicyInvalid', 'LimitExceeded',
  'InvalidAttribute', 'PolicyNotSatisfied', 'DecryptionFailed', 'VerificationFailed', 'NotASubset',
  'InvalidArgument', 'IoError', 'ConsentError', 'ChainError', 'ERROR_CLASSES'];

test('the package exports exactly the documented API', () => {
  assert.deepEqual(Object.keys(cc).sort(), [...CLASSES, ...FUNCTIONS, ...ERRORS].sort());
  for (const name of [...CLASSES, ...FUNCTIONS]) assert.equal(typeof cc[name], 'function', name);
});

test('every class supports free() and Symbol.dispose', () => {
  for (const name of CLASSES) {
    assert.equal(typeof cc[name].prototype.free, 'function', name);
    assert.equal(typeof cc[name].prototype[Symbol.dispose], 'function', name);
  }
});

test('typings: precise signatures for arrays, optionals and objects', () => {
  for (const build of ['node', 'web']) {
    const dts = readFileSync(new URL(`../pkg/${build}/cipherchart.d.ts`, import.meta.url), 'utf8')
      .split('export interface InitOutput')[0]
      .replace(/\/\*[\s\S]*?\*\//g, ''); // doc comments may say "any" in prose
    assert.doesNotMatch(dts, ANY_TYPE);
    for (const re of [
      /issueKey\(attributes: string\[\]\): UserKey;/,
      /startSession\(pk: PublicKey, policy: Policy, [^)]*\): \{ header: SessionHeader; sealer: SessionSealer \};/,
      /sealStream\([^)]*chunkSize\?: number \| null\): Uint8Array;/,
      /reencryptBatch\(records: Uint8Array\[\]\): Array<SealedRecord \| Error>;/,
      /batchVerify\(publicKeys: Uint8Array\[\], messages: Uint8Array\[\], signatures: Uint8Array\[\]\): void;/,
      /readonly hopCount: number;/,
      /toBytesDangerous\(\): Uint8Array;/,
      /verify\(issuer: BlsPublicKey, now: number, revoked\?: Uint8Array\[\] \| null\): VerifiedConsent;/,
      /readonly holder: BlsPublicKey \| undefined;/,
      /readonly rekeyDigest: Uint8Array \| undefined;/,
      /proveInclusion\(index: number, size\?: number \| null\): InclusionProof;/,
      /static fromRecords\(records: Uint8Array\[\]\): MemoryChain;/,
      /attenuate\(holder: BlsSigningKey, narrowing: Narrowing\): ConsentToken;/,
      /constructor\(time: number, action: string, subject: Uint8Array[^,]*, digest: Uint8Array[^)]*\);/,
      /static forPayload\(time: number, action: string, subject: Uint8Array[^,]*, payload: Uint8Array[^)]*\): EntryDraft;/,
      /signAndAppend\(draft: EntryDraft, actor: BlsSigningKey\): number;/,
      /append\(entry: ChainEntry\): number;/,
      /reencryptBatchWithConsent\(consent: VerifiedConsent, records: Uint8Array\[\], categories: string\[\], purpose: string\): Array<SealedRecord \| Error>;/,
      /readonly scope: Scope;/,
      /readonly values: string\[\] \| undefined;/,
      /readonly signatures: NoteSignature\[\];/,
      /static fromObjectBytes\(bytes: Uint8Array[^)]*\): BlsPublicKey;/,
      /inclusionProof\(index: number, size\?: number \| null\): InclusionProof;/,
      /readonly root: PolicyNode;/,
      /export type PolicyNode =/,
      /static readonly MAX_HOPS: number;/,
      /verifyWith\(issuer: BlsPublicKey, now: number, revocations: RevocationSet\): VerifiedConsent;/,
    ]) assert.match(dts, re, `${build}: ${re}`);
  }
});

test('the typings check can fail: ANY_TYPE finds `any` types, not the word in a name', () => {
  for (const t of ['f(x: any): void;', 'readonly x: Array<any>;', 'g(): any[];', 'h(): string | any;',
    'k(): any | string;', 'm(): Map<any, string>;']) assert.match(t, ANY_TYPE, t);
  for (const t of ['static any(): Selection;', 'readonly isAny: boolean;', 'anything(): void;', 'company: string;'])
    assert.doesNotMatch(t, ANY_TYPE, t);
});
